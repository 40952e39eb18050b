#!/usr/bin/env bash
# Runs .ci/run the way a new machine would: a fresh clone of the committed HEAD (uncommitted changes are not in it),
# an empty NuGet cache (NUGET_PACKAGES pointing at a new empty folder) and no build outputs or tools from earlier runs.
# shared/ (the authors' fixtures) is linked beside the clone as CI lays it. Run before every stop.
#   usage: bash tools/ci-fresh.sh [--default-cache]     (--default-cache: keep the machine's normal NuGet cache)
# Leaves the clone and the cache in a temporary folder (printed), ends with .ci/run's "N passed, N failed" and status.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
work=$(mktemp -d "${TMPDIR:-/tmp}/flux-ci-fresh.XXXXXX")
git clone -q "$ROOT" "$work/main" || { echo "ci-fresh: git clone failed"; exit 1; }
[ -d "$ROOT/../shared" ] && ln -s "$(cd "$ROOT/../shared" && pwd)" "$work/shared"
if [ "${1:-}" = "--default-cache" ]; then
  unset NUGET_PACKAGES
  echo "ci-fresh: clone $work/main ($(git -C "$work/main" rev-parse --short HEAD)), default NuGet cache"
else
  export NUGET_PACKAGES="$work/nuget/"   # trailing slash on purpose: both spellings must work
  mkdir -p "$NUGET_PACKAGES"
  echo "ci-fresh: clone $work/main ($(git -C "$work/main" rev-parse --short HEAD)), empty NuGet cache $NUGET_PACKAGES"
fi
cd "$work/main" && CI=true bash .ci/run < /dev/null
