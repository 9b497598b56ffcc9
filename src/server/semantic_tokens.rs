//! Semantic tokens (see `docs/language.md`): the core builds them and
//! brings them up to date (`policy_core::tokens`); this file only encodes
//! them for the protocol and keeps, per document, the tokens the client
//! holds.
//!
//! Costs, for a document of n lines and t annotations: `full` O(n + t),
//! serialised straight to stdout on the stdio server (see [`Direct`]);
//! `full/delta` O(t) additions plus encoding the lines edited since the
//! client's result, answered with one edit spanning only what differs;
//! `range` O(lines in range + their annotations).

use serde::ser::{Serialize, SerializeSeq, SerializeStruct, Serializer};
use tower_lsp_server::ls_types::*;

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

/// A `full` result serialised straight from the core's tokens, field for
/// field what `SemanticTokens` gives, without building protocol values
/// first (tower's `serde_json::Value` round trip costs more than the
/// tokens themselves on a large document; see `output.rs`).
pub struct Direct<'a> {
    pub id: &'a str,
    pub cache: &'a TokenCache,
}

impl Serialize for Direct<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Data<'a>(&'a [Token]);
        impl Serialize for Data<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut seq = s.serialize_seq(Some(self.0.len() * 5))?;
                for t in self.0 {
                    let t = lsp(t);
                    seq.serialize_element(&t.delta_line)?;
                    seq.serialize_element(&t.delta_start)?;
                    seq.serialize_element(&t.length)?;
                    seq.serialize_element(&t.token_type)?;
                    seq.serialize_element(&t.token_modifiers_bitset)?;
                }
                seq.end()
            }
        }
        let mut m = s.serialize_struct("SemanticTokens", 2)?;
        m.serialize_field("resultId", self.id)?;
        m.serialize_field("data", &Data(self.cache.tokens()))?;
        m.end()
    }
}
