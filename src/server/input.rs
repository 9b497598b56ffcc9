//! The server's stdin, framed and checked before tower-lsp-server sees it.
//!
//! Why: tower-lsp-server 0.23 reads stdin with a `FramedRead`, which stops
//! for good after its first decode error — one malformed message, a body
//! that is not UTF-8, or a wrong `Content-Length`, and the server answers
//! the parse error and then never reads again while still running. So we
//! frame the input ourselves, pass on only messages its decoder accepts
//! (checked with its own `Request` / `Response` types), answer the others
//! with a JSON-RPC error, and after garbage look for the next
//! `Content-Length` header.
//!
//! It also repairs what tower would drop in silence, so that the server
//! says so instead (issue 17):
//! - a lone UTF-16 surrogate escape (`"\ud83d"`) is read as U+FFFD;
//! - a URI with raw spaces or CJK (`file:///home/文件.policy`) is
//!   percent-encoded, in every message, so the document opens and later
//!   requests find it;
//! - a `didOpen` or `didChange` whose parameters do not decode becomes a
//!   [`OUT_OF_SYNC`] notification, so that the server can tell the user that
//!   its copy of the document is stale;
//! - `documentSymbol` and `semanticTokens/full` (once the session is
//!   initialized) become [`DOCUMENT_SYMBOL`] and [`TOKENS_FULL`]
//!   notifications carrying the request's id, so that their answers — the
//!   largest the server sends — are serialised straight to stdout
//!   (`symbols.rs`, `semantic_tokens.rs`) rather than through tower's
//!   `serde_json::Value` tree. As notifications they keep their place in
//!   the order of messages, after the edits that came before them.
//!
//! Header names are case-insensitive and may come in any order.
//!
//! Cost: each message is parsed twice (here and in tower); for a 100 MB
//! `didOpen` that is a fraction of a second, once. A document's text is
//! never copied to check the parameters around it.

use serde::Deserialize;
use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tower_lsp_server::jsonrpc::{Request, Response};
use tower_lsp_server::ls_types::{DidChangeTextDocumentParams, DidOpenTextDocumentParams, Uri};

use super::output::Output;

/// The notification a `didOpen` or `didChange` that cannot be read becomes;
/// its params are an [`OutOfSync`].
pub const OUT_OF_SYNC: &str = "policy/outOfSync";
/// The notification a `textDocument/documentSymbol` request becomes; its
/// params are a [`Rerouted`].
pub const DOCUMENT_SYMBOL: &str = "policy/documentSymbol";
/// The notification a `textDocument/semanticTokens/full` request becomes;
/// its params are a [`Rerouted`].
pub const TOKENS_FULL: &str = "policy/semanticTokensFull";

/// The requests answered outside tower, and the notifications they become.
const REROUTED: [(&str, &str); 2] = [
    ("textDocument/documentSymbol", DOCUMENT_SYMBOL),
    ("textDocument/semanticTokens/full", TOKENS_FULL),
];

/// A document change the server could not apply.
#[derive(Debug, Deserialize, serde::Serialize)]
pub struct OutOfSync {
    /// The document's URI as the client wrote it, if it could be read.
    pub uri: Option<String>,
    /// `textDocument/didOpen` or `textDocument/didChange`.
    pub method: String,
    /// Why the parameters could not be read.
    pub why: String,
}

/// A request to be answered outside tower: its id and its parameters.
#[derive(Debug, Deserialize, serde::Serialize)]
pub struct Rerouted {
    pub id: Value,
    pub params: Value,
}

/// Largest message accepted: several times the 100 MB document a test
/// sends, small enough that a corrupt length cannot exhaust memory.
const MAX_MESSAGE: usize = 1 << 30;
/// Longest header block before the input is taken for garbage.
const MAX_HEADER: usize = 8 * 1024;
/// The headers the protocol defines, lowercase (names are case-insensitive).
const CONTENT_LENGTH: &[u8] = b"content-length:";
const CONTENT_TYPE: &[u8] = b"content-type:";
/// How much is read from stdin at a time.
const READ_CHUNK: usize = 64 * 1024;
const HEADER_END: &[u8] = b"\r\n\r\n";

