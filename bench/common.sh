# Shared by the benchmark scripts (sourced): a throw-away directory, child
# processes stopped on exit (also on failure), and small helpers. Expects
# wrk_s (seconds per wrk run, for run_wrk) and vox (the binary, for
# start_vox_serve) to be set by the caller.
tmp=$(mktemp -d /tmp/vox-bench.XXXXXX)
chmod 755 "$tmp"  # nginx workers (user nobody) read the static file from here
pids=()
on_exit=()  # extra commands run at exit, before the directory goes (e.g. stop PostgreSQL)
cleanup() {
  for c in "${on_exit[@]}"; do eval "$c" || true; done
  for p in "${pids[@]}"; do kill -TERM "$p" 2> /dev/null || true; done
  for p in "${pids[@]}"; do
    for _ in $(seq 50); do exited "$p" && break; sleep 0.1; done
    kill -KILL "$p" 2> /dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "$(basename "$0"): $*" >&2; }
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
# A child that ended but was not reaped yet is a zombie: kill -0 still succeeds on it.
exited() {
  ! kill -0 "$1" 2> /dev/null || grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2> /dev/null
}

# start_vox_serve NAME [ARGS...]: starts "$vox" serve on a free loopback port with its data in
# $tmp/NAME (plus ARGS), waits until it listens; sets vox_pid, vox_port, vox_key (the admin key
# it prints on first start).
start_vox_serve() {
  local name=$1 out="$tmp/$1.out"
  shift
  "$vox" serve --listen 127.0.0.1:0 --data "$tmp/$name" --rate-limit 0 --max-queued-jobs-per-user 0 --log-level warn "$@" \
    > "$out" 2> "$tmp/$name.err" &
  vox_pid=$!
  pids+=("$vox_pid")
  for _ in $(seq 200); do
    grep -q '^vox: listening on' "$out" && break
    exited "$vox_pid" && { cat "$tmp/$name.err" >&2; return 1; }
    sleep 0.05
  done
  vox_port=$(sed -n 's|^vox: listening on https\{0,1\}://127.0.0.1:\([0-9]*\)$|\1|p' "$out")
  vox_key=$(grep -oE '^vox_[A-Za-z0-9_-]{40}$' "$out" | head -1)
  [[ -n "$vox_port" && -n "$vox_key" ]] || { log "vox $name did not start"; return 1; }
}

# run_wrk URL [AUTH_KEY]: prints {"requests_per_s","p50_ms","p99_ms","errors","non_2xx"}.
run_wrk() {
  local script="$tmp/wrk.lua"
  {
    [[ -n "${2:-}" ]] && echo "wrk.headers[\"Authorization\"] = \"Bearer $2\""
    cat << 'EOF'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests_per_s":%.1f,"p50_ms":%.3f,"p99_ms":%.3f,"errors":%d,"non_2xx":%d}\n',
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, e.connect + e.read + e.write + e.timeout, e.status))
end
EOF
  } > "$script"
  timeout $((wrk_s + 30)) wrk -t2 -c64 -d"${wrk_s}s" -s "$script" "$1" | sed -n 's/^WRKJSON //p'
}

stop_pid() {
  kill -TERM "$1" 2> /dev/null || true
  for _ in $(seq 100); do exited "$1" && break; sleep 0.1; done
  kill -KILL "$1" 2> /dev/null || true
  wait "$1" 2> /dev/null || true
}

