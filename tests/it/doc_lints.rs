//! The document-level lints (`contradiction`, `unannotated-term`,
//! `kind-mismatch`, `missing-disclosure`) as an editor and a terminal see
//! them: related places in every encoding with 😀, 𠮷 and CRLF, quick fixes
//! applied, the lints following edits and the settings, `check`'s `related`.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};
use tower_lsp_server::ls_types::{
    CodeAction, Diagnostic, NumberOrString, TextDocumentContentChangeEvent,
};

use crate::common::lsp::{ENCODINGS, TestClient, titles};
use crate::common::{Cursor, LINE_ENDINGS};

const URI: &str = "file:///tmp/policy-lsp-test/doc-lints.policy";

fn code(d: &Diagnostic) -> &str {
    match &d.code {
        Some(NumberOrString::String(s)) => s,
        _ => "",
    }
}

fn of<'a>(ds: &'a [Diagnostic], wanted: &str) -> Vec<&'a Diagnostic> {
    ds.iter().filter(|d| code(d) == wanted).collect()
}

/// A contradiction across lines: both actions reported, each with the
/// other's range as related information in this document.
#[tokio::test]
async fn a_contradiction_points_at_its_other_side_in_every_encoding() {
    for enc in ENCODINGS {
        for eol in LINE_ENDINGS {
            let text = format!(
                "😀(我们)不会[共享]您的<位置信息>。{eol}无关的一行。{eol}𠮷(我们)会与(广告商)[共享]您的<位置信息>。{eol}"
            );
            let mut client = TestClient::start(Some(enc), json!({})).await;
            client.open(URI, &text).await;
            assert!(
                client.diagnostics(URI, Some(1)).await.is_empty(),
                "off by default"
            );
            let mut client =
                TestClient::start(Some(enc), json!({ "lints": { "contradiction": "on" } })).await;
            client.open(URI, &text).await;
            let ds = client.diagnostics(URI, Some(1)).await;
            let found = of(&ds, "contradiction");
            assert_eq!(found.len(), 2, "{enc} {eol:?}: {ds:?}");
            let denied = client.range(URI, &mark(0, 7, 11));
            let affirmed = client.range(URI, &mark(2, 12, 16));
            assert_eq!(found[0].range, denied, "{enc}");
            assert_eq!(found[1].range, affirmed, "{enc}");
            for (d, other, says) in [
                (found[0], affirmed, "affirmed here"),
                (found[1], denied, "denied here"),
            ] {
                let related = d.related_information.as_ref().expect("related information");
                assert_eq!(related.len(), 1);
                assert_eq!(related[0].location.uri.as_str(), URI);
                assert_eq!(related[0].location.range, other, "{enc} {eol:?}");
                assert_eq!(related[0].message, says);
            }
            // A condition added to the denial ends the contradiction.
            let at = Cursor::new(0, 1);
            let version = client.edit(URI, at, at, "除非您同意，").await;
            let ds = client.diagnostics(URI, Some(version)).await;
            assert!(of(&ds, "contradiction").is_empty(), "{enc}: {ds:?}");
        }
    }
}

fn mark(line: usize, start: usize, end: usize) -> crate::common::Mark {
    crate::common::Mark {
        line,
        start,
        end,
        label: String::new(),
    }
}

fn action<'a>(actions: &'a [CodeAction], title: &str) -> &'a CodeAction {
    actions
        .iter()
        .find(|a| a.title.starts_with(title))
        .unwrap_or_else(|| panic!("no `{title}` in {:?}", titles(actions)))
}

