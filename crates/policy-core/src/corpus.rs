//! The corpus: what many documents annotate, for the checks that compare a
//! document with the others (preset `corpus`) and for searching every
//! annotation of a workspace.
//!
//! An [`Entry`] is the compact summary of one document — each annotation's
//! kind, text, category and place (line and [`LinePoint`]s, so it converts
//! to any position encoding in O(1)), and its diagnostics — built from a
//! parse and then dropped; a [`CorpusIndex`] holds the entries by key (a
//! URI or a path) and counts, for each annotated text, how many documents
//! annotate it with each kind.
//!
//! Two checks read the counts, always leaving out the document checked:
//! - `corpus-unannotated`: a term (not a vague reference such as 个人信息)
//!   that at least [`MIN_OTHER_DOCUMENTS`]
//!   other documents annotate as `<data>` stands in this one outside any
//!   annotation (found with one Aho–Corasick pass over the document);
//! - `corpus-kind-mismatch`: a text annotated here with one kind that most
//!   of the other documents annotating it (and at least
//!   [`MIN_OTHER_DOCUMENTS`]) give another.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, OnceLock};

use aho_corasick::{AhoCorasick, MatchKind};

use crate::analysis::{Class, Classes, class_of};
use crate::diagnostics::Diagnostic;
use crate::document::Document;
use crate::position::{LinePoint, point_at};
use crate::syntax::{AnnotationKind, Severity, is_markup_byte};
use crate::taxonomy::Category;

/// The preset that switches both corpus checks on.
pub const PRESET_CORPUS: &str = "corpus";
/// How many other documents must agree before a check speaks.
pub const MIN_OTHER_DOCUMENTS: u32 = 3;
/// Shorter terms (in characters) are not looked for unannotated: a
/// one-character term would match inside every other word.
pub const MIN_TERM_CHARS: usize = 2;

/// The corpus checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CorpusLint {
    Unannotated,
    KindMismatch,
}

impl CorpusLint {
    pub const ALL: [CorpusLint; 2] = [CorpusLint::Unannotated, CorpusLint::KindMismatch];

    pub fn code(self) -> &'static str {
        match self {
            CorpusLint::Unannotated => "corpus-unannotated",
            CorpusLint::KindMismatch => "corpus-kind-mismatch",
        }
    }

    pub fn default_severity(self) -> Severity {
        match self {
            CorpusLint::Unannotated => Severity::Hint,
            CorpusLint::KindMismatch => Severity::Information,
        }
    }

    pub fn from_code(code: &str) -> Option<CorpusLint> {
        Self::ALL.into_iter().find(|l| l.code() == code)
    }
}

/// Which corpus checks are on, and at what level: off by default. Kept in
/// [`crate::lints::LintConfig`] so that `lints: ["corpus"]` and
/// `--lint corpus` set it like any other lint.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CorpusLevels {
    pub unannotated: Option<Severity>,
    pub kind_mismatch: Option<Severity>,
}

impl CorpusLevels {
    /// Sets a corpus check (or the preset `corpus`, both); `None` when
    /// `code` is not one of them.
    pub fn set(&mut self, code: &str, level: &str) -> Option<Result<(), String>> {
        let lints: Vec<CorpusLint> = if code == PRESET_CORPUS {
            CorpusLint::ALL.to_vec()
        } else {
            vec![CorpusLint::from_code(code)?]
        };
        for lint in lints {
            let severity = match crate::lints::parse_level(code, level, lint.default_severity()) {
                Ok(severity) => severity,
                Err(e) => return Some(Err(e)),
            };
            match lint {
                CorpusLint::Unannotated => self.unannotated = severity,
                CorpusLint::KindMismatch => self.kind_mismatch = severity,
            }
        }
        Some(Ok(()))
    }

    pub fn level(&self, lint: CorpusLint) -> Option<Severity> {
        match lint {
            CorpusLint::Unannotated => self.unannotated,
            CorpusLint::KindMismatch => self.kind_mismatch,
        }
    }

    pub fn any_on(&self) -> bool {
        self.unannotated.is_some() || self.kind_mismatch.is_some()
    }
}

