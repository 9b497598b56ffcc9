//! Outline, folding, highlight, references, rename and inlay hints, driven
//! like an editor in every encoding and line ending.

use crate::common::edits::apply_workspace_edit;
use crate::common::lsp::{ENCODINGS, TestClient};
use crate::common::{LINE_ENDINGS, Mark, fixture};
use policy_core::document::Document;
use policy_core::taxonomy::Taxonomy;
use serde_json::{Value, json};

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

fn marks(f: &crate::common::Fixture, label: &str) -> Vec<Mark> {
    f.marks_where(|l| l == label)
}

async fn at(client: &mut TestClient, method: &'static str, text: &str, m: &Mark) -> Value {
    let pos = client.pos(text, m.line, m.start + 1);
    client
        .request(
            method,
            json!({
                "textDocument": { "uri": URI },
                "position": pos,
                "context": { "includeDeclaration": true },
            }),
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn the_outline_is_the_section_tree_with_its_practices() {
    let f = fixture(POLICY);
    for enc in ENCODINGS {
        for eol in LINE_ENDINGS {
            let text = f.text(eol);
            let mut client = TestClient::start(Some(enc), json!({})).await;
            client.open(URI, &text).await;
            let symbols = client
                .request(
                    "textDocument/documentSymbol",
                    json!({ "textDocument": { "uri": URI } }),
                )
                .await
                .unwrap();
            let names = |v: &Value| -> Vec<String> {
                v.as_array()
                    .map(|a| {
                        a.iter()
                            .map(|s| s["name"].as_str().unwrap().to_string())
                            .collect()
                    })
                    .unwrap_or_default()
            };
            assert_eq!(
                names(&symbols),
                ["一、我们如何收集信息", "二、我们如何共享信息"],
                "{enc} {eol:?}"
            );
            let one = &symbols[0];
            assert_eq!(names(&one["children"]), ["（一）注册𠮷", "（二）定位"]);
            let reg = &one["children"][0];
            assert_eq!(names(&reg["children"]), ["收集：手机号码、密码"]);
            let collect = &reg["children"][0];
            assert_eq!(collect["detail"], "我们");
            assert_eq!(names(&collect["children"]), ["手机号码", "密码"]);
            assert_eq!(
                client.mark(&text, &collect["range"], "collect"),
                f.mark("collect")
            );
            assert_eq!(
                client.mark(&text, &one["selectionRange"], "h1"),
                f.mark("h1")
            );
            assert_eq!(
                client.mark(&text, &collect["children"][0]["range"], "phone"),
                Mark {
                    start: marks(&f, "phone")[0].start - 1,
                    end: marks(&f, "phone")[0].end + 1,
                    ..marks(&f, "phone")[0].clone()
                },
                "a data item's symbol spans its brackets"
            );
            let locate = &one["children"][1]["children"][0];
            assert_eq!(locate["name"], "使用：位置信息");
            assert_eq!(locate["detail"], "提供导航");
            let two = &symbols[1];
            assert_eq!(two["children"][0]["detail"], "我们 · 第三方SDK");
            // The first section ends at its last non-blank line.
            assert_eq!(one["range"]["end"]["line"], 6);

            let folds = client
                .request(
                    "textDocument/foldingRange",
                    json!({ "textDocument": { "uri": URI } }),
                )
                .await
                .unwrap();
            let spans: Vec<(u64, u64)> = folds
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    (
                        r["startLine"].as_u64().unwrap(),
                        r["endLine"].as_u64().unwrap(),
                    )
                })
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
            let h = at(
                &mut client,
                "textDocument/documentHighlight",
                &text,
                &phones[1],
            )
            .await;
            let got: Vec<Mark> = h
                .as_array()
                .unwrap()
                .iter()
                .map(|d| client.mark(&text, &d["range"], "phone"))
                .collect();
            assert_eq!(got, phones, "{enc} {eol:?}");
            let r = at(&mut client, "textDocument/references", &text, &phones[0]).await;
            let got: Vec<Mark> = r
                .as_array()
                .unwrap()
                .iter()
                .map(|l| {
                    assert_eq!(l["uri"], URI);
                    client.mark(&text, &l["range"], "phone")
                })
                .collect();
            assert_eq!(got, phones, "{enc} {eol:?}");
            // `我们` as an actor is not `手机号码`, and plain text has none.
            let h1 = f.mark("h1");
            let none = at(&mut client, "textDocument/documentHighlight", &text, &h1).await;
            assert_eq!(none, json!([]));
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
            let prep = at(&mut client, "textDocument/prepareRename", &text, &phones[0]).await;
            assert_eq!(prep["placeholder"], "手机号码");
            assert_eq!(client.mark(&text, &prep["range"], "phone"), phones[0]);
            let pos = client.pos(&text, phones[0].line, phones[0].start);
            let edit = client
                .request(
                    "textDocument/rename",
                    json!({ "textDocument": { "uri": URI }, "position": pos, "newName": " 手机号<码> " }),
                )
                .await
                .unwrap();
            let renamed = apply_workspace_edit(&client, URI, &text, &edit);
            assert_eq!(renamed.matches("<手机号\\<码\\>>").count(), 2, "{renamed}");
            assert_eq!(Document::new(&renamed).diagnostics().count(), 0);
            let err = client
                .request(
                    "textDocument/rename",
                    json!({ "textDocument": { "uri": URI }, "position": pos, "newName": "  " }),
                )
                .await
                .unwrap_err();
            assert!(err["message"].as_str().unwrap().contains("needs some text"));
            let h1 = f.mark("h1");
            let none = at(&mut client, "textDocument/prepareRename", &text, &h1).await;
            assert!(none.is_null());
        }
    }
}

