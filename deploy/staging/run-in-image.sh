#!/usr/bin/env bash
# Runs the staging suite from a release image: the `vox` just deployed, with the
# recognizer the image ships, on a CI runner that has Docker but not the build
# toolchain (`make staging-test` is the same suite built from source).
# Usage: STAGING_URL=... STAGING_KEY=... run-in-image.sh IMAGE [CONFIG]
# Reports land in build/staging/ (report.json, report.md); the Markdown one is also
# appended to the GitHub job summary when there is one. Exit status: the suite's.
set -euo pipefail

image=${1:?usage: run-in-image.sh IMAGE [CONFIG]}
config=$(realpath "${2:-deploy/staging/thresholds.json}")
: "${STAGING_URL:?set STAGING_URL}" "${STAGING_KEY:?set STAGING_KEY}"
out=$PWD/build/staging
mkdir -p "$out"

# The key reaches the container through the environment (-e NAME), never argv.
# The runner's uid, so the reports are the runner's files.
rc=0
docker run --rm --network host --user "$(id -u):$(id -g)" \
  -e STAGING_URL -e STAGING_KEY \
  -v "$config:/staging/thresholds.json:ro" -v "$out:/staging/out" \
  "$image" staging-test --config /staging/thresholds.json \
  --json-out /staging/out/report.json --markdown-out /staging/out/report.md || rc=$?

if [[ -n "${GITHUB_STEP_SUMMARY:-}" && -f $out/report.md ]]; then
  cat "$out/report.md" >> "$GITHUB_STEP_SUMMARY"
fi
exit "$rc"
