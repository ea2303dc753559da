#!/usr/bin/env bash
# Runs the training tests that used to turn NaN at random (libtorch's blocked CPU convolutions reading memory nobody
# wrote; see Gen.Runtime.Convolutions) many times with two CPU-burning processes beside them, and writes how often
# each passed and failed, with the machine, date and command, to a Markdown report.
#
#   tests/stress/training-under-load.sh [ROUNDS] [REPORT]     defaults: 20, bench/results/stress-training.md
#
# Every round runs each test once; a test that fails in any round is a defect to root-cause, never to retry.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-20}
report=${2:-bench/results/stress-training.md}
burners=${GEN_STRESS_BURNERS:-2}

dsl='FullyQualifiedName~ConvVaeGradientTests.Training_steps_leave_no_tensors_behind'
dsl+='|FullyQualifiedName~DigitsImageFlowTrainingTests'
dsl+='|FullyQualifiedName~ClassConditionalDigitsTests.Class_conditional_glow_classifies_held_out_digits_by_likelihood'
dsl+='|FullyQualifiedName~NormalizationTests.A_checkpoint_keeps_the_running_statistics_and_scores_bit_for_bit'
dsl+='|FullyQualifiedName~DeterminismTests'
fsharp='FullyQualifiedName~ImageFlowTests|FullyQualifiedName~PixelCnnTests.PixelCNN learns the binarised digits'
core='FullyQualifiedName~ConvolutionsTests'

dotnet build Gen.sln -c Release >/dev/null
# The commit the tests were built from; do not build in this tree while the rounds run (the test hosts load its output).
commit=$(git rev-parse --short HEAD)
dirty=$(git status --porcelain --untracked-files=no)

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq "$burners"); do yes >/dev/null & pids+=($!); done

start=$(date -u +%Y-%m-%dT%H:%M:%SZ)
SECONDS=0
for r in $(seq "$rounds"); do
  for spec in "tests/Gen.Dsl.Tests|$dsl" "tests/Gen.FSharp.Tests|$fsharp" "tests/Gen.Core.Tests|$core"; do
    project=${spec%%|*}
    filter=${spec#*|}
    dotnet test "$project" -c Release --no-build --filter "$filter" --logger "trx;LogFileName=$r-$(basename "$project").trx" \
      --results-directory "$work" >"$work/$r-$(basename "$project").log" 2>&1 || true
  done
  printf 'round %d of %d done (%d s)\n' "$r" "$rounds" "$SECONDS"
done

# One row per test: passes and failures over all rounds, and the first failure message.
python3 - "$work" "$report" "$rounds" "$burners" "$start" "$SECONDS" "$0 $*" "$commit${dirty:+ (with uncommitted changes)}" <<'PY'
import glob, os, platform, sys, xml.etree.ElementTree as ET
work, report, rounds, burners, start, seconds, command, commit = sys.argv[1:]
ns = {'t': 'http://microsoft.com/schemas/VisualStudio/TeamTest/2010'}
rows = {}
for path in sorted(glob.glob(os.path.join(work, '*.trx'))):
    for r in ET.parse(path).getroot().iterfind('.//t:UnitTestResult', ns):
        name, outcome = r.get('testName'), r.get('outcome')
        row = rows.setdefault(name, [0, 0, ''])
        if outcome == 'Passed':
            row[0] += 1
        else:
            row[1] += 1
            msg = r.find('.//t:Message', ns)
            if not row[2] and msg is not None and msg.text:
                row[2] = msg.text.strip().splitlines()[0][:200]
cpu = next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), '?')
flags = next((l.split(':', 1)[1].split() for l in open('/proc/cpuinfo') if l.startswith('flags')), [])
isa = ' '.join(f for f in flags if f in ('avx2', 'avx512f', 'avx512_bf16', 'amx_tile'))
failures = sum(r[1] for r in rows.values())
with open(report, 'w') as f:
    f.write('# Training tests under load\n\n')
    f.write(f'- date: {start}; {seconds} s in all\n- machine: {cpu} ({isa}), {os.cpu_count()} cores, {platform.system()} {platform.release()}\n')
    f.write(f'- load: {burners} `yes > /dev/null` processes beside the tests for the whole run\n')
    f.write(f'- commit: {commit}\n- command: `{command}`\n')
    f.write(f'- rounds: {rounds}; every test runs once a round\n\n')
    f.write(f'**{failures} failures in {sum(r[0] + r[1] for r in rows.values())} test runs.**\n\n')
    f.write('| test | passed | failed | first failure |\n|---|---:|---:|---|\n')
    for name in sorted(rows):
        p, n, m = rows[name]
        f.write(f'| {name} | {p} | {n} | {m.replace("|", "/")} |\n')
print(open(report).read())
sys.exit(1 if failures else 0)
PY
