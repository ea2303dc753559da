#!/usr/bin/env bash
# Builds and runs the hostile-input probes and writes bench/results/hostile-probes.md and .json (a few minutes on
# 2 cores). Linux only; run as root for every probe (one gives a folder to the user nobody).
#
#   bench/HostileProbes/run.sh [--categories specs,checkpoints,downloads,training,kills,native-cache] [--out DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
command="bench/HostileProbes/run.sh${*:+ $*}"
dotnet build -c Release bench/HostileProbes -v quiet -nologo
# One libtorch thread in every process: the probes time refusals, not throughput, on a machine shared with other work.
export OMP_NUM_THREADS=1
dotnet bench/HostileProbes/bin/Release/net10.0/HostileProbes.dll run --command "$command" "$@"
