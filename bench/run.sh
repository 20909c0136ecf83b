#!/usr/bin/env bash
# Civic benchmark: load, filtered query, aggregation and CSV export against
# sqlite-utils and Datasette on the same generated 311 rows. See bench/README.md.
#
#   bench/run.sh                      # full size: 1,000,000 rows (+ 250,000 for the memory check)
#   ROWS=200000 SMALL_ROWS=50000 LOAD_RUNS=1 WRK_ROUNDS=1 WRK_SECONDS=5 EXPORT_RUNS=1 bench/run.sh
#
# Installs what is missing (wrk, GNU time and curl from Debian; datasette and
# sqlite-utils into bench/.venv), builds Civic with `cargo build --release`,
# generates the data, then runs bench/bench.py. Every server it starts listens
# on 127.0.0.1 and is stopped on exit.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH/.." && pwd)"
ROWS="${ROWS:-1000000}"
SMALL_ROWS="${SMALL_ROWS:-250000}"
DATA="$BENCH/data"
WORK="$BENCH/work"
PYTHON="${PYTHON:-python3}"
CIVIC="${CIVIC:-${CARGO_TARGET_DIR:-$ROOT/target}/release/civic}"
PIDFILE="$WORK/servers.pids"

log() { printf '[run.sh %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

BUILD_PID=""
cleanup() {
  # Stop every server bench.py started (by pid, only ours), and the build if
  # it is still running because we were interrupted.
  if [[ -f "$PIDFILE" ]]; then
    while read -r pid; do
      [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true
    done <"$PIDFILE"
    rm -f "$PIDFILE"
  fi
  if [[ -n "$BUILD_PID" ]] && kill -0 "$BUILD_PID" 2>/dev/null; then
    kill "$BUILD_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$DATA" "$WORK"
rm -f "$PIDFILE"

# The source the binary is built from (recorded in RESULTS.md).
if [[ -z "${CIVIC_COMMIT:-}" ]]; then
  CIVIC_COMMIT="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  if [[ -n "$(git -C "$ROOT" status --porcelain -- crates Cargo.toml Cargo.lock 2>/dev/null)" ]]; then
    CIVIC_COMMIT="$CIVIC_COMMIT+local changes"
  fi
fi

# 1. Build Civic in the background: the first release build takes ~15 min.
if [[ -z "${SKIP_BUILD:-}" ]]; then
  log "cargo build --release (log: $WORK/build.log)"
  (cd "$ROOT" && cargo build --release >"$WORK/build.log" 2>&1) &
  BUILD_PID=$!
fi

# 2. Tools from Debian.
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v curl >/dev/null || missing+=(curl)
[[ -x /usr/bin/time ]] || missing+=(time)
if ((${#missing[@]})); then
  log "apt-get install ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# 3. Datasette and sqlite-utils in a virtualenv beside this script.
VENV="$BENCH/.venv"
if [[ ! -x "$VENV/bin/datasette" || ! -x "$VENV/bin/sqlite-utils" ]] \
  || ! "$VENV/bin/python" -c 'import datasette, sqlite_utils' 2>/dev/null; then
  log "pip install datasette sqlite-utils into $VENV"
  "$PYTHON" -m venv --clear "$VENV"
  "$VENV/bin/pip" install -q --upgrade pip
  "$VENV/bin/pip" install -q datasette sqlite-utils
fi

# 4. The data (deterministic; regenerated only when missing).
for n in "$ROWS" "$SMALL_ROWS"; do
  f="$DATA/sr_$n.csv"
  if [[ ! -s "$f" ]]; then
    log "generating $f"
    "$PYTHON" "$BENCH/gen_311.py" --rows "$n" --out "$f"
  fi
done

if [[ -n "$BUILD_PID" ]]; then
  log "waiting for the release build"
  if ! wait "$BUILD_PID"; then
    BUILD_PID=""
    tail -20 "$WORK/build.log" >&2
    log "cargo build --release failed"
    exit 2
  fi
  BUILD_PID=""
fi
[[ -x "$CIVIC" ]] || { log "no civic binary at $CIVIC"; exit 2; }

# 5. The measurements.
"$PYTHON" "$BENCH/bench.py" \
  --civic "$CIVIC" --venv "$VENV" \
  --csv "$DATA/sr_$ROWS.csv" --rows "$ROWS" \
  --small-csv "$DATA/sr_$SMALL_ROWS.csv" --small-rows "$SMALL_ROWS" \
  --work "$WORK" --results "${RESULTS:-$BENCH/RESULTS.md}" \
  --load-runs "${LOAD_RUNS:-3}" --wrk-rounds "${WRK_ROUNDS:-3}" \
  --wrk-seconds "${WRK_SECONDS:-15}" --wrk-threads "${WRK_THREADS:-2}" \
  --wrk-conns "${WRK_CONNS:-8}" --export-runs "${EXPORT_RUNS:-3}" \
  --civic-commit "$CIVIC_COMMIT" --pidfile "$PIDFILE"
