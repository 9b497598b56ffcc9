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
//! Cost: each message is parsed twice (here and in tower); for a 100 MB
//! `didOpen` that is a fraction of a second, once.

use serde::Deserialize;
use serde_json::json;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tower_lsp_server::jsonrpc::{Request, Response};

use super::output::Output;

/// Largest message accepted: several times the 100 MB document a test
/// sends, small enough that a corrupt length cannot exhaust memory.
const MAX_MESSAGE: usize = 1 << 30;
/// Longest header block before the input is taken for garbage.
const MAX_HEADER: usize = 8 * 1024;
const HEADER: &[u8] = b"Content-Length:";
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
    loop {
        match reader.next_frame(&mut input).await {
            Frame::End => return,
            Frame::Garbage(why) => {
                tracing::warn!("stdin: {why}");
                reply_error(
                    &output,
                    serde_json::Value::Null,
                    -32700,
                    &format!("Parse error: {why}"),
                );
            }
            Frame::Body(body) => match check(&body) {
                Ok(()) => {
                    let body = reroute(body);
                    let header = format!("Content-Length: {}\r\n\r\n", body.len());
                    if tower.write_all(header.as_bytes()).await.is_err()
                        || tower.write_all(&body).await.is_err()
                    {
                        return; // tower has stopped reading: the server is exiting
                    }
                }
                Err((id, code, why)) => {
                    tracing::warn!("stdin: {why}");
                    reply_error(&output, id, code, &why);
                }
            },
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
            if let Some(i) = find(self.pending(), HEADER) {
                break i;
            }
            if self.pending().len() > MAX_HEADER {
                let skipped = self.pending().len() - HEADER.len();
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
                self.start += HEADER.len();
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
            .find_map(|l| l.strip_prefix("Content-Length:"))
            .and_then(|v| v.trim().parse::<usize>().ok());
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

/// Whether tower's decoder will accept `body`; if not, the id to answer
/// (when one can be read), the JSON-RPC error code and why.
fn check(body: &[u8]) -> Result<(), (serde_json::Value, i64, String)> {
    let err = match serde_json::from_slice::<Request>(body) {
        Ok(_) => return Ok(()),
        Err(e) => e,
    };
    if serde_json::from_slice::<Response>(body).is_ok() {
        return Ok(());
    }
    if std::str::from_utf8(body).is_err() {
        return Err((
            serde_json::Value::Null,
            -32700,
            "Parse error: the message is not UTF-8".to_string(),
        ));
    }
    match serde_json::from_slice::<serde_json::Value>(body) {
        Err(e) => Err((serde_json::Value::Null, -32700, format!("Parse error: {e}"))),
        Ok(v) => {
            let id = v.get("id").cloned().unwrap_or_default();
            Err((id, -32600, format!("Invalid request: {err}")))
        }
    }
}

fn reply_error(output: &Output, id: serde_json::Value, code: i64, message: &str) {
    output.send(
        &json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message } }),
    );
}

/// The notification a `textDocument/semanticTokens/full` request is turned
/// into, so that its answer is serialised straight to stdout rather than
/// through tower's `serde_json::Value` tree (the largest answer the server
/// sends while typing). As a notification it keeps its place in the order
/// of messages, after the edits that came before it.
pub const TOKENS_FULL_DIRECT: &str = "policy-lsp/semanticTokensFull";

/// A request carried by a notification: its id, to answer, and its params.
#[derive(Deserialize)]
pub struct DirectRequest<P> {
    pub id: serde_json::Value,
    pub params: P,
}

/// `body`, or for a `textDocument/semanticTokens/full` request the
/// [`TOKENS_FULL_DIRECT`] notification that carries it. O(1) for any other
/// message but a scan of its first bytes.
fn reroute(body: Vec<u8>) -> Vec<u8> {
    const METHOD: &[u8] = b"\"textDocument/semanticTokens/full\"";
    // The method sits near the start of a small request; never scan a
    // large message (a `didOpen`) for it.
    if body.len() > 64 * 1024 || find(&body, METHOD).is_none() {
        return body;
    }
    let Ok(serde_json::Value::Object(mut message)) = serde_json::from_slice(&body) else {
        return body;
    };
    if message.get("method").and_then(|m| m.as_str()) != Some("textDocument/semanticTokens/full") {
        return body;
    }
    let (Some(id), Some(params)) = (message.remove("id"), message.remove("params")) else {
        return body;
    };
    let notification = json!({
        "jsonrpc": "2.0",
        "method": TOKENS_FULL_DIRECT,
        "params": { "id": id, "params": params },
    });
    serde_json::to_vec(&notification).unwrap_or(body)
}
