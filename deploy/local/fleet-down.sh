#!/usr/bin/env bash
# Stops the processes fleet-up.sh started (by their PID files, never by name):
# SIGTERM so each drains, then SIGKILL for any still there after the grace.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=fleet.sh
source "$(dirname "${BASH_SOURCE[0]}")/fleet.sh"

grace="${FLEET_STOP_GRACE_S:-30}"
# The gateway first, so nothing calls a stage that is going away.
for ((i = ${#FLEET_SERVICES[@]} - 1; i >= 0; i--)); do
  name="${FLEET_SERVICES[$i]}"
  pidfile="$(fleet_pidfile "$name")"
  if ! pid="$(fleet_pid "$name")"; then
    rm -f "$pidfile"
    continue
  fi
  kill -TERM "$pid"
  deadline=$((SECONDS + grace))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name (pid $pid) still running after ${grace}s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
  log "$name stopped"
done
