#!/usr/bin/env bash
# deploy/backup/backup.sh and restore.sh against a real PostgreSQL
# (src/store/postgres/testing/pg_test_server.sh) and s3rver: the keys and the
# audio objects come back in a second database and bucket; a damaged backup and
# a non-empty target database are refused and change nothing.
# Usage: scaleout_backup_test.sh VOX_BINARY   (exit 77: no PostgreSQL server binaries)
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
vox=$(realpath "$1")
wrk_s=1
# shellcheck source=../../bench/common.sh
source "$src/bench/common.sh"
fail() { echo "FAIL $*" >&2; exit 1; }

pg_script=$src/src/store/postgres/testing/pg_test_server.sh
url=$(bash "$pg_script" start "$tmp/pg") || exit $?
on_exit+=("bash '$pg_script' stop '$tmp/pg'")
psql "$url" -qc "CREATE DATABASE vox_restored" -c "CREATE DATABASE vox_damaged"
restored_url=${url%/vox}/vox_restored damaged_url=${url%/vox}/vox_damaged

port=$(free_port)
NODE_OPTIONS=--openssl-legacy-provider "$src/tests/services/node_modules/.bin/s3rver" \
  --directory "$tmp/s3" --address 127.0.0.1 --port "$port" --silent \
  --configure-bucket vox-audio --configure-bucket vox-restored > "$tmp/s3.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/" > /dev/null 2>&1 && break; sleep 0.1; done
export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_DEFAULT_REGION=us-east-1 \
  AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export VOX_S3_ENDPOINT=http://127.0.0.1:$port

# What Vox would have written: its schema, a key, audio objects.
VOX_DATABASE_URL=$url "$vox" keys create --data "$tmp/vox" --name alice > /dev/null
VOX_DATABASE_URL=$url "$vox" keys list --data "$tmp/vox" --json > "$tmp/keys.before"
head -c 100000 /dev/urandom > "$tmp/a.mp3"
aws --endpoint-url "$VOX_S3_ENDPOINT" s3 cp --only-show-errors "$tmp/a.mp3" s3://vox-audio/audio/ab/a.mp3

VOX_DATABASE_URL=$url VOX_BACKUP_BUCKET=s3://vox-audio "$src/deploy/backup/backup.sh" "$tmp/b" > /dev/null
cp -r "$tmp/b" "$tmp/damaged"
printf 'x' | dd of="$tmp/damaged/vox.pgdump" bs=1 seek=200 conv=notrunc status=none
if VOX_DATABASE_URL=$damaged_url VOX_BACKUP_BUCKET=s3://vox-restored \
    "$src/deploy/backup/restore.sh" "$tmp/damaged" 2> "$tmp/damaged.err"; then
  fail "a damaged backup was restored"
fi
grep -q "does not match its SHA256SUMS" "$tmp/damaged.err" || fail "unclear: $(cat "$tmp/damaged.err")"
[[ $(psql "$damaged_url" -Atc "SELECT count(*) FROM pg_tables WHERE schemaname='public'") == 0 ]] ||
  fail "a damaged backup wrote tables"
echo "ok   damaged backup refused, nothing written: $(tail -1 "$tmp/damaged.err")"

VOX_DATABASE_URL=$restored_url VOX_BACKUP_BUCKET=s3://vox-restored \
  "$src/deploy/backup/restore.sh" "$tmp/b" > /dev/null
VOX_DATABASE_URL=$restored_url "$vox" keys list --data "$tmp/vox" --json > "$tmp/keys.after"
cmp -s "$tmp/keys.before" "$tmp/keys.after" || fail "keys differ after restore"
aws --endpoint-url "$VOX_S3_ENDPOINT" s3 cp --only-show-errors s3://vox-restored/audio/ab/a.mp3 "$tmp/a.back"
cmp -s "$tmp/a.mp3" "$tmp/a.back" || fail "the audio object differs after restore"
echo "ok   keys restored into a second database, audio into a second bucket"

if VOX_DATABASE_URL=$restored_url VOX_BACKUP_BUCKET=s3://vox-restored \
    "$src/deploy/backup/restore.sh" "$tmp/b" 2> "$tmp/twice.err"; then
  fail "restored over a database that holds Vox"
fi
grep -q "restore into an empty one" "$tmp/twice.err" || fail "unclear: $(cat "$tmp/twice.err")"
echo "ok   non-empty target database refused"
echo "3 passed, 0 failed"
