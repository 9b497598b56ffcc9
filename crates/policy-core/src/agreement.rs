//! Agreement between annotators: two or more versions of one text, each
//! annotated by someone else, compared span by span and character by
//! character.
//!
//! A [`Version`] is one annotator's file reduced to its plain text (the
//! brackets of its annotations removed, escapes resolved, every line break
//! one `\n`) and its annotations as [`Span`]s in code points of that plain
//! text. Versions of the same text have equal plain texts; [`compare`]
//! refuses any others. What is compared:
//!
//! * **exact**: same kind, same start and end;
//! * **overlap**: same kind and at least one shared character, each span
//!   matched at most once, pairs taken by largest overlap first;
//! * **Cohen's κ over characters**: every code point but line breaks is
//!   labelled with the kind of the annotation covering it or `none`; per
//!   kind the two-way labelling "in this kind or not", for all kinds the
//!   five labels;
//! * a **confusion matrix** of kinds and a list of [`Disagreement`]s, from
//!   one matching of overlapping spans of any kind;
//! * with three or more annotators, **Fleiss' κ** over characters
//!   ([`FleissCounts`]).
//!
//! Everything is counted in addable [`Counts`], so the scores of a set of
//! documents are those of their pooled counts (micro-averaged).
//!
//! Costs: [`Version::parse`] O(text); [`compare`] O(spans · log spans);
//! [`FleissCounts::of`] O(annotators · text).
//!
//! In the editor, an open document is compared line by line with the
//! other annotator's version ([`TheirLines`]): [`Disagreements`] is a
//! per-line layer of [`crate::analysis::AnalysedDocument`], spliced by its
//! `apply_edit` like every other layer.
//!
//! Architecture invariant: no I/O and no JSON here; the CLI prints.

use std::cmp::Reverse;
use std::ops::AddAssign;
use std::sync::Arc;

use crate::document::{Document, EditOutcome, LineEdit, LineTable, lines_of};
use crate::position::{LinePoint, point_at};
use crate::syntax::{AnnotationKind, is_markup_byte, parse_line};

/// A UTF-8 byte-order mark, skipped at the start of a file (docs/language.md §2).
const BOM: char = '\u{feff}';

/// One annotation of a version, in code points of the plain text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    pub kind: AnnotationKind,
    /// First code point of the content in the plain text.
    pub start: usize,
    /// Just after the content's last code point.
    pub end: usize,
    /// The content, escapes resolved (the plain text's `start..end`).
    pub text: String,
    /// Where the annotation is in the marked-up file: 0-based line, the
    /// opener and the point just after the closer.
    pub line: usize,
    pub open: LinePoint,
    pub close_end: LinePoint,
}

impl Span {
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
}

/// One annotator's version of a text.
#[derive(Clone, Debug, Default)]
pub struct Version {
    plain: String,
    /// In plain-text order; never overlapping (annotations do not nest and
    /// never span a line).
    spans: Vec<Span>,
    /// The plain-text code point where each line starts.
    line_starts: Vec<usize>,
    /// Plain-text positions before which a markup character (a bracket or
    /// the backslash of an escape) was removed, ascending.
    removed: Vec<usize>,
    /// Plain-text positions of characters written with an escape, ascending.
    escaped: Vec<usize>,
    /// Code points of the plain text, line breaks included.
    chars: usize,
}

impl Version {
    /// Reads a marked-up text: a leading byte-order mark is skipped, `\r\n`
    /// and `\r` become `\n`, and a last empty line (after a final line
    /// break) is dropped, so that versions differing only in line endings
    /// or a final newline compare equal. Brackets that are not part of a
    /// well-formed annotation (an unclosed opener, a stray closer) stay in
    /// the plain text as characters. O(text).
    pub fn parse(markup: &str) -> Version {
        let markup = markup.strip_prefix(BOM).unwrap_or(markup);
        let mut lines: Vec<&str> = lines_of(markup).collect();
        if lines.len() > 1 && lines.last().is_some_and(|l| l.is_empty()) {
            lines.pop();
        }
        let mut v = Version {
            plain: String::with_capacity(markup.len()),
            ..Version::default()
        };
        for (line_no, line) in lines.iter().enumerate() {
            if line_no > 0 {
                v.plain.push('\n');
                v.chars += 1;
            }
            v.line_starts.push(v.chars);
            let parse = parse_line(line);
            let mut from = 0;
            for a in parse.annotations.iter() {
                v.push_text(&line[from..a.open.byte as usize]);
                v.removed.push(v.chars);
                let (start, plain_from) = (v.chars, v.plain.len());
                v.push_text(a.raw(line));
                v.removed.push(v.chars);
                v.spans.push(Span {
                    kind: a.kind,
                    start,
                    end: v.chars,
                    text: v.plain[plain_from..].to_string(),
                    line: line_no,
                    open: a.open,
                    close_end: a.end(),
                });
                from = a.end().byte as usize;
            }
            v.push_text(&line[from..]);
        }
        v
    }

    /// Appends a run of text with its escapes resolved.
    fn push_text(&mut self, raw: &str) {
        let mut chars = raw.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\\'
                && let Some(&next) = chars.peek()
                && next.is_ascii()
                && is_markup_byte(next as u8)
            {
                self.removed.push(self.chars);
                self.escaped.push(self.chars);
                chars.next();
                self.plain.push(next);
                self.chars += 1;
                continue;
            }
            self.plain.push(c);
            self.chars += 1;
        }
    }

    /// The plain text: markup removed, escapes resolved, lines joined by `\n`.
    pub fn plain_text(&self) -> &str {
        &self.plain
    }

    /// The annotations, in text order.
    pub fn spans(&self) -> &[Span] {
        &self.spans
    }

    /// Code points of the plain text, line breaks included.
    pub fn char_count(&self) -> usize {
        self.chars
    }

    /// Lines of the text.
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Code points labelled for κ: all but the line breaks.
    pub fn labelled_chars(&self) -> usize {
        self.chars - self.line_starts.len().saturating_sub(1)
    }

    /// The 0-based line of the first line that differs from `other`'s, or
    /// `None` when the plain texts are equal. O(text).
    pub fn first_difference(&self, other: &Version) -> Option<usize> {
        if self.plain == other.plain {
            return None;
        }
        let mut ours = self.plain.split('\n');
        let mut theirs = other.plain.split('\n');
        let mut line = 0;
        loop {
            match (ours.next(), theirs.next()) {
                (Some(a), Some(b)) if a == b => line += 1,
                _ => return Some(line),
            }
        }
    }

    /// The 0-based line and char column in the marked-up file of the plain
    /// code point `at` (at most the text's length). O(log text).
    pub fn markup_point(&self, at: usize) -> (usize, usize) {
        let line = self.line_starts.partition_point(|&s| s <= at).max(1) - 1;
        let line_start = self.line_starts.get(line).copied().unwrap_or(0);
        let removed_before_line = self.removed.partition_point(|&r| r < line_start);
        let removed_up_to = self.removed.partition_point(|&r| r <= at);
        (line, at - line_start + removed_up_to - removed_before_line)
    }

    /// Where the plain range `start..end` (within one line, non-empty) is
    /// in the marked-up file: line, start column and end column in chars.
    /// The start is the first character (its escape included, after any
    /// opener before it), the end just after the last one.
    pub fn markup_range(&self, start: usize, end: usize) -> (usize, usize, usize) {
        let (line, mut from) = self.markup_point(start);
        if self.escaped.binary_search(&start).is_ok() {
            from -= 1;
        }
        let (_, last) = self.markup_point(end.max(start + 1) - 1);
        (line, from, last + 1)
    }
}

