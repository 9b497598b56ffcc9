//! What the taxonomy and the practice list say about each annotation, kept
//! line by line in step with the document so that a keystroke reclassifies
//! only the lines it touched.
//!
//! Architecture invariant: `classes` has one entry per document line and,
//! on each line, either one [`Class`] per annotation of that line's parse,
//! or none at all when no annotation of the line needs one (read with
//! [`class_of`]). [`Classes::update`] must be given every [`EditOutcome`] of
//! the document, in order.

use std::sync::Arc;

use crate::document::{Document, EditOutcome, LineTable};
use crate::syntax::AnnotationKind;
use crate::taxonomy::{Category, Taxonomy};
use crate::vocabulary::practice;

/// What one annotation is, beyond its kind.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Class {
    /// An actor, a purpose, or an action naming a known practice.
    #[default]
    Plain,
    /// A data item the taxonomy has no category for.
    Unclassified,
    /// A data item and its summary category (sensitive, personal or vague).
    Data(Arc<Category>),
    /// An action that names no known practice.
    UnknownPractice,
}

impl Class {
    pub fn is_sensitive(&self) -> bool {
        matches!(self, Class::Data(c) if c.sensitive)
    }
}

/// The class of every annotation of a document.
#[derive(Clone, Debug, Default)]
pub struct Classes {
    classes: LineTable<Box<[Class]>>,
}

impl Classes {
    /// Classifies every annotation of `doc`. O(annotations).
    pub fn new(doc: &Document, taxonomy: &Taxonomy) -> Classes {
        Classes {
            classes: (0..doc.line_count())
                .map(|l| line_classes(doc, l, taxonomy))
                .collect(),
        }
    }

    /// Follows one edit of `doc`: reclassifies the lines it replaced.
    /// O(touched lines + lines / 256).
    pub fn update(&mut self, doc: &Document, edit: &EditOutcome, taxonomy: &Taxonomy) {
        let first = edit.first_line;
        let new = (first..first + edit.new_lines).map(|l| line_classes(doc, l, taxonomy));
        self.classes
            .splice(first..first + edit.old_lines, new.collect::<Vec<_>>());
    }

    /// The classes of line `line` (read with [`class_of`]).
    pub fn line(&self, line: usize) -> &[Class] {
        self.classes.get(line).map_or(&[], |c| c)
    }

    /// Every line's classes from line `start` on.
    pub fn lines_from(&self, start: usize) -> impl Iterator<Item = &[Class]> {
        self.classes.iter_from(start).map(|c| &**c)
    }
}

/// The class of annotation `index` of a line with these classes.
pub fn class_of(classes: &[Class], index: usize) -> &Class {
    static PLAIN: Class = Class::Plain;
    classes.get(index).unwrap_or(&PLAIN)
}

/// Whether annotation `index` of a line with these classes is sensitive.
pub fn is_sensitive(classes: &[Class], index: usize) -> bool {
    class_of(classes, index).is_sensitive()
}

fn line_classes(doc: &Document, line: usize, taxonomy: &Taxonomy) -> Box<[Class]> {
    let Some(parse) = doc.line_parse(line) else {
        return Box::default();
    };
    let needs_text = |k| matches!(k, AnnotationKind::Data | AnnotationKind::Action);
    if !parse.annotations.iter().any(|a| needs_text(a.kind)) {
        return Box::default();
    }
    let text = doc.line_text(line).unwrap_or_default();
    parse
        .annotations
        .iter()
        .map(|a| match a.kind {
            AnnotationKind::Data => taxonomy
                .classify(&a.value(&text))
                .summary()
                .map_or(Class::Unclassified, |c| Class::Data(c.clone())),
            AnnotationKind::Action if practice(&a.value(&text)).is_none() => Class::UnknownPractice,
            _ => Class::Plain,
        })
        .collect()
}
