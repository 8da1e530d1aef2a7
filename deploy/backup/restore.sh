#!/usr/bin/env bash
# Restores a backup.sh directory into an empty PostgreSQL database and a bucket,
# after checking every file against SHA256SUMS; a damaged backup changes nothing.
#
#   VOX_DATABASE_URL=postgresql://.../vox_new VOX_BACKUP_BUCKET=s3://vox-audio-new \
#     deploy/backup/restore.sh IN_DIR
#
# The database must hold no Vox schema yet (create it with createdb); the
# restore runs in one transaction, so a failure leaves it empty. Objects are
# copied into the bucket as they are (same keys: audio URLs signed before the
# backup still verify with the same VOX_SIGNING_SECRET). Then run the new
# binary's `vox migrate` if it is a newer release. Settings as in backup.sh.
set -euo pipefail
here=$(dirname "$0")
# shellcheck source=common.sh
source "$here/common.sh"

in=${1:?usage: restore.sh IN_DIR}
[[ -f $in/SHA256SUMS && -f $in/vox.pgdump ]] || die "$in is not a backup.sh directory"
(cd "$in" && sha256sum --check --quiet --strict SHA256SUMS >&2) ||
  die "$in does not match its SHA256SUMS: not restored"
db_url=$(database_url)
bucket=$(backup_bucket)
tables=$(psql "$db_url" -Atc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
[[ $tables == 0 ]] || die "the target database already holds $tables tables; restore into an empty one"

pg_restore --exit-on-error --single-transaction --no-owner --no-privileges --dbname="$db_url" \
  "$in/vox.pgdump"
s3 sync --only-show-errors "$in/blobs" "$bucket"
echo "{\"restored\":\"$in\",\"objects\":$(find "$in/blobs" -type f | wc -l)}"
