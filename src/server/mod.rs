//! The language server: LSP over stdio on the core.
//!
//! Architecture invariant: tower-lsp-server runs up to four handlers at
//! once, all polled by one task, so a notification changes [`State`]
//! synchronously, under the mutex and before its first `.await`; no lock is
//! held across an `.await`. A `didChange` is therefore applied in arrival
//! order, and its diagnostics are queued (still synchronously) on one
//! ordered channel that a single task publishes from, so an editor never
//! sees an older version's diagnostics after a newer one's.
//!
//! A request takes a [`Snapshot`] of its document under the lock (a cheap
//! copy) and works on it after the lock is released: inline when its work
//! is O(line), on the blocking pool when it reads the whole document
//! ([`Backend::on_document`]), so that neither the lock nor the task that
//! polls every handler waits for it, and a keystroke is never held up by a
//! references or outline request on a large file.

mod config;
mod convert;
mod diagnostics;
mod disagreement;
mod hover;
mod input;
mod os;
mod output;
mod semantic_tokens;
mod state;
mod sync;
// The workspace index (issue 13).
mod workspace;
// Authoring assistance (issue 6).
mod allow_action;
mod code_action;
mod completion;
mod folding;
mod inlay_hints;
mod references;
mod rename;
mod symbols;

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use futures::FutureExt;
use futures::future::{BoxFuture, Shared};
use tokio::sync::mpsc;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

pub use config::Settings;
pub use diagnostics::{MAX_DIAGNOSTICS, TOO_MANY};
use policy_core::position::PositionEncoding;
use policy_core::taxonomy::{Taxonomy, TaxonomyError};
use policy_core::tokens::TokenCache;
use state::{Snapshot, State};

/// A taxonomy file being loaded, awaited by whoever needs it.
type TaxonomyLoad = Shared<BoxFuture<'static, std::result::Result<Arc<Taxonomy>, TaxonomyError>>>;

/// How long the server waits for the client to answer a request of its own
/// (registration, refresh) before it gives up; a slow client must not stall
/// anything.
const CLIENT_REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

/// The service behind the protocol.
pub struct Backend {
    client: Client,
    state: Arc<Mutex<State>>,
    publish: mpsc::UnboundedSender<diagnostics::Publish>,
    shutdown: Arc<AtomicBool>,
    /// The client can watch files for us (dynamic registration).
    watch_files: AtomicBool,
    /// Documents whose server copy is known to differ from the editor's: a
    /// change could not be read (`input.rs`). Until reopened or replaced
    /// whole, they carry an `out-of-sync` diagnostic.
    out_of_sync: Arc<Mutex<HashSet<Uri>>>,
    /// Where to write responses serialised directly (see `output.rs`);
    /// `None` in process, where everything goes through tower.
    output: Option<output::Output>,
    /// Taxonomy files being loaded, by path.
    loads: Mutex<HashMap<PathBuf, TaxonomyLoad>>,
    /// Every policy of the workspace folders (see `workspace.rs`).
    workspace: Arc<workspace::Workspace>,
}

/// How much of a document a request reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reads {
    /// A line or a range of lines: answered inline.
    Lines,
    /// The whole document: answered on the background pool, at a lower
    /// CPU priority than keystrokes.
    Document,
    /// The whole document, briefly, while the editor waits to paint (all
    /// semantic tokens: a few milliseconds on 10 MB): on the blocking pool
    /// at normal priority.
    DocumentNow,
}

impl Backend {
    /// `output`: where to write diagnostics directly (see `output.rs`);
    /// `None` sends them through `client` like every other message.
    fn new(client: Client, shutdown: Arc<AtomicBool>, output: Option<output::Output>) -> Backend {
        let (publish, queue) = mpsc::unbounded_channel();
        tokio::spawn(diagnostics::publisher(
            client.clone(),
            output.clone(),
            queue,
        ));
        Backend {
            client,
            state: Arc::new(Mutex::new(State::default())),
            publish,
            shutdown,
            watch_files: AtomicBool::new(false),
            out_of_sync: Arc::new(Mutex::new(HashSet::new())),
            output,
            loads: Mutex::default(),
            workspace: Arc::default(),
        }
    }

