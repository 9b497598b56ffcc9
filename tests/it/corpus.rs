//! The corpus index (`policy_core::corpus`) and the checks that compare a
//! document with the others, in the core and through `check --lint corpus`.

use std::process::Command;
use std::sync::Arc;

use policy_core::analysis::Classes;
use policy_core::corpus::{CorpusIndex, CorpusLevels, Entry, Query};
use policy_core::diagnostics::Diagnostic;
use policy_core::document::Document;
use policy_core::lints::LintConfig;
use policy_core::position::PositionEncoding;
use policy_core::syntax::{AnnotationKind, Severity};
use policy_core::taxonomy::Taxonomy;

fn entry(text: &str, taxonomy: &Taxonomy) -> Entry {
    let doc = Document::new(text);
    let classes = Classes::new(&doc, taxonomy);
    Entry::new(&doc, &classes, Vec::new())
}

fn index(docs: &[(&str, &str)]) -> CorpusIndex {
    let taxonomy = Taxonomy::builtin();
    let mut index = CorpusIndex::new();
    for (key, text) in docs {
        index.insert(*key, entry(text, &taxonomy));
    }
    index
}

fn on() -> CorpusLevels {
    let mut levels = CorpusLevels::default();
    assert_eq!(levels.set("corpus", "on"), Some(Ok(())));
    levels
}

/// (code, line, char column of the start, message) of each finding.
fn findings(index: &CorpusIndex, key: &str, text: &str) -> Vec<(String, usize, u32, String)> {
    let doc = Document::new(text);
    index
        .findings(key, &doc, &on())
        .iter()
        .map(|d: &Diagnostic| {
            (
                d.code.to_string(),
                d.line,
                d.start.column(PositionEncoding::Utf32),
                d.message.to_string(),
            )
        })
        .collect()
}

const THREE: [(&str, &str); 3] = [
    ("a", "(合作伙伴)[收集]<位置信息>\n"),
    ("b", "(合作伙伴)[使用]<位置信息>\n"),
    ("c", "(合作伙伴)[共享]<位置信息>和<手机号码>\n"),
];

#[test]
fn counts_are_documents_per_kind_and_follow_insert_replace_and_remove() {
    let mut idx = index(&THREE);
    // Twice in one document counts once.
    idx.insert(
        "d",
        entry("<位置信息><位置信息>(位置信息)\n", &Taxonomy::builtin()),
    );
    assert_eq!(idx.len(), 4);
    assert_eq!(idx.kind_counts("位置信息"), [1, 0, 4, 0]);
    assert_eq!(idx.kind_counts("合作伙伴"), [3, 0, 0, 0]);
    idx.insert("d", entry("<手机号码>\n", &Taxonomy::builtin()));
    assert_eq!(idx.kind_counts("位置信息"), [0, 0, 3, 0]);
    assert_eq!(idx.kind_counts("手机号码"), [0, 0, 2, 0]);
    idx.remove("c");
    assert_eq!(idx.kind_counts("位置信息"), [0, 0, 2, 0]);
    idx.remove("d");
    assert_eq!(idx.kind_counts("手机号码"), [0; 4]);
    assert!(idx.remove("nothing").is_none());
}

