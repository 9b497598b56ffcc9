#!/usr/bin/env bash
# The HTML report (`policy-lsp report`) in a real browser: Debian's chromium driven by
# playwright-core (as the VS Code test drives it). report-e2e.mjs says what is checked.
# Writes the JD sample's report and a screenshot of its practice graph to
# target/report-screenshot.png (and the page to target/editors-e2e/report-jd.html).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

server=$(server_path)
apt_need chromium fonts-noto-cjk
deps=$(npm_ci_cached "$EDITORS_TESTS/report" report)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/policy-report-e2e.XXXXXX")
trap '[ -n "${POLICY_LSP_KEEP_TMP:-}" ] && log "kept $tmp" || rm -rf "$tmp"' EXIT

# A copy of the sample with a line that tries to inject markup into the page.
cp "$REPO_ROOT/examples/jd-privacy-policy.policy" "$tmp/jd-privacy-policy.policy"
printf '%s\n' '(我们)会[收集]<"><script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">>{</script><b>x</b>}。' \
  >>"$tmp/jd-privacy-policy.policy"
page=$E2E_ARTIFACTS/report-jd.html
"$server" report "$tmp/jd-privacy-policy.policy" -o "$page" || die "policy-lsp report failed"
log "wrote $page ($(wc -c <"$page") bytes)"

PLAYWRIGHT_DIR=$deps REPORT_HTML=$page SCREENSHOT=$REPO_ROOT/target/report-screenshot.png \
  node "$EDITORS_TESTS/report-e2e.mjs"
