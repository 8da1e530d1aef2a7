# Shared by the benchmark scripts (sourced): a throw-away directory, child
# processes stopped on exit (also on failure), and small helpers. Expects
# wrk_s (seconds per wrk run) to be set by the caller.
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

