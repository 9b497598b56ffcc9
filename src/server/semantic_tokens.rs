//! Semantic tokens: one per annotation, covering its content (docs/language.md §9).
//!
//! Costs, for a document of n lines and t annotations: `full` O(n + t);
//! `full/delta` O(t) additions plus encoding the lines changed since the
//! client's result, answered with one edit spanning only those; `range`
//! O(lines in range + their annotations).

use std::ops::Range;

use tower_lsp_server::ls_types::*;

use super::Backend;
use super::state::{LastTokens, OpenDocument};
use policy_core::analysis::is_sensitive;
use policy_core::position::PositionEncoding;
use policy_core::syntax::{AnnotationKind, LineParse};

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
    flags: &[policy_core::analysis::Class],
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

/// The tokens of lines `lines` of `open`, the first relative to `prev`
/// (the absolute line and start of the token before them, or (0, 0)).
/// Returns them and the absolute position of the last one.
fn encode(
    open: &OpenDocument,
    enc: PositionEncoding,
    lines: Range<usize>,
    mut prev: (usize, u32),
) -> (Vec<SemanticToken>, (usize, u32)) {
    // The previous result's size is a good guess for a whole document.
    let mut out = Vec::with_capacity(open.last_tokens.as_ref().map_or(0, |t| t.data.len() + 16));
    let parses = open.doc.line_parses_from(lines.start);
    let flags = open.classes.lines_from(lines.start);
    for ((line, parse), flags) in parses.zip(flags).take(lines.len()) {
        if !parse.annotations.is_empty() {
            encode_line(line, parse, flags, enc, &mut prev, &mut out);
        }
    }
    (out, prev)
}

pub fn full(backend: &Backend, params: SemanticTokensParams) -> Option<SemanticTokensResult> {
    let mut state = backend.state();
    let enc = state.encoding;
    let result_id = state.new_result_id();
    let open = state.documents.get_mut(&params.text_document.uri)?;
    let (data, _) = encode(open, enc, 0..open.doc.line_count(), (0, 0));
    open.last_tokens = Some(LastTokens::new(result_id.clone(), data.clone()));
    Some(SemanticTokensResult::Tokens(SemanticTokens {
        result_id: Some(result_id),
        data,
    }))
}

/// `full/delta`: when the client holds our last result, re-encodes only
/// the lines changed since and answers with one edit; otherwise, all tokens.
pub fn delta(
    backend: &Backend,
    params: SemanticTokensDeltaParams,
) -> Option<SemanticTokensFullDeltaResult> {
    let mut state = backend.state();
    let enc = state.encoding;
    let result_id = state.new_result_id();
    let open = state.documents.get_mut(&params.text_document.uri)?;
    match open.last_tokens.take() {
        Some(last) if last.id == params.previous_result_id => {
            let (edit, data) = changed_since(open, enc, last);
            open.last_tokens = Some(LastTokens::new(result_id.clone(), data));
            Some(SemanticTokensFullDeltaResult::TokensDelta(
                SemanticTokensDelta {
                    result_id: Some(result_id),
                    edits: edit.into_iter().collect(),
                },
            ))
        }
        _ => {
            let (data, _) = encode(open, enc, 0..open.doc.line_count(), (0, 0));
            open.last_tokens = Some(LastTokens::new(result_id.clone(), data.clone()));
            Some(SemanticTokensFullDeltaResult::Tokens(SemanticTokens {
                result_id: Some(result_id),
                data,
            }))
        }
    }
}

/// The edit from `last` to today's tokens, and today's tokens.
///
/// Tokens of lines before the dirty ones are unchanged; so are those after
/// them but for the first one, whose position is relative to the token
/// before it. The edit therefore replaces the dirty lines' old tokens and
/// the first token after them. Cost: O(tokens) integer additions to find
/// the old tokens' lines, plus encoding the dirty lines.
fn changed_since(
    open: &OpenDocument,
    enc: PositionEncoding,
    last: LastTokens,
) -> (Option<SemanticTokensEdit>, Vec<SemanticToken>) {
    let Some(dirty) = last.dirty.clone() else {
        return (None, last.data);
    };
    let old = last.data;
    let old_end = dirty.end.saturating_add_signed(-last.line_shift);
    // Absolute (line, start) of each old token, up to the first one at or
    // after the dirty lines' end.
    let (mut i0, mut i1) = (0, old.len());
    let (mut prev, mut follower) = ((0, 0), None);
    let mut at = (0usize, 0u32);
    for (i, t) in old.iter().enumerate() {
        at = if t.delta_line > 0 {
            (at.0 + t.delta_line as usize, t.delta_start)
        } else {
            (at.0, at.1 + t.delta_start)
        };
        if at.0 < dirty.start {
            i0 = i + 1;
            prev = at;
        } else if at.0 >= old_end {
            i1 = i;
            follower = Some((at.0.saturating_add_signed(last.line_shift), at.1, *t));
            break;
        }
    }
    let (mut region, end) = encode(open, enc, dirty, prev);
    let replaced = i1 - i0 + usize::from(follower.is_some());
    if let Some((line, start, t)) = follower {
        let delta_line = (line - end.0) as u32;
        region.push(SemanticToken {
            delta_line,
            delta_start: if delta_line == 0 {
                start - end.1
            } else {
                start
            },
            ..t
        });
    }
    let mut data = Vec::with_capacity(old.len() - replaced + region.len());
    data.extend_from_slice(&old[..i0]);
    data.extend_from_slice(&region);
    data.extend_from_slice(&old[i0 + replaced..]);
    // Send only what differs within the re-encoded stretch, too.
    let before = &old[i0..i0 + replaced];
    let same_start = before
        .iter()
        .zip(&region)
        .take_while(|(a, b)| a == b)
        .count();
    let same_end = before[same_start..]
        .iter()
        .rev()
        .zip(region[same_start..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let changed = replaced - same_start - same_end;
    let new_tokens = &region[same_start..region.len() - same_end];
    let edit = (changed > 0 || !new_tokens.is_empty()).then(|| SemanticTokensEdit {
        start: ((i0 + same_start) * 5) as u32,
        delete_count: (changed * 5) as u32,
        data: Some(new_tokens.to_vec()),
    });
    (edit, data)
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
        encode(open, enc, first..last + 1, (0, 0)).0
    };
    Some(SemanticTokensRangeResult::Tokens(SemanticTokens {
        result_id: None,
        data,
    }))
}
