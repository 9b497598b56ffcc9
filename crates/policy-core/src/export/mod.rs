//! Markup ⇄ plain text and spans: what every import and export format is
//! built on. No I/O and no JSON here; the CLI writes the formats.
//!
//! * [`to_plain`]: a markup document → its **plain text** (brackets of
//!   annotations removed, escapes resolved, the document's own lines and
//!   line breaks kept) and its annotations as [`Span`]s whose offsets count
//!   **code points of the plain text**, as brat, doccano and CA4P count.
//! * [`to_markup`]: plain text and spans → markup, with the plain text's own
//!   markup characters written as [`Brackets`] says, and every span the
//!   markup cannot hold reported as a [`Rejected`] span.
//! * [`brat_ann`] and [`BratOffsets`]: brat's `.ann` lines (brat counts a
//!   `\r\n` as one character); [`ca4p_label`]: CA4P's finer span labels;
//!   [`PracticeGraph`]: practices merged into a weighted graph, and
//!   [`practice_graphml`]: that graph as GraphML.
//!
//! ## What the plain text is, and why round trips are byte-identical
//!
//! Only **well-formed** annotations (opened and closed by the same kind on
//! one line, with some non-blank content) become spans. Everything else the
//! parser met is plain text: an unclosed opener, an unmatched closer, the
//! brackets of an empty annotation, and the brackets *and* content of an
//! annotation closed by the wrong closer (`(abc]`, which the parser only
//! recovers). So a source's literal, unescaped brackets stay in the plain
//! text as the characters they are.
//!
//! Going back, [`Brackets::Needed`] writes each such character unescaped
//! unless that would change how the line reads: a backslash is escaped
//! before a markup character (or an annotation), and a bracket pair in the
//! text is escaped (both of its brackets) only when it would otherwise form
//! a well-formed annotation that is not one of the spans. A backslash before
//! anything else reads as a backslash either way; by convention it is
//! doubled before an ASCII word character (`A-Z a-z 0-9 _`) and bare before
//! anything else, as the CA4P files write it (`opt\\_out`, `1\.`,
//! `产品\服务`). Everything the parser read as text in the source is
//! therefore read as text again, in the same places, and a document that
//! escapes only where it must and follows that convention (the JD sample,
//! and every ca4p-dev file) comes back byte for byte. An escape the source
//! did not need (`年龄\<14周岁` where no `>` follows) comes back as the plain
//! character (`年龄<14周岁`): the plain text cannot tell the two
//! apart. [`Brackets::Escape`] escapes every bracket of the text instead,
//! and a backslash as `Needed` does (a file with no syntax error from its
//! text); [`Brackets::Keep`] writes every character as it
//! is, even where it then forms an annotation (how CA4P's JSON became
//! `ca4p-dev/`).

mod brat;
mod ca4p;
mod graph;
mod graphml;
mod markup;
mod plain;

pub use brat::{BratOffsets, brat_ann, brat_type};
pub use ca4p::{ca4p_label, kind_of_ca4p};
pub use graph::{GRAPH_KINDS, GraphEdge, GraphNode, PracticeGraph};
pub use graphml::{graph_graphml, practice_graphml};
pub use markup::{Brackets, Markup, RejectReason, Rejected, to_markup};
pub use plain::{Plain, to_plain};

pub use crate::document::lines_with_breaks;
use crate::syntax::AnnotationKind;

/// One annotation in the plain text: `start..end` in code points of the
/// plain text; `text` is the plain text there (the content, escapes
/// resolved).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    pub kind: AnnotationKind,
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// A span offered to [`to_markup`]: `text`, when the format carries one, is
/// checked against the plain text at `start..end`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpanIn {
    pub kind: AnnotationKind,
    pub start: usize,
    pub end: usize,
    pub text: Option<String>,
}

impl From<&Span> for SpanIn {
    fn from(s: &Span) -> Self {
        SpanIn {
            kind: s.kind,
            start: s.start,
            end: s.end,
            text: Some(s.text.clone()),
        }
    }
}

#[cfg(test)]
mod tests;
