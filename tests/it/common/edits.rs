//! Applying what the server proposes, as an editor would: a workspace
//! edit's text edits (in the negotiated encoding) to the text.

use policy_core::position::PositionEncoding;
use tower_lsp_server::ls_types::TextEdit;

use super::lsp::cursor_in;

/// The char offset where each line starts, breaks included.
fn line_starts(text: &str) -> Vec<usize> {
    let chars: Vec<char> = text.chars().collect();
    let mut starts = vec![0];
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\r' if chars.get(i + 1) == Some(&'\n') => {
                i += 2;
                starts.push(i);
            }
            '\r' | '\n' => {
                i += 1;
                starts.push(i);
            }
            _ => i += 1,
        }
    }
    starts
}

/// Applies `edits` (LSP `TextEdit`s in `enc`, all relative to `text`) to
/// `text`, as an editor would.
pub fn apply_text_edits(enc: PositionEncoding, text: &str, edits: &[TextEdit]) -> String {
    let starts = line_starts(text);
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            let from = cursor_in(enc, text, e.range.start);
            let to = cursor_in(enc, text, e.range.end);
            (
                starts[from.line] + from.col,
                starts[to.line] + to.col,
                e.new_text.clone(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse((s.0, s.1)));
    for w in spans.windows(2) {
        assert!(w[1].1 <= w[0].0, "edits overlap: {edits:?}");
    }
    let mut chars: Vec<char> = text.chars().collect();
    for (start, end, new) in spans {
        chars.splice(start..end, new.chars());
    }
    chars.into_iter().collect()
}