    /// The service, with the notifications `input.rs` turns messages into.
    fn build_service(
        shutdown: Arc<AtomicBool>,
        output: Option<output::Output>,
    ) -> (LspService<Backend>, tower_lsp_server::ClientSocket) {
        LspService::build(move |client| Backend::new(client, shutdown, output))
            .custom_method(input::OUT_OF_SYNC, Backend::out_of_sync_change)
            .custom_method(input::DOCUMENT_SYMBOL, Backend::document_symbol_direct)
            .custom_method(input::TOKENS_FULL, Backend::tokens_full_direct)
            .finish()
    }

    /// A `didOpen` or `didChange` that could not be read (see `input.rs`).
    async fn out_of_sync_change(&self, params: input::OutOfSync) {
        guard_notification("out_of_sync", sync::out_of_sync(self, params)).await;
    }

    /// A snapshot of `uri` once its taxonomy is loaded; `None` when the
    /// document is not open. O(lines / 256) under the lock.
    async fn snapshot(&self, uri: &Uri) -> Option<Snapshot> {
        let file = self.state().documents.get(uri)?.taxonomy_file.clone();
        self.ensure_taxonomy(file).await;
        self.state().snapshot(uri)
    }

    /// Runs a request's `work` on a snapshot of `uri`: inline, or on the
    /// blocking pool when it reads the whole document. A panic (a bug of
    /// ours) fails this request only. `None` when the document is not open.
    async fn on_document<T: Send + 'static>(
        &self,
        what: &'static str,
        uri: &Uri,
        reads: Reads,
        work: impl FnOnce(&Snapshot) -> Option<T> + Send + 'static,
    ) -> Result<Option<T>> {
        let Some(snap) = self.snapshot(uri).await else {
            return Ok(None);
        };
        match reads {
            Reads::Lines => guard(what, || work(&snap)),
            Reads::Document => offload(what, move || work(&snap)).await,
            Reads::DocumentNow => offload_now(what, move || work(&snap)).await,
        }
    }

    /// Makes sure the taxonomy of `file` is loaded and every open document
    /// that uses it is classified with it. The file is read on the blocking
    /// pool, never under the lock; concurrent callers share one load. A
    /// file that does not load is reported once, and the built-in taxonomy
    /// stands in for it.
    async fn ensure_taxonomy(&self, file: Option<PathBuf>) {
        let Some(path) = file.clone() else {
            return;
        };
        if self.state().loaded_taxonomy(&file).is_some() {
            return;
        }
        let load = {
            let mut loads = self.loads.lock().unwrap_or_else(|p| p.into_inner());
            loads
                .entry(path.clone())
                .or_insert_with(|| {
                    let path = path.clone();
                    async move {
                        let read = tokio::task::spawn_blocking(move || {
                            state::load_taxonomy(&path).map(Arc::new)
                        });
                        read.await.unwrap_or_else(|e| {
                            Err(TaxonomyError {
                                path: PathBuf::new(),
                                line: None,
                                message: format!("loading the taxonomy failed: {e}"),
                            })
                        })
                    }
                    .boxed()
                    .shared()
                })
                .clone()
        };
        let result = load.await;
        let first = self
            .loads
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&path)
            .is_some();
        let error = {
            let mut state = self.state();
            let (taxonomy, error) = match result {
                Ok(t) => (t, None),
                Err(e) => (state.builtin_taxonomy(), Some(e)),
            };
            let changed = state.taxonomy_loaded(file, taxonomy);
            for uri in &changed {
                if let Some(open) = state.documents.get(uri) {
                    self.queue_diagnostics(uri, open, state.encoding, &state.settings.lints);
                }
            }
            if !changed.is_empty() {
                sync::refresh_tokens(self);
            }
            error
        };
        if let (true, Some(e)) = (first, error) {
            let message = format!("{e} (the built-in taxonomy is used instead)");
            self.log(MessageType::ERROR, message.clone()).await;
            self.client.show_message(MessageType::ERROR, message).await;
        }
    }

    /// The state; a handler that panicked while holding the lock must not
    /// take the server down with it, so a poisoned lock is used as it is.
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// What tasks that republish open documents need.
    fn republisher(&self) -> workspace::Republisher {
        workspace::Republisher {
            state: self.state.clone(),
            out_of_sync: self.out_of_sync.clone(),
            publish: self.publish.clone(),
            workspace: self.workspace.clone(),
        }
    }

    /// Logs to stderr and to the client's log.
    async fn log(&self, typ: MessageType, message: String) {
        match typ {
            MessageType::ERROR => tracing::error!("{message}"),
            MessageType::WARNING => tracing::warn!("{message}"),
            _ => tracing::info!("{message}"),
        }
        self.client.log_message(typ, message).await;
    }
}

