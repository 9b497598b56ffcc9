//! `policy-lsp check` as a user runs it: exit codes, output formats, bad
//! files, stdin.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn policy_lsp(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_policy-lsp"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    // A run that refuses its arguments exits without reading stdin.
    if let Err(e) = child.stdin.take().unwrap().write_all(stdin) {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
    }
    child.wait_with_output().unwrap()
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("policy-lsp-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn the_bundled_sample_checks_clean() {
    let o = policy_lsp(&["check", "examples/jd-privacy-policy.policy"], b"");
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(stdout(&o).trim(), "checked 1 file: 0 errors, 0 warnings");
}

#[test]
fn errors_exit_1_with_the_line_and_a_caret_under_cjk_text() {
    let o = policy_lsp(&["check", "-"], "标题\n您的<账户名]和<密码>\n".as_bytes());
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("error[mismatched-closer]"), "{out}");
    assert!(out.contains("<stdin>:2:7"), "{out}");
    // The caret stands under `]`: 您的<账户名 is 11 terminal columns wide.
    let src = out
        .lines()
        .position(|l| l.contains("您的<账户名]"))
        .expect("source line shown");
    let caret_line = out.lines().nth(src + 1).unwrap();
    let gutter = out.lines().nth(src).unwrap().find('您').unwrap();
    assert_eq!(caret_line.find('^'), Some(gutter + 11), "{out}");
    assert!(
        out.trim_end()
            .ends_with("checked 1 file: 1 error, 0 warnings in 1 file"),
        "{out}"
    );
}

#[test]
fn warnings_alone_exit_0() {
    let o = policy_lsp(&["check", "-"], "您的< 手机号码 >".as_bytes());
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("warning[padded-annotation]"));
}

#[test]
fn json_has_one_object_per_diagnostic_with_char_columns() {
    let o = policy_lsp(
        &["check", "--format", "json", "-"],
        "😀𠮷<表情>后面[未闭合\r\nok>".as_bytes(),
    );
    assert_eq!(o.status.code(), Some(1));
    let mut lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    let summary = lines.pop().unwrap();
    assert_eq!(
        (&summary["type"], &summary["errors"]),
        (&"summary".into(), &2.into())
    );
    assert_eq!(lines.len(), 2);
    assert!(lines.iter().all(|l| l["type"] == "diagnostic"));
    let first = &lines[0];
    assert_eq!(first["path"], "<stdin>");
    assert_eq!(first["code"], "unclosed-annotation");
    assert_eq!(
        (first["line"].as_u64(), first["column"].as_u64()),
        (Some(1), Some(9))
    );
    assert_eq!(
        (first["end_line"].as_u64(), first["end_column"].as_u64()),
        (Some(1), Some(10))
    );
    assert_eq!(first["severity"], "error");
    assert!(first["message"].as_str().unwrap().contains('['));
    assert_eq!(
        (lines[1]["line"].as_u64(), lines[1]["column"].as_u64()),
        (Some(2), Some(3))
    );
}

#[test]
fn a_file_that_is_not_utf8_is_named_and_the_others_still_checked() {
    let dir = temp_dir("utf8");
    std::fs::write(dir.join("bad.policy"), b"<ok>\n\xff\xfe").unwrap();
    std::fs::write(dir.join("good.policy"), "<数据".as_bytes()).unwrap();
    std::fs::write(dir.join("notes.txt"), "<not checked").unwrap();
    let o = policy_lsp(&["check", "--format", "json", dir.to_str().unwrap()], b"");
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("bad.policy") && err.contains("offset 5"),
        "{err}"
    );
    let out = stdout(&o);
    assert!(
        out.contains("good.policy") && out.contains("unclosed-annotation"),
        "{out}"
    );
    assert!(!out.contains("notes.txt"));
}

#[test]
fn a_leading_byte_order_mark_is_skipped() {
    let o = policy_lsp(
        &["check", "--format", "json", "-"],
        "\u{feff}<数据".as_bytes(),
    );
    let first = stdout(&o).lines().next().unwrap().to_string();
    let v: serde_json::Value = serde_json::from_str(&first).unwrap();
    assert_eq!(v["column"].as_u64(), Some(1));
}

#[test]
fn usage_and_missing_files_exit_2() {
    assert_eq!(
        policy_lsp(&["check", "--bogus"], b"").status.code(),
        Some(2)
    );
    let o = policy_lsp(&["check", "/nonexistent/x.policy"], b"");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("/nonexistent/x.policy"));
}

