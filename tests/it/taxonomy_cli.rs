//! `policy-lsp classify`: the output a person reads and the JSON lines.

use std::path::Path;

use policy_core::taxonomy::Taxonomy;
use policy_lsp::cli::classify;

fn run(terms: &[&str], json: bool, taxonomy: &Taxonomy) -> String {
    let terms: Vec<String> = terms.iter().map(|t| t.to_string()).collect();
    let mut out = Vec::new();
    classify::run(&terms, json, taxonomy, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn human_output_starts_with_the_hover_line() {
    let out = run(&["身份证号码"], false, &Taxonomy::builtin());
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "身份证号码");
    assert_eq!(lines[1], "  个人敏感信息 · 个人身份信息 (identity)");
    assert_eq!(lines[2], "  matched: 身份证号码");
    assert!(lines[3].starts_with("  source: GB/T 35273-2020"));
}

#[test]
fn human_output_lists_each_item_of_a_list() {
    let out = run(&["您本人的手机号码、面部特征"], false, &Taxonomy::builtin());
    assert!(out.contains("  items:\n"), "{out}");
    assert!(
        out.contains("    手机号码: 个人信息 · 个人基本资料 (basic_profile)  [手机号码]"),
        "{out}"
    );
    assert!(
        out.contains("    面部特征: 个人敏感信息 · 个人生物识别信息 (biometric)  [面部特征]"),
        "{out}"
    );
}

#[test]
fn human_output_says_unclassified_and_unspecific() {
    let out = run(
        &["相关问题的处理方案", "上述信息"],
        false,
        &Taxonomy::builtin(),
    );
    assert!(
        out.contains("相关问题的处理方案\n  未分类\n  no keyword of the taxonomy matched\n"),
        "{out}"
    );
    assert!(
        out.contains("  个人信息 · 泛指的个人信息 (unspecific) — unspecific"),
        "{out}"
    );
}

#[test]
fn json_is_one_object_per_term_in_order() {
    let out = run(
        &["IMEI/android ID", "无关", "身份证"],
        true,
        &Taxonomy::builtin(),
    );
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);

    let device = &lines[0];
    assert_eq!(device["term"], "IMEI/android ID");
    assert_eq!(device["category"], "device");
    assert_eq!(device["category_name"], "个人常用设备信息");
    assert_eq!(device["sensitive"], false);
    assert_eq!(device["vague"], false);
    assert_eq!(device["matches"], serde_json::json!(["IMEI", "Android ID"]));
    assert!(device["source"].as_str().unwrap().contains("附录A"));
    assert_eq!(device["items"].as_array().unwrap().len(), 2);
    assert_eq!(device["items"][1]["text"], "android ID");
    assert_eq!(device["items"][1]["category"], "device");

    let none = &lines[1];
    assert_eq!(none["category"], serde_json::Value::Null);
    assert_eq!(none["category_name"], serde_json::Value::Null);
    assert_eq!(none["source"], serde_json::Value::Null);
    assert_eq!(none["label"], "未分类");
    assert_eq!(none["matches"], serde_json::json!([]));

    assert_eq!(lines[2]["sensitive"], true);
    assert_eq!(lines[2]["label"], "个人敏感信息");
}

#[test]
fn json_reflects_an_override_file() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/taxonomy/policy-lsp.toml");
    let taxonomy = Taxonomy::with_overrides_file(&path).unwrap();
    let out = run(&["车牌号"], true, &taxonomy);
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["category"], "vehicle");
    assert_eq!(v["source"], "本团队标注规范 §4.2");
}
