//! An in-process LSP client: drives the service as an editor would, without
//! a subprocess. Tests speak in char columns of the fixture text (what the
//! markers give); the client keeps each open document's text, converts
//! positions to and from the negotiated encoding, and answers in typed
//! values (`ls_types`, or [`Mark`]s where a test compares spans).

use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use policy_core::document::lines_of;
use policy_core::position::PositionEncoding;
use policy_lsp::server::{Backend, service};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tower::{Service, ServiceExt};
use tower_lsp_server::LspService;
use tower_lsp_server::jsonrpc::{self, Request, Response};
use tower_lsp_server::ls_types::notification::{self as note, Notification};
use tower_lsp_server::ls_types::request::{self as req, Request as LspRequest};
use tower_lsp_server::ls_types::*;

use super::edits::apply_text_edits;
use super::{Cursor, Mark};

/// How long a test waits for the server before failing: only to stop a hung
/// test, never to measure speed.
const TIMEOUT: Duration = Duration::from_secs(10);

/// The three encodings a client may negotiate, by protocol name.
pub const ENCODINGS: [&str; 3] = ["utf-8", "utf-16", "utf-32"];

/// What a hover shows, its range in char columns.
#[derive(Clone, Debug)]
pub struct HoverText {
    pub markdown: bool,
    pub value: String,
    /// The span the hover is about, labelled `hover`.
    pub range: Option<Mark>,
}

impl HoverText {
    /// The verdict: the first line.
    pub fn first_line(&self) -> &str {
        self.value.lines().next().unwrap_or("")
    }
}

/// One decoded semantic token, in char columns.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Token {
    pub line: usize,
    pub start: usize,
    pub end: usize,
    /// The legend's name of the token type (`data`, `action`, …).
    pub kind: String,
    /// The legend's names of the modifiers set.
    pub modifiers: Vec<String>,
}

impl Token {
    /// A mark labelled with the kind, and `+modifier` for each modifier.
    pub fn mark(&self) -> Mark {
        let mut label = self.kind.clone();
        for m in &self.modifiers {
            label.push('+');
            label.push_str(m);
        }
        Mark {
            line: self.line,
            start: self.start,
            end: self.end,
            label,
        }
    }
}

pub struct TestClient {
    service: LspService<Backend>,
    from_server: mpsc::UnboundedReceiver<Request>,
    next_id: i64,
    pub encoding: PositionEncoding,
    /// What the server answered to `initialize`.
    pub capabilities: ServerCapabilities,
    /// The text of each document as the client last sent it.
    texts: HashMap<String, String>,
    /// The version last sent for each document.
    versions: HashMap<String, i32>,
    /// Latest published diagnostics per URI: (version, diagnostics).
    published: HashMap<String, (Option<i32>, Vec<Diagnostic>)>,
    /// Every `window/logMessage` text, in order.
    pub logs: Vec<String>,
    /// The method of every other message from the server, in order.
    pub seen: Vec<String>,
}

/// A URI for the protocol; tests name documents by string.
pub fn uri(s: &str) -> Uri {
    Uri::from_str(s).unwrap_or_else(|e| panic!("a test URI {s:?}: {e:?}"))
}

fn doc(s: &str) -> TextDocumentIdentifier {
    TextDocumentIdentifier { uri: uri(s) }
}

/// The protocol position of a char-column cursor in `text`.
pub fn position_in(enc: PositionEncoding, text: &str, at: Cursor) -> Position {
    let l = lines_of(text).nth(at.line).unwrap_or("");
    let prefix: String = l.chars().take(at.col).collect();
    Position::new(at.line as u32, enc.units_of_str(&prefix) as u32)
}

/// The char-column cursor of a protocol position in `text`; fails a test
/// whose position falls inside a character or past the end of its line.
pub fn cursor_in(enc: PositionEncoding, text: &str, pos: Position) -> Cursor {
    let line = pos.line as usize;
    let units = pos.character as usize;
    let l = lines_of(text).nth(line).unwrap_or("");
    let mut acc = 0;
    for (i, c) in l.chars().enumerate() {
        if acc >= units {
            assert_eq!(acc, units, "position {pos:?} falls inside a character");
            return Cursor { line, col: i };
        }
        acc += enc.units_of(c);
    }
    assert_eq!(
        acc, units,
        "position {pos:?} is past the end of line {line}"
    );
    Cursor {
        line,
        col: l.chars().count(),
    }
}