/// Picks the first encoding the client lists that we support; UTF-16 when
/// it lists none (docs/language.md §8).
fn negotiate_encoding(params: &InitializeParams) -> PositionEncoding {
    params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref())
        .and_then(|list| {
            list.iter()
                .find_map(|k| PositionEncoding::from_name(k.as_str()))
        })
        .unwrap_or_default()
}

fn client_accepts_markdown(params: &InitializeParams) -> bool {
    params
        .capabilities
        .text_document
        .as_ref()
        .and_then(|t| t.hover.as_ref())
        .and_then(|h| h.content_format.as_ref())
        .is_some_and(|f| f.contains(&MarkupKind::Markdown))
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let encoding = negotiate_encoding(&params);
        let workspace_pull = self.workspace.configure(&params);
        let problems;
        let pull;
        let inlay_hints;
        {
            let mut state = self.state();
            state.encoding = encoding;
            state.markdown_hover = client_accepts_markdown(&params);
            state.code_action_resolve = code_action::client_resolves_edits(&params);
            state.root = disagreement::workspace_root(&params);
            problems = params
                .initialization_options
                .as_ref()
                .map(|o| Arc::make_mut(&mut state.settings).apply(o))
                .unwrap_or_default();
            pull = state.settings.pull_diagnostics;
            inlay_hints = state.settings.inlay_hints;
        }
        let watch = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        self.watch_files.store(watch, Ordering::Relaxed);
        for p in problems {
            self.log(MessageType::WARNING, format!("initializationOptions: {p}"))
                .await;
        }
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(PositionEncodingKind::from(encoding.as_str())),
                text_document_sync: Some(TextDocumentSyncCapability::Kind(
                    TextDocumentSyncKind::INCREMENTAL,
                )),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                semantic_tokens_provider: Some(semantic_tokens::capability()),
                diagnostic_provider: pull.then(|| {
                    DiagnosticServerCapabilities::Options(DiagnosticOptions {
                        identifier: Some(policy_core::diagnostics::SOURCE.to_string()),
                        inter_file_dependencies: false,
                        workspace_diagnostics: workspace_pull,
                        work_done_progress_options: Default::default(),
                    })
                }),
                // Authoring assistance (issue 6).
                code_action_provider: Some(code_action::capability()),
                completion_provider: Some(completion::capability()),
                document_symbol_provider: Some(OneOf::Left(true)),
                folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
                document_highlight_provider: Some(OneOf::Left(true)),
                references_provider: Some(OneOf::Left(true)),
                rename_provider: Some(rename::capability()),
                inlay_hint_provider: inlay_hints.then_some(OneOf::Left(true)),
                workspace_symbol_provider: Some(OneOf::Left(true)),
                workspace: Some(WorkspaceServerCapabilities {
                    workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                        supported: Some(true),
                        change_notifications: Some(OneOf::Left(true)),
                    }),
                    file_operations: None,
                }),
                ..ServerCapabilities::default()
            },
            server_info: Some(ServerInfo {
                name: "policy-lsp".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        if self.watch_files.load(Ordering::Relaxed) {
            // Awaiting the client here would block this notification on the
            // client's answer; register from a task of its own, with a limit.
            let client = self.client.clone();
            tokio::spawn(async move {
                let registration = Registration {
                    id: "policy-lsp-taxonomy-watch".to_string(),
                    method: "workspace/didChangeWatchedFiles".to_string(),
                    register_options: serde_json::to_value(
                        DidChangeWatchedFilesRegistrationOptions {
                            watchers: vec![FileSystemWatcher {
                                glob_pattern: GlobPattern::String(format!(
                                    "**/{}",
                                    policy_core::taxonomy::WORKSPACE_FILE
                                )),
                                kind: None,
                            }],
                        },
                    )
                    .ok(),
                };
                let call = client.register_capability(vec![registration]);
                if let Ok(Err(e)) = tokio::time::timeout(CLIENT_REQUEST_TIMEOUT, call).await {
                    tracing::warn!("the client refused to watch policy-lsp.toml: {e}");
                }
            });
        }
        self.workspace
            .start(self.client.clone(), self.republisher());
        tracing::info!("policy-lsp {} initialized", env!("CARGO_PKG_VERSION"));
    }

    async fn shutdown(&self) -> Result<()> {
        self.shutdown.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        guard_notification("did_open", sync::did_open(self, params)).await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri.clone();
        if !guard_notification("did_change", sync::did_change(self, params)).await {
            // The edit may have stopped halfway: rebuild what is derived
            // from the text, which the rope holds whole.
            if let Some(open) = self.state().documents.get_mut(&uri) {
                open.doc.rebuild();
            }
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri.clone();
        let settings = self.state().settings.clone();
        self.workspace.document_closed(&uri, settings);
        guard_notification("did_close", sync::did_close(self, params)).await;
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let before = self.state().settings.clone();
        guard_notification(
            "did_change_configuration",
            sync::did_change_configuration(self, params),
        )
        .await;
        let after = self.state().settings.clone();
        if after.lints != before.lints || after.taxonomy != before.taxonomy {
            // The index holds diagnostics and categories made with the old ones.
            self.workspace
                .reread_all(after, self.client.clone(), self.republisher());
        }
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        let settings = self.state().settings.clone();
        self.workspace.folders_changed(
            &params.event,
            settings,
            self.client.clone(),
            self.republisher(),
        );
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let settings = self.state().settings.clone();
        let taxonomy = params.changes.iter().any(|c| {
            c.uri
                .as_str()
                .ends_with(policy_core::taxonomy::WORKSPACE_FILE)
        });
        if taxonomy {
            self.workspace
                .reread_all(settings.clone(), self.client.clone(), self.republisher());
        }
        self.workspace.files_changed(
            &params.changes,
            settings,
            self.client.clone(),
            self.republisher(),
        );
        guard_notification(
            "did_change_watched_files",
            sync::did_change_watched_files(self, params),
        )
        .await;
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        let uri = params.text_document.uri;
        let stale = self.is_out_of_sync(&uri);
        let ws = self.workspace.clone();
        let at = uri.clone();
        let report = self
            .on_document("diagnostics::pull", &uri, Reads::Document, move |snap| {
                let lints = snap.settings.lints_for(snap.doc.taxonomy());
                let corpus = ws.findings(&at, snap.doc.doc(), &lints);
                diagnostics::pull(snap, &at, stale, corpus)
            })
            .await?;
        report.ok_or_else(|| {
            tower_lsp_server::jsonrpc::Error::invalid_params(format!(
                "{} is not open",
                uri.as_str()
            ))
        })
    }

    async fn workspace_diagnostic(
        &self,
        params: WorkspaceDiagnosticParams,
    ) -> Result<WorkspaceDiagnosticReportResult> {
        let previous: HashMap<Uri, String> = params
            .previous_result_ids
            .into_iter()
            .map(|p| (p.uri, p.value))
            .collect();
        let (open, lints, enc) = {
            let state = self.state();
            let stale = self
                .out_of_sync
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone();
            // Snapshots under the lock; their diagnostics off it.
            let open: Vec<_> = state
                .documents
                .iter()
                .map(|(uri, open)| workspace::OpenReport {
                    uri: uri.clone(),
                    version: open.version,
                    doc: open.doc.clone(),
                    stale: stale.contains(uri),
                })
                .collect();
            (open, state.settings.lints.clone(), state.encoding)
        };
        let ws = self.workspace.clone();
        let report = offload("workspace::workspace_report", move || {
            workspace::workspace_report(&ws, open, &previous, &lints, enc)
        })
        .await?;
        Ok(WorkspaceDiagnosticReportResult::Report(report))
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        let enc = self.state().encoding;
        let ws = self.workspace.clone();
        let (symbols, matched) =
            offload("workspace::symbols", move || ws.symbols(&params.query, enc)).await?;
        if matched > symbols.len() {
            self.client
                .log_message(
                    MessageType::INFO,
                    format!(
                        "workspace/symbol: {matched} annotations match; the first {} are listed: narrow the query",
                        symbols.len()
                    ),
                )
                .await;
        }
        Ok(Some(WorkspaceSymbolResponse::Flat(symbols)))
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let uri = params
            .text_document_position_params
            .text_document
            .uri
            .clone();
        self.on_document("hover::hover", &uri, Reads::Lines, move |snap| {
            hover::hover(snap, params)
        })
        .await
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        let uri = params.text_document.uri;
        let answer = self
            .tokens_full(&uri, |id, cache| {
                semantic_tokens::full_result(id.to_string(), cache)
            })
            .await?;
        Ok(answer)
    }

    async fn semantic_tokens_full_delta(
        &self,
        params: SemanticTokensDeltaParams,
    ) -> Result<Option<SemanticTokensFullDeltaResult>> {
        let uri = params.text_document.uri;
        let Some(snap) = self.snapshot(&uri).await else {
            return Ok(None);
        };
        let (id, held) = {
            let mut state = self.state();
            let held = state
                .documents
                .get_mut(&uri)
                .and_then(|open| open.tokens.take())
                .filter(|(id, _)| *id == params.previous_result_id)
                .map(|(_, cache)| cache);
            (state.new_result_id(), held)
        };
        let kept_id = id.clone();
        // With the client's tokens, only the edited lines are encoded.
        let cheap = held.is_some();
        let work = move || semantic_tokens::delta(&snap, id, held);
        let (result, cache) = if cheap {
            guard("semantic_tokens::delta", work)?
        } else {
            offload_now("semantic_tokens::delta", work).await?
        };
        self.keep_tokens(&uri, &kept_id, cache);
        Ok(Some(result))
    }

    async fn semantic_tokens_range(
        &self,
        params: SemanticTokensRangeParams,
    ) -> Result<Option<SemanticTokensRangeResult>> {
        let uri = params.text_document.uri.clone();
        self.on_document("semantic_tokens::range", &uri, Reads::Lines, move |snap| {
            semantic_tokens::range(snap, params)
        })
        .await
    }

    // Authoring assistance: each request works on a snapshot, like the
    // ones above.

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri.clone();
        let corpus = workspace::quick_fixes(&uri, &params.context.diagnostics);
        let actions = self
            .on_document(
                "code_action::code_action",
                &uri,
                Reads::Document,
                move |snap| code_action::code_action(snap, params),
            )
            .await?;
        if corpus.is_empty() {
            return Ok(actions);
        }
        let mut actions = actions.unwrap_or_default();
        actions.extend(corpus);
        Ok(Some(actions))
    }

    async fn code_action_resolve(&self, params: CodeAction) -> Result<CodeAction> {
        let Some((uri, range)) = code_action::unresolved(&params) else {
            return Ok(params);
        };
        let fallback = params.clone();
        let resolved = self
            .on_document(
                "code_action::resolve",
                &uri.clone(),
                Reads::Document,
                move |snap| Some(code_action::resolve(snap, (params, uri, range))),
            )
            .await?;
        Ok(resolved.unwrap_or(fallback))
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let uri = params.text_document_position.text_document.uri.clone();
        self.on_document(
            "completion::completion",
            &uri,
            Reads::Document,
            move |snap| completion::completion(snap, params),
        )
        .await
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        let uri = params.text_document.uri.clone();
        self.on_document(
            "symbols::document_symbol",
            &uri,
            Reads::Document,
            move |snap| symbols::document_symbol(snap, params),
        )
        .await
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        let uri = params.text_document.uri.clone();
        self.on_document(
            "folding::folding_range",
            &uri,
            Reads::Document,
            move |snap| folding::folding_range(snap, params),
        )
        .await
    }

    async fn document_highlight(
        &self,
        params: DocumentHighlightParams,
    ) -> Result<Option<Vec<DocumentHighlight>>> {
        let uri = params
            .text_document_position_params
            .text_document
            .uri
            .clone();
        self.on_document(
            "references::document_highlight",
            &uri,
            Reads::Document,
            move |snap| references::document_highlight(snap, params),
        )
        .await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let uri = params.text_document_position.text_document.uri.clone();
        self.on_document(
            "references::references",
            &uri,
            Reads::Document,
            move |snap| references::references(snap, params),
        )
        .await
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        let uri = params.text_document.uri.clone();
        self.on_document("rename::prepare_rename", &uri, Reads::Lines, move |snap| {
            rename::prepare_rename(snap, params)
        })
        .await
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let uri = params.text_document_position.text_document.uri.clone();
        self.on_document("rename::rename", &uri, Reads::Document, move |snap| {
            Some(rename::rename(snap, params))
        })
        .await?
        .unwrap_or(Ok(None))
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        let uri = params.text_document.uri.clone();
        self.on_document("inlay_hints::inlay_hint", &uri, Reads::Lines, move |snap| {
            inlay_hints::inlay_hint(snap, params)
        })
        .await
    }
}

