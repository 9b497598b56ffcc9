//! Every `policy-lsp` command the README shows is run against the built
//! binary, from the repository root: it must exit as its shown output says
//! (1 when it shows an error, else 0), and where the README shows output,
//! print exactly that.

use std::path::Path;
use std::process::{Command, Stdio};

/// A command of the README and the output shown under it, if any.
#[derive(Debug)]
struct Example {
    line: usize,
    command: String,
    shown: Option<String>,
}

/// The commands in ```sh / ```console blocks: `$ policy-lsp …` lines
/// (followed by their output up to the next `$ ` line or the block's end)
/// and, in sh blocks, plain `policy-lsp …` lines and the `policy-lsp …`
/// part after `&&`.
fn examples(readme: &str) -> Vec<Example> {
    let mut found: Vec<Example> = Vec::new();
    let mut block: Option<String> = None;
    let mut collecting = false;
    for (i, line) in readme.lines().enumerate() {
        if let Some(fence) = line.trim_start().strip_prefix("```") {
            block = match block {
                None => Some(fence.trim().to_string()),
                Some(_) => None,
            };
            collecting = false;
            continue;
        }
        let Some(lang) = block.as_deref() else {
            continue;
        };
        if !matches!(lang, "sh" | "console" | "shell" | "bash") {
            continue;
        }
        if let Some(cmd) = line.strip_prefix("$ ") {
            collecting = cmd.starts_with("policy-lsp ");
            if collecting {
                found.push(Example {
                    line: i + 1,
                    command: cmd.to_string(),
                    shown: (lang == "console").then(String::new),
                });
            }
            continue;
        }
        if collecting {
            if let Some(shown) = found.last_mut().and_then(|e| e.shown.as_mut()) {
                shown.push_str(line);
                shown.push('\n');
            }
            continue;
        }
        if lang != "console" {
            let command = if line.starts_with("policy-lsp ") {
                Some(line)
            } else {
                line.split_once("&& ")
                    .map(|(_, rest)| rest)
                    .filter(|rest| rest.starts_with("policy-lsp "))
            };
            if let Some(command) = command {
                found.push(Example {
                    line: i + 1,
                    command: command.to_string(),
                    shown: None,
                });
            }
        }
    }
    for e in &mut found {
        if e.shown.as_deref().is_some_and(|s| s.trim().is_empty()) {
            e.shown = None;
        }
    }
    found
}

/// What the shown output says about the exit status: 1 when it shows an
/// error (a rendered error, an error record, or a summary with errors).
fn exit_shown(shown: &str) -> i32 {
    let has_error = shown.lines().any(|l| {
        l.starts_with("error[")
            || l.contains(r#""severity":"error""#)
            || (l.starts_with("checked ") && !l.contains(": 0 errors"))
    });
    i32::from(has_error)
}

fn normalise(text: &str) -> String {
    text.lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
        .trim_end()
        .to_string()
}

#[test]
fn every_policy_lsp_command_in_the_readme_runs_as_shown() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let examples = examples(&readme);
    // The README's set-up check, the check, lint, JSON and classify
    // examples at least: a parser that finds nothing must fail.
    assert!(examples.len() >= 6, "too few commands found: {examples:#?}");
    assert!(
        examples
            .iter()
            .any(|e| e.command == "policy-lsp check examples/jd-privacy-policy.policy"),
        "the set-up command: {examples:#?}"
    );
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_policy-lsp"))
        .parent()
        .unwrap();
    let path = std::env::join_paths(std::iter::once(bin_dir.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    let mut failures = Vec::new();
    for e in &examples {
        let o = Command::new("bash")
            .args(["-o", "pipefail", "-c", &e.command])
            .current_dir(root)
            .env("PATH", &path)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .output()
            .expect("bash runs");
        let got = String::from_utf8_lossy(&o.stdout);
        let code = o.status.code();
        let ok = match &e.shown {
            Some(shown) => code == Some(exit_shown(shown)) && normalise(&got) == normalise(shown),
            None => matches!(code, Some(0 | 1)),
        };
        if !ok {
            failures.push(format!(
                "README.md:{}: `{}` exited {code:?}\n--- shown:\n{}\n--- got:\n{}\n--- stderr:\n{}",
                e.line,
                e.command,
                e.shown.as_deref().unwrap_or("(nothing shown: exit 0 or 1)"),
                got,
                String::from_utf8_lossy(&o.stderr)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_readme_first_screen_has_exactly_the_two_set_up_commands() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let first_block: Vec<&str> = readme
        .split("```sh\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .map(|b| b.lines().collect())
        .unwrap_or_default();
    assert_eq!(
        first_block,
        [
            "cargo install --locked --path . && policy-lsp check examples/jd-privacy-policy.policy",
            "scripts/test"
        ]
    );
}

#[test]
fn the_example_parser_reads_console_and_sh_blocks() {
    let text = "```console\n$ policy-lsp a\nout 1\n\n$ echo x\nnot output\n```\n\
                ```sh\npolicy-lsp b\ncargo x && policy-lsp c\n```\n\
                ```text\npolicy-lsp d\n```\n";
    let got: Vec<(String, Option<String>)> = examples(text)
        .into_iter()
        .map(|e| (e.command, e.shown))
        .collect();
    assert_eq!(
        got,
        [
            ("policy-lsp a".into(), Some("out 1\n\n".into())),
            ("policy-lsp b".into(), None),
            ("policy-lsp c".into(), None),
        ]
    );
    assert_eq!(exit_shown("checked 1 file: 0 errors, 3 warnings"), 0);
    assert_eq!(
        exit_shown("checked 3 files: 1 error, 0 warnings in 1 file"),
        1
    );
}
