#!/usr/bin/env bash
# The whole suite in two streams at once (make test): the end-to-end tests (tests/e2e: one local
# stack, one browser, in their order) in the background, and everything else on PYTEST_WORKERS
# processes (pytest-xdist, default 2). The end-to-end output follows when both are done; the exit
# status is the first failure's.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
mkdir -p test-artifacts
e2e_log=test-artifacts/e2e.log
"$PY" -m pytest tests/e2e "$@" > "$e2e_log" 2>&1 &
e2e=$!
trap 'kill "$e2e" 2>/dev/null' INT TERM
"$PY" -m pytest tests --ignore=tests/e2e -n "${PYTEST_WORKERS:-2}" "$@"
rest=$?
wait "$e2e"
e2e_rc=$?
echo
echo "================================ end-to-end tests (tests/e2e) ================================"
cat "$e2e_log"
if [ "$rest" -ne 0 ]; then exit "$rest"; fi
exit "$e2e_rc"
