#!/usr/bin/env bash
# Runs on the GPU machine (no .NET SDK there), from the unpacked bundle made by prepare.sh:
#   run.sh probe   runtime check: symbol compatibility, CUDA availability, CPU/GPU parity
#   run.sh full    the probe, then the CUDA tests, then Gen's and PyTorch's training steps, case by case
# Writes logs and JSON into $OUT (or ./out).
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-$here/out}
mkdir -p "$out"
mode=${1:-full}
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 PYTHONUNBUFFERED=1
python=${PYTHON:-python3}
libtorch=$($python -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')
export GEN_LIBTORCH_DIR=${GEN_LIBTORCH_DIR:-$libtorch}
export GEN_CACHE_DIR=${GEN_CACHE_DIR:-/tmp/gen-cache}

echo "== machine"
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv | tee "$out/gpu.csv"
$python -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "cudnn", torch.backends.cudnn.version(), "gpu", torch.cuda.get_device_name(0))' | tee "$out/torch.txt"
echo "GEN_LIBTORCH_DIR=$GEN_LIBTORCH_DIR"

echo "== symbols TorchSharp's glue needs from libtorch that this libtorch lacks"
if command -v nm >/dev/null; then
  nm -D --undefined-only "$here/bench/libLibTorchSharp.so" | awk '{print $2}' | grep -E '^_Z' | sort -u > /tmp/need.txt
  for f in "$GEN_LIBTORCH_DIR"/*.so*; do nm -D --defined-only "$f" 2>/dev/null; done | awk '{print $3}' | sed 's/@.*//' | sort -u > /tmp/have.txt
  comm -23 /tmp/need.txt /tmp/have.txt > "$out/missing-symbols.txt"
  echo "needed $(wc -l < /tmp/need.txt), missing $(wc -l < "$out/missing-symbols.txt")"
  head -20 "$out/missing-symbols.txt" | (command -v c++filt >/dev/null && c++filt || cat)
else
  echo "nm not found; skipped"
fi

echo "== probe"
"$here/bench/Gen.Bench" probe --device cuda 2>&1 | tee "$out/probe.log"
probe=${PIPESTATUS[0]}
[ "$mode" = probe ] && { "$here/bench/Gen.Bench" speed --device cuda --cases realnvp2d-b256,realnvp784-b1000 --rounds 3 --steps 10 --warmup 5 --json "$out/gen-speed.json";
  $python "$here/twins.py" --device cuda --cases realnvp2d-b256,realnvp784-b1000 --rounds 3 --steps 10 --warmup 5 --json "$out/torch-speed.json"; exit $probe; }
[ "$probe" = 0 ] || exit "$probe"

echo "== CUDA tests"
if [ -x "$here/tests/Gen.Cuda.Tests" ]; then
  "$here/tests/Gen.Cuda.Tests" -trait "Category=Cuda" -xml "$out/cuda-tests.xml" 2>&1 | tee "$out/cuda-tests.log" | tail -40
fi

echo "== speed: Gen and PyTorch, alternating by case"
cases=${CASES:-$("$here/bench/Gen.Bench" list | cut -f1 | paste -sd,)}
for c in ${cases//,/ }; do
  "$here/bench/Gen.Bench" speed --device cuda --cases "$c" --rounds "${ROUNDS:-10}" --steps "${STEPS:-20}" --warmup "${WARMUP:-10}" --json "$out/gen-$c.json"
  $python "$here/twins.py" --device cuda --cases "$c" --rounds "${ROUNDS:-10}" --steps "${STEPS:-20}" --warmup "${WARMUP:-10}" --json "$out/torch-$c.json"
done
