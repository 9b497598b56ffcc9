//! The document-level lints (docs/language.md §7.9–7.12): checks that
//! compare the lines of a document with each other or look at the document
//! as a whole — `contradiction`, `unannotated-term`, `kind-mismatch` and
//! `missing-disclosure` — and the index they read, [`DocIndex`], kept up to
//! date edit by edit by [`crate::analysis::AnalysedDocument::apply_edit`].
//!
//! **The index.** Per line (a [`LineTable`], spliced like every other
//! layer): each annotation's kind and text, and each *claim* of the line's
//! practices (an action class on a data category, denied or affirmed, not
//! conditional). Over the document, count maps: how often each text is
//! annotated as each kind, how often each data term is annotated, and how
//! often each (action class, category) is denied or affirmed. An edit
//! subtracts the replaced lines' entries from the counts and adds the new
//! ones: O(annotations of the touched lines), never the document's text.
//!
//! The unannotated occurrences of the data terms are one more per-line
//! layer, found by one Aho–Corasick automaton over the distinct terms. The
//! automaton is rebuilt only when the *set* of distinct terms changes — a
//! data item annotated with a text the document had not annotated before
//! (typing inside `<…>` does, at each keystroke), or the last annotation of
//! a text removed; then the lines searched again are those that contain a
//! new term (a plain substring test over the text, much cheaper than the
//! automaton's search, but O(document)) or had a match of a term now gone.
//! Any other edit searches only the lines it touched.
//!
//! The topics (`crate::topics`) span lines, so `missing-disclosure` keeps
//! each line's [`LineSignature`] — all the topics read of a line — and
//! redoes the topics of the whole document (O(document)) only when an edit
//! changes the sequence of non-blank signatures: typing within a sentence
//! never does; typing a heading, or the first character of a new line, does.
//!
//! The diagnostics are read off the index in O(lines + findings): a
//! conflict or a mismatch is seen in the count maps, and only then are the
//! lines walked once more to find the first place of the other side (the
//! `relatedInformation`).

use std::collections::HashMap;
use std::sync::Arc;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use crate::analysis::{Class, Classes, Practices, class_of};
use crate::authoring::{Action, ActionKind, LineEdit, lines};
use crate::diagnostics::{Diagnostic, Related};
use crate::document::{Document, EditOutcome, LineTable};
use crate::lints::{Lint, LintConfig};
use crate::position::{LinePoint, LspRange, PositionEncoding};
use crate::syntax::{AnnotationKind, LineParse, Severity};
use crate::taxonomy::Category;
use crate::topics::{LineSignature, Topic, disclosed_in, heading, line_signature, line_topics};
use crate::vocabulary::ActionClass;

/// The shortest data term, in characters, whose unannotated occurrences
/// are looked for: one character (码, 号) matches everywhere.
pub const MIN_TERM_CHARS: usize = 2;

/// `missing-disclosure` looks only at documents with at least this many
/// non-blank lines: a scratch file or a snippet is no policy (the shortest
/// CA4P policy has well over this many).
pub const MIN_DISCLOSURE_LINES: usize = 20;

/// Condition cues: a sentence with one states a practice under a
/// condition (除非您同意, 未经您的授权, 如果/若/如您…, 在…情况下), which a flat
/// statement of the opposite does not contradict.
const CONDITION_CUES: &[&str] = &[
    "除非",
    "未经",
    "如果",
    "若",
    "如您",
    "如你",
    "情况下",
    "情形下",
    "前提下",
    "例外",
];

/// One annotation of a line, as the index keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Annotated {
    pub kind: AnnotationKind,
    /// The value (escapes resolved).
    pub text: Box<str>,
    /// A data item's text as written, when its unannotated occurrences
    /// are looked for (at least [`MIN_TERM_CHARS`], not vague, no escape).
    pub term: Option<Box<str>>,
    /// A data item the taxonomy has no category for.
    pub unclassified: bool,
    pub start: LinePoint,
    pub end: LinePoint,
}

/// One action of a practice on one data category, neither conditional nor
/// of an unknown class.
#[derive(Clone, Debug, PartialEq)]
pub struct Claim {
    pub class: ActionClass,
    pub category: Arc<Category>,
    pub denied: bool,
    /// The action's span.
    pub start: LinePoint,
    pub end: LinePoint,
    /// The data item's text.
    pub data: Box<str>,
}

/// What the index keeps of one line.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LineIndex {
    pub annotations: Box<[Annotated]>,
    pub claims: Box<[Claim]>,
    /// The required topics a sentence of the line discloses
    /// ([`crate::topics::disclosed_in`]), as a bit set.
    pub disclosed: u16,
}

/// An unannotated occurrence of an annotated data term.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    pub term: Arc<str>,
    pub start: LinePoint,
    pub end: LinePoint,
}

type ClaimKey = (ActionClass, Box<str>);

/// The document-wide counts, summed over the lines.
#[derive(Clone, Debug, Default, PartialEq)]
struct Counts {
    /// Text → how often it is annotated as each kind ([`kind_index`]).
    kinds: HashMap<Box<str>, [u32; 4]>,
    /// Data term (as written) → how often.
    terms: HashMap<Box<str>, u32>,
    /// Data term → how often as an unclassified item.
    unclassified: HashMap<Box<str>, u32>,
    /// Topic (bit of [`LineIndex::disclosed`]) → how many lines disclose it.
    disclosed: [u32; 16],
    /// (class, category id) → [denied, affirmed] of that category, then
    /// [denied, affirmed] of the categories that refine it.
    claims: HashMap<ClaimKey, [u32; 4]>,
    /// Set when a term's count went from or to zero.
    terms_changed: bool,
}

