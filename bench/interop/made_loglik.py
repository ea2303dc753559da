"""Loads a MADE that Gen exported as safetensors into plain PyTorch and scores the same batch.

Usage: /usr/bin/python3 bench/interop/made_loglik.py DIR
DIR holds made.safetensors (the model's state dict, masks included) and batch.safetensors (x, and Gen's log p).
The safetensors files are parsed here by hand (8-byte header length, JSON header, raw little-endian data), so the
check needs nothing but torch.
"""
import json
import struct
import sys

import torch

DTYPES = {"F32": torch.float32, "F64": torch.float64, "I64": torch.int64, "U8": torch.uint8, "BOOL": torch.bool}


def read_safetensors(path):
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        data = f.read()
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        flat = torch.frombuffer(bytearray(data[begin:end]), dtype=DTYPES[entry["dtype"]])
        tensors[name] = flat.reshape(entry["shape"])
    return tensors


def made_log_prob(state, x):
    """The MADE density of Germain et al.: masked layers with ReLU between them, one logit per feature."""
    layers = sorted({int(k.split(".")[2]) for k in state if k.startswith("network.layers.")})
    h = x
    for i in layers:
        w = state[f"network.layers.{i}.weight"] * state[f"network.layers.{i}.mask"]
        h = torch.nn.functional.linear(h, w, state[f"network.layers.{i}.bias"])
        if i != layers[-1]:
            h = torch.relu(h)
    return -torch.nn.functional.binary_cross_entropy_with_logits(h, x, reduction="none").sum(-1)


def main():
    directory = sys.argv[1]
    torch.set_num_threads(1)
    state = read_safetensors(f"{directory}/made.safetensors")
    batch = read_safetensors(f"{directory}/batch.safetensors")
    ours = made_log_prob(state, batch["x"])
    gap = (ours - batch["logp"]).abs().max().item()
    print(f"PyTorch {torch.__version__}: mean log p {ours.mean().item():.4f} nats (Gen {batch['logp'].mean().item():.4f}); "
          f"largest difference over {ours.shape[0]} digits {gap:.3g} nats")
    sys.exit(0 if gap < 1e-3 else 1)


if __name__ == "__main__":
    main()
