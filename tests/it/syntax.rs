//! The grammar of one line (docs/language.md §3–6), one fixture per code and per
//! recovery rule. Marks labelled with a kind are the content of an
//! annotation; marks labelled with a code are a diagnostic.

use crate::common::{Mark, fixture};
use policy_core::syntax::{AnnotationKind, parse_line, unescape};

/// Parses the fixture's one text line and checks that exactly the marked
/// annotations and diagnostics come out.
fn check(src: &str) {
    let f = fixture(src);
    assert_eq!(f.lines.len(), 1, "one line per syntax fixture");
    let line = &f.lines[0];
    let parse = parse_line(line);
    let mut got: Vec<Mark> = parse
        .annotations
        .iter()
        .map(|a| Mark {
            line: 0,
            start: a.content_start().char as usize,
            end: a.content_end().char as usize,
            label: a.kind.name().to_string(),
        })
        .chain(parse.diagnostics.iter().map(|d| Mark {
            line: 0,
            start: d.start.char as usize,
            end: d.end.char as usize,
            label: d.code.as_str().to_string(),
        }))
        .collect();
    got.sort();
    assert_eq!(got, f.marks, "\n{line}");
}

#[test]
fn well_formed_sentence() {
    check(
        r"
(我们)会[收集]您的<位置信息>来{判断您所处的地点}。
 ^^^^ actor
         ^^^^ action
                   ^^^^^^^^ data
                               ^^^^^^^^^^^^^^^^ purpose
",
    );
}

#[test]
fn unclosed_annotation_at_end_of_line() {
    check(
        r"
您需要[提供]<手机号码、电子邮箱
       ^^^^ action
            ^ unclosed-annotation
",
    );
}

#[test]
fn unmatched_closer() {
    check(
        r"
我们会收集您的信息>并{改进服务}
                  ^ unmatched-closer
                      ^^^^^^^^ purpose
",
    );
}

#[test]
fn mismatched_closer_still_closes_as_the_open_kind() {
    check(
        r"
您的<账户名]和<密码>
     ^^^^^^ data
           ^ mismatched-closer
               ^^^^ data
",
    );
}

#[test]
fn empty_annotations_span_opener_through_closer() {
    // U+3000 (ideographic space) is white space too.
    check(
        "
空的<>和[ ]以及{\u{3000}}
    ^^ empty-annotation
        ^^^ empty-annotation
               ^^^^ empty-annotation
",
    );
}

#[test]
fn padded_annotation_is_a_warning_but_still_an_annotation() {
    check(
        r"
您的< 手机号码 >和(  我们)
    ^^^^^^^^^^^^ padded-annotation
     ^^^^^^^^^^ data
                  ^^^^^^^^ padded-annotation
                   ^^^^^^ actor
",
    );
    let d = parse_line("< 手机号码 >").diagnostics[0];
    assert_eq!(d.code.severity(), policy_core::syntax::Severity::Warning);
}

#[test]
fn opener_inside_an_open_annotation_drops_the_first() {
    check(
        r"
您的<订单<收货地址>>信息
    ^ unclosed-annotation
          ^^^^^^^^ data
                   ^ unmatched-closer
",
    );
}

#[test]
fn full_width_brackets_are_text() {
    check(
        r"
（一）【收集】〈数据〉《须知》｛目的｝“账户信息”（<PLMN>）
                                                   ^^^^ data
",
    );
}

#[test]
fn escapes_are_text_and_resolved_in_the_value() {
    check(
        r"
年龄\<14周岁的\(儿童\)，<监护人\>信息>与\\[使用]
                         ^^^^^^^^^^^^ data
                                           ^^^^ action
",
    );
    let line = r"<监护人\>信息\\>";
    let a = parse_line(line).annotations[0];
    assert_eq!(a.value(line), r"监护人>信息\");
    assert_eq!(unescape(r"C:\数据\<"), r"C:\数据<");
}

#[test]
fn backslash_before_other_text_is_literal() {
    check(
        r"
路径C:\数据\<不是标注[收集]
                      ^^^^ action
",
    );
}

#[test]
fn every_error_on_one_line() {
    check(
        r"
)]>}<>[ x ](a]{b
^ unmatched-closer
 ^ unmatched-closer
  ^ unmatched-closer
   ^ unmatched-closer
    ^^ empty-annotation
      ^^^^^ padded-annotation
       ^^^ action
            ^ actor
             ^ mismatched-closer
              ^ unclosed-annotation
",
    );
}

#[test]
fn astral_char_before_unclosed_opener() {
    check(
        r"
😀𠮷<表情😀>后面[未闭合
     ^^^^^^ data
                ^ unclosed-annotation
",
    );
    // The same line in all three units: 😀 and 𠮷 are 4 bytes, 2 UTF-16 units.
    let p = parse_line("😀𠮷<表情😀>后面[未闭合");
    let d = p.diagnostics[0];
    assert_eq!((d.start.char, d.start.utf16, d.start.byte), (9, 12, 26));
}

#[test]
fn line_separator_is_not_a_line_break() {
    check(
        "
<数据\u{2028}仍在同一行>与[动作]然后<未闭合
 ^^^^^^^^^^^^^^^ data
                    ^^^^ action
                             ^ unclosed-annotation
",
    );
}

#[test]
fn empty_and_plain_lines_have_no_results() {
    assert!(parse_line("").is_empty());
    assert!(parse_line("只是文字，没有标注。").is_empty());
}

#[test]
fn messages_name_the_kind_and_the_expected_bracket() {
    let d = parse_line("<手机号码").diagnostics[0];
    let m = d.message();
    assert!(m.contains("data") && m.contains('>'), "{m}");
    let d = parse_line("<账户名]").diagnostics[0];
    let m = d.message();
    assert!(
        m.contains("data") && m.contains('>') && m.contains(']'),
        "{m}"
    );
    assert_eq!(
        AnnotationKind::from_closer(b'}'),
        Some(AnnotationKind::Purpose)
    );
}
