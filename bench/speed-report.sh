#!/usr/bin/env bash
# The CPU speed report (bench/results/speed.md and .json; speed-quick.* with --quick): Gen against hand-written
# TorchSharp, the host-overhead table, sampling, memory against the twin, and, where /usr/bin/python3 has Debian's
# python3-torch, what that PyTorch does on the same cases with the same thread count (run first, in its own process).
#
# Usage: bench/speed-report.sh [--quick] [--threads N] [--out DIR]
#   --quick    a few minutes on two cores (fewer, shorter rounds; short memory runs; small sampling batches)
#   --threads  torch threads for every side (default: the number of cores)
#   --out      where the report goes (default: bench/results)
# GEN_BENCH=path/to/Gen.Bench runs a copy of the benchmark built before (nothing is built), so that the repository's
# build folders can change while a long report runs.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=""
threads=$(nproc)
out=bench/results
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --threads) threads="$2"; shift ;;
    --out) out="$2"; shift ;;
    *) echo "speed-report.sh: unknown argument $1 (known: --quick, --threads N, --out DIR)" >&2; exit 2 ;;
  esac
  shift
done

bench=${GEN_BENCH:-bench/Gen.Bench/bin/Release/net10.0/Gen.Bench}
[ -n "${GEN_BENCH:-}" ] || dotnet build bench/Gen.Bench -c Release -v q -nologo
args=(report --threads "$threads" --out "$out")
[ -n "$quick" ] && args+=(--quick)

if /usr/bin/python3 -c "import torch" 2>/dev/null; then
  pytorch=$(mktemp --suffix=.json)
  trap 'rm -f "$pytorch"' EXIT
  if [ -n "$quick" ]; then timing=(--rounds 3 --steps 5 --warmup 1 --warmup-seconds 0.5); else timing=(--rounds 11 --steps 10 --warmup 3 --warmup-seconds 3); fi
  OMP_NUM_THREADS="$threads" /usr/bin/python3 bench/gpu/twins.py --device cpu --threads "$threads" \
    --cases realnvp2d-b256,made784-b100,realnvp784-b100 "${timing[@]}" --json "$pytorch"
  args+=(--debian-pytorch "$pytorch")
else
  echo "speed-report.sh: /usr/bin/python3 has no torch (apt-get install python3-torch libopenblas0-pthread); the Debian PyTorch table is left out" >&2
fi

"$bench" "${args[@]}"