/// The automaton over the distinct data terms.
#[derive(Clone, Debug, Default)]
struct Terms {
    /// Sorted.
    patterns: Vec<Arc<str>>,
    automaton: Option<AhoCorasick>,
}

/// The index of one document; see the module doc.
#[derive(Clone, Debug, Default)]
pub struct DocIndex {
    lines: LineTable<Arc<LineIndex>>,
    hits: LineTable<Arc<[Hit]>>,
    counts: Arc<Counts>,
    terms: Arc<Terms>,
    signatures: LineTable<LineSignature>,
    /// The topics some line of the document has.
    covered: Arc<[Topic]>,
    /// How many lines are not blank.
    filled: usize,
    /// Built for one reading ([`DocIndex::once`]): the signatures only
    /// tell blank lines from others, and every update redoes the topics.
    transient: bool,
}

impl PartialEq for DocIndex {
    /// Equal content: what "incremental equals fresh" compares.
    fn eq(&self, other: &Self) -> bool {
        let counts = |c: &Counts| {
            (
                c.kinds.clone(),
                c.terms.clone(),
                c.unclassified.clone(),
                c.claims.clone(),
                c.disclosed,
            )
        };
        self.lines.iter().eq(other.lines.iter())
            && self.hits.iter().eq(other.hits.iter())
            && counts(&self.counts) == counts(&other.counts)
            && self.terms.patterns == other.terms.patterns
            && self.signatures.iter().eq(other.signatures.iter())
            && self.covered == other.covered
            && self.filled == other.filled
    }
}

fn kind_index(kind: AnnotationKind) -> usize {
    match kind {
        AnnotationKind::Data => 0,
        AnnotationKind::Action => 1,
        AnnotationKind::Actor => 2,
        AnnotationKind::Purpose => 3,
    }
}

const KINDS: [AnnotationKind; 4] = [
    AnnotationKind::Data,
    AnnotationKind::Action,
    AnnotationKind::Actor,
    AnnotationKind::Purpose,
];

impl DocIndex {
    /// The index of `doc`, whose classes and practices are these. O(n).
    pub fn new(doc: &Document, classes: &Classes, practices: &Practices) -> DocIndex {
        Self::build(doc, classes, practices, false)
    }

    /// An index for one reading (`check`, a diagnostics request on a
    /// document that keeps none): it skips what only makes later updates
    /// cheap (each line's topic signature; the topics are read once).
    pub fn once(doc: &Document, classes: &Classes, practices: &Practices) -> DocIndex {
        Self::build(doc, classes, practices, true)
    }

    fn build(
        doc: &Document,
        classes: &Classes,
        practices: &Practices,
        transient: bool,
    ) -> DocIndex {
        let mut index = DocIndex {
            transient,
            ..DocIndex::default()
        };
        let lines = doc.line_count();
        index.splice(
            doc,
            classes,
            practices,
            &EditOutcome {
                first_line: 0,
                old_lines: 0,
                new_lines: lines,
                clamped: false,
            },
            true,
        );
        index
    }

    /// Follows one edit of `doc` (classes and practices already up to
    /// date). O(touched lines + lines / 256), plus O(lines) and a substring
    /// test of each line when the set of data terms changed, and O(document)
    /// when the sequence of topic signatures changed.
    pub fn update(
        &mut self,
        doc: &Document,
        classes: &Classes,
        practices: &Practices,
        edit: &EditOutcome,
    ) {
        self.splice(doc, classes, practices, edit, false);
    }

