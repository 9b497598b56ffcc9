//! The analysed document: the text, its parse, and every layer derived
//! from them line by line (the [`Classes`]: what the taxonomy and the
//! practice list say about each annotation; the [`Practices`]: what each
//! sentence states, and each line's [`LineCues`], `crate::practices`),
//! kept in step by one [`AnalysedDocument::apply_edit`], so that a
//! keystroke redoes only the lines it touched (and, for the lint
//! [`Findings`], which read the two lines above, the two lines after them).
//!
//! Architecture invariant: an [`AnalysedDocument`] is only ever changed
//! through its own methods, and each of them leaves every layer equal to
//! what [`AnalysedDocument::new`] of the same text and taxonomy would hold
//! ("incremental equals fresh"; the property tests below hold it). A new
//! per-line layer is a field here, spliced in `apply_edit`.
//!
//! The [`Disagreements`] with another annotator's version are a layer too,
//! present only once [`AnalysedDocument::set_theirs`] has named that
//! version (the editor's `compareWith`).
//!
//! Within [`Classes`]: one entry per document line and, on each line,
//! either one [`Class`] per annotation of that line's parse, or none at all
//! when no annotation of the line needs one (read with [`class_of`]).

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use crate::agreement::{Disagreements, TheirLines};
use crate::doc_lints::{DocFindings, DocIndex};
use crate::document::{Document, EditError, EditOutcome, LineTable};
use crate::lints::{Finding, LintConfig, line_findings, practice_findings};
use crate::position::{LspRange, PositionEncoding};
use crate::practices::{LineCues, Practice, line_cues, line_practices};
use crate::syntax::{AnnotationKind, LineParse};
use crate::taxonomy::{Category, Taxonomy};
use crate::vocabulary::practice;

/// How many recent edits an [`AnalysedDocument`] remembers, for results
/// brought up to date by the lines edited since (semantic token deltas).
/// Older results are recomputed whole. Small: snapshots share it, and an
/// edit after a snapshot copies it.
const EDIT_LOG: usize = 128;

/// A document and everything derived from it, per line.
///
/// Cloning is cheap — O(lines / 256), sharing the rope's and the line
/// tables' chunks — so a request can work on a snapshot while edits go on;
/// an edit after a clone copies only the chunks it touches.
#[derive(Clone, Debug)]
pub struct AnalysedDocument {
    doc: Document,
    taxonomy: Arc<Taxonomy>,
    classes: Classes,
    /// The comparison with another annotator's version, if one is set.
    disagreements: Option<Disagreements>,
    practices: Practices,
    /// The findings of the lints switched on, per line, once
    /// [`Self::set_lints`] has named them.
    findings: Option<Findings>,
    /// The index of the document-level lints (`crate::doc_lints`), kept
    /// only once asked for ([`Self::set_document_index`]): it costs memory
    /// and, when the set of data terms changes, a search of the document.
    index: Option<DocIndex>,
    /// Changes made so far; a change of taxonomy or a rebuild counts as an
    /// edit of every line.
    generation: u64,
    /// The last [`EDIT_LOG`] changes, the newest last.
    log: Arc<VecDeque<EditOutcome>>,
}

impl AnalysedDocument {
    /// Parses and analyses `text`. O(n).
    pub fn new(text: &str, taxonomy: Arc<Taxonomy>) -> AnalysedDocument {
        let doc = Document::new(text);
        let classes = Classes::new(&doc, &taxonomy);
        let practices = Practices::new(&doc, &classes);
        AnalysedDocument {
            doc,
            taxonomy,
            classes,
            disagreements: None,
            practices,
            findings: None,
            index: None,
            generation: 0,
            log: Arc::default(),
        }
    }

    /// The text and its parse. O(1).
    pub fn doc(&self) -> &Document {
        &self.doc
    }

    /// The class of every annotation. O(1).
    pub fn classes(&self) -> &Classes {
        &self.classes
    }

    /// What each sentence states, line by line. O(1).
    pub fn practices(&self) -> &Practices {
        &self.practices
    }

    /// The per-line findings of the lints [`Self::set_lints`] switched on,
    /// if `config` is what it switched on. O(1).
    pub fn findings(&self, config: &LintConfig) -> Option<&Findings> {
        self.findings.as_ref().filter(|f| f.config == *config)
    }

    /// Keeps the findings of `config`'s lints line by line from now on, so
    /// that the diagnostics after a keystroke cost a copy rather than a
    /// pass of every lint over every annotation. O(annotations) when
    /// `config` changes, O(1) when it does not. Not counted as an edit.
    /// The document-level lints' index is kept while one of them is on
    /// ([`Self::set_document_index`]).
    pub fn set_lints(&mut self, config: &LintConfig) {
        self.set_document_index(config.any_document_lint_on());
        if !config.any_on() {
            self.findings = None;
        } else if self.findings.as_ref().is_none_or(|f| f.config != *config) {
            self.findings = Some(Findings::new(self, config.clone()));
        }
    }

