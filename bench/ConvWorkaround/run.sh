#!/usr/bin/env bash
# Times the convolutional models' training steps built from two source trees, in alternating processes on a quiet
# machine: a commit (default: the parent of the one that routed convolutions through Gen.Runtime.Convolutions) and
# the working tree. Prints one line per model: median step time of each over the rounds, with the range.
#
#   bench/ConvWorkaround/run.sh [BEFORE_COMMIT] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
before=${1:-f54830b}
rounds=${2:-3}
work=$(mktemp -d)
trap 'git worktree remove --force "$work/tree" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git worktree add --detach "$work/tree" "$before" >/dev/null
# The same program in both trees, each built against the Gen sources around it.
cp -r bench/ConvWorkaround "$work/tree/bench/"
rm -rf "$work/tree/bench/ConvWorkaround/bin" "$work/tree/bench/ConvWorkaround/obj"
dotnet build "$work/tree/bench/ConvWorkaround" -c Release -o "$work/before/out"
dotnet build bench/ConvWorkaround -c Release -o "$work/after/out"
for r in $(seq "$rounds"); do
  for tag in after before; do
    dotnet "$work/$tag/out/ConvWorkaround.dll" | sed "s/^/$tag\t/"
  done
done | tee "$work/times.tsv"
python3 - "$work/times.tsv" <<'PY'
import collections, statistics, sys
d = collections.defaultdict(list)
for line in open(sys.argv[1]):
    tag, name, ms = line.rstrip('\n').split('\t')
    d[name, tag].append(float(ms))
print('| model, batch | before: ms per step, median (range) | after | after / before |\n|---|---:|---:|---:|')
for name in dict.fromkeys(n for n, _ in d):
    b, a = d[name, 'before'], d[name, 'after']
    print(f'| {name} | {statistics.median(b):.2f} ({min(b):.2f}-{max(b):.2f}) | {statistics.median(a):.2f} ({min(a):.2f}-{max(a):.2f}) | {statistics.median(a) / statistics.median(b):.2f} |')
PY
