//! Annotate-selection, annotate-all, remove and change-kind, driven like an
//! editor: select, ask for code actions, apply the chosen one's edit, and
//! check the text and that it parses clean. Every encoding and line ending.

use crate::common::edits::apply_workspace_edit;
use crate::common::lsp::{ENCODINGS, TestClient};
use crate::common::{LINE_ENDINGS, Mark, fixture};
use policy_core::document::Document;
use serde_json::{Value, json};

const URI: &str = "file:///tmp/policy-lsp-test/annotate.policy";

const TEXT: &str = "
😀我们会收集您的手机号码和𠮷位置信息
                ^^^^^^^^ phone
                        ^^^^^^^^^^^^ across
手机号码<手机号码>[收集]
          ^^^^ inside
              ^^^^^^^ overlap
    ^^^^ half
";

fn range(client: &TestClient, text: &str, m: &Mark) -> Value {
    json!({ "start": client.pos(text, m.line, m.start), "end": client.pos(text, m.line, m.end) })
}

async fn actions(client: &mut TestClient, range: Value) -> Vec<Value> {
    client
        .request(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": URI }, "range": range, "context": { "diagnostics": [] } }),
        )
        .await
        .unwrap()
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn titles(actions: &[Value]) -> Vec<String> {
    actions
        .iter()
        .map(|a| a["title"].as_str().unwrap().to_string())
        .collect()
}

/// Applies the action whose title starts with `title`.
fn apply(client: &TestClient, text: &str, actions: &[Value], title: &str) -> String {
    let a = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with(title))
        .unwrap_or_else(|| panic!("no `{title}` in {:?}", titles(actions)));
    assert_eq!(a["kind"], "refactor.rewrite");
    apply_workspace_edit(client, URI, text, &a["edit"])
}

fn assert_clean(text: &str) {
    let doc = Document::new(text);
    assert_eq!(doc.diagnostics().count(), 0, "{text}");
}

#[tokio::test]
async fn a_selection_is_annotated_as_any_kind() {
    let f = fixture(TEXT);
    for enc in ENCODINGS {
        for eol in LINE_ENDINGS {
            let text = f.text(eol);
            let mut client = TestClient::start(Some(enc), json!({})).await;
            client.open(URI, &text).await;
            let acts = {
                let r = range(&client, &text, &f.mark("phone"));
                actions(&mut client, r).await
            };
            assert_eq!(
                titles(&acts),
                vec![
                    "Annotate as data `<手机号码>`",
                    "Annotate as action `[手机号码]`",
                    "Annotate as actor `(手机号码)`",
                    "Annotate as purpose `{手机号码}`",
                    "Annotate all 2 occurrences of “手机号码” as data",
                ],
                "{enc}"
            );
            let done = apply(&client, &text, &acts, "Annotate as data");
            assert_eq!(
                done,
                f.text(eol).replace("您的手机号码和", "您的<手机号码>和"),
                "{enc} {eol:?}"
            );
            assert_clean(&done);
            let done = apply(&client, &text, &acts, "Annotate as purpose");
            assert!(done.contains("您的{手机号码}和"));
            assert_clean(&done);
            let all = apply(&client, &text, &acts, "Annotate all");
            let expected = [
                "😀我们会收集您的<手机号码>和𠮷位置信息",
                "<手机号码><手机号码>[收集]",
            ]
            .join(eol);
            assert_eq!(all, expected, "{enc} {eol:?}");
            assert_clean(&all);
        }
    }
}

