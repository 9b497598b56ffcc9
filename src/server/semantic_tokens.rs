//! Semantic tokens: one per annotation, covering its content (spec §7).
//!
//! Costs, for a document of n lines and t annotations: `full` O(n + t);
//! `full/delta` the same plus an O(t) comparison with the previous result,
//! and it answers with one edit spanning only what changed; `range`
//! O(lines in range + their annotations).

use tower_lsp_server::ls_types::*;

use super::Backend;
use super::state::OpenDocument;
use crate::analysis::is_sensitive;
use crate::position::PositionEncoding;
use crate::syntax::{AnnotationKind, LineParse};

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

/// Appends the tokens of one line to `out`; `prev` is the (line, start) of
/// the previous token, for the relative encoding.
fn encode_line(
    line: usize,
    parse: &LineParse,
    flags: &[bool],
    enc: PositionEncoding,
    prev: &mut (usize, u32),
    out: &mut Vec<SemanticToken>,
) {
    for (i, a) in parse.annotations.iter().enumerate() {
        let start = a.content_start().column(enc);
        let end = a.content_end().column(enc);
        let delta_line = (line - prev.0) as u32;
        let delta_start = if delta_line == 0 {
            start - prev.1
        } else {
            start
        };
        out.push(SemanticToken {
            delta_line,
            delta_start,
            length: end - start,
            token_type: type_index(a.kind),
            token_modifiers_bitset: if is_sensitive(flags, i) { SENSITIVE } else { 0 },
        });
        *prev = (line, start);
    }
}

/// The tokens of lines `lines` of `open`.
fn encode(
    open: &OpenDocument,
    enc: PositionEncoding,
    lines: std::ops::Range<usize>,
) -> Vec<SemanticToken> {
    // The previous result's size is a good guess for a whole document.
    let mut out = Vec::with_capacity(open.last_tokens.as_ref().map_or(0, |(_, t)| t.len() + 16));
    let mut prev = (lines.start, 0);
    let parses = open.doc.line_parses_from(lines.start);
    let flags = open.sensitivity.lines_from(lines.start);
    for ((line, parse), flags) in parses.zip(flags).take(lines.len()) {
        if !parse.annotations.is_empty() {
            encode_line(line, parse, flags, enc, &mut prev, &mut out);
        }
    }
    // The first token is relative to the start of the document.
    if let Some(first) = out.first_mut() {
        first.delta_line += lines.start as u32;
    }
    out
}

pub fn full(backend: &Backend, params: SemanticTokensParams) -> Option<SemanticTokensResult> {
    let mut state = backend.state();
    let enc = state.encoding;
    let result_id = state.new_result_id();
    let open = state.documents.get_mut(&params.text_document.uri)?;
    let data = encode(open, enc, 0..open.doc.line_count());
    open.last_tokens = Some((result_id.clone(), data.clone()));
    Some(SemanticTokensResult::Tokens(SemanticTokens {
        result_id: Some(result_id),
        data,
    }))
}

pub fn delta(
    backend: &Backend,
    params: SemanticTokensDeltaParams,
) -> Option<SemanticTokensFullDeltaResult> {
    let mut state = backend.state();
    let enc = state.encoding;
    let result_id = state.new_result_id();
    let open = state.documents.get_mut(&params.text_document.uri)?;
    let data = encode(open, enc, 0..open.doc.line_count());
    match open.last_tokens.take() {
        Some((id, old)) if id == params.previous_result_id => {
            let edits = diff(&old, &data).into_iter().collect();
            // Keep the new tokens without copying them: only the edit is sent.
            open.last_tokens = Some((result_id.clone(), data));
            Some(SemanticTokensFullDeltaResult::TokensDelta(
                SemanticTokensDelta {
                    result_id: Some(result_id),
                    edits,
                },
            ))
        }
        _ => {
            open.last_tokens = Some((result_id.clone(), data.clone()));
            Some(SemanticTokensFullDeltaResult::Tokens(SemanticTokens {
                result_id: Some(result_id),
                data,
            }))
        }
    }
}

/// One edit turning `old` into `new`: everything between their common
/// prefix and common suffix. `None` when they are equal. Offsets count
/// integers (five per token), as the protocol does.
fn diff(old: &[SemanticToken], new: &[SemanticToken]) -> Option<SemanticTokensEdit> {
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let max_suffix = old.len().min(new.len()) - prefix;
    let suffix = old
        .iter()
        .rev()
        .zip(new.iter().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    if prefix == old.len() && prefix == new.len() {
        return None;
    }
    Some(SemanticTokensEdit {
        start: (prefix * 5) as u32,
        delete_count: ((old.len() - prefix - suffix) * 5) as u32,
        data: Some(new[prefix..new.len() - suffix].to_vec()),
    })
}

pub fn range(
    backend: &Backend,
    params: SemanticTokensRangeParams,
) -> Option<SemanticTokensRangeResult> {
    let state = backend.state();
    let enc = state.encoding;
    let open = state.documents.get(&params.text_document.uri)?;
    let first = params.range.start.line as usize;
    let last = (params.range.end.line as usize).min(open.doc.line_count().saturating_sub(1));
    let data = if first > last {
        Vec::new()
    } else {
        encode(open, enc, first..last + 1)
    };
    Some(SemanticTokensRangeResult::Tokens(SemanticTokens {
        result_id: None,
        data,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tok(delta_line: u32, delta_start: u32) -> SemanticToken {
        SemanticToken {
            delta_line,
            delta_start,
            length: 1,
            token_type: 0,
            token_modifiers_bitset: 0,
        }
    }

    #[test]
    fn diff_spans_only_what_changed() {
        let old = [tok(0, 1), tok(0, 2), tok(1, 0), tok(0, 3)];
        let new = [tok(0, 1), tok(0, 5), tok(1, 0), tok(0, 3)];
        let e = diff(&old, &new).unwrap();
        assert_eq!((e.start, e.delete_count), (5, 5));
        assert_eq!(e.data.unwrap(), vec![tok(0, 5)]);
        assert!(diff(&old, &old).is_none());
        let e = diff(&old, &old[..2]).unwrap();
        assert_eq!(
            (e.start, e.delete_count, e.data.unwrap().len()),
            (10, 10, 0)
        );
    }
}