impl Backend {
    /// Every token of `uri` with a new result id, made into an answer by
    /// `answer` on the blocking pool, and kept for later deltas.
    async fn tokens_full<A: Send + 'static>(
        &self,
        uri: &Uri,
        answer: impl FnOnce(&str, &TokenCache) -> A + Send + 'static,
    ) -> Result<Option<A>> {
        let id = self.state().new_result_id();
        let kept_id = id.clone();
        let made = self
            .on_document(
                "semantic_tokens::full",
                uri,
                Reads::DocumentNow,
                move |snap| {
                    let cache = semantic_tokens::full(snap);
                    Some((answer(&id, &cache), cache))
                },
            )
            .await?;
        Ok(made.map(|(answer, cache)| {
            self.keep_tokens(uri, &kept_id, cache);
            answer
        }))
    }

    /// Keeps the tokens just sent as the ones the client holds. They may
    /// be some edits old already: the next delta brings them up to date.
    fn keep_tokens(&self, uri: &Uri, id: &str, cache: TokenCache) {
        if let Some(open) = self.state().documents.get_mut(uri) {
            open.tokens = Some((id.to_string(), cache));
        }
    }

    /// `textDocument/semanticTokens/full` on the stdio server: `input.rs`
    /// turns the request into this notification, in its place in the
    /// message order, and the answer is written straight to stdout (see
    /// [`semantic_tokens::direct_response`]).
    async fn tokens_full_direct(&self, request: input::Rerouted) {
        let Some((out, id, params)) = self.rerouted::<SemanticTokensParams>(request) else {
            return;
        };
        let request_id = id.clone();
        let answered = self
            .tokens_full(&params.text_document.uri, move |result_id, cache| {
                semantic_tokens::direct_response(&request_id, result_id, cache)
            })
            .await;
        send_direct(&out, &id, answered);
    }

    /// `textDocument/documentSymbol` on the stdio server, rerouted like
    /// [`Self::tokens_full_direct`] (see `symbols.rs`).
    async fn document_symbol_direct(&self, request: input::Rerouted) {
        let Some((out, id, params)) = self.rerouted::<DocumentSymbolParams>(request) else {
            return;
        };
        let request_id = id.clone();
        let answered = self
            .on_document(
                "symbols::direct_response",
                &params.text_document.uri,
                Reads::Document,
                move |snap| Some(symbols::direct_response(snap, &request_id)),
            )
            .await;
        send_direct(&out, &id, answered);
    }

    /// The output, id and decoded params of a rerouted request; a request
    /// whose params do not decode is answered with an error here.
    fn rerouted<P: serde::de::DeserializeOwned>(
        &self,
        request: input::Rerouted,
    ) -> Option<(output::Output, serde_json::Value, P)> {
        let out = self.output.clone()?;
        match serde_json::from_value::<P>(request.params) {
            Ok(params) => Some((out, request.id, params)),
            Err(e) => {
                let error = tower_lsp_server::jsonrpc::Error::invalid_params(e.to_string());
                out.respond_error(&request.id, &error);
                None
            }
        }
    }
}

