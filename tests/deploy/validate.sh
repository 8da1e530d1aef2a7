#!/usr/bin/env bash
# Validates deploy/ offline (no Docker engine runs on these machines):
#  1. deploy/compose.yaml with deploy/.env.example through `docker-compose config`
#     (Debian's docker-compose 1.29: YAML, Compose schema, interpolation, references),
#     then structural rules on the resolved file (tests/deploy/check_deploy.py);
#  2. the Dockerfiles' structure (stages, non-root runtime, healthcheck, install script);
#  3. with a built vox, that the runtime image installs every library it links;
#  4. negative controls: broken copies of each file must be rejected, so a check
#     that silently accepts everything fails this test.
# Usage: validate.sh [SOURCE_DIR] [VOX_BINARY]
set -euo pipefail

src=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
vox=${2:-}
# Debian's interpreter: its python3-yaml comes from install-deps.sh, not from
# whatever python3 happens to be first on PATH.
check="/usr/bin/python3 $src/tests/deploy/check_deploy.py"
env_file=$src/deploy/.env.example

if ! command -v docker-compose >/dev/null 2>&1; then
  echo "FAIL: docker-compose is not installed; run scripts/install-deps.sh" >&2
  exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/deploy/docker"

# compose_ok FILE: docker-compose accepts it and the resolved file passes the rules.
compose_ok() {
  # `config` validates exactly as `config -q` does, and also prints the resolved file.
  docker-compose -f "$1" --env-file "$env_file" config >"$tmp/resolved.yaml" || return 1
  $check compose "$tmp/resolved.yaml" "$1"
}

failures=0
pass() { echo "ok   $*"; }
flunk() { echo "FAIL $*" >&2; failures=$((failures + 1)); }

# --- the real files -----------------------------------------------------------
if docker-compose -f "$src/deploy/compose.yaml" --env-file "$env_file" config -q \
    && compose_ok "$src/deploy/compose.yaml"; then pass "deploy/compose.yaml"; else flunk "deploy/compose.yaml"; fi
if grep -Eq '^[A-Z_]+=.*change-me' "$env_file"; then pass "deploy/.env.example holds placeholders"
else flunk "deploy/.env.example must hold change-me placeholders, not real secrets"; fi
if $check dockerfile "$src/deploy/docker/Dockerfile" --cpu; then pass "deploy/docker/Dockerfile"
else flunk "deploy/docker/Dockerfile"; fi
if $check dockerfile "$src/deploy/docker/Dockerfile.gpu"; then pass "deploy/docker/Dockerfile.gpu"
else flunk "deploy/docker/Dockerfile.gpu"; fi
if [ -n "$vox" ] && [ -x "$vox" ]; then
  # vox and the neural runtime plugin it loads on first use (src/onnx/runtime_loader.h).
  runtime="$(dirname "$vox")/../onnx/libvox_onnx_runtime.so"
  if $check runtime-libs "$src/deploy/docker/Dockerfile" "$vox" "$runtime"; then
    pass "runtime libraries of $vox and $runtime"
  else flunk "runtime libraries of $vox and $runtime"; fi
else
  echo "skip runtime-library check: vox is not built${vox:+ at $vox}"
fi

# --- negative controls: each mutation must be rejected ---------------------------
# mutate SRC DEST SED_EXPR: DEST is SRC edited; the edit must change something.
mutate() {
  sed -e "$3" "$1" >"$2"
  if cmp -s "$1" "$2"; then
    flunk "negative control '$3' did not change $(basename "$1")"
    return 1
  fi
}
broken_compose() {  # DESCRIPTION SED_EXPR
  local f=$tmp/deploy/compose.yaml
  mutate "$src/deploy/compose.yaml" "$f" "$2" || return 0
  if compose_ok "$f" >/dev/null 2>&1; then flunk "accepted a compose file with $1"
  else pass "rejects a compose file with $1"; fi
}
broken_dockerfile() {  # DESCRIPTION FILE FLAGS SED_EXPR
  local f=$tmp/deploy/docker/$(basename "$2")
  mutate "$2" "$f" "$4" || return 0
  if $check dockerfile "$f" $3 >/dev/null 2>&1; then flunk "accepted $(basename "$2") with $1"
  else pass "rejects $(basename "$2") with $1"; fi
}

broken_compose "a YAML syntax error" 's/^services:$/services: [/'
broken_compose "an unknown service key" 's/^    healthcheck:$/    helthcheck:/'
broken_compose "a dependency on an undefined service" 's/^      redis:$/      rediz:/'
broken_compose "a bad depends_on condition" 's/condition: service_healthy/condition: service_ready/'
broken_compose "the API published on all interfaces" 's/"127.0.0.1:8080:8080"/"8080:8080"/'
broken_compose "no internal network" 's/^    internal: true$/    internal: false/'
broken_compose "one worker" 's/replicas: 2/replicas: 1/'
broken_compose "redis without AOF" 's/"--appendonly", "yes"/"--appendonly", "no"/'
broken_compose "a committed secret" 's/^      POSTGRES_PASSWORD: .*/      POSTGRES_PASSWORD: hunter2/'
broken_compose "a service without healthcheck" '/^  redis:$/,/^  minio:$/{/healthcheck:/,/retries:/d}'
broken_compose "a worker without the watermark key" '/^  worker:$/,/^  migrate:$/{/VOX_WATERMARK_KEY_FILE/d}'
broken_compose "the encryption keys not mounted" 's/\[watermark-key, encryption-keys\]/[watermark-key]/'
broken_compose "a key file that is no secret" 's|VOX_ENCRYPTION_KEY_FILE: /run/secrets/|VOX_ENCRYPTION_KEY_FILE: /data/|'
broken_compose "api and worker on different keys" \
  '/^  worker:$/,/^  migrate:$/{s|secrets: \*vox-key-secrets|secrets: [watermark-key, other-keys]|;s|/run/secrets/encryption-keys|/run/secrets/other-keys|};s|^  encryption-keys:$|  other-keys:\n    file: ./secrets/other-keys\n  encryption-keys:|'

cpu=$src/deploy/docker/Dockerfile
broken_dockerfile "a root runtime user" "$cpu" --cpu 's/^USER vox$/USER root/'
broken_dockerfile "no HEALTHCHECK" "$cpu" --cpu '/^HEALTHCHECK/,/healthz/d'
broken_dockerfile "its own apt-get in the build stage" "$cpu" --cpu \
  's|^RUN bash scripts/install-deps.sh|RUN apt-get update|'
broken_dockerfile "a single stage" "$cpu" --cpu '/^FROM debian:12-slim/,/^COPY --from=build/{/^FROM/d;/^COPY --from/d}'
broken_dockerfile "no USER" "$src/deploy/docker/Dockerfile.gpu" "" '/^USER vox$/d'

if [ "$failures" -ne 0 ]; then
  echo "deploy validation: $failures failure(s)" >&2
  exit 1
fi
echo "deploy validation: all checks passed"
