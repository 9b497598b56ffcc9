//! `policy-lsp init` and the `[lints]` table of `policy-lsp.toml` as
//! `policy-lsp check` reads it: the preset and levels, `--lint` over them,
//! allowed findings, and a bad level reported with the file and line.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use policy_core::lints::Lint;
use policy_core::taxonomy::Taxonomy;

fn policy_lsp(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_policy-lsp"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

fn temp_dir(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("policy-lsp-lintscli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The codes `check --format json` reports for `file`, in order.
fn codes(file: &Path, extra: &[&str]) -> Vec<String> {
    let path = file.to_str().unwrap();
    let mut args = vec!["check", "--format", "json", path];
    args.extend_from_slice(extra);
    let out = policy_lsp(&args);
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).ok()?;
            Some(v.get("code")?.as_str()?.to_string())
        })
        .collect()
}

const SHARED: &str = "(我们)会[共享]您的<身份证号码>。\r\n(我们)[收集]<手机号码>。\n";

#[test]
fn init_writes_a_file_that_check_uses_and_refuses_to_overwrite_it() {
    let dir = temp_dir("init");
    let doc = dir.join("a.policy");
    std::fs::write(&doc, SHARED).unwrap();
    assert!(codes(&doc, &[]).is_empty(), "no file, no lints");

    let out = policy_lsp(&["init", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let file = dir.join("policy-lsp.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    for lint in Lint::ALL {
        let line = format!("# {}", lint.code());
        assert!(text.contains(&line), "{} is shown: {text}", lint.code());
    }
    assert!(text.contains("# [[lints.allow]]"));
    assert!(text.contains("\n# unannotated-term-max-per-term = 20\n"));
    assert!(text.contains("\npreset = \"pipl\"\n"));
    let t = Taxonomy::with_overrides_file(&file).expect("the written file loads");
    assert!(t.workspace_lints().is_some());
    // Uncommented, every line still loads, at the levels it shows.
    let uncommented: String = text
        .lines()
        .map(|l| match l.strip_prefix("# ") {
            Some(rest) if Lint::ALL.iter().any(|lint| rest.starts_with(lint.code())) => rest,
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n");
    Taxonomy::with_overrides_str(&uncommented, &file).expect("the levels shown load");

    let found = codes(&doc, &[]);
    assert_eq!(
        found,
        [
            "sensitive-data",
            "recipient-missing",
            "sensitive-without-consent",
            "purpose-missing"
        ],
        "the preset is on"
    );

    // A second init changes nothing.
    std::fs::write(&file, "# mine\n").unwrap();
    let out = policy_lsp(&["init", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("already exists") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "# mine\n");
    let out = policy_lsp(&["init", "--force", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    let out = policy_lsp(&["init", dir.join("nowhere").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_files_levels_allow_list_and_the_command_line_over_them() {
    let dir = temp_dir("levels");
    let sub = dir.join("policies");
    std::fs::create_dir_all(&sub).unwrap();
    let doc = sub.join("a.policy");
    std::fs::write(&doc, SHARED).unwrap();
    std::fs::write(
        dir.join("policy-lsp.toml"),
        "[lints]\npreset = \"pipl\"\nsensitive-data = \"off\"\npurpose-missing = \"error\"\n\n\
         [[lints.allow]]\ncode = \"recipient-missing\"\ntext = \"我们会共享您的身份证号码\"\n",
    )
    .unwrap();
    assert_eq!(
        codes(&doc, &[]),
        ["sensitive-without-consent", "purpose-missing"],
        "the file's levels, found from a folder below, and its allowed finding left out"
    );
    let out = policy_lsp(&["check", doc.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "purpose-missing is an error");
    assert_eq!(
        codes(
            &doc,
            &["--lint", "sensitive-data", "--lint", "purpose-missing=off"]
        ),
        ["sensitive-data", "sensitive-without-consent"],
        "--lint wins, code by code; the allow list still holds"
    );

    // A bad level: the file and line, exit 2, the built-in defaults.
    std::fs::write(
        dir.join("policy-lsp.toml"),
        "[lints]\npreset = \"pipl\"\npurpose-missing = \"loud\"\n",
    )
    .unwrap();
    let out = policy_lsp(&["check", doc.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(all.contains("policy-lsp.toml"), "{all}");
    assert!(all.contains("line 3"), "{all}");
    assert!(all.contains("`loud` is not a level"), "{all}");
    let _ = std::fs::remove_dir_all(dir);
}

/// tests/fixtures/practices/recipient.policy: which disclosures and
/// sharings name no recipient (docs/language.md §7.6), as `check` reports
/// them, line by line.
#[test]
fn recipient_missing_reads_public_disclosure_headings_and_giving_to_us() {
    let out = policy_lsp(&[
        "check",
        "--lint",
        "recipient-missing",
        "--format",
        "json",
        "tests/fixtures/practices/recipient.policy",
    ]);
    let lines: Vec<u64> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).ok()?;
            (v.get("code")?.as_str()? == "recipient-missing").then(|| v["line"].as_u64())?
        })
        .collect();
    // Not reported: a plain 披露 under a 公开披露 heading (2), after a list
    // item that discloses publicly (4), under one past a blank line (8); a
    // heading (11); giving to us (13, and the first sentence of 14).
    // Reported: a 披露 under a heading that names sharing too (10), a
    // lead-in that shares (12), a sharing with nobody named (14).
    assert_eq!(lines, [10, 12, 14]);
}
