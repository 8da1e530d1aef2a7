#!/usr/bin/env bash
# The steps .github/workflows/deploy.yaml runs against a cluster (kubectl with
# a context for it), kept here so they can be run by hand too:
#   release.sh apply OVERLAY IMAGE        apply overlays/OVERLAY with IMAGE, wait for the rollout
#   release.sh smoke URL KEY              /readyz, one job to done, its audio downloads
#   release.sh canary-up OVERLAY IMAGE    one API pod of IMAGE beside the stable ones
#   release.sh canary-judge OVERLAY PROMETHEUS_URL MINUTES MAX_ERROR_RATIO
#                                         fail if the canary's 5xx share exceeds the bound
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
    # The stable Deployment, renamed, one replica, its own track label: the
    # Service (which ignores the track) sends it about 1/(N+1) of the requests.
    render "$2" "$3" | python3 -c '
import sys, yaml
for doc in yaml.safe_load_all(sys.stdin):
    if doc and doc["kind"] == "Deployment" and doc["metadata"]["name"] == "vox-api":
        doc["metadata"]["name"] = "vox-api-canary"
        doc["spec"]["replicas"] = 1
        for labels in (doc["spec"]["selector"]["matchLabels"], doc["spec"]["template"]["metadata"]["labels"]):
            labels["app.kubernetes.io/track"] = "canary"
        print(yaml.safe_dump(doc))
' | kubectl apply -f -
    kubectl -n "$(namespace "$2")" rollout status deployment/vox-api-canary --timeout=10m
    ;;
  canary-judge)
    [[ $# == 5 ]] || die "usage: canary-judge OVERLAY PROMETHEUS_URL MINUTES MAX_ERROR_RATIO"
    ns=$(namespace "$2") prom=$3 minutes=$4 bound=$5
    sleep $((minutes * 60))
    sel="namespace=\"$ns\",pod=~\"vox-api-canary-.*\""
    query="sum(rate(vox_http_requests_total{$sel,status=~\"5..\"}[${minutes}m])) / sum(rate(vox_http_requests_total{$sel}[${minutes}m]))"
    ratio=$(curl -fsS --get "$prom/api/v1/query" --data-urlencode "query=$query" |
      jq -r '.data.result[0].value[1] // "none"')
    [[ $ratio != none && $ratio != NaN ]] || die "the canary served no requests in $minutes min"
    echo "canary 5xx share over $minutes min: $ratio (bound $bound)"
    python3 -c "import sys; sys.exit(0 if float('$ratio') <= float('$bound') else 1)" ||
      die "canary error share $ratio is above $bound"
    ;;
  canary-down)
    [[ $# == 2 ]] || die "usage: canary-down OVERLAY"
    kubectl -n "$(namespace "$2")" delete deployment vox-api-canary --ignore-not-found
    ;;
  *) die "usage: release.sh apply|smoke|canary-up|canary-judge|canary-down ..." ;;
esac