#[test]
fn an_entry_keeps_each_annotation_with_its_category_and_place() {
    let e = entry(
        "前言\r\n😀𠮷<身份证号码>和\\<字面\\>与(我们)\u{2028}<位置信息>\n",
        &Taxonomy::builtin(),
    );
    assert_eq!(e.lines, 3);
    let got: Vec<_> = e
        .items
        .iter()
        .map(|i| {
            (
                i.kind,
                i.text.to_string(),
                i.line,
                i.start.column(PositionEncoding::Utf16),
                i.end.column(PositionEncoding::Utf8),
                i.is_sensitive(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (AnnotationKind::Data, "身份证号码".into(), 1, 4, 25, true),
            (AnnotationKind::Actor, "我们".into(), 1, 19, 49, false),
            // U+2028 does not end a line.
            (AnnotationKind::Data, "位置信息".into(), 1, 24, 66, false),
        ]
    );
    assert_eq!(
        e.items[0].category.as_ref().map(|c| c.id.as_str()),
        Some("identity")
    );
}

#[test]
fn a_term_three_other_documents_annotate_as_data_is_found_unannotated() {
    let idx = index(&THREE);
    let text = "😀我们收集位置信息\n<位置信息>与\\位置信息和<精确位置信息>\n";
    assert_eq!(
        findings(&idx, "mine", text),
        vec![(
            "corpus-unannotated".to_string(),
            0,
            5,
            "`位置信息` is not annotated here, but is annotated as <data> in 3 other documents"
                .to_string()
        )],
        "inside an annotation, or escaped, a term is not unannotated"
    );
}

#[test]
fn a_vague_reference_is_never_looked_for_unannotated() {
    // 个人信息 is annotated in three documents, as is 手机号码; in a fourth
    // that names both unannotated, only the specific term is reported: a
    // vague reference stands in nearly every sentence of a policy.
    let idx = index(&[
        ("a", "<个人信息><手机号码>"),
        ("b", "<个人信息><手机号码>"),
        ("c", "<个人信息><手机号码>"),
    ]);
    let found = findings(&idx, "new", "我们收集您的个人信息和手机号码\n");
    assert_eq!(
        found.iter().map(|f| f.3.as_str()).collect::<Vec<_>>(),
        ["`手机号码` is not annotated here, but is annotated as <data> in 3 other documents"]
    );
}

#[test]
fn a_document_is_never_counted_against_itself() {
    // Only two documents besides `c` annotate the term: too few for `c`.
    let idx = index(&THREE);
    assert_eq!(findings(&idx, "c", "位置信息\n"), vec![]);
    // Two documents are not enough for anyone; a term of one char never counts.
    let idx = index(&[
        ("a", "<位置信息><某>"),
        ("b", "<位置信息><某>"),
        ("c", "<某>"),
    ]);
    assert_eq!(findings(&idx, "new", "位置信息和某\n"), vec![]);
}

#[test]
fn a_kind_most_of_the_corpus_does_not_give_is_a_mismatch() {
    let idx = index(&THREE);
    let got = findings(&idx, "mine", "我们与<合作伙伴>\n");
    assert_eq!(
        got,
        vec![(
            "corpus-kind-mismatch".to_string(),
            0,
            3,
            "`合作伙伴` is annotated as <data> here, but as (actor) in 3 of the 3 other documents that annotate it".to_string()
        )]
    );
    // The same kind as the corpus, or a corpus split evenly: nothing.
    assert_eq!(findings(&idx, "mine", "(合作伙伴)\n"), vec![]);
    let split = index(&[
        ("a", "(合作伙伴)"),
        ("b", "(合作伙伴)"),
        ("c", "(合作伙伴)"),
        ("d", "<合作伙伴>"),
        ("e", "<合作伙伴>"),
        ("f", "<合作伙伴>"),
    ]);
    assert_eq!(findings(&split, "mine", "{合作伙伴}\n"), vec![]);
}

#[test]
fn the_checks_are_off_by_default_and_set_through_lint_config() {
    let idx = index(&THREE);
    let doc = Document::new("位置信息与<合作伙伴>\n");
    let mut config = LintConfig::default();
    assert!(idx.findings("x", &doc, &config.corpus).is_empty());
    config.set("pipl", "on").unwrap();
    assert!(
        !config.corpus.any_on(),
        "pipl does not switch the corpus checks on"
    );
    config.set("corpus-kind-mismatch", "warning").unwrap();
    let found = idx.findings("x", &doc, &config.corpus);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, Severity::Warning);
    config.set("corpus", "on").unwrap();
    let codes: Vec<_> = idx
        .findings("x", &doc, &config.corpus)
        .iter()
        .map(|d| d.code.to_string())
        .collect();
    assert_eq!(codes, ["corpus-unannotated", "corpus-kind-mismatch"]);
    assert!(
        config
            .set("corpus", "loud")
            .unwrap_err()
            .contains("not a level")
    );
}

#[test]
fn queries_select_by_text_kind_category_and_sensitivity() {
    let taxonomy = Taxonomy::builtin();
    let e = entry(
        "(我们)[共享]<精确位置信息>和<身份证号码>{用于导航}与<位置信息>\n",
        &taxonomy,
    );
    let hits = |q: &str| -> Vec<String> {
        let query = Query::parse(q);
        e.items
            .iter()
            .filter(|i| query.matches(i))
            .map(|i| i.text.to_string())
            .collect()
    };
    assert_eq!(hits("位置"), ["精确位置信息", "位置信息"]);
    assert_eq!(hits("data:location"), ["精确位置信息", "位置信息"]);
    assert_eq!(hits("data:location_precise"), ["精确位置信息"]);
    assert_eq!(hits("data:精准定位"), ["精确位置信息"]);
    assert_eq!(hits("DATA:身份证"), ["身份证号码"]);
    assert_eq!(hits("action:共享"), ["共享"]);
    assert_eq!(hits("actor:"), ["我们"]);
    assert_eq!(hits("purpose："), ["用于导航"]);
    assert_eq!(hits("sensitive:"), ["精确位置信息", "身份证号码"]);
    assert_eq!(hits("sensitive:身份"), ["身份证号码"]);
    // An unknown prefix is text.
    assert_eq!(hits("foo:"), Vec::<String>::new());
    assert_eq!(hits("").len(), 6);
}

fn check(args: &[&str]) -> (Option<i32>, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_policy-lsp"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs");
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
    )
}

