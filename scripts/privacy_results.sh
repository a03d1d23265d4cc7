#!/usr/bin/env bash
# The credit results of docs/privacy.md: each credit example job, unchanged but
# for an added [privacy] table, cross-validated at several epsilons (delta is
# the default, min(1e-5, n^-1.1)); then the membership-inference audit at
# epsilon = 1. Prints Markdown tables.
#   scripts/privacy_results.sh [BUILD_DIR] [FOLDS]
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-build/release}/deepfin"
folds="${2:-5}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The job with its paths made absolute and, unless epsilon is "inf", [privacy] added.
job_at() {
  local job="$1" eps="$2" out="$work/$(basename "$1" .toml)_$2.toml"
  sed -e "s|\"\.\./shared|\"$PWD/../shared|" -e '/^model = /d' -e '/^predictions = /d' -e '/^report = /d' "$job" >"$out"
  if [ "$eps" != "inf" ]; then printf '\n[privacy]\nepsilon = %s\n' "$eps" >>"$out"; fi
  echo "$out"
}

echo "| job | ε = 0.5 | ε = 1 | ε = 3 | ε = 8 | ε = ∞ (no DP) |"
echo "|---|---|---|---|---|---|"
for job in examples/credit_german.toml examples/credit_data.toml examples/credit_lending_club.toml; do
  row="| $(basename "$job" .toml) |"
  for eps in 0.5 1 3 8 inf; do
    auc=$("$bin" cv "$(job_at "$job" "$eps")" --folds "$folds" --log-format json 2>/dev/null |
      python3 -c 'import json,sys
for line in sys.stdin:
    e = json.loads(line)
    if e.get("event") == "cv": print("%.3f ± %.3f" % (e["auc"]["mean"], e["auc"]["std"]))')
    row="$row $auc |"
  done
  echo "$row"
done

echo
echo "| job | attack AUC, no DP | attack AUC, ε = 1 | TPR at 1% FPR, no DP | TPR at 1% FPR, ε = 1 | test AUC, no DP | test AUC, ε = 1 |"
echo "|---|---|---|---|---|---|---|"
for job in examples/credit_german.toml examples/credit_data.toml examples/credit_lending_club.toml; do
  "$bin" audit-privacy "$(job_at "$job" 1)" --log-format json 2>/dev/null | python3 -c 'import json,sys
name = sys.argv[1]
for line in sys.stdin:
    e = json.loads(line)
    if e.get("event") != "audit": continue
    a, b = e["without_dp"], e["with_dp"]
    print("| %s | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |" % (name, a["attack_auc"], b["attack_auc"],
          a["tpr_at_1pct_fpr"], b["tpr_at_1pct_fpr"], a["test_metrics"]["auc"], b["test_metrics"]["auc"]))' "$(basename "$job" .toml)"
done
