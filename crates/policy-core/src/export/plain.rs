//! Markup → plain text and spans.

use super::{Span, lines_with_breaks};
use crate::syntax::{parse_line, unescape};

/// A document's plain text and its annotations.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plain {
    pub text: String,
    /// In document order, never overlapping, never crossing a line.
    pub spans: Vec<Span>,
    /// Annotations closed by the wrong closer (`(abc]`): the parser recovers
    /// them, the export carries them as plain text, brackets included.
    pub recovered: usize,
}

/// The plain text and spans of a markup document (see the module's
/// documentation for what counts as text). O(len).
pub fn to_plain(markup: &str) -> Plain {
    let mut out = Plain {
        text: String::with_capacity(markup.len()),
        ..Plain::default()
    };
    let mut chars = 0usize; // code points in out.text
    for (line, brk) in lines_with_breaks(markup) {
        let parse = parse_line(line);
        let mut at = 0usize; // byte in line
        for a in parse.annotations.iter() {
            let close = a.close.byte as usize;
            if line.as_bytes().get(close) != Some(&(a.kind.closer() as u8)) {
                out.recovered += 1;
                continue; // stays text, read below with the rest of the line
            }
            let open = a.open.byte as usize;
            chars += push(&mut out.text, &unescape(&line[at..open]));
            let value = a.value(line);
            let start = chars;
            chars += push(&mut out.text, &value);
            out.spans.push(Span {
                kind: a.kind,
                start,
                end: chars,
                text: value.into_owned(),
            });
            at = close + 1;
        }
        chars += push(&mut out.text, &unescape(&line[at..]));
        chars += push(&mut out.text, brk);
    }
    out
}

/// Appends `s`, returning its length in code points.
fn push(text: &mut String, s: &str) -> usize {
    text.push_str(s);
    s.chars().count()
}
