#!/usr/bin/env bash
# Runs the libFuzzer targets of the `fuzz` preset, each for a time budget, with the
# memory and time limits every target must keep. Findings (crash-*, leak-*, oom-*,
# timeout-*) land in build/fuzz/findings/<target>/; each one fixed becomes a file in
# fuzz/regressions/<target>/, which the test suite replays.
#   fuzz/run.sh [-t SECONDS] [-j PARALLEL] [--merge] [TARGET...]   (default: all, 600 s, 2 at a time)
# --merge rewrites fuzz/corpus/<target>/ (besides its seed-* files) as the smallest set of inputs
# covering what the corpus and the run reached (libFuzzer -set_cover_merge=1).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=600 parallel=2 merge=0 targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    -t) seconds="$2"; shift 2 ;;
    -j) parallel="$2"; shift 2 ;;
    --merge) merge=1; shift ;;
    *) targets+=("$1"); shift ;;
  esac
done
if [ ${#targets[@]} -eq 0 ]; then
  for f in fuzz/targets/*.cpp; do targets+=("$(basename "$f" .cpp)"); done
fi
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz
mkdir -p build/fuzz/logs
run_one() {
  local t="$1" work="build/fuzz/work/$1" findings="build/fuzz/findings/$1"
  rm -rf "$findings"
  mkdir -p "$work" "$findings"
  local dict=() regressions=()
  [ -f "fuzz/dict/$t.dict" ] && dict=(-dict="fuzz/dict/$t.dict")
  [ -d "fuzz/regressions/$t" ] && regressions=("fuzz/regressions/$t")
  # -rss_limit_mb: no input may take more than 2 GiB; -timeout: nor 10 s.
  "build/fuzz/fuzz_$t" "$work" "fuzz/corpus/$t" "${regressions[@]}" "${dict[@]}" \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="$findings/" >"build/fuzz/logs/$t.log" 2>&1 || true
  if [ "$merge" = 1 ]; then
    # The smallest set of inputs that covers what the corpus and this run's finds cover
    # (libFuzzer's greedy set cover); the seeds stay as they are.
    local merged="build/fuzz/merged/$t"
    rm -rf "$merged" && mkdir -p "$merged"
    # Replaced only when the merge succeeded and kept something: a crash must not wipe the corpus.
    if "build/fuzz/fuzz_$t" -set_cover_merge=1 "$merged" "fuzz/corpus/$t" "$work" -rss_limit_mb=2048 -timeout=10 \
      >"build/fuzz/logs/$t.merge.log" 2>&1 && [ -n "$(ls -A "$merged")" ]; then
      find "fuzz/corpus/$t" -type f ! -name 'seed-*' -delete
      for f in "$merged"/*; do  # the seeds are already there under their own names
        local seen=0
        for s in fuzz/corpus/"$t"/seed-*; do cmp -s "$f" "$s" && seen=1 && break; done
        [ "$seen" = 1 ] || cp "$f" "fuzz/corpus/$t/"
      done
    else
      echo "$t: merge failed, fuzz/corpus/$t left as it was (build/fuzz/logs/$t.merge.log)"
    fi
  fi
  local stats
  stats=$(grep -E "stat::number_of_executed_units|stat::peak_rss_mb|cov: " "build/fuzz/logs/$t.log" |
          grep -E "^stat|DONE|#[0-9]+" | tail -3 | tr '\n' ' ')
  echo "$t: $stats findings: $(ls "$findings" | wc -l)"
}
export -f run_one
export seconds merge
printf '%s\n' "${targets[@]}" | xargs -P "$parallel" -I{} bash -c 'run_one {}'