    /// The index of the document-level lints, if kept. O(1).
    pub fn document_index(&self) -> Option<&DocIndex> {
        self.index.as_ref()
    }

    /// Keeps the index of the document-level lints from now on (`true`,
    /// built now if missing: O(n)), or drops it (`false`). The server
    /// keeps it while one of those lints is on. Not counted as an edit.
    pub fn set_document_index(&mut self, keep: bool) {
        match (keep, &self.index) {
            (true, None) => {
                let index = DocIndex::new(&self.doc, &self.classes, &self.practices);
                if let Some(f) = &mut self.findings {
                    f.document = f.document_of(Some(&index));
                }
                self.index = Some(index);
            }
            (false, Some(_)) => {
                self.index = None;
                if let Some(f) = &mut self.findings {
                    f.document = None;
                }
            }
            _ => {}
        }
    }

    /// The disagreements with the other annotator's version, if one is
    /// set ([`Self::set_theirs`]). O(1).
    pub fn disagreements(&self) -> Option<&Disagreements> {
        self.disagreements.as_ref()
    }

    /// Compares the document with another annotator's version from now on
    /// (`None`: with none). O(document) with a version, O(1) without.
    ///
    /// Not counted as an edit: nothing that reads the edit log (semantic
    /// tokens) depends on the comparison.
    pub fn set_theirs(&mut self, theirs: Option<Arc<TheirLines>>) {
        self.disagreements = theirs.map(|t| Disagreements::new(&self.doc, t));
    }

    /// The taxonomy the data items were classified with. O(1).
    pub fn taxonomy(&self) -> &Arc<Taxonomy> {
        &self.taxonomy
    }

    /// How many changes made this version; a result computed at one
    /// generation is brought up to date with [`Self::edits_since`].
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The changes made since `generation`, oldest first; `None` when they
    /// are no longer all remembered (or `generation` is from the future).
    pub fn edits_since(&self, generation: u64) -> Option<impl Iterator<Item = &EditOutcome>> {
        let count = usize::try_from(self.generation.checked_sub(generation)?).ok()?;
        (count <= self.log.len()).then(|| self.log.iter().skip(self.log.len() - count))
    }

    /// Applies one edit as [`Document::apply_edit`] does and brings every
    /// derived layer up to date. O(log n + touched lines + lines / 256);
    /// with a comparison set, an edit that adds or removes lines also
    /// recompares every line after it (see [`Disagreements::update`]).
    pub fn apply_edit(
        &mut self,
        range: Option<LspRange>,
        text: &str,
        encoding: PositionEncoding,
    ) -> Result<EditOutcome, EditError> {
        let outcome = self.doc.apply_edit(range, text, encoding)?;
        self.classes.update(&self.doc, &outcome, &self.taxonomy);
        self.practices.update(&self.doc, &outcome, &self.classes);
        if let Some(index) = &mut self.index {
            index.update(&self.doc, &self.classes, &self.practices, &outcome);
        }
        if let Some(d) = &mut self.disagreements {
            d.update(&self.doc, &outcome);
        }
        if let Some(mut f) = self.findings.take() {
            f.update(self, &outcome);
            self.findings = Some(f);
        }
        self.record(outcome);
        Ok(outcome)
    }

    /// Reclassifies everything with another taxonomy. O(annotations).
    pub fn set_taxonomy(&mut self, taxonomy: Arc<Taxonomy>) {
        self.classes = Classes::new(&self.doc, &taxonomy);
        self.practices = Practices::new(&self.doc, &self.classes);
        if self.index.is_some() {
            self.index = Some(DocIndex::new(&self.doc, &self.classes, &self.practices));
        }
        self.taxonomy = taxonomy;
        self.refresh_findings();
        let lines = self.doc.line_count();
        self.record(EditOutcome {
            first_line: 0,
            old_lines: lines,
            new_lines: lines,
            clamped: false,
        });
    }

    /// Rebuilds every layer from the text, e.g. after an edit that stopped
    /// halfway (a bug of ours). O(n).
    pub fn rebuild(&mut self) {
        let old_lines = self.doc.line_count();
        self.doc = Document::new(&self.doc.text());
        self.classes = Classes::new(&self.doc, &self.taxonomy);
        self.practices = Practices::new(&self.doc, &self.classes);
        if self.index.is_some() {
            self.index = Some(DocIndex::new(&self.doc, &self.classes, &self.practices));
        }
        if let Some(d) = &mut self.disagreements {
            *d = Disagreements::new(&self.doc, d.theirs().clone());
        }
        self.refresh_findings();
        self.record(EditOutcome {
            first_line: 0,
            old_lines,
            new_lines: self.doc.line_count(),
            clamped: false,
        });
    }

