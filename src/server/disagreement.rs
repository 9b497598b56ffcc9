//! Disagreements with another annotator's version of the open document
//! (setting `compareWith`): `disagreement` hints saying what the other
//! version has, quick fixes that take their version of one disagreement or
//! of all like it, and a hover with both versions side by side. The core
//! (`policy_core::agreement::line_disagreements`) compares; this file finds
//! the other file and converts.
//!
//! Line `i` of the document is compared with line `i` of theirs. A line
//! whose text equals theirs byte for byte is skipped without parsing, so a
//! keystroke costs one parse and comparison of each line that differs from
//! theirs plus a byte comparison of the others; a line whose plain text
//! differs (the text itself was edited) has no hints.
//!
//! The other file is read when the document opens and when `compareWith`
//! changes, outside the lock.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tower_lsp_server::ls_types::*;

use super::state::Snapshot;
use super::{Backend, convert};
use policy_core::agreement::{LineDisagreement, line_disagreements};
use policy_core::authoring::LineEdit;
use policy_core::diagnostics::Diagnostic as CoreDiagnostic;
use policy_core::document::{Document, lines_of};
use policy_core::syntax::Severity;

/// The diagnostic code of a disagreement hint.
pub const CODE: &str = "disagreement";

/// The other annotator's version of one document: its lines, as written.
#[derive(Debug)]
pub struct Theirs {
    pub path: PathBuf,
    lines: Vec<String>,
}

impl Theirs {
    /// Reads the other version. O(file).
    pub fn load(path: &Path) -> Result<Theirs, String> {
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let text =
            String::from_utf8(bytes).map_err(|_| format!("{}: not UTF-8", path.display()))?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        Ok(Theirs {
            path: path.to_path_buf(),
            lines: lines_of(text).map(str::to_string).collect(),
        })
    }

    fn line(&self, line: usize) -> Option<&str> {
        self.lines.get(line).map(String::as_str)
    }
}

/// The workspace root: the first workspace folder, else the root URI.
pub fn workspace_root(params: &InitializeParams) -> Option<PathBuf> {
    let folder = params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .map(|f| f.uri.clone());
    #[allow(deprecated)]
    let uri = folder.or_else(|| params.root_uri.clone())?;
    uri.to_file_path().map(|p| p.into_owned())
}

/// Where the other version of the document at `doc` is: `setting` with
/// `${relativeFile}` replaced by the document's path relative to `root`
/// (its file name when it is not under the root), or, without that
/// placeholder, that relative path inside the folder `setting`. A relative
/// result is taken from the root.
pub fn their_path(setting: &str, root: Option<&Path>, doc: &Path) -> PathBuf {
    let relative = root
        .and_then(|r| doc.strip_prefix(r).ok())
        .map(Path::to_path_buf)
        .or_else(|| doc.file_name().map(PathBuf::from))
        .unwrap_or_default();
    let path = if setting.contains("${relativeFile}") {
        PathBuf::from(setting.replace("${relativeFile}", &relative.to_string_lossy()))
    } else {
        Path::new(setting).join(relative)
    };
    match root {
        Some(r) if path.is_relative() => r.join(path),
        _ => path,
    }
}

impl Backend {
    /// The other version of `uri` under the current settings, read outside
    /// the lock; `None` when `compareWith` is off or the file cannot be
    /// read (logged).
    pub(super) fn load_theirs(&self, uri: &Uri) -> Option<Arc<Theirs>> {
        let (setting, root) = {
            let state = self.state();
            (state.settings.compare_with.clone()?, state.root.clone())
        };
        let doc = uri.to_file_path()?.into_owned();
        let path = their_path(&setting, root.as_deref(), &doc);
        match Theirs::load(&path) {
            Ok(t) => Some(Arc::new(t)),
            Err(e) => {
                tracing::info!("compareWith: no other version for {}: {e}", uri.as_str());
                None
            }
        }
    }

    /// Re-reads the other version of every open document (after
    /// `compareWith` changed) and republishes their diagnostics.
    pub(super) fn reload_theirs(&self) {
        let uris: Vec<Uri> = self.state().documents.keys().cloned().collect();
        let loaded: Vec<(Uri, Option<Arc<Theirs>>)> = uris
            .into_iter()
            .map(|u| {
                let t = self.load_theirs(&u);
                (u, t)
            })
            .collect();
        let mut state = self.state();
        for (uri, theirs) in loaded {
            if let Some(open) = state.documents.get_mut(&uri) {
                open.theirs = theirs;
            }
        }
        super::sync::republish_all(self, &state);
    }
}

/// Every disagreement of the document. O(document) byte comparisons, plus
/// O(line) for each line that differs from theirs.
pub fn all(doc: &Document, theirs: &Theirs) -> Vec<LineDisagreement> {
    (0..doc.line_count())
        .flat_map(|i| on_line(doc, theirs, i))
        .collect()
}

