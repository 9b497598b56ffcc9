//! Outline, folding, highlight, references, rename and inlay hints, driven
//! like an editor in every encoding and line ending.

use policy_core::document::Document;
use policy_core::taxonomy::Taxonomy;
use serde_json::json;
use tower_lsp_server::ls_types::{
    DocumentSymbol, InlayHint, InlayHintLabel, OneOf, Position, Range,
};

use crate::common::lsp::{ENCODINGS, TestClient};
use crate::common::{Cursor, Fixture, LINE_ENDINGS, Mark, fixture};

const URI: &str = "file:///tmp/policy-lsp-test/navigation.policy";

const POLICY: &str = "
😀隐私政策
一、我们如何收集信息
^^^^^^^^^^^^^^^^^^^^ h1
（一）注册𠮷
(我们)[收集]您的<手机号码>和<密码>。
                 ^^^^^^^^ phone
^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ collect
(二)不是标题
（二）定位
[使用]<位置信息>{提供导航}

二、我们如何共享信息
(我们)[共享]<手机号码>给(第三方SDK)
             ^^^^^^^^ phone
";

fn marks(f: &Fixture, label: &str) -> Vec<Mark> {
    f.marks_where(|l| l == label)
}

/// One char into the span: a cursor on the annotation's text.
fn inside(m: &Mark) -> Cursor {
    Cursor::new(m.line, m.start + 1)
}

fn names(symbols: &[DocumentSymbol]) -> Vec<String> {
    symbols.iter().map(|s| s.name.clone()).collect()
}

fn children(s: &DocumentSymbol) -> &[DocumentSymbol] {
    s.children.as_deref().unwrap_or_default()
}

#[tokio::test]
async fn the_outline_is_the_section_tree_with_its_practices() {
    let f = fixture(POLICY);
    for enc in ENCODINGS {
        for eol in LINE_ENDINGS {
            let text = f.text(eol);
            let mut client = TestClient::start(Some(enc), json!({})).await;
            client.open(URI, &text).await;
            let symbols = client.document_symbols(URI).await;
            assert_eq!(
                names(&symbols),
                ["一、我们如何收集信息", "二、我们如何共享信息"],
                "{enc} {eol:?}"
            );
            let topics: Vec<Option<&str>> = symbols.iter().map(|s| s.detail.as_deref()).collect();
            assert_eq!(
                topics,
                [Some("collection-and-use"), Some("third-party-sharing")],
                "each section's topic is its detail"
            );
            let one = &symbols[0];
            assert_eq!(names(children(one)), ["（一）注册𠮷", "（二）定位"]);
            let reg = &children(one)[0];
            assert_eq!(names(children(reg)), ["收集：手机号码、密码"]);
            let collect = &children(reg)[0];
            assert_eq!(collect.detail.as_deref(), Some("我们"));
            assert_eq!(names(children(collect)), ["手机号码", "密码"]);
            assert_eq!(
                client.mark(URI, &collect.range, "collect"),
                f.mark("collect")
            );
            assert_eq!(client.mark(URI, &one.selection_range, "h1"), f.mark("h1"));
            assert_eq!(
                client.mark(URI, &children(collect)[0].range, "phone"),
                marks(&f, "phone")[0].with_brackets(),
                "a data item's symbol spans its brackets"
            );
            let locate = &children(&children(one)[1])[0];
            assert_eq!(locate.name, "使用：位置信息");
            assert_eq!(locate.detail.as_deref(), Some("提供导航"));
            let two = &symbols[1];
            assert_eq!(children(two)[0].detail.as_deref(), Some("我们 · 第三方SDK"));
            // The first section ends at its last non-blank line.
            assert_eq!(one.range.end.line, 6);

            let spans: Vec<(u32, u32)> = client
                .folding_ranges(URI)
                .await
                .iter()
                .map(|r| (r.start_line, r.end_line))
                .collect();
            assert_eq!(spans, [(1, 6), (2, 4), (5, 6), (8, 9)], "{enc} {eol:?}");
        }
    }
}

