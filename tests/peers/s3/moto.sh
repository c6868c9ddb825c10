#!/usr/bin/env bash
# A real S3-compatible server on 127.0.0.1 for the deploy tests: moto's server
# mode (`moto[server]` from PyPI), which speaks the S3 REST API with path-style
# buckets, ETags that are the MD5 of the body, and the headers a PUT sets.
#
#   tests/peers/s3/moto.sh install  # a venv with moto into target/peers/moto/ (once)
#   tests/peers/s3/moto.sh start    # moto_server on 127.0.0.1; writes target/peers/moto/url
#   tests/peers/s3/moto.sh status   # prints the URL and exits 0 while it answers
#   tests/peers/s3/moto.sh url      # prints the URL of the running server
#   tests/peers/s3/moto.sh stop     # stops exactly the process start started
#
# Port: MOTO_PORT (default 5117). A default port that something else holds is
# replaced by a free one; a port set explicitly is not. The versions are pinned
# by requirements.txt beside this script; install does nothing when they are
# already installed, start does nothing when the server it started still answers.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
X=$ROOT/target/peers/moto
RUN=$X/run

say() { echo "s3 peer: $*" >&2; }
die() {
  say "$*"
  exit 1
}

fingerprint() { sha256sum "$HERE/requirements.txt" | cut -d' ' -f1; }

installed() {
  [ -x "$X/bin/moto_server" ] && [ "$(cat "$X/installed" 2>/dev/null)" = "$(fingerprint)" ]
}

install() {
  if installed; then return 0; fi
  command -v python3 >/dev/null || die "python3 is needed to install moto (apt-get install python3 python3-venv)"
  say "installing moto[server] into $X (a minute, once)"
  local started=$SECONDS log=$X/install.log
  stop >/dev/null # reinstalling under a running server would pull files from under it
  rm -rf "$X"
  mkdir -p "$X"
  python3 -m venv "$X" >"$X/venv.log" 2>&1 ||
    die "python3 -m venv failed (apt-get install python3-venv); log: $X/venv.log"
  : >"$log"
  if ! "$X/bin/pip" install --disable-pip-version-check --no-input -q \
    -r "$HERE/requirements.txt" >>"$log" 2>&1; then
    tail -n 30 "$log" >&2
    die "pip install failed (log: $log)"
  fi
  fingerprint >"$X/installed"
  say "installed in $((SECONDS - started))s"
}

# Any answer counts: moto's root answers 200 with an empty bucket list.
healthy() {
  "$X/bin/python" -c 'import sys, urllib.request
urllib.request.urlopen(sys.argv[1] + "/", timeout=2).read()' "$1" >/dev/null 2>&1
}

# True while the pid in run/moto.pid is a process this script started.
ours() {
  local pid
  pid=$(cat "$RUN/moto.pid" 2>/dev/null) || return 1
  [ -n "$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$X/"
}

running() { ours && [ -f "$X/url" ] && healthy "$(cat "$X/url")"; }

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
  "$X/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

pick_port() {
  if [ -n "${MOTO_PORT:-}" ]; then
    port_taken "$MOTO_PORT" && die "port $MOTO_PORT is taken (unset MOTO_PORT to pick a free one)"
    echo "$MOTO_PORT"
  elif port_taken 5117; then
    local port
    port=$(free_port)
    say "port 5117 is taken, moto uses $port"
    echo "$port"
  else
    echo 5117
  fi
}

start() {
  if running; then
    cat "$X/url"
    return 0
  fi
  installed || die "not installed: run $0 install"
  stop >/dev/null # leftovers of a run that died
  mkdir -p "$RUN"
  local port url i
  port=$(pick_port)
  url=http://127.0.0.1:$port
  # Fake credentials keep boto's lookup of real ones (and of instance metadata
  # on the network) out of the server; buckets live in memory until stop.
  (exec env AWS_ACCESS_KEY_ID=rounds-test AWS_SECRET_ACCESS_KEY=rounds-test \
    AWS_DEFAULT_REGION=us-east-1 "$X/bin/python" "$X/bin/moto_server" -H 127.0.0.1 -p "$port") \
    </dev/null >"$RUN/moto.log" 2>&1 &
  echo $! >"$RUN/moto.pid"
  for i in $(seq 300); do
    if healthy "$url"; then
      echo "$url" >"$X/url"
      echo "$url"
      return 0
    fi
    kill -0 "$(cat "$RUN/moto.pid")" 2>/dev/null || break
    sleep 0.2
  done
  say "moto did not answer $url; the end of $RUN/moto.log:"
  tail -n 40 "$RUN/moto.log" >&2 || true
  stop >/dev/null
  exit 1
}

stop() {
  local pid i
  if ours; then
    pid=$(cat "$RUN/moto.pid")
    kill "$pid" 2>/dev/null || true
    for i in $(seq 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    echo "stopped moto ($pid)"
  fi
  rm -f "$RUN/moto.pid" "$X/url"
}

status() {
  if running; then
    cat "$X/url"
  else
    echo "not running"
    return 1
  fi
}

url() {
  running || die "not running: run $0 start"
  cat "$X/url"
}

case "${1:-}" in
install | start | stop | status | url) "$1" ;;
*)
  echo "usage: $0 {install|start|stop|status|url}" >&2
  exit 2
  ;;
esac
