#!/usr/bin/env bash
# Every editor test: the TextMate grammar, Neovim (0.7 and 0.11), Emacs (eglot), VS Code (code-server),
# and the HTML report in Chromium.
# Each part installs what it needs, once; a warm run takes well under a minute.
#   POLICY_LSP=path/to/policy-lsp tests/editors/run-all.sh   (default: target/release/policy-lsp)
#   POLICY_LSP_SKIP_VSCODE=1 skips the VS Code part, and says so.
# Prints how long each part took and ends with 'N passed, N failed[, N skipped]'.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

passed=0 failed=0 skipped=0
summary=()
part() {
  local name=$1 start rc
  shift
  start=$SECONDS
  echo "=== editors: $name"
  "$@"
  rc=$?
  if [ $rc -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
  summary+=("$(printf '%-8s %-4s %4ds' "$name" "$([ $rc -eq 0 ] && echo ok || echo FAIL)" $((SECONDS - start)))")
}

grammar() {
  npm_ci_here "$REPO_ROOT/tests/grammar" && (cd "$REPO_ROOT/tests/grammar" && npm test --silent)
}

part grammar grammar
part nvim bash "$EDITORS_TESTS/nvim-e2e.sh"
part emacs bash "$EDITORS_TESTS/emacs-e2e.sh"
part report bash "$EDITORS_TESTS/report-e2e.sh"
if [ "${POLICY_LSP_SKIP_VSCODE:-}" = 1 ]; then
  echo "SKIP: VS Code end-to-end test (POLICY_LSP_SKIP_VSCODE=1)"
  skipped=$((skipped + 1))
  summary+=("$(printf '%-8s %-4s' vscode skip)")
else
  part vscode bash "$EDITORS_TESTS/vscode-e2e.sh"
fi

echo "=== editors: timings (screenshots and logs in $E2E_ARTIFACTS)"
printf '  %s\n' "${summary[@]}"
if [ $skipped -gt 0 ]; then
  echo "editors: $passed passed, $failed failed, $skipped skipped"
else
  echo "editors: $passed passed, $failed failed"
fi
[ $failed -eq 0 ]
