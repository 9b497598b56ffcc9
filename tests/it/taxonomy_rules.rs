//! Issue 12's rules: information that is not personal, de-identified vs
//! anonymised, owner prefixes (children, third parties), the category's
//! definition in the hover and in completion, and the JSON of `classify`.
//! The category of each rule's examples is in `fixtures/taxonomy/classify.tsv`;
//! this module checks what those examples carry beyond their category.

use policy_core::describe::describe;
use policy_core::syntax::AnnotationKind;
use policy_core::taxonomy::{LABEL_NON_PERSONAL, Taxonomy};
use policy_lsp::cli::classify;
use serde_json::{Value, json};
use tower_lsp_server::ls_types::Documentation;

use crate::common::fixture;
use crate::common::lsp::TestClient;

fn builtin() -> &'static Taxonomy {
    static BUILTIN: std::sync::OnceLock<Taxonomy> = std::sync::OnceLock::new();
    BUILTIN.get_or_init(Taxonomy::builtin)
}

fn hover(value: &str) -> String {
    describe(AnnotationKind::Data, value, builtin(), false)
}

/// The built-in taxonomy's category id for `term`, and whether it is
/// sensitive.
fn verdict(term: &str) -> (Option<String>, bool) {
    let c = builtin().classify(term);
    (c.category().map(|c| c.id.clone()), c.sensitive())
}

fn json_of(term: &str) -> Value {
    let mut out = Vec::new();
    classify::run(&[term.to_string()], true, builtin(), &mut out).expect("classify writes");
    serde_json::from_slice(&out).expect("one JSON object")
}

#[test]
fn anonymised_information_is_classified_not_personal_and_never_sensitive() {
    for term in ["匿名化处理后的信息", "汇总的统计数据", "非个人信息"] {
        let c = builtin().classify(term);
        assert!(c.is_classified(), "{term}");
        assert_eq!(c.personal(), Some(false), "{term}");
        assert!(!c.sensitive(), "{term}");
        assert_eq!(c.label(), LABEL_NON_PERSONAL, "{term}");
        let j = json_of(term);
        assert_eq!(j["personal"], json!(false), "{j}");
        assert_eq!(j["category"], json!("non_personal"), "{j}");
        assert_eq!(j["sensitive"], json!(false), "{j}");
        assert_eq!(j["items"][0]["personal"], json!(false), "{j}");
    }
    let h = hover("匿名化处理后的信息");
    assert!(h.starts_with("非个人信息 · "), "{h}");
    assert!(h.contains("§3.14") && h.contains("PIPL Art. 4"), "{h}");
}

#[test]
fn de_identified_information_stays_personal_even_beside_anonymised() {
    for term in ["去标识化的信息", "去标识化或匿名化后的信息"] {
        let c = builtin().classify(term);
        assert_eq!(c.personal(), Some(true), "{term}");
        assert_eq!(json_of(term)["personal"], json!(true));
        let h = hover(term);
        assert!(h.contains("§3.15"), "{h}");
        assert!(!h.starts_with("非个人信息"), "{h}");
    }
    // A list of a personal item and a statistic is summarised by the personal one.
    let c = builtin().classify("统计信息、设备信息");
    assert_eq!(c.category().map(|c| c.id.as_str()), Some("device"));
    assert_eq!(c.personal(), Some(true));
    // Unclassified: neither personal nor not.
    assert_eq!(json_of("天气")["personal"], Value::Null);
}

#[test]
fn a_childs_item_is_sensitive_and_the_hover_names_articles_28_and_31() {
    for term in ["孩子的照片", "宝贝的生日", "儿童的昵称"] {
        let c = builtin().classify(term);
        assert!(c.sensitive(), "{term}");
        assert_eq!(c.owner().map(|o| o.id.as_str()), Some("minor_under_14"));
        let h = hover(term);
        assert!(h.contains("Art. 28") && h.contains("Art. 31"), "{h}");
        let j = json_of(term);
        assert_eq!(j["owner"], json!("minor_under_14"), "{j}");
        assert_eq!(j["items"][0]["owner"], json!("minor_under_14"), "{j}");
    }
    // The kind of information is still named among the matches.
    assert_eq!(builtin().classify("孩子的照片").matches(), ["照片"]);
}

