//! Disagreements with another annotator's version of the open document
//! (setting `compareWith`): `disagreement` hints saying what the other
//! version has, quick fixes that take their version of one disagreement or
//! of all like it, and a hover with both versions side by side. The core
//! compares and keeps the result: the disagreements are a per-line layer
//! of the document (`AnalysedDocument::disagreements`, spliced by its
//! `apply_edit`, so a keystroke recompares only the lines it changed, or
//! with a new line break the lines after it); this file finds the other
//! file, hands its lines to the document, and converts the layer to LSP.
//!
//! Line `i` of the document is compared with line `i` of theirs; a line
//! whose plain text differs (the text itself was edited) has no hints.
//!
//! The other file is read when the document opens and when `compareWith`
//! changes, outside the lock; comparing the whole document with it then
//! happens under the lock, like the analysis of an opened document.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tower_lsp_server::ls_types::*;

use super::state::Snapshot;
use super::{Backend, convert};
use policy_core::agreement::{LineDisagreement, TheirLines};
use policy_core::analysis::AnalysedDocument;
use policy_core::authoring::LineEdit;
use policy_core::diagnostics::Diagnostic as CoreDiagnostic;
use policy_core::syntax::Severity;

/// Largest version compared with: the largest document a test opens
/// (100 MB) with room to spare.
const MAX_THEIRS_BYTES: u64 = 256 << 20;

/// The diagnostic code of a disagreement hint.
pub const CODE: &str = "disagreement";

/// The other annotator's version of one document: where it is, and its
/// lines (shared with the document's comparison layer).
#[derive(Debug)]
pub struct Theirs {
    pub path: PathBuf,
    pub lines: Arc<TheirLines>,
}

impl Theirs {
    /// Reads the other version. O(file). Only a regular file is read: a
    /// FIFO would block the server until someone writes to it, and
    /// `/dev/zero` would be read until memory runs out.
    pub fn load(path: &Path) -> Result<Theirs, String> {
        let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
        if !meta.is_file() {
            return Err(format!(
                "{}: not a regular file (a folder, FIFO or device), so it is not compared",
                path.display()
            ));
        }
        if meta.len() > MAX_THEIRS_BYTES {
            return Err(format!(
                "{}: {} bytes, more than the {} a version to compare with may have",
                path.display(),
                meta.len(),
                MAX_THEIRS_BYTES
            ));
        }
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let text =
            String::from_utf8(bytes).map_err(|_| format!("{}: not UTF-8", path.display()))?;
        Ok(Theirs {
            path: path.to_path_buf(),
            lines: Arc::new(TheirLines::new(&text)),
        })
    }
}

/// Compares `doc` with `theirs` from now on (with nothing when `None`).
/// O(document).
pub fn compare(doc: &mut AnalysedDocument, theirs: Option<&Arc<Theirs>>) {
    doc.set_theirs(theirs.map(|t| t.lines.clone()));
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
                compare(&mut open.doc, theirs.as_ref());
                open.theirs = theirs;
            }
        }
        super::sync::republish_all(self, &state);
    }
}

/// The hint of one disagreement.
fn hint(d: &LineDisagreement) -> CoreDiagnostic {
    CoreDiagnostic {
        line: d.line,
        start: d.start,
        end: d.end,
        severity: Severity::Hint,
        code: CODE.into(),
        message: d.message().into(),
        related: Vec::new(),
    }
}

/// The hints of the document, read from its comparison layer (none when
/// it is compared with nothing). O(lines + disagreements).
pub fn hints(doc: &AnalysedDocument) -> Vec<CoreDiagnostic> {
    doc.disagreements()
        .map(|d| d.iter().map(hint).collect())
        .unwrap_or_default()
}

/// "Take theirs" for each disagreement the range touches, and "take theirs
/// for all N like this" when it has company. O(lines of the range), plus
/// O(lines + disagreements) to find the company.
pub fn actions(snap: &Snapshot, uri: &Uri, range: Range) -> Vec<CodeAction> {
    let Some(layer) = snap.doc.disagreements() else {
        return Vec::new();
    };
    let enc = snap.encoding;
    let first = range.start.line as usize;
    let last = (range.end.line as usize).min(snap.doc.doc().line_count().saturating_sub(1));
    let touched: Vec<&LineDisagreement> = (first..=last)
        .flat_map(|i| layer.line(i))
        .filter(|d| {
            let r = convert::line_range(d.line, d.start, d.end, enc);
            r.start <= range.end && range.start <= r.end
        })
        .collect();
    if touched.is_empty() {
        return Vec::new();
    }
    let mut actions = Vec::new();
    for d in touched {
        let hint = convert::diagnostic(&hint(d), enc);
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
        let mut like: Vec<LineEdit> = layer
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
    let d = snap
        .doc
        .disagreements()?
        .line(at.line as usize)
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
