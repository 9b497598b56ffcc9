//! The server's state: open documents, the negotiated encoding, settings
//! and taxonomies. Plain data behind one `std::sync::Mutex`, never held
//! across an `.await`.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tower_lsp_server::ls_types::{SemanticToken, Uri};

use super::config::Settings;
use policy_core::analysis::Classes;
use policy_core::document::{Document, EditOutcome};
use policy_core::position::PositionEncoding;
use policy_core::taxonomy::{Taxonomy, TaxonomyError};

/// One open document and what the server derived from it.
pub struct OpenDocument {
    pub doc: Document,
    pub version: i32,
    pub classes: Classes,
    pub taxonomy: Arc<Taxonomy>,
    /// The last semantic tokens sent, for `full/delta`.
    pub last_tokens: Option<LastTokens>,
}

/// A semantic tokens result the client holds, and which lines of the
/// document changed since, so that `full/delta` re-encodes only those.
pub struct LastTokens {
    pub id: String,
    pub data: Vec<SemanticToken>,
    /// The lines (in today's numbering) that may differ from `data`;
    /// `None` when nothing changed.
    pub dirty: Option<Range<usize>>,
    /// Today's line count minus the line count `data` was made from.
    pub line_shift: isize,
}

impl LastTokens {
    pub fn new(id: String, data: Vec<SemanticToken>) -> LastTokens {
        LastTokens {
            id,
            data,
            dirty: None,
            line_shift: 0,
        }
    }

    /// Widens `dirty` by one edit of the document. O(1).
    pub fn edited(&mut self, e: &EditOutcome) {
        let (first, old, new) = (e.first_line, e.old_lines, e.new_lines);
        let shift = new as isize - old as isize;
        // Where a line number of before the edit is after it.
        let map = |line: usize| {
            if line <= first {
                line
            } else if line >= first + old {
                line.saturating_add_signed(shift)
            } else {
                first + new
            }
        };
        self.dirty = Some(match &self.dirty {
            None => first..first + new,
            Some(d) => map(d.start).min(first)..map(d.end).max(first + new),
        });
        self.line_shift += shift;
    }
}

impl OpenDocument {
    pub fn new(text: &str, version: i32, taxonomy: Arc<Taxonomy>) -> OpenDocument {
        let doc = Document::new(text);
        let classes = Classes::new(&doc, &taxonomy);
        OpenDocument {
            doc,
            version,
            classes,
            taxonomy,
            last_tokens: None,
        }
    }

    /// Keeps derived state in step after an edit of `doc`.
    pub fn edited(&mut self, outcome: &EditOutcome) {
        self.classes.update(&self.doc, outcome, &self.taxonomy);
        if let Some(last) = &mut self.last_tokens {
            last.edited(outcome);
        }
    }

    /// Rebuilds everything derived from the text (after a failed edit).
    pub fn rebuild(&mut self) {
        *self = OpenDocument::new(&self.doc.text(), self.version, self.taxonomy.clone());
    }

    /// Reclassifies everything, e.g. after the taxonomy changed.
    pub fn set_taxonomy(&mut self, taxonomy: Arc<Taxonomy>) {
        self.classes = Classes::new(&self.doc, &taxonomy);
        self.taxonomy = taxonomy;
        self.last_tokens = None;
    }
}

#[derive(Default)]
pub struct State {
    pub encoding: PositionEncoding,
    pub markdown_hover: bool,
    /// The client resolves code actions' edits on demand.
    pub code_action_resolve: bool,
    pub settings: Settings,
    pub documents: HashMap<Uri, OpenDocument>,
    /// Taxonomies by the workspace file they were loaded from (`None`: the
    /// built-in one, or the one named in the settings).
    taxonomies: HashMap<Option<PathBuf>, Arc<Taxonomy>>,
    /// Counter for semantic token result ids.
    pub next_result_id: u64,
}

impl State {
    /// The taxonomy for a document at `path`: the settings' file if one is
    /// named, else the nearest `policy-lsp.toml` above the document, else the
    /// built-in one. A file that fails to load is reported once and the
    /// built-in taxonomy is used instead.
    pub fn taxonomy_for(
        &mut self,
        path: Option<&Path>,
        errors: &mut Vec<TaxonomyError>,
    ) -> Arc<Taxonomy> {
        let file = self
            .settings
            .taxonomy
            .clone()
            .or_else(|| path.and_then(Taxonomy::find_workspace_file));
        if let Some(t) = self.taxonomies.get(&file) {
            return t.clone();
        }
        let taxonomy = match &file {
            None => Taxonomy::builtin(),
            Some(f) => Taxonomy::with_overrides_file(f).unwrap_or_else(|e| {
                errors.push(e);
                Taxonomy::builtin()
            }),
        };
        let taxonomy = Arc::new(taxonomy);
        self.taxonomies.insert(file, taxonomy.clone());
        taxonomy
    }

    /// Forgets loaded taxonomies and reloads the one of every open document.
    pub fn reload_taxonomies(&mut self) -> Vec<TaxonomyError> {
        self.taxonomies.clear();
        let mut errors = Vec::new();
        let uris: Vec<Uri> = self.documents.keys().cloned().collect();
        for uri in uris {
            let path = uri.to_file_path().map(|p| p.into_owned());
            let taxonomy = self.taxonomy_for(path.as_deref(), &mut errors);
            if let Some(open) = self.documents.get_mut(&uri) {
                open.set_taxonomy(taxonomy);
            }
        }
        errors
    }

    pub fn new_result_id(&mut self) -> String {
        self.next_result_id += 1;
        self.next_result_id.to_string()
    }
}
