#!/usr/bin/env bash
# Benchmark Rounds against Hugo on the same generated blog, and against a
# floor: the time to write the same files and bytes with nothing else (a copy
# of the tree Rounds built).
#
#   bench/run.sh [N...]        default: 1000 10000
#
# Each N is built as two corpora: `clean` (every post passes every check) and
# `warnings` (a site migrated from another generator: every post still has a
# medical review, so it builds, but raises warnings: readability, jargon, a
# stale review), because printing tens of thousands of warnings must not
# cost more than the build.
#
# Environment:
#   CORPORA="clean warnings"  which corpora to build
#   RUNS=3          timed runs per tool and size (after one untimed warm-up)
#   SKIP_HUGO=1     do not run Hugo
#   SKIP_ROUNDS=1   do not build or run Rounds
#   NO_BUILD=1      do not run cargo build (use the existing binary)
#   ROUNDS_BIN=...  the rounds binary (default: <target dir>/release/rounds)
#   RUN_TIMEOUT=1800  seconds before one build is killed
#   SEED=...        corpus seed (default: gen_corpus.py's)
#   QUIET_WAIT=300  before each timed run, wait up to this many seconds for the
#                   machine to be idle (other processes < QUIET_PCT% of all CPUs
#                   over 2 s); 0 disables. The busy share seen is recorded.
#   QUIET_PCT=15
#
# Writes everything under target/bench/: corpus-N-C/{rounds,hugo}, out-N-C-TOOL/,
# logs/, raw.tsv (one line per timed run) and results.json (the summary).

set -uo pipefail

