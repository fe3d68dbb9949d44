#!/usr/bin/env bash
# Local Redis for development: redis.sh start|stop|status
set -euo pipefail
LOG_TAG=redis
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PORT="${REDIS_PORT:-6379}"
# One directory per port so an overridden port never clashes with the default instance.
DIR="$RUN_DIR/redis/$PORT"
PIDFILE="$DIR/redis.pid"
LOGFILE="$DIR/redis.log"
START_TIMEOUT="${REDIS_START_TIMEOUT:-20}"

ping() { [[ "$(timeout 2 redis-cli -p "$PORT" ping 2>/dev/null)" == PONG ]]; }
# Redis rewrites its title to "redis-server 127.0.0.1:PORT"; match binary and port.
ours() { owned_pid "$PIDFILE" redis-server ":$PORT"; }

ensure_installed() {
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null && return 0
  log "redis-server not found, installing via apt"
  apt_install redis-server
  # Debian's package may start a system-wide redis on 6379 under systemd;
  # start() below tolerates that by reusing it.
}

start() {
  ensure_installed
  take_lock "redis-$PORT"
  if ours >/dev/null && ping; then
    log "already running on port $PORT (pid $(ours))"
    return 0
  fi
  if port_open "$PORT"; then
    if ping; then
      log "port $PORT already serves a Redis not started by these scripts; using it (stop will not touch it)"
      return 0
    fi
    die "port $PORT is in use by something else; set REDIS_PORT to another port"
  fi
  mkdir -p "$DIR"
  rm -f "$PIDFILE"
  rotate_log "$LOGFILE"
  # Foreground process in the background so $! is Redis itself (no daemonize
  # double-fork); loopback only; RDB snapshots go to the run dir.
  nohup redis-server --port "$PORT" --bind 127.0.0.1 --dir "$DIR" \
    --daemonize no --logfile "" >>"$LOGFILE" 2>&1 </dev/null 9>&- &
  local pid=$! deadline=$((SECONDS + START_TIMEOUT))
  echo "$pid" >"$PIDFILE"
  until ping; do
    if ! pid_running "$pid"; then
      show_log_tail "$LOGFILE"; rm -f "$PIDFILE"; die "redis-server exited during start-up"
    fi
    if (( SECONDS >= deadline )); then
      show_log_tail "$LOGFILE"; die "redis did not answer PING on port $PORT within ${START_TIMEOUT}s"
    fi
    sleep 0.2
  done
  log "started on port $PORT (pid $(ours)), log: $LOGFILE"
}

stop() {
  take_lock "redis-$PORT"
  stop_owned "$PIDFILE" redis-server ":$PORT"
}

status() {
  local pid
  if pid="$(ours)" && ping; then
    echo "redis: running (pid $pid, port $PORT)"
  elif ping; then
    echo "redis: running on port $PORT (not managed by these scripts)"
  else
    echo "redis: stopped (port $PORT)"
    return 3
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
