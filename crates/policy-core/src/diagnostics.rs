//! The diagnostics of a document, whatever shows them: the language server
//! and `policy-lsp check` both call [`document_diagnostics`], so an editor
//! squiggle and a terminal report can never disagree.

use std::borrow::Cow;

use crate::analysis::{AnalysedDocument, Classes, Practices};
use crate::doc_lints::{DocIndex, document_findings};
use crate::document::Document;
use crate::lints::{Finding, LintConfig, line_findings, practice_findings};
use crate::position::LinePoint;
use crate::practices::{LineCues, line_cues, line_practices};
use crate::syntax::{Severity, SyntaxDiagnostic};

/// Where diagnostics come from (LSP `source`).
pub const SOURCE: &str = "policy-lsp";

/// One problem in a document, on one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub line: usize,
    pub start: LinePoint,
    pub end: LinePoint,
    pub severity: Severity,
    /// A stable code: the contract (docs/language.md §6).
    pub code: Cow<'static, str>,
    pub message: Cow<'static, str>,
    /// Other places of the same document the diagnostic refers to (LSP
    /// `relatedInformation`, `related` in `check --format json`): the
    /// other side of a `contradiction` or a `kind-mismatch`.
    pub related: Vec<Related>,
}

/// A place a [`Diagnostic`] refers to, with what happens there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub line: usize,
    pub start: LinePoint,
    pub end: LinePoint,
    pub message: Cow<'static, str>,
}

impl Diagnostic {
    /// The diagnostic of a syntax problem on `line`.
    pub fn from_syntax(line: usize, d: &SyntaxDiagnostic) -> Diagnostic {
        Diagnostic {
            line,
            start: d.start,
            end: d.end,
            severity: d.code.severity(),
            code: Cow::Borrowed(d.code.as_str()),
            message: Cow::Borrowed(d.message()),
            related: Vec::new(),
        }
    }

    /// The diagnostic of a lint's finding on `line`.
    pub fn from_finding(line: usize, f: Finding) -> Diagnostic {
        Diagnostic {
            line,
            start: f.start,
            end: f.end,
            severity: f.severity,
            code: Cow::Borrowed(f.lint.code()),
            message: Cow::Borrowed(f.lint.message()),
            related: Vec::new(),
        }
    }
}

/// Every diagnostic of `doc`, in document order: the syntax diagnostics,
/// and on each line after them the lints `lints` switches on (with the
/// document's classes). O(lines + diagnostics).
///
/// The practice lints need each line's practices: computed here, for the
/// lines with annotations, when one of them is on (see
/// [`analysed_diagnostics`] for a document that holds them).
pub fn document_diagnostics(
    doc: &Document,
    lints: Option<(&Classes, &LintConfig)>,
) -> Vec<Diagnostic> {
    diagnostics_with(doc, lints, None, None, usize::MAX).diagnostics
}

/// The first diagnostics of a document, in document order, and how many
/// follow them: what [`document_diagnostics_at_most`] and
/// [`analysed_diagnostics_at_most`] give.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct AtMost {
    pub diagnostics: Vec<Diagnostic>,
    /// How many diagnostics after the last of `diagnostics` were left out.
    pub more: usize,
}

/// [`document_diagnostics`], at most `limit` of them: the ones left out
/// are counted, not built, so a document of a million errors costs
/// O(limit) memory (a hostile file of closing brackets, say).
pub fn document_diagnostics_at_most(
    doc: &Document,
    lints: Option<(&Classes, &LintConfig)>,
    limit: usize,
) -> AtMost {
    diagnostics_with(doc, lints, None, None, limit)
}

/// Collects diagnostics up to a limit, and counts those past it.
struct Bounded {
    out: AtMost,
    limit: usize,
}

impl Bounded {
    fn new(limit: usize) -> Bounded {
        Bounded {
            out: AtMost::default(),
            limit,
        }
    }

    fn full(&self) -> bool {
        self.out.diagnostics.len() >= self.limit
    }

    fn push(&mut self, d: Diagnostic) {
        if self.full() {
            self.out.more += 1;
        } else {
            self.out.diagnostics.push(d);
        }
    }

