#!/usr/bin/env bash
# Side-by-side speed comparison: `flux bench` against the PyTorch anchor (../shared/bench/reference_step.py), run
# alternately, ROUNDS rounds, every configuration, every thread setting; prints a table (best against best).
#   bash bench/compare.sh [ROUNDS] [CONFIGS...]
# Needs Debian's python3-torch and libopenblas0-pthread (apt-get install python3-torch libopenblas0-pthread); runs
# the anchor with /usr/bin/python3. Results: artifacts/bench/*.jsonl and the table on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}; shift || true
CONFIGS=("$@"); [ ${#CONFIGS[@]} -gt 0 ] || CONFIGS=(ring2d annealed2d mnist-mlp ring2d-dsm langevin)
REF=${FLUX_REFERENCE:-../shared/bench/reference_step.py}
[ -f "$REF" ] || { echo "reference script not found: $REF (set FLUX_REFERENCE)"; exit 2; }
/usr/bin/python3 -c 'import torch' 2>/dev/null || { echo "install the anchor first: apt-get install -y python3-torch libopenblas0-pthread"; exit 2; }
dotnet build src/FluxMatching.Cli -c Release -v q -nologo >/dev/null
FLUX="dotnet src/FluxMatching.Cli/bin/Release/net10.0/flux.dll"
OUT=artifacts/bench; mkdir -p "$OUT"; : > "$OUT/ref.jsonl"; : > "$OUT/cs.jsonl"
steps_for() { case "$1" in mnist-mlp) echo 30;; *) echo 50;; esac; }
for round in $(seq 1 "$ROUNDS"); do
  for c in "${CONFIGS[@]}"; do
    for setting in "1 1" "1 2" "2 2"; do
      set -- $setting; t=$1; b=$2
      if [ "$c" = langevin ]; then
        /usr/bin/python3 "$REF" --sample --threads "$t" --blas-threads "$b" | sed "s/^{/{\"round\": $round, \"setting\": \"$t\/$b\", /" >> "$OUT/ref.jsonl"
      else
        /usr/bin/python3 "$REF" --config "$c" --threads "$t" --blas-threads "$b" --steps "$(steps_for "$c")" | sed "s/^{/{\"round\": $round, \"setting\": \"$t\/$b\", /" >> "$OUT/ref.jsonl"
      fi
    done
    for t in 1 2; do
      if [ "$c" = langevin ]; then
        $FLUX bench --config langevin --threads "$t" | sed "s/^{/{\"round\": $round, \"setting\": \"$t\", /" >> "$OUT/cs.jsonl"
      else
        $FLUX bench --config "$c" --threads "$t" --steps "$(steps_for "$c")" | sed "s/^{/{\"round\": $round, \"setting\": \"$t\", /" >> "$OUT/cs.jsonl"
      fi
    done
  done
done
python3 bench/compare_table.py "$OUT/ref.jsonl" "$OUT/cs.jsonl"
