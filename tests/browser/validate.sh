#!/usr/bin/env bash
# Checks every HTML file of a built site with the Nu HTML Checker (vnu.jar,
# from the npm package vnu-jar in tests/browser/node_modules).
#
#   tests/browser/validate.sh SITE_DIR
#
# Prints each error message once, with every FILE:LINE:COLUMN it occurs at;
# exits 1 if there is any error, 0 if the site is valid, 2 if the checker could
# not run (no Java, no node_modules: run ./scripts/test).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
if [ $# -ne 1 ] || [ ! -d "$1" ]; then
  echo "usage: tests/browser/validate.sh SITE_DIR" >&2
  exit 2
fi
site="$(cd "$1" && pwd)"
jar="$here/node_modules/vnu-jar/build/dist/vnu.jar"
if [ ! -f "$jar" ]; then
  echo "validate.sh: no $jar: run ./scripts/test (it runs npm ci in tests/browser)" >&2
  exit 2
fi
if ! command -v java >/dev/null 2>&1; then
  echo "validate.sh: no java on PATH: run ./scripts/test" >&2
  exit 2
fi

count=$(find "$site" -type f \( -name '*.html' -o -name '*.htm' \) | wc -l)
if [ "$count" -eq 0 ]; then
  echo "validate.sh: no HTML files under $site" >&2
  exit 2
fi

out="$(mktemp)"
trap 'rm -f "$out"' EXIT
# vnu writes its JSON report to stderr; its exit status is 1 on errors. A
# status above 1 or output that is not JSON means the checker itself broke.
status=0
java -Xss1m -jar "$jar" --errors-only --skip-non-html --format json "$site" 2>"$out" || status=$?

node - "$out" "$site" "$count" "$status" <<'EOF'
const fs = require('fs');
const [file, site, count, status] = process.argv.slice(2);
const text = fs.readFileSync(file, 'utf8');
let report;
try {
  report = JSON.parse(text);
} catch {
  console.error(`validate.sh: the Nu HTML Checker did not answer in JSON (exit ${status}):\n${text}`);
  process.exit(2);
}
const rel = (url) => {
  let p = url || '';
  try {
    p = decodeURIComponent(new URL(p).pathname);
  } catch {}
  return p.startsWith(site + '/') ? p.slice(site.length + 1) : p;
};
const errors = report.messages.filter((m) => m.type === 'error' || m.type === 'non-document-error' || m.subType === 'fatal');
if (errors.length === 0) {
  console.log(`Nu HTML Checker: ${count} HTML files, no errors.`);
  process.exit(Number(status) > 1 ? 2 : 0);
}
const groups = new Map();
for (const m of errors) {
  const key = m.message;
  if (!groups.has(key)) groups.set(key, []);
  groups.get(key).push(`${rel(m.url)}:${m.lastLine ?? m.firstLine ?? '?'}:${m.firstColumn ?? m.lastColumn ?? '?'}`);
}
const files = new Set(errors.map((m) => m.url));
console.log(`Nu HTML Checker: ${errors.length} errors in ${files.size} of ${count} HTML files, ${groups.size} distinct messages.`);
for (const [message, places] of [...groups].sort((a, b) => b[1].length - a[1].length)) {
  console.log(`\nERROR (${places.length}x) ${message}`);
  for (const place of places.sort()) console.log(`  ${place}`);
}
process.exit(1);
EOF
