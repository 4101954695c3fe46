#!/usr/bin/env bash
# One command: install everything this project needs on a fresh machine (PyPI, npm and apt only),
# build the platform, then run the main job. Idempotent: a second run only checks stamps (seconds).
#   ./setup.sh            set up, then run `verify all` on the bundled platform
#   ./setup.sh --no-run   set up only (what CI's .ci/run uses before the tests)
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
LOGS="$ROOT/.setup-logs"
mkdir -p "$LOGS"
RUN_MAIN=1
PLATFORM_V1=ddb82893a736ce48bb112c7712bfa3f399f99c6e  # the platform's v1 release (seven UUPS proxies), tag platform-v1
[[ "${1:-}" == "--no-run" ]] && RUN_MAIN=0

fail() { echo "setup: $*" >&2; exit 1; }
step() { printf 'setup: %s\n' "$*"; }
hash_of() { cat "$@" 2>/dev/null | sha256sum | cut -c1-16; }

command -v python3.11 >/dev/null || command -v python3 >/dev/null || fail "python 3.11 not found"
PY=$(command -v python3.11 || command -v python3)
"$PY" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || fail "$PY is not Python 3.11"
command -v node >/dev/null || fail "node (20+) not found"
command -v npm >/dev/null || fail "npm not found"

# ---- npm side: solc-js, forge/anvil, forge-std, OpenZeppelin, Chainlink --------------------------------
NPM_HASH=$(hash_of package.json package-lock.json)
if [[ "$(cat node_modules/.setup-stamp 2>/dev/null)" != "$NPM_HASH" ]]; then
  step "installing npm packages (solc-js 0.8.24 and the pinned 0.6-0.8 set, forge/anvil 1.7.1, Chainlink, OpenZeppelin)"
  STAGE="$ROOT/.setup-npm"
  rm -rf "$STAGE"; mkdir -p "$STAGE"
  cp package.json package-lock.json "$STAGE/"
  if ! (cd "$STAGE" && npm ci --ignore-scripts --no-audit --no-fund) >"$LOGS/npm.log" 2>&1; then
    rm -rf "$STAGE"
    if grep -q -E "ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|network" "$LOGS/npm.log"; then
      fail "cannot reach the npm registry (details: $LOGS/npm.log); nothing was changed"
    fi
    fail "npm install failed (details: $LOGS/npm.log); nothing was changed"
  fi
  rm -rf node_modules && mv "$STAGE/node_modules" node_modules && rm -rf "$STAGE"
  echo "$NPM_HASH" > node_modules/.setup-stamp
fi
tools/solc --version >/dev/null || fail "the solc wrapper (tools/solc) does not run"

# ---- Python side: Slither, crytic-compile, Z3, yices, halmos, titanoboa, Manticore --------------------
PIP_HASH=$(hash_of requirements.lock pyproject.toml)
if [[ "$(cat .venv/.setup-stamp 2>/dev/null)" != "$PIP_HASH" ]]; then
  step "creating .venv with pinned Python dependencies (requirements.lock)"
  STAGE="$ROOT/.venv-partial"
  rm -rf "$STAGE"
  "$PY" -m venv "$STAGE" || fail "cannot create a virtual environment with $PY"
  if ! { "$STAGE/bin/pip" install --no-input -r requirements.lock \
         && "$STAGE/bin/pip" install --no-input --no-deps manticore==0.3.7; } >"$LOGS/pip.log" 2>&1; then
    rm -rf "$STAGE"
    if grep -q -E "NewConnectionError|Could not find a version|ConnectionError|Temporary failure" "$LOGS/pip.log"; then
      fail "cannot reach PyPI (details: $LOGS/pip.log); nothing was changed"
    fi
    fail "pip install failed (details: $LOGS/pip.log); nothing was changed"
  fi
  rm -rf .venv && mv "$STAGE" .venv
  # A venv's scripts hard-code its path: re-create them at the final location.
  sed -i "s|$STAGE|$ROOT/.venv|g" .venv/bin/* 2>/dev/null || true
  echo "$PIP_HASH" > .venv/.setup-stamp
fi
# The project itself, editable (cheap; keeps the `verify` console script current).
.venv/bin/pip install --no-input --no-deps --no-build-isolation -q -e . >"$LOGS/pip-project.log" 2>&1 \
  || fail "installing the project into .venv failed (details: $LOGS/pip-project.log)"

# ---- apt side: Prometheus and Alertmanager (the monitor's rules, routes and end-to-end test) ------------
# Debian's packages (promtool, amtool come with them); their services are not started here. Without root or apt the
# monitor still works; the tests that need Prometheus say SKIPPED with the reason.
if ! command -v promtool >/dev/null || ! command -v amtool >/dev/null; then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    step "installing Debian's prometheus and prometheus-alertmanager"
    { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        prometheus prometheus-alertmanager; } >"$LOGS/apt.log" 2>&1 \
      || fail "apt-get install prometheus prometheus-alertmanager failed (details: $LOGS/apt.log)"
  else
    step "not installing prometheus/alertmanager (needs root and apt-get): their tests will be SKIPPED"
  fi
fi

# ---- Compilers for users' projects: forge's per-pragma entries for the pinned solc-js releases ---------
.venv/bin/python -m checkers.compilers >"$LOGS/compilers.log" 2>&1 \
  || fail "preparing the solc-js releases failed: $(tail -1 "$LOGS/compilers.log") (details: $LOGS/compilers.log)"

# ---- Build the platform -------------------------------------------------------------------------------
export PATH="$ROOT/node_modules/.bin:$ROOT/.venv/bin:$PATH"
step "building contracts/ (forge, solc-js 0.8.24)"
(cd contracts && forge build >"$LOGS/forge-build.log" 2>&1) \
  || fail "forge build failed: $(grep -m1 -E '^Error|Error' "$LOGS/forge-build.log" || tail -1 "$LOGS/forge-build.log") (details: $LOGS/forge-build.log)"

step "building the symbolic harnesses (halmos --ast, Manticore's paris profile)"
.venv/bin/python -m checkers.prebuild contracts >"$LOGS/prebuild.log" 2>&1 \
  || fail "building the symbolic harnesses failed: $(head -1 "$LOGS/prebuild.log") (details: $LOGS/prebuild.log)"

# ---- Released versions: `verify diff --base platform-v1` (the upgrade certificate) --------------------------
# A clone does not always carry tags; the release's commit does travel with the history (skipped in a shallow clone).
if git rev-parse --git-dir >/dev/null 2>&1 && ! git rev-parse -q --verify platform-v1 >/dev/null \
   && git cat-file -e "${PLATFORM_V1}^{commit}" 2>/dev/null; then
  git tag platform-v1 "$PLATFORM_V1"
fi

step "ready"
if [[ $RUN_MAIN == 1 ]]; then
  if [[ -x .venv/bin/verify ]] && .venv/bin/verify --help >/dev/null 2>&1; then
    exec .venv/bin/verify all
  fi
  step "smoke run: Alice scenario"
  cd contracts && exec forge test --match-contract AliceScenario -vv
fi