/// Copies well-formed messages from `input` to `tower` until `input` ends;
/// answers malformed ones on `output`.
pub async fn filter(
    mut input: impl AsyncRead + Unpin,
    mut tower: impl AsyncWrite + Unpin,
    output: Output,
) {
    let mut reader = Reader {
        buf: Vec::with_capacity(64 * 1024),
        start: 0,
    };
    let mut session = Session::default();
    loop {
        match reader.next_frame(&mut input).await {
            Frame::End => return,
            Frame::Garbage(why) => {
                tracing::warn!("stdin: {why}");
                reply_error(&output, Value::Null, -32700, &format!("Parse error: {why}"));
            }
            Frame::Body(body) => {
                let body = match check(&body, &mut session) {
                    Verdict::Forward => body,
                    Verdict::Rewritten(rewritten) => rewritten,
                    Verdict::Reject(id, code, why) => {
                        tracing::warn!("stdin: {why}");
                        reply_error(&output, id, code, &why);
                        continue;
                    }
                };
                let header = format!("Content-Length: {}\r\n\r\n", body.len());
                if tower.write_all(header.as_bytes()).await.is_err()
                    || tower.write_all(&body).await.is_err()
                {
                    return; // tower has stopped reading: the server is exiting
                }
            }
        }
    }
}

enum Frame {
    Body(Vec<u8>),
    Garbage(String),
    End,
}

/// A growable window over stdin: `buf[start..]` is not yet consumed.
struct Reader {
    buf: Vec<u8>,
    start: usize,
}

impl Reader {
    /// Reads more input; false at end of input.
    async fn fill(&mut self, input: &mut (impl AsyncRead + Unpin)) -> bool {
        if self.start > 0 && self.start * 2 >= self.buf.len() {
            self.buf.drain(..self.start);
            self.start = 0;
            // After a large message, give its memory back.
            self.buf.shrink_to(READ_CHUNK.max(self.buf.len()));
        }
        self.buf.reserve(READ_CHUNK);
        matches!(input.read_buf(&mut self.buf).await, Ok(n) if n > 0)
    }

    fn pending(&self) -> &[u8] {
        &self.buf[self.start..]
    }