#[test]
fn a_family_members_or_contacts_item_keeps_its_kind_and_says_whose() {
    let id = builtin().classify("家庭成员的身份证号码");
    assert!(
        id.sensitive(),
        "an ID number is sensitive whoever it belongs to"
    );
    assert_eq!(id.category().map(|c| c.id.as_str()), Some("identity"));
    assert_eq!(id.owner().map(|o| o.id.as_str()), Some("third_party"));
    let phone = builtin().classify("联系人的电话");
    assert!(!phone.sensitive());
    assert_eq!(phone.owner().map(|o| o.id.as_str()), Some("third_party"));
    let h = hover("联系人的电话");
    assert!(h.contains("Whose: 他人的个人信息"), "{h}");
    // A term of its own keeps its category and has no owner.
    let contacts = builtin().classify("联系人信息");
    assert_eq!(contacts.category().map(|c| c.id.as_str()), Some("contacts"));
    assert!(contacts.owner().is_none());
    assert_eq!(json_of("联系人信息")["owner"], Value::Null);
    // The user's own item has no owner either.
    assert!(builtin().classify("您的电话").owner().is_none());
}

#[test]
fn a_camel_case_boundary_is_a_word_boundary_but_a_glued_word_is_not() {
    let face = builtin().classify("FaceID");
    assert_eq!(face.matches(), ["Face", "ID"]);
    assert_eq!(face.category().map(|c| c.id.as_str()), Some("biometric"));
    // No Face in "Facebook", no ID in "IDEA"/"VIDEO".
    assert!(!builtin().classify("Facebook").matches().contains(&"Face"));
    assert!(builtin().classify("VIDEO").matches().is_empty());
}

#[test]
fn the_hover_gives_the_categorys_definition_from_the_standard() {
    let h = hover("身份证号码");
    assert!(
        h.contains("Definition: 个人身份信息：身份证、军官证、护照"),
        "{h}"
    );
    for c in builtin().categories() {
        let d = c.definition.as_deref().unwrap_or_default();
        assert!(!d.is_empty(), "category {} has no definition", c.id);
        assert!(
            d.contains("附录") || d.contains("PIPL") || d.contains("GB/T") || d.contains('第'),
            "the definition of {} names no clause: {d}",
            c.id
        );
    }
}

#[tokio::test]
async fn completion_documents_a_data_term_with_its_categorys_definition() {
    let f = fixture(
        "
(我们)[收集]<身份证号码>，还有<
                               | data
",
    );
    let mut client = TestClient::start(Some("utf-16"), json!({})).await;
    let uri = "file:///tmp/policy-lsp-test/taxonomy-rules.policy";
    client.open(uri, &f.text("\n")).await;
    let list = client
        .completion(uri, f.mark("data").start())
        .await
        .expect("a completion list");
    let doc_of = |label: &str| -> String {
        let item = list
            .items
            .iter()
            .find(|i| i.label == label)
            .unwrap_or_else(|| panic!("no {label}"));
        match &item.documentation {
            Some(Documentation::MarkupContent(m)) => m.value.clone(),
            other => panic!("markdown documentation expected for {label}: {other:?}"),
        }
    };
    // A value used in the document, and a term of the taxonomy.
    assert!(doc_of("身份证号码").contains("个人身份信息：身份证"));
    let fingerprint = doc_of("指纹");
    assert!(fingerprint.contains("面部识别特征"), "{fingerprint}");
    assert!(
        fingerprint.contains("Source: GB/T 35273-2020"),
        "{fingerprint}"
    );
}