/// Sends a directly serialised answer to request `id`: its bytes, `null`
/// for a document that is not open, or the error.
fn send_direct(
    out: &output::Output,
    id: &serde_json::Value,
    answered: Result<Option<Option<Vec<u8>>>>,
) {
    match answered {
        Ok(Some(Some(framed))) => out.send_bytes(framed),
        Ok(Some(None)) => {
            out.respond_error(id, &tower_lsp_server::jsonrpc::Error::internal_error())
        }
        Ok(None) => out.respond(id, &serde_json::Value::Null),
        Err(e) => out.respond_error(id, &e),
    }
}

/// Runs a whole-document request's work on a pool of its own, at a lower
/// CPU priority, so that the task polling every handler goes on meanwhile
/// and a keystroke is not held up by it even when the cores are busy; a
/// panic fails this request only.
async fn offload<T: Send + 'static>(
    what: &'static str,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T> {
    match background() {
        Some(pool) => pool.spawn_blocking(work).await.map_err(|_| failed(what)),
        None => offload_now(what, work).await,
    }
}

/// [`offload`] at normal priority, on tokio's shared blocking pool: for
/// whole-document work the editor waits on to paint.
async fn offload_now<T: Send + 'static>(
    what: &'static str,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|_| failed(what))
}

/// The error of a request whose work panicked (a bug of ours), logged.
fn failed(what: &str) -> tower_lsp_server::jsonrpc::Error {
    tracing::error!("{what} failed (a bug: please report it with the log); the server goes on");
    tower_lsp_server::jsonrpc::Error::internal_error()
}