/// Two versions whose plain texts differ: they are not of the same text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextMismatch {
    /// The first 0-based line that differs.
    pub line: usize,
}

/// A precision, recall and F1, each in `[0, 1]`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Prf {
    /// `matched` of `a` reference spans and `b` compared spans. A ratio
    /// with nothing to count is 1.0: with no spans, B claims nothing wrong
    /// (precision 1.0), and with none in A, B misses nothing (recall 1.0);
    /// F1 is 1.0 only when both have none.
    pub fn of(matched: u64, a: u64, b: u64) -> Prf {
        let ratio = |n: u64, d: u64| if d > 0 { n as f64 / d as f64 } else { 1.0 };
        Prf {
            precision: ratio(matched, b),
            recall: ratio(matched, a),
            // = 2PR / (P + R), and symmetric in a and b by construction.
            f1: ratio(2 * matched, a + b),
        }
    }
}

/// The scores of one kind, or of all kinds together.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct KindScores {
    pub exact: Prf,
    pub overlap: Prf,
    /// Cohen's κ over characters.
    pub kappa: f64,
}

/// What is counted of one kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KindCounts {
    pub spans_a: u64,
    pub spans_b: u64,
    pub exact: u64,
    pub overlap: u64,
    /// Characters covered by spans of this kind in A, in B, in both.
    pub chars_a: u64,
    pub chars_b: u64,
    pub chars_both: u64,
}

impl AddAssign for KindCounts {
    fn add_assign(&mut self, o: KindCounts) {
        self.spans_a += o.spans_a;
        self.spans_b += o.spans_b;
        self.exact += o.exact;
        self.overlap += o.overlap;
        self.chars_a += o.chars_a;
        self.chars_b += o.chars_b;
        self.chars_both += o.chars_both;
    }
}

/// Everything the scores of a pair of annotators are computed from; add
/// the counts of several documents to score the set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Indexed by [`kind_index`].
    pub kinds: [KindCounts; 4],
    /// Labelled characters (all but line breaks).
    pub chars: u64,
    /// Characters covered in both versions, by spans of any kinds.
    pub chars_covered_both: u64,
}

impl AddAssign for Counts {
    fn add_assign(&mut self, o: Counts) {
        for (k, ok) in self.kinds.iter_mut().zip(o.kinds) {
            *k += ok;
        }
        self.chars += o.chars;
        self.chars_covered_both += o.chars_covered_both;
    }
}

/// The index of a kind in [`Counts::kinds`] and the confusion matrix: the
/// order of [`AnnotationKind::ALL`].
pub fn kind_index(kind: AnnotationKind) -> usize {
    match kind {
        AnnotationKind::Actor => 0,
        AnnotationKind::Action => 1,
        AnnotationKind::Data => 2,
        AnnotationKind::Purpose => 3,
    }
}

impl Counts {
    /// The scores of one kind, or of all kinds (`None`).
    pub fn scores(&self, kind: Option<AnnotationKind>) -> KindScores {
        let n = self.chars;
        match kind {
            Some(kind) => {
                let k = self.kinds[kind_index(kind)];
                // Two labels: in this kind or not.
                let neither = n + k.chars_both - k.chars_a - k.chars_b;
                let agree = k.chars_both + neither;
                let marginals = [(k.chars_a, k.chars_b), (n - k.chars_a, n - k.chars_b)];
                KindScores {
                    exact: Prf::of(k.exact, k.spans_a, k.spans_b),
                    overlap: Prf::of(k.overlap, k.spans_a, k.spans_b),
                    kappa: cohen_kappa(n, agree, &marginals),
                }
            }
            None => {
                let sum = |f: fn(&KindCounts) -> u64| self.kinds.iter().map(f).sum::<u64>();
                let (a, b) = (sum(|k| k.chars_a), sum(|k| k.chars_b));
                let neither = n + self.chars_covered_both - a - b;
                let agree = sum(|k| k.chars_both) + neither;
                let mut marginals: Vec<(u64, u64)> =
                    self.kinds.iter().map(|k| (k.chars_a, k.chars_b)).collect();
                marginals.push((n - a, n - b));
                KindScores {
                    exact: Prf::of(sum(|k| k.exact), sum(|k| k.spans_a), sum(|k| k.spans_b)),
                    overlap: Prf::of(sum(|k| k.overlap), sum(|k| k.spans_a), sum(|k| k.spans_b)),
                    kappa: cohen_kappa(n, agree, &marginals),
                }
            }
        }
    }
}

/// Cohen's κ of `n` items, `agree` of them labelled alike, with each
/// label's count from each rater. When chance agreement is certain (both
/// raters used one and the same label throughout, or there are no items)
/// the raters agree perfectly and κ is 1.0.
pub fn cohen_kappa(n: u64, agree: u64, marginals: &[(u64, u64)]) -> f64 {
    let nn = (n as u128) * (n as u128);
    let chance: u128 = marginals.iter().map(|&(a, b)| a as u128 * b as u128).sum();
    if chance >= nn {
        return 1.0;
    }
    // (p_o - p_e) / (1 - p_e), multiplied through by n² to stay exact as
    // long as possible.
    let po = agree as f64 * n as f64;
    (po - chance as f64) / (nn - chance) as f64
}

/// Why two overlapping spans differ, or that one version lacks a span.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DisagreementType {
    /// A has a span that overlaps nothing in B.
    Missing,
    /// B has a span that overlaps nothing in A.
    Extra,
    /// Same kind, different start or end.
    Boundary,
    /// Different kinds (whatever the boundaries).
    Kind,
}

