//! `policy-lsp practices` as a user runs it: the JSON records of the JD
//! sample and of a fixture with every cue, astral characters and CRLF;
//! folders; bad paths.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const JD: &str = "examples/jd-privacy-policy.policy";
const CUES: &str = "tests/fixtures/practices/cues.policy";

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

fn texts(v: &Value, field: &str, key: &str) -> Vec<String> {
    v[field]
        .as_array()
        .unwrap_or_else(|| panic!("{field} is a list: {v}"))
        .iter()
        .map(|x| x[key].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn jd_sample_records_have_the_issues_fields_and_point_at_their_sentences() {
    let o = policy_lsp(&["practices", JD, "--format", "json"], b"");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let rs = records(&o);
    assert!(rs.len() > 20, "{} practices", rs.len());
    let source = std::fs::read_to_string(JD).expect("the sample");
    let lines: Vec<&str> = source.lines().collect();
    for r in &rs {
        let keys: Vec<&str> = r
            .as_object()
            .expect("an object")
            .keys()
            .map(|k| k.as_str())
            .collect();
        let mut want = [
            "path",
            "line",
            "column",
            "end_line",
            "end_column",
            "actors",
            "actions",
            "data",
            "purposes",
            "negated",
            "consent",
            "guardian",
        ];
        want.sort_unstable();
        let mut got = keys.clone();
        got.sort_unstable();
        assert_eq!(got, want);
        assert_eq!(r["path"], JD);
        assert_eq!(r["line"], r["end_line"], "a practice never crosses a line");
        // The columns (1-based, in characters) cut the sentence out of its line.
        let line: Vec<char> = lines[r["line"].as_u64().unwrap_or(0) as usize - 1]
            .chars()
            .collect();
        let (start, end) = (
            r["column"].as_u64().unwrap_or(0) as usize - 1,
            r["end_column"].as_u64().unwrap_or(0) as usize - 1,
        );
        let sentence: String = line[start..end].iter().collect();
        for action in texts(r, "actions", "text") {
            assert!(
                sentence.contains(&format!("[{action}]")),
                "{sentence} has [{action}]"
            );
        }
        assert!(
            start == 0 || "。！？；".contains(line[start - 1]) || line[start - 1].is_whitespace()
        );
    }
    // Line 10: 我们收集、保存和使用下列与您有关的信息以实现上述这些功能.
    let first = &rs[0];
    assert_eq!(
        (first["line"].as_u64(), first["column"].as_u64()),
        (Some(10), Some(53))
    );
    assert_eq!(
        texts(first, "actions", "class"),
        ["collect", "store", "use"]
    );
    assert_eq!(first["actors"][0]["role"], "first-party");
    assert_eq!(first["data"][0]["vague"], true);
    assert_eq!(first["purposes"][0], "实现上述这些功能");
    // The sensitive items of the sample carry their category.
    assert!(rs.iter().any(|r| r["data"].as_array().is_some_and(|d| {
        d.iter().any(|d| {
            d["text"] == "密码" && d["sensitive"] == true && d["category"] == "credentials"
        })
    })));
}

#[test]
fn cues_roles_and_positions_of_the_fixture() {
    let o = policy_lsp(&["practices", CUES, "--format", "json"], b"");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let rs = records(&o);
    let at: Vec<(u64, u64, u64)> = rs
        .iter()
        .map(|r| {
            let n = |k: &str| r[k].as_u64().unwrap_or(0);
            (n("line"), n("column"), n("end_column"))
        })
        .collect();
    // 😀 and 𠮷 are one column each (28 characters to the first 。); a
    // CRLF ends the line and its sentence, and is no column.
    assert_eq!(
        at,
        [(1, 1, 29), (1, 29, 45), (2, 1, 31), (3, 1, 31), (3, 31, 45)]
    );
    let flags = |r: &Value| {
        (
            r["negated"] == true,
            r["consent"] == true,
            r["guardian"] == true,
        )
    };
    assert_eq!(flags(&rs[0]), (true, false, false));
    assert_eq!(rs[0]["data"][0]["sensitive"], true);
    assert_eq!(rs[0]["purposes"][0], "用于广告投放");
    assert_eq!(flags(&rs[1]), (false, false, false));
    assert_eq!(flags(&rs[2]), (false, true, false));
    assert_eq!(
        texts(&rs[2], "actors", "role"),
        ["first-party", "third-party"]
    );
    assert_eq!(texts(&rs[2], "actions", "class"), ["share"]);
    assert_eq!(flags(&rs[3]), (false, true, true));
    assert_eq!(texts(&rs[4], "actions", "class"), ["delete"]);
    assert_eq!(rs[4]["data"][0]["vague"], true);
}

#[test]
fn human_output_is_one_line_per_practice_with_its_place() {
    let o = policy_lsp(&["practices", CUES], b"");
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8_lossy(&o.stdout);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 5, "{out}");
    assert_eq!(
        lines[0],
        format!("{CUES}:1:1  我们 → 共享 → 行踪轨迹（敏感） → 用于广告投放 · 否定 ✓ · 同意 ✗")
    );
    assert!(
        lines[3].ends_with("· 否定 ✗ · 同意 ✓ · 监护人同意 ✓"),
        "{}",
        lines[3]
    );
}

#[test]
fn folders_are_walked_and_bad_paths_exit_2_after_the_rest() {
    let o = policy_lsp(
        &[
            "practices",
            "tests/fixtures/practices",
            "no/such/file.policy",
            "--format",
            "json",
        ],
        b"",
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(records(&o).len(), 15, "the folder's file is still read");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("no/such/file.policy"), "{err}");
    // stdin: named <stdin>; bytes that are not UTF-8 are refused.
    let o = policy_lsp(
        &["practices", "-", "--format", "json"],
        "(我们)[收集]<手机号码>".as_bytes(),
    );
    assert_eq!(records(&o)[0]["path"], "<stdin>");
    let o = policy_lsp(&["practices", "-"], b"\xff[x]");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not UTF-8"));
}

#[test]
fn topics_json_is_one_object_per_file_with_runs_of_lines() {
    let o = policy_lsp(
        &["topics", "tests/fixtures/topics", "--format", "json"],
        b"",
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let rs = records(&o);
    assert_eq!(rs.len(), 1);
    assert_eq!(rs[0]["path"], "tests/fixtures/topics/sections.policy");
    assert_eq!(
        rs[0]["topics"],
        serde_json::json!([
            {"topic": "other", "lines": [1, 1]},
            {"topic": "collection-and-use", "lines": [2, 3]},
            {"topic": "controller-contact", "lines": [4, 5]},
        ])
    );
    // The JD sample is its section 一 (collection and use): the runs cover
    // every line once, in order, starting with that section's topic.
    let o = policy_lsp(&["topics", JD], b"");
    let out = String::from_utf8_lossy(&o.stdout);
    let lines = std::fs::read_to_string(JD).map_or(0, |t| t.lines().count());
    let mut next = 1;
    for row in out.lines() {
        let (place, topic) = row.split_once("  ").expect("PATH:FIRST-LAST  topic");
        let range = place.strip_prefix(&format!("{JD}:")).expect("the path");
        let (first, last) = range.split_once('-').expect("FIRST-LAST");
        assert_eq!(first.parse::<usize>().ok(), Some(next), "{row}");
        next = last.parse::<usize>().map_or(0, |l| l + 1);
        if first == "1" {
            assert_eq!(topic, "collection-and-use");
        }
    }
    assert_eq!(next, lines + 1, "{out}");
    let o = policy_lsp(&["topics", "no/such/dir"], b"");
    assert_eq!(o.status.code(), Some(2));
}

/// In the editor: `recipient-missing` on a shared item, gone when the
/// recipient is annotated (the practice layer follows the keystroke), in
/// every encoding; off with no configuration.
#[tokio::test]
async fn recipient_missing_follows_the_edit_that_names_a_recipient() {
    use crate::common::lsp::{ENCODINGS, TestClient};
    use crate::common::{Cursor, Mark, fixture};
    const URI: &str = "file:///tmp/policy-lsp-test/practices.policy";
    let f = fixture(
        "
😀(我们)会[共享]您的<位置信息>
           ^^^^ recipient-missing
𠮷(我们)[收集]<手机号码>
",
    );
    let text = f.text("\r\n");
    for enc in ENCODINGS {
        let mut client = TestClient::start(Some(enc), serde_json::json!({})).await;
        client.open(URI, &text).await;
        assert!(
            client.diagnostics(URI, Some(1)).await.is_empty(),
            "off by default"
        );
        client.close(URI).await;
        let mut client = TestClient::start(
            Some(enc),
            serde_json::json!({ "lints": { "recipient-missing": "on" } }),
        )
        .await;
        client.open(URI, &text).await;
        let want: Vec<Mark> = f.marks.iter().map(Mark::with_brackets).collect();
        assert_eq!(client.diagnostic_marks(URI, Some(1)).await, want, "{enc}");
        let at = Cursor::new(0, 6);
        let version = client.edit(URI, at, at, "与(合作伙伴)").await;
        assert!(
            client.diagnostics(URI, Some(version)).await.is_empty(),
            "{enc}: a recipient is named"
        );
    }
}

#[test]
fn check_reports_the_practice_lints_only_when_asked() {
    let o = policy_lsp(&["check", CUES, "--format", "json"], b"");
    assert_eq!(records(&o).len(), 1, "only the summary: the lints are off");
    let o = policy_lsp(
        &[
            "check",
            CUES,
            "--format",
            "json",
            "--lint",
            "purpose-missing",
            "--lint",
            "recipient-missing=warning",
        ],
        b"",
    );
    assert_eq!(o.status.code(), Some(0), "notes fail nothing");
    let found: Vec<(String, u64, u64)> = records(&o)
        .iter()
        .filter(|r| r["type"] == "diagnostic")
        .map(|r| {
            (
                r["code"].as_str().unwrap_or_default().to_string(),
                r["line"].as_u64().unwrap_or(0),
                r["column"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    // 𠮷(我们)[收集]<手机号码>: no purpose (the 😀 sentence is negated,
    // the sharing sentence names its recipient); line 3's collection has
    // none either.
    assert_eq!(
        found,
        [
            ("purpose-missing".to_string(), 1, 34),
            ("purpose-missing".to_string(), 3, 5)
        ]
    );
}

/// `sensitive-without-consent` and `minor-without-guardian`, read per
/// paragraph (a line): a consent stated anywhere in it counts; with 😀 and
/// 𠮷 before the action, so columns count characters.
#[test]
fn consent_and_guardian_lints_read_the_whole_paragraph() {
    let text = "😀(我们)[收集]您的<身份证号码>。\n\
                𠮷(我们)[收集]您的<身份证号码>。经您[同意]后方可。\n\
                (我们)不会[收集]您的<人脸信息>。\n\
                (我们)[收集]<儿童的姓名>。\n\
                (我们)[收集]<儿童的姓名>，须经其监护人同意。\n";
    let o = policy_lsp(
        &[
            "check",
            "-",
            "--format",
            "json",
            "--lint",
            "sensitive-without-consent",
            "--lint",
            "minor-without-guardian",
        ],
        text.as_bytes(),
    );
    let found: Vec<(String, u64, u64)> = records(&o)
        .iter()
        .filter(|r| r["type"] == "diagnostic")
        .map(|r| {
            (
                r["code"].as_str().unwrap_or_default().to_string(),
                r["line"].as_u64().unwrap_or(0),
                r["column"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    // Line 1: a sensitive item and no consent. Line 2: consent later in the
    // paragraph. Line 3: negated. Line 4: a child's name (sensitive) with
    // neither consent nor a guardian. Line 5: the guardian consents.
    assert_eq!(
        found,
        [
            ("sensitive-without-consent".to_string(), 1, 6),
            ("sensitive-without-consent".to_string(), 4, 5),
            ("minor-without-guardian".to_string(), 4, 5),
        ]
    );
}

/// The preset `pipl` switches every lint on, on the command line and in
/// the editors' settings (as a list).
#[test]
fn the_pipl_preset_switches_every_lint_on() {
    let text = "(我们)[收集]<儿童的姓名>和<天气>并[共享]。\n";
    let o = policy_lsp(
        &["check", "-", "--format", "json", "--lint", "pipl"],
        text.as_bytes(),
    );
    let mut codes: Vec<String> = records(&o)
        .iter()
        .filter(|r| r["type"] == "diagnostic")
        .map(|r| r["code"].as_str().unwrap_or_default().to_string())
        .collect();
    codes.sort();
    codes.dedup();
    assert_eq!(
        codes,
        [
            "minor-without-guardian",
            "purpose-missing",
            "recipient-missing",
            "sensitive-data",
            "sensitive-without-consent",
            "unclassified-data",
        ]
    );
    let o = policy_lsp(&["check", "-", "--lint", "pipl=off"], text.as_bytes());
    assert_eq!(o.status.code(), Some(0));
    let o = policy_lsp(&["check", "-", "--lint", "pipl=loud"], text.as_bytes());
    assert_eq!(o.status.code(), Some(2), "a bad level is a usage error");
}
