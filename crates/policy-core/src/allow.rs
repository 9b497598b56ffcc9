//! Allowed findings (`[[lints.allow]]` in `policy-lsp.toml`,
//! docs/language.md §7.5): a lint finding the author has judged and
//! accepted is not reported again, by the server or by `policy-lsp check`.
//!
//! An entry `{ code, text }` allows a finding of lint `code` when either
//! - the finding lies on one annotation and that annotation's text
//!   (escapes resolved) equals `text` — `sensitive-data` on `<人脸信息>` is
//!   allowed by `text = "人脸信息"` wherever it stands; or
//! - the sentence holding the finding, with its markup removed, contains
//!   `text`, and `text` contains the finding's annotated text (when the
//!   finding lies on an annotation) — `recipient-missing` on `[共享]` in
//!   "我们会\[共享\]您的<位置信息>。" is allowed by
//!   `text = "我们会共享您的位置信息"` (or any piece of it holding 共享), and
//!   `text = "人脸信息"` does not allow `sensitive-data` on the
//!   `<身份证号码>` of a sentence that also names 人脸信息.
//!
//! Sentences are those of the practice model: they end at 。！？； outside
//! annotations and at line ends. Syntax diagnostics are never allowed: the
//! syntax is the contract. An entry applies to every document that uses its
//! file; there is no path filter.

use std::borrow::Cow;

use crate::analysis::AnalysedDocument;
use crate::diagnostics::{Diagnostic, analysed_diagnostics};
use crate::document::Document;
use crate::lints::Lint;
use crate::position::LinePoint;
use crate::syntax::{Annotation, LineParse, unescape};
use crate::workspace_lints::{AllowEntry, LintLevels, effective};

/// The diagnostics of an analysed document as the workspace file and the
/// user want them: the lints of the file's `[lints]` with `overrides`
/// laid over them ([`effective`]), the allowed findings left out.
/// What the server publishes and answers a pull with.
pub fn diagnostics_in_force(doc: &AnalysedDocument, overrides: &LintLevels) -> Vec<Diagnostic> {
    let file = doc.taxonomy().workspace_lints();
    let mut found = analysed_diagnostics(doc, &effective(file, overrides));
    if let Some(file) = file {
        filter(doc.doc(), &file.allow, &mut found);
    }
    found
}

/// `diagnostics` without the lint findings `allow` allows; syntax
/// diagnostics (and anything that is not a lint's) always stay. O(1) when
/// nothing is allowed, else O(line) per finding whose code has an entry.
pub fn filter(doc: &Document, allow: &[AllowEntry], diagnostics: &mut Vec<Diagnostic>) {
    if allow.is_empty() {
        return;
    }
    diagnostics.retain(|d| !is_allowed(doc, allow, d));
}

/// Whether an entry of `allow` allows `d`.
pub fn is_allowed(doc: &Document, allow: &[AllowEntry], d: &Diagnostic) -> bool {
    if Lint::from_code(&d.code).is_none() {
        return false;
    }
    let mut entries = allow.iter().filter(|e| e.code == d.code).peekable();
    if entries.peek().is_none() {
        return false;
    }
    let (Some(parse), Some(line)) = (doc.line_parse(d.line), doc.line_text(d.line)) else {
        return false;
    };
    let value = annotation_at(parse, d.start, d.end).map(|a| a.value(&line));
    let sentence = sentence_text(&line, parse, d.start.byte as usize);
    entries.any(|e| match value.as_deref() {
        Some(v) => v == e.text || (sentence.contains(&e.text) && e.text.contains(v)),
        None => sentence.contains(&e.text),
    })
}

/// The text an allow entry for `d` should hold: the annotation's text for
/// the lints about one item (`sensitive-data`, `unspecific-data`,
/// `unclassified-data`, `unknown-practice`), else the finding's sentence
/// without markup, so the entry allows this sentence, not every sentence
/// with the same verb. `None` for a diagnostic that is not a lint's.
pub fn entry_text(doc: &Document, d: &Diagnostic) -> Option<String> {
    entry_text_at(doc, &d.code, d.line, d.start, d.end)
}

/// [`entry_text`] of a finding of lint `code` on `line`, from `start` to
/// `end` (as a client sends it back in a code action's context).
pub fn entry_text_at(
    doc: &Document,
    code: &str,
    line: usize,
    start: LinePoint,
    end: LinePoint,
) -> Option<String> {
    let lint = Lint::from_code(code)?;
    let parse = doc.line_parse(line)?;
    let text = doc.line_text(line)?;
    let per_item = matches!(
        lint,
        Lint::SensitiveData | Lint::UnspecificData | Lint::UnclassifiedData | Lint::UnknownPractice
    );
    if per_item && let Some(a) = annotation_at(parse, start, end) {
        let value = a.value(&text).trim().to_string();
        if !value.is_empty() {
            return Some(value);
        }
    }
    let sentence = sentence_text(&text, parse, start.byte as usize);
    let sentence = sentence.trim();
    if !sentence.is_empty() {
        return Some(sentence.to_string());
    }
    let (s, e) = (start.byte as usize, end.byte as usize);
    let raw = text.get(s..e.min(text.len()))?.trim();
    (!raw.is_empty()).then(|| raw.to_string())
}

