//! The core invariant of the product: a document after any sequence of
//! edits holds exactly the client's text, and the same annotations and
//! diagnostics as a fresh parse of that text.

use policy_core::document::{Document, lines_of};
use policy_core::position::{LspPosition, LspRange, PositionEncoding};
use policy_core::syntax::parse_line;
use proptest::prelude::*;

const JD: &str = include_str!("../../examples/jd-privacy-policy.policy");

/// Pieces random text and edits are made of: markup, escapes, CJK, astral
/// characters, every line break and the ones that are not.
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
    "收集",
    "<手机号码>",
    "[使用]",
    "😀",
    "𠮷",
    "\n",
    "\r\n",
    "\r",
    "\u{2028}",
    "\u{85}",
    " ",
    "您的",
    "{为了",
    "(我们)",
    "a",
    "\u{3000}",
];

/// Byte offset of (line, char column) in `text`, whose lines are split the
/// LSP way.
fn offset(text: &str, line: usize, col: usize) -> usize {
    let mut at = 0;
    for (i, l) in lines_of(text).enumerate() {
        if i == line {
            return at + l.char_indices().nth(col).map_or(l.len(), |(b, _)| b);
        }
        at += l.len();
        at += if text[at..].starts_with("\r\n") { 2 } else { 1 };
    }
    text.len()
}

fn lsp(text: &str, line: usize, col: usize, enc: PositionEncoding) -> LspPosition {
    let l = lines_of(text).nth(line).unwrap_or("");
    let prefix: String = l.chars().take(col).collect();
    LspPosition::new(line as u32, enc.units_of_str(&prefix) as u32)
}

/// Asserts the document equals a fresh parse of `model`.
fn assert_matches_fresh(doc: &Document, model: &str) {
    assert_eq!(doc.text(), model);
    let lines: Vec<&str> = lines_of(model).collect();
    assert_eq!(doc.line_count(), lines.len());
    for (i, l) in lines.iter().enumerate() {
        assert_eq!(doc.line_parse(i), Some(&parse_line(l)), "line {i}: {l:?}");
        assert_eq!(doc.line_text(i).as_deref(), Some(*l));
    }
}

#[derive(Debug, Clone)]
struct Edit {
    line: prop::sample::Index,
    col: prop::sample::Index,
    span_lines: usize,
    end_col: prop::sample::Index,
    text: String,
}

fn edit() -> impl Strategy<Value = Edit> {
    (
        any::<prop::sample::Index>(),
        any::<prop::sample::Index>(),
        prop_oneof![4 => Just(0usize), 1 => 1usize..3],
        any::<prop::sample::Index>(),
        prop_oneof![
            2 => Just(String::new()),
            6 => prop::sample::select(PIECES).prop_map(str::to_string),
            1 => prop::collection::vec(prop::sample::select(PIECES), 0..6).prop_map(|v| v.concat()),
        ],
    )
        .prop_map(|(line, col, span_lines, end_col, text)| Edit {
            line,
            col,
            span_lines,
            end_col,
            text,
        })
}

fn initial_text() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(prop::sample::select(PIECES), 0..40).prop_map(|v| v.concat()),
        (0usize..JD.len(), 0usize..3000).prop_map(|(a, n)| {
            let mut a = a;
            while !JD.is_char_boundary(a) {
                a -= 1;
            }
            let mut b = (a + n).min(JD.len());
            while !JD.is_char_boundary(b) {
                b -= 1;
            }
            JD[a..b].replace('\n', if n % 3 == 0 { "\r\n" } else { "\n" })
        }),
    ]
}

fn encoding() -> impl Strategy<Value = PositionEncoding> {
    prop::sample::select(vec![
        PositionEncoding::Utf8,
        PositionEncoding::Utf16,
        PositionEncoding::Utf32,
    ])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn incremental_edits_equal_a_fresh_parse(
        text in initial_text(),
        edits in prop::collection::vec(edit(), 1..30),
        enc in encoding(),
    ) {
        let mut model = text.clone();
        let mut doc = Document::new(&text);
        for e in edits {
            let lines: Vec<&str> = lines_of(&model).collect();
            let sl = e.line.index(lines.len());
            let sc = e.col.index(lines[sl].chars().count() + 1);
            let el = (sl + e.span_lines).min(lines.len() - 1);
            let ec = if el == sl {
                sc + e.end_col.index(lines[sl].chars().count() - sc + 1)
            } else {
                e.end_col.index(lines[el].chars().count() + 1)
            };
            let range = LspRange { start: lsp(&model, sl, sc, enc), end: lsp(&model, el, ec, enc) };
            let (a, b) = (offset(&model, sl, sc), offset(&model, el, ec));
            model.replace_range(a..b, &e.text);
            let outcome = doc.apply_edit(Some(range), &e.text, enc).expect("a valid range applies");
            prop_assert!(!outcome.clamped);
            assert_matches_fresh(&doc, &model);
        }
    }
}

