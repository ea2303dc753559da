#!/usr/bin/env bash
# Carries the runs of bench/converge.sh from one machine to the next through the repository. A run's folder under
# $RUNS lives outside the work tree, and a fresh machine starts without it; so, with the run stopped (kill it: it
# resumes from its last confirmed epoch):
#   bench/converge-state.sh save      copies each case's resume point (the latest confirmed epoch's weights and
#                                     optimizer state, its best weights, its record) and curve into bench/runs/<case>,
#                                     to be committed;
#   bench/converge-state.sh restore   copies them back into $RUNS for a case that has no resume point there yet,
#                                     before bench/converge.sh goes on.
set -euo pipefail
RUNS=${RUNS:-/work/runs/papers}
KEEP="$(cd "$(dirname "$0")" && pwd)/runs"
case "${1:-}" in
  save)
    for dir in "$RUNS"/*/; do
      name=$(basename "$dir")
      latest="$dir/state/latest"
      [ -f "$latest" ] || continue
      epoch=$(tr -d '[:space:]' < "$latest")
      [ -f "$dir/state/$epoch/run.json" ] || { echo "$name: $epoch is incomplete; stop the run and save again" >&2; exit 1; }
      rm -rf "$KEEP/$name"
      mkdir -p "$KEEP/$name/state"
      cp -r "$dir/state/$epoch" "$KEEP/$name/state/"
      cp "$latest" "$KEEP/$name/state/latest"
      [ -f "$dir/curve.csv" ] && cp "$dir/curve.csv" "$KEEP/$name/"
      echo "$name: saved $epoch"
    done
    ;;
  restore)
    [ -d "$KEEP" ] || exit 0
    for dir in "$KEEP"/*/; do
      name=$(basename "$dir")
      if [ -f "$RUNS/$name/state/latest" ]; then
        echo "$name: $RUNS/$name already has a resume point; left as it is"
        continue
      fi
      mkdir -p "$RUNS/$name"
      cp -r "$dir"/. "$RUNS/$name/"
      echo "$name: restored $(tr -d '[:space:]' < "$dir/state/latest")"
    done
    ;;
  *)
    echo "usage: bench/converge-state.sh save|restore" >&2
    exit 2
    ;;
esac
