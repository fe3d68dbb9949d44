# shellcheck shell=bash
# Shared helpers for deploy/local/*.sh. Sourced, not executed.

# Resolve paths from this file so the scripts work from any cwd.
LOCAL_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$LOCAL_DIR/../.." && pwd)"
# All runtime state (data, logs, PID files) lives here; it is git-ignored.
RUN_DIR="${RECSYS_RUN_DIR:-$REPO_ROOT/.run}"

log() { printf '[%s] %s\n' "${LOG_TAG:-infra}" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Print the end of a log file, to make start-up failures self-explanatory.
show_log_tail() {
  local file="$1"
  [[ -f "$file" ]] || return 0
  log "last lines of $file:"
  tail -n "${LOG_TAIL_LINES:-40}" "$file" >&2 || true
}

# Keep one previous log per service: logs stay small and a failure's log tail
# shows only the current attempt.
rotate_log() {
  [[ -f "$1" ]] && mv -f "$1" "$1.prev"
  return 0
}

# Run apt-get as root, or through sudo when available.
as_root() {
  if [[ $EUID -eq 0 ]]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "need root (or sudo) to run: $*"
  fi
}

# Install Debian packages; refresh the package index only if the first try fails
# (a stale or empty index is the usual reason), so the common case stays offline.
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get install -y -q "$@" >/dev/null 2>&1 && return 0
  log "apt-get install failed; running apt-get update once and retrying"
  as_root apt-get update -q >/dev/null
  as_root apt-get install -y -q "$@" >/dev/null
}

# True if something accepts TCP connections on 127.0.0.1:$1 (bash /dev/tcp, no nc needed).
port_open() {
  timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

# Print the PID stored in pidfile $1 if that process is alive AND its command
# line still contains every string in $2.. (guards against PID reuse: we never
# signal a process we did not start).
owned_pid() {
  local pidfile="$1"; shift
  local pid cmdline needle
  [[ -f "$pidfile" ]] || return 1
  read -r pid <"$pidfile" || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  cmdline="$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline")" || return 1
  for needle in "$@"; do
    [[ "$cmdline" == *"$needle"* ]] || return 1
  done
  printf '%s\n' "$pid"
}

# True while PID $1 exists and is not a zombie. Used while a service we just
# launched boots: its cmdline is briefly still our bash (before exec), so the
# identity check of owned_pid would give false "exited" alarms there.
pid_running() {
  local stat
  # read, not $(<file): under set -e a failed $(<file) kills the whole script.
  { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
  stat="${stat##*) }"
  [[ "${stat%% *}" != Z ]]
}

# Stop the process recorded in pidfile $1 (identity checked against $2.. as in owned_pid),
# wait for it to exit (SIGKILL after $STOP_TIMEOUT s), then drop the PID file.
stop_owned() {
  local pidfile="$1"; shift
  local pid waited=0 killed=0 limit="${STOP_TIMEOUT:-60}"
  if ! pid="$(owned_pid "$pidfile" "$@")"; then
    [[ -f "$pidfile" ]] && log "stale PID file removed (process gone or not ours)"
    rm -f "$pidfile"
    log "not running"
    return 0
  fi
  log "stopping pid $pid"
  kill -TERM "$pid" 2>/dev/null || true
  while pid_running "$pid"; do
    if (( waited >= limit * 5 && !killed )); then
      log "still alive after ${limit}s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      killed=1
    fi
    sleep 0.2
    waited=$((waited + 1))
  done
  rm -f "$pidfile"
  log "stopped"
}

# Serialize concurrent start/stop calls for one service instance. The lock is
# fd 9: background children must be started with 9>&- so they don't hold it.
take_lock() {
  mkdir -p "$RUN_DIR"
  exec 9>"$RUN_DIR/$1.lock"
  flock 9
}