    fn splice(
        &mut self,
        doc: &Document,
        classes: &Classes,
        practices: &Practices,
        edit: &EditOutcome,
        fresh: bool,
    ) {
        let first = edit.first_line;
        let old = first..first + edit.old_lines;
        let counts = Arc::make_mut(&mut self.counts);
        counts.terms_changed = false;
        let removed: Vec<Arc<LineIndex>> = self
            .lines
            .iter_from(first)
            .take(old.len())
            .cloned()
            .collect();
        for l in &removed {
            counts.add(l, -1);
        }
        let texts: Vec<String> = if fresh {
            lines(doc).map(|(_, _, t)| t.into_owned()).collect()
        } else {
            (first..first + edit.new_lines)
                .map(|l| doc.line_text(l).unwrap_or_default().into_owned())
                .collect()
        };
        let new: Vec<Arc<LineIndex>> = texts
            .iter()
            .enumerate()
            .map(|(i, text)| {
                let l = first + i;
                Arc::new(line_index(
                    text,
                    doc.line_parse(l),
                    classes.line(l),
                    practices,
                    l,
                ))
            })
            .collect();
        for l in &new {
            counts.add(l, 1);
        }
        self.lines.splice(old.clone(), new);
        if fresh || counts.terms_changed && self.terms_differ() {
            let mut patterns: Vec<Arc<str>> =
                self.counts.terms.keys().map(|k| Arc::from(&**k)).collect();
            patterns.sort();
            let automaton = (!patterns.is_empty())
                .then(|| {
                    // No DFA: building one costs more than a document's
                    // search gains from it.
                    AhoCorasick::builder()
                        .kind(Some(AhoCorasickKind::ContiguousNFA))
                        .match_kind(MatchKind::LeftmostLongest)
                        .build(patterns.iter().map(|p| p.as_bytes()))
                        .ok()
                })
                .flatten();
            let before = std::mem::replace(
                &mut self.terms,
                Arc::new(Terms {
                    patterns,
                    automaton,
                }),
            );
            let terms = self.terms.clone();
            if fresh {
                self.hits = texts
                    .iter()
                    .enumerate()
                    .map(|(l, text)| hits_of(&terms, text, doc.line_parse(l)))
                    .collect();
            } else {
                // Only lines that hold a new term, or had a match of a term
                // now gone, can change (besides the edited ones): a term
                // that matched nowhere shadowed nothing.
                let sorted_in = |list: &[Arc<str>], p: &Arc<str>| list.binary_search(p).is_ok();
                let added: Vec<&Arc<str>> = terms
                    .patterns
                    .iter()
                    .filter(|p| !sorted_in(&before.patterns, p))
                    .collect();
                let removed: Vec<&Arc<str>> = before
                    .patterns
                    .iter()
                    .filter(|p| !sorted_in(&terms.patterns, p))
                    .collect();
                let edited: Vec<Arc<[Hit]>> = texts
                    .iter()
                    .enumerate()
                    .map(|(i, text)| hits_of(&terms, text, doc.line_parse(first + i)))
                    .collect();
                self.hits.splice(old.clone(), edited);
                let edited = first..first + edit.new_lines;
                // One walk of the rope, not a lookup per line.
                self.hits = lines(doc)
                    .zip(self.hits.iter())
                    .map(|((l, parse, text), hits)| {
                        let stale = !edited.contains(&l)
                            && (hits.iter().any(|h| removed.contains(&&h.term))
                                || added.iter().any(|a| text.contains(&***a)));
                        if stale {
                            hits_of(&terms, &text, Some(parse))
                        } else {
                            hits.clone()
                        }
                    })
                    .collect();
            }
        } else {
            let terms = self.terms.clone();
            let new: Vec<Arc<[Hit]>> = texts
                .iter()
                .enumerate()
                .map(|(i, text)| hits_of(&terms, text, doc.line_parse(first + i)))
                .collect();
            self.hits.splice(old.clone(), new);
        }
        let signature = |t: &str| {
            if !self.transient {
                line_signature(t)
            } else if blank(t) {
                LineSignature::Blank
            } else {
                LineSignature::Content(false, None)
            }
        };
        let new_signatures: Vec<LineSignature> = texts.iter().map(|t| signature(t)).collect();
        let filled = |s: &LineSignature| *s != LineSignature::Blank;
        let changed = fresh || self.transient || {
            let before = self
                .signatures
                .iter_from(first)
                .take(old.len())
                .filter(|s| filled(s));
            !before.eq(new_signatures.iter().filter(|s| filled(s)))
        };
        let removed_filled = self
            .signatures
            .iter_from(first)
            .take(old.len())
            .filter(|s| filled(s))
            .count();
        self.filled =
            self.filled - removed_filled + new_signatures.iter().filter(|s| filled(s)).count();
        self.signatures.splice(old, new_signatures);
        if changed {
            let mut covered = if fresh {
                line_topics(texts.iter().map(String::as_str))
            } else {
                let all: Vec<_> = lines(doc).map(|(_, _, text)| text).collect();
                line_topics(all.iter().map(|t| t.as_ref()))
            };
            // A blank line has its section's topic, which the section's
            // heading has too, or `other`, which no check reads.
            covered.retain(|t| *t != Topic::Other);
            covered.sort();
            covered.dedup();
            self.covered = covered.into();
        }
    }

    /// Whether the distinct terms differ from the automaton's.
    fn terms_differ(&self) -> bool {
        self.counts.terms.len() != self.terms.patterns.len()
            || self
                .terms
                .patterns
                .iter()
                .any(|p| !self.counts.terms.contains_key(&**p))
    }

    /// What the index keeps of line `line`.
    pub fn line(&self, line: usize) -> Option<&LineIndex> {
        self.lines.get(line).map(|l| &**l)
    }

    /// The unannotated occurrences of data terms on line `line`.
    pub fn hits(&self, line: usize) -> &[Hit] {
        self.hits.get(line).map_or(&[], |h| h)
    }

    /// The required topics the document covers nowhere (see
    /// [`MIN_DISCLOSURE_LINES`] for when this is asked).
    pub fn missing_topics(&self) -> Vec<Topic> {
        Topic::REQUIRED
            .into_iter()
            .filter(|t| !self.covered.contains(t) && self.counts.disclosed[*t as usize] == 0)
            .collect()
    }

    /// How often data term `term` (as written) is annotated.
    pub fn term_count(&self, term: &str) -> u32 {
        self.counts.terms.get(term).copied().unwrap_or(0)
    }

    /// Whether data term `term` is annotated once only, and that once as
    /// an item the taxonomy has no category for: one annotator's choice of
    /// an unknown word (类型, 介绍) is no evidence that the word names data.
    fn term_is_doubtful(&self, term: &str) -> bool {
        self.term_count(term) == 1 && self.counts.unclassified.get(term).copied().unwrap_or(0) == 1
    }
}

impl Counts {
    fn add(&mut self, line: &LineIndex, sign: i64) {
        let bump = |n: &mut u32| *n = (*n as i64 + sign).max(0) as u32;
        for (bit, n) in self.disclosed.iter_mut().enumerate() {
            if line.disclosed & (1 << bit) != 0 {
                bump(n);
            }
        }
        for a in line.annotations.iter() {
            let entry = self.kinds.entry(a.text.clone()).or_default();
            bump(&mut entry[kind_index(a.kind)]);
            if entry.iter().all(|&n| n == 0) {
                self.kinds.remove(&a.text);
            }
            if let Some(term) = &a.term {
                let n = self.terms.entry(term.clone()).or_default();
                let was = *n;
                bump(n);
                let now = *n;
                if now == 0 {
                    self.terms.remove(term);
                }
                if (was == 0) != (now == 0) {
                    self.terms_changed = true;
                }
                if a.unclassified {
                    let n = self.unclassified.entry(term.clone()).or_default();
                    bump(n);
                    if *n == 0 {
                        self.unclassified.remove(term);
                    }
                }
            }
        }
        for c in line.claims.iter() {
            let polarity = if c.denied { 0 } else { 1 };
            let mut put = |key: ClaimKey, slot: usize| {
                let entry = self.claims.entry(key.clone()).or_default();
                bump(&mut entry[slot]);
                if entry.iter().all(|&n| n == 0) {
                    self.claims.remove(&key);
                }
            };
            put((c.class, c.category.id.as_str().into()), polarity);
            if let Some(parent) = &c.category.refines {
                put((c.class, parent.as_str().into()), 2 + polarity);
            }
        }
    }
}

