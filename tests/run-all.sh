#!/usr/bin/env bash
# The README's test command: typecheck, lint, build the client, then unit, integration and browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== typecheck"; npx tsc --noEmit -p tsconfig.json
echo "== lint"; npx eslint .
echo "== build client"; npx vite build --logLevel warn
echo "== tests"; npx vitest run
