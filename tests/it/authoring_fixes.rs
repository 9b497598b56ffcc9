//! Quick fixes, driven like an editor: ask for the code actions on each
//! published diagnostic, apply each fix's workspace edit, and check that
//! the re-parse keeps the promise — the fixed diagnostic gone, nothing new.
//! Every encoding and line ending, with 😀 and 𠮷 before the markup.

use crate::common::edits::apply_workspace_edit;
use crate::common::lsp::{ENCODINGS, TestClient};
use crate::common::{LINE_ENDINGS, Mark, fixture};
use policy_core::diagnostics::document_diagnostics;
use policy_core::document::{Document, lines_of};
use serde_json::{Value, json};

const URI: &str = "file:///tmp/policy-lsp-test/fixes.policy";

const BROKEN: &str = "
😀您的<手机号码，用于𠮷登录
      ^ unclosed-annotation
第三方（SDK)提供😀
           ^ unmatched-closer
您的<账户名]和<密码>
           ^ mismatched-closer
空的<>与< 手机号码 >𠮷
    ^^ empty-annotation
        ^^^^^^^^^^^^ padded-annotation
𠮷年龄>14周岁
      ^ unmatched-closer
😀<手机[收集]
  ^ unclosed-annotation
";

/// What the preferred fix of each diagnostic makes of its line; `None`
/// where no fix is clearly right.
fn preferred(code: &str, line: usize) -> Option<&'static str> {
    match (code, line) {
        ("unclosed-annotation", 0) => None,
        ("unmatched-closer", 1) => Some("第三方（SDK）提供😀"),
        ("mismatched-closer", 2) => Some("您的<账户名>和<密码>"),
        ("empty-annotation", 3) => Some("空的与< 手机号码 >𠮷"),
        ("padded-annotation", 3) => Some("空的<>与<手机号码>𠮷"),
        ("unmatched-closer", 4) => None,
        ("unclosed-annotation", 5) => Some("😀<手机>[收集]"),
        _ => panic!("no expectation for {code} on line {line}"),
    }
}

/// (line, code) of every diagnostic of `text`, sorted.
fn problems(text: &str) -> Vec<(usize, String)> {
    let mut p: Vec<(usize, String)> = document_diagnostics(&Document::new(text), None)
        .into_iter()
        .map(|d| (d.line, d.code.to_string()))
        .collect();
    p.sort();
    p
}

async fn actions(client: &mut TestClient, range: &Value, diags: &[Value]) -> Vec<Value> {
    client
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": URI },
                "range": range,
                "context": { "diagnostics": diags },
            }),
        )
        .await
        .unwrap()
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[tokio::test]
async fn every_quick_fix_removes_its_diagnostic_and_adds_none() {
    let f = fixture(BROKEN);
    for enc in ENCODINGS {
        for eol in LINE_ENDINGS {
            let text = f.text(eol);
            let mut client = TestClient::start(Some(enc), json!({})).await;
            client.open(URI, &text).await;
            let diags = client.diagnostics(URI, Some(1)).await;
            let mut marks: Vec<Mark> = diags
                .iter()
                .map(|d| client.mark(&text, &d["range"], d["code"].as_str().unwrap()))
                .collect();
            marks.sort();
            assert_eq!(marks, f.marks, "{enc} {eol:?}");
            let before = problems(&text);
            for d in &diags {
                let code = d["code"].as_str().unwrap();
                let line = d["range"]["start"]["line"].as_u64().unwrap() as usize;
                let all = actions(&mut client, &d["range"], std::slice::from_ref(d)).await;
                let fixes: Vec<&Value> = all
                    .iter()
                    .filter(|a| a["kind"] == "quickfix" && a["diagnostics"][0] == *d)
                    .collect();
                assert!(!fixes.is_empty(), "{enc}: no fix for {d}");
                let mut expected = before.clone();
                let i = expected
                    .iter()
                    .position(|p| *p == (line, code.to_string()))
                    .unwrap();
                expected.remove(i);
                let mut preferred_lines = Vec::new();
                for fix in &fixes {
                    let fixed = apply_workspace_edit(&client, URI, &text, &fix["edit"]);
                    assert_eq!(
                        problems(&fixed),
                        expected,
                        "{enc} {eol:?}: `{}` for {code} on line {line} gives\n{fixed}",
                        fix["title"]
                    );
                    if fix["isPreferred"] == true {
                        preferred_lines.push(lines_of(&fixed).nth(line).unwrap().to_string());
                    }
                }
                let want: Vec<String> = preferred(code, line)
                    .into_iter()
                    .map(String::from)
                    .collect();
                assert_eq!(
                    preferred_lines, want,
                    "{enc} {eol:?}: preferred fix of {code}"
                );
            }
        }
    }
}

