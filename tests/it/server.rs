//! The language server driven in-process like an editor: document sync,
//! diagnostics, semantic tokens and settings, every position checked in all
//! three encodings and with every line ending. Hovers are in `hover.rs`.

use serde_json::json;
use tower_lsp_server::jsonrpc::ErrorCode;
use tower_lsp_server::ls_types::{
    DiagnosticSeverity, Position, Range, SemanticToken, SemanticTokensFullDeltaResult,
    TextDocumentContentChangeEvent,
};

use crate::common::lsp::{ENCODINGS, TestClient, Token, code};
use crate::common::{Cursor, LINE_ENDINGS, Mark, fixture};
use policy_lsp::server::{MAX_DIAGNOSTICS, TOO_MANY};

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

/// A change of `range` (protocol positions, as they are) to `text`.
fn change(range: Range, text: &str) -> TextDocumentContentChangeEvent {
    TextDocumentContentChangeEvent {
        range: Some(range),
        range_length: None,
        text: text.to_string(),
    }
}

/// A change of the whole text.
fn whole(text: &str) -> TextDocumentContentChangeEvent {
    TextDocumentContentChangeEvent {
        range: None,
        range_length: None,
        text: text.to_string(),
    }
}

fn range(l0: u32, c0: u32, l1: u32, c1: u32) -> Range {
    Range::new(Position::new(l0, c0), Position::new(l1, c1))
}

/// The tokens as the five integers each the protocol sends.
fn flat(tokens: &[SemanticToken]) -> Vec<u32> {
    tokens
        .iter()
        .flat_map(|t| {
            [
                t.delta_line,
                t.delta_start,
                t.length,
                t.token_type,
                t.token_modifiers_bitset,
            ]
        })
        .collect()
}

/// A document of `n` stray closers after an astral character.
fn closers(n: usize) -> String {
    format!("😀{}", ">".repeat(n))
}