#[tokio::test]
async fn highlight_and_references_find_the_same_kind_and_value() {
    let f = fixture(POLICY);
    let phones = marks(&f, "phone");
    for enc in ENCODINGS {
        for eol in LINE_ENDINGS {
            let text = f.text(eol);
            let mut client = TestClient::start(Some(enc), json!({})).await;
            client.open(URI, &text).await;
            let got = client.highlights(URI, inside(&phones[1]), "phone").await;
            assert_eq!(got, phones, "{enc} {eol:?}");
            let got = client.references(URI, inside(&phones[0]), "phone").await;
            assert_eq!(got, phones, "{enc} {eol:?}");
            // `我们` as an actor is not `手机号码`, and plain text has none.
            let none = client.highlights(URI, inside(&f.mark("h1")), "h1").await;
            assert_eq!(none, []);
        }
    }
}

#[tokio::test]
async fn rename_changes_every_occurrence_and_escapes_markup() {
    let f = fixture(POLICY);
    let phones = marks(&f, "phone");
    for enc in ENCODINGS {
        for eol in LINE_ENDINGS {
            let text = f.text(eol);
            let mut client = TestClient::start(Some(enc), json!({})).await;
            client.open(URI, &text).await;
            let prep = client
                .prepare_rename(URI, inside(&phones[0]), "phone")
                .await;
            assert_eq!(prep, Some(("手机号码".to_string(), phones[0].clone())));
            let at = phones[0].start();
            let edit = client.rename(URI, at, " 手机号<码> ").await.unwrap();
            let renamed = client.applied(URI, &edit);
            assert_eq!(renamed.matches("<手机号\\<码\\>>").count(), 2, "{renamed}");
            assert_eq!(Document::new(&renamed).diagnostics().count(), 0);
            let err = client.rename(URI, at, "  ").await.unwrap_err();
            assert!(err.message.contains("needs some text"), "{err:?}");
            let none = client
                .prepare_rename(URI, inside(&f.mark("h1")), "h1")
                .await;
            assert!(none.is_none());
        }
    }
}

/// 指纹, 身份证号码 and 银行卡号 are sensitive; 手机号码 and 昵称 are not.
/// Each `|` stands where a hint goes, after the closer, labelled with it.
const SENSITIVE: &str = "
😀我们[收集]<指纹>、<手机号码>、<身份证号码>和<昵称>
                  | 敏感·生物识别
                                            | 敏感·身份
𠮷<银行卡号>
            | 敏感·财产
";

/// The inlay hints of both lines of `SENSITIVE`.
async fn all_hints(client: &mut TestClient) -> Vec<InlayHint> {
    let whole = Range::new(Position::new(0, 0), Position::new(2, 0));
    client.inlay_hints(URI, whole).await
}

fn label(h: &InlayHint) -> String {
    match &h.label {
        InlayHintLabel::String(s) => s.clone(),
        InlayHintLabel::LabelParts(parts) => parts.iter().map(|p| p.value.as_str()).collect(),
    }
}

#[tokio::test]
async fn inlay_hints_label_sensitive_items_unless_switched_off() {
    let f = fixture(SENSITIVE);
    let text = f.text("\r\n");
    for enc in ENCODINGS {
        let mut client = TestClient::start(Some(enc), json!({})).await;
        client.open(URI, &text).await;
        let got: Vec<Mark> = all_hints(&mut client)
            .await
            .iter()
            .map(|h| {
                let at = client.cursor(URI, h.position);
                Mark {
                    line: at.line,
                    start: at.col,
                    end: at.col,
                    label: label(h),
                }
            })
            .collect();
        assert_eq!(got, f.marks, "{enc}");
    }
    // Switched off later: the client is asked to refresh, and gets none.
    let mut client = TestClient::start(Some("utf-16"), json!({})).await;
    client.open(URI, &text).await;
    client
        .configure(json!({ "policyLsp": { "inlayHints": false } }))
        .await;
    client.wait_for("workspace/inlayHint/refresh").await;
    assert!(all_hints(&mut client).await.is_empty());
    // Off: not offered, and nothing if asked anyway.
    let mut client = TestClient::start(Some("utf-16"), json!({ "inlayHints": false })).await;
    client.open(URI, &text).await;
    assert!(all_hints(&mut client).await.is_empty());
}

