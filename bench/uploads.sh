#!/usr/bin/env bash
# Memory of the API while it receives large voice uploads (bench/README.md):
# N concurrent multipart uploads of SIZE_MB each (random bytes in `files`, a
# small `consent_audio`; the worker later rejects them as undecodable) against
# `vox serve` on loopback. Reports the server's peak anonymous memory (what
# holding bodies in memory would grow) against the bytes uploaded at once,
# the reference an in-memory body reader must hold. Prints one JSON object.
# Usage: bench/uploads.sh [BUILD_DIR] [N] [SIZE_MB]
set -euo pipefail
build_dir=${1:-build}
n=${2:-8}
size_mb=${3:-40}
vox="$build_dir/src/cli/vox"
source "$(dirname "$0")/common.sh"

start_vox_serve serve --workers 1 --max-upload-bytes $(((size_mb + 1) << 20))
port=$vox_port key=$vox_key
head -c $((size_mb << 20)) /dev/urandom > "$tmp/sample.bin"
# One consent per upload (random bytes: a recording is used once) and one challenge each.
challenges=()
for i in $(seq "$n"); do
  head -c 65536 /dev/urandom > "$tmp/consent.$i.bin"
  challenges+=("$(curl -s -H "Authorization: Bearer $key" \
    "http://127.0.0.1:$port/v1/voice/consent-statement?name=Jane%20Doe" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["challenge_id"])')")
done
anon_kb() { awk '/^RssAnon:/ {print $2}' "/proc/$vox_pid/status"; }
base_kb=$(anon_kb)

peak_kb=$base_kb
start=$(date +%s%N)
codes=()
for i in $(seq "$n"); do
  curl -s -o /dev/null -w '%{http_code}\n' -H "Authorization: Bearer $key" \
    -F name="bench $i" -F speaker_name="Jane Doe" -F "files=@$tmp/sample.bin;filename=s.wav" \
    -F "consent_audio=@$tmp/consent.$i.bin;filename=c.wav" -F "challenge_id=${challenges[$((i - 1))]}" \
    "http://127.0.0.1:$port/v1/voice/create" > "$tmp/code.$i" &
  codes+=($!)
done
while :; do
  running=0
  for p in "${codes[@]}"; do kill -0 "$p" 2> /dev/null && running=1; done
  kb=$(anon_kb)
  ((kb > peak_kb)) && peak_kb=$kb
  ((running)) || break
  sleep 0.02
done
elapsed_ns=$(($(date +%s%N) - start))
accepted=$(cat "$tmp"/code.* | grep -c '^202$' || true)
python3 - "$n" "$size_mb" "$base_kb" "$peak_kb" "$elapsed_ns" "$accepted" << 'PY'
import json, sys
n, size_mb, base_kb, peak_kb, elapsed_ns, accepted = sys.argv[1:]
n, size_mb, base_kb, peak_kb = int(n), int(size_mb), int(base_kb), int(peak_kb)
uploaded_mb = n * size_mb
growth_mb = (peak_kb - base_kb) / 1024
print(json.dumps({"benchmark": "uploads", "uploads": n, "upload_mb": size_mb,
                  "accepted": int(accepted), "seconds": round(int(elapsed_ns) / 1e9, 2),
                  "uploaded_at_once_mb": uploaded_mb,
                  "peak_anon_growth_mb": round(growth_mb, 1),
                  "ratio_to_in_memory_bodies": round(growth_mb / uploaded_mb, 3)}))
PY
