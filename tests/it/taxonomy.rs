//! The sensitivity classifier: categories, lists, stripping, case, overrides.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use policy_core::taxonomy::{Classification, Taxonomy, TaxonomyError};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/taxonomy")
        .join(name)
}

fn builtin() -> &'static Taxonomy {
    static BUILTIN: std::sync::OnceLock<Taxonomy> = std::sync::OnceLock::new();
    BUILTIN.get_or_init(Taxonomy::builtin)
}

fn classify(term: &str) -> Classification {
    builtin().classify(term)
}

fn category_id(c: &Classification) -> &str {
    c.category().map_or("-", |c| c.id.as_str())
}

#[test]
fn fixture_table_covers_every_category_and_holds() {
    let taxonomy = Taxonomy::builtin();
    let text = std::fs::read_to_string(fixture("classify.tsv")).unwrap();
    let mut seen = BTreeSet::new();
    let mut failures = Vec::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let cols: Vec<&str> = line.split('\t').collect();
        let [value, id, label] = cols[..] else {
            panic!("bad fixture line: {line}");
        };
        let class = taxonomy.classify(value);
        seen.insert(id.to_string());
        if category_id(&class) != id || class.label() != label {
            failures.push(format!(
                "{value}: expected {id} {label}, got {} {} (matches {:?})",
                category_id(&class),
                class.label(),
                class.matches()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    for c in taxonomy.categories() {
        assert!(
            seen.contains(&c.id),
            "no fixture line for category {}",
            c.id
        );
    }
}

#[test]
fn list_is_sensitive_when_any_item_is() {
    let c = classify("真实姓名、身份证号码、电话号码");
    assert_eq!(c.items.len(), 3);
    assert!(c.sensitive());
    assert_eq!(c.label(), "个人敏感信息");
    assert_eq!(c.category().unwrap().name_zh, "个人身份信息");
    let ids: Vec<_> = c
        .items
        .iter()
        .map(|i| i.category.as_ref().unwrap().id.as_str())
        .collect();
    assert_eq!(ids, ["basic_profile", "identity", "basic_profile"]);
    assert!(!c.items[0].sensitive() && c.items[1].sensitive());
}

#[test]
fn lists_split_on_slashes_commas_and_conjunctions() {
    let c = classify("IMEI/android ID/IDFA");
    let texts: Vec<_> = c.items.iter().map(|i| i.text.as_str()).collect();
    assert_eq!(texts, ["IMEI", "android ID", "IDFA"]);
    assert!(
        c.items
            .iter()
            .all(|i| i.category.as_ref().unwrap().id == "device")
    );

    let c = classify("姓名，电话；邮箱及住址和生日以及年龄或性别与民族");
    let texts: Vec<_> = c.items.iter().map(|i| i.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "姓名", "电话", "邮箱", "住址", "生日", "年龄", "性别", "民族"
        ]
    );
    assert!(c.items.iter().all(|i| i.category.is_some()));
}

#[test]
fn conjunction_inside_a_keyword_or_word_does_not_split() {
    let c = classify("通信记录和内容");
    assert_eq!(c.items.len(), 1);
    assert_eq!(c.items[0].matches, ["通信记录和内容"]);
    assert!(c.sensitive());

    let c = classify("下列与您有关的信息");
    assert_eq!(c.items.len(), 1);
    assert!(c.vague());

    // 参与 joins nothing.
    assert_eq!(classify("参与的活动").items.len(), 1);
}

#[test]
fn non_list_term_has_exactly_one_item() {
    for term in ["手机号码", "个人信息", "完全无关的东西", "", "、", "您的"] {
        assert_eq!(classify(term).items.len(), 1, "{term:?}");
    }
}

#[test]
fn possessives_and_hedges_are_stripped() {
    let cases = [
        ("您本人的手机号码", "手机号码"),
        ("您的昵称", "昵称"),
        ("您准备使用的京东账户名", "准备使用的京东账户名"),
        ("我们的必要的设备信息", "设备信息"),
        ("身份证等", "身份证"),
        ("_身份证号码_**", "身份证号码"),
    ];
    for (term, text) in cases {
        let c = classify(term);
        assert_eq!(c.items[0].text, text, "{term}");
        assert!(c.is_classified(), "{term}");
    }
}

#[test]
fn latin_keywords_match_in_any_case_as_whole_words() {
    for term in [
        "IMEI",
        "imei",
        "Imei号",
        "设备MAC地址",
        "mac地址",
        "设备 Mac 地址",
        "ＩＭＥＩ",
    ] {
        let c = classify(term);
        assert_eq!(category_id(&c), "device", "{term}: {:?}", c.matches());
    }
    assert_eq!(category_id(&classify("VIP")), "-");
    assert_eq!(category_id(&classify("IP")), "network_identity");
}

#[test]
fn matches_name_the_keywords_found() {
    let c = classify("设备MAC地址、唯一设备识别码");
    assert_eq!(c.items[0].matches, ["设备MAC地址"]);
    assert_eq!(c.items[1].matches, ["唯一设备识别码"]);
    assert_eq!(c.matches(), ["设备MAC地址", "唯一设备识别码"]);
}

#[test]
fn finer_sensitive_entry_beats_the_coarse_category() {
    let gps = classify("GPS地理位置信息");
    assert_eq!(category_id(&gps), "location_precise");
    assert!(gps.sensitive());
    assert!(!classify("所在城市").sensitive());
    assert!(classify("行踪轨迹").sensitive());
    assert!(classify("网页浏览记录").sensitive());
    assert!(!classify("软件使用记录").sensitive());
}

#[test]
fn vague_is_reported_as_unspecific_not_unclassified() {
    let c = classify("上述信息");
    assert!(c.vague() && c.is_classified() && !c.sensitive());
    assert_eq!(c.label(), "个人信息");
    assert_eq!(c.category().unwrap().name_zh, "泛指的个人信息");

    // A specific item makes a list specific.
    let c = classify("个人信息、手机号码");
    assert!(!c.vague());
    assert_eq!(category_id(&c), "basic_profile");

    // Nothing classified is not vague.
    assert!(!classify("相关问题的处理方案及结果").vague());
}

#[test]
fn summary_category_prefers_sensitive_then_specific_then_vague() {
    let c = classify("上述信息、昵称、面部特征");
    assert_eq!(category_id(&c), "biometric");
    let c = classify("上述信息、昵称");
    assert_eq!(category_id(&c), "network_identity");
}

#[test]
fn summary_category_is_the_one_most_items_share_then_the_first() {
    // device, online, online, online: usage records.
    let c = classify("应用程序、崩溃数据、使用情况、性能数据");
    assert_eq!(category_id(&c), "online_activity");
    // A tie goes to the first of the tied categories.
    let c = classify("设备型号、崩溃数据");
    assert_eq!(category_id(&c), "device");
    let c = classify("崩溃数据、设备型号");
    assert_eq!(category_id(&c), "online_activity");
    // Sensitive items still come first, however few: one ID number is enough.
    let c = classify("姓名、电话、住址、身份证号码");
    assert_eq!(category_id(&c), "identity");
    // Among sensitive items, the most shared sensitive category.
    let c = classify("身份证号码、银行卡号、银行账户");
    assert_eq!(category_id(&c), "property");
}

#[test]
fn data_terms_offer_keywords_with_their_category() {
    let taxonomy = Taxonomy::builtin();
    let terms: Vec<_> = taxonomy.data_terms().collect();
    assert!(
        terms
            .iter()
            .any(|(k, c)| *k == "身份证号码" && c.id == "identity")
    );
    assert!(terms.iter().all(|(_, c)| !c.vague));
}

// ---- overrides ----------------------------------------------------------

fn with_fixture_overrides() -> Taxonomy {
    Taxonomy::with_overrides_file(&fixture("policy-lsp.toml")).expect("fixture loads")
}

#[test]
fn override_adds_a_category() {
    let t = with_fixture_overrides();
    let c = t.classify("车牌号");
    assert_eq!(category_id(&c), "vehicle");
    assert_eq!(c.label(), "个人信息");
    assert_eq!(c.category().unwrap().source, "本团队标注规范 §4.2");
    assert_eq!(category_id(&Taxonomy::builtin().classify("车牌号")), "-");
    assert_eq!(
        t.overrides_file(),
        Some(fixture("policy-lsp.toml").as_path())
    );
}

#[test]
fn override_flips_sensitivity_and_adds_keywords() {
    let t = with_fixture_overrides();
    assert!(t.classify("所在城市").sensitive());
    assert!(t.classify("常住城市").sensitive());
    assert!(!Taxonomy::builtin().classify("所在城市").sensitive());
    // Other categories keep their flags.
    assert!(!t.classify("昵称").sensitive());
}

#[test]
fn override_keyword_moves_to_the_category_it_names() {
    let t = with_fixture_overrides();
    assert_eq!(category_id(&t.classify("步数")), "health_medical");
    assert!(
        !t.category("health_physiology")
            .unwrap()
            .keywords
            .contains(&"步数".to_string())
    );
}

#[test]
fn override_adds_stop_words_and_ignored_phrases() {
    let t = with_fixture_overrides();
    let c = t.classify("本平台的手机号码");
    assert_eq!(c.items[0].text, "手机号码");
    assert_eq!(
        Taxonomy::builtin().classify("本平台的手机号码").items[0].text,
        "本平台的手机号码"
    );
    assert!(Taxonomy::builtin().classify("位置服务").is_classified());
    assert!(!t.classify("位置服务").is_classified());
}

#[test]
fn bad_field_is_reported_with_file_and_line() {
    let path = fixture("bad-field.toml");
    let err = Taxonomy::with_overrides_file(&path).unwrap_err();
    assert_eq!(err.path, path);
    assert_eq!(err.line, Some(6), "{err}");
    assert!(err.message.contains("sensitve"), "{err}");
    assert!(
        err.to_string()
            .starts_with(&format!("{}:6: ", path.display()))
    );
}

#[test]
fn syntax_error_is_reported_with_its_line() {
    let err = Taxonomy::with_overrides_file(&fixture("bad-syntax.toml")).unwrap_err();
    assert_eq!(err.line, Some(6), "{err}");
}

fn override_error(text: &str) -> TaxonomyError {
    Taxonomy::with_overrides_str(text, Path::new("policy-lsp.toml")).unwrap_err()
}

#[test]
fn semantic_errors_name_the_line_and_the_fix() {
    let err = override_error("\n\n[[category]]\nid = \"locaton_general\"\nsensitive = true\n");
    assert_eq!(err.line, Some(4));
    assert!(err.message.contains("locaton_general"), "{err}");
    assert!(err.message.contains("location_general"), "{err}");
    assert!(
        err.to_string()
            .starts_with("policy-lsp.toml:4: new category `locaton_general` needs")
    );

    let err = override_error("[[category]]\nid = \"Bad Id\"\n");
    assert_eq!(err.line, Some(2));

    let err = override_error("[[category]]\nid = \"device\"\nkeywords = [\"\"]\n");
    assert_eq!(err.line, Some(3));
    assert!(err.message.contains("empty"));

    let err = override_error("[[category]]\nid = \"device\"\nrefines = \"nowhere\"\n");
    assert_eq!(err.line, Some(3));

    let err = override_error("[matching]\nstop_word = [\"x\"]\n");
    assert_eq!(err.line, Some(2), "{err}");
}

#[test]
fn unreadable_file_is_an_error_without_a_line() {
    let err = Taxonomy::with_overrides_file(Path::new("/nonexistent/policy-lsp.toml")).unwrap_err();
    assert_eq!(err.line, None);
    assert!(
        err.to_string()
            .starts_with("/nonexistent/policy-lsp.toml: ")
    );
}

#[test]
fn empty_override_file_is_the_builtin_taxonomy() {
    let t = Taxonomy::with_overrides_str("# nothing\n", Path::new("policy-lsp.toml")).unwrap();
    assert_eq!(
        t.categories().count(),
        Taxonomy::builtin().categories().count()
    );
}

#[test]
fn workspace_file_is_found_walking_up() {
    let root = std::env::temp_dir().join(format!("policy-lsp-taxonomy-{}", std::process::id()));
    let deep = root.join("a/b");
    std::fs::create_dir_all(&deep).unwrap();
    let doc = deep.join("x.policy");
    std::fs::write(&doc, "").unwrap();
    assert_ne!(
        Taxonomy::find_workspace_file(&doc),
        Some(root.join("policy-lsp.toml"))
    );
    std::fs::write(root.join("policy-lsp.toml"), "").unwrap();
    assert_eq!(
        Taxonomy::find_workspace_file(&doc),
        Some(root.join("policy-lsp.toml"))
    );
    assert_eq!(
        Taxonomy::find_workspace_file(&deep),
        Some(root.join("policy-lsp.toml"))
    );
    std::fs::write(deep.join("policy-lsp.toml"), "").unwrap();
    assert_eq!(
        Taxonomy::find_workspace_file(&doc),
        Some(deep.join("policy-lsp.toml"))
    );
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn a_shared_head_completes_the_first_conjunct() {
    let texts =
        |term: &str| -> Vec<String> { classify(term).items.into_iter().map(|i| i.text).collect() };
    assert_eq!(texts("浏览及搜索记录"), ["浏览记录", "搜索记录"]);
    assert_eq!(texts("通信/通话记录"), ["通信记录", "通话记录"]);
    assert!(classify("浏览及搜索记录").sensitive());
    // Only after a conjunction or `/`: a comma list names complete items.
    assert_eq!(texts("银行卡、手机号"), ["银行卡", "手机号"]);
}
