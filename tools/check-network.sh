#!/usr/bin/env bash
# Checks that `flux` neither opens a network socket nor needs the network (docs/reliability.md):
#  1. `flux train` and `flux sample` under strace: no socket of family AF_INET or AF_INET6 is ever created (the .NET
#     runtime's own diagnostics endpoint is an AF_UNIX socket, not a port);
#  2. the same commands inside a new network namespace with no interfaces (unshare -n), where any connection would fail.
# Usage: bash tools/check-network.sh [path/to/flux.dll]   (build first: dotnet build src/FluxMatching.Cli -c Release)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
flux="${1:-$root/src/FluxMatching.Cli/bin/Release/net10.0/flux.dll}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
run() { dotnet "$flux" train --steps 3 --samples 50 --no-baseline --quiet --out "$work/$1" --name r >/dev/null &&
        dotnet "$flux" sample "$work/$1/r/flux.pt" --n 10 --steps 2 --out "$work/$1/s.csv" >/dev/null; }

if command -v strace >/dev/null; then
  export -f run; export flux work
  strace -f -qq -e trace=socket,connect,bind,listen -o "$work/trace" bash -c 'run traced'
  families="$(grep -o 'socket(AF_[A-Z0-9]*' "$work/trace" | sort | uniq -c | tr -s ' ' || true)"
  echo "strace: sockets created by family:${families:- none}"
  if grep -Eq 'AF_INET6?[,)]' "$work/trace"; then echo "FAIL: an internet socket was created"; grep -E 'AF_INET6?[,)]' "$work/trace"; exit 1; fi
else
  echo "strace not found: step 1 skipped"
fi

if unshare -n true 2>/dev/null; then
  unshare -n bash -c "$(declare -f run); flux='$flux' work='$work' run isolated"
  echo "unshare -n: train and sample ran without any network interface"
else
  echo "unshare -n not permitted: step 2 skipped"
fi
echo "OK: no internet socket, no network needed"
