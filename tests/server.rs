//! The language server driven in-process like an editor, every position
//! checked in all three encodings and with every line ending.

mod common;

use common::lsp::{ENCODINGS, TestClient};
use common::{LINE_ENDINGS, Mark, fixture};
use serde_json::{Value, json};

const URI: &str = "file:///tmp/policy-lsp-test/a.policy";

/// A text with CJK, astral characters and U+2028 before markup, on several
/// lines, and the problems the server must report, marked.
const BROKEN: &str = "
😀𠮷<表情😀>后面[未闭合
                ^ unclosed-annotation
您的<账户名]和\u{2028}<密码>
           ^ mismatched-closer
空的<>与< 手机号码 >
    ^^ empty-annotation
        ^^^^^^^^^^^^ padded-annotation
";

fn diagnostic_marks(client: &TestClient, text: &str, diags: &[Value]) -> Vec<Mark> {
    let mut marks: Vec<Mark> = diags
        .iter()
        .map(|d| {
            assert_eq!(d["source"], "policy-lsp");
            client.mark(text, &d["range"], d["code"].as_str().unwrap())
        })
        .collect();
    marks.sort();
    marks
}

#[tokio::test]
async fn diagnostics_after_open_in_every_encoding_and_line_ending() {
    let f = fixture(BROKEN);
    for enc in ENCODINGS {
        for eol in LINE_ENDINGS {
            let text = f.text(eol);
            let mut client = TestClient::start(Some(enc), json!({})).await;
            assert_eq!(client.encoding.as_str(), enc);
            client.open(URI, &text).await;
            let diags = client.diagnostics(URI, Some(1)).await;
            assert_eq!(
                diagnostic_marks(&client, &text, &diags),
                f.marks,
                "{enc} {eol:?}"
            );
            let severities: Vec<i64> = diags
                .iter()
                .map(|d| d["severity"].as_i64().unwrap())
                .collect();
            assert_eq!(
                severities,
                vec![1, 1, 1, 2],
                "errors, then the padded warning"
            );
        }
    }
}

#[tokio::test]
async fn without_a_list_of_encodings_the_server_uses_utf16() {
    let client = TestClient::start(None, json!({})).await;
    assert_eq!(client.encoding.as_str(), "utf-16");
}

#[tokio::test]
async fn typing_a_closer_clears_the_error_and_each_version_is_published() {
    for enc in ENCODINGS {
        let text = "😀(我们)[收集]<手机号码\r\n𠮷";
        let mut client = TestClient::start(Some(enc), json!({})).await;
        client.open(URI, text).await;
        assert_eq!(client.diagnostics(URI, Some(1)).await.len(), 1);
        let end = client.pos(text, 0, 14);
        client
            .change(
                URI,
                2,
                json!([{ "range": { "start": end, "end": end }, "text": ">" }]),
            )
            .await;
        assert_eq!(
            client.diagnostics(URI, Some(2)).await,
            Vec::<Value>::new(),
            "{enc}"
        );
        // A change that alters nothing still gets its version published.
        client
            .change(
                URI,
                3,
                json!([{ "range": { "start": end, "end": end }, "text": "" }]),
            )
            .await;
        assert!(client.diagnostics(URI, Some(3)).await.is_empty());
    }
}

#[tokio::test]
async fn several_changes_in_one_notification_apply_in_order() {
    let text = "<手机\n号码>[收集\n]";
    let mut client = TestClient::start(Some("utf-16"), json!({})).await;
    client.open(URI, text).await;
    assert_eq!(client.diagnostics(URI, Some(1)).await.len(), 4);
    // Join the lines: first line 0's break, then (positions now shifted) the next.
    let changes = json!([
        { "range": { "start": { "line": 0, "character": 3 }, "end": { "line": 1, "character": 0 } }, "text": "" },
        { "range": { "start": { "line": 0, "character": 9 }, "end": { "line": 1, "character": 0 } }, "text": "" },
    ]);
    client.change(URI, 2, changes).await;
    assert!(client.diagnostics(URI, Some(2)).await.is_empty());
    let tokens = client
        .request(
            "textDocument/semanticTokens/full",
            json!({ "textDocument": { "uri": URI } }),
        )
        .await
        .unwrap();
    assert_eq!(tokens["data"], json!([0, 1, 4, 2, 0, 0, 6, 2, 1, 0]));
}

