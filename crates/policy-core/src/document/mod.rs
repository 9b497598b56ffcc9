//! One document: its text in a rope, and the parse of each line.
//!
//! Architecture invariant: after any sequence of [`Document::apply_edit`]
//! calls, `lines` equals `parse_line` of every line of the rope — exactly
//! what [`Document::new`] of the same text would hold. Edits reparse only the
//! lines they touch; the property tests in `tests/document.rs` hold this.
//!
//! Lines end at `\n`, `\r\n` or `\r` and nowhere else (ropey is built with
//! only `cr_lines`; its default would also break at U+2028, U+0085, VT, FF).

mod line_table;

use std::borrow::Cow;
use std::fmt;

use ropey::Rope;

use crate::position::{CharOffset, LinePoint, LspPosition, LspRange, PositionEncoding};
use crate::syntax::{Annotation, LineParse, SyntaxDiagnostic, parse_line};
pub use line_table::LineTable;

/// Replace `start..end` of line `line` with `new_text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineEdit {
    pub line: usize,
    pub start: LinePoint,
    pub end: LinePoint,
    pub new_text: String,
}

impl LineEdit {
    pub fn insert(line: usize, at: LinePoint, text: impl Into<String>) -> LineEdit {
        LineEdit {
            line,
            start: at,
            end: at,
            new_text: text.into(),
        }
    }

    /// Replaces the one ASCII character (a bracket) at `at`.
    pub fn replace_ascii(line: usize, at: LinePoint, text: impl Into<String>) -> LineEdit {
        LineEdit {
            line,
            start: at,
            end: at.after_ascii(),
            new_text: text.into(),
        }
    }
}

/// The lines of `text`, split at `\n`, `\r\n` and `\r`, without their
/// breaks. Text ending in a break has a last, empty line (as in the LSP).
pub fn lines_of(text: &str) -> impl Iterator<Item = &str> {
    lines_with_breaks(text).map(|(line, _)| line)
}

/// The lines of `text` with their line breaks (`\n`, `\r\n`, `\r` only, as
/// everywhere in the project): `(content, break)`. The last line's break is
/// empty. O(len).
pub fn lines_with_breaks(text: &str) -> impl Iterator<Item = (&str, &str)> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let s = rest?;
        match s.bytes().position(|b| b == b'\n' || b == b'\r') {
            None => {
                rest = None;
                Some((s, ""))
            }
            Some(i) => {
                let len = if s[i..].starts_with("\r\n") { 2 } else { 1 };
                rest = Some(&s[i + len..]);
                Some((&s[..i], &s[i..i + len]))
            }
        }
    })
}

/// A text document with its per-line parse.
#[derive(Clone)]
pub struct Document {
    rope: Rope,
    lines: LineTable<LineParse>,
}

impl fmt::Debug for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Document")
            .field("bytes", &self.rope.len_bytes())
            .field("lines", &self.lines.len())
            .finish()
    }
}

/// Why an edit was not applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EditError {
    /// The range ends before it starts.
    Reversed {
        start: LspPosition,
        end: LspPosition,
    },
}

impl fmt::Display for EditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EditError::Reversed { start, end } => write!(
                f,
                "edit range ends ({}:{}) before it starts ({}:{}); the edit was skipped",
                end.line, end.character, start.line, start.character
            ),
        }
    }
}

impl std::error::Error for EditError {}

/// What an applied edit changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EditOutcome {
    /// The first line whose parse was redone.
    pub first_line: usize,
    /// How many lines from `first_line` on the edit replaced…
    pub old_lines: usize,
    /// …and how many it put in their place.
    pub new_lines: usize,
    /// The range lay (partly) outside the text and was clamped to it.
    pub clamped: bool,
}

impl Document {
    /// Parses `text` in full. O(n).
    pub fn new(text: &str) -> Document {
        Document {
            rope: Rope::from_str(text),
            lines: lines_of(text).map(parse_line).collect(),
        }
    }

    /// The whole text. O(n).
    pub fn text(&self) -> String {
        self.rope.to_string()
    }

    /// The rope, for reading. O(1).
    pub fn rope(&self) -> &Rope {
        &self.rope
    }

