#!/usr/bin/env bash
# Starts the fleet in the background: one node process per service, against the
# Redis and Kafka of infra.sh, logs and PID files under .run/fleet. Waits for
# every /readyz. Usage: fleet-up.sh ARTIFACTS_DIR
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=fleet.sh
source "$(dirname "${BASH_SOURCE[0]}")/fleet.sh"

artifacts="${1:?usage: fleet-up.sh ARTIFACTS_DIR}"
[[ -f "$artifacts/manifest.json" || -e "$artifacts/current" || -n "$(ls -d "$artifacts"/*/manifest.json 2>/dev/null)" ]] ||
  die "$artifacts holds no artifacts (no manifest.json); train some with 'make train' or pass ARTIFACTS="
artifacts="$(cd "$artifacts" && pwd)"
cd "$REPO_ROOT"
mkdir -p "$FLEET_DIR"

# Ingestion keys: kept from an earlier run so clients keep working, generated once otherwise.
keys="$FLEET_DIR/keys.env"
if [[ ! -f "$keys" ]]; then
  new_key() { head -c 18 /dev/urandom | base64 | tr '+/' '-_'; }
  (umask 077 && printf 'RECSYS_API_KEY=%s\nRECSYS_ADMIN_KEY=%s\n' "$(new_key)" "$(new_key)" >"$keys")
fi
set -a
# shellcheck source=/dev/null # written above
source "$keys"
set +a

common=(ARTIFACTS_DIR="$artifacts" REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
  KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:9092}" DRAIN_DELAY_MS="${DRAIN_DELAY_MS:-500}")
env_of() {
  case "$1" in
    candidates) echo "PORT=$CANDIDATES_PORT METRICS_PORT=${FLEET_HEALTH_PORT[candidates]}" ;;
    ranking) echo "PORT=$RANKING_PORT METRICS_PORT=${FLEET_HEALTH_PORT[ranking]}" ;;
    stream-processor) echo "METRICS_PORT=${FLEET_HEALTH_PORT[stream-processor]}" ;;
    gateway) echo "PORT=$GATEWAY_PORT CANDIDATES_ADDR=127.0.0.1:$CANDIDATES_PORT" \
      "RANKING_ADDR=127.0.0.1:$RANKING_PORT RECSYS_API_KEY=$RECSYS_API_KEY" \
      "RECSYS_ADMIN_KEY=$RECSYS_ADMIN_KEY" ;;
  esac
}

for name in "${FLEET_SERVICES[@]}"; do
  if pid="$(fleet_pid "$name")"; then
    log "$name already running (pid $pid)"
    continue
  fi
  entry="$(fleet_entry "$name")"
  [[ -f "$entry" ]] || die "$entry is missing; run 'make build'"
  port="${FLEET_HEALTH_PORT[$name]}"
  port_open "$port" && die "port $port (for $name) is taken by another process"
  out="$FLEET_DIR/$name.log"
  rotate_log "$out"
  # shellcheck disable=SC2046 # env_of yields NAME=value words
  env "${common[@]}" $(env_of "$name") nohup node "$entry" >"$out" 2>&1 </dev/null &
  echo $! >"$(fleet_pidfile "$name")"
  log "$name started (pid $!), log $out"
done

for name in "${FLEET_SERVICES[@]}"; do
  port="${FLEET_HEALTH_PORT[$name]}"
  deadline=$((SECONDS + ${FLEET_READY_TIMEOUT_S:-120}))
  until [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz")" == 200 ]]; do
    if ! pid_running "$(cat "$(fleet_pidfile "$name")")"; then
      show_log_tail "$FLEET_DIR/$name.log"
      die "$name exited before it was ready"
    fi
    if ((SECONDS > deadline)); then
      show_log_tail "$FLEET_DIR/$name.log"
      die "$name not ready on :$port/readyz after ${FLEET_READY_TIMEOUT_S:-120}s"
    fi
    sleep 0.5
  done
  log "$name ready (:$port/readyz)"
done

log "fleet up: http://127.0.0.1:$GATEWAY_PORT/  (keys in $keys; 'make down' stops it)"
# A user with a training history, for the sample request (u1, a cold user, when unreadable).
user="$(node -e 'const u = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(u[1] ?? "u1")' \
  "$artifacts/vocab_users.json" 2>/dev/null || echo u1)"
log "try: curl 'http://127.0.0.1:$GATEWAY_PORT/v1/feed?user_id=$user&surface=home&n=10'"
