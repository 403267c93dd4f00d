#!/bin/sh
# Run a command with WebKitWebDriver (Debian webkit2gtk-driver) listening, inside Xvfb.
# usage: xvfb-run -a scripts/with-webkit.sh npx vitest run --project webkit
set -e
PORT="${WEBKIT_WEBDRIVER_PORT:-4444}"
# WebKitGTK exposes SharedArrayBuffer only with this JSC option, even when crossOriginIsolated.
export JSC_useSharedArrayBuffer=1
# WEBKIT_LOG: where WebKitWebDriver and the browser it starts write (their stderr carries crash reports)
WebKitWebDriver --port="$PORT" >"${WEBKIT_LOG:-/dev/null}" 2>&1 &
WD_PID=$!
trap 'kill "$WD_PID" 2>/dev/null' EXIT INT TERM
i=0
until curl -sf "http://127.0.0.1:$PORT/status" >/dev/null; do
  i=$((i + 1)); [ "$i" -gt 100 ] && { echo "WebKitWebDriver did not start" >&2; exit 1; }
  sleep 0.1
done
WEBKIT_WEBDRIVER_PORT="$PORT" "$@"
