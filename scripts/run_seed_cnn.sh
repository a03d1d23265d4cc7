#!/usr/bin/env bash
# Sets up, builds, and runs deepfin's main job: the seed CNN on Fashion-MNIST.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake --preset release
cmake --build --preset release --target deepfin_cli
./build/release/deepfin train examples/seed_cnn.toml "$@"
