//! The language server driven in-process like an editor, every position
//! checked in all three encodings and with every line ending.

use crate::common::lsp::{ENCODINGS, TestClient};
use crate::common::{LINE_ENDINGS, Mark, fixture};
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
    let tokens = client.full_tokens(URI).await;
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
            let full = client.full_tokens(URI).await;
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
    let full = client.full_tokens(URI).await;
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
    let delta = client.token_delta(URI, &id).await;
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
    // (line, column, what the first line of the hover must say)
    let cases = [
        (0, 2, &["第一方"][..]),
        (0, 7, &["共享", "share"]),
        (0, 13, &["第三方"]),
        (1, 2, &["collect"]),
        // The brackets belong to the annotation; the next character is the next one's.
        (0, 4, &["第一方"]),
        (0, 5, &["共享"]),
    ];
    for (line, col, want) in cases {
        let at = json!({ "textDocument": { "uri": URI }, "position": { "line": line, "character": col } });
        let h = client.request("textDocument/hover", at).await.unwrap();
        let first = h["contents"]["value"]
            .as_str()
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .to_string();
        for w in want {
            assert!(first.contains(w), "{line}:{col}: {first}");
        }
    }
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

/// The hover text at (line, char column) of `text`.
async fn hover_text(client: &mut TestClient, text: &str, line: usize, col: usize) -> Value {
    let at = client.pos(text, line, col);
    client
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": URI }, "position": at }),
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn hover_on_a_data_list_classifies_each_item_in_every_encoding() {
    for enc in ENCODINGS {
        for eol in LINE_ENDINGS {
            let text = format!(
                "😀𠮷标题{eol}(我们)[收集]<您的真实姓名、身份证号码、设备型号>\u{2028}<天气>"
            );
            let mut client = TestClient::start(Some(enc), json!({})).await;
            client.open(URI, &text).await;
            let h = hover_text(&mut client, &text, 1, 12).await;
            let value = h["contents"]["value"].as_str().unwrap();
            assert_eq!(h["contents"]["kind"], "markdown");
            let first = value.lines().next().unwrap();
            assert!(
                first.contains("个人敏感信息") && first.contains("个人身份信息"),
                "{enc}: {first}"
            );
            for item in ["真实姓名", "身份证号码", "设备型号"] {
                assert!(
                    value.contains(&format!("`{item}`")),
                    "{item} listed: {value}"
                );
            }
            assert!(
                value.contains("Matched:") && value.contains("身份证"),
                "{value}"
            );
            assert!(
                value.contains("GB/T 35273-2020"),
                "the legal source: {value}"
            );
            assert!(
                value.contains("separate consent"),
                "why it matters: {value}"
            );
            // The hover range is the whole annotation, brackets included.
            let m = client.mark(&text, &h["range"], "data");
            assert_eq!((m.line, m.start, m.end), (1, 8, 27), "{enc} {eol:?}");
            // Not in the taxonomy: 未分类 on the first line.
            let h = hover_text(&mut client, &text, 1, 29).await;
            let first = h["contents"]["value"]
                .as_str()
                .unwrap()
                .lines()
                .next()
                .unwrap()
                .to_string();
            assert!(first.contains("未分类"), "{first}");
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
    let text = "<指纹>";
    client.open(URI, text).await;
    let h = hover_text(&mut client, text, 0, 1).await;
    assert_eq!(h["contents"]["kind"], "plaintext");
    let value = h["contents"]["value"].as_str().unwrap();
    assert!(
        value.starts_with("个人敏感信息 · 个人生物识别信息"),
        "{value}"
    );
    assert!(!value.contains("**") && !value.contains('`'), "{value}");
}

/// A workspace folder with a `policy-lsp.toml` and a document in it.
fn workspace(name: &str, toml: &str) -> (std::path::PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("policy-lsp-ws-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("policy-lsp.toml"), toml).unwrap();
    let uri = format!("file://{}/sub/doc.policy", dir.display());
    (dir, uri)
}

async fn modifiers(client: &mut TestClient, uri: &str) -> Vec<u64> {
    let full = client.full_tokens(uri).await;
    full["data"]
        .as_array()
        .unwrap()
        .chunks(5)
        .map(|t| t[4].as_u64().unwrap())
        .collect()
}

#[tokio::test]
async fn the_workspace_taxonomy_applies_and_reloads_when_it_changes() {
    // 昵称 is ordinary personal information; this policy team counts it as sensitive.
    let strict = "[[category]]\nid = \"nickname_strict\"\nname_zh = \"昵称（本项目视为敏感）\"\nname_en = \"Nickname\"\nsensitive = true\nsource = \"team rule\"\nkeywords = [\"昵称\"]\n";
    let (dir, uri) = workspace("reload", strict);
    let mut client = TestClient::start(Some("utf-16"), json!({})).await;
    let text = "<昵称>和<手机号码>";
    client.notify("textDocument/didOpen", json!({ "textDocument": { "uri": uri, "languageId": "policy", "version": 1, "text": text } })).await;
    assert_eq!(
        modifiers(&mut client, &uri).await,
        vec![1, 0],
        "the team's rule makes 昵称 sensitive"
    );
    // The file is edited back to the standard's view, and the client says so.
    std::fs::write(dir.join("policy-lsp.toml"), "# no overrides\n").unwrap();
    let changed = format!("file://{}/policy-lsp.toml", dir.display());
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({ "changes": [{ "uri": changed, "type": 2 }] }),
        )
        .await;
    assert_eq!(modifiers(&mut client, &uri).await, vec![0, 0]);
    // A broken file: reported, and the built-in taxonomy stays in force.
    std::fs::write(dir.join("policy-lsp.toml"), "[[category]]\nid = 3\n").unwrap();
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({ "changes": [{ "uri": changed, "type": 2 }] }),
        )
        .await;
    assert_eq!(modifiers(&mut client, &uri).await, vec![0, 0]);
    let error = client
        .wait_for_log(|l| l.contains("policy-lsp.toml:"))
        .await;
    assert!(error.contains("built-in taxonomy"), "{error}");
}

#[tokio::test]
async fn a_taxonomy_named_in_the_settings_wins_over_the_workspace_file() {
    let (dir, uri) = workspace("settings", "# nothing\n");
    let named = dir.join("team.toml");
    std::fs::write(&named, "[[category]]\nid = \"weather\"\nname_zh = \"天气偏好\"\nname_en = \"Weather\"\nsensitive = true\nsource = \"team rule\"\nkeywords = [\"天气\"]\n").unwrap();
    let mut client = TestClient::start(Some("utf-16"), json!({ "taxonomy": named })).await;
    client.notify("textDocument/didOpen", json!({ "textDocument": { "uri": uri, "languageId": "policy", "version": 1, "text": "<天气>" } })).await;
    assert_eq!(modifiers(&mut client, &uri).await, vec![1]);
    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({ "settings": { "policyLsp": { "taxonomy": null } } }),
        )
        .await;
    assert_eq!(modifiers(&mut client, &uri).await, vec![0]);
}

#[tokio::test]
async fn lints_are_off_by_default_and_switched_on_by_settings() {
    let f = fixture(
        "
😀(我们)[收集]<指纹>和<天气>及<上述信息>
               ^^^^ sensitive-data
                       ^^^^ unclassified-data
                               ^^^^^^^^ unspecific-data
𠮷[瞎编]<手机号码>
   ^^^^ unknown-practice
",
    );
    let text = f.text("\r\n");
    for enc in ENCODINGS {
        let mut client = TestClient::start(Some(enc), json!({})).await;
        client.open(URI, &text).await;
        assert!(
            client.diagnostics(URI, Some(1)).await.is_empty(),
            "lints are off by default"
        );
        let all_on = json!({ "settings": { "policyLsp": { "lints": {
            "sensitive-data": "on", "unclassified-data": "on", "unspecific-data": "on", "unknown-practice": "warning" } } } });
        client.forget(URI);
        client
            .notify("workspace/didChangeConfiguration", all_on)
            .await;
        let diags = client.diagnostics(URI, Some(1)).await;
        let mut got: Vec<Mark> = diags
            .iter()
            .map(|d| {
                let m = client.mark(&text, &d["range"], d["code"].as_str().unwrap());
                // The lint covers the whole annotation; the fixture marks its content.
                Mark {
                    start: m.start + 1,
                    end: m.end - 1,
                    ..m
                }
            })
            .collect();
        got.sort();
        assert_eq!(got, f.marks, "{enc}");
        let severity =
            |code: &str| diags.iter().find(|d| d["code"] == code).unwrap()["severity"].as_i64();
        assert_eq!(
            severity("sensitive-data"),
            Some(3),
            "information by default"
        );
        assert_eq!(severity("unclassified-data"), Some(4), "hint by default");
        assert_eq!(
            severity("unknown-practice"),
            Some(2),
            "re-levelled to warning"
        );
        // Syntax checks cannot be switched off: refused, and logged.
        client
            .notify(
                "workspace/didChangeConfiguration",
                json!({ "settings": { "lints": { "padded-annotation": "off" } } }),
            )
            .await;
        let refused = client
            .wait_for_log(|l| l.contains("padded-annotation"))
            .await;
        assert!(refused.contains("syntax check"), "{refused}");
    }
}

/// Applies a semantic tokens delta to the client's copy of the data.
fn apply_token_edits(data: &mut Vec<u64>, delta: &Value) {
    let mut edits: Vec<&Value> = delta["edits"].as_array().expect("a delta").iter().collect();
    // The protocol's edits refer to the old array; apply from the back.
    edits.sort_by_key(|e| std::cmp::Reverse(e["start"].as_u64()));
    for e in edits {
        let start = e["start"].as_u64().unwrap() as usize;
        let count = e["deleteCount"].as_u64().unwrap() as usize;
        let new: Vec<u64> = e["data"]
            .as_array()
            .map_or(vec![], |a| a.iter().map(|v| v.as_u64().unwrap()).collect());
        data.splice(start..start + count, new);
    }
}

#[tokio::test]
async fn token_deltas_after_random_edits_equal_fresh_tokens() {
    // Edits that add and remove lines, join a CR to an LF, break and mend
    // annotations, before and after astral characters.
    const PIECES: [&str; 14] = [
        "<", ">", "[收集]", "<指纹>", "😀", "𠮷", "\n", "\r\n", "\r", "{为了", "}", "(我们)",
        "\u{2028}", "",
    ];
    let mut seed = 0x2545F4914F6CDD1Du64;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n.max(1) as u64) as usize
    };
    for enc in ENCODINGS {
        let mut text =
            "😀(我们)[收集]<指纹>\r\n𠮷<手机号码>和<天气>\n\n{为了}<身份证号码>\r<数据>".repeat(3);
        let mut client = TestClient::start(Some(enc), json!({})).await;
        client.open(URI, &text).await;
        let full = client.full_tokens(URI).await;
        let mut id = full["resultId"].as_str().unwrap().to_string();
        let mut data: Vec<u64> = full["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .collect();
        let mut version = 1;
        for round in 0..60 {
            for _ in 0..1 + next(3) {
                let lines: Vec<&str> = policy_core::document::lines_of(&text).collect();
                let l = next(lines.len());
                let len = lines[l].chars().count();
                let (c1, c2) = (next(len + 1), next(len + 1));
                let (c1, c2) = (
                    c1.min(c2),
                    if next(3) == 0 { c1.max(c2) } else { c1.min(c2) },
                );
                let (l2, c2) = if next(6) == 0 && l + 1 < lines.len() {
                    (l + 1, 0)
                } else {
                    (l, c2)
                };
                let piece = PIECES[next(PIECES.len())];
                let range =
                    json!({ "start": client.pos(&text, l, c1), "end": client.pos(&text, l2, c2) });
                version += 1;
                client
                    .change(URI, version, json!([{ "range": range, "text": piece }]))
                    .await;
                text = crate::common::edits::apply_text_edits(
                    &client,
                    &text,
                    &[json!({ "range": range, "newText": piece })],
                );
            }
            client.diagnostics(URI, Some(version)).await;
            let delta = client.token_delta(URI, &id).await;
            apply_token_edits(&mut data, &delta);
            id = delta["resultId"].as_str().unwrap().to_string();
            let fresh_uri = format!("{URI}.fresh{round}");
            client.notify("textDocument/didOpen", json!({ "textDocument": { "uri": fresh_uri, "languageId": "policy", "version": 1, "text": text } })).await;
            let fresh = client.full_tokens(&fresh_uri).await;
            let fresh: Vec<u64> = fresh["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_u64().unwrap())
                .collect();
            assert_eq!(data, fresh, "{enc} round {round}: {text:?}");
            client
                .notify(
                    "textDocument/didClose",
                    json!({ "textDocument": { "uri": fresh_uri } }),
                )
                .await;
        }
        // Nothing changed since: an empty delta.
        let delta = client.token_delta(URI, &id).await;
        assert_eq!(delta["edits"], json!([]));
    }
}
