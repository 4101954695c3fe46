#!/usr/bin/env bash
# Cold vs warm set-up in a fresh clone: prints both times and their ratio.
# Cold uses empty npm and pip caches (PIP_NO_CACHE_DIR, a fresh npm cache) so downloads are counted.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
git clone -q "$REPO" "$WORK/clone"
cd "$WORK/clone"
t0=$(date +%s.%N)
PIP_NO_CACHE_DIR=1 npm_config_cache="$WORK/npm-cache" ./setup.sh --no-run >/dev/null
t1=$(date +%s.%N)
./setup.sh --no-run >/dev/null
t2=$(date +%s.%N)
python3 - "$t0" "$t1" "$t2" <<'PY'
import sys
t0, t1, t2 = map(float, sys.argv[1:])
cold, warm = t1 - t0, t2 - t1
print(f"setup cold: {cold:6.1f} s   warm: {warm:5.1f} s   cold/warm: {cold / warm:5.1f}x")
PY
