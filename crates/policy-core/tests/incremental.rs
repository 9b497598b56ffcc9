//! The core's central invariant, by property test: an analysed document
//! after any sequence of edits holds exactly the edited text and, in every
//! layer (parse, classes, practices, lint findings, disagreements with
//! another version, semantic tokens), what a fresh analysis of that text holds; and a
//! snapshot taken before an edit never sees it.

use std::sync::{Arc, OnceLock};

use policy_core::agreement::{LineDisagreement, TheirLines};
use policy_core::analysis::{AnalysedDocument, Class};
use policy_core::diagnostics::{analysed_diagnostics, document_diagnostics};
use policy_core::document::lines_of;
use policy_core::lints::LintConfig;
use policy_core::position::{CharOffset, LspRange, PositionEncoding};
use policy_core::practices::Practice;
use policy_core::syntax::parse_line;
use policy_core::taxonomy::Taxonomy;
use policy_core::tokens::{Token, TokenCache, TokenEdit};
use proptest::prelude::*;

/// Pieces random text and edits are made of: markup, escapes, data items
/// sensitive and not, actions known and not, CJK, astral characters, every
/// line break and the characters that are not one.
const PIECES: &[&str] = &[
    "<",
    ">",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "\\",
    "<手机号码>",
    "<身份证号码>",
    "<人脸信息>",
    "<上述信息>",
    "<奇怪的东西>",
    "[收集]",
    "[共享]",
    "[跳舞]",
    "(我们)",
    "{为了安全}",
    "😀",
    "𠮷",
    "\n",
    "\r\n",
    "\r",
    "\u{2028}",
    "\u{85}",
    " ",
    "您的",
    "a",
    "\u{3000}",
    "位置",
    "我们",
    "收集",
    "手机号码",
    "<手机号码>{为了安全}",
    // Sentence ends and the cues of the practice model.
    "。",
    "；",
    "不会",
    "不",
    "，",
    "同意",
    "监护人",
    // What the practice lints read beyond a sentence: a third party, a
    // purpose, a lead-in's end, a heading's number, a legal basis.
    "(合作伙伴)",
    "{为了登录}",
    "：",
    "一、",
    "依法",
    // The document index: headings, a term annotated as two kinds.
    "联系我们",
    "(手机号码)",
    "<位置信息>",
    // A definition cue, whose list a ； carries onto the next line.
    "个人信息包括",
];

const ENCODINGS: [PositionEncoding; 3] = [
    PositionEncoding::Utf8,
    PositionEncoding::Utf16,
    PositionEncoding::Utf32,
];

fn taxonomy() -> Arc<Taxonomy> {
    static T: OnceLock<Arc<Taxonomy>> = OnceLock::new();
    T.get_or_init(|| Arc::new(Taxonomy::builtin())).clone()
}

fn text_of(pieces: &[prop::sample::Index]) -> String {
    pieces.iter().map(|i| *i.get(PIECES)).collect()
}

/// Another annotator's version: mostly the same few lines annotated
/// otherwise (so that lines of ours and theirs share their plain text and
/// disagree on annotations), with random lines between them.
fn theirs() -> impl Strategy<Value = String> {
    const LINES: &[&str] = &[
        "(我们)[收集]<手机号码>",
        "我们收集<手机号码>",
        "<我们>[收集]手机号码",
        "[我们收集]<手机号码>{为了安全}",
        "<😀>𠮷",
        "😀<𠮷>",
        "您的<位置>",
        "",
    ];
    let line = prop_oneof![
        3 => prop::sample::select(LINES).prop_map(str::to_string),
        1 => prop::collection::vec(any::<prop::sample::Index>(), 0..6)
            .prop_map(|p| text_of(&p).replace(['\r', '\n'], "")),
    ];
    (
        prop::collection::vec(line, 0..8),
        prop::sample::select(vec!["\n", "\r\n", "\r"]),
    )
        .prop_map(|(lines, brk)| lines.join(brk))
}

/// One edit: replace the chars `start..start + len` (clamped) with `text`.
#[derive(Debug, Clone)]
struct Edit {
    start: prop::sample::Index,
    len: usize,
    text: Vec<prop::sample::Index>,
}

fn edit() -> impl Strategy<Value = Edit> {
    (
        any::<prop::sample::Index>(),
        0usize..12,
        prop::collection::vec(any::<prop::sample::Index>(), 0..4),
    )
        .prop_map(|(start, len, text)| Edit { start, len, text })
}