#[tokio::test]
async fn no_annotate_action_across_a_line_or_an_annotation() {
    let f = fixture(TEXT);
    for enc in ENCODINGS {
        let text = f.text("\r\n");
        let mut client = TestClient::start(Some(enc), json!({})).await;
        client.open(URI, &text).await;
        // From the middle of line 0 to the middle of line 1.
        let across = f.mark("across");
        let two_lines =
            json!({ "start": client.pos(&text, 0, across.start), "end": client.pos(&text, 1, 2) });
        assert!(actions(&mut client, two_lines).await.is_empty(), "{enc}");
        let overlap = {
            let r = range(&client, &text, &f.mark("overlap"));
            actions(&mut client, r).await
        };
        assert!(overlap.is_empty(), "{enc}: {:?}", titles(&overlap));
        // A selection inside an annotation offers what fits an annotation,
        // not a nested one.
        let inside = {
            let r = range(&client, &text, &f.mark("inside"));
            actions(&mut client, r).await
        };
        assert!(
            titles(&inside)
                .iter()
                .all(|t| !t.starts_with("Annotate as")),
            "{enc}: {:?}",
            titles(&inside)
        );
        // Part of a word is a selection like any other.
        let acts = {
            let r = range(&client, &text, &f.mark("half"));
            actions(&mut client, r).await
        };
        let done = apply(&client, &text, &acts, "Annotate as data");
        assert!(done.contains("\r\n手机<号码><手机号码>"), "{done}");
    }
}

#[tokio::test]
async fn an_annotation_can_be_removed_changed_or_spread() {
    let f = fixture(TEXT);
    for enc in ENCODINGS {
        for eol in LINE_ENDINGS {
            let text = f.text(eol);
            let mut client = TestClient::start(Some(enc), json!({})).await;
            client.open(URI, &text).await;
            let inside = f.mark("inside");
            let cursor = client.pos(&text, inside.line, inside.start);
            let acts = actions(&mut client, json!({ "start": cursor, "end": cursor })).await;
            assert_eq!(
                titles(&acts),
                vec![
                    "Remove the data annotation (keep the text)",
                    "Change to action `[…]`",
                    "Change to actor `(…)`",
                    "Change to purpose `{…}`",
                    "Annotate 2 more occurrences of “手机号码” as data",
                ],
                "{enc}"
            );
            let line1 = |t: &str| t.split(eol).nth(1).unwrap().to_string();
            let removed = apply(&client, &text, &acts, "Remove");
            assert_eq!(line1(&removed), "手机号码手机号码[收集]");
            let actor = apply(&client, &text, &acts, "Change to actor");
            assert_eq!(line1(&actor), "手机号码(手机号码)[收集]");
            assert_clean(&actor);
            let spread = apply(&client, &text, &acts, "Annotate 2 more");
            assert_eq!(line1(&spread), "<手机号码><手机号码>[收集]");
            assert!(spread.contains("您的<手机号码>和"));
            assert_clean(&spread);
        }
    }
}

#[tokio::test]
async fn a_large_annotate_all_is_resolved_when_picked() {
    let mut text = String::new();
    for _ in 0..20 {
        text.push_str("😀您的手机号码\r\n");
    }
    text.push_str("𠮷<手机号码>");
    let resolves = json!({ "codeAction": { "resolveSupport": { "properties": ["edit"] } } });
    for enc in ENCODINGS {
        let mut client = TestClient::start_with(Some(enc), json!({}), resolves.clone()).await;
        assert_eq!(
            client.capabilities["codeActionProvider"]["resolveProvider"],
            true
        );
        client.open(URI, &text).await;
        let cursor = client.pos(&text, 20, 3);
        let acts = actions(&mut client, json!({ "start": cursor, "end": cursor })).await;
        let all = acts
            .iter()
            .find(|a| a["title"] == "Annotate 20 more occurrences of “手机号码” as data")
            .unwrap_or_else(|| panic!("{:?}", titles(&acts)));
        assert!(all.get("edit").is_none(), "sent without its 40 edits");
        assert!(
            acts[0].get("edit").is_some(),
            "a small action keeps its edit"
        );
        let resolved = client
            .request("codeAction/resolve", all.clone())
            .await
            .unwrap();
        let done = apply_workspace_edit(&client, URI, &text, &resolved["edit"]);
        assert_eq!(done.matches("<手机号码>").count(), 21, "{enc}");
        assert_clean(&done);
    }
}