impl DisagreementType {
    pub fn name(self) -> &'static str {
        match self {
            DisagreementType::Missing => "missing",
            DisagreementType::Extra => "extra",
            DisagreementType::Boundary => "boundary",
            DisagreementType::Kind => "kind",
        }
    }
}

/// A place where two versions differ.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Disagreement {
    pub kind: DisagreementType,
    /// A's span (`None` for [`DisagreementType::Extra`]).
    pub a: Option<Span>,
    /// B's span (`None` for [`DisagreementType::Missing`]).
    pub b: Option<Span>,
    /// The plain range the two cover together.
    pub start: usize,
    pub end: usize,
}

impl Disagreement {
    /// Where the disagreement is in A's marked-up file: 0-based line and
    /// the char columns it covers — A's annotation with its brackets, and
    /// the characters B's annotation covers. O(log text).
    pub fn markup_range(&self, a: &Version) -> (usize, usize, usize) {
        let theirs = self.b.as_ref().map(|b| a.markup_range(b.start, b.end));
        let ours = self
            .a
            .as_ref()
            .map(|s| (s.line, s.open.char as usize, s.close_end.char as usize));
        match (ours, theirs) {
            (Some(o), Some(t)) => (o.0, o.1.min(t.1), o.2.max(t.2)),
            (Some(r), None) | (None, Some(r)) => r,
            (None, None) => a.markup_range(self.start, self.end),
        }
    }
}

/// The comparison of two versions of one text.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Comparison {
    pub counts: Counts,
    /// `confusion[kind of A][kind of B]`: pairs of overlapping spans,
    /// matched one to one by largest overlap (indices: [`kind_index`]).
    pub confusion: [[u64; 4]; 4],
    /// In text order.
    pub disagreements: Vec<Disagreement>,
}

impl AddAssign for Comparison {
    /// Pools counts and the confusion matrix; appends the disagreements.
    fn add_assign(&mut self, o: Comparison) {
        self.counts += o.counts;
        for (row, orow) in self.confusion.iter_mut().zip(o.confusion) {
            for (c, oc) in row.iter_mut().zip(orow) {
                *c += oc;
            }
        }
        self.disagreements.extend(o.disagreements);
    }
}

/// A pair of overlapping spans: indices into A's and B's spans, and how
/// many characters they share.
#[derive(Clone, Copy, Debug)]
struct Pair {
    a: usize,
    b: usize,
    shared: usize,
    same_kind: bool,
}

/// Every pair of overlapping spans, A's and B's each sorted and disjoint.
/// O(spans + pairs).
fn overlapping_pairs(a: &[Span], b: &[Span]) -> Vec<Pair> {
    let mut pairs = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let (x, y) = (&a[i], &b[j]);
        let shared = x.end.min(y.end).saturating_sub(x.start.max(y.start));
        if shared > 0 {
            pairs.push(Pair {
                a: i,
                b: j,
                shared,
                same_kind: x.kind == y.kind,
            });
        }
        if x.end <= y.end {
            i += 1;
        } else {
            j += 1;
        }
    }
    pairs
}

/// Takes pairs by largest overlap first (then same kind first, then text
/// order), each span at most once.
fn greedy_match(mut pairs: Vec<Pair>, a_len: usize, b_len: usize) -> Vec<Pair> {
    pairs.sort_by_key(|p| (Reverse(p.shared), !p.same_kind, p.a, p.b));
    let (mut a_taken, mut b_taken) = (vec![false; a_len], vec![false; b_len]);
    pairs
        .into_iter()
        .filter(|p| {
            let free = !a_taken[p.a] && !b_taken[p.b];
            if free {
                a_taken[p.a] = true;
                b_taken[p.b] = true;
            }
            free
        })
        .collect()
}

/// Compares B against A (A is the reference: recall counts A's spans,
/// precision B's). O(spans · log spans).
pub fn compare(a: &Version, b: &Version) -> Result<Comparison, TextMismatch> {
    if let Some(line) = a.first_difference(b) {
        return Err(TextMismatch { line });
    }
    let (sa, sb) = (&a.spans, &b.spans);
    let mut counts = Counts {
        chars: a.labelled_chars() as u64,
        ..Counts::default()
    };
    for s in sa {
        let k = &mut counts.kinds[kind_index(s.kind)];
        k.spans_a += 1;
        k.chars_a += s.len() as u64;
    }
    for s in sb {
        let k = &mut counts.kinds[kind_index(s.kind)];
        k.spans_b += 1;
        k.chars_b += s.len() as u64;
    }
    let pairs = overlapping_pairs(sa, sb);
    for p in &pairs {
        counts.chars_covered_both += p.shared as u64;
        if p.same_kind {
            let k = &mut counts.kinds[kind_index(sa[p.a].kind)];
            k.chars_both += p.shared as u64;
            if sa[p.a].start == sb[p.b].start && sa[p.a].end == sb[p.b].end {
                k.exact += 1;
            }
        }
    }
    let same_kind: Vec<Pair> = pairs.iter().copied().filter(|p| p.same_kind).collect();
    for p in greedy_match(same_kind, sa.len(), sb.len()) {
        counts.kinds[kind_index(sa[p.a].kind)].overlap += 1;
    }

    let mut confusion = [[0u64; 4]; 4];
    let mut disagreements = Vec::new();
    let (mut a_matched, mut b_matched) = (vec![false; sa.len()], vec![false; sb.len()]);
    for p in greedy_match(pairs, sa.len(), sb.len()) {
        let (x, y) = (&sa[p.a], &sb[p.b]);
        a_matched[p.a] = true;
        b_matched[p.b] = true;
        confusion[kind_index(x.kind)][kind_index(y.kind)] += 1;
        let kind = if x.kind != y.kind {
            DisagreementType::Kind
        } else if x.start != y.start || x.end != y.end {
            DisagreementType::Boundary
        } else {
            continue;
        };
        disagreements.push(Disagreement {
            kind,
            a: Some(x.clone()),
            b: Some(y.clone()),
            start: x.start.min(y.start),
            end: x.end.max(y.end),
        });
    }
    let missing = sa.iter().zip(&a_matched).filter(|(_, m)| !**m);
    disagreements.extend(missing.map(|(x, _)| Disagreement {
        kind: DisagreementType::Missing,
        a: Some(x.clone()),
        b: None,
        start: x.start,
        end: x.end,
    }));
    let extra = sb.iter().zip(&b_matched).filter(|(_, m)| !**m);
    disagreements.extend(extra.map(|(y, _)| Disagreement {
        kind: DisagreementType::Extra,
        a: None,
        b: Some(y.clone()),
        start: y.start,
        end: y.end,
    }));
    disagreements.sort_by_key(|d| (d.start, d.end));
    Ok(Comparison {
        counts,
        confusion,
        disagreements,
    })
}

