#!/usr/bin/env bash
# Builds what the GPU machine runs, here, into .gpu/ (ignored by git; carried to the GPU machine):
# self-contained linux-x64 builds of the benchmark and the CUDA tests (no .NET SDK needed there), without the
# CPU libtorch (the GPU machine loads its own CUDA libtorch through GEN_LIBTORCH_DIR), packed as one tar.xz.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out="$root/.gpu"
stage="$out/stage"
rm -rf "$stage" "$out/gen-gpu.tar.xz"
mkdir -p "$stage"

publish() { # project, folder
  dotnet publish "$root/$1" -c Release -r linux-x64 --self-contained -o "$stage/$2" -p:GenerateDocumentationFile=false -nologo -v quiet
  # libtorch-cpu's files: everything native except TorchSharp's glue and the .NET host's own libraries.
  find "$stage/$2" -maxdepth 1 -name '*.so*' \
    ! -name 'libLibTorchSharp.so' ! -name 'libSystem.*' ! -name 'libclr*' ! -name 'libcoreclr*' \
    ! -name 'libhostfxr.so' ! -name 'libhostpolicy.so' ! -name 'libmscordaccore.so' ! -name 'libmscordbi.so' \
    ! -name 'libMicrosoft.*' -print -delete | sed 's/^/  dropped /'
}

publish bench/Gen.Bench/Gen.Bench.csproj bench
if [ -d "$root/tests/Gen.Cuda.Tests" ]; then
  publish tests/Gen.Cuda.Tests/Gen.Cuda.Tests.csproj tests
fi
cp "$root/bench/gpu/twins.py" "$root/bench/gpu/run.sh" "$root/bench/gpu/report.py" "$root/bench/gpu/quality.sh" "$stage/"
# The quality run's data (the GPU machine reaches no network), from GEN_DATA_DIR or ../shared/data: binarized MNIST,
# and MNIST's 8-bit images for the dequantised-MNIST flows (realnvp-mnist, glow-mnist, maf-mnist).
data=${GEN_DATA_DIR:-$root/../shared/data}
for set in binarized-mnist mnist; do
  if [ -d "$data/$set" ]; then
    mkdir -p "$stage/data/$set"
    cp "$data/$set"/*.gz "$stage/data/$set/"
  else
    echo "  no $set at $data: quality.sh will not find the data of the cases that need it"
  fi
done
tar -C "$stage" -cJf "$out/gen-gpu.tar.xz" .
rm -rf "$stage"
ls -la "$out/gen-gpu.tar.xz"
