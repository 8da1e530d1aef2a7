#!/usr/bin/env bash
# The platform benchmarks of bench/README.md: starts `vox serve` (and nginx, the reference for
# the HTTP figure) on free loopback ports with throw-away data directories, drives them with
# vox_platform_bench and wrk, stops everything (also on failure) and prints one JSON object.
# Usage: bench/platform.sh [BUILD_DIR]    (VOX_BIN overrides BUILD_DIR/src/cli/vox;
#        VOX_BENCH_WRK_S: seconds per wrk run, default 10; VOX_BENCH_MEM_JOBS: default 1000)
set -euo pipefail
build_dir=${1:-build}
vox=${VOX_BIN:-$build_dir/src/cli/vox}
driver=$build_dir/bench/vox_platform_bench
wrk_s=${VOX_BENCH_WRK_S:-10}
mem_jobs=${VOX_BENCH_MEM_JOBS:-1000}
for tool in "$vox" "$driver" wrk nginx jq python3; do
  command -v "$tool" > /dev/null || { echo "platform.sh: missing $tool" >&2; exit 2; }
done

source "$(dirname "$0")/common.sh"

# start_vox NAME WORKERS IO_THREADS: sets vox_pid, vox_port, vox_key.
start_vox() { start_vox_serve "$1" --workers "$2" --io-threads "$3" --drain-grace 5; }

# 1. Submit-to-done latency and 1-worker throughput, then GET throughput with 1 I/O thread.
log "latency, throughput (1 worker), wrk (1 I/O thread)"
start_vox w1 1 1
latency=$("$driver" latency "$vox_port" "$vox_key" 50)
tp1=$("$driver" throughput "$vox_port" "$vox_key" 96 32)
job=$("$driver" make-job "$vox_port" "$vox_key")
curl -sf -H "Authorization: Bearer $vox_key" "http://127.0.0.1:$vox_port/v1/tts/job/$job" \
  > "$tmp/job.json"
wrk_io1=$(run_wrk "http://127.0.0.1:$vox_port/v1/tts/job/$job" "$vox_key")
stop_pid "$vox_pid"

# 2. Throughput with 2 workers.
log "throughput (2 workers)"
start_vox w2 2 1
tp2=$("$driver" throughput "$vox_port" "$vox_key" 96 32)
stop_pid "$vox_pid"

# 3. GET throughput with 2 I/O threads.
log "wrk (2 I/O threads)"
start_vox io2 2 2
job=$("$driver" make-job "$vox_port" "$vox_key")
wrk_io2=$(run_wrk "http://127.0.0.1:$vox_port/v1/tts/job/$job" "$vox_key")
stop_pid "$vox_pid"

# 4. nginx serving a static copy of a job's JSON (same size), 2 worker processes, same wrk.
log "wrk (nginx)"
mkdir -p "$tmp/nginx/html" "$tmp/nginx/logs"
cp "$tmp/job.json" "$tmp/nginx/html/job.json"
chmod -R a+rX "$tmp/nginx"
nginx_port=$(free_port)
cat > "$tmp/nginx/nginx.conf" << EOF
worker_processes 2;
daemon off;
error_log $tmp/nginx/logs/error.log warn;
pid $tmp/nginx/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $tmp/nginx/body;
  server {
    listen 127.0.0.1:$nginx_port;
    location / { root $tmp/nginx/html; default_type application/json; }
  }
}
EOF
nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" &
nginx_pid=$!
pids+=("$nginx_pid")
for _ in $(seq 100); do
  curl -sf -o /dev/null "http://127.0.0.1:$nginx_port/job.json" && break
  sleep 0.05
done
wrk_nginx=$(run_wrk "http://127.0.0.1:$nginx_port/job.json")
stop_pid "$nginx_pid"

# 5. Resident memory: idle, after one batch of short distinct jobs, after a second one.
log "memory ($mem_jobs + $mem_jobs jobs)"
start_vox mem 2 1
sleep 1
rss_idle=$(rss_kb "$vox_pid")
batch1=$("$driver" jobs "$vox_port" "$vox_key" "$mem_jobs" 16 first)
rss_1=$(rss_kb "$vox_pid")
batch2=$("$driver" jobs "$vox_port" "$vox_key" "$mem_jobs" 16 second)
rss_2=$(rss_kb "$vox_pid")
stop_pid "$vox_pid"

jq -n --argjson latency "$latency" --argjson tp1 "$tp1" --argjson tp2 "$tp2" \
  --argjson io1 "$wrk_io1" --argjson io2 "$wrk_io2" --argjson nginx "$wrk_nginx" \
  --argjson b1 "$batch1" --argjson b2 "$batch2" \
  --argjson idle "$rss_idle" --argjson r1 "$rss_1" --argjson r2 "$rss_2" --argjson n "$mem_jobs" \
  --arg wrk_s "$wrk_s" --arg cores "$(nproc)" '
  ([$io1, $io2] | max_by(.requests_per_s)) as $best |
  {benchmark: "platform", cores: ($cores | tonumber),
   latency: $latency,
   get_job: {tool: ("wrk -t2 -c64 -d" + $wrk_s + "s"), vox_io_threads_1: $io1,
             vox_io_threads_2: $io2, nginx_static_2_workers: $nginx,
             vox_io_threads_used: (if $best == $io2 then 2 else 1 end),
             ratio_vox_vs_nginx: ($best.requests_per_s / $nginx.requests_per_s),
             target_requests_per_s: 10000},
   synthesis_throughput: {workers_1: $tp1, workers_2: $tp2,
             ratio_2w_vs_1w: ($tp2.audio_s_per_wall_s / $tp1.audio_s_per_wall_s),
             target_ratio: 1.7},
   memory: {jobs_per_batch: $n, batch_1: $b1, batch_2: $b2,
            rss_idle_mb: ($idle / 1024), rss_after_batch_1_mb: ($r1 / 1024),
            rss_after_batch_2_mb: ($r2 / 1024),
            delta_batch_1_mb: (($r1 - $idle) / 1024), delta_batch_2_mb: (($r2 - $r1) / 1024)}}'
