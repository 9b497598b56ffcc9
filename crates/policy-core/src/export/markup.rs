//! Plain text and spans → markup.

use std::cmp::Reverse;

use super::SpanIn;
use crate::syntax::{AnnotationKind, is_markup_byte};

/// How the plain text's own markup characters (`( ) [ ] < > { } \`) are
/// written. See the module documentation of [`super`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Brackets {
    /// Unescaped unless that would change how the line reads: a round trip
    /// of a document that escapes only where it must is byte-identical.
    #[default]
    Needed,
    /// Every bracket escaped, and every backslash that needs it: a file with
    /// no syntax diagnostic from its text.
    Escape,
    /// Every character as it is, in the text and in the spans, even where a
    /// pair of brackets then reads as an annotation (how `ca4p-dev/` was
    /// made from CA4P's JSON).
    Keep,
}

/// Why a span was left out of the markup.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RejectReason {
    /// `start >= end`, or `end` past the end of the text.
    OutOfRange,
    /// The span's own text differs from the plain text at its offsets.
    TextMismatch,
    /// A line break inside: an annotation never spans a line.
    CrossesLine,
    /// Only white space: it would be an empty annotation.
    Blank,
    /// Inside an earlier (kept) span: annotations do not nest.
    Nested,
    /// Starts inside an earlier (kept) span and ends after it.
    Overlapping,
}

impl RejectReason {
    pub fn describe(self) -> &'static str {
        match self {
            RejectReason::OutOfRange => "offsets outside the text",
            RejectReason::TextMismatch => "text does not match its offsets",
            RejectReason::CrossesLine => "crosses a line break",
            RejectReason::Blank => "only white space",
            RejectReason::Nested => "nested in another span",
            RejectReason::Overlapping => "overlaps another span",
        }
    }
}

/// A span [`to_markup`] could not write: its index in the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rejected {
    pub index: usize,
    pub reason: RejectReason,
}

/// The markup and the spans left out of it (in input order).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Markup {
    pub text: String,
    pub rejected: Vec<Rejected>,
}

/// Markup for `text` annotated with `spans` (offsets in code points of
/// `text`). Spans are taken in start order (the longer first at one start);
/// one that is invalid, or nests in or overlaps a span already taken, is
/// rejected. O(len + spans · log spans).
pub fn to_markup(text: &str, spans: &[SpanIn], brackets: Brackets) -> Markup {
    let chars: Vec<char> = text.chars().collect();
    let mut order: Vec<usize> = (0..spans.len()).collect();
    order.sort_by_key(|&i| (spans[i].start, Reverse(spans[i].end)));
    let mut kept: Vec<(AnnotationKind, usize, usize)> = Vec::new();
    let mut rejected = Vec::new();
    for i in order {
        match check(&chars, &spans[i], kept.last().map(|k| k.2)) {
            Some(reason) => rejected.push(Rejected { index: i, reason }),
            None => kept.push((spans[i].kind, spans[i].start, spans[i].end)),
        }
    }
    rejected.sort_by_key(|r| r.index);

    let mut out = String::with_capacity(text.len() + kept.len() * 2 + 16);
    let mut next = kept.iter().copied().peekable();
    let mut line_start = 0;
    while line_start <= chars.len() {
        let line_end = chars[line_start..]
            .iter()
            .position(|&c| c == '\n' || c == '\r')
            .map_or(chars.len(), |p| line_start + p);
        let mut in_line = Vec::new();
        while let Some(&(kind, s, e)) = next.peek()
            && e <= line_end
        {
            in_line.push((kind, s - line_start, e - line_start));
            next.next();
        }
        write_line(&mut out, &chars[line_start..line_end], &in_line, brackets);
        if line_end == chars.len() {
            break;
        }
        let brk = if chars[line_end] == '\r' && chars.get(line_end + 1) == Some(&'\n') {
            2
        } else {
            1
        };
        out.extend(&chars[line_end..line_end + brk]);
        line_start = line_end + brk;
    }
    Markup {
        text: out,
        rejected,
    }
}

fn check(chars: &[char], s: &SpanIn, last_end: Option<usize>) -> Option<RejectReason> {
    if s.start >= s.end || s.end > chars.len() {
        return Some(RejectReason::OutOfRange);
    }
    let slice = &chars[s.start..s.end];
    if let Some(t) = &s.text
        && !t.chars().eq(slice.iter().copied())
    {
        return Some(RejectReason::TextMismatch);
    }
    if slice.iter().any(|&c| c == '\n' || c == '\r') {
        return Some(RejectReason::CrossesLine);
    }
    if slice.iter().all(|c| c.is_whitespace()) {
        return Some(RejectReason::Blank);
    }
    match last_end {
        Some(end) if s.start < end && s.end <= end => Some(RejectReason::Nested),
        Some(end) if s.start < end => Some(RejectReason::Overlapping),
        _ => None,
    }
}