#[tokio::test]
async fn a_whole_text_change_replaces_the_document() {
    let mut client = TestClient::start(Some("utf-16"), json!({})).await;
    client.open(URI, "<数据").await;
    client.diagnostics(URI, Some(1)).await;
    client.change(URI, 2, json!([{ "text": "(我们)" }])).await;
    assert!(client.diagnostics(URI, Some(2)).await.is_empty());
}

#[tokio::test]
async fn bad_changes_are_logged_and_the_server_keeps_every_document() {
    let mut client = TestClient::start(Some("utf-16"), json!({})).await;
    client.open(URI, "<数据>").await;
    client.open("file:///tmp/other.policy", "(我们").await;
    client.diagnostics(URI, Some(1)).await;
    // A change for a document that is not open.
    client
        .change(
            "file:///tmp/never-opened.policy",
            2,
            json!([{ "text": "x" }]),
        )
        .await;
    // A reversed range, then a range past the end and inside 😀's surrogate pair.
    let reversed =
        json!({ "start": { "line": 0, "character": 3 }, "end": { "line": 0, "character": 1 } });
    client
        .change(URI, 2, json!([{ "range": reversed, "text": "x" }]))
        .await;
    assert!(client.diagnostics(URI, Some(2)).await.is_empty());
    let far =
        json!({ "start": { "line": 9, "character": 99 }, "end": { "line": 9, "character": 99 } });
    client
        .change(URI, 3, json!([{ "range": far, "text": "😀" }]))
        .await;
    client.diagnostics(URI, Some(3)).await;
    let mid =
        json!({ "start": { "line": 0, "character": 5 }, "end": { "line": 0, "character": 5 } });
    client
        .change(URI, 4, json!([{ "range": mid, "text": "<" }]))
        .await;
    let diags = client.diagnostics(URI, Some(4)).await;
    // The `<` landed before 😀, not inside it: "<数据><😀".
    assert_eq!(diags.len(), 1);
    assert_eq!(
        diags[0]["range"]["start"],
        json!({ "line": 0, "character": 4 })
    );
    assert!(
        client.logs.iter().any(|l| l.contains("not open")),
        "{:?}",
        client.logs
    );
    assert!(
        client.logs.iter().any(|l| l.contains("before it starts")),
        "{:?}",
        client.logs
    );
    assert!(
        client.logs.iter().any(|l| l.contains("clamped")),
        "{:?}",
        client.logs
    );
    // The other document is intact.
    let pulled = client
        .request(
            "textDocument/diagnostic",
            json!({ "textDocument": { "uri": "file:///tmp/other.policy" } }),
        )
        .await
        .unwrap();
    assert_eq!(pulled["items"][0]["code"], "unclosed-annotation");
}

#[tokio::test]
async fn pull_diagnostics_answer_like_the_published_ones() {
    let text = "您的<账户名]";
    let mut client = TestClient::start(Some("utf-8"), json!({})).await;
    client.open(URI, text).await;
    let pushed = client.diagnostics(URI, Some(1)).await;
    let pulled = client
        .request(
            "textDocument/diagnostic",
            json!({ "textDocument": { "uri": URI } }),
        )
        .await
        .unwrap();
    assert_eq!(pulled["kind"], "full");
    assert_eq!(pulled["items"], Value::Array(pushed));
    let missing = client
        .request(
            "textDocument/diagnostic",
            json!({ "textDocument": { "uri": "file:///nope" } }),
        )
        .await;
    assert!(missing.is_err());
}