impl TestClient {
    /// Initializes a server whose client offers `encoding` (`None`: lists
    /// no encodings), with `options` as `initializationOptions`.
    pub async fn start(encoding: Option<&str>, options: Value) -> TestClient {
        Self::start_with(encoding, options, json!({})).await
    }

    /// Like [`TestClient::start`], with `text_document` capabilities added
    /// to (or replacing) the default ones.
    pub async fn start_with(
        encoding: Option<&str>,
        options: Value,
        text_document: Value,
    ) -> TestClient {
        let (service, socket) = service();
        let (tx, from_server) = mpsc::unbounded_channel();
        let (mut requests, mut responses) = socket.split();
        tokio::spawn(async move {
            while let Some(req) = requests.next().await {
                // Answer the server's own requests (registration, refresh).
                if let Some(id) = req.id().cloned() {
                    let _ = responses.send(Response::from_ok(id, Value::Null)).await;
                }
                let _ = tx.send(req);
            }
        });
        let mut client = TestClient {
            service,
            from_server,
            next_id: 0,
            encoding: PositionEncoding::Utf16,
            capabilities: ServerCapabilities::default(),
            texts: HashMap::new(),
            versions: HashMap::new(),
            published: HashMap::new(),
            logs: Vec::new(),
            seen: Vec::new(),
        };
        let general = match encoding {
            Some(e) => json!({ "positionEncodings": [e] }),
            None => json!({}),
        };
        let mut caps = json!({
            "hover": { "contentFormat": ["markdown", "plaintext"] },
            "publishDiagnostics": { "versionSupport": true },
        });
        if let (Some(caps), Some(extra)) = (caps.as_object_mut(), text_document.as_object()) {
            caps.extend(extra.clone());
        }
        // Sent as JSON: the client's capabilities are what a test varies.
        let init = client
            .request(
                req::Initialize::METHOD,
                json!({
                    "processId": null,
                    "rootUri": null,
                    "initializationOptions": options,
                    "capabilities": {
                        "general": general,
                        "textDocument": caps,
                    },
                }),
            )
            .await
            .expect("initialize succeeds");
        let init: InitializeResult = serde_json::from_value(init).expect("an InitializeResult");
        let negotiated = init
            .capabilities
            .position_encoding
            .as_ref()
            .map_or("utf-16", |e| e.as_str());
        client.encoding = PositionEncoding::from_name(negotiated).expect("a known encoding");
        client.capabilities = init.capabilities;
        client
            .notify::<note::Initialized>(InitializedParams {})
            .await;
        client
    }

    async fn call(&mut self, req: Request) -> Option<Response> {
        let fut = self.service.ready().await.expect("service ready").call(req);
        tokio::time::timeout(TIMEOUT, fut)
            .await
            .expect("server answers in time")
            .expect("server alive")
    }

    /// Sends a request as raw JSON, for what the typed methods cannot say
    /// (unknown methods, stale ids); `Err` carries the JSON-RPC error.
    pub async fn request(
        &mut self,
        method: &'static str,
        params: Value,
    ) -> Result<Value, jsonrpc::Error> {
        self.next_id += 1;
        let req = Request::build(method)
            .id(self.next_id)
            .params(params)
            .finish();
        let resp = self.call(req).await.expect("a request gets a response");
        resp.into_parts().1
    }

    /// Sends a typed request and reads its typed result.
    pub async fn send<R: LspRequest>(
        &mut self,
        params: R::Params,
    ) -> Result<R::Result, jsonrpc::Error>
    where
        R::Params: Serialize,
        R::Result: DeserializeOwned,
    {
        let params = serde_json::to_value(params).expect("params serialize");
        let value = self.request(R::METHOD, params).await?;
        Ok(serde_json::from_value(value.clone())
            .unwrap_or_else(|e| panic!("{}: not a valid result ({e}): {value}", R::METHOD)))
    }

    /// Sends a notification as raw JSON.
    pub async fn notify_raw(&mut self, method: &'static str, params: Value) {
        let req = Request::build(method).params(params).finish();
        assert!(
            self.call(req).await.is_none(),
            "a notification gets no response"
        );
    }

    /// Sends a typed notification.
    pub async fn notify<N: Notification>(&mut self, params: N::Params)
    where
        N::Params: Serialize,
    {
        let params = serde_json::to_value(params).expect("params serialize");
        self.notify_raw(N::METHOD, params).await;
    }

    // ---- documents -----------------------------------------------------

