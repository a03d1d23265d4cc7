#!/usr/bin/env bash
# Runs every example job, shortened (at most 2 epochs, 2 ensemble members,
# 3 folds), with a given deepfin binary, and writes what they printed (JSON
# events without timings) and the checksums of every file they wrote. Two runs
# of this, before and after a refactoring, must give identical fingerprints:
#   scripts/example_fingerprints.sh OLD_BINARY /tmp/before
#   scripts/example_fingerprints.sh build/release/deepfin /tmp/after
#   diff -r /tmp/before /tmp/after
# Run from the repository root (the jobs' data paths are relative to it).
set -euo pipefail
bin=$(realpath "$1")
out=$(realpath -m "$2")
# A fixed folder: reports and events name the job file's path, which must not differ between runs.
work=${TMPDIR:-/tmp}/deepfin-example-fingerprints
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
shorten() {  # job file -> shortened copy writing under $work
  sed -E -e 's/^epochs = [0-9]+/epochs = 2/' -e 's/^ensemble = [0-9]+/ensemble = 2/' \
    -e "s#\"out/#\"$work/out/#g" -e "s#\"report/#\"$work/report/#g" "$1" >"$work/$(basename "$1")"
  echo "$work/$(basename "$1")"
}
events() {  # name, command...: JSON events, timings dropped
  local name=$1
  shift
  "$@" | python3 -c '
import json, sys
for line in sys.stdin:
    try: e = json.loads(line)
    except ValueError: continue
    for k in ("seconds", "elapsed", "time", "gemm", "samples_per_second"): e.pop(k, None)
    print(json.dumps(e, sort_keys=True))' >"$out/$name.events"
}
run=("$bin" --log-format json)
"$bin" export-fashion-mnist "$work/fashion" >/dev/null
for job in examples/*.toml; do
  name=$(basename "$job" .toml)
  [[ $name == credit_german_arff && ! -f data/credit-g.arff ]] && continue
  copy=$(shorten "$job")
  sed -i -e "s#$work/out/fashion/#$work/fashion/#g" "$copy"
  events "$name.train" "${run[@]}" train "$copy"
  case $name in
    credit_german | phrasebank_allagree) events "$name.cv" "${run[@]}" cv "$copy" --folds 3 ;;
  esac
  [[ $name == credit_german ]] && events "$name.report" "${run[@]}" report "$copy" --folds 2
  [[ $name == forecast_sp500 ]] && events "$name.backtest" "${run[@]}" backtest "$copy"
done
(cd "$work" && find out report -type f ! -name '*.png' -print0 | sort -z | xargs -0 sha256sum) >"$out/files.sha256"