const SENSITIVE: &str = "😀我们[收集]<指纹>、<手机号码>、<身份证号码>和<昵称>\r\n𠮷<银行卡号>";

/// The hints for `SENSITIVE`: (line, char column after the closer, label).
/// 指纹, 身份证号码 and 银行卡号 are sensitive; 手机号码 and 昵称 are not.
fn expected_hints() -> Vec<(usize, usize, String)> {
    [
        (0, 11, "敏感·生物识别"),
        (0, 26, "敏感·身份"),
        (1, 7, "敏感·财产"),
    ]
    .into_iter()
    .map(|(l, c, s)| (l, c, s.to_string()))
    .collect()
}

/// The inlay hints of both lines of `SENSITIVE`.
async fn all_hints(client: &mut TestClient) -> Value {
    let whole =
        json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 2, "character": 0 } });
    client
        .request(
            "textDocument/inlayHint",
            json!({ "textDocument": { "uri": URI }, "range": whole }),
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn inlay_hints_label_sensitive_items_unless_switched_off() {
    let expected = expected_hints();
    for enc in ENCODINGS {
        let mut client = TestClient::start(Some(enc), json!({})).await;
        client.open(URI, SENSITIVE).await;
        let hints = all_hints(&mut client).await;
        let got: Vec<(usize, usize, String)> = hints
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                let (line, col) = client.char_col(SENSITIVE, &h["position"]);
                (line, col, h["label"].as_str().unwrap().to_string())
            })
            .collect();
        assert_eq!(got, expected, "{enc}");
        assert!(got.iter().all(|(_, _, l)| l.starts_with("敏感·")));
    }
    // Switched off later: the client is asked to refresh, and gets none.
    let mut client = TestClient::start(Some("utf-16"), json!({})).await;
    client.open(URI, SENSITIVE).await;
    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({ "settings": { "policyLsp": { "inlayHints": false } } }),
        )
        .await;
    client.wait_for("workspace/inlayHint/refresh").await;
    let hints = all_hints(&mut client).await;
    assert_eq!(hints, json!([]));
    // Off: not offered, and nothing if asked anyway.
    let mut client = TestClient::start(Some("utf-16"), json!({ "inlayHints": false })).await;
    client.open(URI, SENSITIVE).await;
    let hints = all_hints(&mut client).await;
    assert_eq!(hints, json!([]));
}

#[tokio::test]
async fn the_capabilities_offer_every_authoring_feature() {
    for (options, hints) in [(json!({}), true), (json!({ "inlayHints": false }), false)] {
        let client = TestClient::start(Some("utf-16"), options).await;
        let caps = client.capabilities.clone();
        for key in [
            "codeActionProvider",
            "completionProvider",
            "documentSymbolProvider",
            "foldingRangeProvider",
            "documentHighlightProvider",
            "referencesProvider",
            "renameProvider",
        ] {
            assert!(caps.get(key).is_some(), "{key} in {caps}");
        }
        assert_eq!(caps["renameProvider"]["prepareProvider"], true);
        assert_eq!(
            caps["completionProvider"]["triggerCharacters"],
            json!(["<", "[", "("])
        );
        assert_eq!(caps.get("inlayHintProvider").is_some(), hints);
    }
}

#[tokio::test]
async fn references_by_category_reach_every_item_of_the_category() {
    let text = "😀<手机号码>、<电话号码>、<昵称>\r\n𠮷(我们)[收集]<手机号码>";
    // Expected from the taxonomy itself: the same value, or the same
    // category when the item has one.
    let taxonomy = Taxonomy::builtin();
    let doc = Document::new(text);
    let category = |v: &str| taxonomy.classify(v).category().map(|c| c.id.clone());
    let target = category("手机号码");
    let expected: Vec<(usize, usize)> = doc
        .annotations()
        .filter(|(line, a)| {
            let t = doc.line_text(*line).unwrap();
            let v = a.value(&t);
            a.kind == policy_core::syntax::AnnotationKind::Data
                && (v == "手机号码" || (target.is_some() && category(&v) == target))
        })
        .map(|(line, a)| (line, a.content_start().char as usize))
        .collect();
    for enc in ENCODINGS {
        for (options, by_category) in [
            (json!({ "referencesByCategory": true }), true),
            (json!({}), false),
        ] {
            let mut client = TestClient::start(Some(enc), options).await;
            client.open(URI, text).await;
            let pos = client.pos(text, 0, 3);
            let refs = client
                .request(
                    "textDocument/references",
                    json!({ "textDocument": { "uri": URI }, "position": pos, "context": { "includeDeclaration": true } }),
                )
                .await
                .unwrap();
            let got: Vec<(usize, usize)> = refs
                .as_array()
                .unwrap()
                .iter()
                .map(|l| client.char_col(text, &l["range"]["start"]))
                .collect();
            if by_category {
                assert_eq!(got, expected, "{enc}");
            } else {
                assert_eq!(got, [(0, 2), (1, 10)], "{enc}");
            }
        }
    }
}