fn on_line(doc: &Document, theirs: &Theirs, line: usize) -> Vec<LineDisagreement> {
    match (doc.line_text(line), theirs.line(line)) {
        (Some(ours), Some(t)) => line_disagreements(line, &ours, t),
        _ => Vec::new(),
    }
}

/// The hints of the document.
pub fn hints(doc: &Document, theirs: &Theirs) -> Vec<CoreDiagnostic> {
    all(doc, theirs)
        .into_iter()
        .map(|d| CoreDiagnostic {
            line: d.line,
            start: d.start,
            end: d.end,
            severity: Severity::Hint,
            code: CODE.into(),
            message: d.message().into(),
        })
        .collect()
}

/// "Take theirs" for each disagreement the range touches, and "take theirs
/// for all N like this" when it has company. O(document).
pub fn actions(snap: &Snapshot, uri: &Uri, range: Range) -> Vec<CodeAction> {
    let Some(theirs) = &snap.theirs else {
        return Vec::new();
    };
    let doc = snap.doc.doc();
    let enc = snap.encoding;
    let first = range.start.line as usize;
    let last = (range.end.line as usize).min(doc.line_count().saturating_sub(1));
    let touched: Vec<LineDisagreement> = (first..=last)
        .flat_map(|i| on_line(doc, theirs, i))
        .filter(|d| {
            let r = convert::line_range(d.line, d.start, d.end, enc);
            r.start <= range.end && range.start <= r.end
        })
        .collect();
    if touched.is_empty() {
        return Vec::new();
    }
    let everything = all(doc, theirs);
    let mut actions = Vec::new();
    for d in &touched {
        let hint = convert::diagnostic(
            &CoreDiagnostic {
                line: d.line,
                start: d.start,
                end: d.end,
                severity: Severity::Hint,
                code: CODE.into(),
                message: d.message().into(),
            },
            enc,
        );
        actions.push(CodeAction {
            title: format!("Take theirs: `{}` → `{}`", d.ours, d.theirs),
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![hint]),
            edit: Some(convert::workspace_edit(
                uri,
                std::slice::from_ref(&d.take_theirs),
                enc,
            )),
            is_preferred: Some(true),
            ..CodeAction::default()
        });
        let mut like: Vec<LineEdit> = everything
            .iter()
            .filter(|o| o.is_like(d))
            .map(|o| o.take_theirs.clone())
            .collect();
        // Two disagreements of one stretch share its edit.
        like.dedup();
        if like.len() > 1 {
            actions.push(CodeAction {
                title: format!("Take theirs for all {} like this", like.len()),
                kind: Some(CodeActionKind::QUICKFIX),
                edit: Some(convert::workspace_edit(uri, &like, enc)),
                ..CodeAction::default()
            });
        }
    }
    actions
}

/// Both versions side by side, on a disagreement. O(line).
pub fn hover(snap: &Snapshot, at: Position) -> Option<Hover> {
    let theirs = snap.theirs.as_ref()?;
    let enc = snap.encoding;
    let found = on_line(snap.doc.doc(), theirs, at.line as usize);
    let d = found
        .iter()
        .find(|d| d.start.column(enc) <= at.character && at.character < d.end.column(enc))?;
    let kind = d.disagreement.kind.name();
    let value = if snap.markdown_hover {
        format!(
            "**{kind}** disagreement\n\n| yours | theirs |\n|---|---|\n| `{}` | `{}` |\n\ntheirs: {}",
            d.ours,
            d.theirs,
            theirs.path.display()
        )
    } else {
        format!(
            "{kind} disagreement\nyours:  {}\ntheirs: {}\n({})",
            d.ours,
            d.theirs,
            theirs.path.display()
        )
    };
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: if snap.markdown_hover {
                MarkupKind::Markdown
            } else {
                MarkupKind::PlainText
            },
            value,
        }),
        range: Some(convert::line_range(d.line, d.start, d.end, enc)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_other_version_is_found_by_folder_or_pattern() {
        let root = Path::new("/w");
        let doc = Path::new("/w/policies/jd.policy");
        assert_eq!(
            their_path("/b", Some(root), doc),
            PathBuf::from("/b/policies/jd.policy")
        );
        assert_eq!(
            their_path("../b", Some(root), doc),
            PathBuf::from("/w/../b/policies/jd.policy")
        );
        assert_eq!(
            their_path("${relativeFile}.b", Some(root), doc),
            PathBuf::from("/w/policies/jd.policy.b")
        );
        // Without a root, or outside it: the file name.
        assert_eq!(their_path("/b", None, doc), PathBuf::from("/b/jd.policy"));
    }
}