#[test]
fn a_web_address_is_a_reference_not_personal_information() {
    // A policy's link annotated as data says where information is described;
    // it relates to no person (GB/T 35273-2020 3.1). Its `/` and `.` are not
    // list separators, and the word `URL` (an address the user visited) is
    // still browsing history, not a link.
    for term in [
        "https://example.com/privacy/sdk.html",
        "www.example.cn/隐私政策",
    ] {
        let c = builtin().classify(term);
        assert!(c.is_classified(), "{term}");
        assert_eq!(c.items.len(), 1, "{term}");
        assert_eq!(c.personal(), Some(false), "{term}");
        assert!(!c.sensitive(), "{term}");
        assert_eq!(json_of(term)["category"], json!("non_personal"));
    }
    let url = builtin().classify("URL");
    assert_ne!(url.personal(), Some(false));
    assert_eq!(
        url.category().map(|c| c.id.as_str()),
        Some("browsing_history")
    );
}

#[test]
fn how_often_a_service_is_used_is_a_usage_record_not_the_service_s_kind() {
    // Sample E's family: a measure of use ending the item decides its kind;
    // the thing used (a bank's app, a card) does not make it financial.
    for term in ["使用网上银行的频率", "银行卡使用频率", "使用支付功能的时长"]
    {
        assert_eq!(
            verdict(term),
            (Some("online_activity".into()), false),
            "{term}"
        );
    }
    // Without the measure, the bank card is still financial and sensitive.
    let card = builtin().classify("银行卡");
    assert!(card.sensitive());
}

#[test]
fn a_payment_instrument_s_account_is_financial_and_an_app_s_name_is_not_a_record() {
    // Appendix B 个人财产信息 (银行账户, 支付收款记录) and PIPL Art. 28
    // (金融账户): an account of a payment instrument is financial, not an
    // online account.
    let c = builtin().classify("某支付工具的账户");
    assert_eq!(c.category().map(|c| c.id.as_str()), Some("property"));
    assert!(c.sensitive());
    // An app's name is an entry of the software list (Appendix A), even
    // when a transaction word qualifies it.
    for term in ["支付所用的应用名称", "下单应用程序名称"] {
        let c = builtin().classify(term);
        assert_eq!(
            c.category().map(|c| c.id.as_str()),
            Some("device"),
            "{term}"
        );
        assert!(!c.sensitive(), "{term}");
    }
}

#[test]
fn a_bank_s_channels_are_services_and_a_bank_card_account_is_financial() {
    // 手机银行, 网上银行: apps and websites of a bank, no one's property
    // information; annotated as data, the hover must not call them
    // sensitive (nor 手机 in them a device).
    for term in ["手机银行", "网上银行", "个人网上银行", "电子银行", "网银"] {
        assert_eq!(verdict(term), (None, false), "{term}");
    }
    // The user's bank still belongs to the account (开户银行), and a
    // channel's version number is still the device's software list.
    for (term, category, sensitive) in [
        ("开户银行", "property", true),
        ("收款银行", "property", true),
        ("电子银行软件版本号", "device", false),
        ("使用网上银行的频率", "online_activity", false),
        // 账号信息 alone is an online account; a bank card's is financial.
        ("银行卡账号信息", "property", true),
        ("账号信息", "network_identity", false),
    ] {
        assert_eq!(verdict(term), (Some(category.into()), sensitive), "{term}");
    }
}

#[test]
fn the_user_s_use_of_something_is_a_record_of_use() {
    // Tuning half: 使用的服务类别和方式 (0639), 使用过的功能 (0890) named no
    // kind; what one uses, and how, is Appendix A's 软件使用记录.
    for term in ["使用的服务类别", "使用过的功能", "使用电子银行功能"] {
        assert_eq!(
            verdict(term),
            (Some("online_activity".into()), false),
            "{term}"
        );
    }
    // "Information from when one uses it" says no more than information;
    // 使用 alone names nothing; a kind named after 使用 keeps its kind.
    assert_eq!(
        verdict("使用本产品时的信息").0.as_deref(),
        Some("unspecific")
    );
    assert_eq!(verdict("使用").0, None);
    assert_eq!(verdict("使用的设备型号").0.as_deref(), Some("device"));
}