#[test]
fn check_lint_corpus_compares_each_file_with_all_the_others_checked() {
    let dir = std::env::temp_dir().join(format!("policy-lsp-corpus-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    for (name, text) in THREE {
        std::fs::write(dir.join(format!("{name}.policy")), text).unwrap();
    }
    std::fs::write(dir.join("sub/mine.policy"), "😀收集位置信息与<合作伙伴>\n").unwrap();
    let d = dir.to_str().unwrap();
    let (code, out) = check(&["check", "--format", "json", d]);
    assert_eq!(code, Some(0));
    assert!(!out.contains("corpus-"), "off by default: {out}");
    let (code, out) = check(&["check", "--format", "json", "--lint", "corpus", d]);
    assert_eq!(code, Some(0), "{out}");
    let records: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|r: &serde_json::Value| r["type"] == "diagnostic")
        .collect();
    let got: Vec<_> = records
        .iter()
        .map(|r| {
            (
                r["path"]
                    .as_str()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_string(),
                r["code"].as_str().unwrap().to_string(),
                r["column"].as_u64().unwrap(),
                r["severity"].as_str().unwrap().to_string(),
                r["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "mine.policy".into(),
                "corpus-unannotated".into(),
                4,
                "hint".into(),
                "`位置信息` is not annotated here, but is annotated as <data> in 3 other documents".into()
            ),
            (
                "mine.policy".into(),
                "corpus-kind-mismatch".into(),
                9,
                "information".into(),
                "`合作伙伴` is annotated as <data> here, but as (actor) in 3 of the 3 other documents that annotate it".into()
            ),
        ]
    );
    // A file checked alone has no corpus to compare with.
    let (_, out) = check(&[
        "check",
        "--lint",
        "corpus",
        dir.join("sub/mine.policy").to_str().unwrap(),
    ]);
    assert!(!out.contains("corpus-"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_corpus_index_of_ca4p_dev_finds_what_its_documents_share() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/ca4p-dev");
    let Ok(read) = std::fs::read_dir(&dir) else {
        eprintln!("skipped: {} is not there", dir.display());
        return;
    };
    let taxonomy = Arc::new(Taxonomy::builtin());
    let mut idx = CorpusIndex::new();
    let mut texts = Vec::new();
    for f in read.flatten() {
        let text = std::fs::read_to_string(f.path()).unwrap();
        let key = f.path().display().to_string();
        idx.insert(key.clone(), entry(&text, &taxonomy));
        texts.push((key, text));
    }
    assert!(idx.len() > 100);
    // 个人信息 is annotated as data in most CA4P documents.
    assert!(idx.kind_counts("个人信息")[2] > 50);
    let (key, text) = &texts[0];
    let doc = Document::new(text);
    for d in idx.findings(key, &doc, &on()) {
        let line = doc.line_text(d.line).unwrap();
        let found = &line[d.start.byte as usize..d.end.byte as usize];
        match d.code.as_ref() {
            // The message names the very text at the range.
            "corpus-unannotated" => assert!(d.message.starts_with(&format!("`{found}`"))),
            _ => assert!(found.len() > 2 && d.message.contains("other documents")),
        }
    }
}
