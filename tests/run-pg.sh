#!/usr/bin/env bash
# `npm run test:pg`: the whole suite (unit, integration, browser) on PostgreSQL. Uses
# TEST_DATABASE_URL when set (a server where this user may create databases); otherwise
# starts the throw-away cluster of scripts/pg-cluster.sh and stops it at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
url=${TEST_DATABASE_URL:-}
if [ -z "$url" ]; then
  dir=$(mktemp -d /tmp/portico-test-pg.XXXXXX)
  port=${TEST_PG_PORT:-55433}
  url=$(bash scripts/pg-cluster.sh start "$dir" "$port")
  trap 'bash scripts/pg-cluster.sh stop "$dir"; rm -rf "$dir"' EXIT
fi
[ -d dist/client ] || npx vite build --logLevel warn
export PORTICO_TEST_RUN=${PORTICO_TEST_RUN:-r$$}
DATABASE_URL="$url" npx vitest run "$@"