    /// Number of lines; text ending in a line break has a last, empty line.
    /// O(1).
    pub fn line_count(&self) -> usize {
        self.rope.len_lines()
    }

    /// Line `line` without its break, or `None` past the end. O(log n), plus
    /// O(line) when the line straddles rope chunks and must be copied.
    pub fn line_text(&self, line: usize) -> Option<Cow<'_, str>> {
        let (start, end) = self.line_bytes(line)?;
        let (chunk, chunk_start, _, _) = self.rope.chunk_at_byte(start);
        Some(if end - chunk_start <= chunk.len() {
            Cow::Borrowed(&chunk[start - chunk_start..end - chunk_start])
        } else {
            Cow::Owned(self.rope.byte_slice(start..end).to_string())
        })
    }

    /// The text of every line from line `first` on, without its break, in
    /// order: what [`Self::line_text`] gives line by line, in one walk of the
    /// rope's chunks (a line within a chunk is borrowed, one that straddles
    /// chunks copied). O(log n) to start, then O(text walked).
    pub fn line_texts_from(&self, first: usize) -> impl Iterator<Item = Cow<'_, str>> {
        let left = self.line_count().saturating_sub(first);
        let (mut chunks, rest) = if left == 0 {
            (self.rope.chunks(), "")
        } else {
            let byte = self.rope.line_to_byte(first);
            let (mut chunks, chunk_start, _, _) = self.rope.chunks_at_byte(byte);
            let rest = chunks.next().map_or("", |c| &c[byte - chunk_start..]);
            (chunks, rest)
        };
        let mut left = left;
        let mut rest = rest;
        std::iter::from_fn(move || {
            if left == 0 {
                return None;
            }
            left -= 1;
            let mut owned: Option<String> = None;
            let line = loop {
                if let Some(i) = memchr::memchr2(b'\n', b'\r', rest.as_bytes()) {
                    let line = &rest[..i];
                    let cr = rest.as_bytes()[i] == b'\r';
                    rest = &rest[i + 1..];
                    if cr {
                        // A CRLF is one break, even split across chunks.
                        if rest.is_empty() {
                            rest = chunks.next().unwrap_or("");
                        }
                        rest = rest.strip_prefix('\n').unwrap_or(rest);
                    }
                    break line;
                }
                // No break: the line goes on in the next chunk, or is the last.
                let Some(chunk) = chunks.next() else {
                    break std::mem::take(&mut rest);
                };
                if !rest.is_empty() {
                    owned.get_or_insert_with(String::new).push_str(rest);
                }
                rest = chunk;
            };
            Some(match owned {
                None => Cow::Borrowed(line),
                Some(mut s) => {
                    s.push_str(line);
                    Cow::Owned(s)
                }
            })
        })
    }

    /// The parse of line `line`. O(lines / 256).
    pub fn line_parse(&self, line: usize) -> Option<&LineParse> {
        self.lines.get(line)
    }

    /// Every line's parse, in order. O(1) per line.
    pub fn line_parses(&self) -> impl Iterator<Item = (usize, &LineParse)> {
        self.lines.iter().enumerate()
    }

    /// The parses of lines `start..`, with their line numbers.
    /// O(lines / 256) to start, O(1) per line.
    pub fn line_parses_from(&self, start: usize) -> impl Iterator<Item = (usize, &LineParse)> {
        self.lines
            .iter_from(start)
            .enumerate()
            .map(move |(i, p)| (start + i, p))
    }

    /// Every annotation with its line, in document order. O(1) per line.
    pub fn annotations(&self) -> impl Iterator<Item = (usize, &Annotation)> {
        self.line_parses()
            .flat_map(|(l, p)| p.annotations.iter().map(move |a| (l, a)))
    }

    /// Every syntax diagnostic with its line, in document order.
    pub fn diagnostics(&self) -> impl Iterator<Item = (usize, &SyntaxDiagnostic)> {
        self.line_parses()
            .flat_map(|(l, p)| p.diagnostics.iter().map(move |d| (l, d)))
    }

    /// The byte range of line `line`'s content, without its break; `None`
    /// past the end. O(log n): this sits on every keystroke's path, so it
    /// reads the break from the rope's chunk rather than slicing the line.
    fn line_bytes(&self, line: usize) -> Option<(usize, usize)> {
        let lines = self.rope.len_lines();
        if line >= lines {
            return None;
        }
        let start = self.rope.line_to_byte(line);
        if line + 1 == lines {
            return Some((start, self.rope.len_bytes())); // the last line has no break
        }
        let next = self.rope.line_to_byte(line + 1);
        let (chunk, chunk_start, _, _) = self.rope.chunk_at_byte(next - 1);
        let at = next - 1 - chunk_start;
        let bytes = chunk.as_bytes();
        let brk = match bytes[at] {
            b'\n' if at > 0 && bytes[at - 1] == b'\r' => 2,
            // A CRLF split across chunks (ropey avoids it, but do not rely on it).
            b'\n' if at == 0 && next - start >= 2 && self.rope.byte(next - 2) == b'\r' => 2,
            _ => 1,
        };
        Some((start, next - brk))
    }

    /// The char offset of an LSP position, clamped: a line past the end
    /// gives the end of the text, a column past the line's end gives the end
    /// of the line (before its break), a column inside a character gives that
    /// character's start. The flag says whether anything was clamped.
    /// O(log n).
    pub fn char_of_position(
        &self,
        pos: LspPosition,
        encoding: PositionEncoding,
    ) -> (CharOffset, bool) {
        let Some((start, end)) = self.line_bytes(pos.line as usize) else {
            return (CharOffset(self.rope.len_chars()), true);
        };
        let col = pos.character as usize;
        let rope = &self.rope;
        // Convert within the line's bounds in the client's units; the rope's
        // conversions round a unit inside a character down to its start.
        let (char, exact) = match encoding {
            PositionEncoding::Utf8 => {
                let target = (start + col).min(end);
                let c = rope.byte_to_char(target);
                (c, start + col == target && rope.char_to_byte(c) == target)
            }
            PositionEncoding::Utf32 => {
                let (first, last) = (rope.byte_to_char(start), rope.byte_to_char(end));
                ((first + col).min(last), first + col <= last)
            }
            PositionEncoding::Utf16 => {
                let first = rope.char_to_utf16_cu(rope.byte_to_char(start));
                let last = rope.char_to_utf16_cu(rope.byte_to_char(end));
                let target = (first + col).min(last);
                let c = rope.utf16_cu_to_char(target);
                (
                    c,
                    first + col == target && rope.char_to_utf16_cu(c) == target,
                )
            }
        };
        (CharOffset(char), !exact)
    }

    /// The LSP position of a char offset (clamped to the end). O(log n).
    pub fn position_of_char(&self, offset: CharOffset, encoding: PositionEncoding) -> LspPosition {
        let c = offset.0.min(self.rope.len_chars());
        let line = self.rope.char_to_line(c);
        let line_char = self.rope.line_to_char(line);
        let col = match encoding {
            PositionEncoding::Utf32 => c - line_char,
            PositionEncoding::Utf8 => self.rope.char_to_byte(c) - self.rope.line_to_byte(line),
            PositionEncoding::Utf16 => {
                self.rope.char_to_utf16_cu(c) - self.rope.char_to_utf16_cu(line_char)
            }
        };
        LspPosition::new(line as u32, col as u32)
    }

    /// Where a [`LinePoint`] of line `line` is, in `encoding`. O(1).
    pub fn position_of_point(
        line: usize,
        point: LinePoint,
        encoding: PositionEncoding,
    ) -> LspPosition {
        LspPosition::new(line as u32, point.column(encoding))
    }

    /// Replaces the whole text and reparses it. O(n).
    pub fn replace_all(&mut self, text: &str) {
        *self = Document::new(text);
    }

    /// Replaces `range` (in `encoding`) with `text`, or the whole text when
    /// `range` is `None`, and reparses the lines the edit touched.
    ///
    /// Positions are clamped as in [`Document::char_of_position`]; a
    /// reversed range is refused and changes nothing.
    ///
    /// Cost: O(log n + |text| + touched lines' length + lines / 256) for a
    /// ranged edit, plus the removed length — never O(document).
    pub fn apply_edit(
        &mut self,
        range: Option<LspRange>,
        text: &str,
        encoding: PositionEncoding,
    ) -> Result<EditOutcome, EditError> {
        let Some(range) = range else {
            let old_lines = self.line_count();
            self.replace_all(text);
            return Ok(EditOutcome {
                first_line: 0,
                old_lines,
                new_lines: self.line_count(),
                clamped: false,
            });
        };
        let (start, clamped_start) = self.char_of_position(range.start, encoding);
        let (end, clamped_end) = if range.end == range.start {
            (start, clamped_start) // typing: one conversion, not two
        } else {
            self.char_of_position(range.end, encoding)
        };
        if start > end {
            return Err(EditError::Reversed {
                start: range.start,
                end: range.end,
            });
        }
        Ok(EditOutcome {
            clamped: clamped_start || clamped_end,
            ..self.replace_chars(start.0..end.0, text)
        })
    }

    /// Replaces the chars `range` with `text` and reparses what it touched.
    fn replace_chars(&mut self, range: std::ops::Range<usize>, text: &str) -> EditOutcome {
        let old_total = self.rope.len_lines();
        let first = self.rope.char_to_line(range.start);
        let last = if range.is_empty() {
            first
        } else {
            self.rope.char_to_line(range.end)
        };
        // Only lines first..=last change content. A `\r` meeting a `\n` at
        // either end of the edit can join two breaks into one, which changes
        // how many lines there are but not the content of any line outside
        // first..=last, so the change in the rope's line count says how many
        // lines replace them.
        if !range.is_empty() {
            self.rope.remove(range.clone());
        }
        self.rope.insert(range.start, text);
        let new_total = self.rope.len_lines();
        let old_lines = last + 1 - first;
        let new_lines = (old_lines + new_total) - old_total;
        let parses: Vec<LineParse> = (first..first + new_lines)
            .map(|l| {
                let line = self.line_text(l).unwrap_or_default();
                parse_line(&line)
            })
            .collect();
        self.lines.splice(first..first + old_lines, parses);
        debug_assert_eq!(self.lines.len(), self.rope.len_lines());
        EditOutcome {
            first_line: first,
            old_lines,
            new_lines,
            clamped: false,
        }
    }

    /// The annotation whose brackets or content hold `pos`, with its line.
    /// A position just after the closer does not count. O(log n + line).
    pub fn annotation_at(
        &self,
        pos: LspPosition,
        encoding: PositionEncoding,
    ) -> Option<(usize, Annotation)> {
        let line = pos.line as usize;
        let parse = self.line_parse(line)?;
        let col = pos.character;
        parse
            .annotations
            .iter()
            .find(|a| a.open.column(encoding) <= col && col < a.end().column(encoding))
            .map(|a| (line, *a))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Walking the lines gives every line as looking each one up does,
        /// breaks split across the rope's chunks (texts past a chunk's
        /// size) included.
        #[test]
        fn walking_the_lines_gives_each_line_s_text(
            pieces in proptest::collection::vec(
                prop::sample::select(vec![
                    "\n", "\r", "\r\n", "a", "手机号码", "😀", "\u{2028}",
                    "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十",
                ]),
                0..400,
            ),
            first in 0usize..50,
        ) {
            let text = pieces.concat();
            let doc = Document::new(&text);
            let walked: Vec<String> = doc.line_texts_from(first).map(|t| t.into_owned()).collect();
            let looked_up: Vec<String> = (first..doc.line_count())
                .map(|l| doc.line_text(l).unwrap_or_default().into_owned())
                .collect();
            prop_assert_eq!(walked, looked_up);
        }
    }

    #[test]
    fn lines_of_splits_at_the_three_lsp_breaks_only() {
        let t = "a\nb\r\nc\rd\u{2028}e\u{85}f";
        assert_eq!(
            lines_of(t).collect::<Vec<_>>(),
            vec!["a", "b", "c", "d\u{2028}e\u{85}f"]
        );
        assert_eq!(lines_of("").collect::<Vec<_>>(), vec![""]);
        assert_eq!(lines_of("x\n").collect::<Vec<_>>(), vec!["x", ""]);
        assert_eq!(
            lines_of("\r\n\r").count(),
            Document::new("\r\n\r").line_count()
        );
    }
}
