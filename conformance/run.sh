#!/usr/bin/env bash
# Client conformance: real SODA clients from their registries (sodapy from
# PyPI, soda-js from npm) and SODA3 requests as newer tools send them, driven
# against a live civic; every check compares the client's answer with a value
# computed from the sample CSV files. See conformance/README.md.
#
#   cargo build && conformance/run.sh
#   conformance/run.sh -k felon      # extra arguments go to pytest
#
# Needs target/debug/civic (or CIVIC=/path/to/civic), python3 with venv, node
# >= 20 with npm, and openssl. Installs the clients on first run into
# conformance/python/.venv and conformance/js/node_modules. Starts two servers
# on 127.0.0.1 over one temporary data directory: `civic demo` (HTTP, loads
# the samples) and `civic serve` with a self-signed certificate (HTTPS, for
# soda-js, which only builds https:// URLs); both are stopped on exit.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
CIVIC="${CIVIC:-${CARGO_TARGET_DIR:-$ROOT/target}/debug/civic}"
PYTHON="${PYTHON:-python3}"

say() { printf '[conformance] %s\n' "$*" >&2; }

if [[ ! -x "$CIVIC" ]]; then
  say "no civic binary at $CIVIC; run \`cargo build\` first"
  exit 2
fi

# --- clients -------------------------------------------------------------------

VENV="$HERE/python/.venv"
REQS="$HERE/python/requirements.txt"
if [[ ! -x "$VENV/bin/python" ]]; then
  say "creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi
if ! cmp -s "$REQS" "$VENV/.requirements.installed"; then
  say "pip install -r python/requirements.txt"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$REQS"
  cp "$REQS" "$VENV/.requirements.installed"
fi

if [[ ! -d "$HERE/js/node_modules/soda-js" || "$HERE/js/package-lock.json" -nt "$HERE/js/node_modules/.package-lock.json" ]]; then
  say "npm ci in js/"
  (cd "$HERE/js" && npm ci --no-audit --no-fund --loglevel=error)
fi

# --- servers -------------------------------------------------------------------

WORK="$(mktemp -d "${TMPDIR:-/tmp}/civic-conformance.XXXXXX")"
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  "$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# wait_serving PID LOG: until LOG says "Civic is serving", or the process dies
wait_serving() {
  local pid=$1 log=$2
  for _ in $(seq 1 240); do
    if grep -q 'Civic is serving' "$log"; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 0.5
  done
  say "server did not start; its log:"
  cat "$log" >&2
  return 1
}

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/key.pem" -out "$WORK/cert.pem" \
  -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -days 1 2>/dev/null

# Many requests come from one address in a few seconds: rate limits (the
# `rate_limits_enabled` setting, DESIGN.md) would only make the checks flaky.
export CIVIC_RATE_LIMITS_ENABLED=false

HTTP_PORT=$(free_port)
"$CIVIC" --data-dir "$WORK/data" demo --listen "127.0.0.1:$HTTP_PORT" >"$WORK/demo.log" 2>&1 &
PIDS+=($!)
say "civic demo on http://127.0.0.1:$HTTP_PORT (loading the samples)"
wait_serving "${PIDS[0]}" "$WORK/demo.log"

# A developer's account and app token, made as an operator would: unknown
# tokens are refused, so the clients send a real one.
"$CIVIC" --data-dir "$WORK/data" user add conformance@example.org --role registered >/dev/null
CIVIC_APP_TOKEN="$("$CIVIC" --data-dir "$WORK/data" user token conformance@example.org --name conformance)"
export CIVIC_APP_TOKEN

# The samples are in the data directory now; serve the same data over TLS.
TLS_PORT=$(free_port)
"$CIVIC" --data-dir "$WORK/data" serve --listen "127.0.0.1:$TLS_PORT" \
  --tls-cert "$WORK/cert.pem" --tls-key "$WORK/key.pem" >"$WORK/tls.log" 2>&1 &
PIDS+=($!)
say "civic serve on https://127.0.0.1:$TLS_PORT"
wait_serving "${PIDS[1]}" "$WORK/tls.log"

# --- checks --------------------------------------------------------------------

status=0

say "pytest (sodapy, SODA3, plain HTTP)"
set +e
(cd "$HERE/python" && CIVIC_URL="http://127.0.0.1:$HTTP_PORT" \
  "$VENV/bin/python" -m pytest -p no:cacheprovider -q -rfEs "$@")
py=$?
set -e
# any non-zero exit fails, including 5 (no tests collected)
if ((py != 0)); then
  say "pytest failed (exit $py)"
  status=1
fi

say "node --test (soda-js over HTTPS)"
set +e
(cd "$HERE/js" && CIVIC_TLS_URL="https://127.0.0.1:$TLS_PORT" NODE_EXTRA_CA_CERTS="$WORK/cert.pem" \
  node --test --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$WORK/node.tap" ./*.test.mjs)
js=$?
set -e
js_tests=$(sed -n 's/^# tests \([0-9]*\)$/\1/p' "$WORK/node.tap" 2>/dev/null | tail -1)
if ((js != 0)); then
  say "node --test failed (exit $js)"
  status=1
elif [[ -z "$js_tests" || "$js_tests" -eq 0 ]]; then
  say "node --test ran no tests"
  status=1
fi

if ((status == 0)); then
  say "all conformance checks passed"
else
  say "conformance checks FAILED"
fi
exit "$status"
