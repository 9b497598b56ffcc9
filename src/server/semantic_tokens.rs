//! Semantic tokens (`docs/language.md` §9): the core builds them and
//! brings them up to date (`policy_core::tokens`); this file only encodes
//! them for the protocol and keeps, per document, the tokens the client
//! holds.
//!
//! Costs, for a document of n lines and t annotations: `full` O(n + t),
//! written straight to stdout on the stdio server (see [`direct_response`]);
//! `full/delta` O(t) additions plus encoding the lines edited since the
//! client's result, answered with one edit spanning only what differs;
//! `range` O(lines in range + their annotations).

use tower_lsp_server::ls_types::*;

use super::output;
use super::state::Snapshot;
use policy_core::syntax::AnnotationKind;
use policy_core::tokens::{self, Token, TokenCache, TokenEdit};

/// Token types, in legend order: the index of a kind is its token type.
const TYPES: [AnnotationKind; 4] = AnnotationKind::ALL;
/// Modifier bit of a sensitive data item.
const SENSITIVE: u32 = 1;

pub fn capability() -> SemanticTokensServerCapabilities {
    SemanticTokensServerCapabilities::SemanticTokensOptions(SemanticTokensOptions {
        legend: SemanticTokensLegend {
            token_types: TYPES
                .iter()
                .map(|k| SemanticTokenType::new(k.name()))
                .collect(),
            token_modifiers: vec![SemanticTokenModifier::new("sensitive")],
        },
        range: Some(true),
        full: Some(SemanticTokensFullOptions::Delta { delta: Some(true) }),
        work_done_progress_options: Default::default(),
    })
}

fn type_index(kind: AnnotationKind) -> u32 {
    TYPES.iter().position(|k| *k == kind).unwrap_or(0) as u32
}

fn lsp(t: &Token) -> SemanticToken {
    SemanticToken {
        delta_line: t.delta_line,
        delta_start: t.delta_start,
        length: t.length,
        token_type: type_index(t.kind),
        token_modifiers_bitset: if t.sensitive { SENSITIVE } else { 0 },
    }
}

fn lsp_all(tokens: &[Token]) -> Vec<SemanticToken> {
    tokens.iter().map(lsp).collect()
}

/// The protocol counts five integers per token.
fn lsp_edit(e: TokenEdit) -> SemanticTokensEdit {
    SemanticTokensEdit {
        start: (e.start * 5) as u32,
        delete_count: (e.delete * 5) as u32,
        data: Some(lsp_all(&e.tokens)),
    }
}

/// Every token of the snapshot's document, as the cache to keep.
pub fn full(snap: &Snapshot) -> TokenCache {
    TokenCache::new(&snap.doc, snap.encoding)
}

/// The answer to `full` for a cache and its result id.
pub fn full_result(id: String, cache: &TokenCache) -> SemanticTokensResult {
    SemanticTokensResult::Tokens(SemanticTokens {
        result_id: Some(id),
        data: lsp_all(cache.tokens()),
    })
}

/// `full/delta`: with the client's last result (`held`), only the lines
/// edited since are re-encoded and the answer is one edit; without it,
/// all tokens. Returns the answer and the cache to keep.
pub fn delta(
    snap: &Snapshot,
    id: String,
    held: Option<TokenCache>,
) -> (SemanticTokensFullDeltaResult, TokenCache) {
    match held {
        Some(mut cache) => {
            let edit = cache.update(&snap.doc);
            let result = SemanticTokensFullDeltaResult::TokensDelta(SemanticTokensDelta {
                result_id: Some(id),
                edits: edit.into_iter().map(lsp_edit).collect(),
            });
            (result, cache)
        }
        None => {
            let cache = full(snap);
            let result = SemanticTokensFullDeltaResult::Tokens(SemanticTokens {
                result_id: Some(id),
                data: lsp_all(cache.tokens()),
            });
            (result, cache)
        }
    }
}