#[tokio::test]
async fn the_capabilities_offer_every_authoring_feature() {
    for (options, hints) in [(json!({}), true), (json!({ "inlayHints": false }), false)] {
        let client = TestClient::start(Some("utf-16"), options).await;
        let caps = &client.capabilities;
        assert!(caps.code_action_provider.is_some(), "{caps:?}");
        assert!(caps.completion_provider.is_some(), "{caps:?}");
        assert!(caps.document_symbol_provider.is_some(), "{caps:?}");
        assert!(caps.folding_range_provider.is_some(), "{caps:?}");
        assert!(caps.document_highlight_provider.is_some(), "{caps:?}");
        assert!(caps.references_provider.is_some(), "{caps:?}");
        match &caps.rename_provider {
            Some(OneOf::Right(o)) => assert_eq!(o.prepare_provider, Some(true)),
            other => panic!("rename with prepare: {other:?}"),
        }
        let triggers = caps
            .completion_provider
            .as_ref()
            .and_then(|c| c.trigger_characters.clone());
        assert_eq!(
            triggers,
            Some(vec!["<".to_string(), "[".to_string(), "(".to_string()])
        );
        assert_eq!(caps.inlay_hint_provider.is_some(), hints);
    }
}

#[tokio::test]
async fn references_by_category_reach_every_item_of_the_category() {
    let f = fixture(
        "
😀<手$0机号码>、<电话号码>、<昵称>
   ^^^^^^^^^^ phone
𠮷(我们)[收集]<手机号码>
               ^^^^^^^^ phone
",
    );
    let text = f.text("\r\n");
    let text = text.as_str();
    // Expected from the taxonomy itself: the same value, or the same
    // category when the item has one.
    let taxonomy = Taxonomy::builtin();
    let doc = Document::new(text);
    let category = |v: &str| taxonomy.classify(v).category().map(|c| c.id.clone());
    let target = category("手机号码");
    let expected: Vec<Cursor> = doc
        .annotations()
        .filter(|(line, a)| {
            let t = doc.line_text(*line).unwrap();
            let v = a.value(&t);
            a.kind == policy_core::syntax::AnnotationKind::Data
                && (v == "手机号码" || (target.is_some() && category(&v) == target))
        })
        .map(|(line, a)| Cursor::new(line, a.content_start().char as usize))
        .collect();
    for enc in ENCODINGS {
        for (options, by_category) in [
            (json!({ "referencesByCategory": true }), true),
            (json!({}), false),
        ] {
            let mut client = TestClient::start(Some(enc), options).await;
            client.open(URI, text).await;
            let got: Vec<Cursor> = client
                .references(URI, f.cursor(), "ref")
                .await
                .iter()
                .map(Mark::start)
                .collect();
            if by_category {
                assert_eq!(got, expected, "{enc}");
            } else {
                let same: Vec<Cursor> = marks(&f, "phone").iter().map(Mark::start).collect();
                assert_eq!(got, same, "{enc}");
            }
        }
    }
}

/// The outline as an indented tree, one symbol a line: kind, name, detail
/// and range in 1-based `line:col` chars.
fn render_outline(
    client: &TestClient,
    uri: &str,
    symbols: &[DocumentSymbol],
    depth: usize,
    out: &mut String,
) {
    for s in symbols {
        let from = client.cursor(uri, s.range.start);
        let to = client.cursor(uri, s.range.end);
        let detail = s
            .detail
            .as_deref()
            .map_or(String::new(), |d| format!(" — {d}"));
        out.push_str(&format!(
            "{}{:?} {}{detail}  @{}:{}-{}:{}\n",
            "  ".repeat(depth),
            s.kind,
            s.name,
            from.line + 1,
            from.col + 1,
            to.line + 1,
            to.col + 1
        ));
        render_outline(client, uri, children(s), depth + 1, out);
    }
}

#[tokio::test]
async fn jd_sample_outline() {
    const JD: &str = include_str!("../../examples/jd-privacy-policy.policy");
    let mut outlines = Vec::new();
    for enc in ENCODINGS {
        let mut client = TestClient::start(Some(enc), json!({})).await;
        client.open(URI, JD).await;
        let symbols = client.document_symbols(URI).await;
        let mut out = String::new();
        render_outline(&client, URI, &symbols, 0, &mut out);
        outlines.push(out);
    }
    assert_eq!(outlines[0], outlines[1], "utf-8 and utf-16 agree");
    assert_eq!(outlines[1], outlines[2], "utf-16 and utf-32 agree");
    insta::assert_snapshot!(outlines[1]);
}
