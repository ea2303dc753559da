"""PyTorch twins of Gen.Bench's speed cases: the same architectures, batches, optimizer and timing protocol.

Usage: python3 twins.py [--device cuda] [--cases a,b] [--rounds R] [--steps S] [--warmup W] [--threads T]
                        [--adam default|fused] [--json FILE]

Each case mirrors the C# case of the same name in bench/Gen.Bench/Cases: a training step is zero_grad, the
negative mean log-likelihood of a fixed batch, backward and an Adam step (lr 1e-4); a round runs S steps and
then synchronises the device; the reported figure is the median over rounds of seconds per step.
"""
import argparse
import json
import math
import statistics
import time

import torch
from torch import nn


class RealNvp(nn.Module):
    """Alternating-mask affine couplings (tanh log-scale, ReLU MLP conditioner, zero-initialised output layer),
    a reversal after each coupling, standard-normal base; forward returns log p(x) per example."""

    def __init__(self, features, couplings, hidden):
        super().__init__()
        mask = torch.tensor([1.0 if i % 2 == 0 else 0.0 for i in range(features)])
        self.register_buffer("mask", mask)
        self.register_buffer("free", 1.0 - mask)
        nets = []
        for _ in range(couplings):
            last = nn.Linear(hidden, 2 * features)
            nn.init.zeros_(last.weight)
            nn.init.zeros_(last.bias)
            nets.append(nn.Sequential(nn.Linear(features, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(), last))
        self.nets = nn.ModuleList(nets)
        self.half_log_two_pi = 0.5 * math.log(2 * math.pi)

    def forward(self, x):
        z = x
        log_det = torch.zeros(x.shape[0], dtype=x.dtype, device=x.device)
        for net in reversed(self.nets):
            z = z.flip(-1)
            kept = z * self.mask
            t, s = net(kept).chunk(2, -1)
            s = s.tanh()
            z = kept + self.free * ((z - t) * (-s).exp())
            log_det = log_det - (self.free * s).sum(-1)
        return (-0.5 * z * z - self.half_log_two_pi).sum(-1) + log_det


def realnvp(features, couplings, hidden, batch):
    def build(device, seed):
        torch.manual_seed(seed)
        model = RealNvp(features, couplings, hidden).to(device)
        g = torch.Generator().manual_seed(seed + 1000)
        x = torch.randn(batch, features, generator=g).to(device)
        return model, (lambda: -model(x).mean())
    return build


class PixelCnn(nn.Module):
    """7x7 type-A masked convolution, residual blocks (relu, 1x1 F->F/2, relu, 3x3 type-B, relu, 1x1 F/2->F, plus the
    input), relu, 1x1 F->F, relu, 1x1 F->1; masks multiplied into the weights on every pass; Bernoulli log p(x)."""

    def __init__(self, filters, blocks):
        super().__init__()
        convs = [nn.Conv2d(1, filters, 7)]
        for _ in range(blocks):
            convs += [nn.Conv2d(filters, filters // 2, 1), nn.Conv2d(filters // 2, filters // 2, 3), nn.Conv2d(filters // 2, filters, 1)]
        convs += [nn.Conv2d(filters, filters, 1), nn.Conv2d(filters, 1, 1)]
        self.convs = nn.ModuleList(convs)
        self.blocks = blocks
        self.register_buffer("mask_a7", self.raster(7, False))
        self.register_buffer("mask_b3", self.raster(3, True))

    @staticmethod
    def raster(k, include_centre):
        c = k // 2
        m = torch.zeros(1, 1, k, k)
        for r in range(k):
            for col in range(k):
                if r < c or (r == c and (col < c or (include_centre and col == c))):
                    m[0, 0, r, col] = 1.0
        return m

    def conv(self, i, x, mask, padding):
        w = self.convs[i].weight if mask is None else self.convs[i].weight * mask
        return nn.functional.conv2d(x, w, self.convs[i].bias, padding=padding)

    def forward(self, x):
        relu = nn.functional.relu
        h = self.conv(0, x * 2 - 1, self.mask_a7, 3)
        i = 1
        for _ in range(self.blocks):
            y = self.conv(i, relu(h), None, 0)
            y = self.conv(i + 1, relu(y), self.mask_b3, 1)
            y = self.conv(i + 2, relu(y), None, 0)
            h = h + y
            i += 3
        h = self.conv(i, relu(h), None, 0)
        logits = self.conv(i + 1, relu(h), None, 0)
        return -nn.functional.binary_cross_entropy_with_logits(logits, x, reduction="none").sum((1, 2, 3))


def pixelcnn(filters, blocks, batch):
    def build(device, seed):
        torch.manual_seed(seed)
        model = PixelCnn(filters, blocks).to(device)
        g = torch.Generator().manual_seed(seed + 2000)
        x = torch.bernoulli(torch.full((batch, 1, 28, 28), 0.3), generator=g).to(device)
        return model, (lambda: -model(x).mean())
    return build


class Made(nn.Module):
    """Masked linear layers (natural order, hidden degrees drawn as in Germain et al.), ReLU between, Bernoulli
    log p(x). The masks are the twin's own draw (Gen's differ in which entries are open, not in shape or count of
    kernels), so only the timings, not the losses, compare with Gen's."""

    def __init__(self, features, hidden):
        super().__init__()
        g = torch.Generator().manual_seed(0)
        degrees = [torch.arange(1, features + 1)]
        for h in hidden:
            degrees.append(torch.randint(1, features, (h,), generator=g))
        degrees.append(torch.arange(1, features + 1))
        sizes = [features] + list(hidden) + [features]
        self.layers = nn.ModuleList(nn.Linear(sizes[i], sizes[i + 1]) for i in range(len(sizes) - 1))
        for i in range(len(sizes) - 1):
            if i < len(sizes) - 2:
                mask = (degrees[i + 1][:, None] >= degrees[i][None, :]).float()
            else:
                mask = (degrees[i + 1][:, None] > degrees[i][None, :]).float()
            self.register_buffer(f"mask{i}", mask)

    def forward(self, x):
        h = x
        for i, layer in enumerate(self.layers):
            h = nn.functional.linear(h, layer.weight * getattr(self, f"mask{i}"), layer.bias)
            if i < len(self.layers) - 1:
                h = nn.functional.relu(h)
        return -nn.functional.binary_cross_entropy_with_logits(h, x, reduction="none").sum(-1)


def made(features, hidden, batch):
    def build(device, seed):
        torch.manual_seed(seed)
        model = Made(features, hidden).to(device)
        g = torch.Generator().manual_seed(seed + 3000)
        x = torch.bernoulli(torch.full((batch, features), 0.3), generator=g).to(device)
        return model, (lambda: -model(x).mean())
    return build


CASES = {
    "realnvp2d-b256": realnvp(2, 8, 64, 256),
    "realnvp784-b100": realnvp(784, 8, 1024, 100),
    "realnvp784-b1000": realnvp(784, 8, 1024, 1000),
    "made784-b100": made(784, [500, 500], 100),
    "made784-b1000": made(784, [500, 500], 1000),
    "pixelcnn28-small-b64": pixelcnn(32, 2, 64),
    "pixelcnn28-b256": pixelcnn(256, 8, 256),
}


def drain(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def warm(step, device, count, seconds):
    """Untimed steps: at least `count`, and for at least `seconds` (the device drained every 8 steps)."""
    start = time.perf_counter()
    i = 0
    while i < count or time.perf_counter() - start < seconds:
        step()
        i += 1
        if i % 8 == 0:
            drain(device)
    drain(device)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--device", default="cuda")
    p.add_argument("--cases", default=",".join(CASES))
    p.add_argument("--rounds", type=int, default=10)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--warmup", type=int, default=10)
    p.add_argument("--warmup-seconds", type=float, default=2.0,
                   help="untimed steps for at least this long too (Gen.Bench does the same, for its JIT)")
    p.add_argument("--json")
    p.add_argument("--threads", type=int, help="torch.set_num_threads, as Gen.Bench's --threads")
    p.add_argument("--adam", choices=["default", "fused"], default="default",
                   help="PyTorch's default Adam (multi-tensor on a GPU) or its fused kernel (fused=True, CUDA)")
    p.add_argument("--breakdown", action="store_true", help="time forward, backward and update separately instead")
    a = p.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    device = torch.device(a.device)
    rows = []
    for name in a.cases.split(","):
        if name not in CASES:
            print(f"{name}: no PyTorch twin")
            continue
        model, loss_fn = CASES[name](device, 1)
        opt = torch.optim.Adam(model.parameters(), lr=1e-4, **({"fused": True} if a.adam == "fused" else {}))

        def step():
            opt.zero_grad(set_to_none=True)  # as Gen and its TorchSharp twin clear gradients (1.13's default zeroes them)
            loss = loss_fn()
            loss.backward()
            opt.step()

        loss_first = float(loss_fn().detach())  # before any step: Gen.Bench's first loss, from the same weights
        warm(step, device, 0 if a.breakdown else a.warmup, a.warmup_seconds)
        if a.breakdown:
            phases = [[], [], []]
            for i in range(a.warmup + a.steps):
                t0 = time.perf_counter()
                loss = loss_fn()
                drain(device)
                t1 = time.perf_counter()
                loss.backward()
                drain(device)
                t2 = time.perf_counter()
                opt.step()
                opt.zero_grad(set_to_none=True)
                drain(device)
                t3 = time.perf_counter()
                if i >= a.warmup:
                    for k, v in enumerate((t1 - t0, t2 - t1, t3 - t2)):
                        phases[k].append(v)
            f, b, u = (1e3 * statistics.median(v) for v in phases)  # medians, as Gen.Bench's breakdown
            print(f"  pytorch: forward {f:.3f} ms, backward {b:.3f} ms, update + zero-grad {u:.3f} ms")
            continue
        times = []
        for _ in range(a.rounds):
            t0 = time.perf_counter()
            for _ in range(a.steps):
                step()
            drain(device)
            times.append((time.perf_counter() - t0) / a.steps)
        row = {"name": name, "device": str(device), "torch": torch.__version__, "threads": torch.get_num_threads(), "adam": a.adam,
               "pytorch_step_ms_median": 1e3 * statistics.median(times), "pytorch_step_ms_min": 1e3 * min(times),
               "pytorch_loss_first": loss_first, "pytorch_loss_last": float(loss_fn().detach())}
        print(f"{name}: pytorch {row['pytorch_step_ms_median']:.3f} ms/step")
        rows.append(row)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(rows, f, indent=2)


if __name__ == "__main__":
    main()