#[tokio::test]
async fn closing_a_document_clears_its_diagnostics() {
    let mut client = TestClient::start(Some("utf-16"), json!({})).await;
    client.open(URI, "<数据").await;
    assert_eq!(client.diagnostics(URI, Some(1)).await.len(), 1);
    client
        .notify(
            "textDocument/didClose",
            json!({ "textDocument": { "uri": URI } }),
        )
        .await;
    assert!(client.diagnostics(URI, None).await.is_empty());
}

/// Decodes semantic tokens into marks labelled `kind` or `kind+sensitive`.
fn token_marks(client: &TestClient, text: &str, data: &Value) -> Vec<Mark> {
    let data: Vec<u64> = data
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    let kinds = ["actor", "action", "data", "purpose"];
    let (mut line, mut start) = (0u64, 0u64);
    let mut out = Vec::new();
    for t in data.chunks(5) {
        if t[0] > 0 {
            line += t[0];
            start = t[1];
        } else {
            start += t[1];
        }
        let range = json!({ "start": { "line": line, "character": start }, "end": { "line": line, "character": start + t[2] } });
        let label = format!(
            "{}{}",
            kinds[t[3] as usize],
            if t[4] & 1 == 1 { "+sensitive" } else { "" }
        );
        out.push(client.mark(text, &range, &label));
    }
    out
}

const TOKENS: &str = "
😀(我们)[收集]您的<位置信息>
   ^^^^ actor
         ^^^^ action
                   ^^^^^^^^ data
𠮷{为了\u{2028}验证}<手机号码>
   ^^^^^^^^^ purpose
              ^^^^^^^^ data
";

#[tokio::test]
async fn semantic_tokens_cover_contents_in_every_encoding() {
    let f = fixture(TOKENS);
    for enc in ENCODINGS {
        for eol in LINE_ENDINGS {
            let text = f.text(eol);
            let mut client = TestClient::start(Some(enc), json!({})).await;
            client.open(URI, &text).await;
            let full = client
                .request(
                    "textDocument/semanticTokens/full",
                    json!({ "textDocument": { "uri": URI } }),
                )
                .await
                .unwrap();
            let got: Vec<Mark> = token_marks(&client, &text, &full["data"])
                .into_iter()
                .map(|m| Mark {
                    label: m.label.replace("+sensitive", ""),
                    ..m
                })
                .collect();
            assert_eq!(got, f.marks, "{enc} {eol:?}");
            // Range: only the second line, still absolute in the document.
            let range = json!({ "start": { "line": 1, "character": 0 }, "end": { "line": 1, "character": 3 } });
            let part = client
                .request(
                    "textDocument/semanticTokens/range",
                    json!({ "textDocument": { "uri": URI }, "range": range }),
                )
                .await
                .unwrap();
            let got: Vec<String> = token_marks(&client, &text, &part["data"])
                .iter()
                .map(|m| format!("{}:{}", m.line, m.start))
                .collect();
            assert_eq!(got, vec!["1:2", "1:9"]);
        }
    }
}

#[tokio::test]
async fn a_keystroke_yields_a_small_token_delta() {
    let mut text = String::new();
    for i in 0..200 {
        text.push_str(&format!("(我们)[收集]<数据{i}>😀\n"));
    }
    let mut client = TestClient::start(Some("utf-16"), json!({})).await;
    client.open(URI, &text).await;
    let full = client
        .request(
            "textDocument/semanticTokens/full",
            json!({ "textDocument": { "uri": URI } }),
        )
        .await
        .unwrap();
    let id = full["resultId"].as_str().unwrap().to_string();
    assert_eq!(full["data"].as_array().unwrap().len(), 200 * 3 * 5);
    // Type one character inside the data item of line 100.
    let at = client.pos(&text, 100, 10);
    client
        .change(
            URI,
            2,
            json!([{ "range": { "start": at, "end": at }, "text": "码" }]),
        )
        .await;
    let delta = client
        .request(
            "textDocument/semanticTokens/full/delta",
            json!({ "textDocument": { "uri": URI }, "previousResultId": id }),
        )
        .await
        .unwrap();
    let edits = delta["edits"].as_array().expect("a delta, not full tokens");
    assert_eq!(edits.len(), 1);
    assert_eq!(
        edits[0]["deleteCount"], 5,
        "only the edited token is replaced: {delta}"
    );
    assert_eq!(edits[0]["start"], (100 * 3 + 2) * 5);
    // 数据100 was 5 units long; 码 makes it 6.
    assert_eq!(edits[0]["data"][2], 6, "the token grew by one unit");
    // A stale result id gets full tokens.
    let stale = client
        .request(
            "textDocument/semanticTokens/full/delta",
            json!({ "textDocument": { "uri": URI }, "previousResultId": "nope" }),
        )
        .await
        .unwrap();
    assert!(stale["data"].is_array());
}

