//! The words of a hover, from the core (`policy_core::describe`) without a
//! server: the annotation under a `$0` cursor is found in a `Document` in
//! every encoding and line ending, then described. The verdict line, the
//! per-item list, the practice and the party are what an annotator reads.

use policy_core::describe::describe;
use policy_core::document::{Document, lines_of};
use policy_core::position::{LspPosition, PositionEncoding};
use policy_core::syntax::AnnotationKind;
use policy_core::taxonomy::Taxonomy;

use crate::common::{LINE_ENDINGS, fixture};

const ENCODINGS: [PositionEncoding; 3] = [
    PositionEncoding::Utf8,
    PositionEncoding::Utf16,
    PositionEncoding::Utf32,
];

fn builtin() -> &'static Taxonomy {
    static BUILTIN: std::sync::OnceLock<Taxonomy> = std::sync::OnceLock::new();
    BUILTIN.get_or_init(Taxonomy::builtin)
}

/// The kind of the annotation at the fixture's `$0` and its description
/// (Markdown or plain), the same in every encoding and line ending.
fn describe_at(src: &str, markdown: bool) -> (AnnotationKind, String) {
    let f = fixture(src);
    let at = f.cursor();
    let mut seen: Option<(AnnotationKind, String)> = None;
    for eol in LINE_ENDINGS {
        let text = f.text(eol);
        let doc = Document::new(&text);
        for enc in ENCODINGS {
            let line = lines_of(&text).nth(at.line).unwrap();
            let prefix: String = line.chars().take(at.col).collect();
            let pos = LspPosition {
                line: at.line as u32,
                character: enc.units_of_str(&prefix) as u32,
            };
            let (l, a) = doc
                .annotation_at(pos, enc)
                .unwrap_or_else(|| panic!("an annotation at the cursor of {src:?}"));
            let value = a.value(&doc.line_text(l).unwrap()).into_owned();
            let got = (a.kind, describe(a.kind, &value, builtin(), markdown));
            if let Some(first) = &seen {
                assert_eq!(&got, first, "{enc:?} {eol:?}");
            }
            seen = Some(got);
        }
    }
    seen.unwrap()
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

#[test]
fn the_verdict_line_says_sensitive_personal_unspecific_or_unclassified() {
    // (fixture, the first line, the last line's gist)
    let cases = [
        (
            "😀我们[收集]您的<身份$0证号码>",
            "**个人敏感信息 · 个人身份信息**",
            "separate consent",
        ),
        (
            "𠮷<手机$0号码>\n下一行",
            "**个人信息 · 个人基本资料**",
            "legal basis",
        ),
        (
            "<上述$0信息>",
            "**个人信息 · 泛指的个人信息 (unspecific reference)**",
            "annotate the concrete items",
        ),
        (
            "第一行\n😀<天$0气>",
            "**未分类 (unclassified: no taxonomy keyword matched)**",
            "add its general term to policy-lsp.toml",
        ),
    ];
    for (src, verdict, why) in cases {
        let (kind, text) = describe_at(src, true);
        assert_eq!(kind, AnnotationKind::Data);
        assert_eq!(first_line(&text), verdict, "{src}");
        assert!(text.lines().last().unwrap().contains(why), "{src}: {text}");
    }
}

#[test]
fn a_classified_item_names_what_matched_and_the_source() {
    let (_, text) = describe_at("<您本人的指$0纹>", true);
    assert_eq!(first_line(&text), "**个人敏感信息 · 个人生物识别信息**");
    assert!(text.contains("Matched: `指纹`"), "{text}");
    assert!(text.contains("Source: GB/T 35273-2020"), "{text}");
    // Unclassified: nothing matched, no source.
    let (_, text) = describe_at("<天$0气>", true);
    assert!(
        !text.contains("Matched:") && !text.contains("Source:"),
        "{text}"
    );
}

#[test]
fn a_list_describes_each_item_and_the_most_telling_verdict_first() {
    let (_, text) = describe_at("(我们)[收集]<姓名、身份证$0号码和天气>", true);
    assert_eq!(first_line(&text), "**个人敏感信息 · 个人身份信息**");
    let items: Vec<&str> = text.lines().filter(|l| l.starts_with("- ")).collect();
    assert_eq!(
        items,
        [
            "- `姓名`: 个人信息 · 个人基本资料",
            "- `身份证号码`: 个人敏感信息 · 个人身份信息",
            "- `天气`: 未分类",
        ],
        "{text}"
    );
}

#[test]
fn plain_text_has_no_markdown() {
    let (_, md) = describe_at("<指$0纹>", true);
    let (_, plain) = describe_at("<指$0纹>", false);
    assert_eq!(first_line(&plain), "个人敏感信息 · 个人生物识别信息");
    assert!(plain.contains("Matched: 指纹"), "{plain}");
    assert!(!plain.contains("**") && !plain.contains('`'), "{plain}");
    // The same words otherwise.
    assert_eq!(
        md.replace(['*', '`'], "").replace("\n\n", "\n"),
        plain.replace("\n\n", "\n")
    );
}

#[test]
fn an_action_names_its_practice_in_both_languages() {
    let cases = [
        ("(我们)[收$0集]<手机号码>", "**处理活动 · 收集 (collect)**"),
        ("[共$0享]给(第三方)", "**处理活动 · 共享 (share)**"),
        // The user provides, so the policy's author collects.
        ("您需要[提$0供]<手机号码>", "**处理活动 · 收集 (collect)**"),
        ("[保$0留]<搜索内容>", "**处理活动 · 存储 (store)**"),
        (
            "😀[瞎$0编]",
            "**处理活动 · 未识别 (unrecognised practice)**",
        ),
    ];
    for (src, want) in cases {
        let (kind, text) = describe_at(src, true);
        assert_eq!(kind, AnnotationKind::Action);
        assert_eq!(first_line(&text), want, "{src}");
        assert!(text.contains("pair it with the (actor)"), "{text}");
    }
}

#[test]
fn an_actor_is_the_first_party_the_user_or_a_third_party() {
    let cases = [
        (
            "(我$0们)[收集]",
            "**主体 · 第一方 (first party: the controller that wrote the policy)**",
        ),
        // On the closing bracket: still the actor.
        (
            "(我们$0)[收集]",
            "**主体 · 第一方 (first party: the controller that wrote the policy)**",
        ),
        (
            "(您$0)[提供]",
            "**主体 · 个人信息主体 (the user the information is about)**",
        ),
        (
            "给(第三方$0SDK)",
            "**主体 · 第三方 (third party: processor, partner or recipient)**",
        ),
        (
            "(京东的关联方或与京东合作的第三方配送$0公司)",
            "**主体 · 第三方 (third party: processor, partner or recipient)**",
        ),
    ];
    for (src, want) in cases {
        let (kind, text) = describe_at(src, true);
        assert_eq!(kind, AnnotationKind::Actor);
        assert_eq!(first_line(&text), want, "{src}");
        // Only sharing with a third party needs more words.
        assert_eq!(
            text.contains("separate consent (PIPL Art. 23)"),
            want.contains("第三方"),
            "{src}: {text}"
        );
    }
}

#[test]
fn a_purpose_asks_for_a_specific_purpose() {
    let (kind, text) = describe_at("{为了$0\u{2028}验证}<手机号码>", true);
    assert_eq!(kind, AnnotationKind::Purpose);
    assert_eq!(
        first_line(&text),
        "**目的 · 处理目的或条件 (purpose or condition)**"
    );
    assert!(text.contains("specific, explicit purpose"), "{text}");
}
