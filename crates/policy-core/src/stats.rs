//! Counts over documents ([`Stats`]): what `policy-lsp stats` prints and
//! the report's summary shows, read from the same analysed document the
//! editor holds — its parse, its classes and its practices.
//!
//! * `lines`: a document's lines, the empty line after a final line break
//!   not counted (as `wc -l` counts a file that ends in one).
//! * `annotations`: well-formed annotations per kind.
//! * data verdicts, per `<data>` annotation: `sensitive`, `vague` and
//!   `non_personal` (its category says so; a category may be vague and
//!   personal at once, so these overlap), `unclassified` (no category),
//!   and `by_category` (category id → items).
//! * `actions`: for each action class, the practices naming it (a sentence
//!   `[收集]并[存储]` counts once for collect and once for store; two
//!   `[收集]` in one sentence count once).
//! * `documents_with_errors`: documents with a syntax diagnostic at level
//!   error.
//! * terms: each annotation's value (escapes resolved, blanks trimmed) per
//!   kind, counted; [`Stats::top_terms`] gives the most frequent.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::analysis::{AnalysedDocument, Class, class_of};
use crate::syntax::{AnnotationKind, Severity};
use crate::taxonomy::Category;

/// Counts over one or more documents (see the module's note).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Stats {
    pub documents: usize,
    pub lines: usize,
    /// Per kind, in [`AnnotationKind::ALL`]'s order.
    pub annotations: [usize; 4],
    pub sensitive: usize,
    pub vague: usize,
    pub unclassified: usize,
    pub non_personal: usize,
    pub by_category: BTreeMap<String, usize>,
    /// The categories `by_category` names, by id (names, sensitivity).
    pub categories: BTreeMap<String, Arc<Category>>,
    pub actions: BTreeMap<&'static str, usize>,
    pub documents_with_errors: usize,
    /// Per kind, in [`AnnotationKind::ALL`]'s order: value → count.
    pub terms: [HashMap<String, usize>; 4],
}

fn kind_index(kind: AnnotationKind) -> usize {
    AnnotationKind::ALL
        .iter()
        .position(|&k| k == kind)
        .unwrap_or(0)
}

impl Stats {
    /// The counts of one document.
    pub fn of(doc: &AnalysedDocument) -> Stats {
        let mut s = Stats::default();
        s.add(doc);
        s
    }

    /// Adds one document's counts. O(lines + annotations).
    pub fn add(&mut self, doc: &AnalysedDocument) {
        let d = doc.doc();
        self.documents += 1;
        let mut lines = d.line_count();
        if lines > 1 && d.line_text(lines - 1).is_some_and(|l| l.is_empty()) {
            lines -= 1;
        }
        self.lines += lines;
        let mut error = false;
        for ((line, parse), classes) in d.line_parses().zip(doc.classes().lines_from(0)) {
            error |= parse
                .diagnostics
                .iter()
                .any(|x| x.code.severity() == Severity::Error);
            if parse.annotations.is_empty() {
                continue;
            }
            let text = d.line_text(line).unwrap_or_default();
            for (i, a) in parse.annotations.iter().enumerate() {
                let k = kind_index(a.kind);
                self.annotations[k] += 1;
                let value = a.value(&text);
                let value = value.trim();
                if let Some(n) = self.terms[k].get_mut(value) {
                    *n += 1;
                } else {
                    self.terms[k].insert(value.to_string(), 1);
                }
                if a.kind != AnnotationKind::Data {
                    continue;
                }
                match class_of(classes, i) {
                    Class::Data(c) => {
                        self.sensitive += c.sensitive as usize;
                        self.vague += c.vague as usize;
                        self.non_personal += !c.personal as usize;
                        *self.by_category.entry(c.id.clone()).or_default() += 1;
                        if !self.categories.contains_key(&c.id) {
                            self.categories.insert(c.id.clone(), c.clone());
                        }
                    }
                    _ => self.unclassified += 1,
                }
            }
        }
        self.documents_with_errors += error as usize;
        for practices in doc.practices().lines_from(0) {
            for p in practices {
                let mut classes: Vec<&'static str> =
                    p.actions.iter().map(|a| a.class.name()).collect();
                classes.sort_unstable();
                classes.dedup();
                for c in classes {
                    *self.actions.entry(c).or_default() += 1;
                }
            }
        }
    }

    /// Adds another set of counts.
    pub fn merge(&mut self, other: &Stats) {
        self.documents += other.documents;
        self.lines += other.lines;
        for k in 0..4 {
            self.annotations[k] += other.annotations[k];
            for (t, n) in &other.terms[k] {
                *self.terms[k].entry(t.clone()).or_default() += n;
            }
        }
        self.sensitive += other.sensitive;
        self.vague += other.vague;
        self.unclassified += other.unclassified;
        self.non_personal += other.non_personal;
        for (c, n) in &other.by_category {
            *self.by_category.entry(c.clone()).or_default() += n;
        }
        for (id, c) in &other.categories {
            self.categories
                .entry(id.clone())
                .or_insert_with(|| c.clone());
        }
        for (c, n) in &other.actions {
            *self.actions.entry(c).or_default() += n;
        }
        self.documents_with_errors += other.documents_with_errors;
    }

    /// Annotations of `kind`.
    pub fn annotations_of(&self, kind: AnnotationKind) -> usize {
        self.annotations[kind_index(kind)]
    }

    /// The `n` most frequent values of `kind`, most frequent first (ties by
    /// text, so the order is stable).
    pub fn top_terms(&self, kind: AnnotationKind, n: usize) -> Vec<(&str, usize)> {
        let mut all: Vec<(&str, usize)> = self.terms[kind_index(kind)]
            .iter()
            .map(|(t, &c)| (t.as_str(), c))
            .collect();
        all.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        all.truncate(n);
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::taxonomy::Taxonomy;

    #[test]
    fn a_small_document_counts_by_hand() {
        let text = "(我们)会[收集]您的<身份证号码>和<手机号码>，{用于注册}。\n\
                    (我们)不会[共享]<上述信息>。<某某东西>\n\
                    坏的<括号\n";
        let doc = AnalysedDocument::new(text, Arc::new(Taxonomy::builtin()));
        let s = Stats::of(&doc);
        assert_eq!(s.documents, 1);
        assert_eq!(s.lines, 3);
        assert_eq!(s.annotations, [2, 2, 4, 1]);
        assert_eq!(s.documents_with_errors, 1);
        assert_eq!(s.unclassified, 1, "{:?}", s.by_category);
        assert_eq!(s.vague, 1, "上述信息 is vague: {:?}", s.by_category);
        assert_eq!(s.by_category.values().sum::<usize>(), 3);
        assert_eq!(s.sensitive, 1, "身份证号码 is sensitive, 手机号码 not");
        assert_eq!(s.non_personal, 0);
        assert_eq!(s.by_category.get("identity"), Some(&1));
        assert_eq!(s.by_category.get("basic_profile"), Some(&1));
        assert_eq!(s.by_category.get("unspecific"), Some(&1));
        assert_eq!(s.actions.get("collect"), Some(&1));
        assert_eq!(s.actions.get("share"), Some(&1));
        assert_eq!(s.top_terms(AnnotationKind::Actor, 5), vec![("我们", 2)]);
        let mut twice = s.clone();
        twice.merge(&s);
        assert_eq!(twice.documents, 2);
        assert_eq!(twice.top_terms(AnnotationKind::Actor, 5), vec![("我们", 4)]);
        assert_eq!(twice.by_category, {
            let mut m = s.by_category.clone();
            m.values_mut().for_each(|v| *v *= 2);
            m
        });
    }
}
