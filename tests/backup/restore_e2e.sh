#!/usr/bin/env bash
# vox backup of a running `vox serve`, vox restore into a fresh directory, and
# a `vox serve` on the restored data: keys, voices and jobs intact, and audio
# made before the backup served again, through the audio URL signed before it.
# A truncated archive is refused and writes nothing.
# With "encrypted", the whole run has encryption at rest on (VOX_ENCRYPTION_KEY_FILE): the
# archive holds none of the database's text, and a restore without the key is refused,
# naming the key id.
# Usage: restore_e2e.sh VOX_BINARY [encrypted]
set -euo pipefail
vox=$(realpath "$1")
mode=${2:-plain}
wrk_s=1
# shellcheck source=../../bench/common.sh
source "$(dirname "$0")/../../bench/common.sh"
if [[ $mode == encrypted ]]; then
  "$vox" encryption new-key > "$tmp/keys"
  export VOX_ENCRYPTION_KEY_FILE=$tmp/keys
fi
passed=4

fail() { echo "FAIL $*" >&2; exit 1; }
api() { curl -fsS -H "Authorization: Bearer $1" "http://127.0.0.1:$2$3"; }
# Tables a restore must bring back row for row.
dump() {
  for t in users api_keys voices protected_voices jobs audit; do
    sqlite3 "$1" ".mode quote" "SELECT * FROM $t ORDER BY 1"
  done
}

start_vox_serve src
src_port=$vox_port src_pid=$vox_pid key=$vox_key
job=$(curl -fsS -X POST "http://127.0.0.1:$src_port/v1/tts/synthesize" -H "Authorization: Bearer $key" \
  -H "Content-Type: application/json" \
  -d "{\"text\":\"$(printf 'Backups are only real once they restore. %.0s' 1 2 3 4)\",\"voice_id\":\"flite-slt\",\"format\":\"wav\"}" |
  jq -r .job_id)
for _ in $(seq 300); do
  status=$(api "$key" "$src_port" "/v1/tts/job/$job" | jq -r .status)
  [[ $status == done || $status == failed ]] && break
  sleep 0.1
done
[[ $status == done ]] || fail "job $job ended $status"
audio_url=$(api "$key" "$src_port" "/v1/tts/job/$job" | jq -r .audio_url)
curl -fsS -o "$tmp/before.wav" "http://127.0.0.1:$src_port$audio_url"
# A voice row beside the key and the job (the job's audio is the "recording").
"$vox" protected add --data "$tmp/src" "Jane Doe (test)" "$tmp/before.wav" > /dev/null

# While the server runs: the snapshot must be consistent without stopping it.
"$vox" backup --data "$tmp/src" --out "$tmp/backup.tar.gz" > "$tmp/backup.json"
echo "ok   vox backup of a running server: $(cat "$tmp/backup.json")"
stop_pid "$src_pid"
dump "$tmp/src/vox.db" > "$tmp/src.rows"

# The job's text and the protected voice's name, in the archive's files as tar unpacks them.
in_clear=$(tar -xzOf "$tmp/backup.tar.gz" | grep -a -c -e 'Backups are only real' -e 'Jane Doe (test)' || true)
if [[ $mode == encrypted ]]; then
  key_id=$(jq -r .encryption_key "$tmp/backup.json")
  [[ $key_id =~ ^[0-9a-f]{16}$ ]] || fail "the backup names no key: $(cat "$tmp/backup.json")"
  [[ $in_clear == 0 ]] || fail "the encrypted archive holds the database's text in clear"
  if env -u VOX_ENCRYPTION_KEY_FILE "$vox" restore --data "$tmp/keyless" \
    --from "$tmp/backup.tar.gz" 2> "$tmp/keyless.err"; then
    fail "an encrypted backup was restored without its key"
  fi
  grep -q "encrypted with key $key_id" "$tmp/keyless.err" || fail "unclear error: $(cat "$tmp/keyless.err")"
  [[ ! -e $tmp/keyless ]] || fail "a refused restore left $tmp/keyless"
  echo "ok   encrypted archive: no text in clear; without the key: $(cat "$tmp/keyless.err")"
  passed=$((passed + 1))
else
  [[ $in_clear != 0 ]] || fail "the plain archive lacks the job text (is the check blind?)"
fi

"$vox" restore --data "$tmp/restored" --from "$tmp/backup.tar.gz" > /dev/null
dump "$tmp/restored/vox.db" > "$tmp/restored.rows"
cmp -s "$tmp/src.rows" "$tmp/restored.rows" || fail "restored rows differ: $(diff "$tmp/src.rows" "$tmp/restored.rows" | head -5)"
grep -q "Jane Doe (test)" "$tmp/restored.rows" || fail "the protected voice is missing"
echo "ok   users, keys, voices, protected voices, jobs and audit restored row for row"

"$vox" serve --listen 127.0.0.1:0 --data "$tmp/restored" --rate-limit 0 --log-level warn \
  > "$tmp/restored.out" 2> "$tmp/restored.err" &
pids+=($!)
for _ in $(seq 200); do grep -q '^vox: listening on' "$tmp/restored.out" && break; sleep 0.05; done
port=$(sed -n 's|^vox: listening on http://127.0.0.1:\([0-9]*\)$|\1|p' "$tmp/restored.out")
[[ -n $port ]] || fail "vox serve on the restored data did not start: $(cat "$tmp/restored.err")"
[[ $(api "$key" "$port" "/v1/tts/job/$job" | jq -r .status) == done ]] || fail "job $job not done"
curl -fsS -o "$tmp/after.wav" "http://127.0.0.1:$port$audio_url"
cmp -s "$tmp/before.wav" "$tmp/after.wav" || fail "the restored server serves other audio"
echo "ok   restored server: the old key, the old job, its audio through the URL signed before"

head -c "$(($(stat -c %s "$tmp/backup.tar.gz") / 2))" "$tmp/backup.tar.gz" > "$tmp/cut.tar.gz"
if "$vox" restore --data "$tmp/second" --from "$tmp/cut.tar.gz" 2> "$tmp/cut.err"; then
  fail "a truncated archive was restored"
fi
grep -q "is not a whole Vox backup" "$tmp/cut.err" || fail "unclear error: $(cat "$tmp/cut.err")"
[[ ! -e $tmp/second ]] || fail "a failed restore left $tmp/second"
[[ -z $(find "$tmp" -maxdepth 1 -name '*.restore-*') ]] || fail "a failed restore left its staging folder"
echo "ok   truncated archive: $(cat "$tmp/cut.err")"
# (A non-empty target, --force and a running server: src/backup/backup_test.cc.)
echo "$passed passed, 0 failed"
