#!/usr/bin/env bash
# The Emacs snippet of editors/README.md, exactly as written there, in Debian's emacs-nox
# with elpa-eglot (Emacs 28), in batch: emacs_e2e.el says what is checked.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

server=$(server_path)
apt_need emacs-nox elpa-eglot

tmp=$(mktemp -d "${TMPDIR:-/tmp}/policy-emacs-e2e.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# The first elisp block after the Emacs heading.
awk '/^## Emacs/ { section = 1 } section && /^```elisp/ { block = 1; next }
     block && /^```/ { exit } block { print }' "$REPO_ROOT/editors/README.md" >"$tmp/snippet.el"
[ -s "$tmp/snippet.el" ] || die "no elisp block under '## Emacs' in editors/README.md"
cp "$REPO_ROOT/examples/jd-privacy-policy.policy" "$tmp/" && chmod u+w "$tmp/jd-privacy-policy.policy"

# The snippet runs "policy-lsp" from PATH, as a user's would.
mkdir -p "$tmp/bin" "$tmp/home"
ln -s "$server" "$tmp/bin/policy-lsp"
HOME=$tmp/home PATH=$tmp/bin:$PATH POLICY_SAMPLE=$tmp/jd-privacy-policy.policy \
  timeout -k 5 120 emacs --batch -l "$tmp/snippet.el" -l "$EDITORS_TESTS/emacs_e2e.el" 2>"$tmp/stderr" || {
  tail -20 "$tmp/stderr" >&2
  die "emacs exited non-zero"
}
