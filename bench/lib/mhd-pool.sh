#!/usr/bin/env bash
# Measures whether libmicrohttpd's per-connection memory pool size
# (MHD_OPTION_CONNECTION_MEMORY_LIMIT, 32 KiB unless set, and cleared on
# every request) changes frontierd's cost per request, without touching the
# project's sources: it builds a copy of the tree in a temporary directory
# whose MHD_start_daemon call also passes the option, sized from the
# environment variable BENCH_MHD_POOL, then for each size counts the
# instructions per request under callgrind and the rate under wrk (server
# and wrk pinned as in bench/run).
#
# Usage: bench/lib/mhd-pool.sh [SIZE]...   (default 32768 16384 8192 4096)
# Settings: BENCH_DURATION (5s), BENCH_CONNECTIONS (64), BENCH_REPEAT (3),
# BENCH_SERVER_CPU (1), BENCH_WRK_CPU (0); URL (the pre-rendered leaderboard).
set -euo pipefail
cd "$(dirname "$0")/../.."

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(32768 16384 8192 4096)
duration=${BENCH_DURATION:-5s}
connections=${BENCH_CONNECTIONS:-64}
repeat=${BENCH_REPEAT:-3}
server_cpu=${BENCH_SERVER_CPU:-1}
wrk_cpu=${BENCH_WRK_CPU:-0}
url=${URL:-/v1/leaderboards/humanitys-last-exam}
requests=2000

work=$(mktemp -d "${TMPDIR:-/tmp}/frontier-pool.XXXXXX")
server=""
cleanup() {
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The copy: everything meson needs, not the build directories.
mkdir -p "$work/tree"
tar --exclude='./build*' --exclude=./node_modules --exclude=./.git -cf - . | tar -xf - -C "$work/tree"
# meson checks that the Node.js tools are installed; the copy uses the tree's.
if [ -e node_modules ]; then
  ln -s "$(realpath node_modules)" "$work/tree/node_modules"
fi
file="$work/tree/src/http/server.c"
grep -q 'MHD_OPTION_ARRAY, pool,' "$file" || { echo "mhd-pool.sh: cannot find the option list in src/http/server.c" >&2; exit 1; }
sed -i 's|MHD_OPTION_ARRAY, pool,|MHD_OPTION_ARRAY, pool, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)strtoull(getenv("BENCH_MHD_POOL"), NULL, 10),|' "$file"
grep -q '#include <stdlib.h>' "$file" || sed -i '0,/#include/s//#include <stdlib.h>\n#include/' "$file"
meson setup "$work/build" "$work/tree" --buildtype=release >"$work/setup.log" || { cat "$work/setup.log" >&2; exit 1; }
ninja -C "$work/build" frontierd >/dev/null
daemon="$work/build/frontierd"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"

start() { # start SIZE [WRAPPER...]: starts the daemon, waits for /readyz
  local size=$1 _
  shift
  BENCH_MHD_POOL=$size taskset -c "$server_cpu" "$@" "$daemon" --bind 127.0.0.1 --port "$port" \
    --db :memory: --seed data/seed --threads 1 --access-log off >"$work/daemon.log" 2>&1 &
  server=$!
  for _ in $(seq 1 600); do
    curl -s -o /dev/null --max-time 1 "$base/readyz" && return 0
    sleep 0.05
  done
  echo "mhd-pool.sh: the daemon did not start with a pool of $size bytes" >&2
  cat "$work/daemon.log" >&2
  exit 1
}
stop() {
  kill -INT "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  server=""
}

# Instructions of N requests on one keep-alive connection.
urls=()
for _ in $(seq 1 "$requests"); do urls+=("$base$url"); done
instructions() { # instructions SIZE N
  local size=$1 n=$2
  start "$size" valgrind --tool=callgrind --callgrind-out-file="$work/cg.out"
  if [ "$n" -gt 0 ]; then
    curl -s "${urls[@]:0:$n}" >/dev/null
  fi
  stop
  callgrind_annotate "$work/cg.out" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }'
}

echo "| Pool (bytes) | Status | Instructions per request | Requests/s (median of $repeat) | p99 |"
echo "|---:|---|---:|---:|---:|"
for size in "${sizes[@]}"; do
  base_count=$(instructions "$size" 1)
  full_count=$(instructions "$size" "$requests")
  per=$(( (full_count - base_count) / (requests - 1) ))
  start "$size"
  status=$(curl -s -o /dev/null -w '%{http_code}' "$base$url")
  rates=()
  p99s=()
  for _ in $(seq 1 "$repeat"); do
    line=$(taskset -c "$wrk_cpu" wrk -t1 -c"$connections" -d"$duration" --latency \
           -s bench/lib/wrk-report.lua "$base$url" | grep '^BENCH ')
    rates+=("$(awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^rps=/) print substr($i, 5) }' <<< "$line")")
    p99s+=("$(awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^p99_us=/) print substr($i, 8) }' <<< "$line")")
  done
  stop
  rate=$(printf '%s\n' "${rates[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  p99=$(printf '%s\n' "${p99s[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  printf '| %s | %s | %s | %.0f | %s µs |\n' "$size" "$status" "$per" "$rate" "$p99"
done
