//! `policy-lsp agree` as a user runs it: the numbers of a fixture worked
//! out by hand, positions past 😀 and 𠮷 and CRLF, folders matched by
//! relative path, three annotators, and refusals. The core's own tests
//! (`policy_core::agreement`) hold the textbook κ tables and the
//! properties.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn agree(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_policy-lsp"))
        .arg("agree")
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("policy-lsp-agree-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(path: &Path, text: &str) -> String {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, text).unwrap();
    path.display().to_string()
}

fn json(o: &Output) -> Value {
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("one JSON object")
}

fn close(v: &Value, want: f64) -> bool {
    v.as_f64().is_some_and(|got| (got - want).abs() < 1e-9)
}

/// A title line, then the plain text 我们收集手机号码和😀𠮷用于下单 (15 code
/// points) annotated twice; A with CRLF line ends, B with LF.
/// A: actor 0..2, action 2..4, data 4..8, data 9..11, purpose 13..15.
/// B: the same actor and action, data 4..6 (boundary), actor 9..11
/// (kind), action 11..13 (extra), no purpose (missing).
const A: &str = "标题\r\n(我们)[收集]<手机号码>和<😀𠮷>用于{下单}\r\n";
const B: &str = "标题\n(我们)[收集]<手机>号码和(😀𠮷)[用于]下单\n";

#[test]
fn the_scores_of_a_fixture_are_those_worked_out_by_hand() {
    let dir = temp_dir("hand");
    let (a, b) = (
        write(&dir.join("a.policy"), A),
        write(&dir.join("b.policy"), B),
    );
    let report = json(&agree(&[&a, &b, "--format", "json"]));
    assert_eq!(
        report["fleiss_kappa"],
        Value::Null,
        "two annotators: no Fleiss' κ"
    );
    let pair = &report["pairs"][0];
    assert_eq!(
        (pair["a"].as_str(), pair["b"].as_str()),
        (Some(&*a), Some(&*b))
    );
    let k = &pair["kinds"];
    // actor: A 1 span, B 2, one match: precision 1/2, recall 1, F1 2/3.
    let actor = &k["actor"]["exact"];
    assert!(close(&actor["precision"], 0.5) && close(&actor["recall"], 1.0));
    assert!(close(&actor["f1"], 2.0 / 3.0), "{actor}");
    // data: no exact match; 手机号码 ~ 手机 overlap: precision 1/1, recall 1/2.
    assert!(close(&k["data"]["exact"]["f1"], 0.0));
    let data = &k["data"]["overlap"];
    assert!(
        close(&data["precision"], 1.0) && close(&data["recall"], 0.5),
        "{data}"
    );
    // all: 5 spans each, 2 exact, 3 overlapping.
    assert!(close(&k["all"]["exact"]["f1"], 0.4));
    assert!(close(&k["all"]["overlap"]["f1"], 0.6));
    // κ over the 17 characters (标题 agree as none; breaks are not counted).
    // actor: A covers 2, B 4, both 2, neither 13: p_o = 15/17,
    // p_e = (2·4 + 15·13)/289 = 203/289, κ = (255 − 203)/(289 − 203) = 52/86.
    assert!(close(&k["actor"]["kappa"], 52.0 / 86.0), "{}", k["actor"]);
    // all: 9 agree (标题, 我们, 收集, 手机, 和); marginals A/B: actor 2/4,
    // action 2/4, data 6/2, purpose 2/0, none 5/7: p_e·289 = 8+8+12+0+35
    // = 63, κ = (9·17 − 63)/(289 − 63) = 90/226.
    assert!(close(&k["all"]["kappa"], 90.0 / 226.0), "{}", k["all"]);
    assert_eq!(pair["confusion"]["data"]["actor"], 1);
    assert_eq!(pair["confusion"]["data"]["data"], 1);
    assert_eq!(pair["confusion"]["purpose"]["purpose"], 0);

    // Positions in A's file, 1-based columns in characters: 😀 and 𠮷 are
    // one column each, and the CRLF of line 1 does not shift line 2.
    let found: Vec<(String, u64, u64, u64)> = pair["disagreements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            assert_eq!(d["path"].as_str(), Some(&*a));
            assert_eq!(d["line"], d["end_line"]);
            (
                d["type"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["end_column"].as_u64().unwrap(),
            )
        })
        .collect();
    let want = [
        ("boundary", 2, 9, 15), // <手机号码> (and B's 手机 inside it)
        ("kind", 2, 16, 20),    // <😀𠮷>
        ("extra", 2, 20, 22),   // 用于, which A leaves plain
        ("missing", 2, 22, 26), // {下单}
    ];
    let want: Vec<_> = want
        .iter()
        .map(|&(t, l, c, e)| (t.to_string(), l, c, e))
        .collect();
    assert_eq!(found, want);
    let kind = &pair["disagreements"][1];
    assert_eq!(
        kind["a"],
        serde_json::json!({"kind": "data", "text": "😀𠮷"})
    );
    assert_eq!(
        kind["b"],
        serde_json::json!({"kind": "actor", "text": "😀𠮷"})
    );
    assert_eq!(pair["disagreements"][2]["a"], Value::Null);
    assert_eq!(pair["disagreements"][3]["b"], Value::Null);
}