#[tokio::test]
async fn a_flood_of_errors_is_sent_up_to_the_limit_then_a_warning_says_how_many_more() {
    let max = MAX_DIAGNOSTICS;
    for enc in ENCODINGS {
        let mut client = TestClient::start(Some(enc), json!({})).await;
        client.open(URI, &closers(max + 5)).await;
        let shown = client.diagnostics(URI, Some(1)).await;
        assert_eq!(shown.len(), max + 1, "{enc}");
        // The first `max` closers, in order, then the notice on the last.
        let last = &shown[max - 1];
        assert_eq!(code(last), "unmatched-closer");
        let at = client.cursor(URI, last.range.start);
        assert_eq!((at.line, at.col), (0, max), "{enc}");
        let notice = &shown[max];
        assert_eq!(code(notice), TOO_MANY);
        assert_eq!(notice.severity, Some(DiagnosticSeverity::WARNING));
        assert_eq!(notice.range, last.range);
        assert!(
            notice.message.starts_with("5 more diagnostics"),
            "{}",
            notice.message
        );
        // A pull gets the same.
        assert_eq!(client.pull_diagnostics(URI).await.unwrap(), shown, "{enc}");
        // Exactly the limit: all shown, no notice.
        client.change(URI, 2, vec![whole(&closers(max))]).await;
        let shown = client.diagnostics(URI, Some(2)).await;
        assert_eq!(shown.len(), max);
        assert!(shown.iter().all(|d| code(d) == "unmatched-closer"));
    }
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
            assert_eq!(
                client.diagnostic_marks(URI, Some(1)).await,
                f.marks,
                "{enc} {eol:?}"
            );
            let diags = client.diagnostics(URI, Some(1)).await;
            assert!(
                diags
                    .iter()
                    .all(|d| d.source.as_deref() == Some("policy-lsp"))
            );
            let severities: Vec<_> = diags.iter().map(|d| d.severity).collect();
            let error = Some(DiagnosticSeverity::ERROR);
            assert_eq!(
                severities,
                [error, error, error, Some(DiagnosticSeverity::WARNING)],
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
    let f = fixture("😀(我们)[收集]<手机号码$0\n𠮷");
    for enc in ENCODINGS {
        let text = f.text("\r\n");
        let mut client = TestClient::start(Some(enc), json!({})).await;
        client.open(URI, &text).await;
        assert_eq!(client.diagnostics(URI, Some(1)).await.len(), 1);
        let end = f.cursor();
        let v = client.edit(URI, end, end, ">").await;
        assert_eq!(v, 2);
        assert_eq!(client.diagnostics(URI, Some(2)).await, [], "{enc}");
        assert_eq!(client.text(URI), "😀(我们)[收集]<手机号码>\r\n𠮷");
        // A change that alters nothing still gets its version published.
        let v = client.edit(URI, end, end, "").await;
        assert!(client.diagnostics(URI, Some(v)).await.is_empty());
    }
}

#[tokio::test]
async fn several_changes_in_one_notification_apply_in_order() {
    let text = "<手机\n号码>[收集\n]";
    let mut client = TestClient::start(Some("utf-16"), json!({})).await;
    client.open(URI, text).await;
    assert_eq!(client.diagnostics(URI, Some(1)).await.len(), 4);
    // Join the lines: first line 0's break, then (positions now shifted) the next.
    let changes = vec![change(range(0, 3, 1, 0), ""), change(range(0, 9, 1, 0), "")];
    client.change(URI, 2, changes).await;
    assert!(client.diagnostics(URI, Some(2)).await.is_empty());
    let tokens = client.tokens(URI).await;
    // `<手机号码>[收集]`: data at 1 (4 units), action 6 units further.
    assert_eq!(flat(&tokens.data), [0, 1, 4, 2, 0, 0, 6, 2, 1, 0]);
}

#[tokio::test]
async fn a_whole_text_change_replaces_the_document() {
    let mut client = TestClient::start(Some("utf-16"), json!({})).await;
    client.open(URI, "<数据").await;
    client.diagnostics(URI, Some(1)).await;
    client.change(URI, 2, vec![whole("(我们)")]).await;
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
        .change("file:///tmp/never-opened.policy", 2, vec![whole("x")])
        .await;
    // A reversed range, then a range past the end and inside 😀's surrogate pair.
    client
        .change(URI, 2, vec![change(range(0, 3, 0, 1), "x")])
        .await;
    assert!(client.diagnostics(URI, Some(2)).await.is_empty());
    client
        .change(URI, 3, vec![change(range(9, 99, 9, 99), "😀")])
        .await;
    client.diagnostics(URI, Some(3)).await;
    client
        .change(URI, 4, vec![change(range(0, 5, 0, 5), "<")])
        .await;
    let diags = client.diagnostics(URI, Some(4)).await;
    // The `<` landed before 😀, not inside it: "<数据><😀".
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].range.start, Position::new(0, 4));
    for said in ["not open", "before it starts", "clamped"] {
        assert!(
            client.logs.iter().any(|l| l.contains(said)),
            "{said}: {:?}",
            client.logs
        );
    }
    // The other document is intact.
    let pulled = client
        .pull_diagnostics("file:///tmp/other.policy")
        .await
        .unwrap();
    assert_eq!(code(&pulled[0]), "unclosed-annotation");
}

#[tokio::test]
async fn pull_diagnostics_answer_like_the_published_ones() {
    let mut client = TestClient::start(Some("utf-8"), json!({})).await;
    client.open(URI, "您的<账户名]").await;
    let pushed = client.diagnostics(URI, Some(1)).await;
    let pulled = client.pull_diagnostics(URI).await.expect("a full report");
    assert_eq!(pulled, pushed);
    assert!(client.pull_diagnostics("file:///nope").await.is_err());
}

#[tokio::test]
async fn closing_a_document_clears_its_diagnostics() {
    let mut client = TestClient::start(Some("utf-16"), json!({})).await;
    client.open(URI, "<数据").await;
    assert_eq!(client.diagnostics(URI, Some(1)).await.len(), 1);
    client.close(URI).await;
    assert!(client.diagnostics(URI, None).await.is_empty());
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
            let full = client.tokens(URI).await;
            let got: Vec<Mark> = client
                .decode(URI, &full.data)
                .iter()
                .map(|t| Mark {
                    label: t.kind.clone(),
                    ..t.mark()
                })
                .collect();
            assert_eq!(got, f.marks, "{enc} {eol:?}");
            // Range: only the second line, still absolute in the document.
            let part = client.tokens_range(URI, range(1, 0, 1, 3)).await;
            let got: Vec<Cursor> = client
                .decode(URI, &part.data)
                .iter()
                .map(|t| t.mark().start())
                .collect();
            assert_eq!(got, [Cursor::new(1, 2), Cursor::new(1, 9)]);
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
    let full = client.tokens(URI).await;
    let id = full.result_id.expect("a result id");
    assert_eq!(full.data.len(), 200 * 3);
    // Type one character inside the data item of line 100.
    let at = Cursor::new(100, 10);
    client.edit(URI, at, at, "码").await;
    let SemanticTokensFullDeltaResult::TokensDelta(delta) = client.tokens_delta(URI, &id).await
    else {
        panic!("a delta, not full tokens");
    };
    assert_eq!(delta.edits.len(), 1);
    let edit = &delta.edits[0];
    assert_eq!(
        edit.delete_count, 5,
        "only the edited token is replaced: {delta:?}"
    );
    assert_eq!(edit.start, (100 * 3 + 2) * 5);
    // 数据100 was 5 units long; 码 makes it 6.
    let data = edit.data.as_deref().unwrap_or_default();
    assert_eq!(data[0].length, 6, "the token grew by one unit");
    // A stale result id gets full tokens.
    let stale = client.tokens_delta(URI, "nope").await;
    assert!(
        matches!(stale, SemanticTokensFullDeltaResult::Tokens(_)),
        "{stale:?}"
    );
}

