#!/usr/bin/env bash
# The steps .github/workflows/deploy.yaml runs against a cluster (kubectl with
# a context for it), kept here so they can be run by hand too:
#   release.sh apply OVERLAY IMAGE        apply overlays/OVERLAY with IMAGE, wait for the rollout
#   release.sh smoke URL KEY              /readyz, one job to done, its audio downloads
#   release.sh canary-up OVERLAY IMAGE    one API and one worker pod of IMAGE beside the
#                                         stable ones (canary.py)
#   release.sh canary-judge OVERLAY PROMETHEUS_URL MINUTES MAX_ERROR_RATIO
#                                         fail if the API canary's 5xx share or the worker
#                                         canary's share of failed jobs exceeds the bound
#   release.sh canary-down OVERLAY        remove the canary
# Every process migrates the schema when it starts (src/cli/platform.cc), so a
# release needs no separate migration step; schema changes must stay readable
# by the previous release while both run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
die() { echo "release.sh: $*" >&2; exit 1; }
namespace() { echo "vox-$1"; }

# The overlay with IMAGE for `vox` and IMAGE's `-gpu` sibling (same tag, as
# .github/workflows/deploy.yaml pushes it) for `vox-gpu`, through a throw-away
# kustomization beside the overlays (kustomize takes only relative resource paths).
render() {
  local tmp
  tmp=$(mktemp -d "$here/.release.XXXXXX")
  cat > "$tmp/kustomization.yaml" << EOK
resources:
  - ../overlays/$1
images:
  - name: ghcr.io/example/vox
    newName: ${2%:*}
    newTag: ${2##*:}
  - name: ghcr.io/example/vox-gpu
    newName: ${2%:*}-gpu
    newTag: ${2##*:}
EOK
  kubectl kustomize "$tmp"
  rm -rf "$tmp"
}

cmd=${1:-}
case "$cmd" in
  apply)
    [[ $# == 3 && $3 == *:* ]] || die "usage: apply OVERLAY REGISTRY/IMAGE:TAG"
    render "$2" "$3" | kubectl apply -f -
    for d in vox-api vox-worker; do
      kubectl -n "$(namespace "$2")" rollout status "deployment/$d" --timeout=10m
    done
    ;;
  smoke)
    [[ $# == 3 ]] || die "usage: smoke URL KEY"
    url=$2 key=$3
    curl -fsS --retry 10 --retry-all-errors --retry-delay 3 "$url/readyz" > /dev/null
    job=$(curl -fsS -X POST "$url/v1/tts/synthesize" -H "Authorization: Bearer $key" \
      -H "Content-Type: application/json" \
      -d '{"text":"Release smoke check.","voice_id":"flite-slt","format":"mp3"}' | jq -r .job_id)
    for _ in $(seq 120); do
      status=$(curl -fsS "$url/v1/tts/job/$job" -H "Authorization: Bearer $key" | jq -r .status)
      [[ $status == done || $status == failed ]] && break
      sleep 1
    done
    [[ $status == done ]] || die "smoke job $job ended $status"
    audio=$(curl -fsS "$url/v1/tts/job/$job" -H "Authorization: Bearer $key" | jq -r .audio_url)
    [[ $audio == http* ]] || audio=$url$audio
    [[ $(curl -fsS "$audio" | wc -c) -gt 1000 ]] || die "smoke job $job has no audio"
    echo "smoke: job $job done, audio served"
    ;;
  canary-up)
    [[ $# == 3 && $3 == *:* ]] || die "usage: canary-up OVERLAY REGISTRY/IMAGE:TAG"
    render "$2" "$3" | python3 "$here/canary.py" | kubectl apply -f -
    for d in vox-api-canary vox-worker-canary; do
      kubectl -n "$(namespace "$2")" rollout status "deployment/$d" --timeout=10m
    done
    ;;
  canary-judge)
    [[ $# == 5 ]] || die "usage: canary-judge OVERLAY PROMETHEUS_URL MINUTES MAX_ERROR_RATIO"
    ns=$(namespace "$2") prom=$3 minutes=$4 bound=$5
    sleep $((minutes * 60))
    # share NAME QUERY: the query's value, or death when the canary saw nothing to judge
    # (no request or no job: the denominator has no series). A counter that never moved
    # has no series either, hence "or vector(0)" on the failures.
    share() {
      local value
      value=$(curl -fsS --get "$prom/api/v1/query" --data-urlencode "query=$2" |
        jq -r '.data.result[0].value[1] // "none"')
      [[ $value != none && $value != NaN ]] || die "the $1 canary saw no traffic in $minutes min"
      echo "$1 canary over $minutes min: $value (bound $bound)" >&2
      python3 -c "import sys; sys.exit(0 if float('$value') <= float('$bound') else 1)" ||
        die "the $1 canary's share $value is above $bound"
    }
    api="namespace=\"$ns\",pod=~\"vox-api-canary-.*\""
    share api "(sum(rate(vox_http_requests_total{$api,status=~\"5..\"}[${minutes}m])) or vector(0)) / sum(rate(vox_http_requests_total{$api}[${minutes}m]))"
    worker="namespace=\"$ns\",pod=~\"vox-worker-canary-.*\""
    share worker "(sum(rate(vox_jobs_finished_total{$worker,status=\"failed\"}[${minutes}m])) or vector(0)) / sum(rate(vox_jobs_finished_total{$worker}[${minutes}m]))"
    ;;
  canary-down)
    [[ $# == 2 ]] || die "usage: canary-down OVERLAY"
    kubectl -n "$(namespace "$2")" delete deployment vox-api-canary vox-worker-canary \
      --ignore-not-found
    ;;
  *) die "usage: release.sh apply|smoke|canary-up|canary-judge|canary-down ..." ;;
esac
