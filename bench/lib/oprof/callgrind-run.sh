#!/bin/bash
# One side under callgrind: instructions for N requests after WARM requests (bench/RESULTS.md 27).
#   callgrind-run.sh <out dir> <name> <checkout's dist> <outcomes|counting> <warm> <n> ["node flags"]
# Writes <out dir>/<name>.cg (callgrind), <name>.map (V8's perf map, with --perf-basic-prof), <name>.log.
# E.g. flags: "--perf-basic-prof --min-semi-space-size=16 --max-semi-space-size=16"
set -e
out=$1 name=$2 dist=$3 mode=$4 warm=$5 n=$6 flags=$7
here=$(cd "$(dirname "$0")" && pwd)
port=$((45000 + RANDOM % 5000))
mkdir -p "$out"
# The fixture's env reads all hit: a missing variable's lookup costs differently per process.
OPROF_DIST=$dist HOTCTL_REVISION=1 NODE_APP_INSTANCE=0 MESSAGE=m \
  valgrind --tool=callgrind --smc-check=all-non-file --instr-atstart=no --callgrind-out-file="$out/$name.cg" \
  node $flags "$here/outcomes-server.mjs" $port $mode > "$out/$name.log" 2>&1 &
vpid=$!
for i in $(seq 1 300); do grep -q "^up" "$out/$name.log" && break; sleep 1; done
node "$here/keepalive-client.mjs" $port $vpid $warm $n 8 >> "$out/$name.log"
kill -INT $vpid; wait $vpid || true
mv /tmp/perf-$vpid.map "$out/$name.map" 2>/dev/null || true
echo "$name: $(awk -v n=$n '/^totals:/{printf "%.0f", $2/n}' "$out/$name.cg") instructions per request"
