#!/usr/bin/env bash
# Which HTTP library for `deepfin serve`: cpp-httplib or Boost.Beast (DESIGN.md §4),
# by measurement. Each side answers a fixed JSON body with no model behind it, so
# only the HTTP layer is timed: wrk, 64 connections, 10 s, three interleaved rounds,
# on loopback, wrk sharing the machine's cores with the server. About 2 minutes.
# (Beast is built as C++17: Boost 1.74's Asio misses an include under C++20.)
#   bench/serve/http_library_choice.sh [SECONDS] [ROUNDS]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
seconds="${1:-10}"
rounds="${2:-3}"
for p in wrk libboost-dev libcpp-httplib-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    apt-get install -y --no-install-recommends "$p" >/dev/null
done
work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
g++ -O2 -std=c++20 "$here/http_choice_httplib.cpp" -o "$work/httplib_server" $(pkg-config --cflags --libs cpp-httplib) -pthread
g++ -O2 -std=c++17 "$here/http_choice_beast.cpp" -o "$work/beast_server" -pthread
"$work/httplib_server" 18191 &
"$work/beast_server" 18192 &
sleep 1
body='{"instances": [{"checking_status": "<0", "duration": 6, "credit_amount": 1169}]}'
echo "wrk.method = 'POST'; wrk.body = '$body'; wrk.headers['Content-Type'] = 'application/json'" >"$work/post.lua"
echo "idle check: $(top -bn2 -d1 | grep '^%Cpu' | tail -1)"
for round in $(seq "$rounds"); do
  for side in httplib:18191 beast:18192; do
    name="${side%%:*}"
    port="${side##*:}"
    out="$(wrk -t2 -c64 -d"${seconds}s" --latency -s "$work/post.lua" "http://127.0.0.1:$port/")"
    rps="$(grep 'Requests/sec' <<<"$out" | awk '{print $2}')"
    p50="$(grep ' 50%' <<<"$out" | awk '{print $2}')"
    p99="$(grep ' 99%' <<<"$out" | awk '{print $2}')"
    errors="$(grep -c 'Non-2xx\|Socket errors' <<<"$out" || true)"
    echo "round $round  $name  requests/s $rps  p50 $p50  p99 $p99  error lines $errors"
  done
done