/// The pool for whole-document work: a runtime of its own whose blocking
/// threads run at a lower priority (see `os.rs`). `None` if it cannot be
/// built; the shared blocking pool serves then.
fn background() -> Option<&'static tokio::runtime::Handle> {
    static POOL: std::sync::OnceLock<Option<tokio::runtime::Runtime>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .max_blocking_threads(8)
            .thread_name("policy-lsp-background")
            .on_thread_start(os::lower_thread_priority)
            .build()
            .map_err(|e| {
                tracing::warn!("no background pool ({e}): whole-document work shares the runtime's")
            })
            .ok()
    })
    .as_ref()
    .map(|rt| rt.handle())
}

/// Runs a request's work; a panic (a bug of ours) becomes an internal
/// error for that request instead of ending the server with every document.
fn guard<T>(what: &str, work: impl FnOnce() -> T) -> Result<T> {
    std::panic::catch_unwind(AssertUnwindSafe(work)).map_err(|_| {
        tracing::error!("{what} failed (a bug: please report it with the log); the server goes on");
        tower_lsp_server::jsonrpc::Error::internal_error()
    })
}

/// Runs a notification's work the same way; false if it panicked.
async fn guard_notification(what: &str, work: impl Future<Output = ()>) -> bool {
    let ok = AssertUnwindSafe(work).catch_unwind().await.is_ok();
    if !ok {
        tracing::error!("{what} failed (a bug: please report it with the log); the server goes on");
    }
    ok
}

