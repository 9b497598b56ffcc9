//! "Add to the workspace taxonomy as …" on an unclassified data item,
//! through the in-process client: the offered categories, the edit of
//! `policy-lsp.toml` (created when missing, appended to when present), and
//! the hover after the editor saved the file.

use std::path::PathBuf;

use policy_core::taxonomy::Taxonomy;
use serde_json::json;
use tower_lsp_server::ls_types::{
    CodeAction, DocumentChangeOperation, DocumentChanges, OneOf, Position, ResourceOp, TextEdit,
};

use crate::common::fixture;
use crate::common::lsp::{ENCODINGS, TestClient};

const TEXT: &str = "
😀(我们)[收集]<指纹>和<星座>、<车辆类型>
                        ^^^^ star
                                ^^^^^^^^ vehicle
";

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("policy-lsp-taxfix-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

fn fixes(actions: &[CodeAction]) -> Vec<&CodeAction> {
    actions
        .iter()
        .filter(|a| a.title.contains("to the workspace taxonomy as"))
        .collect()
}

/// The edit's operations: whether it creates the file, and its one text edit.
fn parts(action: &CodeAction) -> (bool, TextEdit) {
    let edit = action.edit.as_ref().expect("an edit");
    // A list of text edits only reads back as `Edits`.
    let (creates, edits) = match &edit.document_changes {
        Some(DocumentChanges::Operations(ops)) => (
            ops.iter()
                .any(|op| matches!(op, DocumentChangeOperation::Op(ResourceOp::Create(_)))),
            ops.iter()
                .filter_map(|op| match op {
                    DocumentChangeOperation::Edit(e) => Some(e.clone()),
                    _ => None,
                })
                .collect::<Vec<_>>(),
        ),
        Some(DocumentChanges::Edits(edits)) => (false, edits.clone()),
        None => panic!("document changes expected: {edit:?}"),
    };
    let text_edit = match &edits[..] {
        [e] => match &e.edits[..] {
            [OneOf::Left(t)] => t.clone(),
            other => panic!("one text edit expected: {other:?}"),
        },
        other => panic!("one document edit expected: {other:?}"),
    };
    (creates, text_edit)
}

#[tokio::test]
async fn an_unclassified_item_is_added_to_a_new_then_existing_workspace_file() {
    let f = fixture(TEXT);
    for enc in ENCODINGS {
        let dir = scratch(enc);
        let toml = dir.join("policy-lsp.toml");
        let uri = format!("file://{}/doc.policy", dir.display());
        let toml_uri = format!("file://{}", toml.display());
        let mut client = TestClient::start(Some(enc), json!({})).await;
        client.open(&uri, &f.text("\r\n")).await;

        // On 星座: five categories, each a quick fix writing policy-lsp.toml.
        let actions = client.code_actions(&uri, &f.mark("star"), &[], None).await;
        let offered = fixes(&actions);
        assert_eq!(
            offered.len(),
            5,
            "{:?}",
            crate::common::lsp::titles(&actions)
        );
        assert!(
            offered[0]
                .title
                .starts_with("Add `星座` to the workspace taxonomy as"),
            "{}",
            offered[0].title
        );
        assert!(
            actions.iter().all(|a| !a.title.contains("`指纹`")),
            "指纹 is classified"
        );
        let chosen = offered
            .iter()
            .find(|a| a.title.ends_with("(basic_profile)"))
            .expect("basic_profile is offered (first in the taxonomy when nothing is nearer)");
        let (creates, edit) = parts(chosen);
        assert!(creates, "the file does not exist yet: the edit creates it");
        assert_eq!(edit.range.start, Position::new(0, 0));
        // The editor applies and saves it; the server hears of the file.
        std::fs::write(&toml, &edit.new_text).expect("write");
        client.file_changed(&toml_uri).await;
        let hover = client
            .hover(&uri, f.mark("star").start())
            .await
            .expect("a hover");
        assert!(hover.value.contains("个人基本资料"), "{}", hover.value);

        // On 车辆类型 the nearest categories share 类型; the file exists now,
        // so the entry is appended at its end.
        let actions = client
            .code_actions(&uri, &f.mark("vehicle"), &[], None)
            .await;
        let offered = fixes(&actions);
        assert!(
            offered.iter().all(|a| !a.title.contains("`星座`")),
            "星座 is classified now"
        );
        let first = offered.first().expect("fixes for 车辆类型");
        let nearest = first
            .title
            .rsplit_once('(')
            .and_then(|(_, id)| id.strip_suffix(')'))
            .expect("an id in the title");
        let category = Taxonomy::builtin()
            .category(nearest)
            .expect("a built-in category")
            .clone();
        assert!(
            category.keywords.iter().any(|k| k.contains("类型")),
            "nearest first: {nearest}"
        );
        let (creates, edit) = parts(first);
        assert!(!creates);
        let before = std::fs::read_to_string(&toml).expect("read");
        let lines = before.split('\n').count() as u32;
        assert_eq!(edit.range.start, Position::new(lines - 1, 0));
        let after = format!("{before}{}", edit.new_text);
        let t = Taxonomy::with_overrides_str(&after, &toml).expect("the file still loads");
        for (term, id) in [("星座", "basic_profile"), ("车辆类型", nearest)] {
            assert_eq!(
                t.classify(term).category().map(|c| c.id.as_str()),
                Some(id),
                "{after}"
            );
        }
        let _ = std::fs::remove_dir_all(dir);
    }
}

#[tokio::test]
async fn a_term_with_quotes_and_backslashes_is_written_as_valid_toml() {
    let f = fixture(
        "
<𠮷\"外号\\\\名>
 ^^^^^^^^^^^ odd
",
    );
    let dir = scratch("quotes");
    let toml = dir.join("policy-lsp.toml");
    // An existing file without a final line break.
    std::fs::write(&toml, "# our rules").expect("write");
    let uri = format!("file://{}/doc.policy", dir.display());
    let mut client = TestClient::start(Some("utf-16"), json!({})).await;
    client.open(&uri, &f.text("\n")).await;
    let actions = client.code_actions(&uri, &f.mark("odd"), &[], None).await;
    let first = *fixes(&actions).first().expect("a fix");
    let (_, edit) = parts(first);
    assert_eq!(edit.range.start, Position::new(0, 11));
    let after = format!("# our rules{}", edit.new_text);
    let t = Taxonomy::with_overrides_str(&after, &toml).expect("valid TOML");
    assert!(t.classify("𠮷\"外号\\名").is_classified(), "{after}");
    let _ = std::fs::remove_dir_all(dir);
}
