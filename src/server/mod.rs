//! The language server: LSP over stdio on the core.
//!
//! Architecture invariant: tower-lsp-server runs up to four handlers at
//! once, so every handler does its work on [`State`] synchronously, under
//! the mutex and before its first `.await`; no lock is held across an
//! `.await`. A `didChange` is therefore applied in arrival order, and its
//! diagnostics are queued (still synchronously) on one ordered channel that
//! a single task publishes from, so an editor never sees an older version's
//! diagnostics after a newer one's.

mod config;
mod convert;
mod diagnostics;
mod hover;
mod input;
mod output;
mod semantic_tokens;
mod state;
mod sync;
// Authoring assistance (issue 6).
mod code_action;
mod completion;
mod folding;
mod inlay_hints;
mod references;
mod rename;
mod symbols;

use std::collections::HashSet;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use futures::FutureExt;
use tokio::sync::mpsc;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

pub use config::Settings;
use policy_core::position::PositionEncoding;
use state::State;

/// How long the server waits for the client to answer a request of its own
/// (registration, refresh) before it gives up; a slow client must not stall
/// anything.
const CLIENT_REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

/// The service behind the protocol.
pub struct Backend {
    client: Client,
    state: Mutex<State>,
    publish: mpsc::UnboundedSender<diagnostics::Publish>,
    shutdown: Arc<AtomicBool>,
    /// The client can watch files for us (dynamic registration).
    watch_files: AtomicBool,
    /// Documents whose server copy is known to differ from the editor's: a
    /// change could not be read (`input.rs`). Until reopened or replaced
    /// whole, they carry an `out-of-sync` diagnostic.
    out_of_sync: Mutex<HashSet<Uri>>,
    /// Where answers serialised straight to stdout go (`symbols.rs`).
    output: Option<output::Output>,
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
            state: Mutex::new(State::default()),
            publish,
            shutdown,
            watch_files: AtomicBool::new(false),
            out_of_sync: Mutex::new(HashSet::new()),
            output,
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
            .finish()
    }

    /// A `didOpen` or `didChange` that could not be read (see `input.rs`).
    async fn out_of_sync_change(&self, params: input::OutOfSync) {
        guard_notification("out_of_sync", sync::out_of_sync(self, params)).await;
    }

    /// `documentSymbol`, answered straight to stdout (see `input.rs`).
    async fn document_symbol_direct(&self, params: input::Rerouted) {
        let id = params.id.clone();
        let work = async { symbols::document_symbol_direct(self, params) };
        if !guard_notification("symbols::document_symbol_direct", work).await {
            symbols::reply_error(self, &id, -32603, "Internal error");
        }
    }

    /// The state; a handler that panicked while holding the lock must not
    /// take the server down with it, so a poisoned lock is used as it is.
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
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
/// it lists none (spec §6).
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
        let problems;
        let pull;
        let inlay_hints;
        {
            let mut state = self.state();
            state.encoding = encoding;
            state.markdown_hover = client_accepts_markdown(&params);
            state.code_action_resolve = code_action::client_resolves_edits(&params);
            problems = params
                .initialization_options
                .as_ref()
                .map(|o| state.settings.apply(o))
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
                        workspace_diagnostics: false,
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
                open.rebuild();
            }
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        guard_notification("did_close", sync::did_close(self, params)).await;
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        guard_notification(
            "did_change_configuration",
            sync::did_change_configuration(self, params),
        )
        .await;
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
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
        guard("diagnostics::pull", || diagnostics::pull(self, params))?
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        guard("hover::hover", || hover::hover(self, params))
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        guard("semantic_tokens::full", || {
            semantic_tokens::full(self, params)
        })
    }

    async fn semantic_tokens_full_delta(
        &self,
        params: SemanticTokensDeltaParams,
    ) -> Result<Option<SemanticTokensFullDeltaResult>> {
        guard("semantic_tokens::delta", || {
            semantic_tokens::delta(self, params)
        })
    }

    async fn semantic_tokens_range(
        &self,
        params: SemanticTokensRangeParams,
    ) -> Result<Option<SemanticTokensRangeResult>> {
        guard("semantic_tokens::range", || {
            semantic_tokens::range(self, params)
        })
    }

    // Authoring assistance (issue 6): each handler works synchronously
    // under the state lock, like the ones above.

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        guard("code_action::code_action", || {
            code_action::code_action(self, params)
        })
    }

    async fn code_action_resolve(&self, params: CodeAction) -> Result<CodeAction> {
        guard("code_action::resolve", || {
            code_action::resolve(self, params)
        })
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        guard("completion::completion", || {
            completion::completion(self, params)
        })
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        guard("symbols::document_symbol", || {
            symbols::document_symbol(self, params)
        })
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        guard("folding::folding_range", || {
            folding::folding_range(self, params)
        })
    }

    async fn document_highlight(
        &self,
        params: DocumentHighlightParams,
    ) -> Result<Option<Vec<DocumentHighlight>>> {
        guard("references::document_highlight", || {
            references::document_highlight(self, params)
        })
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        guard("references::references", || {
            references::references(self, params)
        })
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        guard("rename::prepare_rename", || {
            rename::prepare_rename(self, params)
        })
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        guard("rename::rename", || rename::rename(self, params))?
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        guard("inlay_hints::inlay_hint", || {
            inlay_hints::inlay_hint(self, params)
        })
    }
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
