#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds deepfin and runs the whole test suite.
#   scripts/test.sh          release build (the README's test command)
#   scripts/test.sh asan     the same suite under Address + UndefinedBehavior sanitizers
# Each phase prints how long it took, so growth in build or test time shows early.
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-release}"
timed() {
  local name="$1" start=$SECONDS
  shift
  "$@"
  echo "test.sh: ${preset}: ${name} took $((SECONDS - start)) s"
}
timed setup scripts/setup.sh
timed configure cmake --preset "$preset"
timed build cmake --build --preset "$preset"
timed tests ctest --preset "$preset"
