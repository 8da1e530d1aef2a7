#!/usr/bin/env bash
# Blue/green for the scale-out shape on one host: two colours of `vox api` +
# `vox worker` over the same PostgreSQL, Redis and storage, nginx in front.
#   bluegreen.sh up COLOUR      start COLOUR (blue|green), wait until its /readyz
#                               answers 200; the first colour up becomes active
#   bluegreen.sh switch COLOUR  send new requests to COLOUR (nginx reload), wait for
#                               nginx's old workers to finish, then drain the old
#                               colour (SIGTERM: requests and jobs finish, exit 0)
#   bluegreen.sh rollback       up the previous colour again and switch back to it
#   bluegreen.sh status         JSON: active colour, each colour's processes and readiness
#   bluegreen.sh down           stop both colours and nginx
# Settings (environment): VOX_BIN (vox), BG_DIR (state: pids, logs, nginx
# config; ./bluegreen), BG_LISTEN (nginx, 127.0.0.1:8080), BG_BLUE_PORT (18081),
# BG_GREEN_PORT (18082), BG_API_ARGS / BG_WORKER_ARGS (extra flags), and the
# VOX_* settings both colours share (VOX_DATABASE_URL, VOX_QUEUE_URL,
# VOX_STORAGE_URL, VOX_SIGNING_SECRET, ...), which the processes read themselves.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
vox=${VOX_BIN:-vox}
dir=${BG_DIR:-$PWD/bluegreen}
listen=${BG_LISTEN:-127.0.0.1:8080}
die() { echo "bluegreen.sh: $*" >&2; exit 1; }
port_of() { case $1 in blue) echo "${BG_BLUE_PORT:-18081}" ;; green) echo "${BG_GREEN_PORT:-18082}" ;;
  *) die "colour must be blue or green, not '$1'" ;; esac; }
other() { [[ $1 == blue ]] && echo green || echo blue; }
alive() { [[ -f $1 ]] && kill -0 "$(cat "$1")" 2> /dev/null &&
  ! grep -q '^State:[[:space:]]*Z' "/proc/$(cat "$1")/status" 2> /dev/null; }
