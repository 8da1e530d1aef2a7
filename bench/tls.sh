#!/usr/bin/env bash
# Cost of TLS on the HTTP core (bench/README.md): GET /healthz with wrk on loopback against
# two `vox serve` — plain HTTP and HTTPS (a P-256 certificate made by openssl here) — with
# kept-alive connections (the record layer's cost) and with Connection: close (a full
# handshake per request). Prints one JSON object: each run's wrk figures and the ratios.
# Usage: bench/tls.sh [BUILD_DIR] [SECONDS=10]
set -euo pipefail
build_dir=${1:-build}
wrk_s=${2:-10}
vox="$build_dir/src/cli/vox"
source "$(dirname "$0")/common.sh"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
  -keyout "$tmp/tls.key" -out "$tmp/tls.crt" -subj /CN=localhost \
  -addext subjectAltName=IP:127.0.0.1 2> /dev/null
start_vox_serve plain --workers 1
plain=$vox_port
start_vox_serve tls --workers 1 --tls-cert "$tmp/tls.crt" --tls-key "$tmp/tls.key"
tls=$vox_port

close_wrk() {  # run_wrk with Connection: close on every request
  local url=$1 script="$tmp/close.lua"
  sed 's/^done = /wrk.headers["Connection"] = "close"\ndone = /' "$tmp/wrk.lua" > "$script"
  timeout $((wrk_s + 30)) wrk -t2 -c64 -d"${wrk_s}s" -s "$script" "$url" |
    sed -n 's/^WRKJSON //p'
}
plain_ka=$(run_wrk "http://127.0.0.1:$plain/healthz")
tls_ka=$(run_wrk "https://127.0.0.1:$tls/healthz")
plain_close=$(close_wrk "http://127.0.0.1:$plain/healthz")
tls_close=$(close_wrk "https://127.0.0.1:$tls/healthz")
python3 - "$plain_ka" "$tls_ka" "$plain_close" "$tls_close" "$wrk_s" << 'PY'
import json, sys
pk, tk, pc, tc = (json.loads(a) for a in sys.argv[1:5])
rps = lambda r: r["requests_per_s"]
print(json.dumps({"seconds_per_run": int(sys.argv[5]), "connections": 64, "wrk_threads": 2,
                  "plain_keepalive": pk, "tls_keepalive": tk,
                  "plain_close": pc, "tls_close": tc,
                  "tls_over_plain_keepalive": round(rps(tk) / rps(pk), 3),
                  "tls_over_plain_close": round(rps(tc) / rps(pc), 3)}))
PY