    /// Opens `uri` with `text` at version 1.
    pub async fn open(&mut self, uri_s: &str, text: &str) {
        self.texts.insert(uri_s.to_string(), text.to_string());
        self.versions.insert(uri_s.to_string(), 1);
        self.notify::<note::DidOpenTextDocument>(DidOpenTextDocumentParams {
            text_document: TextDocumentItem {
                uri: uri(uri_s),
                language_id: "policy".into(),
                version: 1,
                text: text.to_string(),
            },
        })
        .await;
    }

    pub async fn close(&mut self, uri_s: &str) {
        self.texts.remove(uri_s);
        self.notify::<note::DidCloseTextDocument>(DidCloseTextDocumentParams {
            text_document: doc(uri_s),
        })
        .await;
    }

    /// The text of `uri` as the client last sent it.
    pub fn text(&self, uri: &str) -> &str {
        self.texts
            .get(uri)
            .unwrap_or_else(|| panic!("{uri} is not open in the test client"))
    }

    /// The version last sent for `uri`.
    pub fn version(&self, uri: &str) -> i32 {
        self.versions.get(uri).copied().unwrap_or(0)
    }

    /// Replaces `range` (char columns, `start..end` on their lines) with
    /// `new_text` in one `didChange` of the next version, as an editor
    /// would on a keystroke; returns that version.
    pub async fn edit(&mut self, uri_s: &str, from: Cursor, to: Cursor, new_text: &str) -> i32 {
        let text = self.text(uri_s).to_string();
        let range = Range::new(
            position_in(self.encoding, &text, from),
            position_in(self.encoding, &text, to),
        );
        let edit = TextEdit::new(range, new_text.to_string());
        let after = apply_text_edits(self.encoding, &text, &[edit]);
        let version = self.version(uri_s) + 1;
        self.change(
            uri_s,
            version,
            vec![TextDocumentContentChangeEvent {
                range: Some(range),
                range_length: None,
                text: new_text.to_string(),
            }],
        )
        .await;
        self.texts.insert(uri_s.to_string(), after);
        version
    }

    /// Sends one `didChange` with `changes`, in protocol positions as they
    /// are (a test of odd positions says what it sends). The client's copy
    /// of the text is left as it was, except for a whole-text change.
    pub async fn change(
        &mut self,
        uri_s: &str,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
    ) {
        if let [
            TextDocumentContentChangeEvent {
                range: None, text, ..
            },
        ] = &changes[..]
        {
            self.texts.insert(uri_s.to_string(), text.clone());
        }
        self.versions.insert(uri_s.to_string(), version);
        self.notify::<note::DidChangeTextDocument>(DidChangeTextDocumentParams {
            text_document: VersionedTextDocumentIdentifier {
                uri: uri(uri_s),
                version,
            },
            content_changes: changes,
        })
        .await;
    }

    /// Sends settings as `workspace/didChangeConfiguration`.
    pub async fn configure(&mut self, settings: Value) {
        self.notify::<note::DidChangeConfiguration>(DidChangeConfigurationParams { settings })
            .await;
    }

    /// Says the file at `uri` changed on disk.
    pub async fn file_changed(&mut self, uri_s: &str) {
        self.notify::<note::DidChangeWatchedFiles>(DidChangeWatchedFilesParams {
            changes: vec![FileEvent::new(uri(uri_s), FileChangeType::CHANGED)],
        })
        .await;
    }

    // ---- positions -----------------------------------------------------

    /// The protocol position of `at` in the text of `uri`.
    pub fn position(&self, uri: &str, at: Cursor) -> Position {
        position_in(self.encoding, self.text(uri), at)
    }

    /// The protocol range of `m` in the text of `uri`.
    pub fn range(&self, uri: &str, m: &Mark) -> Range {
        Range::new(self.position(uri, m.start()), self.position(uri, m.end()))
    }

    /// The char-column cursor of a protocol position in the text of `uri`.
    pub fn cursor(&self, uri: &str, pos: Position) -> Cursor {
        cursor_in(self.encoding, self.text(uri), pos)
    }

    /// A protocol range of one line of `uri` as a [`Mark`] labelled `label`.
    pub fn mark(&self, uri: &str, range: &Range, label: &str) -> Mark {
        let start = self.cursor(uri, range.start);
        let end = self.cursor(uri, range.end);
        assert_eq!(start.line, end.line, "single-line range expected");
        Mark {
            line: start.line,
            start: start.col,
            end: end.col,
            label: label.to_string(),
        }
    }

