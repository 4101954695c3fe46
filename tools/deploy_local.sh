#!/usr/bin/env bash
# Deploys the platform (two stacks, "Ethereum" and "Polygon", linked by Chainlink Local's CCIP simulator) to a
# throwaway local anvil on a free port with anvil's default account 0, in the script's two steps: `run` (deploy,
# configure, Phase 1, Automation upkeep, begin the handover to each stack's Safe), then - the admin-transfer delay
# (1 day) fast-forwarded on anvil - `acceptAdmin` (each Safe accepts, signed by two of its owners). Prints the
# addresses and writes them to the deployment file; stops anvil unless --keep.
#   tools/deploy_local.sh [--keep]   (env: PORT to choose the port, PRIVATE_KEY to override the deployer,
#                                     DEPLOYMENT_FILE, default contracts/deployments/local.json)
#   --keep: anvil stays up (its RPC URL and pid are printed) for `verify deployment --rpc-url URL --deployment FILE`
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
KEEP=0
case "${1:-}" in
  --keep) KEEP=1 ;;
  "") ;;
  *) echo "deploy_local: unknown option $1 (usage: tools/deploy_local.sh [--keep])" >&2; exit 2 ;;
esac
BIN="$ROOT/node_modules/.bin"
[[ -x "$BIN/anvil" && -x "$BIN/forge" ]] || { echo "deploy_local: forge/anvil not found in $BIN: run ./setup.sh" >&2; exit 1; }
export FOUNDRY_DISABLE_NIGHTLY_WARNING=1
export PRIVATE_KEY=${PRIVATE_KEY:-0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80}
PORT=${PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
RPC="http://127.0.0.1:$PORT"
LOG=$(mktemp -t anvil-XXXXXX.log)

"$BIN/anvil" --host 127.0.0.1 --port "$PORT" --chain-id 31337 --disable-code-size-limit >"$LOG" 2>&1 &
ANVIL_PID=$!
cleanup() {
  if [[ "$KEEP" == 1 && "${DEPLOYED:-0}" == 1 ]]; then rm -f "$LOG"; return; fi
  kill "$ANVIL_PID" 2>/dev/null || true; wait "$ANVIL_PID" 2>/dev/null || true; rm -f "$LOG"
}
trap cleanup EXIT
trap 'exit 143' INT TERM

for _ in $(seq 1 150); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then break; fi
  kill -0 "$ANVIL_PID" 2>/dev/null || { echo "deploy_local: anvil exited: $(tail -3 "$LOG")" >&2; exit 1; }
  sleep 0.2
done
echo "deploy_local: anvil on $RPC (pid $ANVIL_PID)"

cd "$ROOT/contracts"
export DEPLOYMENT_FILE=${DEPLOYMENT_FILE:-deployments/local.json}
mkdir -p "$(dirname "$DEPLOYMENT_FILE")"
OUT=$(mktemp -t deploy-XXXXXX.log)
rpc() { # one JSON-RPC call to anvil (no cast here): method, params as JSON
  python3 -c 'import json, sys, urllib.request
req = urllib.request.Request(sys.argv[1], json.dumps({"jsonrpc": "2.0", "id": 1, "method": sys.argv[2],
                             "params": json.loads(sys.argv[3])}).encode(), {"Content-Type": "application/json"})
reply = json.load(urllib.request.urlopen(req, timeout=30))
sys.exit("rpc %s: %s" % (sys.argv[2], reply["error"]) if "error" in reply else 0)' "$RPC" "$1" "$2"
}
# --skip test: the deployment needs src/ and script/ only; without it a cold or invalidated cache recompiles every
# test and harness with solc-js first (minutes) before the first transaction is sent.
# --slow: one transaction at a time, each after the previous receipt. Sent in a burst (forge's default), anvil
# 1.7.1 sometimes leaves part of the batch unmined (seen: 93 sent, 60 mined) and forge polls for receipts forever.
# timeout: if anything still stalls, fail with the log instead of hanging the caller.
if ! timeout "${DEPLOY_TIMEOUT:-300}" "$BIN/forge" script script/DeployPlatform.s.sol:DeployPlatform --rpc-url "$RPC" \
      --broadcast --slow --disable-code-size-limit --skip test --skip '*/symbolic/*' \
      >"$OUT" 2>&1; then
  echo "deploy_local: forge script failed:" >&2
  tail -40 "$OUT" >&2
  rm -f "$OUT"
  exit 1
fi
echo "deploy_local: deployed; addresses:"
# forge prints the script's console logs under "== Logs ==" before the broadcast summary
sed -n '/== Logs ==/,/^$/p' "$OUT" | sed '1d;/^$/d'
grep -E "ONCHAIN EXECUTION COMPLETE|Transactions saved" "$OUT" | head -2 || true

# the modules' admin-transfer delay (1 day), fast-forwarded on the throwaway chain, then each Safe accepts
rpc evm_increaseTime '[86401]'
rpc evm_mine '[]'
if ! timeout "${DEPLOY_TIMEOUT:-300}" "$BIN/forge" script script/DeployPlatform.s.sol:DeployPlatform --sig "acceptAdmin()" \
      --rpc-url "$RPC" --broadcast --slow --disable-code-size-limit --skip test --skip '*/symbolic/*' \
      >"$OUT" 2>&1; then
  echo "deploy_local: acceptAdmin failed:" >&2
  tail -40 "$OUT" >&2
  rm -f "$OUT"
  exit 1
fi
echo "deploy_local: every module's admin is its stack's Safe (accepted after the delay, two owners' signatures)"
rm -f "$OUT"
echo "deploy_local: deployment file contracts/$DEPLOYMENT_FILE"
DEPLOYED=1
if [[ "$KEEP" == 1 ]]; then
  echo "deploy_local: anvil stays up on $RPC (pid $ANVIL_PID); stop it with: kill $ANVIL_PID"
else
  echo "deploy_local: stopping anvil"
fi
