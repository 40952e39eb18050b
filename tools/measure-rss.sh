#!/usr/bin/env bash
# Runs a command and samples its resident memory (VmRSS) every INTERVAL seconds (default 2).
#   tools/measure-rss.sh [-i INTERVAL] [-o LOG] -- COMMAND...
# Prints "elapsed_s rss_mb" lines to LOG (default: stdout after the run) and a summary line.
set -euo pipefail
interval=2; log=""
while [ $# -gt 0 ]; do
  case "$1" in
    -i) interval=$2; shift 2;;
    -o) log=$2; shift 2;;
    --) shift; break;;
    *) break;;
  esac
done
tmp=$(mktemp)
"$@" > "$tmp.out" 2>&1 &
pid=$!
t0=$(date +%s.%N)
: > "$tmp"
while kill -0 "$pid" 2>/dev/null; do
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
  [ -n "$rss" ] && echo "$(echo "$(date +%s.%N) - $t0" | bc) $((rss / 1024))" >> "$tmp"
  sleep "$interval"
done
wait "$pid"; rc=$?
if [ -n "$log" ]; then cp "$tmp" "$log"; else cat "$tmp"; fi
tail -n 3 "$tmp.out"
awk '{ if (NR == 1) first = $2; v[NR] = $2; if ($2 > max) max = $2 } END {
  n = NR; q = int(n / 4); if (q < 1) q = 1;
  printf "samples %d, first %d MB, after warm-up (25%%) %d MB, last %d MB, max %d MB\n", n, first, v[q], v[n], max }' "$tmp"
rm -f "$tmp" "$tmp.out"
exit $rc
