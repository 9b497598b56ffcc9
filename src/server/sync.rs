//! Document synchronisation and workspace notifications.
//!
//! Every handler here changes [`super::State`] before its first `.await`
//! (see the invariant in `server/mod.rs`).

use tower_lsp_server::ls_types::*;

use super::diagnostics::{self, Publish};
use super::input::OutOfSync;
use super::state::OpenDocument;
use super::{Backend, convert};
use policy_core::analysis::AnalysedDocument;
use policy_core::position::PositionEncoding;
use policy_core::taxonomy::WORKSPACE_FILE;

/// Opens the document at once, classified with its taxonomy if that is
/// loaded and with the built-in one until it is; the file is then loaded
/// outside the lock (requests wait for it, keystrokes do not).
pub async fn did_open(backend: &Backend, params: DidOpenTextDocumentParams) {
    let item = params.text_document;
    let theirs = backend.load_theirs(&item.uri);
    let file = {
        let mut state = backend.state();
        let path = item.uri.to_file_path().map(|p| p.into_owned());
        let file = state.taxonomy_file_for(path.as_deref());
        let taxonomy = state
            .loaded_taxonomy(&file)
            .unwrap_or_else(|| state.builtin_taxonomy());
        let mut doc = AnalysedDocument::new(&item.text, taxonomy);
        doc.set_lints(&state.settings.lints_for(doc.taxonomy()));
        super::disagreement::compare(&mut doc, theirs.as_ref());
        let open = OpenDocument {
            doc,
            version: item.version,
            taxonomy_file: file.clone(),
            tokens: None,
            theirs,
        };
        let enc = state.encoding;
        // The editor's text, whole: in step again.
        backend.set_out_of_sync(&item.uri, false);
        backend.queue_diagnostics(&item.uri, &open, enc, &state.settings.lints);
        state.documents.insert(item.uri, open);
        file
    };
    if item.text.len() >= super::os::TRIM_AFTER_BYTES {
        drop(item.text);
        super::os::trim();
    }
    backend.ensure_taxonomy(file).await;
}

pub async fn did_change(backend: &Backend, params: DidChangeTextDocumentParams) {
    let uri = params.text_document.uri;
    let version = params.text_document.version;
    let problems = {
        let mut state = backend.state();
        let enc = state.encoding;
        let settings = state.settings.clone();
        match state.documents.get_mut(&uri) {
            None => vec![format!(
                "didChange for {}, which is not open: ignored",
                uri.as_str()
            )],
            Some(open) => {
                if params.content_changes.iter().any(|c| c.range.is_none()) {
                    // The editor's text, whole: in step again.
                    backend.set_out_of_sync(&uri, false);
                }
                let problems = apply_changes(&mut open.doc, &params.content_changes, enc)
                    .into_iter()
                    .map(|p| format!("{} version {version}: {p}", uri.as_str()))
                    .collect();
                open.version = version;
                backend.queue_diagnostics(&uri, open, enc, &settings.lints);
                problems
            }
        }
    };
    for p in problems {
        backend.log(MessageType::WARNING, p).await;
    }
}

/// Applies the changes in order; returns what had to be clamped or skipped.
fn apply_changes(
    doc: &mut AnalysedDocument,
    changes: &[TextDocumentContentChangeEvent],
    enc: PositionEncoding,
) -> Vec<String> {
    let mut problems = Vec::new();
    for (i, change) in changes.iter().enumerate() {
        let range = change.range.map(convert::range);
        match doc.apply_edit(range, &change.text, enc) {
            Ok(outcome) => {
                if outcome.clamped {
                    problems.push(format!(
                        "change {i}: range {:?} lies outside the text or inside a character; clamped",
                        change.range
                    ));
                }
            }
            Err(e) => problems.push(format!("change {i}: {e}")),
        }
    }
    problems
}

pub async fn did_close(backend: &Backend, params: DidCloseTextDocumentParams) {
    let uri = params.text_document.uri;
    let was_open = backend.state().documents.remove(&uri).is_some();
    let was_stale = backend.set_out_of_sync(&uri, false);
    if was_open || was_stale {
        // Clear the document's diagnostics from the editor.
        backend.queue(Publish {
            uri,
            version: None,
            diagnostics: Vec::new(),
            encoding: Default::default(),
        });
    }
}

