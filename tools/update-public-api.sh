#!/usr/bin/env bash
# Regenerates the declared public API (PublicAPI.Shipped.txt) of each library from what the compiler sees, using the
# diagnostics of Microsoft.CodeAnalysis.PublicApiAnalyzers (RS0016: undeclared symbol, RS0017: declared but gone).
# Run after an intended public API change, review `git diff '*PublicAPI*'`, commit. The build fails on any undeclared
# change, so a change that was not meant to be public shows up as a build error instead.
#   usage: bash tools/update-public-api.sh [src/Project ...]     (default: every packable library under src/)
set -uo pipefail
cd "$(dirname "$0")/.."
projects=("$@")
[ ${#projects[@]} -gt 0 ] || projects=(src/FluxMatching src/FluxMatching.Plotting src/FluxMatching.Interactive src/FluxMatching.Experiments src/FluxMatching.Distributed)
for p in "${projects[@]}"; do
  [ -d "$p" ] || { echo "update-public-api: $p: no such project folder"; exit 1; }
  printf '#nullable enable\n' > "$p/PublicAPI.Shipped.txt"
  printf '#nullable enable\n' > "$p/PublicAPI.Unshipped.txt"
  log=$(mktemp)
  dotnet build "$p" -c Release -p:TreatWarningsAsErrors=false -p:BuildProjectReferences=true > "$log" 2>&1
  { printf '#nullable enable\n'
    grep -E "warning RS0016|error RS0016" "$log" | grep -F "[$(cd "$p" && pwd)/" \
      | sed -E "s/.*Symbol '(.*)' is not part of the declared (public )?API.*/\1/" | LC_ALL=C sort -u
  } > "$p/PublicAPI.Shipped.txt"
  n=$(($(wc -l < "$p/PublicAPI.Shipped.txt") - 1))
  if grep -qE " error (CS|RS00[^1])" "$log"; then grep -E " error (CS|RS00[^1])" "$log" | sort -u | head; rm -f "$log"; exit 1; fi
  rm -f "$log"
  echo "$p: $n public symbols declared"
done
