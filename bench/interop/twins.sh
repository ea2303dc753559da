#!/usr/bin/env bash
# The MADE and VAE learning curves of Gen and of PyTorch (Debian's python3-torch) from the same initial weights and minibatch
# order, for three seeds, one thread each; then the report (bench/results/twins.md, twins.json, twins.png).
#   GEN_DATA_DIR=../shared/data bench/interop/twins.sh [EPOCHS] [DIR]
set -euo pipefail
EPOCHS=${1:-5}
DIR=${2:-/tmp/gen-twins}
BENCH=${BENCH:-bench/Gen.Bench/bin/Release/net10.0/Gen.Bench}
for model in made vae; do
  for seed in 0 1 2; do
    "$BENCH" twin-train --dir "$DIR" --model "$model" --seed "$seed" --epochs "$EPOCHS" --threads 1
    /usr/bin/python3 bench/interop/twin_train.py "$DIR" "$model" "$seed"
  done
done
"$BENCH" twin-report --dir "$DIR" --out bench/results
