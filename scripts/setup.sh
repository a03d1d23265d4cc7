#!/usr/bin/env bash
# Installs every Debian package deepfin needs to build, test and run its examples
# (`scripts/setup.sh --bench`: and the baselines of bench/ as well).
# Idempotent: safe to run again. Needs root (or sudo) on Debian 12 (bookworm).
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git
  # tests and micro-benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  # build cache (used as the compiler launcher when present), and the fuzzing
  # toolchain for the `fuzz` preset (libFuzzer needs clang)
  ccache clang-15 libfuzzer-15-dev libomp-15-dev
  # parsing, formatting, compression
  nlohmann-json3-dev libtomlplusplus-dev libcli11-dev libfmt-dev zlib1g-dev
  # a CSPRNG (OpenSSL's RAND_bytes) for the noise of differentially private training
  libssl-dev
  # FFTs for the PRV privacy accountant
  libfftw3-dev
  # risk: GARCH maximum likelihood (NLopt) and the tests' distributions (Boost.Math)
  libnlopt-dev libboost-dev
  # text: the linear model on TF-IDF features (LIBLINEAR's linear SVM)
  liblinear-dev
  # HTTP (and TLS through OpenSSL) for the scoring server, `deepfin serve`; the
  # openssl command makes the throwaway certificate of its TLS test
  libcpp-httplib-dev openssl
  # the GEMM seam's providers (OpenMP builds, so there is one thread pool)
  libopenblas-openmp-dev libblis-openmp-dev libdnnl-dev
  # report figures (PNG via cairo, SVG)
  libplplot-dev plplot-driver-cairo
  # Unicode normalization for the text pipeline
  libutf8proc-dev
  # data: Fashion-MNIST for the seed CNN
  dataset-fashion-mnist
  # the Python module (import deepfin) and its pytest suite: pybind11 against
  # data-parallel training over many processes (mpirun -np N deepfin train)
  openmpi-bin libopenmpi-dev
  # Debian's Python and numpy; pandas and scikit-learn for DataFrames and
  # deepfin.sklearn
  pybind11-dev python3-dev python3-numpy python3-pytest python3-pandas python3-sklearn
)

# --bench adds what only bench/ and the research scripts use (DESIGN.md §4): the PyTorch side of
# the speed benchmarks, the XGBoost and statsmodels baselines, scipy's tests, and wrk for the server.
case "${1:-}" in
  "") ;;
  --bench) packages+=(python3-torch python3-xgboost python3-scipy python3-statsmodels wrk) ;;
  *)
    echo "setup: unknown option '$1'; the only option is --bench (also install the benchmarks' baselines)" >&2
    exit 2
    ;;
esac

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update
  "${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi
echo "setup: all ${#packages[@]} packages present"