/// `unannotated-term` on the unannotated places only; "annotate this" and
/// "annotate all" give the expected text; switched on by the settings after
/// the document was opened; gone once annotated.
#[tokio::test]
async fn unannotated_terms_are_fixed_one_by_one_or_all_at_once() {
    for enc in ENCODINGS {
        for eol in LINE_ENDINGS {
            let text =
                format!("😀(我们)[收集]<手机号码>{eol}𠮷手机号码，<手机号>和手机号码。{eol}");
            let mut client = TestClient::start(Some(enc), json!({})).await;
            client.open(URI, &text).await;
            assert!(client.diagnostics(URI, Some(1)).await.is_empty());
            client
                .configure(json!({ "lints": { "unannotated-term": "on" } }))
                .await;
            // An empty edit, for a version to wait for.
            let at = Cursor::new(0, 0);
            let version = client.edit(URI, at, at, "").await;
            let ds = client.diagnostics(URI, Some(version)).await;
            let found = of(&ds, "unannotated-term");
            let places: Vec<_> = found.iter().map(|d| d.range).collect();
            assert_eq!(
                places,
                [
                    client.range(URI, &mark(1, 1, 5)),
                    client.range(URI, &mark(1, 12, 16))
                ],
                "{enc} {eol:?}: {ds:?}"
            );
            let actions = client.code_actions(URI, &mark(1, 2, 2), &[], None).await;
            let one = action(&actions, "Annotate this “手机号码” as <data>");
            let edit = one.edit.as_ref().expect("an edit");
            assert_eq!(
                client.applied(URI, edit),
                format!("😀(我们)[收集]<手机号码>{eol}𠮷<手机号码>，<手机号>和手机号码。{eol}")
            );
            let all = action(&actions, "Annotate all 2 unannotated “手机号码” as <data>");
            let edit = all.edit.as_ref().expect("an edit");
            let fixed = client.applied(URI, edit);
            assert_eq!(
                fixed,
                format!("😀(我们)[收集]<手机号码>{eol}𠮷<手机号码>，<手机号>和<手机号码>。{eol}")
            );
            let version = client.version(URI) + 1;
            let change = TextDocumentContentChangeEvent {
                range: None,
                range_length: None,
                text: fixed,
            };
            client.change(URI, version, vec![change]).await;
            let ds = client.diagnostics(URI, Some(version)).await;
            assert!(of(&ds, "unannotated-term").is_empty(), "{enc}: {ds:?}");
        }
    }
}

/// `kind-mismatch` on the minority kind, pointing at the majority's first.
#[tokio::test]
async fn a_kind_mismatch_points_at_the_kind_meant() {
    for enc in ENCODINGS {
        let text = "😀(合作伙伴)[共享]<订单信息>\r\n(合作伙伴)[使用]\r\n𠮷<合作伙伴>\r\n";
        let mut client =
            TestClient::start(Some(enc), json!({ "lints": { "kind-mismatch": "on" } })).await;
        client.open(URI, text).await;
        let ds = client.diagnostics(URI, Some(1)).await;
        let found = of(&ds, "kind-mismatch");
        assert_eq!(found.len(), 1, "{ds:?}");
        assert_eq!(found[0].range, client.range(URI, &mark(2, 1, 7)));
        assert!(found[0].message.contains("actor"), "{}", found[0].message);
        let related = found[0].related_information.as_ref().expect("related");
        assert_eq!(related[0].location.range, client.range(URI, &mark(0, 1, 7)));
    }
}

fn policy_lsp(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_policy-lsp"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    if let Err(e) = child.stdin.take().expect("piped stdin").write_all(stdin) {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
    }
    child.wait_with_output().expect("the binary ends")
}

