#!/usr/bin/env bash
# The VS Code extension in a real VS Code: code-server with the packaged .vsix installed,
# driven through Debian's chromium by playwright-core (vscode-e2e.mjs says what is checked).
# Installs what it needs (apt, Node 24, code-server, the vsix build) and keeps every piece of
# editor state in a temporary folder. Skipped only when POLICY_LSP_SKIP_VSCODE=1.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

if [ "${POLICY_LSP_SKIP_VSCODE:-}" = 1 ]; then
  echo "SKIP: VS Code end-to-end test (POLICY_LSP_SKIP_VSCODE=1)"
  exit 0
fi

server=$(server_path)
# Build libraries for code-server's native modules; chromium; CJK fonts for a readable screenshot.
apt_need chromium fonts-noto-cjk libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config \
  python3 make g++

# The extension, packaged exactly as a user gets it, and left at a stable path for people and CI:
# target/vsix/policy-lsp.vsix (`code --install-extension target/vsix/policy-lsp.vsix`).
log "npm ci + npm run package in editors/vscode: the .vsix"
npm_ci_here "$REPO_ROOT/editors/vscode"
(cd "$REPO_ROOT/editors/vscode" && npm run --silent package >"$E2E_ARTIFACTS/vsce.log" 2>&1) \
  || { cat "$E2E_ARTIFACTS/vsce.log" >&2; die "packaging the .vsix failed"; }
vsix=$REPO_ROOT/target/vsix/policy-lsp.vsix
mkdir -p "$(dirname "$vsix")"
mv -f "$REPO_ROOT/editors/vscode/policy-lsp.vsix" "$vsix"
log "packaged $vsix"

# code-server requires Node 24; node-gyp builds its native modules against that Node's own headers.
node_home=$(node24_home)
vscode_deps=$(PATH="$node_home/bin:$PATH" npm_config_nodedir="$node_home" \
  npm_ci_cached "$EDITORS_TESTS/vscode" vscode)
code_server=$vscode_deps/node_modules/.bin/code-server

tmp=$(mktemp -d "${TMPDIR:-/tmp}/policy-vscode-e2e.XXXXXX")
cs_pid=
cleanup() {
  [ -n "$cs_pid" ] && kill "$cs_pid" 2>/dev/null && wait "$cs_pid" 2>/dev/null
  [ -n "${POLICY_LSP_KEEP_TMP:-}" ] && log "kept $tmp" || rm -rf "$tmp"
}
trap cleanup EXIT

# Nothing of the user's: home, XDG folders, user data and extensions all in $tmp.
export HOME=$tmp/home XDG_CONFIG_HOME=$tmp/config XDG_DATA_HOME=$tmp/data XDG_CACHE_HOME=$tmp/cache \
  XDG_STATE_HOME=$tmp/state XDG_RUNTIME_DIR=$tmp/run
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_STATE_HOME" "$XDG_RUNTIME_DIR" \
  "$tmp/user-data/User" "$tmp/extensions" "$tmp/workspace"
chmod 700 "$XDG_RUNTIME_DIR"
cs_args=(--user-data-dir "$tmp/user-data" --extensions-dir "$tmp/extensions")
export PATH="$node_home/bin:$PATH"

"$code_server" "${cs_args[@]}" --install-extension "$vsix" >&2 || die "code-server --install-extension failed"

# An untrusted folder opens in Restricted Mode, where the extension may not run.
cat >"$tmp/user-data/User/settings.json" <<EOF
{
  "security.workspace.trust.enabled": false,
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.colorTheme": "Default Dark Modern",
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "chat.disableAIFeatures": true,
  "editor.fontFamily": "'Noto Sans Mono CJK SC', monospace",
  "editor.hover.delay": 100
}
EOF
# The server path is machine-specific, so a remote VS Code such as code-server reads it from the
# machine's settings, as a Remote-SSH user would set it.
mkdir -p "$tmp/user-data/Machine"
printf '{ "policyLsp.server.path": "%s" }\n' "$server" >"$tmp/user-data/Machine/settings.json"
cp "$REPO_ROOT/examples/jd-privacy-policy.policy" "$tmp/workspace/" && chmod u+w "$tmp/workspace/jd-privacy-policy.policy"

port=$(free_port)
"$code_server" "${cs_args[@]}" --auth none --bind-addr "127.0.0.1:$port" --disable-telemetry \
  --disable-update-check --disable-workspace-trust --disable-getting-started-override \
  "$tmp/workspace" >"$E2E_ARTIFACTS/code-server.log" 2>&1 &
cs_pid=$!
for _ in $(seq 1 120); do
  curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break
  kill -0 "$cs_pid" 2>/dev/null || die "code-server exited: see $E2E_ARTIFACTS/code-server.log"
  sleep 0.5
done

PLAYWRIGHT_DIR=$vscode_deps CODE_SERVER_URL="http://127.0.0.1:$port/?folder=$tmp/workspace" \
  SCREENSHOT_DIR=$E2E_ARTIFACTS node "$EDITORS_TESTS/vscode-e2e.mjs"