/// The labels of Fleiss' κ: `none` and the four kinds.
const LABELS: usize = 5;

/// What Fleiss' κ over characters is computed from; add the counts of
/// several documents to score the set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FleissCounts {
    pub raters: u64,
    /// Labelled characters (all but line breaks).
    pub items: u64,
    /// Σ over items of (Σ over labels of n², minus the raters): the
    /// numerator of the items' agreement.
    pub agreeing_pairs: u64,
    /// How often each label was given: `none`, then [`kind_index`] + 1.
    pub labels: [u64; LABELS],
}

impl AddAssign for FleissCounts {
    fn add_assign(&mut self, o: FleissCounts) {
        self.raters = self.raters.max(o.raters);
        self.items += o.items;
        self.agreeing_pairs += o.agreeing_pairs;
        for (l, ol) in self.labels.iter_mut().zip(o.labels) {
            *l += ol;
        }
    }
}

impl FleissCounts {
    /// Counts the labels every version gives every character.
    /// O(versions · text).
    pub fn of(versions: &[&Version]) -> Result<FleissCounts, TextMismatch> {
        let Some(first) = versions.first() else {
            return Ok(FleissCounts::default());
        };
        for v in &versions[1..] {
            if let Some(line) = first.first_difference(v) {
                return Err(TextMismatch { line });
            }
        }
        // Per character, how many versions gave each kind; a line break is
        // marked with u32::MAX in its first slot and skipped.
        let mut per_char = vec![[0u32; LABELS - 1]; first.chars];
        for &ls in &first.line_starts[1..] {
            per_char[ls - 1][0] = u32::MAX;
        }
        for v in versions {
            for s in &v.spans {
                for c in &mut per_char[s.start..s.end] {
                    c[kind_index(s.kind)] += 1;
                }
            }
        }
        let raters = versions.len() as u64;
        let mut counts = FleissCounts {
            raters,
            items: first.labelled_chars() as u64,
            ..FleissCounts::default()
        };
        for c in &per_char {
            if c[0] == u32::MAX {
                continue;
            }
            let none = raters - c.iter().map(|&x| x as u64).sum::<u64>();
            let mut squares = none * none;
            counts.labels[0] += none;
            for (l, &x) in c.iter().enumerate() {
                squares += x as u64 * x as u64;
                counts.labels[l + 1] += x as u64;
            }
            counts.agreeing_pairs += squares - raters;
        }
        Ok(counts)
    }

    /// Fleiss' κ; 1.0 when chance agreement is certain (every rater gave
    /// every character the same label, or there is nothing to label).
    pub fn kappa(&self) -> f64 {
        let labels_used = self.labels.iter().filter(|&&l| l > 0).count();
        if self.items == 0 || self.raters < 2 || labels_used <= 1 {
            return 1.0;
        }
        let (n, m) = (self.items as f64, self.raters as f64);
        let chance: f64 = self
            .labels
            .iter()
            .map(|&l| (l as f64 / (n * m)).powi(2))
            .sum();
        let observed = self.agreeing_pairs as f64 / (n * m * (m - 1.0));
        (observed - chance) / (1.0 - chance)
    }
}

/// A disagreement on one line of an open document, against the same line
/// of the other annotator's version, with what the editor needs: where it
/// is, what to say, and the edit that takes their version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineDisagreement {
    pub line: usize,
    /// The range in our line: our annotation with its brackets and the
    /// characters theirs covers.
    pub start: LinePoint,
    pub end: LinePoint,
    pub disagreement: Disagreement,
    /// Our markup and theirs over the same stretch of text: whole
    /// annotations, so that replacing ours by theirs leaves well-formed
    /// markup.
    pub ours: String,
    pub theirs: String,
    /// Replaces `ours` with `theirs`.
    pub take_theirs: LineEdit,
}

impl LineDisagreement {
    /// What the other version has, in a sentence.
    pub fn message(&self) -> String {
        let shown = |s: &Span| {
            format!(
                "{} {}{}{}",
                s.kind.name(),
                s.kind.opener(),
                s.text,
                s.kind.closer()
            )
        };
        match (&self.disagreement.a, &self.disagreement.b) {
            (Some(a), None) => format!(
                "the other version has no annotation here (yours: {})",
                shown(a)
            ),
            (_, Some(b)) => format!("the other version has {} here", shown(b)),
            (None, None) => String::new(),
        }
    }

    /// Whether `other` is the same disagreement elsewhere: same type, and
    /// the same kinds and texts on both sides.
    pub fn is_like(&self, other: &LineDisagreement) -> bool {
        let key = |d: &Disagreement| {
            (
                d.kind,
                d.a.as_ref().map(|s| (s.kind, s.text.clone())),
                d.b.as_ref().map(|s| (s.kind, s.text.clone())),
            )
        };
        key(&self.disagreement) == key(&other.disagreement)
    }
}

/// The disagreements of line `line` of ours (`ours`, its markup without
/// the break) against the same line of theirs; none when the two lines'
/// plain texts differ (the text itself was changed, not its annotations).
/// A byte-order mark starting either line (a file's first line) is not
/// text: it is skipped, and the points and the edit are still those of
/// `ours` as given (the [`Disagreement`]'s spans are of the line without
/// it). O(line).
pub fn line_disagreements(line: usize, ours: &str, theirs: &str) -> Vec<LineDisagreement> {
    let full = ours;
    let bom = if ours.starts_with(BOM) {
        BOM.len_utf8()
    } else {
        0
    };
    let ours = &full[bom..];
    let theirs = theirs.strip_prefix(BOM).unwrap_or(theirs);
    if ours == theirs {
        return Vec::new();
    }
    let (ov, tv) = (Version::parse(ours), Version::parse(theirs));
    if ov.line_count() != 1 || tv.line_count() != 1 {
        // A BOM-less line never holds a break; be safe all the same.
        return Vec::new();
    }
    let Ok(c) = compare(&ov, &tv) else {
        return Vec::new();
    };
    let (ours_chars, theirs_chars) = (char_bytes(ours), char_bytes(theirs));
    c.disagreements
        .into_iter()
        .map(|d| {
            let (_, from, to) = d.markup_range(&ov);
            let (s, e) = cluster(&ov, &tv, d.start, d.end);
            let (of, ot) = whole_annotations(&ov, s, e);
            let (tf, tt) = whole_annotations(&tv, s, e);
            let ours_text = ours[ours_chars[of]..ours_chars[ot]].to_string();
            let theirs_text = theirs[theirs_chars[tf]..theirs_chars[tt]].to_string();
            LineDisagreement {
                line,
                start: point_at(full, bom + ours_chars[from]),
                end: point_at(full, bom + ours_chars[to]),
                disagreement: d,
                take_theirs: LineEdit {
                    line,
                    start: point_at(full, bom + ours_chars[of]),
                    end: point_at(full, bom + ours_chars[ot]),
                    new_text: theirs_text.clone(),
                },
                ours: ours_text,
                theirs: theirs_text,
            }
        })
        .collect()
}