#[test]
fn the_human_report_puts_carets_under_the_disagreement_in_cjk_text() {
    let dir = temp_dir("human");
    let (a, b) = (
        write(&dir.join("a.policy"), A),
        write(&dir.join("b.policy"), B),
    );
    let o = agree(&[&a, &b]);
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(
        out.contains("note[kind]: A has data <😀𠮷>, B has actor (😀𠮷)"),
        "{out}"
    );
    assert!(out.contains(&format!("{a}:2:16")), "{out}");
    // The caret line under the `kind` note: `(我们)[收集]<手机号码>和` is 24
    // terminal columns wide, `<😀𠮷>` 6.
    let lines: Vec<&str> = out.lines().collect();
    let note = lines
        .iter()
        .position(|l| l.starts_with("note[kind]"))
        .unwrap();
    let source = (note..lines.len())
        .find(|&i| lines[i].contains("(我们)[收集]"))
        .unwrap();
    let gutter = lines[source].find('(').unwrap();
    let carets = lines[source + 1];
    assert_eq!(carets.find('^'), Some(gutter + 24), "{out}");
    assert_eq!(carets.matches('^').count(), 6, "{out}");
    assert!(
        out.contains("4 disagreements: 1 missing, 1 extra, 1 boundary, 1 kind"),
        "{out}"
    );
    let all = lines.iter().find(|l| l.starts_with("all ")).unwrap();
    assert_eq!(
        all.split_whitespace().collect::<Vec<_>>(),
        [
            "all", "0.400", "0.400", "0.400", "0.600", "0.600", "0.600", "0.398"
        ]
    );
}