    async fn next_frame(&mut self, input: &mut (impl AsyncRead + Unpin)) -> Frame {
        // Find a header, skipping anything before it.
        let header_at = loop {
            if let Some(i) = find_header(self.pending()) {
                break i;
            }
            if self.pending().len() > MAX_HEADER {
                let skipped = self.pending().len() - CONTENT_LENGTH.len();
                self.start += skipped;
                return Frame::Garbage(format!(
                    "skipped {skipped} bytes that are not an LSP message"
                ));
            }
            if !self.fill(input).await {
                return Frame::End;
            }
        };
        if self.pending()[..header_at]
            .iter()
            .any(|b| !b.is_ascii_whitespace())
        {
            self.start += header_at;
            return Frame::Garbage(format!(
                "skipped {header_at} bytes before a Content-Length header"
            ));
        }
        self.start += header_at;
        let end = loop {
            if let Some(i) = find(self.pending(), HEADER_END) {
                break i;
            }
            if self.pending().len() > MAX_HEADER {
                self.start += CONTENT_TYPE.len().min(CONTENT_LENGTH.len());
                return Frame::Garbage("a header block without an end".to_string());
            }
            if !self.fill(input).await {
                return Frame::End;
            }
        };
        let headers = String::from_utf8_lossy(&self.pending()[..end]).into_owned();
        self.start += end + HEADER_END.len();
        let length = headers
            .lines()
            .filter_map(|l| l.split_once(':'))
            .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.trim().parse::<usize>().ok());
        let Some(length) = length.filter(|&n| n <= MAX_MESSAGE) else {
            return Frame::Garbage(format!("bad Content-Length in {headers:?}"));
        };
        while self.pending().len() < length {
            if !self.fill(input).await {
                return Frame::End;
            }
        }
        let body = self.pending()[..length].to_vec();
        self.start += length;
        Frame::Body(body)
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Where the first header starts: `Content-Length` or `Content-Type`, in
/// any case. One pass, which stops at the first.
fn find_header(haystack: &[u8]) -> Option<usize> {
    (0..haystack.len()).find(|&i| {
        [CONTENT_LENGTH, CONTENT_TYPE].iter().any(|name| {
            haystack
                .get(i..i + name.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(name))
        })
    })
}

/// What the reader has seen of the session.
#[derive(Default)]
struct Session {
    /// The client sent `initialize`.
    initializing: bool,
    /// Then `initialized`, so it has the answer to `initialize` and tower
    /// takes notifications.
    initialized: bool,
    /// The client sent `shutdown`: tower answers requests itself from now on.
    shut_down: bool,
}

/// What to do with a message.
enum Verdict {
    /// Pass it on to tower as it came.
    Forward,
    /// Pass this on to tower instead.
    Rewritten(Vec<u8>),
    /// Answer with this id, JSON-RPC error code and message.
    Reject(Value, i64, String),
}

/// Whether tower's decoder will accept `body`, what to pass on to it
/// instead, or the error to answer.
fn check(body: &[u8], session: &mut Session) -> Verdict {
    let err = match serde_json::from_slice::<Request>(body) {
        Ok(request) => return check_request(request, session),
        Err(e) => e,
    };
    if serde_json::from_slice::<Response>(body).is_ok() {
        return Verdict::Forward;
    }
    if std::str::from_utf8(body).is_err() {
        return Verdict::Reject(
            Value::Null,
            -32700,
            "Parse error: the message is not UTF-8".to_string(),
        );
    }
    if let Some(repaired) = replace_lone_surrogates(body) {
        tracing::warn!(
            "stdin: a JSON string holds half of a UTF-16 surrogate pair; read as U+FFFD"
        );
        return match check(&repaired, session) {
            Verdict::Forward => Verdict::Rewritten(repaired),
            other => other,
        };
    }
    match serde_json::from_slice::<Value>(body) {
        Err(e) => Verdict::Reject(Value::Null, -32700, format!("Parse error: {e}")),
        Ok(v) => {
            // JSON-RPC: an id that cannot be read is answered with null.
            let id = v
                .get("id")
                .filter(|id| id.is_number() || id.is_string())
                .cloned()
                .unwrap_or_default();
            Verdict::Reject(id, -32600, format!("Invalid request: {err}"))
        }
    }
}

/// The checks and repairs of a message tower will accept.
fn check_request(request: Request, session: &mut Session) -> Verdict {
    match request.method() {
        "initialize" => session.initializing = true,
        "initialized" => session.initialized = session.initializing,
        "shutdown" => session.shut_down = true,
        _ => {}
    }
    let (method, id, mut params) = request.into_parts();
    let encoded = params.as_mut().is_some_and(encode_uris);
    if id.is_none()
        && let Some(why) = params.as_mut().and_then(|p| undecodable(&method, p))
    {
        let uri = params
            .as_ref()
            .and_then(|p| p.pointer("/textDocument/uri"))
            .and_then(Value::as_str)
            .map(str::to_string);
        let out_of_sync = OutOfSync {
            uri,
            method: method.to_string(),
            why,
        };
        return Verdict::Rewritten(notification(OUT_OF_SYNC, &out_of_sync));
    }
    if let Some((_, to)) = REROUTED.iter().find(|(from, _)| *from == method)
        && session.initialized
        && !session.shut_down
        && let Some(id) = &id
    {
        let rerouted = Rerouted {
            id: serde_json::to_value(id).unwrap_or_default(),
            params: params.unwrap_or_default(),
        };
        return Verdict::Rewritten(notification(to, &rerouted));
    }
    if !encoded {
        return Verdict::Forward;
    }
    let mut rebuilt = Request::build(method);
    if let Some(params) = params {
        rebuilt = rebuilt.params(params);
    }
    if let Some(id) = id {
        rebuilt = rebuilt.id(id);
    }
    match serde_json::to_vec(&rebuilt.finish()) {
        Ok(body) => Verdict::Rewritten(body),
        Err(_) => Verdict::Forward,
    }
}

fn notification<P: serde::Serialize>(method: &str, params: &P) -> Vec<u8> {
    serde_json::to_vec(&json!({ "jsonrpc": "2.0", "method": method, "params": params }))
        .unwrap_or_default()
}

/// Why the parameters of a `didOpen` or `didChange` do not decode into the
/// protocol's types (which is what tower would drop without a word), or
/// `None`. The texts are set aside while decoding, never copied.
fn undecodable(method: &str, params: &mut Value) -> Option<String> {
    let decode = |params: &Value| -> Result<(), serde_json::Error> {
        match method {
            "textDocument/didOpen" => DidOpenTextDocumentParams::deserialize(params).map(drop),
            _ => DidChangeTextDocumentParams::deserialize(params).map(drop),
        }
    };
    if !matches!(method, "textDocument/didOpen" | "textDocument/didChange") {
        return None;
    }
    let set_aside: Vec<Option<String>> = texts(method, params)
        .into_iter()
        .map(|slot| match slot {
            Value::String(s) => Some(std::mem::take(s)),
            _ => None,
        })
        .collect();
    let result = decode(params);
    for (slot, text) in texts(method, params).into_iter().zip(set_aside) {
        if let (Value::String(s), Some(text)) = (slot, text) {
            *s = text;
        }
    }
    result.err().map(|e| e.to_string())
}

/// The document texts in a `didOpen`'s or `didChange`'s parameters.
fn texts<'a>(method: &str, params: &'a mut Value) -> Vec<&'a mut Value> {
    match method {
        "textDocument/didOpen" => params
            .pointer_mut("/textDocument/text")
            .into_iter()
            .collect(),
        _ => match params.get_mut("contentChanges") {
            Some(Value::Array(changes)) => changes
                .iter_mut()
                .filter_map(|c| c.get_mut("text"))
                .collect(),
            _ => Vec::new(),
        },
    }
}

