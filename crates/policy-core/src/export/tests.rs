use proptest::prelude::*;

use super::*;
use crate::syntax::AnnotationKind::{self, *};

fn round_trip(markup: &str, brackets: Brackets) -> String {
    let plain = to_plain(markup);
    let spans: Vec<SpanIn> = plain.spans.iter().map(SpanIn::from).collect();
    let back = to_markup(&plain.text, &spans, brackets);
    assert!(back.rejected.is_empty(), "{:?}", back.rejected);
    back.text
}

fn span(kind: AnnotationKind, start: usize, end: usize, text: &str) -> Span {
    Span {
        kind,
        start,
        end,
        text: text.into(),
    }
}

#[test]
fn plain_text_drops_brackets_resolves_escapes_and_counts_code_points() {
    let p = to_plain("😀(我们)[收集]<年龄\\<14>\r\n𠮷{目的}x");
    assert_eq!(p.text, "😀我们收集年龄<14\r\n𠮷目的x");
    assert_eq!(
        p.spans,
        vec![
            span(Actor, 1, 3, "我们"),
            span(Action, 3, 5, "收集"),
            span(Data, 5, 10, "年龄<14"),
            span(Purpose, 13, 15, "目的"),
        ]
    );
}

#[test]
fn literal_brackets_the_parser_did_not_take_stay_text() {
    // unmatched closer, unclosed opener, empty pair, wrong closer
    let p = to_plain("a) (b [ ] (c] <d");
    assert_eq!(p.text, "a) (b [ ] (c] <d");
    assert!(p.spans.is_empty());
    assert_eq!(p.recovered, 1);
}

#[test]
fn needed_escapes_only_pairs_that_would_become_annotations() {
    let spans = [SpanIn {
        kind: Data,
        start: 14,
        end: 16,
        text: Some("账号".into()),
    }];
    let m = to_markup("void(0) a) (b\\账号<c", &spans, Brackets::Needed);
    assert!(m.rejected.is_empty());
    assert_eq!(m.text, "void\\(0\\) a) (b\\\\<账号><c");
    let m = to_markup("void(0) a) (b\\账号<c", &spans, Brackets::Escape);
    assert_eq!(m.text, "void\\(0\\) a\\) \\(b\\\\<账号>\\<c");
    let m = to_markup("void(0) a) (b\\账号<c", &spans, Brackets::Keep);
    assert_eq!(m.text, "void(0) a) (b\\<账号><c");
}

#[test]
fn escaping_an_inner_pair_reopens_the_outer_opener() {
    // `(a(b)c)`: the parser drops the first `(` at the second; escaping the
    // inner pair leaves the outer one to close, so it is escaped too.
    let m = to_markup("(a(b)c)", &[], Brackets::Needed);
    assert_eq!(m.text, "\\(a\\(b\\)c\\)");
    assert_eq!(to_plain(&m.text).text, "(a(b)c)");
    assert!(to_plain(&m.text).spans.is_empty());
}

#[test]
fn spans_the_markup_cannot_hold_are_rejected_with_a_reason() {
    let s = |start, end, text: Option<&str>| SpanIn {
        kind: Data,
        start,
        end,
        text: text.map(Into::into),
    };
    let text = "手机号码\n邮箱  x";
    let spans = [
        s(0, 4, None),
        s(1, 3, None),
        s(2, 6, None),
        s(3, 6, None),
        s(5, 7, Some("邮箱")),
        s(5, 7, Some("x")),
        s(7, 9, None),
        s(9, 20, None),
    ];
    let m = to_markup(text, &spans, Brackets::Needed);
    let reasons: Vec<_> = m.rejected.iter().map(|r| (r.index, r.reason)).collect();
    assert_eq!(
        reasons,
        vec![
            (1, RejectReason::Nested),
            (2, RejectReason::CrossesLine),
            (3, RejectReason::CrossesLine),
            (5, RejectReason::TextMismatch),
            (6, RejectReason::Blank),
            (7, RejectReason::OutOfRange),
        ]
    );
    assert_eq!(m.text, "<手机号码>\n<邮箱>  x");
    let o = to_markup("abcd", &[s(0, 2, None), s(1, 3, None)], Brackets::Needed);
    assert_eq!(o.rejected[0].reason, RejectReason::Overlapping);
}

#[test]
fn a_literal_backslash_is_doubled_before_an_ascii_word_character_only() {
    // both forms read as one backslash; the importer picks one by the
    // next character, as the CA4P files do (opt\\_out, 1\., 产品\服务)
    for (bare, written) in [
        ("opt\\_out", "opt\\\\_out"),
        ("a\\Z0", "a\\\\Z0"),
        ("1\\.", "1\\."),
        ("产品\\服务", "产品\\服务"),
        ("x\\ y\\", "x\\ y\\"),
    ] {
        assert_eq!(round_trip(bare, Brackets::Needed), written, "{bare:?}");
        assert_eq!(to_plain(written).text, to_plain(bare).text);
    }
}

#[test]
fn round_trip_keeps_syntax_errors_and_line_breaks() {
    for src in [
        "",
        "\n",
        "a) (b [ ] (c] <d\r\n\r(x)\\\\<y>\\\\z",
        "（IDFA)、<设备Mac地址>",
        "opt\\\\_out \\手 1\\. <a\\\\> C:\\\\Users\\\\9 \\😀",
        "end\\",
    ] {
        assert_eq!(round_trip(src, Brackets::Needed), src, "{src:?}");
    }
}

fn markup_strategy() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("我们".to_string()),
        Just("😀".to_string()),
        Just("𠮷".to_string()),
        Just(" ".to_string()),
        Just("\r\n".to_string()),
        Just("\n".to_string()),
        Just("\r".to_string()),
        Just("\u{2028}".to_string()),
        Just("\\".to_string()),
        Just("a".to_string()),
        prop::sample::select(vec!["(", ")", "[", "]", "<", ">", "{", "}"]).prop_map(String::from),
        prop::sample::select(vec!["\\(", "\\>", "\\\\"]).prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn every_span_is_the_plain_text_at_its_offsets(src in markup_strategy()) {
        let p = to_plain(&src);
        let chars: Vec<char> = p.text.chars().collect();
        for s in &p.spans {
            let at: String = chars[s.start..s.end].iter().collect();
            prop_assert_eq!(&at, &s.text);
        }
    }

    #[test]
    fn markup_from_plain_text_reads_back_as_that_plain_text(src in markup_strategy()) {
        let p = to_plain(&src);
        let spans: Vec<SpanIn> = p.spans.iter().map(SpanIn::from).collect();
        for brackets in [Brackets::Needed, Brackets::Escape] {
            let m = to_markup(&p.text, &spans, brackets);
            prop_assert!(m.rejected.is_empty());
            let again = to_plain(&m.text);
            prop_assert_eq!(&again.text, &p.text);
            prop_assert_eq!(&again.spans, &p.spans);
        }
    }

    #[test]
    fn needed_round_trip_is_byte_identical_without_needless_escapes(src in markup_strategy()) {
        // A source written by the importer escapes only where it must, so
        // it must survive a second round trip unchanged.
        let once = round_trip(&src, Brackets::Needed);
        prop_assert_eq!(round_trip(&once, Brackets::Needed), once);
    }
}
