//! `docs/jd-sample-findings.md` lists and judges what `policy-lsp check
//! --lint pipl` finds in the JD sample. These tests fail when the page and
//! the tool part: a count of its table, a position of its listing, or what
//! its allow file leaves. (That the sample with no configuration has no
//! diagnostics is `cli::the_bundled_sample_checks_clean`.)

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

use policy_core::lints::Lint;
use serde_json::Value;

const PAGE: &str = include_str!("../../docs/jd-sample-findings.md");
const SAMPLE: &str = "examples/jd-privacy-policy.policy";

/// A finding: its code and its 1-based line and column (characters).
type Finding = (String, u64, u64);

fn policy_lsp(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_policy-lsp"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

fn records(o: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn findings(records: &[Value]) -> Vec<Finding> {
    let mut out: Vec<Finding> = records
        .iter()
        .filter(|r| r["type"] == "diagnostic")
        .map(|r| {
            (
                r["code"].as_str().expect("a code").to_string(),
                r["line"].as_u64().expect("a line"),
                r["column"].as_u64().expect("a column"),
            )
        })
        .collect();
    out.sort();
    out
}

fn count(findings: &[Finding], code: &str) -> usize {
    findings.iter().filter(|f| f.0 == code).count()
}

/// What `check --lint pipl --format json` finds in the sample, run as the
/// page says (from the repository's root).
fn pipl_findings() -> (Vec<Finding>, Value) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = policy_lsp(
        &["check", "--lint", "pipl", "--format", "json", SAMPLE],
        root,
    );
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let records = records(&o);
    let summary = records
        .iter()
        .find(|r| r["type"] == "summary")
        .cloned()
        .expect("a summary record");
    (findings(&records), summary)
}

/// The counts table's columns: findings, right, false positive, left with
/// the allow file.
type Row = [usize; 4];

/// The page's counts table, by code (`total` for the last row).
fn counts_table() -> BTreeMap<String, Row> {
    let begin = PAGE
        .find("<!-- jd-sample-counts: begin -->")
        .expect("the counts table's begin marker");
    let end = PAGE
        .find("<!-- jd-sample-counts: end -->")
        .expect("the counts table's end marker");
    let mut table = BTreeMap::new();
    for line in PAGE[begin..end].lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // "| `code` | n | n | n | n |" splits into 7 cells, empty at both ends.
        if cells.len() != 7 || cells[2].parse::<usize>().is_err() {
            continue;
        }
        let name = cells[1].trim_matches('`').to_string();
        let numbers: Vec<usize> = cells[2..6]
            .iter()
            .map(|c| c.parse().unwrap_or_else(|_| panic!("a number: {line}")))
            .collect();
        let row = [numbers[0], numbers[1], numbers[2], numbers[3]];
        assert!(
            table.insert(name, row).is_none(),
            "one row per code: {line}"
        );
    }
    table
}

/// A finding's verdict on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Verdict {
    Right,
    FalsePositive,
}

/// The page's listing: under each `### \`code\`` heading, every table row
/// whose first cell holds positions (`` `L:C` ``), each position with the
/// row's verdict (its last cell).
fn listing() -> Vec<(Finding, Verdict)> {
    let mut out = Vec::new();
    let mut section: Option<&str> = None;
    for line in PAGE.lines() {
        if let Some(heading) = line.strip_prefix("### ") {
            section = heading
                .strip_prefix('`')
                .and_then(|h| h.split('`').next())
                .filter(|c| Lint::from_code(c).is_some());
            continue;
        }
        if line.starts_with("## ") {
            section = None;
            continue;
        }
        let Some(code) = section else { continue };
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if !line.starts_with('|') || cells.len() < 4 {
            continue;
        }
        let positions: Vec<(u64, u64)> = cells[1]
            .split('`')
            .skip(1)
            .step_by(2)
            .filter_map(|p| {
                let (l, c) = p.split_once(':')?;
                Some((l.parse().ok()?, c.parse().ok()?))
            })
            .collect();
        if positions.is_empty() {
            continue;
        }
        let verdict = match cells[cells.len() - 2] {
            "right" => Verdict::Right,
            "false positive" => Verdict::FalsePositive,
            other => panic!("a verdict, not {other:?}: {line}"),
        };
        for (l, c) in positions {
            out.push(((code.to_string(), l, c), verdict));
        }
    }
    out.sort();
    out
}

