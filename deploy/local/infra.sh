#!/usr/bin/env bash
# Local dev infrastructure (Redis + Kafka) in one command: infra.sh start|stop|status|topics
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

case "${1:-}" in
  start)
    "$here/redis.sh" start
    "$here/kafka.sh" start   # also creates topics from topics.conf
    ;;
  stop)
    # Stop both even if one fails, and report failure at the end.
    rc=0
    "$here/kafka.sh" stop || rc=$?
    "$here/redis.sh" stop || rc=$?
    exit "$rc"
    ;;
  status)
    rc=0
    "$here/redis.sh" status || rc=$?
    "$here/kafka.sh" status || rc=$?
    exit "$rc"
    ;;
  topics) "$here/kafka.sh" topics ;;
  *) echo "usage: $0 start|stop|status|topics" >&2; exit 2 ;;
esac