#[tokio::test]
async fn hover_on_plain_text_is_null_and_on_an_error_explains_it() {
    for enc in ENCODINGS {
        let text = "😀𠮷普通文字<未闭合";
        let mut client = TestClient::start(Some(enc), json!({})).await;
        client.open(URI, text).await;
        let at = client.pos(text, 0, 3);
        let h = client
            .request(
                "textDocument/hover",
                json!({ "textDocument": { "uri": URI }, "position": at }),
            )
            .await
            .unwrap();
        assert!(h.is_null(), "{enc}: {h}");
        let at = client.pos(text, 0, 6);
        let h = client
            .request(
                "textDocument/hover",
                json!({ "textDocument": { "uri": URI }, "position": at }),
            )
            .await
            .unwrap();
        let value = h["contents"]["value"].as_str().unwrap();
        assert!(
            value.contains("never closed") && value.contains("unclosed-annotation"),
            "{value}"
        );
        assert_eq!(
            client.mark(text, &h["range"], "x"),
            Mark {
                line: 0,
                start: 6,
                end: 7,
                label: "x".into()
            }
        );
    }
}

#[tokio::test]
async fn hover_on_actor_and_action_says_who_and_what() {
    let text = "😀(我们)[共享]给(第三方SDK)\r\n𠮷[收集]";
    let mut client = TestClient::start(Some("utf-32"), json!({})).await;
    client.open(URI, text).await;
    let hover_at = |line, col| json!({ "textDocument": { "uri": URI }, "position": { "line": line, "character": col } });
    let first_line = |h: &Value| {
        h["contents"]["value"]
            .as_str()
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .to_string()
    };
    let h = client
        .request("textDocument/hover", hover_at(0, 2))
        .await
        .unwrap();
    assert!(first_line(&h).contains("第一方"), "{h}");
    let h = client
        .request("textDocument/hover", hover_at(0, 7))
        .await
        .unwrap();
    assert!(
        first_line(&h).contains("共享") && first_line(&h).contains("share"),
        "{h}"
    );
    let h = client
        .request("textDocument/hover", hover_at(0, 13))
        .await
        .unwrap();
    assert!(first_line(&h).contains("第三方"), "{h}");
    let h = client
        .request("textDocument/hover", hover_at(1, 2))
        .await
        .unwrap();
    assert!(first_line(&h).contains("collect"), "{h}");
    // The brackets belong to the annotation; the next character does not.
    let h = client
        .request("textDocument/hover", hover_at(0, 4))
        .await
        .unwrap();
    assert!(first_line(&h).contains("第一方"), "{h}");
    let h = client
        .request("textDocument/hover", hover_at(0, 5))
        .await
        .unwrap();
    assert!(first_line(&h).contains("共享"), "{h}");
}

#[tokio::test]
async fn unknown_methods_get_method_not_found_and_the_server_goes_on() {
    let mut client = TestClient::start(Some("utf-16"), json!({})).await;
    let err = client
        .request("policy/nonsense", json!({}))
        .await
        .unwrap_err();
    assert_eq!(err["code"], -32601);
    client.open(URI, "<数据").await;
    assert_eq!(client.diagnostics(URI, Some(1)).await.len(), 1);
}