#[test]
fn the_jd_pages_counts_are_what_check_lint_pipl_finds() {
    let (found, summary) = pipl_findings();
    let table = counts_table();
    for lint in Lint::ALL {
        let code = lint.code();
        let row = table
            .get(code)
            .unwrap_or_else(|| panic!("docs/jd-sample-findings.md has no row for `{code}`"));
        assert_eq!(
            row[0],
            count(&found, code),
            "`{code}`: the page says {}, check finds {}",
            row[0],
            count(&found, code)
        );
        assert_eq!(
            row[1] + row[2],
            row[0],
            "`{code}`: right + false = findings"
        );
    }
    let total = table.get("total").expect("a total row");
    assert_eq!(total[0], found.len(), "the total");
    for (i, column) in ["right", "false positive", "left"].iter().enumerate() {
        let sum: usize = Lint::ALL.iter().map(|l| table[l.code()][i + 1]).sum();
        assert_eq!(total[i + 1], sum, "the total of `{column}`");
    }
    // The page says: all notes, no error, no warning.
    assert_eq!(
        (&summary["errors"], &summary["warnings"], &summary["notes"]),
        (&Value::from(0), &Value::from(0), &Value::from(found.len())),
        "{summary}"
    );
}

#[test]
fn the_jd_page_lists_every_finding_once_with_a_verdict() {
    let (found, _) = pipl_findings();
    let listed = listing();
    let listed_findings: Vec<Finding> = listed.iter().map(|(f, _)| f.clone()).collect();
    let missing: Vec<&Finding> = found
        .iter()
        .filter(|f| !listed_findings.contains(f))
        .collect();
    let extra: Vec<&Finding> = listed_findings
        .iter()
        .filter(|f| !found.contains(f))
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "findings the page does not list: {missing:?}; listed but not found: {extra:?}"
    );
    assert_eq!(listed_findings, found, "each finding listed once");
    let table = counts_table();
    for lint in Lint::ALL {
        let code = lint.code();
        let judged = |v| {
            listed
                .iter()
                .filter(|((c, _, _), verdict)| c == code && *verdict == v)
                .count()
        };
        assert_eq!(
            (judged(Verdict::Right), judged(Verdict::FalsePositive)),
            (table[code][1], table[code][2]),
            "`{code}`: the verdicts listed against the counts table"
        );
    }
}

#[test]
fn the_jd_pages_allow_file_hides_false_positives_only() {
    let section = PAGE
        .split("## An allow file")
        .nth(1)
        .expect("the page's allow file section");
    let toml = section
        .split("```toml\n")
        .nth(1)
        .and_then(|s| s.split("```").next())
        .expect("a toml block");
    let dir = std::env::temp_dir().join(format!("policy-lsp-jd-allow-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(root.join(SAMPLE), dir.join("jd.policy")).unwrap();
    std::fs::write(dir.join("policy-lsp.toml"), toml).unwrap();

    // The file switches the preset on: no `--lint`.
    let o = policy_lsp(&["check", "--format", "json", "jd.policy"], &dir);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let left = findings(&records(&o));
    let table = counts_table();
    for lint in Lint::ALL {
        let code = lint.code();
        assert_eq!(
            count(&left, code),
            table[code][3],
            "`{code}`: left with the page's allow file"
        );
    }
    for (finding, verdict) in listing() {
        if verdict == Verdict::Right {
            assert!(left.contains(&finding), "the allow file hides {finding:?}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