/// Whether a line is blank for the topics ([`LineSignature::Blank`]).
fn blank(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_whitespace() || c == '#' || c == '*' || c == '\u{3000}')
}

/// The index of one line.
fn line_index(
    text: &str,
    parse: Option<&LineParse>,
    classes: &[Class],
    practices: &Practices,
    line: usize,
) -> LineIndex {
    let disclosed = disclosed_in(text);
    let Some(parse) = parse.filter(|p| !p.annotations.is_empty()) else {
        return LineIndex {
            disclosed,
            ..LineIndex::default()
        };
    };
    let annotations = parse
        .annotations
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let value = a.value(text);
            let raw = a.raw(text);
            let vague = matches!(class_of(classes, i), Class::Data(c) if c.vague);
            let term = (a.kind == AnnotationKind::Data
                && !vague
                && raw == value
                && raw.chars().count() >= MIN_TERM_CHARS)
                .then(|| raw.into());
            Annotated {
                kind: a.kind,
                text: value.into(),
                term,
                unclassified: a.kind == AnnotationKind::Data
                    && matches!(class_of(classes, i), Class::Unclassified),
                start: a.open,
                end: a.end(),
            }
        })
        .collect();
    let mut claims = Vec::new();
    for p in practices.line(line) {
        let sentence = text
            .get(p.start.byte as usize..p.end.byte as usize)
            .unwrap_or_default();
        if p.consent || CONDITION_CUES.iter().any(|c| sentence.contains(c)) {
            continue;
        }
        for action in p.actions.iter().filter(|a| a.class != ActionClass::Other) {
            for d in p.data.iter() {
                let Some(category) = d.category.as_ref().filter(|c| !c.vague && c.personal) else {
                    continue;
                };
                claims.push(Claim {
                    class: action.class,
                    category: category.clone(),
                    denied: action.denied,
                    start: action.start,
                    end: action.end,
                    data: d.text.clone(),
                });
            }
        }
    }
    LineIndex {
        annotations,
        claims: claims.into(),
        disclosed,
    }
}

/// The unannotated occurrences of the terms on one line: leftmost-longest
/// matches in the text between annotations, not right after a backslash.
fn hits_of(terms: &Terms, text: &str, parse: Option<&LineParse>) -> Arc<[Hit]> {
    let Some(automaton) = &terms.automaton else {
        return Arc::new([]);
    };
    // A heading, a label or a table cell names a subject; it states no
    // processing that the annotation would be missing from.
    if heading(text).is_some() {
        return Arc::new([]);
    }
    let annotations = parse.map_or(&[][..], |p| &p.annotations[..]);
    let mut out = Vec::new();
    let mut from = 0usize;
    let mut point = LinePoint::default();
    let mut at = 0usize; // the byte `point` stands at
    let segments = annotations
        .iter()
        .map(|a| (a.open.byte as usize, a.end().byte as usize))
        .chain(std::iter::once((text.len(), text.len())));
    for (open, end) in segments {
        let segment = text.get(from..open.max(from)).unwrap_or_default();
        for m in automaton.find_iter(segment) {
            let (s, e) = (from + m.start(), from + m.end());
            if text[..s].ends_with('\\') || in_definition(text, s) || in_label(text, s) {
                continue;
            }
            point = point.advanced_by(&text[at..s]);
            let start = point;
            point = point.advanced_by(&text[s..e]);
            at = e;
            out.push(Hit {
                term: terms.patterns[m.pattern().as_usize()].clone(),
                start,
                end: point,
            });
        }
        from = end.min(text.len()).max(from);
    }
    out.into()
}

/// Words by which a sentence defines or classifies kinds of information
/// instead of stating what is done with them: 个人信息是指…, 日志信息…无法识别
/// 特定自然人身份, 位置信息属于敏感信息.
const DEFINITION_CUES: &[&str] = &[
    "是指",
    "指的是",
    "系指",
    "所指",
    "定义",
    "无法识别特定",
    "不能识别特定",
    "属于敏感",
    "属于个人敏感",
    "属于个人信息",
    "敏感个人信息是",
    "个人信息包括",
];

/// Whether byte `at` of `text` lies in a sentence (ended by 。！？；) that
/// holds one of [`DEFINITION_CUES`].
fn in_definition(text: &str, at: usize) -> bool {
    let ends = |c: char| matches!(c, '。' | '！' | '？' | '；' | '!' | '?' | ';');
    let from = text[..at]
        .rfind(ends)
        .map_or(0, |i| i + ends_len(&text[i..]));
    let to = text[at..].find(ends).map_or(text.len(), |i| at + i);
    let sentence = &text[from..to];
    DEFINITION_CUES.iter().any(|c| sentence.contains(c))
}

/// The longest label, in characters, before the first colon of a line
/// (地理位置信息：GPS信息、…; 3、服务日志信息：…).
const MAX_LABEL: usize = 16;

/// Whether byte `at` of `text` lies in the line's label: the text before
/// its first colon (：or :), when that is at most [`MAX_LABEL`] characters
/// and ends no sentence. A label names the subject of a list, like a
/// heading.
fn in_label(text: &str, at: usize) -> bool {
    let Some(colon) = text.find(['：', ':']) else {
        return false;
    };
    let label = &text[..colon];
    at < colon
        && label.chars().count() <= MAX_LABEL
        && !label.contains(['。', '，', '；', ','])
        && !label.contains("://")
}

