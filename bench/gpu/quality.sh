#!/usr/bin/env bash
# Runs on the GPU machine, from the bundle that prepare.sh packs: trains every quality case (bench/Gen.Bench quality)
# for SECONDS of wall time each, all cases at once as separate processes sharing the GPU, then merges their rows into
# quality.json and quality.md in $OUT, with every case's rows and log packed beside them as parts.tar.gz. Each process
# is stopped SECONDS_PER_CASE + 150 s after its start at the latest, so the whole script ends in bounded time.
# Environment: SECONDS_PER_CASE (200), CASES (all), EVAL_SAMPLES (5000), DEVICE (cuda), GEN_LIBTORCH_DIR (default: PyTorch's).
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-$here/out}
mkdir -p "$out"
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
python=${PYTHON:-python3}
export GEN_LIBTORCH_DIR=${GEN_LIBTORCH_DIR:-$($python -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')}
export GEN_DATA_DIR=${GEN_DATA_DIR:-$here/data}
bench="$here/bench/Gen.Bench"
gpu=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)
seconds=${SECONDS_PER_CASE:-200}
cases=${CASES:-$("$bench" quality --list)}
echo "GPU: $gpu; $seconds s per case; cases: $cases"
parts=$(mktemp -d)
for c in ${cases//,/ }; do
  timeout $((seconds + 150)) "$bench" quality --device "${DEVICE:-cuda}" --threads 1 --cases "$c" --seconds "$seconds" --eval-samples "${EVAL_SAMPLES:-5000}" \
    --machine "$gpu (one process per case, all cases sharing the GPU)" --json "$parts/rows-$c.json" > "$parts/log-$c.txt" 2>&1 &
done
wait
tail -n 4 "$parts"/log-*.txt
tar -C "$parts" -czf "$out/parts.tar.gz" .
"$bench" quality-merge --inputs "$parts" --out "$out" \
  --command "bench/gpu/prepare.sh here; bench/gpu/quality.sh there (SECONDS_PER_CASE=$seconds, EVAL_SAMPLES=${EVAL_SAMPLES:-5000})"
