//! Authoring assistance from the core (`policy_core::authoring`), without a
//! server: quick fixes, annotate, outline, occurrences, rename and
//! completion at the places the fixtures mark, in every encoding and line
//! ending. The answers are `LineEdit`s and spans; applying them is the
//! editor's job, done here by char offsets.

use policy_core::authoring::complete::complete;
use policy_core::authoring::occurrences::{RenameError, occurrences, rename};
use policy_core::authoring::outline::{Section, outline};
use policy_core::authoring::{Action, ActionKind, LineEdit, code_actions};
use policy_core::document::{Document, lines_of};
use policy_core::position::{LinePoint, LspPosition, LspRange, PositionEncoding};
use policy_core::syntax::AnnotationKind;
use policy_core::taxonomy::Taxonomy;

use crate::common::{Cursor, LINE_ENDINGS, Mark, fixture};

const ENCODINGS: [PositionEncoding; 3] = [
    PositionEncoding::Utf8,
    PositionEncoding::Utf16,
    PositionEncoding::Utf32,
];

/// The position of a char-column cursor of `text` in `enc`.
fn position(text: &str, at: Cursor, enc: PositionEncoding) -> LspPosition {
    let line = lines_of(text).nth(at.line).unwrap_or("");
    let prefix: String = line.chars().take(at.col).collect();
    LspPosition {
        line: at.line as u32,
        character: enc.units_of_str(&prefix) as u32,
    }
}

fn range(text: &str, m: &Mark, enc: PositionEncoding) -> LspRange {
    LspRange {
        start: position(text, m.start(), enc),
        end: position(text, m.end(), enc),
    }
}

/// A span of one line as a mark labelled `label`.
fn mark(line: usize, start: LinePoint, end: LinePoint, label: &str) -> Mark {
    Mark {
        line,
        start: start.char as usize,
        end: end.char as usize,
        label: label.to_string(),
    }
}

/// The lines of `text` with their breaks (`\n`, `\r\n`, `\r` or none).
fn lines_with_breaks(text: &str) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    let mut line = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {
                chars.next();
                out.push((std::mem::take(&mut line), "\r\n"));
            }
            '\r' => out.push((std::mem::take(&mut line), "\r")),
            '\n' => out.push((std::mem::take(&mut line), "\n")),
            c => line.push(c),
        }
    }
    out.push((line, ""));
    out
}

/// `text` after `edits` (non-overlapping, all relative to `text`), with its
/// line breaks kept.
fn apply(text: &str, edits: &[LineEdit]) -> String {
    let mut lines = lines_with_breaks(text);
    let mut sorted: Vec<&LineEdit> = edits.iter().collect();
    sorted.sort_by_key(|e| std::cmp::Reverse((e.line, e.start.char)));
    for e in sorted {
        let line = &mut lines[e.line].0;
        let chars: Vec<char> = line.chars().collect();
        let (s, t) = (e.start.char as usize, e.end.char as usize);
        let mut new: String = chars[..s].iter().collect();
        new.push_str(&e.new_text);
        new.extend(&chars[t..]);
        *line = new;
    }
    lines.into_iter().map(|(l, b)| l + b).collect()
}

/// (line, code) of every syntax diagnostic of `text`, sorted.
fn problems(text: &str) -> Vec<(usize, String)> {
    let mut p: Vec<(usize, String)> = Document::new(text)
        .diagnostics()
        .map(|(l, d)| (l, d.code.as_str().to_string()))
        .collect();
    p.sort();
    p
}

fn titles(actions: &[Action]) -> Vec<&str> {
    actions.iter().map(|a| a.title.as_str()).collect()
}

#[test]
fn the_apply_helper_keeps_every_line_break() {
    let text = "a\r\nbc\rd\n";
    let e = |line, from: &str, to: &str, new: &str| LineEdit {
        line,
        start: LinePoint::default().advanced_by(from),
        end: LinePoint::default().advanced_by(to),
        new_text: new.to_string(),
    };
    assert_eq!(
        apply(text, &[e(1, "b", "bc", "😀"), e(0, "", "", "<")]),
        "<a\r\nb😀\rd\n"
    );
}

const BROKEN: &str = "
😀您的<账户名]和<密码>
             ^ mismatched-closer
𠮷年龄>14周岁
      ^ unmatched-closer
空的<>与< 手机号码 >
    ^^ empty-annotation
        ^^^^^^^^^^^^ padded-annotation
";

