//! `policy-lsp stats` and `policy-lsp report` as a user runs them: counts
//! a reader can check by hand, the same counts as the core's own parse on
//! ca4p-dev, and an HTML page no policy text can inject markup into.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

use policy_core::analysis::{AnalysedDocument, Class, class_of};
use policy_core::syntax::{AnnotationKind, Severity};
use policy_core::taxonomy::Taxonomy;
use serde_json::Value;

fn policy_lsp(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_policy-lsp"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("policy-lsp-stats-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn json_stats(paths: &[&str]) -> Value {
    let mut args = vec!["stats", "--format", "json"];
    args.extend_from_slice(paths);
    let o = policy_lsp(&args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(o.stderr.is_empty(), "no progress bar off a terminal");
    serde_json::from_slice(&o.stdout).expect("one JSON object")
}

/// Two small documents whose every count can be checked by reading them.
#[test]
fn stats_of_a_small_corpus_count_by_hand() {
    let dir = temp_dir("hand");
    // 3 lines; 2 actors, 2 actions (collect, share), 4 data (identity
    // sensitive, basic_profile, unspecific vague, one unclassified), 1
    // purpose; the share sentence is negated. 😀 and 𠮷 change no count.
    std::fs::write(
        dir.join("a.policy"),
        "(我们)会[收集]您的<身份证号码>和<手机号码>，{用于注册😀}。\r\n\
         (我们)不会[共享]<上述信息>。<某某东西𠮷>\n\
         没有标注的一行\n",
    )
    .unwrap();
    // 2 lines, one unclosed annotation (a syntax error), 1 action (collect
    // again), 1 data item (basic_profile).
    std::fs::write(dir.join("b.policy"), "[收集]<手机号码>\n坏的<括号\n").unwrap();
    let s = json_stats(&[dir.to_str().unwrap()]);
    assert_eq!(s["documents"], 2);
    assert_eq!(s["lines"], 5);
    assert_eq!(
        s["annotations"],
        serde_json::json!({"actor": 2, "action": 3, "data": 5, "purpose": 1})
    );
    assert_eq!(
        s["data"],
        serde_json::json!({
            "sensitive": 1, "vague": 1, "unclassified": 1, "non_personal": 0,
            "by_category": {"basic_profile": 2, "identity": 1, "unspecific": 1}
        })
    );
    assert_eq!(s["actions"], serde_json::json!({"collect": 2, "share": 1}));
    assert_eq!(s["documents_with_errors"], 1);
    assert_eq!(
        s["top_terms"]["data"][0],
        serde_json::json!(["手机号码", 2]),
        "{}",
        s["top_terms"]
    );
    assert_eq!(s["top_terms"]["actor"], serde_json::json!([["我们", 2]]));
    assert_eq!(
        s["top_terms"]["purpose"],
        serde_json::json!([["用于注册😀", 1]])
    );

    let o = policy_lsp(&["stats", dir.to_str().unwrap()]);
    let human = String::from_utf8(o.stdout).unwrap();
    assert!(human.contains("documents    2\n"), "{human}");
    assert!(
        human.contains("20.0% sensitive (1), 20.0% vague (1), 20.0% unclassified (1)"),
        "{human}"
    );
    assert!(
        human.contains("identity 个人身份信息 (sensitive)"),
        "{human}"
    );
    assert!(
        human.contains("errors       1 of 2 documents with a syntax error"),
        "{human}"
    );
}

#[test]
fn stats_of_a_missing_path_exit_2_and_count_the_rest() {
    let o = policy_lsp(&[
        "stats",
        "--format",
        "json",
        "examples/jd-privacy-policy.policy",
        "no/such/file.policy",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let s: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(s["documents"], 1);
    assert!(String::from_utf8_lossy(&o.stderr).contains("no/such/file.policy"));
}

/// `stats` on ca4p-dev equals counts made here straight from the core's
/// analysed documents (annotations, lines, classes, syntax diagnostics).
#[test]
fn stats_on_ca4p_dev_equal_a_count_from_the_core() {
    let Some(files) = super::export::corpus_files() else {
        return;
    };
    let taxonomy = Arc::new(Taxonomy::builtin());
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    let (mut lines, mut errors, mut sensitive, mut unclassified, mut vague) = (0, 0, 0, 0, 0);
    let mut by_category: BTreeMap<String, usize> = BTreeMap::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let doc = AnalysedDocument::new(text, taxonomy.clone());
        // Lines as `wc -l` counts a file ending in a line break.
        lines += text.split_inclusive(['\n']).count();
        errors += doc
            .doc()
            .diagnostics()
            .any(|(_, d)| d.code.severity() == Severity::Error) as usize;
        for (line, a) in doc.doc().annotations() {
            *kinds.entry(a.kind.name()).or_default() += 1;
            if a.kind != AnnotationKind::Data {
                continue;
            }
            let index = doc
                .doc()
                .line_parse(line)
                .unwrap()
                .annotations
                .iter()
                .position(|b| b == a)
                .unwrap();
            match class_of(doc.classes().line(line), index) {
                Class::Data(c) => {
                    sensitive += c.sensitive as usize;
                    vague += c.vague as usize;
                    *by_category.entry(c.id.clone()).or_default() += 1;
                }
                _ => unclassified += 1,
            }
        }
    }
    let dir = files[0].parent().unwrap().to_str().unwrap().to_string();
    let s = json_stats(&[&dir]);
    assert_eq!(s["documents"], files.len());
    assert_eq!(s["lines"], lines);
    assert_eq!(s["annotations"], serde_json::to_value(&kinds).unwrap());
    assert_eq!(s["documents_with_errors"], errors);
    assert_eq!(s["data"]["sensitive"], sensitive);
    assert_eq!(s["data"]["vague"], vague);
    assert_eq!(s["data"]["unclassified"], unclassified);
    assert_eq!(
        s["data"]["by_category"],
        serde_json::to_value(&by_category).unwrap()
    );
    assert!(sensitive > 0 && kinds.len() == 4, "{kinds:?}");
}

fn report(paths: &[&str], out: &Path) -> (Output, String) {
    let mut args = vec!["report"];
    args.extend_from_slice(paths);
    args.extend_from_slice(&["-o", out.to_str().unwrap()]);
    let o = policy_lsp(&args);
    let page = std::fs::read_to_string(out).unwrap_or_default();
    (o, page)
}

#[test]
fn the_report_escapes_every_text_of_a_policy() {
    let dir = temp_dir("inject");
    let evil = "<script>alert(1)</script>";
    // Escaped brackets make the markup values themselves (a purpose
    // `<script>…`, an actor `我们</script>`); the broken line's text shows up
    // in the findings.
    std::fs::write(
        dir.join("evil.policy"),
        format!(
            "(我们\\</script\\>)会[收集]<\\\"\\>\\<img src=x onerror=alert\\(2\\)\\>>\
             {{\\<script\\>alert\\(1\\)\\</script\\>}}。\n<{evil}\n(&amp;'\")[使用]<x>。\n"
        ),
    )
    .unwrap();
    let out = dir.join("report.html");
    let (o, page) = report(&[dir.join("evil.policy").to_str().unwrap()], &out);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(
        page.matches("<script").count(),
        2,
        "only the page's own scripts"
    );
    assert_eq!(page.matches("</script>").count(), 2);
    assert!(!page.contains("<img"), "an element from the policy");
    assert!(
        !page.contains("alert(1)</"),
        "raw policy markup in the page"
    );
    // The text is there, escaped: in HTML as entities, in the data as \u003c.
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "escaped text"
    );
    assert!(
        page.contains("\\u003cscript\\u003ealert(1)"),
        "escaped JSON"
    );
}

#[test]
fn the_jd_report_is_self_contained_and_draws_the_practice_graph() {
    let dir = temp_dir("jd");
    let out = dir.join("jd.html");
    let (o, page) = report(&["examples/jd-privacy-policy.policy"], &out);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // Nothing to fetch: no external URL in an attribute, a CSP that allows
    // nothing outside the page.
    for attr in [
        "src=\"http",
        "href=\"http",
        "url(http",
        "@import",
        "src=\"//",
    ] {
        assert!(!page.contains(attr), "{attr} in the page");
    }
    assert!(page.contains("content=\"default-src 'none';"));
    // The graph: nodes of each layer, the sensitive category marked, with
    // positions from the layout (not all at one point).
    assert!(page.contains("<svg id=\"graph\""));
    for (class, label) in [
        ("node actor", "第一方"),
        ("node action", "收集"),
        ("node data sensitive", "个人身份信息"),
        ("node data", "个人基本资料"),
    ] {
        let node = page
            .split("<g class=\"")
            .find(|g| g.starts_with(&format!("{class}\"")) && g.contains(&format!(">{label}<")))
            .unwrap_or_else(|| panic!("no {class} node {label}"));
        assert!(node.contains("<rect x=\""), "{node}");
    }
    let xs: std::collections::BTreeSet<&str> = page
        .split("<rect x=\"")
        .skip(1)
        .filter_map(|r| r.split('"').next())
        .collect();
    assert!(xs.len() >= 4, "the layers stand apart: {xs:?}");
    // Each node's places: the JD file and its lines.
    assert!(page.contains("\"places\":[[0,["), "node places in the data");
    // Disclosures, findings (the pipl lints), the documents' table.
    assert!(page.contains("<table class=\"topics\">"));
    assert!(page.contains("sensitive-data"), "a pipl lint finding");
    assert!(
        page.contains("jd-privacy-policy.policy#L"),
        "links to lines"
    );
}

#[test]
fn the_report_of_a_missing_path_still_writes_the_rest_and_exits_2() {
    let dir = temp_dir("missing");
    let out = dir.join("r.html");
    let (o, page) = report(&["examples/corpus", "no/such.policy"], &out);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        page.contains("3 policies: practice report"),
        "{}",
        &page[..200]
    );
    let (o, _) = report(&["examples/corpus"], &dir.join("no/such/dir/r.html"));
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot write the output"));
}
