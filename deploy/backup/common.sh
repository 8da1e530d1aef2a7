# Shared by backup.sh and restore.sh (sourced).
die() { echo "$(basename "$0"): $*" >&2; exit 1; }

# The database URL, from VOX_DATABASE_URL or the file VOX_DATABASE_URL_FILE names.
database_url() {
  local url=${VOX_DATABASE_URL:-}
  if [[ -z $url && -n ${VOX_DATABASE_URL_FILE:-} ]]; then url=$(< "$VOX_DATABASE_URL_FILE"); fi
  [[ $url == postgresql://* || $url == postgres://* ]] ||
    die "VOX_DATABASE_URL must be a postgresql:// URL (the embedded shape uses vox backup)"
  echo "$url"
}

backup_bucket() {
  [[ ${VOX_BACKUP_BUCKET:-} == s3://* ]] || die "VOX_BACKUP_BUCKET must be s3://BUCKET[/PREFIX]"
  echo "$VOX_BACKUP_BUCKET"
}

# The aws CLI's s3 commands, at VOX_S3_ENDPOINT when one is set.
s3() { aws ${VOX_S3_ENDPOINT:+--endpoint-url "$VOX_S3_ENDPOINT"} s3 "$@"; }
