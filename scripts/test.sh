#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds deepfin and runs the whole test suite.
#   scripts/test.sh          release build (the README's test command)
#   scripts/test.sh asan     the same suite under Address + UndefinedBehavior sanitizers
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-release}"
scripts/setup.sh
cmake --preset "$preset"
cmake --build --preset "$preset"
ctest --preset "$preset"
