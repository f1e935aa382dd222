#!/usr/bin/env bash
# Installs what `npm run test:e2e` needs, only where it is missing, into ignored folders:
#   - Debian packages: chromium (the browser), fonts-liberation, and what code-server's native
#     modules need to build here (libkrb5-dev, pkg-config) plus ripgrep (code-server would download it);
#   - code-server 4.100.3 (VS Code 1.100 for the browser; the newest that runs on Node 20) from the
#     npm registry, with its native modules rebuilt for this machine, cached in .e2e-cache/;
#   - playwright-core (a devDependency; installed into the cache only if `npm ci` did not provide it).
# Offline apart from the npm registry and Debian's archive. Idempotent: a second run takes a second.
# Recipe: npm's install of code-server runs scripts that download ripgrep and prebuilt
# binaries, which fails without internet, so we install with --ignore-scripts and do what its
# postinstall.sh does by hand.
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="${DDPM_E2E_CACHE:-$ROOT/.e2e-cache}"
CS_DIR="$CACHE/code-server-$CODE_SERVER_VERSION"
STAMP="$CS_DIR/.ddpm-e2e-installed"
APT_PACKAGES=(libkrb5-dev pkg-config ripgrep chromium fonts-liberation)

log() { echo "e2e setup: $*"; }
die() { echo "e2e setup: $*" >&2; exit 1; }

# --- Node ------------------------------------------------------------------------------------------
node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
[ "$node_major" = 20 ] || die "code-server $CODE_SERVER_VERSION needs Node 20 (found: $(node --version 2>/dev/null || echo none))"

# --- Debian packages -------------------------------------------------------------------------------
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  [ "$(id -u)" = 0 ] || die "missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install -y ${missing[*]})"
  log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt_get() { apt-get -o DPkg::Lock::Timeout=600 -y -q "$@"; }
  # Try without refreshing the lists first (fast when they are current), then refresh and retry.
  if ! apt_get install "${missing[@]}" >/dev/null 2>&1; then
    apt_get update >/dev/null
    apt_get install "${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
  fi
fi
[ -x /usr/bin/chromium ] || die "/usr/bin/chromium is missing after installing the chromium package"
[ -x /usr/bin/rg ] || die "/usr/bin/rg is missing after installing the ripgrep package"

# --- code-server -----------------------------------------------------------------------------------
if [ -f "$STAMP" ] && [ -x "$CS_DIR/node_modules/.bin/code-server" ]; then
  log "code-server $CODE_SERVER_VERSION cached in ${CS_DIR#"$ROOT"/}"
else
  log "installing code-server $CODE_SERVER_VERSION into ${CS_DIR#"$ROOT"/} (about a minute)"
  mkdir -p "$CACHE"
  work="$CS_DIR.partial-$$"
  rm -rf "$work"
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work"
  # Our own package.json so that npm installs here and never into the project's node_modules.
  echo '{ "name": "ddpm-lab-e2e-code-server", "private": true }' > "$work/package.json"
  quiet() { local out; out="$("$@" 2>&1)" || { echo "$out" | tail -40 >&2; die "failed: $*"; }; }
  cd "$work"
  quiet npm install --ignore-scripts --no-audit --no-fund --no-save "code-server@$CODE_SERVER_VERSION"
  cd "$work/node_modules/code-server/lib/vscode"
  quiet npm install --omit=dev --ignore-scripts --no-audit --no-fund
  quiet env npm_config_yes=true npm rebuild kerberos node-pty @parcel/watcher @vscode/spdlog native-watchdog @vscode/deviceid
  mkdir -p node_modules/@vscode/ripgrep/bin
  ln -sfn /usr/bin/rg node_modules/@vscode/ripgrep/bin/rg
  # What code-server's postinstall.sh does:
  ln -sfn node_modules node_modules.asar
  ln -sfn code-linux.sh bin/remote-cli/code-server
  ln -sfn browser-linux.sh bin/helpers/browser.sh
  cd extensions
  quiet npm install --omit=dev --no-audit --no-fund
  cd "$work"
  quiet env npm_config_yes=true npm rebuild argon2
  # Check that the native modules load before calling the install good.
  for m in node-pty @vscode/spdlog @parcel/watcher native-watchdog kerberos; do
    (cd "$work/node_modules/code-server/lib/vscode" && node -e "require('$m')") >/dev/null 2>&1 || die "native module $m does not load after rebuild"
  done
  "$work/node_modules/.bin/code-server" --version >/dev/null 2>&1 || die "code-server --version fails after install"
  date -u +%FT%TZ > "$work/.ddpm-e2e-installed"
  rm -rf "$CS_DIR"
  mv "$work" "$CS_DIR"
  trap - EXIT
  log "code-server installed"
fi

# --- playwright-core -------------------------------------------------------------------------------
if ! (cd "$ROOT" && node -e "require.resolve('playwright-core')") >/dev/null 2>&1 \
   && ! (cd "$CACHE/playwright" 2>/dev/null && node -e "require.resolve('playwright-core')") >/dev/null 2>&1; then
  pw_version="$(cd "$ROOT" && node -p "require('./package.json').devDependencies['playwright-core'] || 'latest'")"
  log "installing playwright-core@$pw_version into .e2e-cache/playwright (npm ci did not)"
  mkdir -p "$CACHE/playwright"
  echo '{ "name": "ddpm-lab-e2e-playwright", "private": true }' > "$CACHE/playwright/package.json"
  (cd "$CACHE/playwright" && npm install --no-audit --no-fund --no-save "playwright-core@$pw_version" >/dev/null) || die "npm install playwright-core failed"
fi
log "ready"