pub fn range(
    snap: &Snapshot,
    params: SemanticTokensRangeParams,
) -> Option<SemanticTokensRangeResult> {
    let first = params.range.start.line as usize;
    let end = (params.range.end.line as usize).saturating_add(1);
    Some(SemanticTokensRangeResult::Tokens(SemanticTokens {
        result_id: None,
        data: lsp_all(&tokens::encode(&snap.doc, snap.encoding, first..end)),
    }))
}

/// The framed answer to `full` request `id`, written straight from the
/// core's tokens: field for field what `SemanticTokens` serialises to, but
/// without protocol values or a serialiser per integer. On a 10 MB policy
/// (250,000 integers) tower's `serde_json::Value` round trip costs more
/// than making the tokens (see `output.rs`).
pub fn direct_response(
    id: &serde_json::Value,
    result_id: &str,
    cache: &TokenCache,
) -> Option<Vec<u8>> {
    let framed = output::frame_with(|body| {
        body.reserve(64 + cache.tokens().len() * 5 * 4);
        body.extend_from_slice(b"{\"jsonrpc\":\"2.0\",\"id\":");
        serde_json::to_writer(&mut *body, id)?;
        body.extend_from_slice(b",\"result\":{\"resultId\":");
        serde_json::to_writer(&mut *body, result_id)?;
        body.extend_from_slice(b",\"data\":[");
        let mut first = true;
        for t in cache.tokens() {
            let t = lsp(t);
            if !first {
                body.push(b',');
            }
            first = false;
            write_u32(body, t.delta_line);
            body.push(b',');
            write_u32(body, t.delta_start);
            body.push(b',');
            write_u32(body, t.length);
            body.push(b',');
            write_u32(body, t.token_type);
            body.push(b',');
            write_u32(body, t.token_modifiers_bitset);
        }
        body.extend_from_slice(b"]}}");
        Ok::<(), serde_json::Error>(())
    });
    framed
        .map_err(|e| tracing::error!("cannot serialise semantic tokens: {e}"))
        .ok()
}

/// Appends `n` in decimal. Most token integers are below 100: those take
/// the short ways.
fn write_u32(out: &mut Vec<u8>, n: u32) {
    if n < 10 {
        out.push(b'0' + n as u8);
    } else if n < 100 {
        out.extend_from_slice(&[b'0' + (n / 10) as u8, b'0' + (n % 10) as u8]);
    } else {
        let mut digits = [0u8; 10]; // u32::MAX has 10 digits
        let mut i = digits.len();
        let mut n = n;
        while n > 0 {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
        }
        out.extend_from_slice(&digits[i..]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use policy_core::analysis::AnalysedDocument;
    use policy_core::position::PositionEncoding;
    use policy_core::taxonomy::Taxonomy;
    use std::sync::Arc;

    /// The direct answer is exactly what tower would send for the same
    /// tokens, byte for byte once parsed.
    #[test]
    fn the_direct_answer_equals_the_protocol_types_answer() {
        let text = "(我们)[收集]<身份证号码>😀\r\n𠮷{为了安全}<手机号码>\n\n<上述信息>";
        let doc = AnalysedDocument::new(text, Arc::new(Taxonomy::builtin()));
        let cache = TokenCache::new(&doc, PositionEncoding::Utf16);
        let id = serde_json::json!(42);
        let framed = direct_response(&id, "7", &cache).unwrap();
        let text = String::from_utf8(framed).unwrap();
        let (header, body) = text.split_once("\r\n\r\n").unwrap();
        assert_eq!(header, format!("Content-Length: {}", body.len()));
        let got: serde_json::Value = serde_json::from_str(body).unwrap();
        let want = serde_json::json!({
            "jsonrpc": "2.0",
            "id": 42,
            "result": full_result("7".to_string(), &cache),
        });
        assert_eq!(got, want);
        assert_eq!(got["result"]["data"].as_array().unwrap().len(), 5 * 6);
    }

    #[test]
    fn numbers_are_written_in_decimal() {
        let mut out = Vec::new();
        for n in [0, 7, 10, 99, 100, 4_294_967_295] {
            write_u32(&mut out, n);
            out.push(b' ');
        }
        assert_eq!(out, b"0 7 10 99 100 4294967295 ");
    }
}
