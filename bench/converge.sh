#!/usr/bin/env bash
# Trains the papers' models to convergence, one after another on one thread, resumable: run it again after any kill
# (or in a later session) and each case goes on from its last saved epoch; a finished case only re-measures its test
# NLL. Curves and rows land in $RUNS/<case>/ and $RUNS/rows-<case>.json; merge the rows with Gen.Bench quality-merge.
#   GEN_DATA_DIR=../shared/data bench/converge.sh fvsbn nade made
# BENCH: the Gen.Bench executable (a copy outside the work tree, so rebuilding the work tree cannot disturb a run).
set -euo pipefail
RUNS=${RUNS:-/work/runs/papers}
BENCH=${BENCH:-bench/Gen.Bench/bin/Release/net10.0/Gen.Bench}
PATIENCE=${PATIENCE:-30}
mkdir -p "$RUNS"
for case in "$@"; do
  echo "== $case $(date -u +%FT%TZ)"
  "$BENCH" quality --cases "$case" --converge "$RUNS" --patience "$PATIENCE" --threads 1 \
    --json "$RUNS/rows-$case.json" --machine "${MACHINE:-$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs) ($(nproc) cores)}"
done