ready() { curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$(port_of "$1")/readyz"; }
active() { cat "$dir/active" 2> /dev/null || echo none; }

nginx_up() {
  mkdir -p "$dir"
  if ! alive "$dir/nginx.pid"; then
    sed -e "s|@STATE@|$dir|g" -e "s|@LISTEN@|$listen|g" "$here/nginx.conf.template" > "$dir/nginx.conf"
    # Until a colour is active, nginx answers 502: nothing serves yet.
    [[ -f $dir/upstream.conf ]] || echo "server 127.0.0.1:1 down;" > "$dir/upstream.conf"
    nginx -c "$dir/nginx.conf" -p "$dir" -e "$dir/nginx-error.log"
  fi
}

nginx_workers() { pgrep -P "$(cat "$dir/nginx.pid")" | sort; }

# spawn NAME CMD...: runs CMD in the background with its pid in NAME.pid and,
# once it ends, its exit status in NAME.exit (how `switch` knows a drained
# colour exited 0, whichever shell started it).
spawn() {
  local name=$1
  shift
  (
    exec "$@" > "$dir/$name.log" 2>&1 &
    echo $! > "$dir/$name.pid.new" && mv "$dir/$name.pid.new" "$dir/$name.pid"
    wait $! && rc=0 || rc=$?
    echo "$rc" > "$dir/$name.exit"
  ) > /dev/null 2>&1 &
  for _ in $(seq 100); do [[ -f $dir/$name.pid ]] && return; sleep 0.05; done
  die "$name did not start"
}

up() {
  local c=$1 port
  port=$(port_of "$c")
  nginx_up
  alive "$dir/$c.api.pid" && ready "$c" && { echo "$c is already up"; return; }
  rm -f "$dir/$c.api.exit" "$dir/$c.worker.exit" "$dir/$c.api.pid" "$dir/$c.worker.pid"
  # shellcheck disable=SC2086
  spawn "$c.api" env VOX_LISTEN=127.0.0.1:$port "$vox" api --data "$dir/$c-api" ${BG_API_ARGS:-}
  # shellcheck disable=SC2086
  spawn "$c.worker" "$vox" worker --data "$dir/$c-worker" ${BG_WORKER_ARGS:-}
  for _ in $(seq 600); do
    ready "$c" && alive "$dir/$c.worker.pid" && break
    alive "$dir/$c.api.pid" || die "$c api exited: $(tail -3 "$dir/$c.api.log")"
    alive "$dir/$c.worker.pid" || die "$c worker exited: $(tail -3 "$dir/$c.worker.log")"
    sleep 0.1
  done
  ready "$c" || die "$c is not ready after 60 s"
  echo "$c up on 127.0.0.1:$port"
  [[ $(active) != none ]] || route_to "$c"
}

route_to() {
  echo "server 127.0.0.1:$(port_of "$1") max_fails=0;" > "$dir/upstream.conf.new"
  mv "$dir/upstream.conf.new" "$dir/upstream.conf"
  nginx -t -q -c "$dir/nginx.conf" -p "$dir" -e "$dir/nginx-error.log"
  local old
  old=$(nginx_workers)
  nginx -s reload -c "$dir/nginx.conf" -p "$dir" -e "$dir/nginx-error.log"
  # The old workers hold the requests in flight on the old colour; it may
  # stop only once they are gone.
  for _ in $(seq 600); do
    [[ -z $(comm -12 <(echo "$old") <(nginx_workers)) ]] && break
    sleep 0.1
  done
  [[ -z $(comm -12 <(echo "$old") <(nginx_workers)) ]] || die "nginx's old workers did not finish in 60 s"
  echo "$1" > "$dir/active"
}

# drain COLOUR: SIGTERM both processes, wait for their exit statuses, print them.
drain() {
  local c=$1 codes=() p
  for p in api worker; do
    [[ -f $dir/$c.$p.pid ]] && kill -TERM "$(cat "$dir/$c.$p.pid")" 2> /dev/null || true
  done
  # VOX_DRAIN_GRACE_S (30 s) for running jobs, then requeue: 60 s is ample.
  for p in api worker; do
    for _ in $(seq 600); do [[ -f $dir/$c.$p.exit ]] && break; sleep 0.1; done
    codes+=("$(cat "$dir/$c.$p.exit" 2> /dev/null || echo null)")
    rm -f "$dir/$c.$p.pid"
  done
  echo "{\"drained\":\"$c\",\"api_exit\":${codes[0]},\"worker_exit\":${codes[1]}}"
  [[ ${codes[0]} == 0 && ${codes[1]} == 0 ]]
}

switch() {
  local c=$1 from
  from=$(active)
  [[ $from != "$c" ]] || die "$c is already active"
  ready "$c" || die "$c is not up and ready: run bluegreen.sh up $c first"
  route_to "$c"
  echo "$from" > "$dir/previous"
  [[ $from == none ]] || drain "$from"
}

status() {
  local c out="{\"active\":\"$(active)\""
  for c in blue green; do
    out+=",\"$c\":{\"port\":$(port_of "$c"),\"api\":$(alive "$dir/$c.api.pid" && echo true || echo false)"
    out+=",\"worker\":$(alive "$dir/$c.worker.pid" && echo true || echo false)"
    out+=",\"ready\":$(ready "$c" 2> /dev/null && echo true || echo false)}"
  done
  echo "$out}"
}

case ${1:-} in
  up) up "${2:?usage: up blue|green}" ;;
  switch) switch "${2:?usage: switch blue|green}" ;;
  rollback)
    prev=$(cat "$dir/previous" 2> /dev/null || echo none)
    [[ $prev != none ]] || die "no previous colour to roll back to"
    up "$prev" && switch "$prev"
    ;;
  status) status ;;
  down)
    for c in blue green; do alive "$dir/$c.api.pid" && { drain "$c" || true; }; done
    alive "$dir/nginx.pid" && nginx -s quit -c "$dir/nginx.conf" -p "$dir" -e "$dir/nginx-error.log"
    rm -f "$dir/active" "$dir/previous"
    ;;
  *) die "usage: bluegreen.sh up|switch|rollback|status|down [blue|green]" ;;
esac