#[tokio::test]
async fn unknown_methods_get_method_not_found_and_the_server_goes_on() {
    let mut client = TestClient::start(Some("utf-16"), json!({})).await;
    let err = client
        .request("policy/nonsense", json!({}))
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::MethodNotFound);
    client.open(URI, "<数据").await;
    assert_eq!(client.diagnostics(URI, Some(1)).await.len(), 1);
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

/// Whether each token of `uri` is marked sensitive.
async fn sensitive(client: &mut TestClient, uri: &str) -> Vec<bool> {
    let full = client.tokens(uri).await;
    client
        .decode(uri, &full.data)
        .iter()
        .map(|t: &Token| t.modifiers == ["sensitive"])
        .collect()
}

#[tokio::test]
async fn the_workspace_taxonomy_applies_and_reloads_when_it_changes() {
    // 昵称 is ordinary personal information; this policy team counts it as sensitive.
    let strict = "[[category]]\nid = \"nickname_strict\"\nname_zh = \"昵称（本项目视为敏感）\"\nname_en = \"Nickname\"\nsensitive = true\nsource = \"team rule\"\nkeywords = [\"昵称\"]\n";
    let (dir, uri) = workspace("reload", strict);
    let mut client = TestClient::start(Some("utf-16"), json!({})).await;
    client.open(&uri, "<昵称>和<手机号码>").await;
    assert_eq!(
        sensitive(&mut client, &uri).await,
        [true, false],
        "the team's rule makes 昵称 sensitive"
    );
    // The file is edited back to the standard's view, and the client says so.
    std::fs::write(dir.join("policy-lsp.toml"), "# no overrides\n").unwrap();
    let changed = format!("file://{}/policy-lsp.toml", dir.display());
    client.file_changed(&changed).await;
    assert_eq!(sensitive(&mut client, &uri).await, [false, false]);
    // A broken file: reported, and the built-in taxonomy stays in force.
    std::fs::write(dir.join("policy-lsp.toml"), "[[category]]\nid = 3\n").unwrap();
    client.file_changed(&changed).await;
    assert_eq!(sensitive(&mut client, &uri).await, [false, false]);
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
    client.open(&uri, "<天气>").await;
    assert_eq!(sensitive(&mut client, &uri).await, [true]);
    client
        .configure(json!({ "policyLsp": { "taxonomy": null } }))
        .await;
    assert_eq!(sensitive(&mut client, &uri).await, [false]);
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
        client.forget(URI);
        client
            .configure(json!({ "policyLsp": { "lints": {
                "sensitive-data": "on", "unclassified-data": "on", "unspecific-data": "on",
                "unknown-practice": "warning" } } }))
            .await;
        // The lint covers the whole annotation; the fixture marks its content.
        let want: Vec<Mark> = f.marks.iter().map(Mark::with_brackets).collect();
        assert_eq!(client.diagnostic_marks(URI, Some(1)).await, want, "{enc}");
        let diags = client.diagnostics(URI, Some(1)).await;
        let severity = |c: &str| diags.iter().find(|d| code(d) == c).unwrap().severity;
        assert_eq!(
            severity("sensitive-data"),
            Some(DiagnosticSeverity::INFORMATION),
            "information by default"
        );
        assert_eq!(
            severity("unclassified-data"),
            Some(DiagnosticSeverity::HINT),
            "hint by default"
        );
        assert_eq!(
            severity("unknown-practice"),
            Some(DiagnosticSeverity::WARNING),
            "re-levelled to warning"
        );
        // Syntax checks cannot be switched off: refused, and logged.
        client
            .configure(json!({ "lints": { "padded-annotation": "off" } }))
            .await;
        let refused = client
            .wait_for_log(|l| l.contains("padded-annotation"))
            .await;
        assert!(refused.contains("syntax check"), "{refused}");
    }
}