#[test]
fn each_quick_fix_repairs_its_diagnostic_and_breaks_nothing() {
    let f = fixture(BROKEN);
    for eol in LINE_ENDINGS {
        let text = f.text(eol);
        let before = problems(&text);
        assert_eq!(before.len(), f.marks.len());
        for enc in ENCODINGS {
            let doc = Document::new(&text);
            for m in &f.marks {
                let actions = code_actions(&doc, range(&text, m, enc), enc);
                let fixes: Vec<&Action> = actions
                    .iter()
                    .filter(|a| a.kind == ActionKind::QuickFix)
                    .collect();
                assert!(!fixes.is_empty(), "{enc:?}: no fix for {m:?}");
                for fix in fixes {
                    let (line, d) = fix.fixes.as_ref().expect("a fix names its diagnostic");
                    assert_eq!(
                        mark(*line, d.start, d.end, d.code.as_str()),
                        *m,
                        "{}",
                        fix.title
                    );
                    let mut expected = before.clone();
                    let i = expected
                        .iter()
                        .position(|p| *p == (m.line, m.label.clone()))
                        .unwrap();
                    expected.remove(i);
                    let fixed = apply(&text, &fix.edits);
                    assert_eq!(
                        problems(&fixed),
                        expected,
                        "{enc:?} {eol:?}: `{}` gives {fixed:?}",
                        fix.title
                    );
                }
            }
        }
    }
}

#[test]
fn the_preferred_fix_of_a_wrong_closer_is_the_right_closer() {
    let f = fixture("😀您的<账户名$0]和<密码>\n𠮷");
    for eol in LINE_ENDINGS {
        let text = f.text(eol);
        let doc = Document::new(&text);
        for enc in ENCODINGS {
            let at = position(&text, f.cursor(), enc);
            let actions = code_actions(&doc, LspRange { start: at, end: at }, enc);
            let first = &actions[0];
            assert_eq!(
                first.title,
                "Replace `]` with `>` to close the data annotation",
                "{:?}",
                titles(&actions)
            );
            assert!(first.preferred);
            assert_eq!(
                apply(&text, &first.edits),
                format!("😀您的<账户名>和<密码>{eol}𠮷")
            );
            // Only one fix is clearly right.
            assert_eq!(actions.iter().filter(|a| a.preferred).count(), 1);
        }
    }
}

const PLAIN: &str = "
😀我们会收集您的手机号码和𠮷位置信息
                ^^^^^^^^ phone
手机号码<手$0机号码>[收集]
";

#[test]
fn a_selection_is_annotated_and_an_annotation_rewritten() {
    let f = fixture(PLAIN);
    for eol in LINE_ENDINGS {
        let text = f.text(eol);
        let doc = Document::new(&text);
        for enc in ENCODINGS {
            let actions = code_actions(&doc, range(&text, &f.mark("phone"), enc), enc);
            assert!(actions.iter().all(|a| a.kind == ActionKind::Rewrite));
            assert_eq!(
                titles(&actions),
                [
                    "Annotate as data `<手机号码>`",
                    "Annotate as action `[手机号码]`",
                    "Annotate as actor `(手机号码)`",
                    "Annotate as purpose `{手机号码}`",
                    "Annotate all 2 occurrences of “手机号码” as data",
                ],
                "{enc:?}"
            );
            assert_eq!(
                apply(&text, &actions[0].edits),
                text.replace("您的手机号码和", "您的<手机号码>和")
            );
            let all = apply(&text, &actions[4].edits);
            assert_eq!(all.matches("<手机号码>").count(), 3, "{all}");
            assert!(problems(&all).is_empty());
            // On an annotation: remove it, change its kind, or spread it.
            let at = position(&text, f.cursor(), enc);
            let actions = code_actions(&doc, LspRange { start: at, end: at }, enc);
            assert_eq!(
                titles(&actions),
                [
                    "Remove the data annotation (keep the text)",
                    "Change to action `[…]`",
                    "Change to actor `(…)`",
                    "Change to purpose `{…}`",
                    "Annotate 2 more occurrences of “手机号码” as data",
                ],
                "{enc:?}"
            );
            let second = |t: &str| lines_of(t).nth(1).unwrap().to_string();
            assert_eq!(
                second(&apply(&text, &actions[0].edits)),
                "手机号码手机号码[收集]"
            );
            assert_eq!(
                second(&apply(&text, &actions[2].edits)),
                "手机号码(手机号码)[收集]"
            );
        }
    }
}

const POLICY: &str = "
😀隐私政策
一、我们如何收集信息
^^^^^^^^^^^^^^^^^^^^ h1
（一）注册𠮷
^^^^^^^^^^^^ h2
(我们)[收集]您的<手机号码>和<密码>。
                 ^^^^^^^^ phone
^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ collect
二、我们如何共享信息
^^^^^^^^^^^^^^^^^^^^ h1b
(我们)[共享]<手机号码>给(第三$0方SDK)
             ^^^^^^^^ phone
