//! Quick fixes, driven like an editor: ask for the code actions on each
//! published diagnostic, apply each fix's workspace edit, and check that
//! the re-parse keeps the promise — the fixed diagnostic gone, nothing new.
//! Every encoding and line ending, with 😀 and 𠮷 before the markup.

use policy_core::diagnostics::document_diagnostics;
use policy_core::document::{Document, lines_of};
use serde_json::json;
use tower_lsp_server::ls_types::request as req;
use tower_lsp_server::ls_types::*;

use crate::common::lsp::{ENCODINGS, TestClient, code, titles};
use crate::common::{LINE_ENDINGS, fixture};

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

/// The text after `action`'s edit.
fn applied(client: &TestClient, action: &CodeAction) -> String {
    client.applied(URI, action.edit.as_ref().expect("an action with its edit"))
}

#[tokio::test]
async fn every_quick_fix_removes_its_diagnostic_and_adds_none() {
    let f = fixture(BROKEN);
    for enc in ENCODINGS {
        for eol in LINE_ENDINGS {
            let text = f.text(eol);
            let mut client = TestClient::start(Some(enc), json!({})).await;
            client.open(URI, &text).await;
            assert_eq!(
                client.diagnostic_marks(URI, Some(1)).await,
                f.marks,
                "{enc} {eol:?}"
            );
            let diags = client.diagnostics(URI, Some(1)).await;
            let before = problems(&text);
            for d in &diags {
                let code = code(d);
                let line = d.range.start.line as usize;
                let all = client
                    .code_actions_at(URI, d.range, std::slice::from_ref(d), None)
                    .await;
                let fixes: Vec<&CodeAction> = all
                    .iter()
                    .filter(|a| {
                        a.kind == Some(CodeActionKind::QUICKFIX)
                            && a.diagnostics.as_ref().and_then(|ds| ds.first()) == Some(d)
                    })
                    .collect();
                assert!(!fixes.is_empty(), "{enc}: no fix for {d:?}");
                let mut expected = before.clone();
                let i = expected
                    .iter()
                    .position(|p| *p == (line, code.to_string()))
                    .unwrap();
                expected.remove(i);
                let mut preferred_lines = Vec::new();
                for fix in &fixes {
                    let fixed = applied(&client, fix);
                    assert_eq!(
                        problems(&fixed),
                        expected,
                        "{enc} {eol:?}: `{}` for {code} on line {line} gives\n{fixed}",
                        fix.title
                    );
                    if fix.is_preferred == Some(true) {
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
        let all = client
            .code_actions_at(URI, diags[0].range, &diags, None)
            .await;
        let results: Vec<(String, String)> = all
            .iter()
            .map(|a| (a.title.clone(), applied(&client, a)))
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
        let all = client
            .code_actions_at(URI, diags[0].range, &diags, None)
            .await;
        let fixed: Vec<String> = all.iter().map(|a| applied(&client, a)).collect();
        assert_eq!(fixed, vec!["𠮷年龄\\>14周岁", "𠮷年龄14周岁"], "{enc}");
    }
}

#[tokio::test]
async fn only_quickfix_leaves_out_the_rewrites() {
    let f = fixture(
        "
<手机号码]
   | inside
         | closer
",
    );
    let text = f.text("\n");
    for enc in ENCODINGS {
        let mut client = TestClient::start(Some(enc), json!({})).await;
        client.open(URI, &text).await;
        let diags = client.diagnostics(URI, Some(1)).await;
        let quickfix = Some(vec![CodeActionKind::QUICKFIX]);
        let all = client
            .code_actions(URI, &f.mark("inside"), &diags, quickfix.clone())
            .await;
        assert!(all.is_empty(), "the cursor is not on the closer: {all:?}");
        let at_closer = f.mark("closer");
        let fixes = client.code_actions(URI, &at_closer, &diags, quickfix).await;
        assert!(
            fixes
                .iter()
                .all(|a| a.kind == Some(CodeActionKind::QUICKFIX)),
            "{enc}: {:?}",
            titles(&fixes)
        );
        assert!(
            titles(&fixes)[0].starts_with("Replace `]` with `>`"),
            "{enc}: {:?}",
            titles(&fixes)
        );
        let all = client.code_actions(URI, &at_closer, &diags, None).await;
        let titles = titles(&all);
        assert!(titles[0].starts_with("Replace `]` with `>`"), "{titles:?}");
        assert!(
            titles
                .iter()
                .any(|t| t.starts_with("Remove the data annotation")),
            "{titles:?}"
        );
    }
}

#[tokio::test]
async fn positions_inside_a_character_or_past_the_end_are_clamped() {
    let text = "😀<𠮷\r\n(我们)";
    for enc in ENCODINGS {
        let mut client = TestClient::start(Some(enc), json!({})).await;
        client.open(URI, text).await;
        client.diagnostics(URI, Some(1)).await;
        // Sent as they are: inside 😀 or 𠮷 (in UTF-8 and UTF-16), past the
        // end of a line, past the last line.
        let odd = [(0, 1), (0, 4), (0, 99), (1, 99), (7, 3)];
        let uri = crate::common::lsp::uri(URI);
        let doc = TextDocumentIdentifier { uri: uri.clone() };
        for (line, character) in odd {
            let p = Position::new(line, character);
            let at = TextDocumentPositionParams {
                text_document: doc.clone(),
                position: p,
            };
            client
                .code_actions_at(URI, Range::new(p, p), &[], None)
                .await;
            let wide = Range::new(Position::new(0, 1), p);
            client.code_actions_at(URI, wide, &[], None).await;
            client
                .send::<req::Completion>(CompletionParams {
                    text_document_position: at.clone(),
                    work_done_progress_params: Default::default(),
                    partial_result_params: Default::default(),
                    context: None,
                })
                .await
                .unwrap();
            client
                .send::<req::DocumentHighlightRequest>(DocumentHighlightParams {
                    text_document_position_params: at.clone(),
                    work_done_progress_params: Default::default(),
                    partial_result_params: Default::default(),
                })
                .await
                .unwrap();
            client
                .send::<req::PrepareRenameRequest>(at.clone())
                .await
                .unwrap();
            client
                .send::<req::References>(ReferenceParams {
                    text_document_position: at,
                    context: ReferenceContext {
                        include_declaration: true,
                    },
                    work_done_progress_params: Default::default(),
                    partial_result_params: Default::default(),
                })
                .await
                .unwrap();
            client.inlay_hints(URI, Range::new(p, p)).await;
        }
        // The server is still there and still right.
        let pulled = client.pull_diagnostics(URI).await.unwrap();
        assert_eq!(code(&pulled[0]), "unclosed-annotation", "{enc}");
    }
}
