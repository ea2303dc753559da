"""PyTorch's half of the twin run: trains the MADE or VAE that Gen.Bench twin-train exported, from the same initial
weights and in the same minibatch order, with torch.optim.Adam, and writes the learning curve beside Gen's.

Usage: GEN_DATA_DIR=../shared/data /usr/bin/python3 bench/interop/twin_train.py DIR MODEL SEED [LIMIT] [LR]
DIR holds init-MODEL-SEED.safetensors and order-MODEL-SEED.safetensors from
`Gen.Bench twin-train --dir DIR --model MODEL --seed SEED`; the curve goes to DIR/torch-MODEL-SEED.json. MODEL is made
or vae. LIMIT (0: all) must match the one Gen ran with. One thread. The VAE draws its posterior noise from PyTorch's
own generator (seeded with SEED), so its curve matches Gen's only to within that noise.
"""
import gzip
import json
import os
import struct
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(__file__))
from made_loglik import read_safetensors  # noqa: E402

WINDOW = 100


def read_idx_images(path):
    """An IDX image file (gzip-compressed, big-endian header, unsigned bytes) as [N, rows * cols] float32."""
    with gzip.open(path, "rb") as f:
        magic, n, rows, cols = struct.unpack(">IIII", f.read(16))
        if magic != 0x00000803:
            raise ValueError(f"{path}: not an IDX image file (magic {magic:#x})")
        data = f.read(n * rows * cols)
    return torch.frombuffer(bytearray(data), dtype=torch.uint8).reshape(n, rows * cols).to(torch.float32)


def leaf(t):
    return t.clone().requires_grad_(True)


def made(state):
    """The MADE density of Germain et al. over Gen's masked layers, ReLU between them: log p(x), [batch]."""
    layers = sorted({int(k.split(".")[2]) for k in state if k.startswith("network.layers.")})
    weights = [leaf(state[f"network.layers.{i}.weight"]) for i in layers]
    biases = [leaf(state[f"network.layers.{i}.bias"]) for i in layers]
    masks = [state[f"network.layers.{i}.mask"] for i in layers]

    def log_prob(x):
        h = x
        for k in range(len(layers)):
            h = torch.nn.functional.linear(h, weights[k] * masks[k], biases[k])
            if k != len(layers) - 1:
                h = torch.relu(h)
        return -torch.nn.functional.binary_cross_entropy_with_logits(h, x, reduction="none").sum(-1)

    log_prob.parameters = [p for pair in zip(weights, biases) for p in pair]
    return log_prob


def vae(state):
    """The ELBO of Gen's VAE (tanh MLPs; q = N(loc, softplus(s) + 1e-6); p(x|z) Bernoulli; analytic KL to N(0, I)): [batch]."""
    names = ["encoder.linear0", "encoder.linear1", "encoder.output", "decoder.linear0", "decoder.linear1", "decoder.output"]
    w = {n: leaf(state[f"{n}.weight"]) for n in names}
    b = {n: leaf(state[f"{n}.bias"]) for n in names}
    latent = w["decoder.linear0"].shape[1]

    def mlp(x, prefix):
        h = torch.tanh(torch.nn.functional.linear(x, w[f"{prefix}.linear0"], b[f"{prefix}.linear0"]))
        h = torch.tanh(torch.nn.functional.linear(h, w[f"{prefix}.linear1"], b[f"{prefix}.linear1"]))
        return torch.nn.functional.linear(h, w[f"{prefix}.output"], b[f"{prefix}.output"])

    def elbo(x):
        h = mlp(x, "encoder")
        loc, scale = h[:, :latent], torch.nn.functional.softplus(h[:, latent:]) + 1e-6
        z = loc + scale * torch.randn_like(loc)
        logits = mlp(z, "decoder")
        reconstruction = -torch.nn.functional.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(-1)
        kl = (0.5 * (scale ** 2 + loc ** 2 - 1) - torch.log(scale)).sum(-1)
        return reconstruction - kl

    elbo.parameters = [p for n in names for p in (w[n], b[n])]
    return elbo


def main():
    directory, model, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    limit = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    lr = float(sys.argv[5]) if len(sys.argv) > 5 else 1e-3
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    root = os.path.join(os.environ.get("GEN_DATA_DIR", "../shared/data"), "binarized-mnist")
    train = read_idx_images(os.path.join(root, "train-images-idx3-ubyte.gz"))
    valid = read_idx_images(os.path.join(root, "valid-images-idx3-ubyte.gz"))
    if limit > 0:
        train, valid = train[:limit], valid[:limit]
    state = read_safetensors(f"{directory}/init-{model}-{seed}.safetensors")
    order = read_safetensors(f"{directory}/order-{model}-{seed}.safetensors")["order"]
    if order.shape[1] != train.shape[0]:
        raise SystemExit(f"the order is over {order.shape[1]} images, the training set here has {train.shape[0]}: give the same LIMIT")

    loss_of = made(state) if model == "made" else vae(state)
    # Gen's FusedAdam takes its parameters in the state dict's order; Adam's arithmetic is per parameter either way.
    adam = torch.optim.Adam(loss_of.parameters, lr=lr)
    log_prob = loss_of

    windows, validation, total, count = [], [], 0.0, 0
    start = time.time()
    for epoch in range(order.shape[0]):
        for begin in range(0, train.shape[0], 100):
            batch = train[order[epoch, begin:begin + 100]]
            adam.zero_grad(set_to_none=True)
            loss = -log_prob(batch).mean()
            loss.backward()
            adam.step()
            total += loss.item()
            count += 1
            if count == WINDOW:
                windows.append(total / WINDOW)
                total, count = 0.0, 0
        with torch.no_grad():
            validation.append(sum(-log_prob(valid[i:i + 1000]).sum().item() for i in range(0, valid.shape[0], 1000)) / valid.shape[0])
        print(f"torch seed {seed}: epoch {epoch + 1}, validation {validation[-1]:.3f}, {time.time() - start:.0f} s", file=sys.stderr)

    curve = {"implementation": f"PyTorch {torch.__version__} (Debian's python3-torch)", "model": model, "seed": seed, "window": WINDOW,
             "train_windows": windows, "validation": validation, "seconds": time.time() - start, "threads": 1}
    with open(f"{directory}/torch-{model}-{seed}.json", "w") as f:
        json.dump(curve, f, indent=2)


if __name__ == "__main__":
    main()