/// Every line's classes, for comparing two documents.
fn classes(doc: &AnalysedDocument) -> Vec<Vec<Class>> {
    doc.classes().lines_from(0).map(<[Class]>::to_vec).collect()
}

/// Every line's practices, for comparing two documents.
fn practices(doc: &AnalysedDocument) -> Vec<Vec<Practice>> {
    doc.practices()
        .lines_from(0)
        .map(<[Practice]>::to_vec)
        .collect()
}

/// Every line's disagreements, for comparing two documents; `None`
/// without a comparison.
fn disagreements(doc: &AnalysedDocument) -> Option<Vec<Vec<LineDisagreement>>> {
    let d = doc.disagreements()?;
    Some(
        (0..doc.doc().line_count())
            .map(|l| d.line(l).to_vec())
            .collect(),
    )
}

/// Asserts `doc` holds `text` and, in every layer, what a fresh analysis
/// (compared with the same version of theirs) does.
fn assert_fresh(doc: &AnalysedDocument, text: &str) {
    assert_fresh_with(doc, text, &pipl());
}

/// [`assert_fresh`], the lint findings compared under `lints`.
fn assert_fresh_with(doc: &AnalysedDocument, text: &str, lints: &LintConfig) {
    let mut fresh = AnalysedDocument::new(text, taxonomy());
    fresh.set_theirs(doc.disagreements().map(|d| d.theirs().clone()));
    assert_eq!(doc.doc().text(), text);
    let lines: Vec<&str> = lines_of(text).collect();
    assert_eq!(doc.doc().line_count(), lines.len());
    for (i, l) in lines.iter().enumerate() {
        assert_eq!(
            doc.doc().line_parse(i),
            Some(&parse_line(l)),
            "line {i}: {l:?}"
        );
    }
    assert_eq!(classes(doc), classes(&fresh));
    assert_eq!(disagreements(doc), disagreements(&fresh));
    assert_eq!(doc.practices().lines_from(0).count(), lines.len());
    assert_eq!(practices(doc), practices(&fresh));
    let cues = |d: &AnalysedDocument| -> Vec<_> {
        (0..lines.len()).map(|l| d.practices().cues(l)).collect()
    };
    assert_eq!(cues(doc), cues(&fresh));
    if let Some(index) = doc.document_index() {
        fresh.set_document_index(true);
        assert!(
            Some(index) == fresh.document_index(),
            "the document index differs from a fresh one for {text:?}: {index:?} vs {:?}",
            fresh.document_index()
        );
    }
    // The findings the document keeps (`set_lints`, when it was called)
    // are those of a fresh pass of every lint over the fresh analysis.
    assert_eq!(
        analysed_diagnostics(doc, lints),
        document_diagnostics(fresh.doc(), Some((fresh.classes(), lints)))
    );
}

fn pipl() -> LintConfig {
    let mut lints = LintConfig::default();
    lints.set("pipl", "on").unwrap();
    lints
}

/// The preset with at most `cap` `unannotated-term` places per term (0:
/// all): a small cap makes an edit above a place change whether it is
/// reported, which random documents of a few lines then exercise.
fn pipl_capped(cap: u32) -> LintConfig {
    let mut lints = pipl();
    lints
        .set(policy_core::lints::MAX_PER_TERM, &cap.to_string())
        .unwrap();
    lints
}