/// One annotation as the index keeps it.
#[derive(Clone, Debug)]
pub struct Item {
    pub kind: AnnotationKind,
    /// The content with escapes resolved; shared between documents.
    pub text: Arc<str>,
    /// A data item's category (shared with the taxonomy), if classified.
    pub category: Option<Arc<Category>>,
    pub line: u32,
    /// The whole annotation, brackets included.
    pub start: LinePoint,
    pub end: LinePoint,
}

impl Item {
    pub fn is_sensitive(&self) -> bool {
        self.category.as_ref().is_some_and(|c| c.sensitive)
    }
}

/// The summary of one document.
#[derive(Clone, Debug, Default)]
pub struct Entry {
    pub items: Vec<Item>,
    pub lines: u32,
    /// The document's diagnostics (syntax and the per-document lints, as
    /// configured when the entry was made).
    pub diagnostics: Vec<Diagnostic>,
}

impl Entry {
    /// The entry of a parsed and classified document, with its
    /// `diagnostics`. O(annotations).
    pub fn new(doc: &Document, classes: &Classes, diagnostics: Vec<Diagnostic>) -> Entry {
        let mut items = Vec::new();
        for ((line, parse), line_classes) in doc.line_parses().zip(classes.lines_from(0)) {
            if parse.annotations.is_empty() {
                continue;
            }
            let Some(text) = doc.line_text(line) else {
                continue;
            };
            for (i, a) in parse.annotations.iter().enumerate() {
                let category = match class_of(line_classes, i) {
                    Class::Data(c) => Some(c.clone()),
                    _ => None,
                };
                items.push(Item {
                    kind: a.kind,
                    text: Arc::from(a.value(&text).as_ref()),
                    category,
                    line: line as u32,
                    start: a.open,
                    end: a.end(),
                });
            }
        }
        Entry {
            items,
            lines: doc.line_count() as u32,
            diagnostics,
        }
    }

    /// The distinct (text, kind) pairs this document annotates.
    fn pairs(&self) -> HashSet<(&str, AnnotationKind)> {
        self.items
            .iter()
            .map(|i| (i.text.as_ref(), i.kind))
            .collect()
    }

    /// How many diagnostics of each severity: errors, warnings, others.
    pub fn counts(&self) -> (usize, usize, usize) {
        let mut c = (0, 0, 0);
        for d in &self.diagnostics {
            match d.severity {
                Severity::Error => c.0 += 1,
                Severity::Warning => c.1 += 1,
                _ => c.2 += 1,
            }
        }
        c
    }
}

fn kind_index(kind: AnnotationKind) -> usize {
    match kind {
        AnnotationKind::Actor => 0,
        AnnotationKind::Action => 1,
        AnnotationKind::Data => 2,
        AnnotationKind::Purpose => 3,
    }
}

/// The documents of a corpus and how they annotate each text.
#[derive(Default)]
pub struct CorpusIndex {
    docs: HashMap<String, Entry>,
    /// For each annotated text, the number of documents annotating it with
    /// each kind (in [`AnnotationKind::ALL`] order).
    counts: HashMap<Arc<str>, [u32; 4]>,
    /// The automaton of the terms to look for unannotated, made on first
    /// use after a change.
    scanner: OnceLock<Arc<Scanner>>,
}

/// The terms at least [`MIN_OTHER_DOCUMENTS`] documents annotate as data,
/// and the automaton finding them.
struct Scanner {
    terms: Vec<Arc<str>>,
    automaton: Option<AhoCorasick>,
}