#[test]
fn inserting_lf_after_cr_joins_the_break() {
    let mut doc = Document::new("(我们\r)<数据>");
    assert_eq!(doc.line_count(), 2);
    let at = LspPosition::new(1, 0);
    doc.apply_edit(
        Some(LspRange { start: at, end: at }),
        "\n",
        PositionEncoding::Utf16,
    )
    .unwrap();
    assert_matches_fresh(&doc, "(我们\r\n)<数据>");
    // Deleting the character between CR and LF's neighbours splits nothing.
    let r = LspRange {
        start: LspPosition::new(0, 3),
        end: LspPosition::new(1, 0),
    };
    doc.apply_edit(Some(r), "", PositionEncoding::Utf16)
        .unwrap();
    assert_matches_fresh(&doc, "(我们)<数据>");
}

#[test]
fn positions_past_the_end_or_inside_a_character_are_clamped() {
    let text = "😀<数据>\r\n𠮷";
    for enc in [
        PositionEncoding::Utf8,
        PositionEncoding::Utf16,
        PositionEncoding::Utf32,
    ] {
        let mut doc = Document::new(text);
        // Column 1 is inside 😀 in UTF-8 and UTF-16: the edit lands before it.
        let inside = LspPosition::new(0, 1);
        let out = doc
            .apply_edit(
                Some(LspRange {
                    start: inside,
                    end: inside,
                }),
                "x",
                enc,
            )
            .unwrap();
        let expected = if enc == PositionEncoding::Utf32 {
            "😀x<数据>\r\n𠮷"
        } else {
            "x😀<数据>\r\n𠮷"
        };
        assert_eq!(doc.text(), expected, "{enc:?}");
        assert_eq!(out.clamped, enc != PositionEncoding::Utf32);
        // Past the end of line 0: clamped before its CRLF, not into it.
        let past = LspPosition::new(0, 999);
        let out = doc
            .apply_edit(
                Some(LspRange {
                    start: past,
                    end: past,
                }),
                "]",
                enc,
            )
            .unwrap();
        assert!(out.clamped);
        assert_matches_fresh(&doc, &expected.replace("\r\n", "]\r\n"));
        // A line past the end: the end of the text.
        let far = LspPosition::new(99, 0);
        doc.apply_edit(
            Some(LspRange {
                start: far,
                end: far,
            }),
            "}",
            enc,
        )
        .unwrap();
        assert!(doc.text().ends_with("𠮷}"));
    }
}

#[test]
fn a_reversed_range_is_refused_and_changes_nothing() {
    let mut doc = Document::new("<数据>");
    let r = LspRange {
        start: LspPosition::new(0, 3),
        end: LspPosition::new(0, 1),
    };
    assert!(
        doc.apply_edit(Some(r), "x", PositionEncoding::Utf16)
            .is_err()
    );
    assert_eq!(doc.text(), "<数据>");
}

#[test]
fn a_change_without_range_replaces_everything() {
    let mut doc = Document::new("<数据>");
    doc.apply_edit(None, "(我们)\n[收集", PositionEncoding::Utf16)
        .unwrap();
    assert_matches_fresh(&doc, "(我们)\n[收集");
}

#[test]
fn position_round_trip_in_every_encoding() {
    let text = "a😀𠮷数\u{2028}b\r\n\rc";
    let doc = Document::new(text);
    for enc in [
        PositionEncoding::Utf8,
        PositionEncoding::Utf16,
        PositionEncoding::Utf32,
    ] {
        for c in 0..=text.chars().count() {
            let pos = doc.position_of_char(policy_core::position::CharOffset(c), enc);
            let (back, clamped) = doc.char_of_position(pos, enc);
            // Offsets inside a line break map to the line's end.
            let ch = text.chars().nth(c);
            if !matches!(ch, Some('\n')) || c == 0 || text.chars().nth(c - 1) != Some('\r') {
                assert_eq!(back.0, c, "{enc:?} char {c} -> {pos:?}");
                assert!(!clamped);
            }
        }
    }
    assert_eq!(
        doc.position_of_char(
            policy_core::position::CharOffset(6),
            PositionEncoding::Utf16
        ),
        LspPosition::new(0, 8)
    );
}

#[test]
fn the_jd_sample_has_164_annotations_and_no_diagnostics() {
    use policy_core::syntax::AnnotationKind::*;
    let doc = Document::new(JD);
    let count = |k| doc.annotations().filter(|(_, a)| a.kind == k).count();
    assert_eq!(
        (count(Actor), count(Action), count(Data), count(Purpose)),
        (21, 32, 82, 29)
    );
    assert_eq!(doc.annotations().count(), 164);
    assert_eq!(doc.diagnostics().count(), 0);
}
