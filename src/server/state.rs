//! The server's state: open documents, the negotiated encoding, settings
//! and taxonomies. Plain data behind one `std::sync::Mutex`, never held
//! across an `.await`, and held only for O(1)-ish work: a handler takes a
//! [`Snapshot`] under it and works on that.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tower_lsp_server::ls_types::Uri;

use super::config::Settings;
use super::disagreement::Theirs;
use policy_core::analysis::AnalysedDocument;
use policy_core::position::PositionEncoding;
use policy_core::taxonomy::{Taxonomy, TaxonomyError};
use policy_core::tokens::TokenCache;

/// One open document and what the server keeps beside it.
pub struct OpenDocument {
    /// The text and every layer derived from it; changed only through its
    /// own `apply_edit` (see `policy_core::analysis`).
    pub doc: AnalysedDocument,
    pub version: i32,
    /// The taxonomy file the document should be classified with (`None`:
    /// the built-in taxonomy or the one the settings name).
    pub taxonomy_file: Option<PathBuf>,
    /// The last semantic tokens sent, and their result id, for `full/delta`.
    pub tokens: Option<(String, TokenCache)>,
    /// The other annotator's version (setting `compareWith`), if any: its
    /// path; `doc` holds the comparison with its lines (both are set by
    /// `disagreement::compare`'s callers together).
    pub theirs: Option<Arc<Theirs>>,
}

/// What a request works on: a cheap copy of one document (O(lines / 256),
/// sharing its chunks) and of the settings, taken under the lock and used
/// after it is released, so that a whole-document request never holds up
/// a keystroke.
#[derive(Clone)]
pub struct Snapshot {
    pub doc: AnalysedDocument,
    pub encoding: PositionEncoding,
    pub settings: Arc<Settings>,
    pub markdown_hover: bool,
    pub code_action_resolve: bool,
    pub theirs: Option<Arc<Theirs>>,
}

#[derive(Default)]
pub struct State {
    pub encoding: PositionEncoding,
    pub markdown_hover: bool,
    /// The client resolves code actions' edits on demand.
    pub code_action_resolve: bool,
    /// Shared with snapshots; changed with `Arc::make_mut`.
    pub settings: Arc<Settings>,
    pub documents: HashMap<Uri, OpenDocument>,
    /// Taxonomies by the workspace file they were loaded from (`None`: the
    /// built-in one, or the one named in the settings).
    taxonomies: HashMap<Option<PathBuf>, Arc<Taxonomy>>,
    /// Counter for semantic token result ids.
    next_result_id: u64,
    /// The workspace root from `initialize`, for `compareWith`.
    pub root: Option<PathBuf>,
}

impl State {
    pub fn snapshot(&self, uri: &Uri) -> Option<Snapshot> {
        let open = self.documents.get(uri)?;
        Some(Snapshot {
            doc: open.doc.clone(),
            encoding: self.encoding,
            settings: self.settings.clone(),
            markdown_hover: self.markdown_hover,
            code_action_resolve: self.code_action_resolve,
            theirs: open.theirs.clone(),
        })
    }

    /// The taxonomy file for a document at `path`: the settings' file if
    /// one is named, else the nearest `policy-lsp.toml` above the document.
    /// Looks at the file system (a walk up the directories), not into files.
    pub fn taxonomy_file_for(&self, path: Option<&Path>) -> Option<PathBuf> {
        self.settings
            .taxonomy
            .clone()
            .or_else(|| path.and_then(Taxonomy::find_workspace_file))
    }

    /// The taxonomy loaded from `file`, if it is loaded; the built-in one is
    /// always there.
    pub fn loaded_taxonomy(&mut self, file: &Option<PathBuf>) -> Option<Arc<Taxonomy>> {
        if file.is_none() {
            return Some(
                self.taxonomies
                    .entry(None)
                    .or_insert_with(|| Arc::new(Taxonomy::builtin()))
                    .clone(),
            );
        }
        self.taxonomies.get(file).cloned()
    }

    /// The built-in taxonomy, the stand-in while a file loads or when it
    /// fails to.
    pub fn builtin_taxonomy(&mut self) -> Arc<Taxonomy> {
        self.loaded_taxonomy(&None)
            .unwrap_or_else(|| Arc::new(Taxonomy::builtin()))
    }

    /// Keeps a loaded taxonomy and reclassifies the open documents that use
    /// its file. Returns the URIs of those documents.
    pub fn taxonomy_loaded(&mut self, file: Option<PathBuf>, taxonomy: Arc<Taxonomy>) -> Vec<Uri> {
        self.taxonomies.insert(file.clone(), taxonomy.clone());
        let mut changed = Vec::new();
        for (uri, open) in &mut self.documents {
            if open.taxonomy_file == file && !Arc::ptr_eq(open.doc.taxonomy(), &taxonomy) {
                open.doc.set_taxonomy(taxonomy.clone());
                // The file's `[lints]` may have changed with it.
                open.doc.set_lints(&self.settings.lints_for(&taxonomy));
                changed.push(uri.clone());
            }
        }
        changed
    }

    /// Forgets loaded taxonomies; every open document is given the
    /// built-in one until its file is loaded again. Returns the files to
    /// load.
    pub fn forget_taxonomies(&mut self) -> Vec<Option<PathBuf>> {
        self.taxonomies.clear();
        let builtin = self.builtin_taxonomy();
        let mut files: Vec<Option<PathBuf>> = Vec::new();
        let uris: Vec<Uri> = self.documents.keys().cloned().collect();
        for uri in uris {
            let path = uri.to_file_path().map(|p| p.into_owned());
            let file = self.taxonomy_file_for(path.as_deref());
            if let Some(open) = self.documents.get_mut(&uri) {
                open.taxonomy_file = file.clone();
                if file.is_none() {
                    open.doc.set_taxonomy(builtin.clone());
                    open.doc.set_lints(&self.settings.lints_for(&builtin));
                }
            }
            if file.is_some() && !files.contains(&file) {
                files.push(file);
            }
        }
        files
    }

    pub fn new_result_id(&mut self) -> String {
        self.next_result_id += 1;
        self.next_result_id.to_string()
    }
}

/// Loads a taxonomy file: slow for a large one, so never under the lock.
pub fn load_taxonomy(file: &Path) -> Result<Taxonomy, TaxonomyError> {
    Taxonomy::with_overrides_file(file)
}
