//! Annotate-selection, annotate-all, remove and change-kind, driven like an
//! editor: select, ask for code actions, apply the chosen one's edit, and
//! check the text and that it parses clean. Every encoding and line ending.

use policy_core::document::Document;
use serde_json::json;
use tower_lsp_server::ls_types::{CodeAction, CodeActionKind, CodeActionProviderCapability, Range};

use crate::common::lsp::{ENCODINGS, TestClient, titles};
use crate::common::{Cursor, LINE_ENDINGS, Mark, fixture};

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

/// The actions for the selection `m` (no diagnostics in the context).
async fn actions(client: &mut TestClient, m: &Mark) -> Vec<CodeAction> {
    client.code_actions(URI, m, &[], None).await
}

/// A selection from `from` to `to`.
fn selection(from: Cursor, to: Cursor) -> Mark {
    assert_eq!(from.line, to.line, "a selection in one line");
    Mark {
        line: from.line,
        start: from.col,
        end: to.col,
        label: "selection".into(),
    }
}

/// The text after the action whose title starts with `title`.
fn apply(client: &TestClient, actions: &[CodeAction], title: &str) -> String {
    let a = actions
        .iter()
        .find(|a| a.title.starts_with(title))
        .unwrap_or_else(|| panic!("no `{title}` in {:?}", titles(actions)));
    assert_eq!(a.kind, Some(CodeActionKind::REFACTOR_REWRITE));
    client.applied(URI, a.edit.as_ref().expect("an action with its edit"))
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
            let acts = actions(&mut client, &f.mark("phone")).await;
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
            let done = apply(&client, &acts, "Annotate as data");
            assert_eq!(
                done,
                f.text(eol).replace("您的手机号码和", "您的<手机号码>和"),
                "{enc} {eol:?}"
            );
            assert_clean(&done);
            let done = apply(&client, &acts, "Annotate as purpose");
            assert!(done.contains("您的{手机号码}和"));
            assert_clean(&done);
            let all = apply(&client, &acts, "Annotate all");
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
        let from = client.position(URI, f.mark("across").start());
        let to = client.position(URI, f.mark("half").start());
        let two_lines = client
            .code_actions_at(URI, Range::new(from, to), &[], None)
            .await;
        assert!(two_lines.is_empty(), "{enc}: {:?}", titles(&two_lines));
        let overlap = actions(&mut client, &f.mark("overlap")).await;
        assert!(overlap.is_empty(), "{enc}: {:?}", titles(&overlap));
        // A selection inside an annotation offers what fits an annotation,
        // not a nested one.
        let inside = actions(&mut client, &f.mark("inside")).await;
        assert!(
            titles(&inside)
                .iter()
                .all(|t| !t.starts_with("Annotate as")),
            "{enc}: {:?}",
            titles(&inside)
        );
        // Part of a word is a selection like any other.
        let acts = actions(&mut client, &f.mark("half")).await;
        let done = apply(&client, &acts, "Annotate as data");
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
            let cursor = f.mark("inside").start();
            let acts = actions(&mut client, &selection(cursor, cursor)).await;
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
            let removed = apply(&client, &acts, "Remove");
            assert_eq!(line1(&removed), "手机号码手机号码[收集]");
            let actor = apply(&client, &acts, "Change to actor");
            assert_eq!(line1(&actor), "手机号码(手机号码)[收集]");
            assert_clean(&actor);
            let spread = apply(&client, &acts, "Annotate 2 more");
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
        let resolvable = match &client.capabilities.code_action_provider {
            Some(CodeActionProviderCapability::Options(o)) => o.resolve_provider,
            other => panic!("code action options expected: {other:?}"),
        };
        assert_eq!(resolvable, Some(true));
        client.open(URI, &text).await;
        // On 机 of the last line's <手机号码>.
        let cursor = Cursor::new(20, 3);
        let acts = actions(&mut client, &selection(cursor, cursor)).await;
        let all = acts
            .iter()
            .find(|a| a.title == "Annotate 20 more occurrences of “手机号码” as data")
            .unwrap_or_else(|| panic!("{:?}", titles(&acts)));
        assert!(all.edit.is_none(), "sent without its 40 edits");
        assert!(acts[0].edit.is_some(), "a small action keeps its edit");
        let resolved = client.resolve(all.clone()).await;
        let done = client.applied(URI, resolved.edit.as_ref().expect("resolved with its edit"));
        assert_eq!(done.matches("<手机号码>").count(), 21, "{enc}");
        assert_clean(&done);
    }
}

/// A client that cannot resolve code actions is not sent an annotate-all of
/// thousands of edits at every cursor move; one that can still gets it.
#[tokio::test]
async fn a_huge_annotate_all_is_offered_only_to_a_client_that_resolves() {
    let mut text = "您的手机号码\n".repeat(1001);
    text.push_str("𠮷<手机号码>");
    let title = "Annotate 1001 more occurrences of “手机号码” as data";
    let cursor = Cursor::new(1001, 3);
    let resolves = json!({ "codeAction": { "resolveSupport": { "properties": ["edit"] } } });
    for enc in ENCODINGS {
        let mut plain = TestClient::start(Some(enc), json!({})).await;
        plain.open(URI, &text).await;
        let acts = actions(&mut plain, &selection(cursor, cursor)).await;
        assert!(
            acts.iter().all(|a| a.title != title),
            "2,002 edits sent eagerly: {:?}",
            titles(&acts)
        );
        assert!(!acts.is_empty(), "the small actions are still offered");
        let mut lazy = TestClient::start_with(Some(enc), json!({}), resolves.clone()).await;
        lazy.open(URI, &text).await;
        let acts = actions(&mut lazy, &selection(cursor, cursor)).await;
        let all = acts.iter().find(|a| a.title == title);
        assert!(all.is_some_and(|a| a.edit.is_none()), "{:?}", titles(&acts));
    }
}