fn records(o: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// `check --format json`: a contradiction's record names the other side in
/// `related` (1-based, columns in characters); the human output too.
#[test]
fn check_gives_the_related_place() {
    let text =
        "😀(我们)不会[共享]您的<位置信息>。\r\n𠮷(我们)会与(广告商)[共享]您的<位置信息>。\r\n";
    let o = policy_lsp(
        &["check", "-", "--format", "json", "--lint", "contradiction"],
        text.as_bytes(),
    );
    let found: Vec<(u64, u64, Value)> = records(&o)
        .into_iter()
        .filter(|r| r["code"] == "contradiction")
        .map(|r| {
            (
                r["line"].as_u64().unwrap_or(0),
                r["column"].as_u64().unwrap_or(0),
                r["related"].clone(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (1, 8, json!([{ "line": 2, "column": 13 }])),
            (2, 13, json!([{ "line": 1, "column": 8 }])),
        ]
    );
    let o = policy_lsp(&["check", "-", "--lint", "contradiction"], text.as_bytes());
    let human = String::from_utf8_lossy(&o.stdout);
    assert!(
        human.contains("= note: affirmed here: <stdin>:2:13"),
        "{human}"
    );
    assert!(
        human.contains("= note: denied here: <stdin>:1:8"),
        "{human}"
    );
    // SARIF: relatedLocations.
    let o = policy_lsp(
        &["check", "-", "--format", "sarif", "--lint", "contradiction"],
        text.as_bytes(),
    );
    let log: Value = serde_json::from_slice(&o.stdout).expect("a SARIF log");
    let related = &log["runs"][0]["results"][0]["relatedLocations"][0];
    assert_eq!(related["physicalLocation"]["region"]["startLine"], 2);
    assert_eq!(related["physicalLocation"]["region"]["startColumn"], 13);
}

/// The JD sample with the preset: the one missing-disclosure finding lists
/// what its excerpt (the policy's first section) never covers.
#[test]
fn the_jd_excerpt_misses_the_disclosures_of_the_sections_it_lacks() {
    let o = policy_lsp(
        &[
            "check",
            "examples/jd-privacy-policy.policy",
            "--format",
            "json",
            "--lint",
            "pipl",
        ],
        b"",
    );
    let missing: Vec<Value> = records(&o)
        .into_iter()
        .filter(|r| r["code"] == "missing-disclosure")
        .collect();
    assert_eq!(missing.len(), 1);
    assert_eq!(
        (missing[0]["line"].as_u64(), missing[0]["column"].as_u64()),
        (Some(1), Some(1))
    );
    let message = missing[0]["message"].as_str().unwrap_or_default();
    for topic in [
        "controller-contact",
        "user-rights",
        "retention",
        "minors",
        "policy-updates",
    ] {
        assert!(message.contains(topic), "{topic}: {message}");
    }
    // Consent withdrawal is stated in a sentence (关闭…权限, line 67), not
    // a heading: docs/language.md §7.12.
    for topic in [
        "collection-and-use",
        "third-party-sharing",
        "security",
        "consent-withdrawal",
    ] {
        assert!(!message.contains(topic), "{topic}: {message}");
    }
    assert!(
        !records(&o)
            .iter()
            .any(|r| r["code"] == "contradiction" || r["code"] == "kind-mismatch"),
        "the JD excerpt contradicts itself nowhere and annotates each text as one kind"
    );
}

/// A large "annotate all" of unannotated terms goes through the same
/// resolve machinery as the other annotate-all actions.
#[tokio::test]
async fn a_large_annotate_all_of_unannotated_terms_is_resolved_when_picked() {
    let mut text = String::from("𠮷<手机号码>\r\n");
    for _ in 0..20 {
        text.push_str("😀您的手机号码。\r\n");
    }
    let resolves = json!({ "codeAction": { "resolveSupport": { "properties": ["edit"] } } });
    for enc in ENCODINGS {
        let mut client = TestClient::start_with(
            Some(enc),
            json!({ "lints": { "unannotated-term": "on" } }),
            resolves.clone(),
        )
        .await;
        client.open(URI, &text).await;
        let acts = client.code_actions(URI, &mark(3, 4, 4), &[], None).await;
        let all = action(&acts, "Annotate all 20 unannotated “手机号码” as <data>");
        assert!(all.edit.is_none(), "sent without its 40 edits");
        let resolved = client.resolve(all.clone()).await;
        let done = client.applied(URI, resolved.edit.as_ref().expect("resolved with its edit"));
        assert_eq!(done.matches("<手机号码>").count(), 21, "{enc}");
        assert!(!done.contains("您的手机号码"), "{enc}: {done}");
    }
}

/// A document whose 手机号码 stands unannotated 25 times after its one
/// annotation, on lines 2 to 26 (1-based), in two shapes.
fn unannotated_25(eol: &str) -> String {
    let mut text = format!("(我们)[收集]<手机号码>。{eol}");
    for i in 0..25 {
        text.push_str(if i % 2 == 0 {
            "😀更换手机号码。"
        } else {
            "验证𠮷手机号码后登录。"
        });
        text.push_str(eol);
    }
    text
}

/// `unannotated-term` reports the first 20 places of a term, the 20th
/// saying how many more there are; "Annotate all" still wraps all 25;
/// `unannotated-term-max-per-term = 0` reports every place.
#[tokio::test]
async fn a_term_unannotated_25_times_shows_20_hints_and_annotate_all_fixes_25() {
    for enc in ENCODINGS {
        let text = unannotated_25("\r\n");
        let mut client =
            TestClient::start(Some(enc), json!({ "lints": { "unannotated-term": "on" } })).await;
        client.open(URI, &text).await;
        let ds = client.diagnostics(URI, Some(1)).await;
        let found = of(&ds, "unannotated-term");
        assert_eq!(found.len(), 20, "{enc}: {ds:?}");
        assert_eq!(found[19].range, client.range(URI, &mark(20, 3, 7)));
        assert!(
            found[19]
                .message
                .contains("; 5 more places of it further on stand unannotated"),
            "{}",
            found[19].message
        );
        assert!(!found[18].message.contains("more"), "{}", found[18].message);
        // On the 25th place, not reported, the fixes are still offered.
        let actions = client.code_actions(URI, &mark(25, 5, 5), &[], None).await;
        let all = action(&actions, "Annotate all 25 unannotated “手机号码” as <data>");
        let done = client.applied(URI, all.edit.as_ref().expect("an edit"));
        assert_eq!(done.matches("<手机号码>").count(), 26, "{enc}");
        client
            .configure(json!({ "lints": {
                "unannotated-term": "on",
                "unannotated-term-max-per-term": 0
            } }))
            .await;
        let at = Cursor::new(0, 0);
        let version = client.edit(URI, at, at, "").await;
        let ds = client.diagnostics(URI, Some(version)).await;
        assert_eq!(of(&ds, "unannotated-term").len(), 25, "{enc}");
        assert!(ds.iter().all(|d| !d.message.contains("more")));
    }
}

/// `check --format json` reports the same places as the server, under
/// `--lint` and under a `policy-lsp.toml`'s `[lints]`.
#[test]
fn check_caps_the_places_of_one_term_as_the_server_does() {
    let text = unannotated_25("\n");
    let places = |o: &Output| -> Vec<(u64, String)> {
        records(o)
            .into_iter()
            .filter(|r| r["code"] == "unannotated-term")
            .map(|r| {
                (
                    r["line"].as_u64().unwrap_or(0),
                    r["message"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect()
    };
    let o = policy_lsp(
        &[
            "check",
            "-",
            "--format",
            "json",
            "--lint",
            "unannotated-term",
        ],
        text.as_bytes(),
    );
    let found = places(&o);
    assert_eq!(found.len(), 20);
    assert_eq!(found[19].0, 21);
    assert!(found[19].1.contains("; 5 more places"), "{}", found[19].1);
    let o = policy_lsp(
        &[
            "check",
            "-",
            "--format",
            "json",
            "--lint",
            "unannotated-term",
            "--lint",
            "unannotated-term-max-per-term=0",
        ],
        text.as_bytes(),
    );
    assert_eq!(places(&o).len(), 25);
    // From the workspace file.
    let dir = std::env::temp_dir().join(format!("policy-lsp-cap-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let doc = dir.join("a.policy");
    std::fs::write(&doc, &text).expect("written");
    for (file, expected) in [
        ("[lints]\nunannotated-term = \"on\"\n", 20),
        (
            "[lints]\nunannotated-term = \"on\"\nunannotated-term-max-per-term = 0\n",
            25,
        ),
        (
            "[lints]\nunannotated-term = \"on\"\nunannotated-term-max-per-term = 3\n",
            3,
        ),
    ] {
        std::fs::write(dir.join("policy-lsp.toml"), file).expect("written");
        let o = policy_lsp(
            &[
                "check",
                "--format",
                "json",
                doc.to_str().unwrap_or_default(),
            ],
            b"",
        );
        assert_eq!(places(&o).len(), expected, "{file}");
    }
    let _ = std::fs::remove_dir_all(dir);
}
