//! Completion after `<`, `[` and `(`, driven like an editor: type the
//! opener, ask, filter as the client would (by the text from the edit's
//! start to the cursor), accept, and check the text parses clean.

use policy_core::document::Document;
use policy_core::taxonomy::Taxonomy;
use serde_json::json;
use tower_lsp_server::ls_types::{CompletionItem, CompletionList, CompletionTextEdit, TextEdit};

use crate::common::lsp::{ENCODINGS, TestClient};
use crate::common::{Cursor, Fixture, LINE_ENDINGS, fixture};

const URI: &str = "file:///tmp/policy-lsp-test/complete.policy";

/// `|` marks where the cursor is in each completion scenario.
const TEXT: &str = "
😀(我们)[收集]<位置信息>、<手机号码>
𠮷[共享]<手机号码>给(第三方SDK)
您的<
     | data
您的<手机
         | typed
您的<>
     | before-closer
由[
   | action
由(
   | actor
由{
   | purpose
普通文字
    | plain
";

/// The completion list at the cursor marked `label`.
async fn complete(client: &mut TestClient, label: &str, f: &Fixture) -> Option<CompletionList> {
    client.completion(URI, f.mark(label).start()).await
}

fn labels(list: &CompletionList) -> Vec<String> {
    list.items.iter().map(|i| i.label.clone()).collect()
}

fn edit(item: &CompletionItem) -> &TextEdit {
    match &item.text_edit {
        Some(CompletionTextEdit::Edit(e)) => e,
        other => panic!("a plain text edit expected: {other:?}"),
    }
}

/// The items a client keeps after the user typed what lies between the
/// edit's start and the cursor: filter text starting with it.
fn kept(client: &TestClient, list: &CompletionList, cursor: Cursor) -> Vec<String> {
    let text = client.text(URI);
    list.items
        .iter()
        .filter(|i| {
            let start = client.cursor(URI, edit(i).range.start);
            let l = policy_core::document::lines_of(text)
                .nth(start.line)
                .unwrap();
            let typed: String = l
                .chars()
                .skip(start.col)
                .take(cursor.col - start.col)
                .collect();
            i.filter_text.as_deref().unwrap().starts_with(&typed)
        })
        .map(|i| i.label.clone())
        .collect()
}

/// The text after accepting the item labelled `label`.
fn accept(client: &TestClient, list: &CompletionList, label: &str) -> String {
    let item = list
        .items
        .iter()
        .find(|i| i.label == label)
        .unwrap_or_else(|| panic!("no {label} in {list:?}"));
    client.applied_edits(URI, std::slice::from_ref(edit(item)))
}

#[tokio::test]
async fn data_terms_come_most_used_first_and_close_the_bracket() {
    let f = fixture(TEXT);
    let taxonomy_terms: Vec<String> = Taxonomy::builtin()
        .data_terms()
        .map(|(t, _)| t.to_string())
        .filter(|t| t != "手机号码" && t != "位置信息")
        .collect();
    for enc in ENCODINGS {
        for eol in LINE_ENDINGS {
            let text = f.text(eol);
            let mut client = TestClient::start(Some(enc), json!({})).await;
            client.open(URI, &text).await;
            let list = complete(&mut client, "data", &f).await.unwrap();
            let got = labels(&list);
            assert_eq!(got[..2], ["手机号码", "位置信息"], "{enc} {eol:?}");
            assert_eq!(got[2..], taxonomy_terms[..], "then the taxonomy's terms");
            let first = &list.items[0];
            assert!(first.detail.as_deref().unwrap().contains("2×"), "{first:?}");
            assert_eq!(first.filter_text.as_deref(), Some("<手机号码"));
            assert_eq!(edit(first).new_text, "<手机号码>");
            let done = accept(&client, &list, "手机号码");
            assert!(
                done.contains(&format!("{eol}您的<手机号码>{eol}")),
                "{done}"
            );
            // Typing CJK after the opener narrows the list without ASCII
            // word boundaries.
            let list = complete(&mut client, "typed", &f).await.unwrap();
            let m = f.mark("typed");
            let k = kept(&client, &list, m.start());
            assert_eq!(k[0], "手机号码");
            assert!(k.iter().all(|l| l.starts_with("手机")), "{k:?}");
            let done = accept(&client, &list, "手机号码");
            let line = done.split(eol).nth(m.line).unwrap().to_string();
            assert_eq!(line, "您的<手机号码>");
            // The client closed the bracket already: no second closer.
            let list = complete(&mut client, "before-closer", &f).await.unwrap();
            assert_eq!(edit(&list.items[0]).new_text, "<手机号码");
            let done = accept(&client, &list, "位置信息");
            let m = f.mark("before-closer");
            assert_eq!(done.split(eol).nth(m.line).unwrap(), "您的<位置信息>");
        }
    }
}

#[tokio::test]
async fn verbs_after_a_square_bracket_and_actors_after_a_parenthesis() {
    let f = fixture(TEXT);
    for enc in ENCODINGS {
        let text = f.text("\r\n");
        let mut client = TestClient::start(Some(enc), json!({})).await;
        client.open(URI, &text).await;
        let list = complete(&mut client, "action", &f).await.unwrap();
        let got = labels(&list);
        assert_eq!(got[..3], ["收集", "共享", "使用"], "{enc}");
        for verb in ["提供", "保存", "获取", "披露", "转让", "删除"] {
            assert!(got.contains(&verb.to_string()), "{verb} in {got:?}");
        }
        assert!(list.items[0].detail.as_deref().unwrap().contains("collect"));
        let done = accept(&client, &list, "共享");
        assert!(done.contains("\r\n由[共享]\r\n"));
        let line = done.split("\r\n").find(|l| l.starts_with("由[")).unwrap();
        assert_eq!(Document::new(line).diagnostics().count(), 0, "{line}");
        let list = complete(&mut client, "actor", &f).await.unwrap();
        assert_eq!(labels(&list), ["我们", "第三方SDK"], "{enc}");
        assert!(list.items[1].detail.as_deref().unwrap().contains("第三方"));
    }
}

#[tokio::test]
async fn nothing_is_forced_inside_a_purpose_or_in_plain_text() {
    let f = fixture(TEXT);
    let text = f.text("\n");
    for enc in ENCODINGS {
        let mut client = TestClient::start(Some(enc), json!({})).await;
        client.open(URI, &text).await;
        assert!(
            complete(&mut client, "purpose", &f).await.is_none(),
            "{enc}"
        );
        assert!(complete(&mut client, "plain", &f).await.is_none(), "{enc}");
    }
}

#[tokio::test]
async fn completing_inside_a_closed_annotation_replaces_it() {
    let f = fixture("😀<手机号码>和<位$0置>");
    let text = f.text("\n");
    for enc in ENCODINGS {
        let mut client = TestClient::start(Some(enc), json!({})).await;
        client.open(URI, &text).await;
        let list = client.completion(URI, f.cursor()).await.unwrap();
        let k = kept(&client, &list, f.cursor());
        assert!(k.contains(&"位置".to_string()), "{enc}: {k:?}");
        assert!(k.iter().all(|l| l.starts_with('位')), "{enc}: {k:?}");
        let done = accept(&client, &list, "手机号码");
        assert_eq!(done, "😀<手机号码>和<手机号码>");
    }
}
