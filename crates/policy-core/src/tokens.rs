//! Semantic tokens: one per annotation, covering its content, of the
//! annotation's kind, marked when a data item is sensitive (see
//! `docs/language.md`). Built and brought up to date here on a plain
//! [`Token`]; the server only encodes them for the protocol.
//!
//! Tokens are relative, as the LSP sends them: each one's line and start
//! are counted from the token before it. That is what makes a delta cheap
//! and subtle: after an edit, the tokens of the untouched lines before and
//! after it are unchanged — all but the first one after it, whose position
//! is relative to a token that may have moved.
//!
//! Costs, for a document of n lines and t annotations: [`encode`] O(lines
//! encoded + their annotations); [`TokenCache::update`] O(t) integer
//! additions to find the changed tokens, plus encoding the lines edited
//! since the cache was made.

use std::ops::Range;

use crate::analysis::{AnalysedDocument, is_sensitive};
use crate::document::EditOutcome;
use crate::position::PositionEncoding;
use crate::syntax::AnnotationKind;

/// One token, relative to the token before it (or to line 0, column 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    /// Lines after the previous token's line.
    pub delta_line: u32,
    /// Columns after the previous token's start when on the same line,
    /// else the column; in the encoding the tokens were made in.
    pub delta_start: u32,
    pub length: u32,
    pub kind: AnnotationKind,
    /// A data item classed as sensitive personal information.
    pub sensitive: bool,
}

/// The absolute line and start column of a token: where relative positions
/// are counted from.
type Anchor = (usize, u32);

/// The tokens of `lines` of `doc`, the first relative to `prev` (the
/// absolute position of the token before them, or `(0, 0)`), appended to
/// `out`. Returns the absolute position of the last token (or `prev`).
fn encode_into(
    doc: &AnalysedDocument,
    enc: PositionEncoding,
    lines: Range<usize>,
    mut prev: Anchor,
    out: &mut Vec<Token>,
) -> Anchor {
    let parses = doc.doc().line_parses_from(lines.start);
    let classes = doc.classes().lines_from(lines.start);
    for ((line, parse), classes) in parses.zip(classes).take(lines.len()) {
        for (i, a) in parse.annotations.iter().enumerate() {
            let start = a.content_start().column(enc);
            let end = a.content_end().column(enc);
            let delta_line = (line - prev.0) as u32;
            out.push(Token {
                delta_line,
                delta_start: if delta_line == 0 {
                    start - prev.1
                } else {
                    start
                },
                length: end - start,
                kind: a.kind,
                sensitive: is_sensitive(classes, i),
            });
            prev = (line, start);
        }
    }
    prev
}

/// The tokens of `lines` of `doc` (clamped to the document), the first
/// relative to line 0, column 0: a whole document's tokens with `0..n`, a
/// range request's with its lines.
pub fn encode(doc: &AnalysedDocument, enc: PositionEncoding, lines: Range<usize>) -> Vec<Token> {
    let end = lines.end.min(doc.doc().line_count());
    let mut out = Vec::new();
    if lines.start < end {
        encode_into(doc, enc, lines.start..end, (0, 0), &mut out);
    }
    out
}

/// A change to a token array: replace `delete` tokens from index `start`
/// with `tokens` (the protocol counts five integers per token).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenEdit {
    pub start: usize,
    pub delete: usize,
    pub tokens: Vec<Token>,
}

/// Tokens a client holds, and the document generation they were made at,
/// so that they can be brought up to date by re-encoding only the lines
/// edited since.
#[derive(Clone, Debug)]
pub struct TokenCache {
    tokens: Vec<Token>,
    generation: u64,
    encoding: PositionEncoding,
}

impl TokenCache {
    /// Every token of `doc`. O(lines + annotations).
    pub fn new(doc: &AnalysedDocument, enc: PositionEncoding) -> TokenCache {
        let mut tokens = Vec::new();
        encode_into(doc, enc, 0..doc.doc().line_count(), (0, 0), &mut tokens);
        TokenCache {
            tokens,
            generation: doc.generation(),
            encoding: enc,
        }
    }