#[test]
fn the_real_corpus_reports_its_literal_brackets_at_the_right_places() {
    let corpus = std::path::Path::new("../shared/corpus/ca4p-dev");
    if !corpus.is_dir() {
        eprintln!("skipped: no corpus at {}", corpus.display());
        return;
    }
    let o = policy_lsp(
        &["check", "--format", "json", corpus.to_str().unwrap()],
        b"",
    );
    assert_eq!(o.status.code(), Some(1));
    let records: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(records.len() > 600, "{}", records.len());
    // 0496.policy line 159 reads `客服中心：【我的】->【在线…`: the arrow's `>` is
    // at column 11; 0500.policy line 148 starts with the list marker `a)`.
    let at = |file: &str, line: u64| {
        records
            .iter()
            .find(|r| r["path"].as_str().unwrap().ends_with(file) && r["line"] == line)
            .unwrap_or_else(|| panic!("no diagnostic at {file}:{line}"))
            .clone()
    };
    let r = at("0496.policy", 159);
    assert_eq!(
        (r["column"].as_u64(), r["code"].as_str()),
        (Some(11), Some("unmatched-closer"))
    );
    let r = at("0500.policy", 148);
    assert_eq!(
        (r["column"].as_u64(), r["code"].as_str()),
        (Some(2), Some("unmatched-closer"))
    );
}

#[test]
fn a_broken_workspace_taxonomy_is_reported_by_check_and_the_files_still_checked() {
    let dir = temp_dir("taxonomy");
    std::fs::write(
        dir.join("policy-lsp.toml"),
        "[[category]]\nid = \"x\"\nsensitive = \"maybe\"\n",
    )
    .unwrap();
    std::fs::write(dir.join("a.policy"), "<数据").unwrap();
    let o = policy_lsp(&["check", dir.to_str().unwrap()], b"");
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("policy-lsp.toml:") && err.contains("built-in taxonomy"),
        "{err}"
    );
    assert!(stdout(&o).contains("unclosed-annotation"));
}

#[test]
fn classify_prints_one_json_object_per_term_in_order() {
    let o = policy_lsp(
        &[
            "classify",
            "--format",
            "json",
            "您的身份证号码",
            "设备型号、IMEI",
            "天气",
        ],
        b"",
    );
    assert_eq!(o.status.code(), Some(0));
    let records: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 3);
    assert_eq!(records[0]["term"], "您的身份证号码");
    assert_eq!(records[0]["sensitive"], true);
    assert_eq!(records[1]["sensitive"], false);
    assert_eq!(records[1]["items"].as_array().unwrap().len(), 2);
    assert_eq!(records[2]["category"], serde_json::Value::Null);
    let o = policy_lsp(&["classify", "指纹"], b"");
    assert!(stdout(&o).contains("个人敏感信息"), "{}", stdout(&o));
}

#[test]
fn lints_are_opt_in_on_the_command_line_and_syntax_codes_are_not_lints() {
    let text = "(我们)[收集]<指纹>和<天气>".as_bytes();
    let o = policy_lsp(&["check", "--format", "json", "-"], text);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with(r#"{"type":"summary","files":1,"files_with_errors":0,"errors":0,"warnings":0,"notes":0,"#), "{}", stdout(&o));
    let o = policy_lsp(
        &[
            "check",
            "--format",
            "json",
            "--lint",
            "sensitive-data",
            "--lint",
            "unclassified-data=error",
            "-",
        ],
        text,
    );
    let records: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|r| r["type"] == "diagnostic")
        .collect();
    let got: Vec<(&str, &str, u64)> = records
        .iter()
        .map(|r| {
            (
                r["code"].as_str().unwrap(),
                r["severity"].as_str().unwrap(),
                r["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("sensitive-data", "information", 9),
            ("unclassified-data", "error", 14)
        ]
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "a lint levelled to error fails the check"
    );
    let o = policy_lsp(&["check", "--lint", "padded-annotation=off", "-"], text);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("syntax check"));
}

#[test]
fn a_100_mb_file_is_checked_like_any_other() {
    // 100 MB where the suite runs optimised (scripts/test, CI); a debug
    // `cargo test` would spend most of a minute on it, so 10 MB there.
    let size = if cfg!(debug_assertions) {
        10_000_000
    } else {
        100_000_000
    };
    let dir = temp_dir("big");
    let line = "(我们)[收集]您的<手机号码>以{验证身份}。".repeat(20) + "\n";
    let mut text = line.repeat(size / line.len() + 1);
    text.push_str("<未闭合\n");
    std::fs::write(dir.join("big.policy"), &text).unwrap();
    drop(text);
    let o = policy_lsp(
        &[
            "check",
            "--format",
            "json",
            dir.join("big.policy").to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert_eq!(
        out.lines().count(),
        2,
        "a diagnostic and the summary: {out}"
    );
    assert!(out.contains("unclosed-annotation"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn without_a_path_check_reads_the_current_directory() {
    let dir = temp_dir("cwd");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("sub/a.policy"), "<数据").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_policy-lsp"))
        .arg("check")
        .current_dir(&dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("a.policy:1:1"), "{}", stdout(&o));
}