/// Logging goes to stderr only: stdout carries the protocol.
fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("POLICY_LSP_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init();
}

/// How a session on stdio ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ended {
    /// `exit` came after `shutdown`, as the protocol asks.
    AfterShutdown,
    /// `exit` without `shutdown`, or stdin closed.
    WithoutShutdown,
}

/// Serves LSP on stdin/stdout until `exit` or the end of stdin. Fails only
/// when the async runtime cannot start.
pub fn run_stdio() -> std::io::Result<Ended> {
    init_tracing();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let shutdown = Arc::new(AtomicBool::new(false));
    runtime.block_on(async {
        let (out, writer, chunks) = output::channel();
        let drain = tokio::spawn(output::drain(chunks, tokio::io::stdout()));
        // Checked input reaches tower through an in-memory pipe.
        let (checked, to_tower) = tokio::io::duplex(1 << 16);
        let reading = tokio::spawn(input::filter(tokio::io::stdin(), to_tower, out.clone()));
        let (service, socket) = Backend::build_service(shutdown.clone(), Some(out));
        Server::new(checked, writer, socket).serve(service).await;
        // Stop reading (stdin may stay open after `exit`); this drops the
        // reader's handle on the output, so the drain can finish.
        reading.abort();
        // Let what is queued reach the client before the process ends.
        let _ = tokio::time::timeout(Duration::from_secs(2), drain).await;
    });
    // Reading stdin blocks a runtime thread that dropping the runtime would
    // wait for while the client keeps stdin open: never drop it. The
    // process ends when `main` returns, taking the thread with it.
    std::mem::forget(runtime);
    Ok(if shutdown.load(Ordering::SeqCst) {
        Ended::AfterShutdown
    } else {
        Ended::WithoutShutdown
    })
}

/// Builds the service for in-process tests and embedding.
pub fn service() -> (LspService<Backend>, tower_lsp_server::ClientSocket) {
    Backend::build_service(Arc::new(AtomicBool::new(false)), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panicking_request_becomes_an_internal_error() {
        let err = guard("test", || -> u32 { panic!("a bug") }).unwrap_err();
        assert_eq!(
            err.code,
            tower_lsp_server::jsonrpc::ErrorCode::InternalError
        );
        assert_eq!(guard("test", || 7).unwrap(), 7);
    }

    #[tokio::test]
    async fn a_panicking_notification_is_reported_not_propagated() {
        assert!(!guard_notification("test", async { panic!("a bug") }).await);
        assert!(guard_notification("test", async {}).await);
    }
}