impl CorpusIndex {
    pub fn new() -> CorpusIndex {
        CorpusIndex::default()
    }

    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.docs.get(key)
    }

    /// Every entry, in no particular order.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &Entry)> {
        self.docs.iter().map(|(k, e)| (k.as_str(), e))
    }

    /// Adds (or replaces) the entry of `key`. O(annotations).
    pub fn insert(&mut self, key: impl Into<String>, mut entry: Entry) {
        let key = key.into();
        self.remove(&key);
        // Texts are shared with the counts' keys: one copy per distinct text.
        let mut seen = HashSet::new();
        for item in &mut entry.items {
            let slot = match self.counts.get_key_value(item.text.as_ref()) {
                Some((shared, _)) => {
                    item.text = shared.clone();
                    shared.clone()
                }
                None => {
                    self.counts.insert(item.text.clone(), [0; 4]);
                    item.text.clone()
                }
            };
            if seen.insert((slot.clone(), item.kind))
                && let Some(c) = self.counts.get_mut(&slot)
            {
                c[kind_index(item.kind)] += 1;
            }
        }
        self.docs.insert(key, entry);
        self.scanner = OnceLock::new();
    }

    /// Removes the entry of `key`; it is returned if there was one.
    pub fn remove(&mut self, key: &str) -> Option<Entry> {
        let entry = self.docs.remove(key)?;
        for (text, kind) in entry.pairs() {
            if let Some(c) = self.counts.get_mut(text) {
                let slot = &mut c[kind_index(kind)];
                *slot = slot.saturating_sub(1);
                if c.iter().all(|&n| n == 0) {
                    self.counts.remove(text);
                }
            }
        }
        self.scanner = OnceLock::new();
        Some(entry)
    }

    /// How many documents annotate `text` with each kind (in
    /// [`AnnotationKind::ALL`] order).
    pub fn kind_counts(&self, text: &str) -> [u32; 4] {
        self.counts.get(text).copied().unwrap_or_default()
    }

    fn scanner(&self) -> Arc<Scanner> {
        self.scanner
            .get_or_init(|| {
                // A vague reference (个人信息, 相关信息) stands unannotated in
                // nearly every sentence of a policy: not a term to look for.
                let vague: HashSet<&str> = self
                    .docs
                    .values()
                    .flat_map(|e| &e.items)
                    .filter(|i| i.category.as_ref().is_some_and(|c| c.vague))
                    .map(|i| i.text.as_ref())
                    .collect();
                let mut terms: Vec<Arc<str>> = self
                    .counts
                    .iter()
                    .filter(|(text, c)| {
                        c[kind_index(AnnotationKind::Data)] >= MIN_OTHER_DOCUMENTS
                            && text.chars().count() >= MIN_TERM_CHARS
                            && !vague.contains(text.as_ref())
                            && !text.bytes().any(|b| b == b'\\' || is_markup_byte(b))
                    })
                    .map(|(t, _)| t.clone())
                    .collect();
                terms.sort();
                let automaton = if terms.is_empty() {
                    None
                } else {
                    AhoCorasick::builder()
                        .match_kind(MatchKind::LeftmostLongest)
                        .build(terms.iter().map(|t| t.as_bytes()))
                        .ok()
                };
                Arc::new(Scanner { terms, automaton })
            })
            .clone()
    }

    /// The corpus findings of `doc`, kept in the index under `key` (its own
    /// annotations, as the index holds them, are not counted), as
    /// diagnostics in document order. O(document + annotations).
    pub fn findings(&self, key: &str, doc: &Document, levels: &CorpusLevels) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        if !levels.any_on() {
            return out;
        }
        let own: HashSet<(&str, AnnotationKind)> =
            self.docs.get(key).map(Entry::pairs).unwrap_or_default();
        let others = |text: &str| -> [u32; 4] {
            let mut c = self.kind_counts(text);
            for kind in AnnotationKind::ALL {
                if own.contains(&(text, kind)) {
                    let slot = &mut c[kind_index(kind)];
                    *slot = slot.saturating_sub(1);
                }
            }
            c
        };
        let scanner = levels
            .unannotated
            .and_then(|s| Some((s, self.scanner())).filter(|(_, sc)| sc.automaton.is_some()));
        for (line, parse) in doc.line_parses() {
            if scanner.is_none() && (levels.kind_mismatch.is_none() || parse.annotations.is_empty())
            {
                continue;
            }
            let Some(text) = doc.line_text(line) else {
                continue;
            };
            let mut found: Vec<Diagnostic> = Vec::new();
            if let Some((severity, scanner)) = &scanner
                && let Some(automaton) = &scanner.automaton
            {
                for m in automaton.find_iter(text.as_bytes()) {
                    let (at, end) = (m.start(), m.end());
                    let inside = parse
                        .annotations
                        .iter()
                        .any(|a| (a.open.byte as usize) < end && at < a.end().byte as usize);
                    if inside || text[..at].ends_with('\\') {
                        continue;
                    }
                    let term = &scanner.terms[m.pattern().as_usize()];
                    let n = others(term)[kind_index(AnnotationKind::Data)];
                    if n < MIN_OTHER_DOCUMENTS {
                        continue;
                    }
                    let start = point_at(&text, at);
                    found.push(Diagnostic {
                        line,
                        start,
                        end: start.advanced_by(term),
                        severity: *severity,
                        code: Cow::Borrowed(CorpusLint::Unannotated.code()),
                        message: Cow::Owned(format!(
                            "`{term}` is not annotated here, but is annotated as <data> in {n} other document{}",
                            plural(n)
                        )),
                        related: Vec::new(),
                    });
                }
            }
            if let Some(severity) = levels.kind_mismatch {
                for a in &parse.annotations {
                    let value = a.value(&text);
                    let c = others(&value);
                    let total: u32 = c.iter().sum();
                    let (best, n) = AnnotationKind::ALL
                        .into_iter()
                        .filter(|&k| k != a.kind)
                        .map(|k| (k, c[kind_index(k)]))
                        .max_by_key(|&(_, n)| n)
                        .unwrap_or((a.kind, 0));
                    if n < MIN_OTHER_DOCUMENTS || n * 2 <= total {
                        continue;
                    }
                    found.push(Diagnostic {
                        line,
                        start: a.open,
                        end: a.end(),
                        severity,
                        code: Cow::Borrowed(CorpusLint::KindMismatch.code()),
                        message: Cow::Owned(format!(
                            "`{value}` is annotated as {} here, but as {} in {n} of the {total} other documents that annotate it",
                            shown_kind(a.kind),
                            shown_kind(best)
                        )),
                        related: Vec::new(),
                    });
                }
            }
            found.sort_by_key(|d| d.start.byte);
            out.extend(found);
        }
        out
    }
}