    /// Keeps what fits; counts the rest, by its length when the iterator
    /// knows it (then nothing past the limit is built).
    fn extend(&mut self, items: impl Iterator<Item = Diagnostic>) {
        let room = self.limit - self.out.diagnostics.len().min(self.limit);
        let mut items = items.peekable();
        self.out.diagnostics.extend(items.by_ref().take(room));
        self.out.more += match items.size_hint() {
            (low, Some(high)) if low == high => low,
            _ => items.count(),
        };
    }
}

/// [`document_diagnostics`] of an analysed document, with the practices
/// and the document index it holds, and with the per-line findings it
/// keeps when [`AnalysedDocument::set_lints`] named `config` (then the
/// per-line lints cost a copy per line). O(lines + diagnostics); when a
/// document-level lint is on and the document keeps no index
/// ([`AnalysedDocument::set_document_index`]), O(n) to build one.
pub fn analysed_diagnostics(doc: &AnalysedDocument, config: &LintConfig) -> Vec<Diagnostic> {
    analysed_diagnostics_at_most(doc, config, usize::MAX).diagnostics
}

/// [`analysed_diagnostics`], at most `limit` of them (see
/// [`document_diagnostics_at_most`]).
pub fn analysed_diagnostics_at_most(
    doc: &AnalysedDocument,
    config: &LintConfig,
    limit: usize,
) -> AtMost {
    let Some(findings) = doc.findings(config) else {
        return diagnostics_with(
            doc.doc(),
            Some((doc.classes(), config)),
            Some(doc.practices()),
            doc.document_index(),
            limit,
        );
    };
    let documentwide = match (config.any_document_lint_on(), doc.document_index()) {
        (false, _) => Vec::new(),
        (true, Some(index)) => match findings.document() {
            Some(kept) => kept.diagnostics(index, doc.doc(), config).collect(),
            None => document_findings(index, doc.doc(), config),
        },
        (true, None) => document_findings(
            &DocIndex::once(doc.doc(), doc.classes(), doc.practices()),
            doc.doc(),
            config,
        ),
    };
    // The same order as `diagnostics_with`: on each line the syntax
    // diagnostics, the line's findings, then the document-level ones.
    let mut documentwide = documentwide.into_iter().peekable();
    let mut out = Bounded::new(limit);
    for ((line, parse), found) in doc.doc().line_parses().zip(findings.lines_from(0)) {
        out.extend(
            parse
                .diagnostics
                .iter()
                .map(|d| Diagnostic::from_syntax(line, d)),
        );
        out.extend(found.iter().map(|f| Diagnostic::from_finding(line, *f)));
        while let Some(d) = documentwide.next_if(|d| d.line <= line) {
            out.push(d);
        }
    }
    out.extend(documentwide);
    out.out
}

