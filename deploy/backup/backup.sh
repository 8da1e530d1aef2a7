#!/usr/bin/env bash
# Backs up Vox's scale-out shape: PostgreSQL with pg_dump (custom format: one
# consistent snapshot, restorable table by table) and then the audio bucket
# with the aws CLI. The dump comes first: a worker uploads audio before it marks
# a job done, so every object a dumped row names is already in the bucket.
#
#   VOX_DATABASE_URL=postgresql://... VOX_BACKUP_BUCKET=s3://vox-audio \
#     deploy/backup/backup.sh OUT_DIR
#
# Settings: VOX_DATABASE_URL (or VOX_DATABASE_URL_FILE), VOX_BACKUP_BUCKET
# (s3://BUCKET[/PREFIX]), VOX_S3_ENDPOINT (for MinIO and the like; AWS itself
# needs none), and the aws CLI's own credentials (AWS_ACCESS_KEY_ID, ...).
# OUT_DIR must not exist; it receives vox.pgdump, blobs/ and SHA256SUMS.
set -euo pipefail
here=$(dirname "$0")
# shellcheck source=common.sh
source "$here/common.sh"

out=${1:?usage: backup.sh OUT_DIR}
[[ ! -e $out ]] || die "$out exists; give a new directory"
db_url=$(database_url)
bucket=$(backup_bucket)
mkdir -p "$out.partial"
trap 'rm -rf "$out.partial"' EXIT

pg_dump --format=custom --no-owner --no-privileges --file="$out.partial/vox.pgdump" "$db_url"
s3 sync --only-show-errors "$bucket" "$out.partial/blobs"
mkdir -p "$out.partial/blobs"  # an empty bucket syncs no folder
(cd "$out.partial" && find . -type f ! -name SHA256SUMS -print0 | sort -z |
  xargs -0 sha256sum > SHA256SUMS)
mv "$out.partial" "$out"
trap - EXIT
echo "{\"out\":\"$out\",\"files\":$(wc -l < "$out/SHA256SUMS"),\"bytes\":$(du -sb "$out" | cut -f1)}"