fn plural(n: u32) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A kind as written: `<data>`, `(actor)`, `[action]`, `{purpose}`.
pub fn shown_kind(kind: AnnotationKind) -> String {
    format!("{}{}{}", kind.opener(), kind.name(), kind.closer())
}

/// A query over the annotations of a corpus (`workspace/symbol`):
///
/// - `text`: annotations whose text contains `text` (any kind);
/// - `data:`, `action:`, `actor:`, `purpose:` followed by an optional
///   filter: annotations of that kind; for data, the filter matches a
///   category's id (`data:location` finds `location_general` and
///   `location_precise`), English or Chinese name (`data:位置`) as well as
///   the text;
/// - `sensitive:` and an optional text: sensitive data items.
///
/// Matching ignores ASCII case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    pub kind: Option<AnnotationKind>,
    pub sensitive: bool,
    pub filter: String,
}

impl Query {
    pub fn parse(query: &str) -> Query {
        let query = query.trim();
        if let Some((head, rest)) = query.split_once([':', '：']) {
            let head = head.trim().to_ascii_lowercase();
            let filter = rest.trim().to_lowercase();
            if head == "sensitive" {
                return Query {
                    kind: Some(AnnotationKind::Data),
                    sensitive: true,
                    filter,
                };
            }
            if let Some(kind) = AnnotationKind::ALL.into_iter().find(|k| k.name() == head) {
                return Query {
                    kind: Some(kind),
                    sensitive: false,
                    filter,
                };
            }
        }
        Query {
            kind: None,
            sensitive: false,
            filter: query.to_lowercase(),
        }
    }

    pub fn matches(&self, item: &Item) -> bool {
        if self.kind.is_some_and(|k| k != item.kind) || (self.sensitive && !item.is_sensitive()) {
            return false;
        }
        if self.filter.is_empty() {
            return true;
        }
        // The filter is lower case; most texts (CJK) have no case at all.
        let contains = |s: &str| {
            if s.bytes().any(|b| b.is_ascii_uppercase()) {
                s.to_ascii_lowercase().contains(self.filter.as_str())
            } else {
                s.contains(self.filter.as_str())
            }
        };
        if contains(&item.text) {
            return true;
        }
        self.kind == Some(AnnotationKind::Data)
            && !self.sensitive
            && item.category.as_ref().is_some_and(|c| {
                c.id.to_ascii_lowercase().contains(self.filter.as_str())
                    || c.name_zh.contains(self.filter.as_str())
                    || c.name_en.to_lowercase().contains(self.filter.as_str())
            })
    }
}