    /// The tokens.
    pub fn tokens(&self) -> &[Token] {
        &self.tokens
    }

    /// Brings the tokens up to `doc`, which must be a later version of the
    /// document they were made from, and returns the edit that does the
    /// same to a client's copy of the old tokens (`None`: nothing changed).
    ///
    /// Tokens of lines before the edited ones are unchanged; so are those
    /// after them but for the first one, whose position is relative to the
    /// token before it. The edit therefore replaces the edited lines' old
    /// tokens and the first token after them, trimmed to what differs.
    /// When the edits since are no longer remembered, everything is
    /// re-encoded and the edit replaces the whole array.
    pub fn update(&mut self, doc: &AnalysedDocument) -> Option<TokenEdit> {
        let edits = doc.edits_since(self.generation);
        self.generation = doc.generation();
        let Some(edits) = edits else {
            // Too long ago: replace everything.
            let old = std::mem::take(&mut self.tokens);
            encode_into(
                doc,
                self.encoding,
                0..doc.doc().line_count(),
                (0, 0),
                &mut self.tokens,
            );
            return (old != self.tokens).then(|| TokenEdit {
                start: 0,
                delete: old.len(),
                tokens: self.tokens.clone(),
            });
        };
        let dirty = edits.fold(Dirty::default(), Dirty::widen);
        // Nothing edited since: nothing to send.
        let lines = dirty.lines?;
        let old = &self.tokens;
        let old_end = lines.end.saturating_add_signed(-dirty.line_shift);
        // Absolute position of each old token, up to the first one at or
        // after the edited lines' end.
        let (mut i0, mut i1) = (0, old.len());
        let (mut prev, mut follower) = ((0, 0), None);
        let mut at: Anchor = (0, 0);
        for (i, t) in old.iter().enumerate() {
            at = if t.delta_line > 0 {
                (at.0 + t.delta_line as usize, t.delta_start)
            } else {
                (at.0, at.1 + t.delta_start)
            };
            if at.0 < lines.start {
                i0 = i + 1;
                prev = at;
            } else if at.0 >= old_end {
                i1 = i;
                follower = Some((at.0.saturating_add_signed(dirty.line_shift), at.1, *t));
                break;
            }
        }
        let mut region = Vec::new();
        let end = encode_into(doc, self.encoding, lines, prev, &mut region);
        let replaced = i1 - i0 + usize::from(follower.is_some());
        if let Some((line, start, t)) = follower {
            let delta_line = (line - end.0) as u32;
            region.push(Token {
                delta_line,
                delta_start: if delta_line == 0 {
                    start - end.1
                } else {
                    start
                },
                ..t
            });
        }
        // Send only what differs within the re-encoded stretch.
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
        let new_tokens = region[same_start..region.len() - same_end].to_vec();
        self.tokens.splice(i0..i0 + replaced, region);
        (changed > 0 || !new_tokens.is_empty()).then_some(TokenEdit {
            start: i0 + same_start,
            delete: changed,
            tokens: new_tokens,
        })
    }
}

/// The lines (in today's numbering) that may differ from a token array
/// made some edits ago, and how many lines those edits added.
#[derive(Clone, Debug, Default)]
struct Dirty {
    lines: Option<Range<usize>>,
    line_shift: isize,
}

impl Dirty {
    /// Widens by one more edit. O(1).
    fn widen(self, e: &EditOutcome) -> Dirty {
        let (first, old, new) = (e.first_line, e.old_lines, e.new_lines);
        let shift = new as isize - old as isize;
        // Where a line number of before the edit is after it.
        let map = |line: usize| {
            if line <= first {
                line
            } else if line >= first + old {
                line.saturating_add_signed(shift)
            } else {
                first + new
            }
        };
        Dirty {
            lines: Some(match self.lines {
                None => first..first + new,
                Some(d) => map(d.start).min(first)..map(d.end).max(first + new),
            }),
            line_shift: self.line_shift + shift,
        }
    }
}
