#!/usr/bin/env bash
# Installs the npm test services (s3rver, the S3-compatible server the blob
# tests start on loopback; the official openai SDK, which drives the OpenAI
# route in tests/openai; the official @elevenlabs/elevenlabs-js SDK and ws, which
# drive the ElevenLabs routes in tests/elevenlabs; playwright-core, which drives
# Debian's chromium through the web playground in tests/web) into tests/services/node_modules,
# exactly as pinned by package-lock.json. Idempotent: skipped when the lock file is unchanged
# since the last install.
set -euo pipefail
cd "$(dirname "$0")"

stamp=node_modules/.vox-lock-sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -x node_modules/.bin/s3rver ] && [ -f node_modules/openai/package.json ] &&
   [ -f node_modules/playwright-core/package.json ] &&
   [ -f node_modules/@elevenlabs/elevenlabs-js/package.json ] &&
   [ -f node_modules/ws/package.json ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  echo "test services: npm packages present"
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "test services: npm is missing; run scripts/install-deps.sh" >&2
  exit 1
fi
echo "test services: installing npm packages (s3rver, openai, @elevenlabs/elevenlabs-js, ws, playwright-core)"
# --ignore-scripts: none of these packages needs an install script to run.
npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
echo "$want" > "$stamp"