    fn refresh_findings(&mut self) {
        if let Some(f) = self.findings.take() {
            self.findings = Some(Findings::new(self, f.config));
        }
    }

    fn record(&mut self, outcome: EditOutcome) {
        self.generation += 1;
        let log = Arc::make_mut(&mut self.log);
        if log.len() == EDIT_LOG {
            log.pop_front();
        }
        log.push_back(outcome);
    }
}

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
    /// The taxonomy they were classified with (cheap to clone), for the
    /// document lints that classify a word of the text
    /// (`crate::doc_lints`). A change of taxonomy builds new classes.
    taxonomy: Option<Taxonomy>,
}

impl Classes {
    /// Classifies every annotation of `doc`. O(annotations).
    pub fn new(doc: &Document, taxonomy: &Taxonomy) -> Classes {
        let mut memo = Memo::default();
        Classes {
            classes: doc
                .line_parses()
                .zip(doc.line_texts_from(0))
                .map(|((_, parse), text)| line_classes(parse, &text, taxonomy, &mut memo))
                .collect(),
            taxonomy: Some(taxonomy.clone()),
        }
    }

    /// The taxonomy the classes were made with; `None` for empty classes.
    pub fn taxonomy(&self) -> Option<&Taxonomy> {
        self.taxonomy.as_ref()
    }