#[tokio::test]
async fn an_unclosed_item_closes_at_the_clause_or_at_the_end_of_the_line() {
    let text = "😀您的<手机号码，用于𠮷登录\r\n𠮷";
    for enc in ENCODINGS {
        let mut client = TestClient::start(Some(enc), json!({})).await;
        client.open(URI, text).await;
        let diags = client.diagnostics(URI, Some(1)).await;
        let all = actions(&mut client, &diags[0]["range"], &diags).await;
        let results: Vec<(String, String)> = all
            .iter()
            .map(|a| {
                let t = apply_workspace_edit(&client, URI, text, &a["edit"]);
                (a["title"].as_str().unwrap().to_string(), t)
            })
            .collect();
        let by_title = |needle: &str| {
            results
                .iter()
                .find(|(t, _)| t.contains(needle))
                .unwrap_or_else(|| panic!("no `{needle}` in {results:?}"))
                .1
                .clone()
        };
        assert_eq!(by_title("clause"), "😀您的<手机号码>，用于𠮷登录\r\n𠮷");
        assert_eq!(
            by_title("end of the line"),
            "😀您的<手机号码，用于𠮷登录>\r\n𠮷"
        );
        assert_eq!(by_title("Escape"), "😀您的\\<手机号码，用于𠮷登录\r\n𠮷");
        assert_eq!(by_title("Remove"), "😀您的手机号码，用于𠮷登录\r\n𠮷");
    }
}

#[tokio::test]
async fn an_unmatched_closer_can_be_escaped_or_removed() {
    let text = "𠮷年龄>14周岁";
    for enc in ENCODINGS {
        let mut client = TestClient::start(Some(enc), json!({})).await;
        client.open(URI, text).await;
        let diags = client.diagnostics(URI, Some(1)).await;
        let all = actions(&mut client, &diags[0]["range"], &diags).await;
        let fixed: Vec<String> = all
            .iter()
            .map(|a| apply_workspace_edit(&client, URI, text, &a["edit"]))
            .collect();
        assert_eq!(fixed, vec!["𠮷年龄\\>14周岁", "𠮷年龄14周岁"], "{enc}");
    }
}

#[tokio::test]
async fn only_quickfix_leaves_out_the_rewrites() {
    let text = "<手机号码]";
    let mut client = TestClient::start(Some("utf-16"), json!({})).await;
    client.open(URI, text).await;
    let diags = client.diagnostics(URI, Some(1)).await;
    let all = client
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": URI },
                "range": { "start": { "line": 0, "character": 2 }, "end": { "line": 0, "character": 2 } },
                "context": { "diagnostics": diags, "only": ["quickfix"] },
            }),
        )
        .await
        .unwrap();
    let kinds: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.is_empty(), "the cursor is not on the closer: {all}");
    let at_closer =
        json!({ "start": { "line": 0, "character": 5 }, "end": { "line": 0, "character": 5 } });
    let all = actions(&mut client, &at_closer, &diags).await;
    let titles: Vec<&str> = all.iter().map(|a| a["title"].as_str().unwrap()).collect();
    assert!(titles[0].starts_with("Replace `]` with `>`"), "{titles:?}");
    assert!(
        titles
            .iter()
            .any(|t| t.starts_with("Remove the data annotation")),
        "{titles:?}"
    );
}

#[tokio::test]
async fn positions_inside_a_character_or_past_the_end_are_clamped() {
    let text = "😀<𠮷\r\n(我们)";
    for enc in ENCODINGS {
        let mut client = TestClient::start(Some(enc), json!({})).await;
        client.open(URI, text).await;
        client.diagnostics(URI, Some(1)).await;
        let odd = [(0, 1), (0, 4), (0, 99), (1, 99), (7, 3)];
        for (line, character) in odd {
            let p = json!({ "line": line, "character": character });
            let range = json!({ "start": p, "end": p });
            let at = json!({ "textDocument": { "uri": URI }, "position": p });
            actions(&mut client, &range, &[]).await;
            let wide = json!({ "start": { "line": 0, "character": 1 }, "end": p });
            actions(&mut client, &wide, &[]).await;
            for method in [
                "textDocument/completion",
                "textDocument/documentHighlight",
                "textDocument/prepareRename",
            ] {
                client.request(method, at.clone()).await.unwrap();
            }
            let mut refs = at.clone();
            refs["context"] = json!({ "includeDeclaration": true });
            client
                .request("textDocument/references", refs)
                .await
                .unwrap();
            client
                .request(
                    "textDocument/inlayHint",
                    json!({ "textDocument": { "uri": URI }, "range": range }),
                )
                .await
                .unwrap();
        }
        // The server is still there and still right.
        let pulled = client
            .request(
                "textDocument/diagnostic",
                json!({ "textDocument": { "uri": URI } }),
            )
            .await
            .unwrap();
        assert_eq!(pulled["items"][0]["code"], "unclosed-annotation", "{enc}");
    }
}
