#!/usr/bin/env bash
# Notebook checks: packs FluxMatching, FluxMatching.Plotting, FluxMatching.Interactive and FluxMatching.Experiments from
# the current commit into artifacts/feed, runs every notebook in notebooks/ in quick mode (FLUX_QUICK=1) with
# dotnet-repl and with Jupyter (nbconvert and the .NET kernel), checks each run with tools/check_notebook.py, writes its
# HTML outputs to
# artifacts/<notebook>.<runner>.html and, when tools/check_html_render.py exists, checks in headless Chromium that the
# charts render. Prints one line per check and ends with "N passed, N failed" (exit 1 when something failed).
# Installs what a fresh machine lacks: dotnet-repl and dotnet-interactive in .tools/, Jupyter from apt.
#
# Environment: FLUX_NOTEBOOKS="00-getting-started" (default: all notebooks), FLUX_RUNNERS="repl jupyter" (default both),
# FLUX_QUICK=0 for full mode (notebook 03 also reads FLUX_MEDIUM=1 and FLUX_PAPER=1), FLUX_NOTEBOOK_TIMEOUT seconds per
# run (default 900).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT=1 PYDEVD_DISABLE_FILE_VALIDATION=1
export NUGET_PACKAGES="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
TOOLS="$ROOT/.tools"
export PATH="$TOOLS:$PATH" JUPYTER_DATA_DIR="$TOOLS/jupyter"
OUT=artifacts/notebooks
RUNNERS="${FLUX_RUNNERS:-repl jupyter}"
LIMIT="${FLUX_NOTEBOOK_TIMEOUT:-900}"
mkdir -p "$OUT"
passed=0; failed=0; t0=$SECONDS
step() { echo "== [$((SECONDS - t0))s] $*"; }
result() { # $1 = exit status, $2 = what
  if [ "$1" = 0 ]; then passed=$((passed + 1)); echo "PASS $2"; else failed=$((failed + 1)); echo "FAIL $2"; fi
}
finish() { step "done"; echo "$passed passed, $failed failed"; [ "$failed" = 0 ] && exit 0 || exit 1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# ---- pack (P6: NuGet serves a cached id+version, so drop our cached packages first) ----
step "pack"
rm -rf "$NUGET_PACKAGES/fluxmatching" "$NUGET_PACKAGES/fluxmatching.plotting" "$NUGET_PACKAGES/fluxmatching.interactive" "$NUGET_PACKAGES/fluxmatching.experiments" artifacts/feed
s=$SECONDS; built=0
for project in FluxMatching FluxMatching.Plotting FluxMatching.Interactive FluxMatching.Experiments; do
  dotnet pack "src/$project" -c Release -o artifacts/feed > "artifacts/pack-$project.log" 2>&1 || { built=1; tail -n 20 "artifacts/pack-$project.log"; }
done
result "$built" "pack: FluxMatching, FluxMatching.Plotting, FluxMatching.Interactive, FluxMatching.Experiments into artifacts/feed ($((SECONDS - s)) s)"
[ "$built" = 0 ] || finish
python3 - artifacts/feed <<'PY'
import glob, re, sys, zipfile
feed = sys.argv[1]
want = {"FluxMatching": set(), "FluxMatching.Plotting": {"FluxMatching"}, "FluxMatching.Interactive": {"FluxMatching", "FluxMatching.Plotting"}, "FluxMatching.Experiments": {"FluxMatching"}}
ok = True
for pid, deps in want.items():
    files = [f for f in glob.glob(f"{feed}/{pid}.*.nupkg") if re.fullmatch(re.escape(pid) + r"\.\d[^/]*\.nupkg", f.split("/")[-1])]
    if len(files) != 1:
        print(f"  {pid}: expected one package, found {files}"); ok = False; continue
    z = zipfile.ZipFile(files[0]); names = z.namelist()
    spec = z.read(next(n for n in names if n.endswith(".nuspec"))).decode("utf-8")
    found = set(re.findall(r'<dependency id="([^"]+)"', spec))
    problems = [f"missing dependency {d}" for d in deps - found]
    problems += [f"depends on {d} (the kernel provides it)" for d in found if d.startswith("Microsoft.DotNet.Interactive")]
    if "<readme>README.md</readme>" not in spec or "README.md" not in names: problems.append("no package README")
    if not any(n == f"lib/net10.0/{pid}.xml" for n in names): problems.append("no XML docs")
    if pid == "FluxMatching.Interactive" and "interactive-extensions/dotnet/extension.dib" not in names: problems.append("no extension.dib")
    for p in problems: print(f"  {pid}: {p}")
    ok = ok and not problems
sys.exit(0 if ok else 1)
PY
result $? "packages: dependencies, package README, XML docs, extension.dib"

# ---- tools ----
step "tools"
if [[ " $RUNNERS " == *" repl "* ]] && [ ! -x "$TOOLS/dotnet-repl" ]; then
  dotnet tool install dotnet-repl --version 0.3.259 --tool-path "$TOOLS" > /dev/null || result 1 "install dotnet-repl"
fi
if [[ " $RUNNERS " == *" jupyter "* ]]; then
  if [ ! -x /usr/bin/jupyter-nbconvert ]; then
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get -o DPkg::Lock::Timeout=600 update -qq > /dev/null
    as_root apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
      jupyter-nbconvert python3-nbclient jupyter-client python3-ipykernel > /dev/null || result 1 "install Jupyter (apt)"
  fi
  [ -x "$TOOLS/dotnet-interactive" ] || dotnet tool install Microsoft.dotnet-interactive --version 1.0.712001 --tool-path "$TOOLS" > /dev/null \
    || result 1 "install dotnet-interactive"
  dotnet interactive jupyter install > /dev/null 2>&1 || result 1 "install the .NET Jupyter kernelspec"
fi

# P4: a system libtorch (Debian's python3-torch) would shadow the NuGet one inside the kernel. The extension preloads
# the NuGet libtorch itself; the search path is set as well, but only where a system copy exists.
if compgen -G "/usr/lib/x86_64-linux-gnu/libtorch_cpu.so*" > /dev/null || compgen -G "/usr/lib/libtorch_cpu.so*" > /dev/null; then
  export LD_LIBRARY_PATH="$NUGET_PACKAGES/libtorch-cpu-linux-x64/2.10.0/runtimes/linux-x64/native${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  echo "system libtorch found: LD_LIBRARY_PATH starts with the NuGet libtorch"
fi

# P6 again, one level up: dotnet-interactive caches each `#r "nuget:..."` restore by its package list alone, in
# ~/.packagemanagement/nuget/Cache (a .csx and a .resolvedReferences.paths per list), and reuses it while the files it
# names exist, whatever NUGET_PACKAGES says now: a restore made by an earlier run with another package folder would
# serve that run's FluxMatching packages. Drop the cached restores that name FluxMatching packages outside this run's
# NUGET_PACKAGES (the next restore writes a fresh entry).
PM_CACHE="$HOME/.packagemanagement/nuget/Cache"
if [ -d "$PM_CACHE" ]; then
  for paths in "$PM_CACHE"/*.resolvedReferences.paths; do
    [ -f "$paths" ] || continue
    if grep -i '^fluxmatching' "$paths" | grep -vqF ",${NUGET_PACKAGES%/}/fluxmatching"; then
      rm -f "$paths" "${paths%.resolvedReferences.paths}.csx"; echo "dropped a cached notebook package restore from another package folder"
    fi
  done
fi

# ---- notebooks ----
# The notebooks only say `#r "nuget:FluxMatching.Interactive, 0.1.0"`; the package source is supplied from outside. Each
# run executes a copy of the notebook in a fresh folder that holds a NuGet.config adding artifacts/feed as a source
# (merged with the user's NuGet sources). Package restores of both runners honour it: dotnet-repl is started in that
# folder, and nbconvert starts the .NET kernel with the notebook's folder as its working directory. The folder also
# links datasets/ (notebook 07 reads datasets/iris.csv, found by walking up from the working directory).
export FLUX_QUICK="${FLUX_QUICK:-1}"
unset FLUX_FEED
RUNS="$(mktemp -d "${TMPDIR:-/tmp}/flux-notebooks.XXXXXX")"
trap 'rm -rf "$RUNS"' EXIT
notebooks="${FLUX_NOTEBOOKS:-$(cd notebooks && ls *.ipynb | sed 's/\.ipynb$//')}"
for nb in $notebooks; do
  src="notebooks/$nb.ipynb"
  for runner in $RUNNERS; do
    step "$nb ($runner)"
    out="$ROOT/$OUT/$nb.$runner.ipynb"; rm -f "$out"
    dir="$RUNS/$nb.$runner"; mkdir -p "$dir"; cp "$src" "$dir/$nb.ipynb"
    ln -s "$ROOT/datasets" "$dir/datasets"   # the repository's data files, found from the notebook's folder as in a clone
    cat > "$dir/NuGet.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="flux-local-feed" value="$ROOT/artifacts/feed" />
  </packageSources>
</configuration>
XML
    s=$SECONDS
    case "$runner" in
      repl) (cd "$dir" && timeout "$LIMIT" dotnet repl --run "$nb.ipynb" --exit-after-run --output-format ipynb --output-path "$out" \
              < /dev/null > "$ROOT/$OUT/$nb.repl.log" 2>&1) ;;     # exits 2 when a cell failed: check_notebook decides
      jupyter) (cd "$dir" && timeout "$LIMIT" /usr/bin/jupyter nbconvert --to notebook --execute --allow-errors \
                 --ExecutePreprocessor.timeout="$LIMIT" --ExecutePreprocessor.kernel_name=.net-csharp \
                 "$nb.ipynb" --output-dir "$ROOT/$OUT" --output "$nb.jupyter.ipynb" > "$ROOT/$OUT/$nb.jupyter.log" 2>&1) ;;
      *) echo "unknown runner $runner"; result 1 "$nb ($runner)"; continue ;;
    esac
    took=$((SECONDS - s))
    html="artifacts/$nb.$runner.html"
    python3 tools/check_notebook.py "$out" "$src" --html "$html" --label "$nb ($runner)"
    result $? "$nb ($runner): cells ran, expected outputs present, no unexpected errors ($took s)"
    if [ -f tools/check_html_render.py ] && [ -s "$html" ]; then
      python3 tools/check_html_render.py "$html" --screenshot "artifacts/$nb.$runner.png" > "$OUT/$nb.$runner.render.log" 2>&1
      rc=$?; tail -n 5 "$OUT/$nb.$runner.render.log" | sed 's/^/  /'
      result $rc "$nb ($runner): charts render offline in headless Chromium"
    fi
  done
done
finish
