//! An in-process LSP client: drives the service as an editor would, without
//! a subprocess, and converts between char columns (what fixtures mark) and
//! the negotiated encoding.

use std::collections::HashMap;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use policy_core::position::PositionEncoding;
use policy_lsp::server::{Backend, service};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tower::{Service, ServiceExt};
use tower_lsp_server::LspService;
use tower_lsp_server::jsonrpc::{Request, Response};

/// How long a test waits for the server before failing.
const TIMEOUT: Duration = Duration::from_secs(10);

pub struct TestClient {
    service: LspService<Backend>,
    from_server: mpsc::UnboundedReceiver<Request>,
    next_id: i64,
    pub encoding: PositionEncoding,
    /// What the server answered to `initialize`.
    pub capabilities: Value,
    /// Latest published diagnostics per URI: (version, diagnostics).
    pub published: HashMap<String, (Option<i64>, Vec<Value>)>,
    /// Every `window/logMessage` text, in order.
    pub logs: Vec<String>,
    /// The method of every other message from the server, in order.
    pub seen: Vec<String>,
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
            capabilities: Value::Null,
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
        let init = client
            .request(
                "initialize",
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
        let negotiated = init["capabilities"]["positionEncoding"]
            .as_str()
            .unwrap_or("utf-16");
        client.encoding = PositionEncoding::from_name(negotiated).expect("a known encoding");
        client.capabilities = init["capabilities"].clone();
        client.notify("initialized", json!({})).await;
        client
    }

    async fn call(&mut self, req: Request) -> Option<Response> {
        let fut = self.service.ready().await.expect("service ready").call(req);
        tokio::time::timeout(TIMEOUT, fut)
            .await
            .expect("server answers in time")
            .expect("server alive")
    }

    /// Sends a request; `Err` carries the JSON-RPC error.
    pub async fn request(&mut self, method: &'static str, params: Value) -> Result<Value, Value> {
        self.next_id += 1;
        let req = Request::build(method)
            .id(self.next_id)
            .params(params)
            .finish();
        let resp = self.call(req).await.expect("a request gets a response");
        let (_, body) = resp.into_parts();
        body.map_err(|e| serde_json::to_value(e).unwrap())
    }

    pub async fn notify(&mut self, method: &'static str, params: Value) {
        let req = Request::build(method).params(params).finish();
        assert!(
            self.call(req).await.is_none(),
            "a notification gets no response"
        );
    }

    pub async fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "policy", "version": 1, "text": text } }),
        )
        .await;
    }

    /// Sends one `didChange` with `changes` (already in protocol form).
    pub async fn change(&mut self, uri: &str, version: i64, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": changes }),
        )
        .await;
    }

    /// `semanticTokens/full` of `uri`.
    pub async fn full_tokens(&mut self, uri: &str) -> Value {
        self.request(
            "textDocument/semanticTokens/full",
            json!({ "textDocument": { "uri": uri } }),
        )
        .await
        .expect("semantic tokens")
    }

    /// `semanticTokens/full/delta` of `uri` since the result `previous`.
    pub async fn token_delta(&mut self, uri: &str, previous: &str) -> Value {
        self.request(
            "textDocument/semanticTokens/full/delta",
            json!({ "textDocument": { "uri": uri }, "previousResultId": previous }),
        )
        .await
        .expect("semantic tokens delta")
    }

    /// Forgets what was published for `uri`, to wait for the next publish.
    pub fn forget(&mut self, uri: &str) {
        self.published.remove(uri);
    }

    /// Reads server messages until `uri` has diagnostics of `version`.
    pub async fn diagnostics(&mut self, uri: &str, version: Option<i64>) -> Vec<Value> {
        loop {
            if let Some((v, d)) = self.published.get(uri)
                && *v == version
            {
                return d.clone();
            }
            self.next_message().await;
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
            "textDocument/publishDiagnostics" => {
                let uri = params["uri"].as_str().unwrap().to_string();
                let version = params["version"].as_i64();
                let diags = params["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                self.published.insert(uri, (version, diags));
            }
            "window/logMessage" => self
                .logs
                .push(params["message"].as_str().unwrap_or("").to_string()),
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

    /// The protocol position of (line, char column) in `text`.
    pub fn pos(&self, text: &str, line: usize, col: usize) -> Value {
        let l = policy_core::document::lines_of(text)
            .nth(line)
            .unwrap_or("");
        let prefix: String = l.chars().take(col).collect();
        json!({ "line": line, "character": self.encoding.units_of_str(&prefix) })
    }

    /// The char column of a protocol position in `text`.
    pub fn char_col(&self, text: &str, pos: &Value) -> (usize, usize) {
        let line = pos["line"].as_u64().unwrap() as usize;
        let units = pos["character"].as_u64().unwrap() as usize;
        let l = policy_core::document::lines_of(text)
            .nth(line)
            .unwrap_or("");
        let mut acc = 0;
        for (i, c) in l.chars().enumerate() {
            if acc >= units {
                assert_eq!(acc, units, "position {pos} falls inside a character");
                return (line, i);
            }
            acc += self.encoding.units_of(c);
        }
        assert_eq!(acc, units, "position {pos} is past the end of line {line}");
        (line, l.chars().count())
    }

    /// A diagnostic or any `{range}` as a [`super::Mark`] labelled `label`.
    pub fn mark(&self, text: &str, range: &Value, label: &str) -> super::Mark {
        let (line, start) = self.char_col(text, &range["start"]);
        let (end_line, end) = self.char_col(text, &range["end"]);
        assert_eq!(line, end_line, "single-line range expected");
        super::Mark {
            line,
            start,
            end,
            label: label.to_string(),
        }
    }
}

/// The three encodings a client may negotiate, by protocol name.
pub const ENCODINGS: [&str; 3] = ["utf-8", "utf-16", "utf-32"];
