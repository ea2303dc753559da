"""Merges one GPU run's outputs into bench/results/gpu.json and gpu.md.

Usage: python3 report.py RUN_DIR OUT_DIR "command line that produced the run"
RUN_DIR holds gen-<case>-<rep>.json (Gen.Bench speed), torch-<case>-<rep>.json (twins.py), gpu.csv, torch.txt,
symbols.txt and cuda-tests.xml, as written by run.sh.
"""
import datetime
import glob
import json
import os
import re
import statistics
import sys
import xml.etree.ElementTree as ET

run, out, command = sys.argv[1], sys.argv[2], sys.argv[3]


def load(pattern):
    rows = {}
    for path in sorted(glob.glob(os.path.join(run, pattern))):
        for row in json.load(open(path)):
            rows.setdefault(row["name"], []).append(row)
    return rows


gen, torch_rows, fused_rows = load("gen-*.json"), load("torch-*.json"), load("torchfused-*.json")
gpu = open(os.path.join(run, "gpu.csv")).read().strip().splitlines()[-1].split(", ")
torch_info = open(os.path.join(run, "torch.txt")).read().split()
symbols = open(os.path.join(run, "symbols.txt")).read().strip() if os.path.exists(os.path.join(run, "symbols.txt")) else "not checked"

tests = None
xml_path = os.path.join(run, "cuda-tests.xml")
if os.path.exists(xml_path):
    root = ET.parse(xml_path).getroot()
    tests = {k: sum(int(a.get(k, 0)) for a in root.iter("assembly")) for k in ("total", "passed", "failed", "skipped")}
    tests["failures"] = [t.get("name") for t in root.iter("test") if t.get("result") == "Fail"]

cases = []
for name, g_rows in gen.items():
    t_rows = torch_rows.get(name, [])
    g_ms = [r["gen_step_ms_median"] for r in g_rows]
    t_ms = [r["pytorch_step_ms_median"] for r in t_rows]
    case = {
        "name": name,
        "description": g_rows[0]["description"],
        "gen_step_ms": statistics.median(g_ms),
        "gen_step_ms_runs": g_ms,
        "hand_torchsharp_step_ms": statistics.median([r["hand_step_ms_median"] for r in g_rows if "hand_step_ms_median" in r]) if "hand_step_ms_median" in g_rows[0] else None,
        "ratio_gen_over_hand_torchsharp": statistics.median([r["ratio_median"] for r in g_rows if "ratio_median" in r]) if "ratio_median" in g_rows[0] else None,
        "gen_loss_first": g_rows[0]["gen_loss_first"],
    }
    if t_ms:
        case.update({
            "pytorch_step_ms": statistics.median(t_ms),
            "pytorch_step_ms_runs": t_ms,
            "ratio_gen_over_pytorch": statistics.median(g_ms) / statistics.median(t_ms),
            "ratio_gen_over_pytorch_per_run": [g / t for g, t in zip(g_ms, t_ms)],
            "pytorch_loss_first": t_rows[0]["pytorch_loss_first"],
        })
    f_ms = [r["pytorch_step_ms_median"] for r in fused_rows.get(name, [])]
    if f_ms:
        case.update({
            "pytorch_fused_adam_step_ms": statistics.median(f_ms),
            "pytorch_fused_adam_step_ms_runs": f_ms,
            "ratio_gen_over_pytorch_fused_adam": statistics.median(g_ms) / statistics.median(f_ms),
        })
    cases.append(case)

result = {
    "date": datetime.date.today().isoformat(),
    "command": command,
    "gpu": {"name": gpu[0], "driver": gpu[1], "memory": gpu[2]},
    "pytorch": {"torch": torch_info[1], "cuda": torch_info[3], "cudnn": torch_info[5]},
    "libtorch_used_by_gen": "the PyTorch installation's torch/lib above, loaded through GEN_LIBTORCH_DIR (TorchSharp 0.107 glue built for libtorch 2.10)",
    "glue_symbol_check": symbols,
    "cuda_tests": tests,
    "cases": cases,
}
os.makedirs(out, exist_ok=True)
json.dump(result, open(os.path.join(out, "gpu.json"), "w"), indent=2)

lines = [
    "# Gen on a GPU: training-step time against PyTorch",
    "",
    f"Measured {result['date']} on {gpu[0]} (driver {gpu[1]}, {gpu[2]}), PyTorch {torch_info[1]} (CUDA {torch_info[3]}, cuDNN {torch_info[5]}).",
    f"Gen ran on the same PyTorch installation's libtorch, loaded through `GEN_LIBTORCH_DIR`; symbol check of TorchSharp's glue against it: {symbols}.",
    "",
    f"Command: `{command}`",
    "",
    "A step is zero-grad, forward, negative mean log-likelihood, backward and Adam (lr 1e-4) on a fixed batch, float32.",
    "Gen trains with its FusedAdam; the hand-written TorchSharp baseline with torch.optim.Adam; PyTorch with its default Adam",
    "(multi-tensor) and, in a second column, with `fused=True`; every side clears gradients by setting them to none.",
    "Each figure is the median over runs of the median over rounds of seconds per step (rounds of 20 steps, each",
    "ended by a device synchronisation); Gen and PyTorch ran alternately, case by case, in one session on one GPU.",
    "",
    "| case | Gen ms/step | PyTorch ms/step | Gen / PyTorch | PyTorch fused Adam ms/step | Gen / fused | hand-written TorchSharp ms/step | Gen / hand-written |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
]
for c in cases:
    def f(v, d=3):
        return "n/a" if v is None else f"{v:.{d}f}"
    lines.append(f"| {c['description']} | {f(c['gen_step_ms'])} | {f(c.get('pytorch_step_ms'))} | {f(c.get('ratio_gen_over_pytorch'))} | {f(c.get('pytorch_fused_adam_step_ms'))} | {f(c.get('ratio_gen_over_pytorch_fused_adam'))} | {f(c['hand_torchsharp_step_ms'])} | {f(c['ratio_gen_over_hand_torchsharp'])} |")
if tests:
    lines += ["", f"CUDA tests (tests/Gen.Cuda.Tests, self-contained, on this GPU): {tests['passed']} passed, {tests['failed']} failed, {tests['skipped']} skipped of {tests['total']}."]
    if tests["failures"]:
        lines += ["Failed: " + ", ".join(tests["failures"])]
open(os.path.join(out, "gpu.md"), "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
