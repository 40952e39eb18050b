#!/usr/bin/env bash
# Side-by-side speed comparison: `flux bench` against the PyTorch anchor (../shared/bench/reference_step.py), run
# alternately (reference 1/1, C# 1, reference 1/2, C# 2, reference 2/2 for each configuration, every reference setting
# both without and with --flush-denormal, shown as "1/1 fd"), ROUNDS rounds, then a table of every setting and of best
# against best (bench/compare_table.py), headed by the CPU model, its vector instruction sets and the one the C# kernels
# ran on (FLUX_ISA=avx512|avx2|none forces it down: `FLUX_ISA=avx2 bash bench/compare.sh` times the AVX2 path).
#   bash bench/compare.sh [ROUNDS] [CONFIGS...]        # default: 3 rounds; ring2d annealed2d mnist-mlp ring2d-dsm langevin
#   bash bench/compare.sh 1 unet-fmnist unet-fmnist-dsm   # the paper's image model (5 steps after 1 warm-up each)
# Environment: SOAK=1 also runs the 10,000-step memory soak (ring2d, annealed2d; SOAK_CONFIGS to change);
#              MARKDOWN=1 prints the tables as Markdown; FLUX_REFERENCE=path of reference_step.py;
#              REF_SETTINGS="1/1 1/2" leaves the reference's 2/2 out (its two OpenMP threads spin and take minutes
#              per run on a machine whose cores are busy; it was never the reference's fastest setting here).
# Needs Debian's python3-torch and libopenblas0-pthread (apt-get install python3-torch libopenblas0-pthread); runs the
# anchor with /usr/bin/python3. Results: artifacts/bench/*.jsonl (each line with the 1-minute load average at its
# start) and the tables on stdout. Measure on a quiet machine: the script warns when the load average exceeds 1.5.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}; shift || true
CONFIGS=("$@"); [ ${#CONFIGS[@]} -gt 0 ] || CONFIGS=(ring2d annealed2d mnist-mlp ring2d-dsm langevin)
REF=${FLUX_REFERENCE:-../shared/bench/reference_step.py}
[ -f "$REF" ] || { echo "reference script not found: $REF (set FLUX_REFERENCE)"; exit 2; }
/usr/bin/python3 -c 'import torch' 2>/dev/null || { echo "install the anchor first: apt-get install -y python3-torch libopenblas0-pthread"; exit 2; }
dotnet build src/FluxMatching.Cli -c Release -v q -nologo >/dev/null
FLUX="dotnet src/FluxMatching.Cli/bin/Release/net10.0/flux.dll"
OUT=artifacts/bench; mkdir -p "$OUT"; : > "$OUT/ref.jsonl"; : > "$OUT/cs.jsonl"; : > "$OUT/matmul.jsonl"; : > "$OUT/soak.jsonl"
steps_for() { case "$1" in mnist-mlp) echo 30;; ring2d-dsm) echo 1000;; unet-*) echo 5;; *) echo 100;; esac; }
warmup_for() { case "$1" in unet-*) echo 1;; *) echo 5;; esac; }   # a U-Net step takes seconds
load() { cut -d' ' -f1 /proc/loadavg; }
tag() { sed "s|^{|{\"round\": $1, \"setting\": \"$2\", \"load1\": $3, |"; }

{
  echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) CPUs, $(free -g | awk '/Mem:/ {print $2}') GiB"
  echo "os: $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
  echo "dotnet: $(dotnet --version); reference: $(/usr/bin/python3 -c 'import torch; print("torch", torch.__version__)')"
  echo "cpu instruction sets: $(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(sse4_2|avx|avx2|fma|avx512f|avx512bw|avx512vl|avx512_bf16|amx_tile)$' | tr '\n' ' ')"
  echo "C# kernels: FLUX_ISA=${FLUX_ISA:-<unset: widest>}" 
  echo "start load: $(cat /proc/loadavg)"
} | tee "$OUT/machine.txt"
[ "$(awk '{print ($1 > 1.5)}' /proc/loadavg)" = 0 ] || echo "WARNING: load average $(load) > 1.5: timings will be noisy"

for t in 1 2; do $FLUX bench --config matmul --threads "$t" | tag 0 "$t" "$(load)" >> "$OUT/matmul.jsonl"; done

ref_run() { # config threads blas [--flush-denormal]
  local l; l=$(load)
  local name="$2/$3${4:+ fd}"
  if [ "$1" = langevin ]; then /usr/bin/python3 "$REF" --sample --threads "$2" --blas-threads "$3" ${4:-}
  else /usr/bin/python3 "$REF" --config "$1" --threads "$2" --blas-threads "$3" --steps "$(steps_for "$1")" --warmup "$(warmup_for "$1")" ${4:-}; fi | tag "$round" "$name" "$l" >> "$OUT/ref.jsonl"
}
ref_pair() { # config threads/blas: the setting without and with --flush-denormal, if REF_SETTINGS has it
  case " ${REF_SETTINGS:-1/1 1/2 2/2} " in *" $2 "*) ;; *) return 0;; esac
  ref_run "$1" "${2%/*}" "${2#*/}"; ref_run "$1" "${2%/*}" "${2#*/}" --flush-denormal
}
cs_run() { # config threads
  local l; l=$(load)
  if [ "$1" = langevin ]; then $FLUX bench --config langevin --threads "$2"
  else $FLUX bench --config "$1" --threads "$2" --steps "$(steps_for "$1")" --warmup "$(warmup_for "$1")"; fi | tag "$round" "$2" "$l" >> "$OUT/cs.jsonl"
}
for round in $(seq 1 "$ROUNDS"); do
  for c in "${CONFIGS[@]}"; do
    echo "round $round/$ROUNDS: $c (load $(load))" >&2
    ref_pair "$c" 1/1; cs_run "$c" 1; ref_pair "$c" 1/2; cs_run "$c" 2; ref_pair "$c" 2/2
  done
done

if [ "${SOAK:-0}" = 1 ]; then
  for c in ${SOAK_CONFIGS:-ring2d annealed2d}; do
    echo "soak: $c, 10,000 steps" >&2
    $FLUX bench --config "$c" --threads 1 --soak --steps 10000 2>/dev/null | tag 0 1 "$(load)" >> "$OUT/soak.jsonl"
  done
fi

python3 bench/compare_table.py "$OUT" ${MARKDOWN:+--markdown}
