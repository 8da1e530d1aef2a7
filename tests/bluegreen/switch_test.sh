#!/usr/bin/env bash
# deploy/bluegreen under load: blue serves through nginx, wrk submits jobs and
# reads one for SECONDS, green (started beside blue) takes over mid-run; no request may
# fail or answer non-2xx, and blue's api and worker must drain with exit 0.
# Then a rollback to blue, and green drains with exit 0 too.
# Usage: switch_test.sh VOX_BINARY [SECONDS=8]   (exit 77: no PostgreSQL server binaries)
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
export VOX_BIN=$(realpath "$1")
wrk_s=${2:-8}
vox=$VOX_BIN
# shellcheck source=../../bench/common.sh
source "$src/bench/common.sh"
fail() { echo "FAIL $*" >&2; exit 1; }
bg="$src/deploy/bluegreen/bluegreen.sh"

pg_script=$src/src/store/postgres/testing/pg_test_server.sh
pg_url=$(bash "$pg_script" start "$tmp/pg") || exit $?
on_exit+=("bash '$pg_script' stop '$tmp/pg'")
redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$tmp" --save '' --appendonly no \
  > "$tmp/redis.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do redis-cli -p "$redis_port" ping > /dev/null 2>&1 && break; sleep 0.05; done

export VOX_DATABASE_URL=$pg_url VOX_QUEUE_URL=redis://127.0.0.1:$redis_port/0 \
  VOX_STORAGE_URL=file://$tmp/blobs VOX_SIGNING_SECRET=bluegreen-test-secret-0123456789abcdef \
  VOX_LOG_LEVEL=info VOX_DRAIN_GRACE_S=10
# One key submits thousands of jobs: no rate limit and no per-user cap on queued jobs.
export BG_DIR=$tmp/bg BG_LISTEN=127.0.0.1:$(free_port) BG_BLUE_PORT=$(free_port) \
  BG_GREEN_PORT=$(free_port) BG_WORKER_ARGS="--workers 1" \
  BG_API_ARGS="--rate-limit 0 --max-queued-jobs-per-user 0"
on_exit+=("'$bg' down > /dev/null 2>&1")
base=http://$BG_LISTEN

"$bg" up blue > /dev/null
[[ $("$bg" status | jq -r .active) == blue ]] || fail "blue is not active after up"
key=$("$vox" keys create --data "$tmp/keys" --name load)
job=$(curl -fsS -X POST "$base/v1/tts/synthesize" -H "Authorization: Bearer $key" \
  -H "Content-Type: application/json" -d '{"text":"Blue or green.","voice_id":"flite-slt"}' |
  jq -r .job_id)

# Half the requests submit a job (a few distinct texts: synthesis and cache
# hits), half read one; every response must be 2xx.
cat > "$tmp/load.lua" << EOF
local n = 0
request = function()
  n = n + 1
  if n % 2 == 0 then
    return wrk.format("GET", "/v1/tts/job/$job", {["Authorization"] = "Bearer $key"})
  end
  return wrk.format("POST", "/v1/tts/synthesize",
    {["Authorization"] = "Bearer $key", ["Content-Type"] = "application/json"},
    '{"text":"Switch number ' .. (n % 7) .. '.","voice_id":"flite-slt"}')
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests":%d,"errors":%d,"non_2xx":%d}\n',
    summary.requests, e.connect + e.read + e.write + e.timeout, e.status))
end
EOF
t0=$SECONDS
"$bg" up green > /dev/null
t1=$SECONDS
timeout $((wrk_s + 30)) wrk -t2 -c16 -d"${wrk_s}s" -s "$tmp/load.lua" "$base" > "$tmp/wrk.out" 2>&1 &
wrk_pid=$!
sleep 2
"$bg" switch green > "$tmp/switch.json" || fail "switch to green: $(cat "$tmp/switch.json")"
t2=$SECONDS
wait "$wrk_pid" || fail "wrk: $(cat "$tmp/wrk.out")"
result=$(sed -n 's/^WRKJSON //p' "$tmp/wrk.out")
[[ $(jq .requests <<< "$result") -gt 100 ]] || fail "too little load to judge: $result"
[[ $(jq '.errors + .non_2xx' <<< "$result") == 0 ]] || fail "requests failed during the switch: $result"
[[ $(jq -c . "$tmp/switch.json") == '{"drained":"blue","api_exit":0,"worker_exit":0}' ]] ||
  fail "blue did not drain cleanly: $(cat "$tmp/switch.json")"
status=$("$bg" status)
[[ $(jq -r '.active, .blue.api, .green.ready' <<< "$status" | tr '\n' ' ') == "green false true " ]] ||
  fail "unexpected status after the switch: $status"
echo "ok   switch to green under load: $result; $(cat "$tmp/switch.json"); green up in $((t1 - t0)) s, switched and blue drained in $((t2 - t1 - 2)) s"

[[ $(curl -fsS "$base/v1/tts/job/$job" -H "Authorization: Bearer $key" | jq -r .job_id) == "$job" ]] ||
  fail "green does not serve blue's job"
"$bg" rollback > "$tmp/rollback.out" || fail "rollback: $(cat "$tmp/rollback.out")"
grep -q '{"drained":"green","api_exit":0,"worker_exit":0}' "$tmp/rollback.out" ||
  fail "green did not drain cleanly: $(cat "$tmp/rollback.out")"
[[ $("$bg" status | jq -r .active) == blue ]] || fail "blue is not active after the rollback"
curl -fsS -o /dev/null "$base/readyz" || fail "nothing serves after the rollback"
echo "ok   rollback to blue; green drained with exit 0"
echo "2 passed, 0 failed"
