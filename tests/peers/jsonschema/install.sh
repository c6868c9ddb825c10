#!/usr/bin/env bash
# check-jsonschema from PyPI, for validating the GitHub Actions workflow that
# `rounds init` writes against GitHub's own schema (bundled in the package as
# `vendor.github-workflows`, so no download at test time). Installs into
# target/peers/jsonschema/ once, pinned by requirements.txt beside this script,
# and prints the path of the check-jsonschema program.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
X=$ROOT/target/peers/jsonschema
BIN=$X/bin/check-jsonschema

fingerprint=$(sha256sum "$HERE/requirements.txt" | cut -d' ' -f1)
if [ ! -x "$BIN" ] || [ "$(cat "$X/installed" 2>/dev/null)" != "$fingerprint" ]; then
  echo "jsonschema peer: installing check-jsonschema into $X (once)" >&2
  command -v python3 >/dev/null ||
    { echo "python3 is needed (apt-get install python3 python3-venv)" >&2; exit 1; }
  rm -rf "$X"
  mkdir -p "$X"
  python3 -m venv "$X" >"$X/venv.log" 2>&1 ||
    { echo "python3 -m venv failed (apt-get install python3-venv); log: $X/venv.log" >&2; exit 1; }
  if ! "$X/bin/pip" install --disable-pip-version-check --no-input -q \
    -r "$HERE/requirements.txt" >"$X/install.log" 2>&1; then
    tail -n 30 "$X/install.log" >&2
    echo "pip install failed (log: $X/install.log)" >&2
    exit 1
  fi
  echo "$fingerprint" >"$X/installed"
fi
echo "$BIN"
