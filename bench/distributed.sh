#!/usr/bin/env bash
# Data-parallel throughput on this machine (docs/performance.md, "Data-parallel training on MPI"): per round and
# configuration, 1 rank × CORES threads, then CORES ranks × 1 thread (ranks × threads = cores), each printing rank 0's
# JSON line (median step time, samples/s of all ranks, all-reduce time per step and its bytes).
#   bash bench/distributed.sh [ROUNDS] [CONFIGS...]   default configs: ring2d mnist-mlp; also unet-fmnist (the image
#                                                     bench's U-Net on Fashion-MNIST, 3 timed steps)
# Needs MPICH (apt-get install mpich libmpich-dev) and, for unet-fmnist, apt-get install dataset-fashion-mnist.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}; shift || true
configs=("$@"); [ ${#configs[@]} -gt 0 ] || configs=(ring2d mnist-mlp)
cores=$(nproc)
dotnet build tests/FluxMatching.Distributed.Tests -c Release > /dev/null
worker=tests/FluxMatching.Distributed.Tests/bin/Release/net10.0/FluxMatching.Distributed.Tests.dll
for round in $(seq "$rounds"); do
  for config in "${configs[@]}"; do
    case "$config" in mnist-mlp) steps=30;; unet-*) steps=3;; *) steps=100;; esac
    echo "# round $round, load $(cut -d' ' -f1-3 /proc/loadavg)"
    mpiexec.mpich -n 1 dotnet "$worker" bench "$config" "$steps" "$cores"
    mpiexec.mpich -n "$cores" dotnet "$worker" bench "$config" "$steps" 1
  done
done