/// The length in bytes of the character `s` starts with.
fn ends_len(s: &str) -> usize {
    s.chars().next().map_or(0, char::len_utf8)
}

/// A place in the document: line and span.
type Place = (usize, LinePoint, LinePoint);

/// The document-level findings of the lints `config` switches on, by line
/// (the caller merges them into its line order): `(line, finding)`.
/// O(lines + findings).
pub fn document_findings(index: &DocIndex, doc: &Document, config: &LintConfig) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if let Some(severity) = config.level(Lint::MissingDisclosure)
        && index.filled >= MIN_DISCLOSURE_LINES
    {
        let missing = index.missing_topics();
        if !missing.is_empty() {
            let first = doc.line_text(0).unwrap_or_default();
            let names: Vec<&str> = missing.iter().map(|t| t.name()).collect();
            out.push(Diagnostic {
                line: 0,
                start: LinePoint::default(),
                end: LinePoint::default().advanced_by(&first),
                code: Lint::MissingDisclosure.code().into(),
                severity,
                message: std::borrow::Cow::Owned(format!(
                    "the policy never discloses: {} (PIPL Art. 17, GB/T 35273-2020 §5.5)",
                    names.join(", ")
                )),
                related: Vec::new(),
            });
        }
    }
    contradictions(index, config, &mut out);
    mismatches(index, config, &mut out);
    if let Some(severity) = config.level(Lint::UnannotatedTerm) {
        unannotated(index, severity, config.max_per_term, &mut out);
    }
    out.sort_by_key(|d| (d.line, d.start.byte));
    out
}

/// The `unannotated-term` findings: each term's first `cap` places in
/// document order (every place when `cap` is 0), the last of them saying
/// how many more stand unannotated. The cap is applied here, over the whole
/// document, never per line: an edit above a place can change whether it
/// is among the first `cap`. O(hits).
fn unannotated(index: &DocIndex, severity: Severity, cap: u32, out: &mut Vec<Diagnostic>) {
    let reported = |h: &&Hit| !index.term_is_doubtful(&h.term);
    // Each term's places, when some term may have more than `cap`.
    let mut totals: HashMap<&str, u32> = HashMap::new();
    if cap > 0 {
        for hits in index.hits.iter() {
            for h in hits.iter().filter(reported) {
                *totals.entry(&h.term).or_default() += 1;
            }
        }
    }
    let mut seen: HashMap<&str, u32> = HashMap::new();
    for (line, hits) in index.hits.iter().enumerate() {
        for h in hits.iter().filter(reported) {
            let mut more = 0;
            if cap > 0 {
                let n = seen.entry(&h.term).or_default();
                *n += 1;
                if *n > cap {
                    continue;
                }
                if *n == cap {
                    more = totals.get(&*h.term).copied().unwrap_or(0) - cap;
                }
            }
            let n = index.term_count(&h.term);
            let mut message = format!(
                "“{}” is annotated as <data> {n} time{} elsewhere in this document, but not here",
                h.term,
                if n == 1 { "" } else { "s" }
            );
            if more > 0 {
                message.push_str(&format!(
                    "; {more} more place{} of it further on stand{} unannotated, not reported \
                     (the quick fix “Annotate all” annotates them too)",
                    if more == 1 { "" } else { "s" },
                    if more == 1 { "s" } else { "" }
                ));
            }
            out.push(Diagnostic {
                line,
                start: h.start,
                end: h.end,
                code: Lint::UnannotatedTerm.code().into(),
                severity,
                message: std::borrow::Cow::Owned(message),
                related: Vec::new(),
            });
        }
    }
}

fn contradictions(index: &DocIndex, config: &LintConfig, out: &mut Vec<Diagnostic>) {
    let Some(severity) = config.level(Lint::Contradiction) else {
        return;
    };
    let claims = &index.counts.claims;
    // The opposite of a claim: of its own category or a finer one (under
    // its key), or of the category it refines.
    let opposed = |c: &Claim| {
        let theirs = usize::from(c.denied); // 1: affirmed; 0: denied
        let own = claims.get(&(c.class, c.category.id.as_str().into()));
        let parent = c
            .category
            .refines
            .as_ref()
            .and_then(|p| claims.get(&(c.class, p.as_str().into())));
        own.is_some_and(|n| n[theirs] > 0 || n[2 + theirs] > 0)
            || parent.is_some_and(|n| n[theirs] > 0)
    };
    if !claims
        .values()
        .any(|n| (n[0] > 0 || n[2] > 0) && (n[1] > 0 || n[3] > 0))
    {
        return;
    }
    // The first place of each (class, category, denied), and of each
    // finer category under its parent's key.
    let mut first: HashMap<(ActionClass, &str, bool, bool), Place> = HashMap::new();
    for (line, l) in index.lines.iter().enumerate() {
        for c in l.claims.iter() {
            let place = (line, c.start, c.end);
            first
                .entry((c.class, c.category.id.as_str(), c.denied, false))
                .or_insert(place);
            if let Some(p) = &c.category.refines {
                first
                    .entry((c.class, p.as_str(), c.denied, true))
                    .or_insert(place);
            }
        }
    }
    for (line, l) in index.lines.iter().enumerate() {
        let mut done: Vec<LinePoint> = Vec::new();
        for c in l.claims.iter() {
            if done.contains(&c.start) || !opposed(c) {
                continue;
            }
            let other = !c.denied;
            let id = c.category.id.as_str();
            let place = first
                .get(&(c.class, id, other, false))
                .or_else(|| first.get(&(c.class, id, other, true)))
                .or_else(|| {
                    let p = c.category.refines.as_deref()?;
                    first.get(&(c.class, p, other, false))
                });
            let Some(&(other_line, start, end)) = place else {
                continue;
            };
            done.push(c.start);
            let (this, that) = if c.denied {
                ("denies", "affirmed here")
            } else {
                ("affirms", "denied here")
            };
            out.push(Diagnostic {
                line,
                start: c.start,
                end: c.end,
                code: Lint::Contradiction.code().into(),
                severity,
                message: std::borrow::Cow::Owned(format!(
                    "this sentence {this} what line {} {}: {} of <{}> ({}), \
                         with no condition in either",
                    other_line + 1,
                    if c.denied { "affirms" } else { "denies" },
                    class_name(c.class),
                    c.data,
                    c.category.name_zh
                )),
                related: vec![Related {
                    line: other_line,
                    start,
                    end,
                    message: that.into(),
                }],
            });
        }
    }
}

