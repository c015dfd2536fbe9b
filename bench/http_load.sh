#!/usr/bin/env bash
# The REST API under load, as `make bench` runs it: a real `packhost serve`
# (bundled packs, SQLite store, auth on) on 127.0.0.1 and wrk (Debian's
# package) on the same cores, POSTing webhooks and core.noop executions at
# concurrency 1 and 16 for HTTP_BENCH_SECONDS (10) each. Prints requests/s,
# p50 and p99 side by side with the targets, and the idle RSS of serve. Then
# end to end: webhooks that a rule turns into core.noop executions, counted
# in the store once the last of them has finished.
set -euo pipefail
packhost="$1"
seconds="${HTTP_BENCH_SECONDS:-10}"
command -v wrk >/dev/null || { echo "http bench: wrk is missing (apt-get install wrk)" >&2; exit 1; }

home="$(mktemp -d)"
serve_pid=""
cleanup() {
  if [ -n "$serve_pid" ]; then kill -TERM "$serve_pid" 2>/dev/null || true; wait "$serve_pid" 2>/dev/null || true; fi
  rm -rf "$home"
}
trap cleanup EXIT
export PACKHOST_HOME="$home"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
key="$("$packhost" apikey create --name bench)"
cat >"$home/noop_rule.yaml" <<'YAML'
name: noop_on_webhook
pack: bench
trigger: {type: core.st2.webhook, parameters: {url: rule}}
criteria: {trigger.body.ref: {type: startswith, pattern: refs/heads/}}
action: {ref: core.noop}
YAML
"$packhost" rule create "$home/noop_rule.yaml" >/dev/null
"$packhost" serve --bind "127.0.0.1:$port" --drain-seconds 5 >"$home/serve.log" 2>&1 &
serve_pid=$!
for _ in $(seq 1 200); do
  python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/api/v1/health')" 2>/dev/null && break
  sleep 0.05
done
sleep 1
idle_rss_kib="$(awk '/^VmRSS/ {print $2}' "/proc/$serve_pid/status")"

script() {  # $1: body
  cat >"$home/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '$1'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["St2-Api-Key"] = "$key"
LUA
}

# Prints "req/s p50 p99" for one run.
load() {  # $1: concurrency, $2: path
  local threads=1
  [ "$1" -gt 1 ] && threads=2
  wrk -t"$threads" -c"$1" -d"${seconds}s" --latency -s "$home/post.lua" "http://127.0.0.1:$port$2" >"$home/wrk.out"
  local rps p50 p99 errors
  rps="$(awk '/^Requests\/sec:/ {print $2}' "$home/wrk.out")"
  p50="$(awk '$1 == "50%" {print $2}' "$home/wrk.out")"
  p99="$(awk '$1 == "99%" {print $2}' "$home/wrk.out")"
  errors="$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$home/wrk.out")"
  printf '%-34s %6s %12s %10s %10s %s\n' "$2" "$1" "$rps" "$p50" "$p99" "${errors:+($errors non-2xx)}"
}

echo "== HTTP load (wrk on 127.0.0.1, ${seconds} s each, auth on; serve and wrk share $(nproc) cores)"
printf '%-34s %6s %12s %10s %10s\n' "POST" "conns" "requests/s" "p50" "p99"
script '{"repository": "packhost", "ref": "refs/heads/main"}'
load 1 /api/v1/webhooks/bench
load 16 /api/v1/webhooks/bench
script '{"action": "core.noop"}'
load 1 /api/v1/executions
load 16 /api/v1/executions
echo "targets: webhooks >= 20,000 req/s and p99 <= 5 ms at 16; executions >= 10,000 req/s"

# End to end: every webhook to /rule runs core.noop through the rule.
count() { sqlite3 "$home/packhost.db" "$1" 2>/dev/null || echo 0; }
before="$(count "SELECT count(*) FROM executions WHERE action = 'core.noop' AND status = 'succeeded'")"
script '{"ref": "refs/heads/main"}'
start_ns="$(date +%s%N)"
load 16 /api/v1/webhooks/rule
last=-1
for _ in $(seq 1 600); do  # until the count stops moving (the queue drained)
  now="$(count "SELECT count(*) FROM executions WHERE action = 'core.noop' AND status = 'succeeded'")"
  [ "$now" = "$last" ] && break
  last="$now"
  sleep 0.5
done
elapsed_ms=$(( ($(date +%s%N) - start_ns) / 1000000 - 500 ))
ran=$((last - before))
echo "webhook -> rule -> core.noop: $ran executions in $((elapsed_ms / 1000)).$(( (elapsed_ms % 1000) / 100 )) s," \
     "$(( ran * 1000 / (elapsed_ms > 0 ? elapsed_ms : 1) )) executions/s end to end"
echo "idle RSS of packhost serve with the bundled packs: $((idle_rss_kib / 1024)) MiB ($idle_rss_kib KiB; target <= 20 MiB)"
