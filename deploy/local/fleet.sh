# shellcheck shell=bash disable=SC2034 # the variables are read by the scripts that source this
# Shared by fleet-up.sh and fleet-down.sh: the services, their ports and where their state lives.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
LOG_TAG=fleet
FLEET_DIR="$RUN_DIR/fleet"
# Start order: the stream processor and the two stages first, the gateway (which calls them) last.
FLEET_SERVICES=(stream-processor candidates ranking gateway)
CANDIDATES_PORT="${CANDIDATES_PORT:-50051}"
RANKING_PORT="${RANKING_PORT:-50052}"
GATEWAY_PORT="${GATEWAY_PORT:-8080}"
declare -A FLEET_HEALTH_PORT=(
  [candidates]="${CANDIDATES_METRICS_PORT:-9101}"
  [ranking]="${RANKING_METRICS_PORT:-9102}"
  [stream-processor]="${STREAM_PROCESSOR_METRICS_PORT:-9103}"
  [gateway]="$GATEWAY_PORT"
)

fleet_pidfile() { echo "$FLEET_DIR/$1.pid"; }
fleet_entry() { echo "services/$1/dist/main.js"; }
# The PID of a service this script started, if it is still that process.
fleet_pid() { owned_pid "$(fleet_pidfile "$1")" node "$(fleet_entry "$1")"; }
