#!/usr/bin/env bash
# Cost of authentication per request (bench/README.md): GET /v1/tts/job/{id} with wrk on
# loopback against one `vox serve`, authenticated by an API key, an HS256 JWT and an RS256 JWT
# (an RSA-2048 key made by openssl here; the tokens minted by python3 and openssl) and, as
# the floor, GET /healthz with no authentication. Prints one JSON object: each run's wrk
# figures and each token's requests per second over the key's.
# Usage: bench/auth.sh [BUILD_DIR] [SECONDS=10]
set -euo pipefail
build_dir=${1:-build}
wrk_s=${2:-10}
vox="$build_dir/src/cli/vox"
source "$(dirname "$0")/common.sh"

openssl rand -hex 32 > "$tmp/hs.secret"
openssl genrsa -out "$tmp/idp.pem" 2048 2> /dev/null
openssl rsa -in "$tmp/idp.pem" -pubout -out "$tmp/idp.pub" 2> /dev/null
start_vox_serve auth --workers 1 --jwt-secret-file "$tmp/hs.secret" \
  --jwt-public-key-file "$tmp/idp.pub" --jwt-audience vox-bench
user=$("$vox" keys list --data "$tmp/auth" --json 2> /dev/null |
  python3 -c 'import json,sys; print(next(k["user_id"] for k in json.load(sys.stdin) if k["name"] == "admin"))')
job=$(curl -sf -H "Authorization: Bearer $vox_key" -H 'Content-Type: application/json' \
  -d '{"text":"Authentication costs what it costs.","voice_id":"flite-slt"}' \
  "http://127.0.0.1:$vox_port/v1/tts/synthesize" | python3 -c 'import json,sys; print(json.load(sys.stdin)["job_id"])')

# mint ALG: a token for the admin user, valid for an hour, scope tts:read.
mint() {
  python3 - "$1" "$user" "$tmp" << 'PY'
import base64, hashlib, hmac, json, subprocess, sys, time
alg, user, tmp = sys.argv[1:4]
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
head = b64(json.dumps({"alg": alg, "typ": "JWT"}).encode())
body = b64(json.dumps({"sub": user, "aud": "vox-bench", "scope": "tts:read",
                       "exp": int(time.time()) + 3600}).encode())
signing = f"{head}.{body}".encode()
if alg == "HS256":
    sig = hmac.new(open(f"{tmp}/hs.secret", "rb").read().strip(), signing, hashlib.sha256).digest()
else:
    sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", f"{tmp}/idp.pem"],
                         input=signing, capture_output=True, check=True).stdout
print(f"{head}.{body}.{b64(sig)}")
PY
}
hs=$(mint HS256)
rs=$(mint RS256)
url="http://127.0.0.1:$vox_port/v1/tts/job/$job"
for token in "$vox_key" "$hs" "$rs"; do  # each must be accepted, or the figures mean nothing
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$url")
  [[ $code == 200 ]] || { log "a token was refused ($code)"; exit 1; }
done
none=$(run_wrk "http://127.0.0.1:$vox_port/healthz")
key=$(run_wrk "$url" "$vox_key")
hs256=$(run_wrk "$url" "$hs")
rs256=$(run_wrk "$url" "$rs")
python3 - "$none" "$key" "$hs256" "$rs256" "$wrk_s" << 'PY'
import json, sys
none, key, hs, rs = (json.loads(a) for a in sys.argv[1:5])
rps = lambda r: r["requests_per_s"]
print(json.dumps({"seconds_per_run": int(sys.argv[5]), "connections": 64, "wrk_threads": 2,
                  "healthz_no_auth": none, "get_job_api_key": key,
                  "get_job_hs256_jwt": hs, "get_job_rs256_jwt": rs,
                  "hs256_over_key": round(rps(hs) / rps(key), 3),
                  "rs256_over_key": round(rps(rs) / rps(key), 3)}))
PY
