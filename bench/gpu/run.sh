#!/usr/bin/env bash
# Runs on the GPU machine (no .NET SDK there), from the bundle that prepare.sh packs:
#   run.sh probe   symbol compatibility of TorchSharp's glue with the installed libtorch, CUDA, CPU/GPU parity
#   run.sh full    the probe, the CUDA tests, then for each case Gen's and PyTorch's training steps, alternately
# Results (gpu.json, gpu.md, cuda-tests.xml) go to $OUT (or ./out); intermediate files to a scratch folder.
# Environment: CASES (comma-separated), ROUNDS, STEPS, WARMUP, WARMUP_SECONDS, REPS; PYTHON; GEN_LIBTORCH_DIR (default: PyTorch's).
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-$here/out}
work=$(mktemp -d)
mkdir -p "$out"
mode=${1:-full}
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 PYTHONUNBUFFERED=1
python=${PYTHON:-python3}
libtorch=$($python -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')
export GEN_LIBTORCH_DIR=${GEN_LIBTORCH_DIR:-$libtorch}
export GEN_CACHE_DIR=${GEN_CACHE_DIR:-$work/cache}
bench="$here/bench/Gen.Bench"

echo "== machine"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv | tee "$work/gpu.csv"
$python -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "cudnn", torch.backends.cudnn.version())' | tee "$work/torch.txt"
echo "GEN_LIBTORCH_DIR=$GEN_LIBTORCH_DIR"

echo "== libtorch symbols that TorchSharp's glue needs and this libtorch lacks (C++ runtime symbols excluded)"
if command -v nm >/dev/null; then
  nm -D --undefined-only "$here/bench/libLibTorchSharp.so" | awk '{print $2}' | grep -E '^_Z' | grep -v -E '@(GLIBCXX|CXXABI)' | sort -u > "$work/need.txt"
  for f in "$GEN_LIBTORCH_DIR"/*.so*; do nm -D --defined-only "$f" 2>/dev/null; done | awk '{print $3}' | sed 's/@.*//' | sort -u > "$work/have.txt"
  # _ZTH* are optional thread-local initialisers, referenced weakly.
  comm -23 "$work/need.txt" "$work/have.txt" | grep -v '^_ZTH' > "$work/missing.txt"
  echo "$(wc -l < "$work/need.txt") libtorch symbols needed, $(wc -l < "$work/missing.txt") missing" | tee "$work/symbols.txt"
  head -20 "$work/missing.txt"
else
  echo "not checked (no nm)" | tee "$work/symbols.txt"
fi

echo "== probe"
"$bench" probe --device cuda
probe=$?
[ "$mode" = probe ] && exit $probe
[ "$probe" = 0 ] || exit "$probe"

echo "== CUDA tests"
if [ -x "$here/tests/Gen.Cuda.Tests" ]; then
  "$here/tests/Gen.Cuda.Tests" -trait "Category=Cuda" -xml "$work/cuda-tests.xml" > "$work/cuda-tests.log" 2>&1
  echo "exit code $?"
  grep -E "\[FAIL\]|Total:" "$work/cuda-tests.log"
  cp "$work/cuda-tests.xml" "$out/" 2>/dev/null
fi

echo "== speed: Gen and PyTorch, alternately, case by case"
# By default the cases that have a PyTorch twin (twins.py); Gen.Bench lists more (the MAF cases have none).
cases=${CASES:-$(cd "$here" && $python -c 'import twins; print(",".join(twins.CASES))')}
for c in ${cases//,/ }; do
  for rep in $(seq 1 "${REPS:-2}"); do
    # A loss that differs between Gen and its twin stops the run: the timings would compare different work.
    "$bench" speed --device cuda --cases "$c" --rounds "${ROUNDS:-5}" --steps "${STEPS:-20}" --warmup "${WARMUP:-10}" --warmup-seconds "${WARMUP_SECONDS:-2}" --json "$work/gen-$c-$rep.json" \
      || { echo "Gen.Bench speed failed for $c (exit $?)"; exit 1; }
    $python "$here/twins.py" --device cuda --cases "$c" --rounds "${ROUNDS:-5}" --steps "${STEPS:-20}" --warmup "${WARMUP:-10}" --warmup-seconds "${WARMUP_SECONDS:-2}" --json "$work/torch-$c-$rep.json"
    # PyTorch's fused Adam kernel as a second PyTorch column.
    $python "$here/twins.py" --device cuda --adam fused --cases "$c" --rounds "${ROUNDS:-5}" --steps "${STEPS:-20}" --warmup "${WARMUP:-10}" --warmup-seconds "${WARMUP_SECONDS:-2}" --json "$work/torchfused-$c-$rep.json"
  done
done

echo "== where the time goes: forward, backward, update (device drained after each)"
for c in ${BREAKDOWN:-realnvp2d-b256 realnvp784-b100 realnvp784-b1000 pixelcnn28-b256}; do
  "$bench" breakdown --device cuda --cases "$c" --steps 50 --warmup-seconds "${WARMUP_SECONDS:-2}"
  $python "$here/twins.py" --device cuda --cases "$c" --steps 50 --warmup 5 --warmup-seconds "${WARMUP_SECONDS:-2}" --breakdown
done

$python "$here/report.py" "$work" "$out" "bench/gpu/prepare.sh here; bench/gpu/run.sh full there (CASES=${cases} ROUNDS=${ROUNDS:-5} STEPS=${STEPS:-20} WARMUP=${WARMUP:-10} WARMUP_SECONDS=${WARMUP_SECONDS:-2} REPS=${REPS:-2})"
tar -C "$work" -czf "$out/raw.tar.gz" --exclude cache .