/// Percent-encodes, in place, every `uri` string that is not a valid URI
/// but becomes one encoded (raw spaces, CJK); true if any changed. The same
/// string is always encoded the same way, so every message naming a
/// document names it alike.
fn encode_uris(value: &mut Value) -> bool {
    match value {
        Value::Object(map) => {
            let mut changed = false;
            for (key, v) in map.iter_mut() {
                if let (true, Value::String(s)) = (key == "uri" || key == "targetUri", &mut *v) {
                    if s.parse::<Uri>().is_err() {
                        let encoded = percent_encode(s);
                        if encoded.parse::<Uri>().is_ok() {
                            *s = encoded;
                            changed = true;
                        }
                    }
                } else {
                    changed |= encode_uris(v);
                }
            }
            changed
        }
        Value::Array(items) => {
            // Not `any`, which would stop at the first.
            let mut changed = false;
            for v in items {
                changed |= encode_uris(v);
            }
            changed
        }
        _ => false,
    }
}

/// Percent-encodes what a URI cannot hold raw: bytes outside ASCII, spaces
/// and controls, and the ASCII a URI reserves for nothing (`"<>\\^`{|}` and
/// `[]` outside a host); a `%` not followed by two hex digits.
fn percent_encode(s: &str) -> String {
    const KEPT: &[u8] = b"-._~:/?#@!$&'()*+,;=";
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len() + 16);
    for (i, &b) in bytes.iter().enumerate() {
        let escape_start = b == b'%'
            && bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
            && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
        if b.is_ascii_alphanumeric() || KEPT.contains(&b) || escape_start {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `body` with every `\u` escape of a lone UTF-16 surrogate replaced by
/// `\ufffd` (same length), or `None` if it has none.
fn replace_lone_surrogates(body: &[u8]) -> Option<Vec<u8>> {
    let unit = |b: &[u8], at: usize| -> Option<u16> {
        if b.get(at) != Some(&b'\\') || b.get(at + 1) != Some(&b'u') {
            return None;
        }
        let hex = std::str::from_utf8(b.get(at + 2..at + 6)?).ok()?;
        u16::from_str_radix(hex, 16).ok()
    };
    let mut out: Option<Vec<u8>> = None;
    let mut i = 0;
    while i < body.len() {
        if body[i] != b'\\' {
            i += 1;
            continue;
        }
        let Some(u) = unit(body, i) else {
            i += 2; // another escape, `\\` included
            continue;
        };
        let lone = match u {
            0xD800..=0xDBFF => !unit(body, i + 6).is_some_and(|v| (0xDC00..=0xDFFF).contains(&v)),
            0xDC00..=0xDFFF => true,
            _ => false,
        };
        if lone {
            out.get_or_insert_with(|| body.to_vec())[i + 2..i + 6].copy_from_slice(b"fffd");
            i += 6;
        } else if (0xD800..=0xDBFF).contains(&u) {
            i += 12; // the pair
        } else {
            i += 6;
        }
    }
    out
}

fn reply_error(output: &Output, id: Value, code: i64, message: &str) {
    output.send(
        &json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message } }),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lone_surrogates_become_replacement_characters_and_pairs_stay() {
        let fixed =
            |s: &str| replace_lone_surrogates(s.as_bytes()).map(|b| String::from_utf8(b).unwrap());
        assert_eq!(
            fixed(r#"{"t":"a\ud83d"}"#).as_deref(),
            Some(r#"{"t":"a\ufffd"}"#)
        );
        assert_eq!(
            fixed(r#"{"t":"\ude00x"}"#).as_deref(),
            Some(r#"{"t":"\ufffdx"}"#)
        );
        assert_eq!(fixed(r#"{"t":"\ud83d\ude00"}"#), None, "a whole pair");
        assert_eq!(fixed(r#"{"t":"\\ud83d"}"#), None, "an escaped backslash");
        let v: Value =
            serde_json::from_str(&fixed(r#"{"t":"\ud83d\ud83d\ude00"}"#).unwrap()).unwrap();
        assert_eq!(v["t"], "\u{FFFD}😀");
    }

    #[test]
    fn uris_that_do_not_parse_are_percent_encoded_and_others_kept() {
        assert_eq!(
            percent_encode("file:///home/u/文件 1.policy"),
            "file:///home/u/%E6%96%87%E4%BB%B6%201.policy"
        );
        assert_eq!(percent_encode("file:///a%20b%zz"), "file:///a%20b%25zz");
        let mut v = json!({"textDocument": {"uri": "file:///a b.policy"}, "x": [{"uri": "file:///ok.policy"}]});
        assert!(encode_uris(&mut v));
        assert_eq!(v["textDocument"]["uri"], "file:///a%20b.policy");
        assert_eq!(v["x"][0]["uri"], "file:///ok.policy");
        assert!(!encode_uris(&mut v), "the same URI is encoded once");
    }

    #[test]
    fn headers_are_found_in_any_case_and_order() {
        assert_eq!(find_header(b"content-length: 5\r\n\r\n"), Some(0));
        assert_eq!(
            find_header(b"  Content-Type: x\r\nContent-Length: 5"),
            Some(2)
        );
        assert_eq!(find_header(b"garbage"), None);
    }

    #[test]
    fn an_unreadable_change_becomes_an_out_of_sync_notification() {
        let body = br#"{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///a.policy","version":"5"},"contentChanges":[{"text":"x"}]}}"#;
        let Verdict::Rewritten(out) = check(body, &mut Session::default()) else {
            panic!("not rewritten");
        };
        let v: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["method"], OUT_OF_SYNC);
        assert_eq!(v["params"]["uri"], "file:///a.policy");
        assert!(v["params"]["why"].as_str().unwrap().contains("i32"));
        let good = br#"{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///a.policy","version":5},"contentChanges":[{"text":"x"}]}}"#;
        assert!(matches!(
            check(good, &mut Session::default()),
            Verdict::Forward
        ));
    }

    #[test]
    fn an_object_id_is_answered_with_null() {
        let body = br#"{"jsonrpc":"2.0","id":{"a":1},"method":"shutdown"}"#;
        let Verdict::Reject(id, code, _) = check(body, &mut Session::default()) else {
            panic!("not rejected");
        };
        assert_eq!((id, code), (Value::Null, -32600));
    }
}
