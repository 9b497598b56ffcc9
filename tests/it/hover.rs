//! Hover through the server: what an annotation means, or what is wrong at
//! the cursor, at the positions the fixtures mark, in every encoding. The
//! wording itself is tested on the core in `core_describe.rs`; a table of
//! the JD sample's hovers is a snapshot.

use std::fmt::Write;

use policy_core::document::Document;
use policy_core::syntax::AnnotationKind;
use serde_json::json;

use crate::common::lsp::{ENCODINGS, TestClient};
use crate::common::{Cursor, LINE_ENDINGS, fixture};

const URI: &str = "file:///tmp/policy-lsp-test/hover.policy";
const JD: &str = include_str!("../../examples/jd-privacy-policy.policy");

#[tokio::test]
async fn hover_on_plain_text_is_null_and_on_an_error_explains_it() {
    let f = fixture(
        "
😀𠮷普通文字<未闭合
      | plain
            ^ unclosed
",
    );
    let text = f.text("\n");
    for enc in ENCODINGS {
        let mut client = TestClient::start(Some(enc), json!({})).await;
        client.open(URI, &text).await;
        let h = client.hover(URI, f.mark("plain").start()).await;
        assert!(h.is_none(), "{enc}: {h:?}");
        let unclosed = f.mark("unclosed");
        let h = client.hover(URI, unclosed.start()).await.expect("a hover");
        assert!(
            h.value.contains("never closed") && h.value.contains("unclosed-annotation"),
            "{}",
            h.value
        );
        assert_eq!(h.range, Some(unclosed.labelled("hover")), "{enc}");
    }
}

#[tokio::test]
async fn hover_on_actor_and_action_says_who_and_what() {
    // Each `|` is a cursor; its label is what the hover's first line says.
    // The brackets belong to the annotation: on `)` the actor's hover, on
    // `[` the next annotation's.
    let f = fixture(
        "
😀(我们)[共享]给(第三方SDK)
   | 第一方
       | 第一方
        | 共享
           | 共享 share
                     | 第三方
𠮷[收集]
   | collect
",
    );
    for enc in ENCODINGS {
        let text = f.text("\r\n");
        let mut client = TestClient::start(Some(enc), json!({})).await;
        client.open(URI, &text).await;
        assert_eq!(f.marks.len(), 6);
        for m in &f.marks {
            let h = client.hover(URI, m.start()).await.expect("a hover");
            for want in m.label.split(' ') {
                assert!(
                    h.first_line().contains(want),
                    "{enc} {}:{}: {}",
                    m.line,
                    m.start,
                    h.first_line()
                );
            }
        }
    }
}

#[tokio::test]
async fn hover_on_an_action_shows_its_sentences_practice_in_one_line() {
    // Two sentences on one line: each action shows its own.
    let f = fixture(
        "
😀(我们)不会[共享]<行踪轨迹>{用于广告投放}。𠮷经您同意，(我们)[收集]<手机号码>
             | negated
                                                               | consented
",
    );
    for enc in ENCODINGS {
        for eol in LINE_ENDINGS {
            let mut client = TestClient::start(Some(enc), json!({})).await;
            client.open(URI, &f.text(eol)).await;
            let h = client
                .hover(URI, f.mark("negated").start())
                .await
                .expect("a hover");
            assert!(h.first_line().contains("共享"), "{}", h.value);
            assert!(
                h.value.lines().any(|l| l
                    == "我们 → 共享 → 行踪轨迹（敏感） → 用于广告投放 · 否定 ✓ · 同意 ✗"),
                "{enc} {eol:?}: {}",
                h.value
            );
            let h = client
                .hover(URI, f.mark("consented").start())
                .await
                .expect("a hover");
            assert!(
                h.value
                    .lines()
                    .any(|l| l == "我们 → 收集 → 手机号码 → — · 否定 ✗ · 同意 ✓"),
                "{enc} {eol:?}: {}",
                h.value
            );
        }
    }
}