fn class_name(class: ActionClass) -> &'static str {
    match class {
        ActionClass::Collect => "collecting",
        ActionClass::Use => "using",
        ActionClass::Store => "storing",
        ActionClass::Transmit => "transmitting",
        ActionClass::Share => "sharing",
        ActionClass::Transfer => "transferring",
        ActionClass::Entrust => "entrusting",
        ActionClass::Disclose => "disclosing",
        ActionClass::Delete => "deleting",
        ActionClass::Other => "processing",
    }
}

/// The kind a text is mostly annotated as: the most frequent, ties going
/// to the first of data, action, actor, purpose.
fn majority(counts: &[u32; 4]) -> usize {
    let mut best = 0;
    for i in 1..4 {
        if counts[i] > counts[best] {
            best = i;
        }
    }
    best
}

/// Whether a text is a web address: a Markdown link `[https://…](https://…)`
/// reads as an action and an actor of the same text, which is no
/// annotator's choice of kind.
fn is_address(text: &str) -> bool {
    text.contains("://") || text.starts_with("//") || text.starts_with("www.")
}

fn mismatches(index: &DocIndex, config: &LintConfig, out: &mut Vec<Diagnostic>) {
    let Some(severity) = config.level(Lint::KindMismatch) else {
        return;
    };
    let mixed = |t: &str, n: &[u32; 4]| n.iter().filter(|&&k| k > 0).count() > 1 && !is_address(t);
    if !index.counts.kinds.iter().any(|(t, n)| mixed(t, n)) {
        return;
    }
    // The first place of each mixed text as its majority kind.
    let mut first: HashMap<&str, Place> = HashMap::new();
    for (line, l) in index.lines.iter().enumerate() {
        for a in l.annotations.iter() {
            let Some(n) = index
                .counts
                .kinds
                .get(&a.text)
                .filter(|n| mixed(&a.text, n))
            else {
                continue;
            };
            if kind_index(a.kind) == majority(n) {
                first.entry(&a.text).or_insert((line, a.start, a.end));
            }
        }
    }
    for (line, l) in index.lines.iter().enumerate() {
        for a in l.annotations.iter() {
            let Some(n) = index
                .counts
                .kinds
                .get(&a.text)
                .filter(|n| mixed(&a.text, n))
            else {
                continue;
            };
            let major = majority(n);
            if kind_index(a.kind) == major {
                continue;
            }
            let Some(&(other_line, start, end)) = first.get(&*a.text) else {
                continue;
            };
            let kind = KINDS[major];
            let times = n[major];
            out.push(Diagnostic {
                line,
                start: a.start,
                end: a.end,
                code: Lint::KindMismatch.code().into(),
                severity,
                message: std::borrow::Cow::Owned(format!(
                    "“{}” is annotated as {} here but as {} {}{}{} {times} time{} \
                         in this document (first on line {})",
                    a.text,
                    a.kind.name(),
                    kind.name(),
                    kind.opener(),
                    a.text,
                    kind.closer(),
                    if times == 1 { "" } else { "s" },
                    other_line + 1
                )),
                related: vec![Related {
                    line: other_line,
                    start,
                    end,
                    message: format!("annotated as {} here", kind.name()).into(),
                }],
            });
        }
    }
}

/// The quick fixes for the unannotated occurrences the range touches:
/// "Annotate this as <X>" and, when there are more, "Annotate all N as
/// <X>" (every unannotated occurrence of the term in the document).
/// O(lines of the range), plus O(lines) for annotate-all.
pub fn unannotated_actions(
    index: &DocIndex,
    range: LspRange,
    enc: PositionEncoding,
) -> Vec<Action> {
    let mut out = Vec::new();
    let mut seen: Vec<Arc<str>> = Vec::new();
    let (first, last) = (range.start.line as usize, range.end.line as usize);
    for line in first..=last.min(index.hits.len().saturating_sub(1)) {
        for h in index.hits(line) {
            let from = if line == first {
                range.start.character
            } else {
                0
            };
            let to = if line == last {
                range.end.character
            } else {
                u32::MAX
            };
            if !(h.start.column(enc) <= to && from <= h.end.column(enc)) {
                continue;
            }
            out.push(Action {
                title: format!("Annotate this “{}” as <data>", h.term),
                kind: ActionKind::QuickFix,
                edits: wrap(line, h).into(),
                preferred: true,
                fixes: None,
            });
            if seen.contains(&h.term) {
                continue;
            }
            seen.push(h.term.clone());
            let edits: Vec<LineEdit> = index
                .hits
                .iter()
                .enumerate()
                .flat_map(|(l, hits)| {
                    hits.iter()
                        .filter(|o| o.term == h.term)
                        .flat_map(move |o| wrap(l, o))
                        .collect::<Vec<_>>()
                })
                .collect();
            if edits.len() > 2 {
                out.push(Action {
                    title: format!(
                        "Annotate all {} unannotated “{}” as <data>",
                        edits.len() / 2,
                        h.term
                    ),
                    kind: ActionKind::QuickFix,
                    edits,
                    preferred: false,
                    fixes: None,
                });
            }
        }
    }
    out
}

