#!/usr/bin/env bash
# Fetches German Credit in its classic ARFF form (credit-g.arff) from Debian's
# weka package without installing weka (and its Java): the .deb is downloaded
# with apt-get and only the one file is unpacked. Result: data/credit-g.arff.
# Usage: scripts/fetch_credit_arff.sh [target-dir]   (default: data/)
set -euo pipefail
target="${1:-data}"
mkdir -p "$target"
if [ -s "$target/credit-g.arff" ]; then
  echo "fetch_credit_arff: $target/credit-g.arff already present"
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download weka >/dev/null 2>&1) || {
  echo "fetch_credit_arff: 'apt-get download weka' failed (is the Debian package index reachable? run apt-get update)" >&2
  exit 1
}
dpkg-deb --fsys-tarfile "$work"/weka_*.deb | tar -x -C "$work" ./usr/share/doc/weka/examples/credit-g.arff
# Copy then rename, so an interrupted run never leaves a half-written file.
cp "$work/usr/share/doc/weka/examples/credit-g.arff" "$target/credit-g.arff.tmp"
mv "$target/credit-g.arff.tmp" "$target/credit-g.arff"
echo "fetch_credit_arff: wrote $target/credit-g.arff ($(wc -l < "$target/credit-g.arff") lines)"