fn is_markup(c: char) -> bool {
    c.is_ascii() && is_markup_byte(c as u8)
}

fn is_bracket(c: char) -> bool {
    is_markup(c) && c != '\\'
}

/// One line (no break); `spans` in line order, offsets in the line.
fn write_line(
    out: &mut String,
    line: &[char],
    spans: &[(AnnotationKind, usize, usize)],
    brackets: Brackets,
) {
    let mut at = 0;
    for &(kind, s, e) in spans {
        write_text(out, &line[at..s], true, brackets);
        out.push(kind.opener());
        write_content(out, &line[s..e], brackets);
        out.push(kind.closer());
        at = e;
    }
    write_text(out, &line[at..], false, brackets);
}

/// Whether the backslash at `i` is written `\\`: when the next byte
/// written is markup (any bracket or backslash, escaped or not, or the
/// bracket of an annotation), where it must be; and, by convention, before
/// an ASCII word character (`A-Z a-z 0-9 _`), where both forms read the
/// same. The convention is how the CA4P files write it (`opt\\_out`, but
/// `1\.` and `产品\服务`), so their round trips are byte-identical too.
fn backslash_needs_escape(seg: &[char], i: usize, bracket_follows: bool) -> bool {
    seg.get(i + 1).map_or(bracket_follows, |&c| {
        is_markup(c) || c.is_ascii_alphanumeric() || c == '_'
    })
}

/// Text between annotations.
fn write_text(out: &mut String, seg: &[char], span_follows: bool, brackets: Brackets) {
    if brackets == Brackets::Keep {
        out.extend(seg);
        return;
    }
    let escaped = match brackets {
        Brackets::Needed => pairs_to_escape(seg),
        _ => Vec::new(),
    };
    for (i, &c) in seg.iter().enumerate() {
        let escape = if c == '\\' {
            backslash_needs_escape(seg, i, span_follows)
        } else if is_bracket(c) {
            brackets == Brackets::Escape || escaped.get(i).copied().unwrap_or(false)
        } else {
            false
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
    }
}

/// An annotation's content: its brackets are always escaped (any of them
/// would end or break the annotation).
fn write_content(out: &mut String, seg: &[char], brackets: Brackets) {
    if brackets == Brackets::Keep {
        out.extend(seg);
        return;
    }
    for (i, &c) in seg.iter().enumerate() {
        if is_bracket(c) || (c == '\\' && backslash_needs_escape(seg, i, true)) {
            out.push('\\');
        }
        out.push(c);
    }
}

/// Which brackets of a text segment must be escaped so that none of its
/// unescaped brackets forms an annotation: the parser's state machine
/// (docs/language.md §5) run over the segment, with a stack of the openers
/// that a later opener dropped, since escaping that later one reopens them.
/// A closer that would close the open opener of its kind around non-blank
/// text is escaped together with that opener; an unmatched closer, an
/// empty pair and a pair closed by the wrong kind stay as they are (the
/// parser reads them as text, with a diagnostic, as in the source). O(len).
fn pairs_to_escape(seg: &[char]) -> Vec<bool> {
    let mut escaped = vec![false; seg.len()];
    if !seg.iter().any(|&c| is_bracket(c)) {
        return escaped;
    }
    let mut stack: Vec<(usize, AnnotationKind, usize)> = Vec::new();
    let mut nonblank = 0usize;
    for (i, &c) in seg.iter().enumerate() {
        if !c.is_whitespace() {
            nonblank += 1;
        }
        if !is_bracket(c) {
            continue;
        }
        let b = c as u8;
        if let Some(kind) = AnnotationKind::from_opener(b) {
            stack.push((i, kind, nonblank));
        } else if let Some(kind) = AnnotationKind::from_closer(b) {
            let Some(&(open, open_kind, seen)) = stack.last() else {
                continue; // unmatched: text
            };
            // `nonblank` counts this closer too.
            let content_nonblank = nonblank - 1 > seen;
            if open_kind == kind && content_nonblank {
                escaped[open] = true;
                escaped[i] = true;
                stack.pop();
            } else {
                stack.clear(); // empty or mismatched: the parser closes it
            }
        }
    }
    escaped
}
