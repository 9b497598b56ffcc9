//! `policy-lsp check` as a new user and a CI job meet it: which files a
//! folder walk checks, that nothing passes in silence, the JSON stream's
//! error and summary records, special files, a full disk, long lines, and
//! the help texts.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_policy-lsp"));
    c.env("NO_COLOR", "1")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = bin().args(args).spawn().expect("the binary runs");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    bin()
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "policy-lsp-usability-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The JSON Lines of `--format json`, each parsed.
fn records(o: &Output) -> Vec<serde_json::Value> {
    stdout(o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// The paths of the diagnostic records, relative to `root`, sorted and
/// without duplicates.
fn diagnosed_paths(o: &Output, root: &Path) -> Vec<String> {
    let mut paths: Vec<String> = records(o)
        .iter()
        .filter(|r| r["type"] == "diagnostic")
        .map(|r| {
            let p = PathBuf::from(r["path"].as_str().unwrap());
            p.strip_prefix(root)
                .unwrap_or(&p)
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

/// A folder as a clone of a project might hold it: each file has one
/// syntax error, so every file checked shows up in the output.
fn project(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    write(&dir.join(".gitignore"), "build/\n*.bak.policy\n");
    write(&dir.join(".ignore"), "drafts/\n");
    for f in [
        "policies/a.policy",
        "policies/sub/b.policy",
        "policies/old.bak.policy",
        "build/c.policy",
        "drafts/d.policy",
        ".hidden/e.policy",
        "policies/.f.policy",
        "node_modules/pkg/g.policy",
        "target/debug/h.policy",
    ] {
        write(&dir.join(f), "您的<数据");
    }
    write(&dir.join("policies/notes.txt"), "<not a policy");
    dir
}

#[test]
fn a_folder_walk_skips_ignored_hidden_target_and_node_modules_like_ripgrep() {
    let dir = project("walk");
    let o = run(&["check", "--format", "json", dir.to_str().unwrap()], b"");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        diagnosed_paths(&o, &dir),
        ["policies/a.policy", "policies/sub/b.policy"]
    );

    let o = run(
        &[
            "check",
            "--format",
            "json",
            "--hidden",
            dir.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(
        diagnosed_paths(&o, &dir),
        [
            ".hidden/e.policy",
            "policies/.f.policy",
            "policies/a.policy",
            "policies/sub/b.policy"
        ]
    );

    let o = run(
        &[
            "check",
            "--format",
            "json",
            "--no-ignore",
            dir.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(
        diagnosed_paths(&o, &dir),
        [
            "build/c.policy",
            "drafts/d.policy",
            "node_modules/pkg/g.policy",
            "policies/a.policy",
            "policies/old.bak.policy",
            "policies/sub/b.policy",
            "target/debug/h.policy"
        ]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_file_named_on_the_command_line_is_checked_even_when_ignored_or_hidden() {
    let dir = project("named");
    let o = run_in(
        &dir,
        &[
            "check",
            "--format",
            "json",
            "build/c.policy",
            ".hidden/e.policy",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        diagnosed_paths(&o, &dir),
        [".hidden/e.policy", "build/c.policy"]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_in_the_checkout_sees_the_examples_and_not_the_grammar_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = run(&["check", "--format", "json"], b"");
    let paths = diagnosed_paths(&o, root);
    // The example corpus holds one deliberate syntax error; nothing else
    // in the repository is a broken policy.
    assert_eq!(
        paths,
        ["./examples/corpus/location.policy"],
        "{}",
        stdout(&o)
    );
    assert_eq!(o.status.code(), Some(1));
    let summary = records(&o).pop().unwrap();
    assert_eq!(summary["type"], "summary");
    assert!(summary["files"].as_u64().unwrap() >= 4, "{summary}");
    assert_eq!(summary["errors"], 1);
}

#[test]
fn a_folder_without_policy_files_exits_2_and_says_why() {
    let dir = temp_dir("empty");
    write(&dir.join("readme.txt"), "no policies here");
    let o = run(&["check", dir.to_str().unwrap()], b"");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no .policy files in this folder"),
        "{}",
        stderr(&o)
    );
    assert_eq!(stdout(&o), "", "no 'checked 0 files' line");

    // Only hidden and ignored files: the message names the flags.
    write(&dir.join(".ignore"), "skipped/\n");
    write(&dir.join("skipped/a.policy"), "<数据>");
    write(&dir.join(".drafts/b.policy"), "<数据>");
    let o = run_in(&dir, &["check"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("--hidden") && err.contains("--no-ignore"),
        "{err}"
    );
    let o = run_in(&dir, &["check", "--no-ignore"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o).trim(),
        "checked 1 file: 0 errors, 0 warnings",
        "{}",
        stderr(&o)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_missing_path_exits_2_without_a_summary_and_the_others_are_still_checked() {
    let o = run(&["check", "examples/no-such-file.policy"], b"");
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o).trim(),
        "error: examples/no-such-file.policy: no such file or directory"
    );

    let o = run(
        &[
            "check",
            "examples/no-such-file.policy",
            "examples/jd-privacy-policy.policy",
        ],
        b"",
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stdout(&o).trim(),
        "checked 1 file: 0 errors, 0 warnings; 1 path not checked (see above)"
    );
}

#[test]
fn json_reports_file_errors_as_records_and_closes_with_a_summary() {
    let dir = temp_dir("json");
    write(
        &dir.join("good.policy"),
        "(我们)[收集]<手机号码>\n< 数据 >\n",
    );
    write(&dir.join("broken.policy"), "您的<数据]\n");
    std::fs::write(dir.join("latin1.policy"), b"<ok>\n\xe9t\xe9").unwrap();
    let missing = dir.join("missing.policy");
    let o = run(
        &[
            "check",
            "--format",
            "json",
            dir.to_str().unwrap(),
            missing.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(o.status.code(), Some(2));
    let records = records(&o);
    let kinds: Vec<(&str, String)> = records
        .iter()
        .map(|r| {
            let path = r["path"].as_str().unwrap_or("");
            let name = Path::new(path)
                .file_name()
                .map_or(String::new(), |n| n.to_string_lossy().into_owned());
            (r["type"].as_str().unwrap(), name)
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("error", "missing.policy".to_string()),
            ("diagnostic", "broken.policy".to_string()),
            ("diagnostic", "good.policy".to_string()),
            ("error", "latin1.policy".to_string()),
            ("summary", String::new()),
        ]
    );
    assert_eq!(records[0]["kind"], "not-found");
    assert_eq!(records[0]["error"], "no such file or directory");
    let utf8 = &records[3];
    assert_eq!(utf8["kind"], "not-utf8");
    assert_eq!(
        (utf8["offset"].as_u64(), utf8["line"].as_u64()),
        (Some(5), Some(2))
    );
    assert!(utf8["error"].as_str().unwrap().contains("not UTF-8"));
    assert_eq!(records[2]["code"], "padded-annotation");
    assert_eq!(
        records[4],
        serde_json::json!({
            "type": "summary",
            "files": 2,
            "files_with_errors": 1,
            "errors": 1,
            "warnings": 1,
            "notes": 0,
            "file_errors": 2,
        })
    );
    // People still read the errors on stderr.
    assert!(stderr(&o).contains("latin1.policy: not UTF-8"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_broken_taxonomy_file_is_a_json_error_record() {
    let dir = temp_dir("taxonomy");
    write(&dir.join("policy-lsp.toml"), "[[category]]\nid = \n");
    write(&dir.join("a.policy"), "<数据>");
    let o = run(&["check", "--format", "json", dir.to_str().unwrap()], b"");
    assert_eq!(o.status.code(), Some(2));
    let records = records(&o);
    assert_eq!(records[0]["type"], "error");
    assert_eq!(records[0]["kind"], "taxonomy");
    assert!(
        records[0]["path"]
            .as_str()
            .unwrap()
            .ends_with("policy-lsp.toml"),
        "{}",
        records[0]
    );
    assert!(records[0]["error"].as_str().unwrap().contains("line 2"));
    assert_eq!(records.last().unwrap()["files"], 1);
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_one_write_error_not_an_error_per_file() {
    for format in ["human", "json"] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let o = bin()
            .args(["check", "--format", format, "examples"])
            .stdin(Stdio::null())
            .stdout(full)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{format}");
        let err = stderr(&o);
        assert_eq!(err.lines().count(), 1, "{format}: {err}");
        assert!(
            err.starts_with("error: cannot write the output:") && !err.contains(".policy"),
            "{format}: {err}"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_is_named_as_a_loop_on_the_command_line_and_in_a_walk() {
    let dir = temp_dir("loop");
    std::os::unix::fs::symlink("loop.policy", dir.join("loop.policy")).unwrap();
    std::os::unix::fs::symlink("gone.policy", dir.join("dangling.policy")).unwrap();
    write(&dir.join("good.policy"), "<数据>");
    let o = run(&["check", dir.join("loop.policy").to_str().unwrap()], b"");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("loop.policy: a loop of symbolic links"),
        "{}",
        stderr(&o)
    );

    let o = run(&["check", "--format", "json", dir.to_str().unwrap()], b"");
    assert_eq!(o.status.code(), Some(2));
    let records = records(&o);
    let errors: Vec<(&str, &str)> = records
        .iter()
        .filter(|r| r["type"] == "error")
        .map(|r| {
            let path = r["path"].as_str().unwrap();
            (
                &path[path.rfind('/').unwrap() + 1..],
                r["kind"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        [
            ("dangling.policy", "not-found"),
            ("loop.policy", "symlink-loop")
        ]
    );
    assert_eq!(
        records.last().unwrap()["files"],
        1,
        "good.policy is checked"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn a_fifo_on_the_command_line_is_refused_not_waited_on() {
    let dir = temp_dir("fifo");
    let fifo = dir.join("pipe.policy");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let mut child = bin()
        .args([
            "check",
            fifo.to_str().unwrap(),
            "examples/jd-privacy-policy.policy",
        ])
        .stdin(Stdio::null())
        .spawn()
        .unwrap();
    // A guard against hanging the suite, not a speed assertion: a check
    // that opened the FIFO would wait for a writer for ever.
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("check blocked on the FIFO");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("pipe.policy: is a FIFO (named pipe), not a file")
            && err.contains("policy-lsp check -"),
        "{err}"
    );
    assert_eq!(
        stdout(&o).trim(),
        "checked 1 file: 0 errors, 0 warnings; 1 path not checked (see above)"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The display column (0-based) of each `^` run's start in the caret line,
/// mapped to the character it stands under in the source line above.
fn char_under_caret(source_line: &str, caret_line: &str) -> Option<char> {
    use unicode_width::UnicodeWidthChar;
    let text_start = source_line.find("| ")? + 2;
    let caret_col = caret_line.find('^')?.checked_sub(text_start)?;
    let mut col = 0;
    for c in source_line[text_start..].chars() {
        if col == caret_col {
            return Some(c);
        }
        col += c.width().unwrap_or(0);
        if col > caret_col {
            return None;
        }
    }
    None
}

#[test]
fn a_long_line_with_many_errors_shows_each_one_at_its_place() {
    // ~100 KB on one line, an error every 7 characters, behind characters
    // outside the BMP.
    let n = 6_000;
    let line = format!("😀𠮷{}", "您的<数据]".repeat(n));
    let o = run(&["check", "-"], line.as_bytes());
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    let mut columns = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let Some(header) = l.trim_start().strip_prefix("--> <stdin>:1:") else {
            continue;
        };
        columns.push(header.parse::<usize>().unwrap());
        // The header, a gutter line, the source line, the caret line.
        let (source, caret) = (lines[i + 2], lines[i + 3]);
        assert!(source.len() < 400, "a window, not the whole line: {source}");
        assert_eq!(
            char_under_caret(source, caret),
            Some(']'),
            "{source}\n{caret}"
        );
    }
    let expected: Vec<usize> = (0..n).map(|k| 2 + 6 * (k + 1)).collect();
    assert_eq!(columns, expected);
    assert!(
        out.trim_end()
            .ends_with(&format!("checked 1 file: {n} errors, 0 warnings in 1 file")),
        "{}",
        &out[out.len().saturating_sub(200)..]
    );
    // A window that cuts the line says so.
    let middle = lines.iter().find(|l| l.contains("1:18002")).unwrap();
    let at = lines.iter().position(|l| l == middle).unwrap();
    assert!(
        lines[at + 2].contains("| ...") && lines[at + 2].ends_with("..."),
        "{}",
        lines[at + 2]
    );
}

#[test]
fn help_states_the_exit_codes_and_classify_has_its_own_format_words() {
    let check = stdout(&run(&["check", "--help"], b""));
    for needle in [
        "Exit status:",
        "0  no file has an error",
        "1  some checked file has an error",
        "2  usage or I/O trouble",
        "--hidden",
        "--no-ignore",
        "--lint <CODE[=LEVEL]>",
    ] {
        assert!(
            check.contains(needle),
            "check --help lacks {needle:?}:\n{check}"
        );
    }
    let classify = stdout(&run(&["classify", "--help"], b""));
    for needle in ["Exit status:", "0  every term", "2  usage or I/O trouble"] {
        assert!(
            classify.contains(needle),
            "classify --help lacks {needle:?}:\n{classify}"
        );
    }
    assert!(
        !classify.contains("caret") && classify.contains("legal source"),
        "{classify}"
    );
}

#[test]
fn the_server_on_a_pipe_writes_nothing_to_stderr() {
    let o = run(&[], b"");
    // No `exit` notification: the protocol's exit status 1.
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stderr(&o), "");
}

#[cfg(target_os = "linux")]
#[test]
fn the_server_on_a_terminal_says_it_waits_for_a_client_and_still_serves() {
    // util-linux `script` gives the server a terminal on stdin; ^D ends it.
    let dir = temp_dir("tty");
    let err = dir.join("stderr");
    let cmd = format!(
        "'{}' 2>'{}'",
        env!("CARGO_BIN_EXE_policy-lsp"),
        err.display()
    );
    let mut child = Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("util-linux script");
    let mut stdin = child.stdin.take().unwrap();
    // Wait (bounded) for the line: the server must still be running then.
    let deadline = Instant::now() + Duration::from_secs(60);
    let text = loop {
        let text = std::fs::read_to_string(&err).unwrap_or_default();
        if text.ends_with('\n') || Instant::now() > deadline {
            break text;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(
        child.try_wait().unwrap().is_none(),
        "the server still serves"
    );
    stdin.write_all(b"\x04").unwrap();
    drop(stdin);
    let status = child.wait().unwrap();
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(
        text.contains("language server") && text.contains("LSP client on stdin"),
        "{text}"
    );
    assert_eq!(
        status.code(),
        Some(1),
        "ended by end of input, without exit"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