    fn at(&self, uri_s: &str, at: Cursor) -> TextDocumentPositionParams {
        TextDocumentPositionParams {
            text_document: doc(uri_s),
            position: self.position(uri_s, at),
        }
    }

    // ---- diagnostics ---------------------------------------------------

    /// Forgets what was published for `uri`, to wait for the next publish.
    pub fn forget(&mut self, uri: &str) {
        self.published.remove(uri);
    }

    /// Reads server messages until `uri` has diagnostics of `version`.
    pub async fn diagnostics(&mut self, uri: &str, version: Option<i32>) -> Vec<Diagnostic> {
        loop {
            if let Some((v, d)) = self.published.get(uri)
                && *v == version
            {
                return d.clone();
            }
            self.next_message().await;
        }
    }

    /// The published diagnostics of `uri` at `version` as marks labelled
    /// with their codes, sorted.
    pub async fn diagnostic_marks(&mut self, uri: &str, version: Option<i32>) -> Vec<Mark> {
        let diags = self.diagnostics(uri, version).await;
        let mut marks: Vec<Mark> = diags
            .iter()
            .map(|d| self.mark(uri, &d.range, code(d)))
            .collect();
        marks.sort();
        marks
    }

    /// `textDocument/diagnostic`: the full report's items.
    pub async fn pull_diagnostics(
        &mut self,
        uri_s: &str,
    ) -> Result<Vec<Diagnostic>, jsonrpc::Error> {
        let report = self
            .send::<req::DocumentDiagnosticRequest>(DocumentDiagnosticParams {
                text_document: doc(uri_s),
                identifier: None,
                previous_result_id: None,
                work_done_progress_params: Default::default(),
                partial_result_params: Default::default(),
            })
            .await?;
        match report {
            DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Full(full)) => {
                Ok(full.full_document_diagnostic_report.items)
            }
            other => panic!("a full report expected: {other:?}"),
        }
    }

    async fn next_message(&mut self) {
        let req = tokio::time::timeout(TIMEOUT, self.from_server.recv())
            .await
            .expect("the server says something in time")
            .expect("the server is alive");
        let (method, _, params) = req.into_parts();
        let params = params.unwrap_or(Value::Null);
        match &*method {
            note::PublishDiagnostics::METHOD => {
                let p: PublishDiagnosticsParams =
                    serde_json::from_value(params).expect("valid publishDiagnostics");
                self.published
                    .insert(p.uri.as_str().to_string(), (p.version, p.diagnostics));
            }
            note::LogMessage::METHOD => {
                let p: LogMessageParams = serde_json::from_value(params).expect("valid logMessage");
                self.logs.push(p.message);
            }
            other => self.seen.push(other.to_string()),
        }
    }

    /// Reads server messages until it has sent `method`.
    pub async fn wait_for(&mut self, method: &str) {
        while !self.seen.iter().any(|m| m == method) {
            self.next_message().await;
        }
    }

    /// Reads server messages until a `window/logMessage` passes `pred`.
    pub async fn wait_for_log(&mut self, pred: impl Fn(&str) -> bool) -> String {
        loop {
            if let Some(l) = self.logs.iter().find(|l| pred(l)) {
                return l.clone();
            }
            self.next_message().await;
        }
    }

    // ---- features ------------------------------------------------------

    pub async fn hover(&mut self, uri_s: &str, at: Cursor) -> Option<HoverText> {
        let params = HoverParams {
            text_document_position_params: self.at(uri_s, at),
            work_done_progress_params: Default::default(),
        };
        let hover = self
            .send::<req::HoverRequest>(params)
            .await
            .expect("hover answers")?;
        let HoverContents::Markup(content) = hover.contents else {
            panic!("hover contents are markup: {:?}", hover.contents);
        };
        Some(HoverText {
            markdown: content.kind == MarkupKind::Markdown,
            value: content.value,
            range: hover.range.map(|r| self.mark(uri_s, &r, "hover")),
        })
    }

    /// `semanticTokens/full`.
    pub async fn tokens(&mut self, uri_s: &str) -> SemanticTokens {
        let params = SemanticTokensParams {
            text_document: doc(uri_s),
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        };
        match self
            .send::<req::SemanticTokensFullRequest>(params)
            .await
            .expect("semantic tokens")
        {
            Some(SemanticTokensResult::Tokens(t)) => t,
            other => panic!("full tokens expected: {other:?}"),
        }
    }

    /// `semanticTokens/range` of `range` (protocol positions).
    pub async fn tokens_range(&mut self, uri_s: &str, range: Range) -> SemanticTokens {
        let params = SemanticTokensRangeParams {
            text_document: doc(uri_s),
            range,
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        };
        match self
            .send::<req::SemanticTokensRangeRequest>(params)
            .await
            .expect("semantic tokens range")
        {
            Some(SemanticTokensRangeResult::Tokens(t)) => t,
            other => panic!("tokens expected: {other:?}"),
        }
    }

    /// `semanticTokens/full/delta` since the result `previous`.
    pub async fn tokens_delta(
        &mut self,
        uri_s: &str,
        previous: &str,
    ) -> SemanticTokensFullDeltaResult {
        let params = SemanticTokensDeltaParams {
            text_document: doc(uri_s),
            previous_result_id: previous.to_string(),
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        };
        self.send::<req::SemanticTokensFullDeltaRequest>(params)
            .await
            .expect("semantic tokens delta")
            .expect("a delta or full tokens")
    }

    /// Decodes tokens of `uri` with the legend the server announced.
    pub fn decode(&self, uri: &str, tokens: &[SemanticToken]) -> Vec<Token> {
        let Some(SemanticTokensServerCapabilities::SemanticTokensOptions(options)) =
            &self.capabilities.semantic_tokens_provider
        else {
            panic!("semantic tokens offered with options");
        };
        let legend = &options.legend;
        let (mut line, mut start) = (0u32, 0u32);
        tokens
            .iter()
            .map(|t| {
                if t.delta_line > 0 {
                    line += t.delta_line;
                    start = t.delta_start;
                } else {
                    start += t.delta_start;
                }
                let range = Range::new(
                    Position::new(line, start),
                    Position::new(line, start + t.length),
                );
                let m = self.mark(uri, &range, "");
                let modifiers = legend
                    .token_modifiers
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| t.token_modifiers_bitset & (1 << i) != 0)
                    .map(|(_, m)| m.as_str().to_string())
                    .collect();
                Token {
                    line: m.line,
                    start: m.start,
                    end: m.end,
                    kind: legend.token_types[t.token_type as usize]
                        .as_str()
                        .to_string(),
                    modifiers,
                }
            })
            .collect()
    }

    /// The code actions for `range` (char columns) with `diagnostics` in
    /// the context and, with `only`, those kinds only.
    pub async fn code_actions(
        &mut self,
        uri_s: &str,
        range: &Mark,
        diagnostics: &[Diagnostic],
        only: Option<Vec<CodeActionKind>>,
    ) -> Vec<CodeAction> {
        let range = self.range(uri_s, range);
        self.code_actions_at(uri_s, range, diagnostics, only).await
    }

    /// [`TestClient::code_actions`] for a protocol range, as it is.
    pub async fn code_actions_at(
        &mut self,
        uri_s: &str,
        range: Range,
        diagnostics: &[Diagnostic],
        only: Option<Vec<CodeActionKind>>,
    ) -> Vec<CodeAction> {
        let params = CodeActionParams {
            text_document: doc(uri_s),
            range,
            context: CodeActionContext {
                diagnostics: diagnostics.to_vec(),
                only,
                trigger_kind: None,
            },
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        };
        self.send::<req::CodeActionRequest>(params)
            .await
            .expect("code actions")
            .unwrap_or_default()
            .into_iter()
            .map(|a| match a {
                CodeActionOrCommand::CodeAction(a) => a,
                CodeActionOrCommand::Command(c) => panic!("a command, not an action: {c:?}"),
            })
            .collect()
    }

    pub async fn resolve(&mut self, action: CodeAction) -> CodeAction {
        self.send::<req::CodeActionResolveRequest>(action)
            .await
            .expect("the action resolves")
    }

    pub async fn completion(&mut self, uri_s: &str, at: Cursor) -> Option<CompletionList> {
        let params = CompletionParams {
            text_document_position: self.at(uri_s, at),
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
            context: None,
        };
        match self
            .send::<req::Completion>(params)
            .await
            .expect("completion answers")?
        {
            CompletionResponse::List(l) => Some(l),
            CompletionResponse::Array(items) => Some(CompletionList {
                is_incomplete: false,
                items,
            }),
        }
    }

    pub async fn document_symbols(&mut self, uri_s: &str) -> Vec<DocumentSymbol> {
        let params = DocumentSymbolParams {
            text_document: doc(uri_s),
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        };
        match self
            .send::<req::DocumentSymbolRequest>(params)
            .await
            .expect("document symbols")
        {
            Some(DocumentSymbolResponse::Nested(s)) => s,
            Some(DocumentSymbolResponse::Flat(f)) if f.is_empty() => Vec::new(),
            other => panic!("nested symbols expected: {other:?}"),
        }
    }

    pub async fn folding_ranges(&mut self, uri_s: &str) -> Vec<FoldingRange> {
        let params = FoldingRangeParams {
            text_document: doc(uri_s),
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        };
        self.send::<req::FoldingRangeRequest>(params)
            .await
            .expect("folding ranges")
            .unwrap_or_default()
    }

    /// Document highlights at `at`, as marks labelled `label`.
    pub async fn highlights(&mut self, uri_s: &str, at: Cursor, label: &str) -> Vec<Mark> {
        let params = DocumentHighlightParams {
            text_document_position_params: self.at(uri_s, at),
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        };
        let found = self
            .send::<req::DocumentHighlightRequest>(params)
            .await
            .expect("highlights")
            .unwrap_or_default();
        found
            .iter()
            .map(|h| self.mark(uri_s, &h.range, label))
            .collect()
    }

    /// References at `at` (declaration included), as marks labelled
    /// `label`; every one must be in `uri`.
    pub async fn references(&mut self, uri_s: &str, at: Cursor, label: &str) -> Vec<Mark> {
        let params = ReferenceParams {
            text_document_position: self.at(uri_s, at),
            context: ReferenceContext {
                include_declaration: true,
            },
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        };
        let found = self
            .send::<req::References>(params)
            .await
            .expect("references")
            .unwrap_or_default();
        found
            .iter()
            .map(|l| {
                assert_eq!(l.uri.as_str(), uri_s, "a reference in this document");
                self.mark(uri_s, &l.range, label)
            })
            .collect()
    }

    /// `prepareRename` at `at`: the placeholder and its span, labelled `label`.
    pub async fn prepare_rename(
        &mut self,
        uri_s: &str,
        at: Cursor,
        label: &str,
    ) -> Option<(String, Mark)> {
        let params = self.at(uri_s, at);
        match self
            .send::<req::PrepareRenameRequest>(params)
            .await
            .expect("prepareRename answers")?
        {
            PrepareRenameResponse::RangeWithPlaceholder { range, placeholder } => {
                Some((placeholder, self.mark(uri_s, &range, label)))
            }
            other => panic!("a range with a placeholder expected: {other:?}"),
        }
    }

    pub async fn rename(
        &mut self,
        uri_s: &str,
        at: Cursor,
        new_name: &str,
    ) -> Result<WorkspaceEdit, jsonrpc::Error> {
        let params = RenameParams {
            text_document_position: self.at(uri_s, at),
            new_name: new_name.to_string(),
            work_done_progress_params: Default::default(),
        };
        self.send::<req::Rename>(params)
            .await
            .map(|e| e.expect("a rename gives an edit"))
    }

    /// Inlay hints of `range` (protocol positions, as they are).
    pub async fn inlay_hints(&mut self, uri_s: &str, range: Range) -> Vec<InlayHint> {
        let params = InlayHintParams {
            text_document: doc(uri_s),
            range,
            work_done_progress_params: Default::default(),
        };
        self.send::<req::InlayHintRequest>(params)
            .await
            .expect("inlay hints")
            .unwrap_or_default()
    }

    // ---- applying what the server proposes -----------------------------

    /// The text of `uri` after `edits` (all relative to it).
    pub fn applied_edits(&self, uri: &str, edits: &[TextEdit]) -> String {
        apply_text_edits(self.encoding, self.text(uri), edits)
    }

    /// The text of `uri` after a workspace edit of that one document.
    pub fn applied(&self, uri_s: &str, edit: &WorkspaceEdit) -> String {
        let changes = edit.changes.as_ref().expect("`changes` of one document");
        assert_eq!(changes.len(), 1, "edits of one document: {edit:?}");
        let edits = changes.get(&uri(uri_s)).expect("edits of this document");
        self.applied_edits(uri_s, edits)
    }
}

/// A diagnostic's code as a string.
pub fn code(d: &Diagnostic) -> &str {
    match &d.code {
        Some(NumberOrString::String(s)) => s,
        other => panic!("a string code expected: {other:?}"),
    }
}

/// An action's title, for messages and lookups.
pub fn titles(actions: &[CodeAction]) -> Vec<String> {
    actions.iter().map(|a| a.title.clone()).collect()
}