/// A `didOpen` or `didChange` whose parameters could not be read (see
/// `input.rs`): every later edit would apply to stale text, so the user is
/// told, with a warning and a diagnostic on the document's first line that
/// stays until the document is reopened or replaced whole.
pub async fn out_of_sync(backend: &Backend, change: OutOfSync) {
    let uri = change.uri.as_deref().and_then(|u| u.parse::<Uri>().ok());
    let named = change.uri.as_deref().unwrap_or("a document");
    let message = format!(
        "{named}: the server could not read a {} ({}), so its copy of the document is out of step with the editor: close and reopen it",
        change.method, change.why
    );
    if let Some(uri) = uri {
        backend.set_out_of_sync(&uri, true);
        let state = backend.state();
        match state.documents.get(&uri) {
            Some(open) => {
                backend.queue_diagnostics(&uri, open, state.encoding, &state.settings.lints)
            }
            // Never opened (its didOpen was the message that failed): the
            // diagnostic alone, on the document the editor shows.
            None => backend.queue(Publish {
                uri,
                version: None,
                diagnostics: vec![diagnostics::out_of_sync(None)],
                encoding: state.encoding,
            }),
        }
    }
    backend.log(MessageType::WARNING, message.clone()).await;
    backend
        .client
        .show_message(MessageType::WARNING, message)
        .await;
}

pub async fn did_change_configuration(backend: &Backend, params: DidChangeConfigurationParams) {
    let compare_with_changed;
    let (problems, files) = {
        let mut state = backend.state();
        let before = state.settings.clone();
        let problems = std::sync::Arc::make_mut(&mut state.settings).apply(&params.settings);
        compare_with_changed = state.settings.compare_with != before.compare_with;
        // Each document keeps the findings of the lints in force for it,
        // and the document-level lints' index while one is on.
        if state.settings.lints != before.lints {
            let settings = state.settings.clone();
            for open in state.documents.values_mut() {
                open.doc.set_lints(&settings.lints_for(open.doc.taxonomy()));
            }
        }
        let files = if state.settings.taxonomy != before.taxonomy {
            state.forget_taxonomies()
        } else {
            Vec::new()
        };
        republish_all(backend, &state);
        (problems, files)
    };
    for p in problems {
        backend
            .log(MessageType::WARNING, format!("settings: {p}"))
            .await;
    }
    if compare_with_changed {
        backend.reload_theirs();
    }
    for file in files {
        backend.ensure_taxonomy(file).await;
    }
    refresh_tokens(backend);
}

pub async fn did_change_watched_files(backend: &Backend, params: DidChangeWatchedFilesParams) {
    let touches_taxonomy = params
        .changes
        .iter()
        .any(|c| c.uri.as_str().ends_with(WORKSPACE_FILE));
    if !touches_taxonomy {
        return;
    }
    let files = {
        let mut state = backend.state();
        let files = state.forget_taxonomies();
        republish_all(backend, &state);
        files
    };
    backend
        .log(
            MessageType::INFO,
            format!("{WORKSPACE_FILE} changed: taxonomy reloaded"),
        )
        .await;
    for file in files {
        backend.ensure_taxonomy(file).await;
    }
    refresh_tokens(backend);
}

pub(super) fn republish_all(backend: &Backend, state: &super::State) {
    for (uri, open) in &state.documents {
        backend.queue_diagnostics(uri, open, state.encoding, &state.settings.lints);
    }
}

/// Asks the client to re-request semantic tokens (the `sensitive` modifiers
/// may have changed) and inlay hints (sensitivity labels, or the setting
/// that shows them), from a task of its own so nothing waits on the client.
pub(super) fn refresh_tokens(backend: &Backend) {
    let client = backend.client.clone();
    tokio::spawn(async move {
        let call = client.semantic_tokens_refresh();
        let _ = tokio::time::timeout(super::CLIENT_REQUEST_TIMEOUT, call).await;
        let call = client.inlay_hint_refresh();
        let _ = tokio::time::timeout(super::CLIENT_REQUEST_TIMEOUT, call).await;
    });
}