fn diagnostics_with(
    doc: &Document,
    lints: Option<(&Classes, &LintConfig)>,
    practices: Option<&Practices>,
    index: Option<&DocIndex>,
    limit: usize,
) -> AtMost {
    let mut out = Bounded::new(limit);
    let Some((classes, config)) = lints.filter(|(_, c)| c.any_on()) else {
        for (line, parse) in doc.line_parses() {
            out.extend(
                parse
                    .diagnostics
                    .iter()
                    .map(|d| Diagnostic::from_syntax(line, d)),
            );
        }
        return out.out;
    };
    // The practices, computed here when the document holds none and a
    // document-level lint needs them all (else line by line below).
    let computed_practices = (practices.is_none() && config.any_document_lint_on())
        .then(|| Practices::new(doc, classes));
    let practices = practices.or(computed_practices.as_ref());
    // The document-level findings, in line order, merged in below.
    let documentwide = match (config.any_document_lint_on(), index, practices) {
        (false, _, _) => Vec::new(),
        (true, Some(index), _) => document_findings(index, doc, config),
        (true, None, Some(practices)) => {
            document_findings(&DocIndex::once(doc, classes, practices), doc, config)
        }
        // Not reached: the practices are computed when such a lint is on.
        (true, None, None) => Vec::new(),
    };
    let mut documentwide = documentwide.into_iter().peekable();
    // The cues of the two lines above, which the practice lints read too.
    let mut above = [LineCues::default(); 2];
    for ((line, parse), line_classes) in doc.line_parses().zip(classes.lines_from(0)) {
        out.extend(
            parse
                .diagnostics
                .iter()
                .map(|d| Diagnostic::from_syntax(line, d)),
        );
        out.extend(
            line_findings(parse, line_classes, config).map(|f| Diagnostic::from_finding(line, f)),
        );
        if config.any_practice_lint_on() && !parse.annotations.is_empty() {
            let computed;
            let (of_line, cues) = match practices {
                Some(p) => (p.line(line), p.cues(line)),
                None => {
                    let text = doc.line_text(line).unwrap_or_default();
                    computed = line_practices(&text, parse, line_classes);
                    let cues = line_cues(&text, parse, &computed);
                    (&*computed, cues)
                }
            };
            out.extend(
                practice_findings(of_line, cues, above, config)
                    .map(|f| Diagnostic::from_finding(line, f)),
            );
            above = [cues, above[0]];
        } else if config.any_practice_lint_on() {
            // No annotation, no practice; but the next lines read whether
            // this one is blank or speaks of public disclosure.
            let cues = match practices {
                Some(p) => p.cues(line),
                None => line_cues(&doc.line_text(line).unwrap_or_default(), parse, &[]),
            };
            above = [cues, above[0]];
        }
        while let Some(d) = documentwide.next_if(|d| d.line <= line) {
            out.push(d);
        }
    }
    out.extend(documentwide);
    out.out
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::taxonomy::Taxonomy;

    /// Syntax errors, per-line lints and document-level findings, mixed on
    /// several lines, with astral characters before them.
    const MIXED: &str = "😀(我们)[收集]<手机号码>>和<身份证号码>。\n\
        𠮷手机号码]]<>\n\
        (我们)[共享]<位置信息>。身份证号码>\n";

    /// Every limit gives the first diagnostics of the full list, in its
    /// order, and counts the rest exactly: with lints off and on, and for
    /// a document that keeps its findings and one that does not.
    #[test]
    fn at_most_is_the_full_list_s_prefix_and_counts_the_rest() {
        let taxonomy = Arc::new(Taxonomy::builtin());
        let mut config = LintConfig::default();
        for code in ["sensitive-data", "recipient-missing", "unannotated-term"] {
            config.set(code, "on").unwrap();
        }
        let doc = Document::new(MIXED);
        let classes = Classes::new(&doc, &taxonomy);
        let mut kept = AnalysedDocument::new(MIXED, taxonomy.clone());
        kept.set_document_index(true);
        kept.set_lints(&config);
        let fresh = AnalysedDocument::new(MIXED, taxonomy);
        let syntax = document_diagnostics(&doc, None);
        let linted = document_diagnostics(&doc, Some((&classes, &config)));
        // Per-line and document-level findings among the syntax errors.
        for code in ["sensitive-data", "unannotated-term"] {
            assert!(linted.iter().any(|d| d.code == code), "{code}: {linted:?}");
        }
        for limit in 0..=linted.len() + 1 {
            let expect = |full: &[Diagnostic]| {
                let shown = limit.min(full.len());
                AtMost {
                    diagnostics: full[..shown].to_vec(),
                    more: full.len() - shown,
                }
            };
            assert_eq!(
                document_diagnostics_at_most(&doc, None, limit),
                expect(&syntax)
            );
            assert_eq!(
                document_diagnostics_at_most(&doc, Some((&classes, &config)), limit),
                expect(&linted)
            );
            assert_eq!(
                analysed_diagnostics_at_most(&kept, &config, limit),
                expect(&linted),
                "kept findings, limit {limit}"
            );
            assert_eq!(
                analysed_diagnostics_at_most(&fresh, &config, limit),
                expect(&linted),
                "no findings kept, limit {limit}"
            );
        }
    }
}