/// The other annotator's version of an open document: its lines as
/// written (a leading byte-order mark dropped), without their breaks.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TheirLines {
    lines: Vec<String>,
}

impl TheirLines {
    /// Splits `text` at `\n`, `\r\n` and `\r`, as a document's lines. O(text).
    pub fn new(text: &str) -> TheirLines {
        let text = text.strip_prefix(BOM).unwrap_or(text);
        TheirLines {
            lines: lines_of(text).map(str::to_string).collect(),
        }
    }

    /// Line `line`, if theirs has that many.
    pub fn line(&self, line: usize) -> Option<&str> {
        self.lines.get(line).map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

/// The disagreements of every line of a document with the same line of
/// [`TheirLines`]: a per-line layer, kept by
/// [`crate::analysis::AnalysedDocument::apply_edit`] so that a keystroke
/// recompares only the lines that need it (see [`Disagreements::update`]).
///
/// Line `i` of ours faces line `i` of theirs; a line equal to theirs byte
/// for byte costs a comparison of bytes, a line past the end of theirs
/// nothing.
#[derive(Clone, Debug)]
pub struct Disagreements {
    theirs: Arc<TheirLines>,
    /// One entry per line of the document, each in text order.
    lines: LineTable<Box<[LineDisagreement]>>,
}

impl Disagreements {
    /// Compares every line of `doc` with theirs. O(document).
    pub fn new(doc: &Document, theirs: Arc<TheirLines>) -> Disagreements {
        let lines = (0..doc.line_count())
            .map(|l| of_line(doc, &theirs, l))
            .collect();
        Disagreements { theirs, lines }
    }

    /// Follows one edit of `doc`.
    ///
    /// An edit that keeps the line count leaves every other line facing
    /// the same line of theirs, so only the lines it replaced are
    /// recompared: O(touched lines + lines / 256). An edit that adds or
    /// removes lines makes every later line face another line of theirs
    /// (line 10 of ours is now line 11, compared with their line 11), and
    /// each entry names its line: everything from the edit's first line
    /// on is recompared — O(rest of the document) byte comparisons, plus a
    /// parse of each line there that differs from theirs.
    pub fn update(&mut self, doc: &Document, edit: &EditOutcome) {
        let first = edit.first_line;
        let (old_end, new_end) = if edit.old_lines == edit.new_lines {
            (first + edit.old_lines, first + edit.new_lines)
        } else {
            (self.lines.len(), doc.line_count())
        };
        let old_end = old_end.min(self.lines.len());
        let first = first.min(old_end);
        let new: Vec<Box<[LineDisagreement]>> = (first..new_end)
            .map(|l| of_line(doc, &self.theirs, l))
            .collect();
        self.lines.splice(first..old_end, new);
    }

    /// The version compared with.
    pub fn theirs(&self) -> &Arc<TheirLines> {
        &self.theirs
    }

    /// The disagreements of line `line`, in text order.
    pub fn line(&self, line: usize) -> &[LineDisagreement] {
        self.lines.get(line).map_or(&[], |d| d)
    }

    /// Every disagreement of the document, in text order. O(lines +
    /// disagreements).
    pub fn iter(&self) -> impl Iterator<Item = &LineDisagreement> {
        self.lines.iter().flat_map(|d| d.iter())
    }
}

/// The disagreements of line `line` of `doc` with the same line of theirs.
fn of_line(doc: &Document, theirs: &TheirLines, line: usize) -> Box<[LineDisagreement]> {
    let Some(t) = theirs.line(line) else {
        return Box::default();
    };
    match doc.line_text(line) {
        Some(ours) => line_disagreements(line, &ours, t).into(),
        None => Box::default(),
    }
}

/// The byte offset of every char of `line`, and of its end.
fn char_bytes(line: &str) -> Vec<usize> {
    line.char_indices()
        .map(|(b, _)| b)
        .chain([line.len()])
        .collect()
}

/// The plain range `start..end` widened until no annotation of either
/// version straddles its ends.
fn cluster(a: &Version, b: &Version, mut start: usize, mut end: usize) -> (usize, usize) {
    loop {
        let before = (start, end);
        for s in a.spans.iter().chain(&b.spans) {
            if s.start < end && start < s.end {
                start = start.min(s.start);
                end = end.max(s.end);
            }
        }
        if (start, end) == before {
            return (start, end);
        }
    }
}

/// The char columns in `v`'s line of the plain range `start..end`, which
/// no annotation straddles: from the opener of an annotation starting there
/// (or the first character), to just after the closer of one ending there
/// (or the last character).
fn whole_annotations(v: &Version, start: usize, end: usize) -> (usize, usize) {
    let (_, from, to) = v.markup_range(start, end);
    let from = v
        .spans
        .iter()
        .find(|s| s.start == start)
        .map_or(from, |s| s.open.char as usize);
    let to = v
        .spans
        .iter()
        .find(|s| s.end == end)
        .map_or(to, |s| s.close_end.char as usize);
    (from, to)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds_of(v: &Version) -> Vec<(AnnotationKind, usize, usize, &str)> {
        v.spans()
            .iter()
            .map(|s| (s.kind, s.start, s.end, s.text.as_str()))
            .collect()
    }

    #[test]
    fn plain_text_drops_brackets_resolves_escapes_and_counts_code_points() {
        let v = Version::parse("\u{feff}(我们)[收集]<😀\\<𠮷>\r\n年龄\\<14{x}\r\n");
        assert_eq!(v.plain_text(), "我们收集😀<𠮷\n年龄<14x");
        assert_eq!(
            kinds_of(&v),
            [
                (AnnotationKind::Actor, 0, 2, "我们"),
                (AnnotationKind::Action, 2, 4, "收集"),
                (AnnotationKind::Data, 4, 7, "😀<𠮷"),
                (AnnotationKind::Purpose, 13, 14, "x"),
            ]
        );
        // Fourteen code points, of which one is a line break.
        assert_eq!(v.labelled_chars(), 13);
    }

    #[test]
    fn broken_markup_stays_as_text() {
        // An unclosed opener and an unmatched closer.
        let v = Version::parse("a<b c\nd)e");
        assert_eq!(v.plain_text(), "a<b c\nd)e");
        assert!(v.spans().is_empty());
    }

    #[test]
    fn line_endings_and_a_final_newline_do_not_make_texts_differ() {
        let a = Version::parse("x<y>\r\nz\r\n");
        let b = Version::parse("x<y>\nz");
        let c = Version::parse("x<y>\rz\r");
        assert_eq!(a.first_difference(&b), None);
        assert_eq!(a.first_difference(&c), None);
        assert_eq!(a.first_difference(&Version::parse("xy\nw")), Some(1));
    }

    #[test]
    fn markup_points_count_the_brackets_and_escapes_before_them() {
        // Markup: `😀<a\>b>c` — plain `😀a>bc`.
        let v = Version::parse("x\n😀<a\\>b>c");
        assert_eq!(v.plain_text(), "x\n😀a>bc");
        // `a` (plain 3) is at markup column 2 of line 1, after `😀<`.
        assert_eq!(v.markup_point(3), (1, 2));
        // `>` (plain 4) at column 4, after its backslash.
        assert_eq!(v.markup_point(4), (1, 4));
        // `c` (plain 6) after the closer: column 7.
        assert_eq!(v.markup_point(6), (1, 7));
        // The span `a>b` as a range: its first to just after its last character.
        assert_eq!(v.markup_range(3, 6), (1, 2, 6));
    }

    /// The plain text 我们收集手机号码和😀𠮷用于下单 (15 code points; 😀 and
    /// 𠮷 are one each) annotated twice. A: actor 0..2, action 2..4, data
    /// 4..8, data 9..11, purpose 13..15. B: the same actor and action, data
    /// 4..6 (a boundary), actor 9..11 (a kind), action 11..13 (extra), no
    /// purpose (missing).
    const HAND_A: &str = "(我们)[收集]<手机号码>和<😀𠮷>用于{下单}";
    const HAND_B: &str = "(我们)[收集]<手机>号码和(😀𠮷)[用于]下单";

    fn close(got: f64, want: f64) -> bool {
        (got - want).abs() < 1e-12
    }

    fn assert_prf(got: Prf, want: (f64, f64, f64), what: &str) {
        assert!(
            close(got.precision, want.0) && close(got.recall, want.1) && close(got.f1, want.2),
            "{what}: got {got:?}, want {want:?}"
        );
    }

    #[test]
    fn scores_of_a_fixture_worked_out_by_hand() {
        let c = compare(&Version::parse(HAND_A), &Version::parse(HAND_B)).expect("same text");
        use AnnotationKind::*;
        let s = |k| c.counts.scores(k);
        // actor: A 1 span, B 2, one exact (and overlap) match: P 1/2, R 1, F1 2/3.
        assert_prf(s(Some(Actor)).exact, (0.5, 1.0, 2.0 / 3.0), "actor exact");
        assert_prf(
            s(Some(Action)).overlap,
            (0.5, 1.0, 2.0 / 3.0),
            "action overlap",
        );
        // data: A 2, B 1; no exact match, one overlapping (4..8 ~ 4..6).
        assert_prf(s(Some(Data)).exact, (0.0, 0.0, 0.0), "data exact");
        assert_prf(s(Some(Data)).overlap, (1.0, 0.5, 2.0 / 3.0), "data overlap");
        // purpose: B has none (so nothing wrong: precision 1), A one.
        assert_prf(s(Some(Purpose)).exact, (1.0, 0.0, 0.0), "purpose exact");
        // all: 5 and 5 spans, 2 exact, 3 overlapping.
        assert_prf(s(None).exact, (0.4, 0.4, 0.4), "all exact");
        assert_prf(s(None).overlap, (0.6, 0.6, 0.6), "all overlap");
        // κ over 15 characters. actor: A covers 2, B 4, both 2, neither 11:
        // p_o = 13/15, p_e = (2·4 + 13·11)/225 = 151/225, κ = 44/74.
        assert!(close(s(Some(Actor)).kappa, 44.0 / 74.0));
        assert!(close(s(Some(Action)).kappa, 44.0 / 74.0));
        // data: A 6, B 2, both 2, neither 9: p_o = 11/15,
        // p_e = (6·2 + 9·13)/225 = 129/225, κ = 36/96.
        assert!(close(s(Some(Data)).kappa, 36.0 / 96.0));
        // purpose: A 2, B 0: p_o = 13/15 = p_e, κ = 0.
        assert!(close(s(Some(Purpose)).kappa, 0.0));
        // all, five labels: 7 characters agree (我们收集手机 and 和);
        // marginals A/B: actor 2/4, action 2/4, data 6/2, purpose 2/0,
        // none 3/5: p_e = 43/225, κ = (105 − 43)/(225 − 43) = 62/182.
        assert!(close(s(None).kappa, 62.0 / 182.0), "{}", s(None).kappa);

        let mut confusion = [[0; 4]; 4];
        confusion[0][0] = 1;
        confusion[1][1] = 1;
        confusion[2][2] = 1;
        confusion[2][0] = 1;
        assert_eq!(c.confusion, confusion);

        let a = Version::parse(HAND_A);
        let found: Vec<_> = c
            .disagreements
            .iter()
            .map(|d| (d.kind.name(), d.markup_range(&a)))
            .collect();
        // Columns in A's line: <手机号码> is 8..14; <😀𠮷> 15..19; 用于
        // 19..21; {下单} 21..25.
        assert_eq!(
            found,
            [
                ("boundary", (0, 8, 14)),
                ("kind", (0, 15, 19)),
                ("extra", (0, 19, 21)),
                ("missing", (0, 21, 25)),
            ]
        );
    }

    #[test]
    fn taking_theirs_rewrites_whole_annotations_into_their_markup() {
        // Ours splits 手机号码 into two annotations; theirs has one.
        let ours = "😀<手机>(号码)和\\<x";
        let theirs = "😀<手机号码>和\\<x";
        let found = line_disagreements(3, ours, theirs);
        let kinds: Vec<&str> = found.iter().map(|d| d.disagreement.kind.name()).collect();
        assert_eq!(kinds, ["boundary", "missing"]);
        for d in &found {
            assert_eq!(d.ours, "<手机>(号码)");
            assert_eq!(d.theirs, "<手机号码>");
            let e = &d.take_theirs;
            let fixed = format!(
                "{}{}{}",
                &ours[..e.start.byte as usize],
                e.new_text,
                &ours[e.end.byte as usize..]
            );
            assert_eq!(fixed, theirs);
        }
        // 😀 is one char and two UTF-16 units: the range starts after it.
        assert_eq!((found[0].start.char, found[0].start.utf16), (1, 2));
        assert_eq!(
            found[0].message(),
            "the other version has data <手机号码> here"
        );
        assert!(
            found[1]
                .message()
                .contains("no annotation here (yours: actor (号码))")
        );
        // An escaped character at the start of an extra annotation.
        let found = line_disagreements(0, "a\\<b", "a<\\<b>");
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].ours.as_str(), found[0].theirs.as_str()),
            ("\\<b", "<\\<b>")
        );
        // Another text on the line: nothing to say.
        assert!(line_disagreements(0, "<a>b", "a<c>").is_empty());
    }

    #[test]
    fn a_byte_order_mark_on_our_first_line_is_skipped_but_counted_in_columns() {
        let ours = "\u{feff}𠮷<手机号码>";
        let found = line_disagreements(0, ours, "𠮷<手机>号码");
        assert_eq!(found.len(), 1);
        let d = &found[0];
        assert_eq!(
            (d.ours.as_str(), d.theirs.as_str()),
            ("<手机号码>", "<手机>号码")
        );
        // After the mark (one char, one UTF-16 unit) and 𠮷 (one char, two units).
        assert_eq!((d.start.char, d.start.utf16), (2, 3));
        let e = &d.take_theirs;
        let fixed = format!(
            "{}{}{}",
            &ours[..e.start.byte as usize],
            e.new_text,
            &ours[e.end.byte as usize..]
        );
        assert_eq!(fixed, "\u{feff}𠮷<手机>号码");
        // The mark alone is no disagreement.
        assert!(line_disagreements(0, "\u{feff}<a>", "<a>").is_empty());
    }

    #[test]
    fn unequal_texts_are_refused_with_the_first_differing_line() {
        let a = Version::parse("same\n<x>y\nz");
        let b = Version::parse("same\n<x>w\nz");
        assert_eq!(compare(&a, &b), Err(TextMismatch { line: 1 }));
    }

    #[test]
    fn fleiss_kappa_of_the_textbook_table() {
        // Wikipedia, "Fleiss' kappa", worked example: 10 subjects, 14
        // raters, 5 categories. Here a subject is a character and the
        // categories are none, actor, action, data, purpose.
        // Σ p_j² = (20² + 28² + 39² + 21² + 32²)/140² = 4170/19600;
        // P̄ = 688/1820; κ = (P̄ − P̄e)/(1 − P̄e) ≈ 0.20993.
        let table: [[usize; 5]; 10] = [
            [0, 0, 0, 0, 14],
            [0, 2, 6, 4, 2],
            [0, 0, 3, 5, 6],
            [0, 3, 9, 2, 0],
            [2, 2, 8, 1, 1],
            [7, 7, 0, 0, 0],
            [3, 2, 6, 3, 0],
            [2, 5, 3, 2, 2],
            [6, 5, 2, 1, 0],
            [0, 2, 2, 3, 7],
        ];
        let mut texts = vec![String::new(); 14];
        for row in table {
            let mut rater = 0;
            for (label, &n) in row.iter().enumerate() {
                for _ in 0..n {
                    let t = &mut texts[rater];
                    match label {
                        0 => t.push('字'),
                        l => {
                            let k = AnnotationKind::ALL[l - 1];
                            t.push(k.opener());
                            t.push('字');
                            t.push(k.closer());
                        }
                    }
                    rater += 1;
                }
            }
        }
        let versions: Vec<Version> = texts.iter().map(|t| Version::parse(t)).collect();
        let refs: Vec<&Version> = versions.iter().collect();
        let counts = FleissCounts::of(&refs).expect("same text");
        let (pe, pbar) = (4170.0 / 19600.0, 688.0 / 1820.0);
        assert!(close(counts.kappa(), (pbar - pe) / (1.0 - pe)));
        assert!(
            (counts.kappa() - 0.20993).abs() < 1e-5,
            "{}",
            counts.kappa()
        );
    }

    #[test]
    fn cohen_kappa_of_the_textbook_yes_no_table() {
        // Wikipedia, "Cohen's kappa", worked example: 50 items, both yes
        // 20, A yes B no 5, A no B yes 10, both no 15: p_o = 0.7,
        // p_e = 0.5·0.6 + 0.5·0.4 = 0.5, κ = 0.4.
        let k = cohen_kappa(50, 35, &[(25, 30), (25, 20)]);
        assert!((k - 0.4).abs() < 1e-12, "{k}");
    }

    #[test]
    fn fleiss_kappa_of_one_label_everywhere_is_one() {
        let v = Version::parse("<ab>\n<c>");
        let c = FleissCounts::of(&[&v, &v, &v]).expect("same text");
        assert_eq!(c.items, 3);
        assert_eq!(c.kappa(), 1.0);
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        /// Characters of the generated texts: CJK, astral (😀 is 2 UTF-16
        /// units, 𠮷 too), markup that must be escaped, white space, breaks.
        const ALPHABET: [char; 9] = ['a', '我', '😀', '𠮷', '<', '\\', ' ', '\n', '\u{2028}'];

        /// A plain text and the spans of one annotator: (kind, start, end).
        type Annotated = (Vec<char>, Vec<(AnnotationKind, usize, usize)>);

        /// Keeps the spans that fit: inside the text, not crossing a line
        /// break, not overlapping an earlier one, with a character that is
        /// not white space (else the brackets would be an error, not an
        /// annotation).
        fn fitting(
            text: &[char],
            raw: Vec<(usize, usize, usize)>,
        ) -> Vec<(AnnotationKind, usize, usize)> {
            let mut raw: Vec<_> = raw
                .into_iter()
                .map(|(k, s, l)| {
                    (
                        AnnotationKind::ALL[k],
                        s.min(text.len()),
                        (s + l).min(text.len()),
                    )
                })
                .collect();
            raw.sort_by_key(|&(_, s, _)| s);
            let mut kept: Vec<(AnnotationKind, usize, usize)> = Vec::new();
            for (k, s, e) in raw {
                let inside = &text[s..e];
                if kept.last().is_some_and(|&(_, _, pe)| s < pe)
                    || inside.contains(&'\n')
                    || !inside.iter().any(|c| !c.is_whitespace())
                {
                    continue;
                }
                kept.push((k, s, e));
            }
            kept
        }

        /// The text marked up with `spans`, every markup character escaped,
        /// line breaks written as `\r\n` when `crlf`.
        fn render(text: &[char], spans: &[(AnnotationKind, usize, usize)], crlf: bool) -> String {
            let mut out = String::new();
            for (i, &c) in text.iter().enumerate() {
                if let Some(&(k, _, _)) = spans.iter().find(|&&(_, s, _)| s == i) {
                    out.push(k.opener());
                }
                match c {
                    '\n' if crlf => out.push_str("\r\n"),
                    '<' | '\\' => {
                        out.push('\\');
                        out.push(c);
                    }
                    _ => out.push(c),
                }
                if let Some(&(k, _, _)) = spans.iter().find(|&&(_, _, e)| e == i + 1) {
                    out.push(k.closer());
                }
            }
            out
        }

        fn raw_spans() -> impl Strategy<Value = Vec<(usize, usize, usize)>> {
            prop::collection::vec((0..4usize, 0..40usize, 1..6usize), 0..12)
        }

        /// A text (not ending in a line break) and two annotators' spans.
        fn two_versions() -> impl Strategy<Value = (Annotated, Annotated)> {
            (
                prop::collection::vec(prop::sample::select(ALPHABET.to_vec()), 0..40),
                raw_spans(),
                raw_spans(),
            )
                .prop_map(|(mut text, a, b)| {
                    text.push('a');
                    let (a, b) = (fitting(&text, a), fitting(&text, b));
                    ((text.clone(), a), (text, b))
                })
        }

        fn assert_scores<F: Fn(&KindScores) -> bool>(c: &Comparison, what: &str, ok: F) {
            for k in AnnotationKind::ALL.map(Some).into_iter().chain([None]) {
                let s = c.counts.scores(k);
                assert!(ok(&s), "{what} fails for {k:?}: {s:?}");
            }
        }

        proptest! {
            #[test]
            fn a_rendered_version_reads_back_as_its_text_and_spans(
                ((text, spans), _) in two_versions(), crlf in any::<bool>()
            ) {
                let v = Version::parse(&render(&text, &spans, crlf));
                prop_assert_eq!(v.plain_text(), text.iter().collect::<String>());
                let got: Vec<_> = v.spans().iter().map(|s| (s.kind, s.start, s.end)).collect();
                prop_assert_eq!(got, spans);
            }

            #[test]
            fn identical_versions_agree_perfectly(((text, spans), _) in two_versions()) {
                let v = Version::parse(&render(&text, &spans, false));
                let w = Version::parse(&render(&text, &spans, true));
                let c = compare(&v, &w).expect("same text");
                let one = |p: &Prf| p.precision == 1.0 && p.recall == 1.0 && p.f1 == 1.0;
                assert_scores(&c, "1.0 everywhere", |s| one(&s.exact) && one(&s.overlap) && s.kappa == 1.0);
                prop_assert!(c.disagreements.is_empty());
                let f = FleissCounts::of(&[&v, &w, &v]).expect("same text");
                prop_assert_eq!(f.kappa(), 1.0);
            }

            #[test]
            fn swapping_a_and_b_swaps_precision_and_recall_only(((text, a), (_, b)) in two_versions()) {
                let (va, vb) = (Version::parse(&render(&text, &a, false)), Version::parse(&render(&text, &b, false)));
                let (ab, ba) = (compare(&va, &vb).expect("same text"), compare(&vb, &va).expect("same text"));
                for k in AnnotationKind::ALL.map(Some).into_iter().chain([None]) {
                    let (x, y) = (ab.counts.scores(k), ba.counts.scores(k));
                    for (p, q) in [(x.exact, y.exact), (x.overlap, y.overlap)] {
                        prop_assert_eq!(p.precision, q.recall);
                        prop_assert_eq!(p.recall, q.precision);
                        prop_assert_eq!(p.f1, q.f1);
                    }
                    prop_assert!((x.kappa - y.kappa).abs() < 1e-12, "{:?}: {} vs {}", k, x.kappa, y.kappa);
                }
                // The same disagreements, seen from the other side.
                let flip = |t: DisagreementType| match t {
                    DisagreementType::Missing => DisagreementType::Extra,
                    DisagreementType::Extra => DisagreementType::Missing,
                    t => t,
                };
                let mut there: Vec<_> = ab.disagreements.iter().map(|d| (d.start, d.end, flip(d.kind))).collect();
                let mut back: Vec<_> = ba.disagreements.iter().map(|d| (d.start, d.end, d.kind)).collect();
                there.sort_by_key(|&(s, e, t)| (s, e, t.name()));
                back.sort_by_key(|&(s, e, t)| (s, e, t.name()));
                prop_assert_eq!(there, back);
            }

            #[test]
            fn kappa_stays_between_minus_one_and_one(((text, a), (_, b)) in two_versions(), c in raw_spans()) {
                let c = fitting(&text, c);
                let vs: Vec<Version> = [&a, &b, &c].iter().map(|s| Version::parse(&render(&text, s, false))).collect();
                let cmp = compare(&vs[0], &vs[1]).expect("same text");
                assert_scores(&cmp, "κ in [-1, 1]", |s| (-1.0..=1.0).contains(&s.kappa));
                let f = FleissCounts::of(&[&vs[0], &vs[1], &vs[2]]).expect("same text").kappa();
                prop_assert!((-1.0..=1.0).contains(&f), "Fleiss {}", f);
            }

            #[test]
            fn a_span_only_b_has_lowers_precision_and_leaves_recall(
                ((text, a), (_, b)) in two_versions(), kind in 0..4usize
            ) {
                // Two characters appended on a line of their own, which
                // neither version annotates, and B's new span over them.
                let mut longer = text.clone();
                longer.extend(['\n', '我', 'a']);
                let n = longer.len();
                let kind = AnnotationKind::ALL[kind];
                let mut b_more = b.clone();
                b_more.push((kind, n - 2, n));
                let va = Version::parse(&render(&longer, &a, false));
                let before = compare(&va, &Version::parse(&render(&longer, &b, false))).expect("same");
                let after = compare(&va, &Version::parse(&render(&longer, &b_more, false))).expect("same");
                for k in [Some(kind), None] {
                    let (x, y) = (before.counts.scores(k), after.counts.scores(k));
                    for (p, q) in [(x.exact, y.exact), (x.overlap, y.overlap)] {
                        prop_assert_eq!(p.recall, q.recall);
                        if p.precision > 0.0 {
                            prop_assert!(q.precision < p.precision, "{:?}: {} → {}", k, p.precision, q.precision);
                        } else {
                            prop_assert_eq!(q.precision, 0.0);
                        }
                    }
                }
                prop_assert_eq!(after.disagreements.last().map(|d| d.kind), Some(DisagreementType::Extra));
            }
        }
    }
}