/// What a client does with a token delta.
fn apply(tokens: &mut Vec<Token>, edit: Option<TokenEdit>) {
    if let Some(e) = edit {
        tokens.splice(e.start..e.start + e.delete, e.tokens);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn every_layer_after_edits_equals_a_fresh_analysis(
        initial in prop_oneof![
            prop::collection::vec(any::<prop::sample::Index>(), 0..40).prop_map(|p| text_of(&p)),
            // Lines that theirs has too, annotated otherwise.
            theirs(),
        ],
        theirs in prop::option::of(theirs()),
        edits in prop::collection::vec(edit(), 1..12),
        enc in prop::sample::select(ENCODINGS.to_vec()),
        delta_every in 1usize..4,
        cap in 0u32..4,
    ) {
        let lints = pipl_capped(cap);
        let mut model: Vec<char> = initial.chars().collect();
        let mut doc = AnalysedDocument::new(&model.iter().collect::<String>(), taxonomy());
        let theirs = theirs.map(|t| Arc::new(TheirLines::new(&t)));
        doc.set_theirs(theirs);
        // The lints' findings kept from the start (and with them the
        // document index, which `pipl` needs)…
        doc.set_lints(&lints);
        // … or the index dropped and switched on again after the first edit.
        doc.set_document_index(delta_every != 2);
        // The tokens a client holds, kept by deltas only.
        let mut cache = TokenCache::new(&doc, enc);
        let mut client = cache.tokens().to_vec();
        for (n, e) in edits.iter().enumerate() {
            // No LSP position lies between the `\r` and `\n` of a CRLF.
            let inside_crlf = |i: usize| i > 0 && i < model.len() && model[i - 1] == '\r' && model[i] == '\n';
            let mut start = e.start.index(model.len() + 1);
            if inside_crlf(start) {
                start -= 1;
            }
            let mut end = (start + e.len).min(model.len());
            if inside_crlf(end) {
                end += 1;
            }
            let insert = text_of(&e.text);
            let range = LspRange {
                start: doc.doc().position_of_char(CharOffset(start), enc),
                end: doc.doc().position_of_char(CharOffset(end), enc),
            };
            let before = model.iter().collect::<String>();
            let snapshot = doc.clone();
            doc.apply_edit(Some(range), &insert, enc).unwrap();
            model.splice(start..end, insert.chars());
            let text: String = model.iter().collect();
            prop_assert!(doc.findings(&lints).is_some());
            assert_fresh_with(&doc, &text, &lints);
            // The snapshot is untouched by the edit.
            assert_fresh_with(&snapshot, &before, &lints);
            doc.set_document_index(true);
            if n % delta_every == 0 {
                apply(&mut client, cache.update(&doc));
                let fresh = TokenCache::new(&AnalysedDocument::new(&text, taxonomy()), enc);
                prop_assert_eq!(cache.tokens(), fresh.tokens());
                prop_assert_eq!(&client, &cache.tokens().to_vec());
            }
        }
        apply(&mut client, cache.update(&doc));
        let fresh = TokenCache::new(&AnalysedDocument::new(&doc.doc().text(), taxonomy()), enc);
        prop_assert_eq!(&client, &fresh.tokens().to_vec());
    }
}

#[test]
fn tokens_too_old_for_the_edit_log_are_replaced_whole() {
    let enc = PositionEncoding::Utf16;
    let mut doc = AnalysedDocument::new("(我们)[收集]<身份证号码>\n", taxonomy());
    let mut cache = TokenCache::new(&doc, enc);
    let mut client = cache.tokens().to_vec();
    for _ in 0..1000 {
        let end = doc.doc().position_of_char(CharOffset(0), enc);
        doc.apply_edit(Some(LspRange { start: end, end }), "😀", enc)
            .unwrap();
    }
    let edit = cache.update(&doc).expect("the tokens moved");
    assert_eq!((edit.start, edit.delete), (0, client.len()));
    apply(&mut client, Some(edit));
    let fresh = TokenCache::new(&AnalysedDocument::new(&doc.doc().text(), taxonomy()), enc);
    assert_eq!(client, fresh.tokens());
    // Two UTF-16 units per 😀 before the first token.
    assert_eq!(client[0].delta_start, 2000 + 1);
}

#[test]
fn a_sensitive_item_is_marked_and_changing_the_taxonomy_remarks_it() {
    let enc = PositionEncoding::Utf32;
    let mut doc = AnalysedDocument::new("[收集]<人脸信息>和<手机号码>", taxonomy());
    let cache = TokenCache::new(&doc, enc);
    let marks: Vec<(u32, bool)> = cache
        .tokens()
        .iter()
        .map(|t| (t.length, t.sensitive))
        .collect();
    assert_eq!(marks, [(2, false), (4, true), (4, false)]);
    let mut cache = cache;
    let stricter = Taxonomy::with_overrides_str(
        "[[category]]\nid = \"basic_profile\"\nsensitive = true\n",
        std::path::Path::new("policy-lsp.toml"),
    );
    doc.set_taxonomy(Arc::new(stricter.expect("a valid override")));
    let edit = cache
        .update(&doc)
        .expect("the phone number became sensitive");
    assert!(edit.tokens.iter().any(|t| t.sensitive && t.length == 4));
    assert!(cache.tokens()[2].sensitive);
}

#[test]
fn an_edit_updates_the_practices_of_the_lines_it_touched_only() {
    let enc = PositionEncoding::Utf16;
    let mut doc = AnalysedDocument::new(
        "(我们)[共享]<位置信息>。\r\n(我们)[收集]<手机号码>\r\n",
        taxonomy(),
    );
    assert!(!doc.practices().line(0)[0].negated);
    // Type 不会 before the action of the first line.
    let at = doc.doc().position_of_char(CharOffset(4), enc);
    doc.apply_edit(Some(LspRange { start: at, end: at }), "不会", enc)
        .unwrap();
    assert!(doc.practices().line(0)[0].negated);
    assert!(!doc.practices().line(1)[0].negated);
    // Split the first sentence's line at its 。: the second line moves down.
    let at = doc.doc().position_of_char(CharOffset(17), enc);
    doc.apply_edit(
        Some(LspRange { start: at, end: at }),
        "\r\n经您同意，[删除]<手机号码>",
        enc,
    )
    .unwrap();
    assert_fresh(&doc, &doc.doc().text());
    let second = &doc.practices().line(1)[0];
    assert!(second.consent && !second.negated);
    assert_eq!(&*doc.practices().line(2)[0].actions[0].text, "收集");
}

#[test]
fn changing_the_taxonomy_changes_the_practices_data_verdicts() {
    let mut doc = AnalysedDocument::new("(我们)[收集]<手机号码>", taxonomy());
    assert!(!doc.practices().line(0)[0].data[0].sensitive());
    let stricter = Taxonomy::with_overrides_str(
        "[[category]]\nid = \"basic_profile\"\nsensitive = true\n",
        std::path::Path::new("policy-lsp.toml"),
    );
    doc.set_taxonomy(Arc::new(stricter.expect("a valid override")));
    assert!(doc.practices().line(0)[0].data[0].sensitive());
}

#[test]
fn an_edit_of_a_lead_in_changes_the_findings_of_the_line_after_it() {
    let mut doc = AnalysedDocument::new("为{登录}，\n(我们)[收集]<手机号码>\n", taxonomy());
    doc.set_lints(&pipl());
    let codes = |doc: &AnalysedDocument| -> Vec<(usize, String)> {
        analysed_diagnostics(doc, &pipl())
            .into_iter()
            .map(|d| (d.line, d.code.to_string()))
            .collect()
    };
    assert!(codes(&doc).is_empty());
    // End the lead-in's sentence: the next line loses its purpose.
    let enc = PositionEncoding::Utf16;
    let at = doc.doc().position_of_char(CharOffset(6), enc);
    doc.apply_edit(Some(LspRange { start: at, end: at }), "。", enc)
        .unwrap();
    assert_eq!(codes(&doc), [(1, "purpose-missing".to_string())]);
    assert_fresh(&doc, "为{登录}，。\n(我们)[收集]<手机号码>\n");
}

#[test]
fn an_edit_of_a_definitions_end_changes_the_findings_of_the_line_after_it() {
    let text = "(我们)[收集]<位置信息>和<位置信息>。\n个人信息包括：身份信息；\n位置信息。\n";
    let mut doc = AnalysedDocument::new(text, taxonomy());
    doc.set_lints(&pipl());
    let unannotated = |doc: &AnalysedDocument| -> Vec<usize> {
        analysed_diagnostics(doc, &pipl())
            .into_iter()
            .filter(|d| d.code == "unannotated-term")
            .map(|d| d.line)
            .collect()
    };
    assert!(unannotated(&doc).is_empty());
    let enc = PositionEncoding::Utf16;
    // Replace the ； with a 。: the next line is no longer the list's.
    let from = doc.doc().position_of_char(CharOffset(34), enc);
    let to = doc.doc().position_of_char(CharOffset(35), enc);
    doc.apply_edit(
        Some(LspRange {
            start: from,
            end: to,
        }),
        "。",
        enc,
    )
    .unwrap();
    let edited = "(我们)[收集]<位置信息>和<位置信息>。\n个人信息包括：身份信息。\n位置信息。\n";
    assert_fresh(&doc, edited);
    assert_eq!(unannotated(&doc), [2]);
    // And back.
    doc.apply_edit(
        Some(LspRange {
            start: from,
            end: to,
        }),
        "；",
        enc,
    )
    .unwrap();
    assert_fresh(&doc, text);
    assert!(unannotated(&doc).is_empty());
    // Delete the definition's line: the line after it stands alone.
    let start = doc.doc().position_of_char(CharOffset(23), enc);
    doc.apply_edit(Some(LspRange { start, end: to }), "", enc)
        .unwrap();
    let deleted = "(我们)[收集]<位置信息>和<位置信息>。\n\n位置信息。\n";
    assert_fresh(&doc, deleted);
    assert_eq!(unannotated(&doc), [2]);
}
