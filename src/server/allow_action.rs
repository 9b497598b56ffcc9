//! The quick fix "Allow in policy-lsp.toml" on a lint finding: an edit
//! appending an `[[lints.allow]]` entry (the finding's code and the text
//! that allows it, `policy_core::allow::entry_text`) to the workspace
//! file, created when missing. Once the editor saves the file, the
//! server reloads it (`workspace/didChangeWatchedFiles`, as for the
//! taxonomy) and the finding is no longer reported.
//!
//! The findings are those the client sends in the request's context (the
//! diagnostics it shows over the range): syntax diagnostics, and anything
//! not from this server, get no such fix. O(line) per finding.

use tower_lsp_server::ls_types::*;

use super::code_action::{append_entry, read_small, taxonomy_file, toml_escape};
use super::state::Snapshot;
use policy_core::allow::entry_text_at;
use policy_core::diagnostics::SOURCE;
use policy_core::lints::Lint;
use policy_core::position::{byte_of_column, point_at};
use policy_core::taxonomy::WORKSPACE_FILE;

/// Characters of the allowed text shown in the action's title.
const TITLE_CHARS: usize = 24;

/// One "Allow in policy-lsp.toml" action per lint finding in `diagnostics`.
pub fn actions(snap: &Snapshot, uri: &Uri, diagnostics: &[Diagnostic]) -> Vec<CodeAction> {
    let enc = snap.encoding;
    let doc = snap.doc.doc();
    let mut out: Vec<CodeAction> = Vec::new();
    let mut target: Option<(Uri, Option<String>)> = None;
    for d in diagnostics {
        if d.source.as_deref().is_some_and(|s| s != SOURCE) {
            continue;
        }
        let Some(NumberOrString::String(code)) = &d.code else {
            continue;
        };
        let Some(lint) = Lint::from_code(code) else {
            continue;
        };
        let line = d.range.start.line as usize;
        if d.range.end.line != d.range.start.line {
            continue;
        }
        let Some(text) = doc.line_text(line) else {
            continue;
        };
        let start = point_at(&text, byte_of_column(&text, d.range.start.character, enc));
        let end = point_at(&text, byte_of_column(&text, d.range.end.character, enc));
        let Some(allowed) = entry_text_at(doc, lint.code(), line, start, end) else {
            continue;
        };
        if target.is_none() {
            let Some(file) = taxonomy_file(snap, uri) else {
                return out;
            };
            let Some(file_uri) = Uri::from_file_path(&file) else {
                return out;
            };
            target = Some((file_uri, read_small(&file)));
        }
        let Some((file_uri, existing)) = &target else {
            return out;
        };
        let entry = format!(
            "[[lints.allow]]\ncode = \"{}\"\ntext = \"{}\"\n",
            lint.code(),
            toml_escape(&allowed)
        );
        let title = format!(
            "Allow in {WORKSPACE_FILE}: {} on “{}”",
            lint.code(),
            shortened(&allowed)
        );
        if out.iter().any(|a| a.title == title) {
            continue;
        }
        out.push(CodeAction {
            title,
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![d.clone()]),
            edit: Some(append_entry(file_uri, existing.as_deref(), entry, enc)),
            ..CodeAction::default()
        });
    }
    out
}

/// `text` cut to [`TITLE_CHARS`] characters, with … when cut.
fn shortened(text: &str) -> String {
    if text.chars().count() <= TITLE_CHARS {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(TITLE_CHARS).collect();
    cut.push('…');
    cut
}