fn wrap(line: usize, h: &Hit) -> [LineEdit; 2] {
    [
        LineEdit::insert(line, h.start, "<".to_string()),
        LineEdit::insert(line, h.end, ">".to_string()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::AnalysedDocument;
    use crate::diagnostics::analysed_diagnostics;
    use crate::taxonomy::Taxonomy;

    type Found = (usize, u32, u32, Vec<(usize, u32)>);

    /// The findings of `lint` in `text`: (line, start char, end char,
    /// related (line, char)), the same with and without a kept index.
    fn found(text: &str, lint: &str) -> Vec<Found> {
        let mut config = LintConfig::default();
        config.set(lint, "on").unwrap();
        let mut doc = AnalysedDocument::new(text, Arc::new(Taxonomy::builtin()));
        let without = analysed_diagnostics(&doc, &config);
        doc.set_document_index(true);
        let with = analysed_diagnostics(&doc, &config);
        assert_eq!(with, without);
        with.into_iter()
            .filter(|d| d.code == lint)
            .map(|d| {
                let related = d.related.iter().map(|r| (r.line, r.start.char)).collect();
                (d.line, d.start.char, d.end.char, related)
            })
            .collect()
    }

    #[test]
    fn a_denial_and_an_affirmation_contradict_across_lines_both_reported() {
        let text = "(我们)不会[共享]您的<位置信息>。\n😀(我们)会与(广告商)[共享]您的<位置信息>。";
        assert_eq!(
            found(text, "contradiction"),
            [(0, 6, 10, vec![(1, 12)]), (1, 12, 16, vec![(0, 6)])]
        );
        // A finer category (精确位置信息 refines 位置信息) overlaps.
        let text = "(我们)不会[共享]您的<位置信息>。\n(我们)[共享]您的<精准定位信息>给(广告商)。";
        let f = found(text, "contradiction");
        assert_eq!(f.len(), 2, "{f:?}");
    }

    #[test]
    fn conditional_or_different_practices_do_not_contradict() {
        for text in [
            // Consent, or a condition, in one of the sentences.
            "未经您的同意，(我们)不会[共享]您的<位置信息>。\n(我们)[共享]<位置信息>给(广告商)。",
            "除非法律要求，(我们)不会[共享]您的<位置信息>。\n(我们)[共享]<位置信息>给(广告商)。",
            "(我们)不会[共享]您的<位置信息>。\n如果您开启定位，(我们)[共享]<位置信息>给(广告商)。",
            // Another class, another category, both denied, a vague item.
            "(我们)不会[共享]您的<位置信息>。\n(我们)[收集]<位置信息>。",
            "(我们)不会[共享]您的<位置信息>。\n(我们)[共享]<手机号码>给(广告商)。",
            "(我们)不会[共享]<位置信息>。\n(我们)绝不[共享]<位置信息>。",
            "(我们)不会[共享]<个人信息>。\n(我们)[共享]<个人信息>给(广告商)。",
        ] {
            assert_eq!(found(text, "contradiction"), [], "{text}");
        }
    }

    #[test]
    fn unannotated_terms_longest_first_and_never_inside_annotations() {
        let text =
            "(我们)[收集]<手机号码>和<手机号>。\n您的手机号码和手机号😀，<手机号码>，个人信息，码";
        // 手机号码 is matched whole, not as 手机号 + 码; the annotated
        // occurrences are not reported.
        assert_eq!(
            found(text, "unannotated-term"),
            [(1, 2, 6, vec![]), (1, 7, 10, vec![])]
        );
        // Vague items (个人信息) and one-character items are not terms.
        let text = "<个人信息><码>。\n个人信息和码";
        assert_eq!(found(text, "unannotated-term"), []);
        // An escaped bracket is text; a term right after a backslash is not
        // offered (wrapping it would escape the opener).
        assert_eq!(
            found("<位置信息>\n\\<位置信息，\\位置信息", "unannotated-term"),
            [(1, 2, 6, vec![])]
        );
    }

    #[test]
    fn a_term_unannotated_25_times_is_reported_20_times_the_last_naming_the_rest() {
        let mut text = String::from("(我们)[收集]<手机号码>。\n");
        for i in 0..25 {
            text.push_str(if i % 2 == 0 {
                "😀更换手机号码。\n"
            } else {
                "验证手机号码后登录。\r\n"
            });
        }
        let messages = |cap: Option<&str>| {
            let mut config = LintConfig::default();
            config.set("unannotated-term", "on").unwrap();
            if let Some(cap) = cap {
                config.set(crate::lints::MAX_PER_TERM, cap).unwrap();
            }
            let mut doc = AnalysedDocument::new(&text, Arc::new(Taxonomy::builtin()));
            let fresh = analysed_diagnostics(&doc, &config);
            doc.set_document_index(true);
            let kept = analysed_diagnostics(&doc, &config);
            assert_eq!(kept, fresh);
            kept.into_iter()
                .map(|d| (d.line, d.message.into_owned()))
                .collect::<Vec<_>>()
        };
        let found = messages(None);
        assert_eq!(found.len(), 20, "the first 20 places");
        assert_eq!(found[19].0, 20, "in document order");
        assert!(
            found[19].1.ends_with(
                "; 5 more places of it further on stand unannotated, not reported \
                 (the quick fix “Annotate all” annotates them too)"
            ),
            "{}",
            found[19].1
        );
        assert!(found[..19].iter().all(|(_, m)| !m.contains("more")));
        assert_eq!(messages(Some("0")).len(), 25, "0: no cap");
        assert_eq!(messages(Some("25")).len(), 25);
        let one = messages(Some("24"));
        assert!(
            one[23].1.contains("; 1 more place of it further on stands"),
            "{}",
            one[23].1
        );
        // "Annotate all" counts and wraps every place, reported or not.
        let mut doc = AnalysedDocument::new(&text, Arc::new(Taxonomy::builtin()));
        doc.set_document_index(true);
        let at = crate::position::LspPosition::new(1, 5);
        let actions = unannotated_actions(
            doc.document_index().unwrap(),
            LspRange { start: at, end: at },
            PositionEncoding::Utf16,
        );
        assert_eq!(
            actions[1].title,
            "Annotate all 25 unannotated “手机号码” as <data>"
        );
        assert_eq!(actions[1].edits.len(), 50);
    }

    #[test]
    fn kind_mismatch_is_reported_on_the_minority_kind() {
        let text = "<手机号码>和<手机号码>\r\n𠮷(手机号码)\r\n<手机号码>";
        assert_eq!(found(text, "kind-mismatch"), [(1, 1, 7, vec![(0, 0)])]);
        assert_eq!(found("<手机号码>\n<手机号码>[收集]", "kind-mismatch"), []);
        // A Markdown link is no choice of kind.
        assert_eq!(
            found("[https://a.cn/p](https://a.cn/p)", "kind-mismatch"),
            []
        );
    }

    #[test]
    fn missing_disclosure_lists_the_topics_never_covered_in_a_policy_only() {
        let mut policy = String::from("一、我们如何收集和使用您的个人信息\n");
        for _ in 0..MIN_DISCLOSURE_LINES {
            policy.push_str("(我们)[收集]<手机号码>{用于注册}。\n");
        }
        policy.push_str("二、我们如何共享您的个人信息\n(我们)不会[共享]。\n");
        policy.push_str("三、我们如何保护您的个人信息\n(我们)[加密]。\n");
        let f = found(&policy, "missing-disclosure");
        assert_eq!(f, [(0, 0, 17, vec![])]);
        let mut config = LintConfig::default();
        config.set("missing-disclosure", "on").unwrap();
        let doc = AnalysedDocument::new(&policy, Arc::new(Taxonomy::builtin()));
        let message = &analysed_diagnostics(&doc, &config)[0].message;
        assert!(
            message.contains("controller-contact") && message.contains("retention"),
            "{message}"
        );
        assert!(!message.contains("collection-and-use") && !message.contains("third-party"));
        // A scratch file is no policy.
        assert_eq!(
            found("(我们)[收集]<手机号码>\n一、", "missing-disclosure"),
            []
        );
    }

    #[test]
    fn unannotated_terms_are_not_reported_in_headings_labels_definitions() {
        // Positive: a plain sentence still gets its finding.
        let text = "(我们)[收集]<设备信息>和<设备信息>。\n我们会使用设备信息。";
        assert_eq!(found(text, "unannotated-term").len(), 1);
        for text in [
            "(我们)[收集]<设备信息>和<设备信息>。\n二、设备信息",
            "(我们)[收集]<设备信息>和<设备信息>。\n设备信息：型号、系统版本。",
            "(我们)[收集]<设备信息>和<设备信息>。\n单独的设备信息无法识别特定自然人身份。",
            // Annotated once, unclassified.
            "(我们)[收集]<奇怪条目>。\n奇怪条目也在这里。",
        ] {
            assert_eq!(found(text, "unannotated-term"), [], "{text}");
        }
    }

    #[test]
    fn a_topic_stated_in_a_sentence_under_another_heading_is_disclosed() {
        let mut policy = String::from("一、我们如何收集和使用您的个人信息\n");
        for _ in 0..MIN_DISCLOSURE_LINES {
            policy.push_str("(我们)[收集]<手机号码>{用于注册}。\n");
        }
        let mut config = LintConfig::default();
        config.set("missing-disclosure", "on").unwrap();
        let message = |p: &str| {
            let doc = AnalysedDocument::new(p, Arc::new(Taxonomy::builtin()));
            analysed_diagnostics(&doc, &config)[0].message.to_string()
        };
        let before = message(&policy);
        assert!(before.contains("retention") && before.contains("consent-withdrawal"));
        policy.push_str("我们仅在所需的最短期限内保存您的信息。您可以随时撤回您的授权同意。\n");
        let after = message(&policy);
        assert!(
            !after.contains("retention") && !after.contains("consent-withdrawal"),
            "{after}"
        );
        assert!(after.contains("controller-contact") && after.contains("minors"));
    }

    #[test]
    fn quick_fixes_wrap_one_or_every_unannotated_occurrence() {
        let text = "<手机号码>\n😀手机号码，手机号码\n更换手机号码。";
        let mut doc = AnalysedDocument::new(text, Arc::new(Taxonomy::builtin()));
        doc.set_document_index(true);
        let index = doc.document_index().unwrap();
        let range = LspRange {
            start: crate::position::LspPosition::new(1, 3),
            end: crate::position::LspPosition::new(1, 3),
        };
        let actions = unannotated_actions(index, range, PositionEncoding::Utf16);
        let titles: Vec<&str> = actions.iter().map(|a| a.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Annotate this “手机号码” as <data>",
                "Annotate all 3 unannotated “手机号码” as <data>"
            ]
        );
        assert_eq!(actions[0].edits.len(), 2);
        assert_eq!(actions[1].edits.len(), 6);
        assert_eq!(actions[0].edits[0].start.utf16, 2, "after 😀");
    }
}