#[test]
fn folders_are_matched_by_relative_path_and_files_only_some_have_are_skipped() {
    let dir = temp_dir("folders");
    let (x, y) = (dir.join("x"), dir.join("y"));
    write(&x.join("sub/one.policy"), "(我们)[收集]<手机号码>\n");
    write(&y.join("sub/one.policy"), "(我们)[收集]<手机号码>\n");
    write(&x.join("two.policy"), "<a>b\n");
    write(&y.join("two.policy"), "a<b>\n");
    write(&y.join("only-y.policy"), "<z>\n");
    let o = agree(&[
        &x.display().to_string(),
        &y.display().to_string(),
        "--format",
        "json",
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(
        stderr.contains("only-y.policy") && stderr.contains("skipped"),
        "{stderr}"
    );
    let report = json(&o);
    let pair = &report["pairs"][0];
    let docs: Vec<&str> = pair["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    let (one, two) = (
        x.join("sub/one.policy").display().to_string(),
        x.join("two.policy").display().to_string(),
    );
    assert_eq!(docs, [one.as_str(), two.as_str()]);
    assert!(close(
        &pair["documents"][0]["kinds"]["all"]["exact"]["f1"],
        1.0
    ));
    assert!(close(
        &pair["documents"][1]["kinds"]["all"]["exact"]["f1"],
        0.0
    ));
    // The set pools the counts: 4 spans each, 3 matched.
    assert!(close(&pair["kinds"]["all"]["exact"]["f1"], 0.75));
    let types: Vec<&str> = pair["disagreements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["missing", "extra"]);
    assert_eq!(
        pair["disagreements"][0]["path"].as_str(),
        Some(two.as_str())
    );
}

#[test]
fn three_annotators_give_every_pair_and_fleiss_kappa() {
    let dir = temp_dir("three");
    let a = write(&dir.join("a.policy"), "<ab>cd\n");
    let b = write(&dir.join("b.policy"), "<ab>cd\n");
    let c = write(&dir.join("c.policy"), "ab<cd>\n");
    let report = json(&agree(&[&a, &b, &c, "--format", "json"]));
    let pairs: Vec<(&str, &str)> = report["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["a"].as_str().unwrap(), p["b"].as_str().unwrap()))
        .collect();
    assert_eq!(pairs, [(&*a, &*b), (&*a, &*c), (&*b, &*c)]);
    // Four characters, labels (data, data, none) on each: every character
    // has one agreeing pair of 3, P̄ = 1/3; p_data = p_none = 1/2,
    // P̄e = 1/2; κ = (1/3 − 1/2)/(1/2) = −1/3.
    assert!(
        close(&report["fleiss_kappa"], -1.0 / 3.0),
        "{}",
        report["fleiss_kappa"]
    );
}

#[test]
fn versions_of_different_texts_exit_2_naming_the_file_and_line() {
    let dir = temp_dir("differ");
    let a = write(&dir.join("a.policy"), "一\n<二>\n三\n");
    let b = write(&dir.join("b.policy"), "一\n二\n四\n");
    let o = agree(&[&a, &b]);
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains(&*b) && stderr.contains("line 3"),
        "{stderr}"
    );
}

#[test]
fn files_mixed_with_folders_and_missing_paths_exit_2() {
    let dir = temp_dir("mixed");
    let a = write(&dir.join("a.policy"), "<x>\n");
    let folder = dir.display().to_string();
    let o = agree(&[&a, &folder]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("only files or only folders"));
    let o = agree(&[&a, &dir.join("nothing.policy").display().to_string()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("nothing.policy"));
    let help = Command::new(env!("CARGO_BIN_EXE_policy-lsp"))
        .args(["agree", "--help"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&help.stdout).contains("Exit status:"));
}

#[test]
fn a_bom_cr_line_ends_u2028_and_a_long_line_keep_columns_right() {
    let dir = temp_dir("long");
    // U+2028 is a character, not a line break; the byte-order mark is no
    // column; a CR alone ends a line. 200 + 1 characters precede `<`.
    let long = "字".repeat(200);
    let a = write(
        &dir.join("a.policy"),
        &format!("\u{feff}{long}\u{2028}<数据>尾\r次行\r"),
    );
    let b = write(
        &dir.join("b.policy"),
        &format!("{long}\u{2028}数据尾\n次行\n"),
    );
    let report = json(&agree(&[&a, &b, "--format", "json"]));
    let d = &report["pairs"][0]["disagreements"][0];
    assert_eq!(
        (&d["type"], &d["line"], &d["column"], &d["end_column"]),
        (
            &Value::from("missing"),
            &Value::from(1),
            &Value::from(202),
            &Value::from(206)
        )
    );
    // κ counts U+2028 as a character: 205 labelled, A's 2 data, B's none.
    let data = &report["pairs"][0]["kinds"]["data"];
    assert!(close(&data["kappa"], 0.0), "{data}");
    // The human report shows a window of the long line, and its header
    // still names the column in the whole line.
    let o = agree(&[&a, &b]);
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.contains(&format!("{a}:1:202")), "{out}");
    assert!(
        out.contains("...字字"),
        "a window, not the whole line: {out}"
    );
}

/// The editor side: `compareWith` names the other annotator's folder.
mod editor {
    use serde_json::json;

    use super::{temp_dir, write};
    use crate::common::Cursor;
    use crate::common::lsp::{ENCODINGS, TestClient, code};

    /// Ours: line 1 as A above; line 2 has 兴趣爱好 twice as data, where
    /// theirs has it twice as a purpose.
    const OURS: &str = "标题\n(我们)[收集]<手机号码>和<😀𠮷>用于{下单}\n<兴趣爱好>和<兴趣爱好>\n";
    const THEIRS: &str = "标题\n(我们)[收集]<手机>号码和(😀𠮷)[用于]下单\n{兴趣爱好}和{兴趣爱好}\n";

    /// (line, start, end, message) of the `disagreement` hints, in char
    /// columns.
    async fn hints(
        client: &mut TestClient,
        uri: &str,
        version: i32,
    ) -> Vec<(usize, usize, usize, String)> {
        let diags = client.diagnostics(uri, Some(version)).await;
        let mut found: Vec<_> = diags
            .iter()
            .filter(|d| code(d) == "disagreement")
            .map(|d| {
                assert_eq!(
                    d.severity,
                    Some(tower_lsp_server::ls_types::DiagnosticSeverity::HINT)
                );
                let m = client.mark(uri, &d.range, "hint");
                (m.line, m.start, m.end, d.message.clone())
            })
            .collect();
        found.sort();
        found
    }

    async fn start(name: &str, encoding: &str) -> (TestClient, String) {
        let dir = temp_dir(&format!("editor-{name}-{encoding}"));
        write(&dir.join("theirs/doc.policy"), THEIRS);
        let ours = dir.join("ours/doc.policy");
        let uri = format!("file://{}", ours.display());
        let theirs = dir.join("theirs").display().to_string();
        let client = TestClient::start(Some(encoding), json!({ "compareWith": theirs })).await;
        (client, uri)
    }

    #[tokio::test]
    async fn hints_say_what_the_other_version_has_and_follow_typing() {
        for enc in ENCODINGS {
            let (mut client, uri) = start("hints", enc).await;
            client.open(&uri, OURS).await;
            let found = hints(&mut client, &uri, 1).await;
            let want = [
                (1, 8, 14, "the other version has data <手机> here"),
                (1, 15, 19, "the other version has actor (😀𠮷) here"),
                (1, 19, 21, "the other version has action [用于] here"),
                (
                    1,
                    21,
                    25,
                    "the other version has no annotation here (yours: purpose {下单})",
                ),
                (2, 0, 6, "the other version has purpose {兴趣爱好} here"),
                (2, 7, 13, "the other version has purpose {兴趣爱好} here"),
            ];
            let want: Vec<_> = want
                .iter()
                .map(|&(l, s, e, m)| (l, s, e, m.to_string()))
                .collect();
            assert_eq!(found, want, "{enc}");

            // Typing theirs by hand: `<手机号码>` becomes `<手机>号码`, and
            // that hint goes; the others stay where they are.
            let v = client
                .edit(&uri, Cursor::new(1, 13), Cursor::new(1, 14), "")
                .await;
            let v = client
                .edit(&uri, Cursor::new(1, 11), Cursor::new(1, 11), ">")
                .await
                .max(v);
            assert_eq!(
                client.text(&uri).lines().nth(1),
                Some("(我们)[收集]<手机>号码和<😀𠮷>用于{下单}")
            );
            let after = hints(&mut client, &uri, v).await;
            assert_eq!(after.len(), 5, "{enc}: {after:?}");
            assert!(
                !after.iter().any(|h| h.3.contains("<手机>")),
                "{enc}: {after:?}"
            );

            // Editing the text itself (not the markup) silences that line.
            let v = client
                .edit(&uri, Cursor::new(2, 6), Cursor::new(2, 7), "与")
                .await;
            let after = hints(&mut client, &uri, v).await;
            assert!(after.iter().all(|h| h.0 != 2), "{enc}: {after:?}");
        }
    }

    #[tokio::test]
    async fn take_theirs_and_take_theirs_for_all_like_this() {
        for enc in ENCODINGS {
            let (mut client, uri) = start("fixes", enc).await;
            client.open(&uri, OURS).await;
            let diags = client.diagnostics(&uri, Some(1)).await;
            let on_kind = diags
                .iter()
                .find(|d| d.message.contains("actor (😀𠮷)"))
                .expect("the kind hint")
                .clone();
            let actions = client
                .code_actions_at(&uri, on_kind.range, std::slice::from_ref(&on_kind), None)
                .await;
            let take = actions
                .iter()
                .find(|a| a.title.starts_with("Take theirs:"))
                .expect("take theirs");
            assert_eq!(take.title, "Take theirs: `<😀𠮷>` → `(😀𠮷)`");
            let text = client.applied(&uri, take.edit.as_ref().unwrap());
            assert_eq!(
                text.lines().nth(1),
                Some("(我们)[收集]<手机号码>和(😀𠮷)用于{下单}"),
                "{enc}"
            );

            let on_data = diags
                .iter()
                .find(|d| d.message.contains("{兴趣爱好}"))
                .expect("the purpose hint")
                .clone();
            let actions = client
                .code_actions_at(&uri, on_data.range, std::slice::from_ref(&on_data), None)
                .await;
            let all = actions
                .iter()
                .find(|a| a.title == "Take theirs for all 2 like this")
                .expect("take theirs for all");
            let text = client.applied(&uri, all.edit.as_ref().unwrap());
            assert_eq!(text.lines().nth(2), Some("{兴趣爱好}和{兴趣爱好}"), "{enc}");
            // The boundary on line 1 has no company: no "for all".
            let on_boundary = diags
                .iter()
                .find(|d| d.message.contains("<手机>"))
                .unwrap()
                .clone();
            let actions = client
                .code_actions_at(
                    &uri,
                    on_boundary.range,
                    std::slice::from_ref(&on_boundary),
                    None,
                )
                .await;
            assert!(
                actions.iter().all(|a| !a.title.contains("for all")),
                "{enc}"
            );
            let take = actions
                .iter()
                .find(|a| a.title.starts_with("Take theirs:"))
                .unwrap();
            let text = client.applied(&uri, take.edit.as_ref().unwrap());
            assert_eq!(
                text.lines().nth(1),
                Some("(我们)[收集]<手机>号码和<😀𠮷>用于{下单}")
            );
        }
    }

    #[tokio::test]
    async fn the_hover_on_a_disagreement_shows_both_versions() {
        let (mut client, uri) = start("hover", "utf-16").await;
        client.open(&uri, OURS).await;
        let hover = client
            .hover(&uri, Cursor::new(1, 16))
            .await
            .expect("a hover");
        assert!(hover.markdown);
        assert!(
            hover.value.contains("| `<😀𠮷>` | `(😀𠮷)` |"),
            "{}",
            hover.value
        );
        assert!(
            hover.value.starts_with("**kind** disagreement"),
            "{}",
            hover.value
        );
        let range = hover.range.expect("a range");
        assert_eq!((range.line, range.start, range.end), (1, 15, 19));
        // Elsewhere, the usual hover of the annotation.
        let hover = client
            .hover(&uri, Cursor::new(1, 1))
            .await
            .expect("a hover");
        assert!(!hover.value.contains("disagreement"), "{}", hover.value);
    }

    /// A `compareWith` that names a FIFO (or a device) is not read: the
    /// server would wait for a writer, or read `/dev/zero` until memory
    /// runs out. The document opens and answers, with no hints.
    #[tokio::test]
    async fn a_fifo_in_place_of_their_version_is_not_read() {
        let dir = temp_dir("editor-fifo");
        std::fs::create_dir_all(dir.join("theirs")).unwrap();
        let fifo = dir.join("theirs/doc.policy");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo runs");
        assert!(made.success());
        let uri = format!("file://{}", dir.join("ours/doc.policy").display());
        let theirs = dir.join("theirs").display().to_string();
        let mut client = TestClient::start(None, json!({ "compareWith": theirs })).await;
        client.open(&uri, OURS).await;
        let diags = client.diagnostics(&uri, Some(1)).await;
        assert!(diags.iter().all(|d| code(d) != "disagreement"), "{diags:?}");
        let hover = client.hover(&uri, Cursor::new(1, 12)).await;
        assert!(hover.is_some(), "the server still answers");
    }

    #[tokio::test]
    async fn without_the_setting_or_the_other_file_there_are_no_hints() {
        let dir = temp_dir("editor-none");
        let uri = format!("file://{}", dir.join("lonely.policy").display());
        let mut client = TestClient::start(
            None,
            json!({ "compareWith": dir.join("nowhere").display().to_string() }),
        )
        .await;
        client.open(&uri, OURS).await;
        let diags = client.diagnostics(&uri, Some(1)).await;
        assert!(diags.iter().all(|d| code(d) != "disagreement"), "{diags:?}");
        // Switched on later, for a file that exists: hints appear.
        write(&dir.join("theirs/lonely.policy"), THEIRS);
        client
            .configure(json!({ "compareWith": dir.join("theirs").display().to_string() }))
            .await;
        loop {
            let diags = client.diagnostics(&uri, Some(1)).await;
            if diags.iter().any(|d| code(d) == "disagreement") {
                break;
            }
            client.forget(&uri);
        }
    }

    #[tokio::test]
    async fn a_new_line_makes_the_lines_below_face_other_lines_of_theirs() {
        for enc in ENCODINGS {
            let (mut client, uri) = start("lines", enc).await;
            client.open(&uri, OURS).await;
            let before = hints(&mut client, &uri, 1).await;
            assert_eq!(before.len(), 6, "{enc}: {before:?}");
            // A line break at the end of 标题: our lines 1 and 2 are now
            // lines 2 and 3, facing their line 2 and nothing: texts differ,
            // so no hints are left.
            let v = client
                .edit(&uri, Cursor::new(0, 2), Cursor::new(0, 2), "\n")
                .await;
            let moved = hints(&mut client, &uri, v).await;
            assert_eq!(moved, [], "{enc}");
            // Joining the lines again brings every hint back where it was.
            let v = client
                .edit(&uri, Cursor::new(0, 2), Cursor::new(1, 0), "")
                .await;
            assert_eq!(hints(&mut client, &uri, v).await, before, "{enc}");
        }
    }
}