    /// Follows one edit of `doc`: reclassifies the lines it replaced.
    /// O(touched lines + lines / 256).
    pub fn update(&mut self, doc: &Document, edit: &EditOutcome, taxonomy: &Taxonomy) {
        let first = edit.first_line;
        let mut memo = Memo::default();
        let new = doc
            .line_parses_from(first)
            .zip(doc.line_texts_from(first))
            .take(edit.new_lines)
            .map(|((_, parse), text)| line_classes(parse, &text, taxonomy, &mut memo));
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

/// The practices of every line of a document (`crate::practices`): one
/// per sentence with an annotation, in line order; and each line's
/// [`LineCues`], what the line states as a whole. Both line-local.
#[derive(Clone, Debug, Default)]
pub struct Practices {
    practices: LineTable<Box<[Practice]>>,
    cues: LineTable<LineCues>,
}

impl Practices {
    /// The practices of every line of `doc`, whose annotations have these
    /// classes. O(n).
    pub fn new(doc: &Document, classes: &Classes) -> Practices {
        let (practices, cues) = doc
            .line_parses()
            .zip(doc.line_texts_from(0))
            .zip(classes.lines_from(0))
            .map(|(((_, parse), text), classes)| practices_of(parse, &text, classes))
            .unzip::<_, _, Vec<_>, Vec<_>>();
        Practices {
            practices: practices.into_iter().collect(),
            cues: cues.into_iter().collect(),
        }
    }

    /// Follows one edit of `doc` (whose classes are already up to date):
    /// recomputes the lines it replaced. O(touched lines + lines / 256).
    pub fn update(&mut self, doc: &Document, edit: &EditOutcome, classes: &Classes) {
        let first = edit.first_line;
        let (practices, cues) = doc
            .line_parses_from(first)
            .zip(doc.line_texts_from(first))
            .zip(classes.lines_from(first))
            .take(edit.new_lines)
            .map(|(((_, parse), text), classes)| practices_of(parse, &text, classes))
            .unzip::<_, _, Vec<_>, Vec<_>>();
        self.practices
            .splice(first..first + edit.old_lines, practices);
        self.cues.splice(first..first + edit.old_lines, cues);
    }

    /// The practices of line `line`, in order.
    pub fn line(&self, line: usize) -> &[Practice] {
        self.practices.get(line).map_or(&[], |p| p)
    }

    /// What line `line` states as a whole (the default past the end).
    pub fn cues(&self, line: usize) -> LineCues {
        self.cues.get(line).copied().unwrap_or_default()
    }

    /// Every line's practices from line `start` on.
    pub fn lines_from(&self, start: usize) -> impl Iterator<Item = &[Practice]> {
        self.practices.iter_from(start).map(|p| &**p)
    }
}

/// The findings of some lints on every line of a document: what
/// [`line_findings`] and then [`practice_findings`] give for the line.
/// The findings of a line read that line's layers and the [`LineCues`] of
/// the two lines above (a lead-in the line continues, past one blank line
/// for `recipient-missing`), so an edit recomputes the lines it touched and
/// the two lines after them.
///
/// With a document-level lint on and the document's index kept, the
/// document-level findings are kept too ([`DocFindings`]): an edit that
/// leaves every annotation's text and kind, every claim and every
/// unannotated term of the lines it touched as they were (however it cuts
/// them into lines) redoes the findings of those lines only. They are
/// dropped with the index, and made again with it.
#[derive(Clone, Debug)]
pub struct Findings {
    config: LintConfig,
    findings: LineTable<Box<[Finding]>>,
    document: Option<DocFindings>,
}

impl Findings {
    fn new(doc: &AnalysedDocument, config: LintConfig) -> Findings {
        let findings = (0..doc.doc.line_count())
            .map(|l| findings_of(doc, l, &config))
            .collect();
        let mut out = Findings {
            config,
            findings,
            document: None,
        };
        out.document = out.document_of(doc.index.as_ref());
        out
    }

    /// The document-level findings of `index`, if a document-level lint is on.
    fn document_of(&self, index: Option<&DocIndex>) -> Option<DocFindings> {
        let index = index.filter(|_| self.config.any_document_lint_on())?;
        Some(DocFindings::new(index, &self.config))
    }

    /// The document-level findings, kept (see the type's doc). O(1).
    pub fn document(&self) -> Option<&DocFindings> {
        self.document.as_ref()
    }

    fn update(&mut self, doc: &AnalysedDocument, edit: &EditOutcome) {
        match (&mut self.document, &doc.index) {
            (Some(d), Some(index)) => d.update(index, &self.config, edit),
            (d, _) => *d = None,
        }
        let first = edit.first_line;
        // The two lines after the edit read the cues of the last edited
        // lines. They start at line `first + new_lines` now and were at
        // `first + old_lines`.
        let after = doc
            .doc
            .line_count()
            .saturating_sub(first + edit.new_lines)
            .min(2);
        let new =
            (first..first + edit.new_lines + after).map(|l| findings_of(doc, l, &self.config));
        self.findings.splice(
            first..first + edit.old_lines + after,
            new.collect::<Vec<_>>(),
        );
    }

    /// Every line's findings from line `start` on.
    pub fn lines_from(&self, start: usize) -> impl Iterator<Item = &[Finding]> {
        self.findings.iter_from(start).map(|f| &**f)
    }
}

fn findings_of(doc: &AnalysedDocument, line: usize, config: &LintConfig) -> Box<[Finding]> {
    let Some(parse) = doc.doc.line_parse(line) else {
        return Box::default();
    };
    if parse.annotations.is_empty() {
        return Box::default();
    }
    line_findings(parse, doc.classes.line(line), config)
        .chain(
            config
                .any_practice_lint_on()
                .then(|| {
                    let cues = |back: usize| {
                        line.checked_sub(back)
                            .map(|l| doc.practices.cues(l))
                            .unwrap_or_default()
                    };
                    practice_findings(
                        doc.practices.line(line),
                        doc.practices.cues(line),
                        [cues(1), cues(2)],
                        config,
                    )
                })
                .into_iter()
                .flatten(),
        )
        .collect()
}

fn practices_of(parse: &LineParse, text: &str, classes: &[Class]) -> (Box<[Practice]>, LineCues) {
    // A line with no annotation has no practice, but its cues say whether
    // it is blank or speaks of public disclosure (a heading the next line
    // is read under).
    let practices = line_practices(text, parse, classes);
    let cues = line_cues(text, parse, &practices);
    (practices, cues)
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

/// The class of each data item's text classified so far: a policy names
/// the same items again and again (手机号码, 设备信息), and the taxonomy's
/// answer depends on the text alone.
type Memo = HashMap<Box<str>, Class>;

fn line_classes(
    parse: &LineParse,
    text: &str,
    taxonomy: &Taxonomy,
    memo: &mut Memo,
) -> Box<[Class]> {
    let needs_text = |k| matches!(k, AnnotationKind::Data | AnnotationKind::Action);
    if !parse.annotations.iter().any(|a| needs_text(a.kind)) {
        return Box::default();
    }
    parse
        .annotations
        .iter()
        .map(|a| match a.kind {
            AnnotationKind::Data => {
                let value = a.value(text);
                if let Some(class) = memo.get(&*value) {
                    return class.clone();
                }
                let class = taxonomy
                    .classify(&value)
                    .summary()
                    .map_or(Class::Unclassified, |c| Class::Data(c.clone()));
                memo.insert(value.into(), class.clone());
                class
            }
            AnnotationKind::Action if practice(&a.value(text)).is_none() => Class::UnknownPractice,
            _ => Class::Plain,
        })
        .collect()
}