";

fn section_mark(s: &Section, label: &str) -> Mark {
    mark(s.line, s.title_start, s.title_end, label)
}

#[test]
fn the_outline_is_the_section_tree_with_its_practices() {
    let f = fixture(POLICY);
    for eol in LINE_ENDINGS {
        let text = f.text(eol);
        let o = outline(&Document::new(&text));
        assert!(o.practices.is_empty(), "nothing before the first heading");
        let [one, two] = &o.sections[..] else {
            panic!("two top sections: {:?}", o.sections);
        };
        assert_eq!(section_mark(one, "h1"), f.mark("h1"));
        assert_eq!(section_mark(two, "h1b"), f.mark("h1b"));
        assert_eq!(one.title, "一、我们如何收集信息");
        assert!(one.level < one.sections[0].level);
        assert_eq!(section_mark(&one.sections[0], "h2"), f.mark("h2"));
        let collect = &one.sections[0].practices[0];
        assert_eq!(collect.name, "收集：手机号码、密码");
        assert_eq!(collect.detail, "我们");
        assert_eq!(
            mark(collect.line, collect.start, collect.end, "collect"),
            f.mark("collect")
        );
        let data: Vec<&str> = collect.data.iter().map(|(v, _, _)| v.as_str()).collect();
        assert_eq!(data, ["手机号码", "密码"]);
        // A section ends at its last line with text.
        assert_eq!((one.end_line, two.end_line), (3, 5));
        let share = &two.practices[0];
        assert_eq!(share.name, "共享：手机号码");
        assert_eq!(share.detail, "我们 · 第三方SDK");
    }
}

#[test]
fn occurrences_are_the_same_kind_and_value_and_rename_escapes() {
    let f = fixture(POLICY);
    let phones = f.marks_where(|l| l == "phone");
    for eol in LINE_ENDINGS {
        let text = f.text(eol);
        let doc = Document::new(&text);
        for enc in ENCODINGS {
            let on_phone = position(&text, Cursor::new(phones[1].line, phones[1].start + 2), enc);
            let got: Vec<Mark> = occurrences(&doc, on_phone, enc)
                .iter()
                .map(|s| mark(s.line, s.start, s.end, "phone"))
                .collect();
            assert_eq!(got, phones, "{enc:?} {eol:?}");
            // An actor is only its equals: 第三方SDK once.
            let on_actor = position(&text, f.cursor(), enc);
            assert_eq!(occurrences(&doc, on_actor, enc).len(), 1);
            // Off any annotation: nothing.
            let plain = position(&text, f.mark("h1").start(), enc);
            assert!(occurrences(&doc, plain, enc).is_empty());

            let edits = rename(&doc, on_phone, enc, " 手机号<码> ").unwrap();
            let renamed = apply(&text, &edits);
            assert_eq!(renamed.matches("<手机号\\<码\\>>").count(), 2, "{renamed}");
            assert!(problems(&renamed).is_empty());
            assert_eq!(rename(&doc, on_phone, enc, "  "), Err(RenameError::Empty));
            assert_eq!(
                rename(&doc, on_phone, enc, "a\nb"),
                Err(RenameError::LineBreak)
            );
            let refused = rename(&doc, plain, enc, "x").unwrap_err();
            assert_eq!(refused, RenameError::NotOnAnnotation);
            assert!(
                refused
                    .to_string()
                    .contains("put the cursor on an annotation")
            );
        }
    }
}

#[test]
fn completion_after_an_opener_offers_what_the_document_uses_first() {
    let f = fixture("😀(我们)[收集]<位置信息>、<手机号码>和<手机号码>\n𠮷您的<$0");
    let taxonomy = Taxonomy::builtin();
    for eol in LINE_ENDINGS {
        let text = f.text(eol);
        let doc = Document::new(&text);
        for enc in ENCODINGS {
            let at = position(&text, f.cursor(), enc);
            let c = complete(&doc, at, enc, &taxonomy).expect("completions after `<`");
            assert_eq!(c.kind, AnnotationKind::Data);
            assert!(c.add_closer, "nothing closes the bracket yet");
            assert_eq!(
                mark(c.line, c.start, c.end, "typed"),
                Mark {
                    line: 1,
                    start: 3,
                    end: 4,
                    label: "typed".into()
                }
            );
            let first: Vec<(&str, usize)> = c.candidates[..2]
                .iter()
                .map(|c| (c.value.as_str(), c.uses))
                .collect();
            assert_eq!(first, [("手机号码", 2), ("位置信息", 1)], "most used first");
            assert_eq!(c.new_text(&c.candidates[0]), "<手机号码>");
        }
    }
}