/// Applies a semantic tokens delta to the client's copy of the data.
fn apply_token_edits(data: &mut Vec<u32>, delta: &SemanticTokensFullDeltaResult) {
    let SemanticTokensFullDeltaResult::TokensDelta(delta) = delta else {
        panic!("a delta expected: {delta:?}");
    };
    let mut edits: Vec<_> = delta.edits.iter().collect();
    // The protocol's edits refer to the old array; apply from the back.
    edits.sort_by_key(|e| std::cmp::Reverse(e.start));
    for e in edits {
        let (start, count) = (e.start as usize, e.delete_count as usize);
        data.splice(
            start..start + count,
            flat(e.data.as_deref().unwrap_or_default()),
        );
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
        let text =
            "😀(我们)[收集]<指纹>\r\n𠮷<手机号码>和<天气>\n\n{为了}<身份证号码>\r<数据>".repeat(3);
        let mut client = TestClient::start(Some(enc), json!({})).await;
        client.open(URI, &text).await;
        let full = client.tokens(URI).await;
        let mut id = full.result_id.expect("a result id");
        let mut data = flat(&full.data);
        for round in 0..60 {
            let mut version = 0;
            for _ in 0..1 + next(3) {
                let text = client.text(URI).to_string();
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
                version = client
                    .edit(URI, Cursor::new(l, c1), Cursor::new(l2, c2), piece)
                    .await;
            }
            client.diagnostics(URI, Some(version)).await;
            let delta = client.tokens_delta(URI, &id).await;
            apply_token_edits(&mut data, &delta);
            let SemanticTokensFullDeltaResult::TokensDelta(d) = &delta else {
                unreachable!("checked by apply_token_edits");
            };
            id = d.result_id.clone().expect("a new result id");
            let text = client.text(URI).to_string();
            let fresh_uri = format!("{URI}.fresh{round}");
            client.open(&fresh_uri, &text).await;
            let fresh = client.tokens(&fresh_uri).await;
            assert_eq!(data, flat(&fresh.data), "{enc} round {round}: {text:?}");
            client.close(&fresh_uri).await;
        }
        // Nothing changed since: an empty delta.
        let SemanticTokensFullDeltaResult::TokensDelta(delta) = client.tokens_delta(URI, &id).await
        else {
            panic!("a delta expected");
        };
        assert!(delta.edits.is_empty(), "{delta:?}");
    }
}

/// One token a line: `line:start-end kind [modifiers] "text"`, 1-based
/// char columns.
fn render_tokens(client: &TestClient, uri: &str, tokens: &[SemanticToken]) -> String {
    let text = client.text(uri);
    let lines: Vec<&str> = policy_core::document::lines_of(text).collect();
    client
        .decode(uri, tokens)
        .iter()
        .map(|t| {
            let covered: String = lines[t.line]
                .chars()
                .skip(t.start)
                .take(t.end - t.start)
                .collect();
            let modifiers: String = t.modifiers.iter().map(|m| format!(" [{m}]")).collect();
            format!(
                "{}:{}-{} {}{modifiers} {covered:?}\n",
                t.line + 1,
                t.start + 1,
                t.end + 1,
                t.kind
            )
        })
        .collect()
}

/// Every kind, sensitive and ordinary data, a list, an escape, an unclosed
/// annotation (no token), after astral characters and U+2028.
const TOKENS_SAMPLE: &str = "😀(我们)[收集]您的<指纹>和<手机号码>，{用于\\}登录验证}
𠮷(第三方SDK)会[共享]<设备型号、身份证号码>\u{2028}<天气>
<未闭合 [使用]<银行卡号>";

#[tokio::test]
async fn semantic_tokens_read_as_the_user_sees_them() {
    let mut rendered = Vec::new();
    for enc in ENCODINGS {
        let mut client = TestClient::start(Some(enc), json!({})).await;
        client.open(URI, TOKENS_SAMPLE).await;
        let full = client.tokens(URI).await;
        rendered.push(render_tokens(&client, URI, &full.data));
    }
    assert_eq!(rendered[0], rendered[1], "utf-8 and utf-16 agree");
    assert_eq!(rendered[1], rendered[2], "utf-16 and utf-32 agree");
    insta::assert_snapshot!(rendered[1]);
}