# Everything runs inside main, which bash reads whole before starting: editing
# this file while a benchmark runs cannot change what the running one does.
main() {

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
case $TARGET_DIR in /*) ;; *) TARGET_DIR=$ROOT/$TARGET_DIR ;; esac
OUT=$ROOT/target/bench
LOGS=$OUT/logs
RUNS=${RUNS:-3}
read -r -a CORPORA <<<"${CORPORA:-clean warnings}"
for c in "${CORPORA[@]}"; do
  case $c in clean|warnings) ;; *) echo "run.sh: CORPORA holds clean and/or warnings, got '$c'" >&2; exit 2 ;; esac
done
RUN_TIMEOUT=${RUN_TIMEOUT:-1800}
QUIET_WAIT=${QUIET_WAIT:-300}
QUIET_PCT=${QUIET_PCT:-15}
ROUNDS_BIN=${ROUNDS_BIN:-$TARGET_DIR/release/rounds}

if [ $# -gt 0 ]; then SIZES=("$@"); else SIZES=(1000 10000); fi
for n in "${SIZES[@]}"; do
  case $n in ''|*[!0-9]*) echo "run.sh: N must be a positive integer, got '$n'" >&2; exit 2 ;; esac
done

mkdir -p "$OUT" "$LOGS"
# One benchmark at a time: two would share target/bench and time each other.
exec 9>"$OUT/.lock"
if ! flock -n 9; then
  echo "run.sh: another bench/run.sh is running (lock $OUT/.lock); wait for it to finish" >&2
  exit 1
fi
RAW=$OUT/raw.tsv
STATUS=$OUT/status.tsv
printf 'n\tcorpus\ttool\trun\trc\twall_s\tmax_rss_kib\tuser_s\tsys_s\tfiles\tbytes\tbusy_before_pct\tother_cpu_s\n' >"$RAW"
printf 'n\tcorpus\ttool\tstatus\tmessage\n' >"$STATUS"

say() { printf '==> %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo -n "$@"
  else return 1
  fi
}

# ---------------------------------------------------------------- tools

if [ ! -x /usr/bin/time ]; then
  say "installing GNU time (/usr/bin/time)"
  as_root apt-get install -y time >"$LOGS/apt-time.log" 2>&1 ||
    { as_root apt-get update >>"$LOGS/apt-time.log" 2>&1 && as_root apt-get install -y time >>"$LOGS/apt-time.log" 2>&1; }
  if [ ! -x /usr/bin/time ]; then
    echo "run.sh: /usr/bin/time (GNU time) is required; see $LOGS/apt-time.log" >&2
    exit 1
  fi
fi

HUGO_OK=1
HUGO_MSG=""
if [ -n "${SKIP_HUGO:-}" ]; then
  HUGO_OK=0; HUGO_MSG="skipped (SKIP_HUGO set)"
elif ! command -v hugo >/dev/null 2>&1; then
  say "hugo not found: installing with apt-get"
  if ! { as_root apt-get install -y hugo >"$LOGS/apt-hugo.log" 2>&1 ||
         { as_root apt-get update >>"$LOGS/apt-hugo.log" 2>&1 &&
           as_root apt-get install -y hugo >>"$LOGS/apt-hugo.log" 2>&1; }; } ||
     ! command -v hugo >/dev/null 2>&1; then
    HUGO_OK=0; HUGO_MSG="hugo could not be installed (see $LOGS/apt-hugo.log); skipping Hugo"
  fi
fi
if [ $HUGO_OK -eq 1 ]; then
  HUGO_VERSION=$(hugo version 2>/dev/null | head -n1)
  say "hugo: $HUGO_VERSION"
else
  HUGO_VERSION=""
  say "$HUGO_MSG"
fi

ROUNDS_OK=1
ROUNDS_MSG=""
if [ -n "${SKIP_ROUNDS:-}" ]; then
  ROUNDS_OK=0; ROUNDS_MSG="skipped (SKIP_ROUNDS set)"
elif [ -z "${NO_BUILD:-}" ]; then
  say "building rounds (release)"
  if ! (cd "$BENCH_DIR" && cargo build --release --manifest-path ../Cargo.toml) >"$LOGS/cargo-build.log" 2>&1; then
    ROUNDS_OK=0
    ROUNDS_MSG="cargo build --release failed (see $LOGS/cargo-build.log)"
    tail -n 20 "$LOGS/cargo-build.log" >&2
  fi
fi
if [ $ROUNDS_OK -eq 1 ] && [ ! -x "$ROUNDS_BIN" ]; then
  ROUNDS_OK=0; ROUNDS_MSG="no rounds binary at $ROUNDS_BIN"
fi
if [ $ROUNDS_OK -eq 1 ]; then
  ROUNDS_VERSION=$("$ROUNDS_BIN" --version 2>/dev/null | head -n1)
  say "rounds: $ROUNDS_BIN ${ROUNDS_VERSION:+($ROUNDS_VERSION)}"
else
  ROUNDS_VERSION=""
  say "rounds: $ROUNDS_MSG"
fi

# ---------------------------------------------------------------- runs

# tool_cmd TOOL SITE OUTDIR ROUNDS_OUT: prints nothing, sets CMD array. The
# floor copies the tree Rounds just built: the same files and bytes written,
# with no reading, rendering or checking.
tool_cmd() {
  case $1 in
    rounds) CMD=("$ROUNDS_BIN" build --root "$2" --output "$3") ;;
    hugo) CMD=(hugo --quiet --gc=false -s "$2" -d "$3") ;;
    floor) CMD=(cp -r "$4" "$3") ;;
  esac
}

# parse_time FILE: prints "wall_s rss_kib user_s sys_s" from `time -v` output.
parse_time() {
  awk -F': ' '
    /Elapsed \(wall clock\) time/ {
      n = split($NF, p, ":"); s = 0
      for (i = 1; i <= n; i++) s = s * 60 + p[i]
      wall = s
    }
    /Maximum resident set size/ { rss = $NF }
    /User time \(seconds\)/ { user = $NF }
    /System time \(seconds\)/ { sys = $NF }
    END { printf "%s %s %s %s\n", wall, rss, user, sys }
  ' "$1"
}

# busy_jiffies: non-idle CPU time of the whole machine so far, in jiffies.
busy_jiffies() {
  awk 'NR == 1 { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat
}
HZ=$(getconf CLK_TCK 2>/dev/null || echo 100)

# busy_pct: percent of all CPUs busy over the next 2 seconds.
busy_pct() {
  local a b
  a=($(head -n1 /proc/stat)); sleep 2; b=($(head -n1 /proc/stat))
  awk -v a="${a[*]}" -v b="${b[*]}" 'BEGIN {
    split(a, x, " "); split(b, y, " "); total = 0; idle = 0
    for (i = 2; i <= 9; i++) total += y[i] - x[i]
    idle = (y[5] - x[5]) + (y[6] - x[6])
    printf "%d\n", (total > 0 ? 100 * (total - idle) / total : 0)
  }'
}

# wait_quiet: sets BUSY to the busy share seen last; waits up to QUIET_WAIT
# seconds for it to fall under QUIET_PCT (another build on the machine would
# otherwise be measured too).
wait_quiet() {
  local waited=0
  BUSY=$(busy_pct)
  while [ "$QUIET_WAIT" -gt 0 ] && [ "$BUSY" -ge "$QUIET_PCT" ]; do
    if [ $waited -ge "$QUIET_WAIT" ]; then
      say "warning: machine still ${BUSY}% busy after ${QUIET_WAIT}s; timing anyway"
      return
    fi
    [ $waited -eq 0 ] && say "machine ${BUSY}% busy with other work; waiting up to ${QUIET_WAIT}s"
    sleep 3; waited=$((waited + 5))
    BUSY=$(busy_pct)
  done
}

# run_once N CORPUS TOOL LABEL: one build from a clean output dir. Returns
# non-zero (with a reason in FAIL_MSG) when the tool fails or writes no
# index.html.
run_once() {
  local n=$1 corpus=$2 tool=$3 label=$4
  local case=$n-$corpus
  local site=$OUT/corpus-$case/$tool out=$OUT/out-$case-$tool
  local log=$LOGS/$tool-$case-$label.log tfile=$LOGS/$tool-$case-$label.time
  rm -rf "$out"
  tool_cmd "$tool" "$site" "$out" "$OUT/out-$case-rounds"
  rm -f "$tfile"
  # timeout outside time, so time's child (and its max RSS) is the tool itself.
  local j0 j1
  j0=$(busy_jiffies)
  NO_COLOR=1 CLICOLOR=0 timeout "$RUN_TIMEOUT" /usr/bin/time -v -o "$tfile" "${CMD[@]}" >"$log" 2>&1
  RC=$?
  j1=$(busy_jiffies)
  WALL=0 RSS=0 USER_S=0 SYS_S=0
  [ -s "$tfile" ] && read -r WALL RSS USER_S SYS_S < <(parse_time "$tfile")
  WALL=${WALL:-0} RSS=${RSS:-0} USER_S=${USER_S:-0} SYS_S=${SYS_S:-0}
  # CPU time used on the machine during the run by anything but the tool.
  OTHER_S=$(awk -v j="$((j1 - j0))" -v hz="$HZ" -v u="$USER_S" -v s="$SYS_S" \
    'BEGIN { o = j / hz - u - s; printf "%.2f\n", (o < 0 ? 0 : o) }')
  FILES=0; BYTES=0
  if [ -d "$out" ]; then
    FILES=$(find "$out" -type f | wc -l)
    BYTES=$(du -sb "$out" | cut -f1)
  fi
  if [ "$RC" -eq 124 ]; then
    FAIL_MSG="timed out after ${RUN_TIMEOUT}s"
    return 1
  fi
  if [ "$RC" -ne 0 ]; then
    FAIL_MSG="exit $RC: $(tail -n 5 "$log" | sed 's/\x1b\[[0-9;]*m//g' | tr '\n\t' '  ' | tr -s ' ' | cut -c1-400)"
    return 1
  fi
  if [ ! -f "$out/index.html" ]; then
    FAIL_MSG="exit 0 but wrote no $out/index.html ($FILES files)"
    return 1
  fi
  return 0
}

# bench_case N CORPUS: generates the corpus, then times every tool on it.
bench_case() {
  local n=$1 corpus=$2
  local case=$n-$corpus
  say "N=$n $corpus: generating corpus"
  gen_args=("$n" "$OUT/corpus-$case")
  [ "$corpus" = warnings ] && gen_args+=(--warnings)
  [ -n "${SEED:-}" ] && gen_args+=(--seed "$SEED")
  if ! python3 "$BENCH_DIR/gen_corpus.py" "${gen_args[@]}" >&2; then
    echo "run.sh: corpus generation failed for N=$n $corpus" >&2
    exit 1
  fi

  tools=()
  if [ $ROUNDS_OK -eq 1 ]; then tools+=(rounds floor); else printf '%s\t%s\trounds\tskipped\t%s\n' "$n" "$corpus" "$ROUNDS_MSG" >>"$STATUS"; fi
  if [ $HUGO_OK -eq 1 ]; then tools+=(hugo); else printf '%s\t%s\thugo\tskipped\t%s\n' "$n" "$corpus" "$HUGO_MSG" >>"$STATUS"; fi

  # Warm-up: fills the page cache; a tool that fails here is not timed.
  ok_tools=()
  for tool in "${tools[@]}"; do
    say "N=$n $corpus: $tool warm-up"
    if run_once "$n" "$corpus" "$tool" warmup; then
      ok_tools+=("$tool")
      say "N=$n $corpus: $tool warm-up ${WALL}s, $((RSS / 1024)) MiB, $FILES files"
    else
      say "N=$n $corpus: $tool FAILED: $FAIL_MSG"
      printf '%s\t%s\t%s\tfailed\t%s\n' "$n" "$corpus" "$tool" "$FAIL_MSG" >>"$STATUS"
    fi
  done

  # Timed runs, the tools interleaved so drift on the machine hits all; the
  # floor runs right after Rounds, copying what that run wrote.
  declare -A failed=()
  for ((r = 1; r <= RUNS; r++)); do
    for tool in "${ok_tools[@]}"; do
      [ -n "${failed[$tool]:-}" ] && continue
      wait_quiet
      if run_once "$n" "$corpus" "$tool" "run$r"; then
        say "N=$n $corpus: $tool run $r: ${WALL}s, $((RSS / 1024)) MiB (user ${USER_S}s, sys ${SYS_S}s; machine ${BUSY}% busy before, other processes used ${OTHER_S} CPU s during)"
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
          "$n" "$corpus" "$tool" "$r" "$RC" "$WALL" "$RSS" "$USER_S" "$SYS_S" "$FILES" "$BYTES" "$BUSY" "$OTHER_S" >>"$RAW"
      else
        say "N=$n $corpus: $tool run $r FAILED: $FAIL_MSG"
        printf '%s\t%s\t%s\tfailed\t%s\n' "$n" "$corpus" "$tool" "run $r: $FAIL_MSG" >>"$STATUS"
        failed[$tool]=1
      fi
    done
  done
  for tool in "${ok_tools[@]}"; do
    [ -z "${failed[$tool]:-}" ] && printf '%s\t%s\t%s\tok\t\n' "$n" "$corpus" "$tool" >>"$STATUS"
  done
  unset failed
}

for n in "${SIZES[@]}"; do
  for corpus in "${CORPORA[@]}"; do
    bench_case "$n" "$corpus"
  done
done

# ---------------------------------------------------------------- summary

HUGO_VERSION=$HUGO_VERSION ROUNDS_VERSION=$ROUNDS_VERSION RUNS=$RUNS QUIET_PCT=$QUIET_PCT \
python3 - "$RAW" "$STATUS" "$OUT/results.json" <<'PY'
import csv, json, os, platform, statistics, sys, datetime

raw_path, status_path, json_path = sys.argv[1:4]
with open(raw_path) as f:
    raw = list(csv.DictReader(f, delimiter="\t"))
with open(status_path) as f:
    status = list(csv.DictReader(f, delimiter="\t"))

cases = []
for row in status + raw:
    case = (int(row["n"]), row["corpus"])
    if case not in cases:
        cases.append(case)

TOOLS = ("rounds", "hugo", "floor")
results = []
for n, corpus in cases:
    for tool in TOOLS:
        runs = [r for r in raw if int(r["n"]) == n and r["corpus"] == corpus and r["tool"] == tool]
        st = [s for s in status if int(s["n"]) == n and s["corpus"] == corpus and s["tool"] == tool]
        if not runs and not st:
            continue
        failed = [s for s in st if s["status"] != "ok"]
        entry = {"n": n, "corpus": corpus, "tool": tool, "ok": bool(runs) and not failed,
                 "status": failed[0]["status"] if failed else ("ok" if runs else "missing"),
                 "message": failed[0]["message"] if failed else ""}
        if runs:
            wall = [float(r["wall_s"]) for r in runs]
            rss = [int(r["max_rss_kib"]) for r in runs]
            entry.update({
                "runs": len(runs),
                "wall_s": wall,
                "max_rss_kib": rss,
                "user_s": [float(r["user_s"]) for r in runs],
                "sys_s": [float(r["sys_s"]) for r in runs],
                "median_wall_s": statistics.median(wall),
                "median_max_rss_mib": round(statistics.median(rss) / 1024, 1),
                "median_cpu_s": round(statistics.median(
                    float(r["user_s"]) + float(r["sys_s"]) for r in runs), 2),
                "median_sys_s": round(statistics.median(float(r["sys_s"]) for r in runs), 2),
                "busy_before_pct": [int(r["busy_before_pct"]) for r in runs],
                "other_cpu_s": [float(r["other_cpu_s"]) for r in runs],
                "files": int(runs[-1]["files"]),
                "bytes": int(runs[-1]["bytes"]),
            })
        results.append(entry)

def find(n, corpus, tool):
    return next((e for e in results if e["n"] == n and e["corpus"] == corpus and e["tool"] == tool), None)

def ratio(a, b, key):
    return round(a[key] / b[key], 3) if b[key] else None

ratios = []
for n, corpus in cases:
    r, h, f = (find(n, corpus, t) for t in TOOLS)
    if not (r and r["ok"]):
        continue
    q = {"n": n, "corpus": corpus}
    if h and h["ok"]:
        q.update({"wall": ratio(r, h, "median_wall_s"),
                  "max_rss": ratio(r, h, "median_max_rss_mib"),
                  "cpu": ratio(r, h, "median_cpu_s")})
    if f and f["ok"]:
        q["wall_over_floor"] = ratio(r, f, "median_wall_s")
    ratios.append(q)

print()
print(f"{'N':>7} {'corpus':<9} {'tool':<7} {'wall s':>8} {'RSS MiB':>8} {'CPU s':>7} {'sys s':>6} {'files':>7} {'other':>6}  note")
for e in results:
    head = f"{e['n']:>7} {e['corpus']:<9} {e['tool']:<7}"
    if e.get("runs"):
        note = "" if e["ok"] else f"{e['status']}: {e['message']}"
        print(f"{head} {e['median_wall_s']:>8.2f} {e['median_max_rss_mib']:>8.1f} "
              f"{e['median_cpu_s']:>7.2f} {e['median_sys_s']:>6.2f} {e['files']:>7} {max(e['other_cpu_s']):>6.1f}  {note}")
    else:
        print(f"{head} {'-':>8} {'-':>8} {'-':>7} {'-':>6} {'-':>7} {'-':>6}  {e['status']}: {e['message']}")
print("(medians of the timed runs; CPU = user + sys; other = most CPU s used by other processes during a run;")
print(" floor = `cp -r` of the tree Rounds built: the same files and bytes, written with nothing else)")
busy = max((int(r["busy_before_pct"]) for r in raw), default=0)
if busy >= int(os.environ.get("QUIET_PCT", "15")):
    print(f"WARNING: the machine was up to {busy}% busy with other work before a timed run; "
          "wall times are not trustworthy (see busy_before_pct in results.json)")
cpus = os.cpu_count() or 1
noisy = [r for r in raw if float(r["other_cpu_s"]) > 0.10 * float(r["wall_s"]) * cpus + 0.5]
for r in noisy:
    print(f"WARNING: N={r['n']} {r['corpus']} {r['tool']} run {r['run']}: other processes used "
          f"{float(r['other_cpu_s']):.1f} CPU s during its {float(r['wall_s']):.1f} s; its wall time is inflated")
print()
if ratios:
    show = lambda v: "-" if v is None else v
    print(f"{'N':>7} {'corpus':<9} {'wall rounds/hugo':>17} {'RSS rounds/hugo':>16} {'CPU rounds/hugo':>16} {'wall rounds/floor':>18}")
    for q in ratios:
        print(f"{q['n']:>7} {q['corpus']:<9} {show(q.get('wall')):>17} {show(q.get('max_rss')):>16} "
              f"{show(q.get('cpu')):>16} {show(q.get('wall_over_floor')):>18}")
else:
    print("no ratios: Rounds did not succeed on any corpus")

doc = {
    "generated_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
    "hugo_version": os.environ.get("HUGO_VERSION", ""),
    "rounds_version": os.environ.get("ROUNDS_VERSION", ""),
    "timed_runs": int(os.environ.get("RUNS", "3")),
    "results": results,
    "ratios": ratios,
}
with open(json_path, "w") as f:
    json.dump(doc, f, indent=2)
print(f"\nwrote {json_path}")
PY
}

main "$@"
exit $?