#[tokio::test]
async fn hover_on_a_data_list_classifies_each_item_in_every_encoding() {
    let f = fixture(
        "
😀𠮷标题
(我们)[收集]<您的真实$0姓名、身份证号码、设备型号>\u{2028}<天气>
            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ list
                                                    | weather
",
    );
    for enc in ENCODINGS {
        for eol in LINE_ENDINGS {
            let text = f.text(eol);
            let mut client = TestClient::start(Some(enc), json!({})).await;
            client.open(URI, &text).await;
            let h = client.hover(URI, f.cursor()).await.expect("a hover");
            assert!(h.markdown);
            let first = h.first_line();
            assert!(
                first.contains("个人敏感信息") && first.contains("个人身份信息"),
                "{enc}: {first}"
            );
            for item in ["真实姓名", "身份证号码", "设备型号"] {
                assert!(
                    h.value.contains(&format!("`{item}`")),
                    "{item} listed: {}",
                    h.value
                );
            }
            assert!(
                h.value.contains("Matched:") && h.value.contains("身份证"),
                "{}",
                h.value
            );
            assert!(
                h.value.contains("GB/T 35273-2020"),
                "the legal source: {}",
                h.value
            );
            assert!(
                h.value.contains("separate consent"),
                "why it matters: {}",
                h.value
            );
            // The hover range is the whole annotation, brackets included.
            assert_eq!(
                h.range,
                Some(f.mark("list").labelled("hover")),
                "{enc} {eol:?}"
            );
            // Not in the taxonomy: 未分类 on the first line.
            let h = client
                .hover(URI, f.mark("weather").start())
                .await
                .expect("a hover");
            assert!(h.first_line().contains("未分类"), "{}", h.first_line());
            // One blank line between the verdict and what to do about it:
            // Markdown shows two as a gap in the hover.
            assert!(h.value.contains("Not in the taxonomy"), "{}", h.value);
            assert!(!h.value.contains("\n\n\n"), "{:?}", h.value);
        }
    }
}

#[tokio::test]
async fn hover_is_plain_text_for_a_client_without_markdown() {
    let mut client = TestClient::start_with(
        Some("utf-16"),
        json!({}),
        json!({ "hover": { "contentFormat": ["plaintext"] } }),
    )
    .await;
    let f = fixture("<$0指纹>");
    client.open(URI, &f.text("\n")).await;
    let h = client.hover(URI, f.cursor()).await.expect("a hover");
    assert!(!h.markdown);
    assert!(
        h.value.starts_with("个人敏感信息 · 个人生物识别信息"),
        "{}",
        h.value
    );
    assert!(
        !h.value.contains("**") && !h.value.contains('`'),
        "{}",
        h.value
    );
}

/// The annotations of the JD sample whose hovers the snapshot shows: data
/// that is sensitive, ordinary, vague and unclassified; known and unknown
/// practices; first and third parties; a purpose.
const JD_TABLE: [(AnnotationKind, &str); 16] = [
    (AnnotationKind::Data, "账户名"),
    (AnnotationKind::Data, "手机号码"),
    (AnnotationKind::Data, "身份证"),
    (AnnotationKind::Data, "面部信息"),
    (AnnotationKind::Data, "您本人的照片或视频"),
    (AnnotationKind::Data, "设备信息"),
    (AnnotationKind::Data, "位置信息"),
    (AnnotationKind::Data, "下列与您有关的信息"),
    (AnnotationKind::Data, "您指定的服务"),
    (AnnotationKind::Action, "收集"),
    (AnnotationKind::Action, "提供"),
    (AnnotationKind::Action, "开启"),
    (AnnotationKind::Actor, "我们"),
    (
        AnnotationKind::Actor,
        "京东的关联方或与京东合作的第三方配送公司",
    ),
    (AnnotationKind::Purpose, "您注册"),
    (AnnotationKind::Purpose, "形成用户画像"),
];

/// Where the first annotation of `kind` with `value` starts its content.
fn first_annotation(doc: &Document, kind: AnnotationKind, value: &str) -> Cursor {
    doc.annotations()
        .find(|(line, a)| {
            a.kind == kind && a.value(&doc.line_text(*line).unwrap_or_default()) == value
        })
        .map(|(line, a)| Cursor::new(line, a.content_start().char as usize))
        .unwrap_or_else(|| panic!("no {kind:?} `{value}` in the JD sample"))
}

#[tokio::test]
async fn jd_sample_hovers() {
    let doc = Document::new(JD);
    let mut client = TestClient::start(Some("utf-16"), json!({})).await;
    client.open(URI, JD).await;
    let mut table = String::new();
    for (kind, value) in JD_TABLE {
        let at = first_annotation(&doc, kind, value);
        let h = client
            .hover(URI, at)
            .await
            .expect("a hover on an annotation");
        let range = h.range.expect("a hover range");
        writeln!(
            table,
            "── {}:{}-{} {} `{value}`\n{}\n",
            range.line + 1,
            range.start + 1,
            range.end + 1,
            kind.name(),
            h.value
        )
        .unwrap();
    }
    insta::assert_snapshot!(table);
}
