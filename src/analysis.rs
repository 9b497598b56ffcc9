//! What the taxonomy says about a document's data annotations, kept line by
//! line in step with the document so that a keystroke reclassifies only the
//! lines it touched.
//!
//! Architecture invariant: `flags` has one entry per document line and, on
//! each line, one flag per annotation of that line's parse (true for a data
//! annotation the taxonomy classes as sensitive), or no flags at all when
//! the line has no data annotation. [`Sensitivity::update`]
//! must be given every [`EditOutcome`] of the document, in order.

use crate::document::{Document, EditOutcome, LineTable};
use crate::syntax::AnnotationKind;
use crate::taxonomy::Taxonomy;

/// Sensitivity flags of every annotation of a document.
#[derive(Clone, Debug, Default)]
pub struct Sensitivity {
    flags: LineTable<Box<[bool]>>,
}

impl Sensitivity {
    /// Classifies every data annotation of `doc`. O(data annotations).
    pub fn new(doc: &Document, taxonomy: &Taxonomy) -> Sensitivity {
        Sensitivity {
            flags: (0..doc.line_count())
                .map(|l| line_flags(doc, l, taxonomy))
                .collect(),
        }
    }

    /// Follows one edit of `doc`: reclassifies the lines it replaced.
    /// O(touched lines + lines / 256).
    pub fn update(&mut self, doc: &Document, edit: &EditOutcome, taxonomy: &Taxonomy) {
        let first = edit.first_line;
        let new = (first..first + edit.new_lines).map(|l| line_flags(doc, l, taxonomy));
        self.flags
            .splice(first..first + edit.old_lines, new.collect::<Vec<_>>());
    }

    /// The flags of line `line`: one per annotation, or none when the line
    /// has no data annotation (read with [`is_sensitive`]).
    pub fn line(&self, line: usize) -> &[bool] {
        self.flags.get(line).map_or(&[], |f| f)
    }

    /// Every line's flags, in order.
    pub fn lines(&self) -> impl Iterator<Item = &[bool]> {
        self.flags.iter().map(|f| &**f)
    }

    /// Every line's flags from line `start` on.
    pub fn lines_from(&self, start: usize) -> impl Iterator<Item = &[bool]> {
        self.flags.iter_from(start).map(|f| &**f)
    }
}

fn line_flags(doc: &Document, line: usize, taxonomy: &Taxonomy) -> Box<[bool]> {
    let Some(parse) = doc.line_parse(line) else {
        return Box::default();
    };
    if !parse
        .annotations
        .iter()
        .any(|a| a.kind == AnnotationKind::Data)
    {
        return Box::default();
    }
    let text = doc.line_text(line).unwrap_or_default();
    parse
        .annotations
        .iter()
        .map(|a| a.kind == AnnotationKind::Data && taxonomy.classify(&a.value(&text)).sensitive())
        .collect()
}

/// Whether annotation `index` of a line with these flags is sensitive.
pub fn is_sensitive(flags: &[bool], index: usize) -> bool {
    flags.get(index).copied().unwrap_or(false)
}