/// The annotation from `start` to `end` exactly.
fn annotation_at(parse: &LineParse, start: LinePoint, end: LinePoint) -> Option<&Annotation> {
    parse
        .annotations
        .iter()
        .find(|a| a.open == start && a.end() == end)
}

/// Sentence terminators, as in the practice model.
const TERMINATORS: &[char] = &['。', '！', '？', '；'];

/// The sentence of `line` holding byte `at`, markup removed and escapes
/// resolved, without its terminator. O(line).
fn sentence_text<'a>(line: &'a str, parse: &LineParse, at: usize) -> Cow<'a, str> {
    // Sentence bounds: terminators outside annotations.
    let inside = |i: usize| {
        parse
            .annotations
            .iter()
            .any(|a| (a.open.byte as usize) <= i && i < a.end().byte as usize)
    };
    let mut start = 0;
    let mut end = line.len();
    for (i, c) in line.char_indices() {
        if TERMINATORS.contains(&c) && !inside(i) {
            if i < at {
                start = i + c.len_utf8();
            } else {
                end = i;
                break;
            }
        }
    }
    // The sentence's text, each annotation replaced by its value.
    let mut out = String::new();
    let mut pos = start;
    for a in parse
        .annotations
        .iter()
        .filter(|a| (a.open.byte as usize) >= start && (a.end().byte as usize) <= end)
    {
        let open = a.open.byte as usize;
        out.push_str(&unescape(line.get(pos..open).unwrap_or_default()));
        out.push_str(&a.value(line));
        pos = a.end().byte as usize;
    }
    out.push_str(&unescape(line.get(pos..end).unwrap_or_default()));
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lints::LintConfig;
    use crate::taxonomy::Taxonomy;
    use std::sync::Arc;

    fn findings(text: &str) -> (AnalysedDocument, Vec<Diagnostic>) {
        let doc = AnalysedDocument::new(text, Arc::new(Taxonomy::builtin()));
        let mut config = LintConfig::default();
        config.set("pipl", "on").unwrap();
        let d = analysed_diagnostics(&doc, &config);
        (doc, d)
    }

    fn entry(code: &str, text: &str) -> AllowEntry {
        AllowEntry {
            code: code.into(),
            text: text.into(),
        }
    }

    fn codes(d: &[Diagnostic]) -> Vec<(usize, &str)> {
        d.iter().map(|d| (d.line, d.code.as_ref())).collect()
    }

    #[test]
    fn a_sentence_piece_allows_that_sentence_only() {
        let text = "😀(我们)会[共享]您的<位置信息>。\r\n𠮷(我们)会[共享]您的<手机号码>。(我们)[共享]<位置信息>\n";
        let (doc, mut d) = findings(text);
        let before = codes(&d)
            .iter()
            .filter(|(_, c)| *c == "recipient-missing")
            .count();
        assert_eq!(before, 3, "{:?}", codes(&d));
        let first = d
            .iter()
            .find(|d| d.code == "recipient-missing")
            .unwrap()
            .clone();
        assert_eq!(
            entry_text(doc.doc(), &first).as_deref(),
            Some("😀我们会共享您的位置信息")
        );
        filter(
            doc.doc(),
            &[entry("recipient-missing", "会共享您的位置信息")],
            &mut d,
        );
        let left: Vec<usize> = d
            .iter()
            .filter(|d| d.code == "recipient-missing")
            .map(|d| d.line)
            .collect();
        // The third sentence says 共享位置信息 without 会 … 您的: not allowed.
        assert_eq!(left, [1, 1], "{:?}", codes(&d));
    }

    #[test]
    fn an_annotation_text_allows_that_item_everywhere_and_syntax_stays() {
        let text = "(我们)[收集]<人脸信息>{用于登录}与<身份证号码>{核验}。<人脸信息\n";
        let (doc, mut d) = findings(text);
        let sensitive = |d: &[Diagnostic]| d.iter().filter(|d| d.code == "sensitive-data").count();
        assert_eq!(sensitive(&d), 2, "{:?}", codes(&d));
        let face = d.iter().find(|d| d.code == "sensitive-data").unwrap();
        assert_eq!(entry_text(doc.doc(), face).as_deref(), Some("人脸信息"));
        let syntax_before = d.iter().filter(|d| d.code == "unclosed-annotation").count();
        assert_eq!(syntax_before, 1);
        filter(
            doc.doc(),
            &[
                entry("sensitive-data", "人脸信息"),
                // A syntax code never matches, even if an entry names it.
                entry("unclosed-annotation", "人脸信息"),
            ],
            &mut d,
        );
        assert_eq!(sensitive(&d), 1, "the ID number stays");
        assert_eq!(
            d.iter().filter(|d| d.code == "unclosed-annotation").count(),
            1
        );
        // Another code with the same text allows nothing.
        let (doc, mut d) = findings(text);
        let n = d.len();
        filter(doc.doc(), &[entry("unclassified-data", "人脸信息")], &mut d);
        assert_eq!(d.len(), n);
    }
}
