//! `[lints]` in `policy-lsp.toml` and the quick fix "Allow in
//! policy-lsp.toml", through the in-process client: the file's levels
//! under the editor's, and an allowed finding gone from both the pushed
//! and the pulled diagnostics once the editor saved the file.

use std::path::PathBuf;

use serde_json::json;
use tower_lsp_server::ls_types::{
    CodeAction, Diagnostic, DocumentChangeOperation, DocumentChanges, OneOf, Position, ResourceOp,
    TextEdit,
};

use crate::common::fixture;
use crate::common::lsp::{ENCODINGS, TestClient, code};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "policy-lsp-lintsfile-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

/// The codes of `uri`'s diagnostics, waiting for publishes until `done`
/// holds (a reload publishes once with the old file, then with the new).
async fn published_until(
    client: &mut TestClient,
    uri: &str,
    version: Option<i32>,
    done: impl Fn(&[Diagnostic]) -> bool,
) -> Vec<Diagnostic> {
    for _ in 0..4 {
        let d = client.diagnostics(uri, version).await;
        if done(&d) {
            return d;
        }
        client.forget(uri);
    }
    client.diagnostics(uri, version).await
}

fn count(d: &[Diagnostic], c: &str) -> usize {
    d.iter().filter(|d| code(d) == c).count()
}

/// The edit's operations: whether it creates the file, and its one text edit.
fn parts(action: &CodeAction) -> (bool, TextEdit) {
    let edit = action.edit.as_ref().expect("an edit");
    // A list of text edits only reads back as `Edits`.
    let (creates, docs) = match &edit.document_changes {
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
    let edits: Vec<TextEdit> = docs
        .into_iter()
        .flat_map(|e| e.edits)
        .map(|e| match e {
            OneOf::Left(t) => t,
            OneOf::Right(a) => a.text_edit,
        })
        .collect();
    assert_eq!(edits.len(), 1, "{edits:?}");
    (creates, edits[0].clone())
}

#[tokio::test]
async fn the_files_preset_is_on_and_the_editors_lints_win_code_by_code() {
    let dir = scratch("levels");
    std::fs::write(
        dir.join("policy-lsp.toml"),
        "[lints]\npreset = \"pipl\"\nrecipient-missing = \"warning\"\n",
    )
    .expect("write");
    let uri = format!("file://{}/doc.policy", dir.display());
    let text = "(我们)会[共享]您的<身份证号码>。\n";
    let mut client = TestClient::start(Some("utf-16"), json!({})).await;
    client.open(&uri, text).await;
    let d = published_until(&mut client, &uri, Some(1), |d| {
        count(d, "recipient-missing") == 1
    })
    .await;
    let found = d.iter().find(|d| code(d) == "recipient-missing").unwrap();
    assert_eq!(
        found.severity,
        Some(tower_lsp_server::ls_types::DiagnosticSeverity::WARNING),
        "the file's level"
    );
    assert_eq!(count(&d, "sensitive-data"), 1, "the preset: {d:?}");
    // The editor names one code: that code follows the editor, the rest the file.
    client.forget(&uri);
    client
        .configure(json!({ "lints": { "recipient-missing": "off" } }))
        .await;
    let d = client.diagnostics(&uri, Some(1)).await;
    assert_eq!(count(&d, "recipient-missing"), 0, "{d:?}");
    assert_eq!(count(&d, "sensitive-data"), 1, "{d:?}");
    let _ = std::fs::remove_dir_all(dir);
}

const TEXT: &str = "
😀(我们)会[共享]您的<位置信息>。𠮷(我们)会[共享]您的<手机号码>。
          ^^^^^^ shared
";

#[tokio::test]
async fn allow_in_policy_lsp_toml_writes_an_entry_and_the_finding_goes() {
    let f = fixture(TEXT);
    for enc in ENCODINGS {
        let dir = scratch(enc);
        let toml = dir.join("policy-lsp.toml");
        let uri = format!("file://{}/doc.policy", dir.display());
        let toml_uri = format!("file://{}", toml.display());
        let mut client = TestClient::start(Some(enc), json!({ "lints": ["pipl"] })).await;
        client.open(&uri, &f.text("\r\n")).await;
        let d = client.diagnostics(&uri, Some(1)).await;
        assert_eq!(count(&d, "recipient-missing"), 2, "{d:?}");
        let mine: Vec<Diagnostic> = d
            .iter()
            .filter(|d| d.range == client.range(&uri, &f.mark("shared")))
            .cloned()
            .collect();
        assert_eq!(
            mine.iter().map(code).collect::<Vec<_>>(),
            ["recipient-missing"],
            "{d:?}"
        );

        let actions = client
            .code_actions(&uri, &f.mark("shared"), &mine, None)
            .await;
        let allow: Vec<&CodeAction> = actions
            .iter()
            .filter(|a| a.title.starts_with("Allow in policy-lsp.toml"))
            .collect();
        assert_eq!(allow.len(), 1, "{:?}", crate::common::lsp::titles(&actions));
        assert_eq!(
            allow[0].title,
            "Allow in policy-lsp.toml: recipient-missing on “😀我们会共享您的位置信息”"
        );
        let (creates, edit) = parts(allow[0]);
        assert!(creates, "no policy-lsp.toml yet: the edit creates it");
        assert_eq!(edit.range.start, Position::new(0, 0));
        assert_eq!(
            edit.new_text,
            "[[lints.allow]]\ncode = \"recipient-missing\"\ntext = \"😀我们会共享您的位置信息\"\n"
        );
        // A syntax diagnostic or another server's gets no such fix.
        let mut foreign = mine[0].clone();
        foreign.source = Some("other".into());
        let none = client
            .code_actions(&uri, &f.mark("shared"), &[foreign], None)
            .await;
        assert!(
            none.iter().all(|a| !a.title.starts_with("Allow in")),
            "{:?}",
            crate::common::lsp::titles(&none)
        );

        // The editor applies and saves it; the server hears of the file.
        std::fs::write(&toml, &edit.new_text).expect("write");
        client.forget(&uri);
        client.file_changed(&toml_uri).await;
        let d = published_until(&mut client, &uri, Some(1), |d| {
            count(d, "recipient-missing") == 1
        })
        .await;
        assert_eq!(count(&d, "recipient-missing"), 1, "{d:?}");
        let left = d.iter().find(|d| code(d) == "recipient-missing").unwrap();
        assert_ne!(left.range, mine[0].range, "the other sentence's stays");
        let pulled = client.pull_diagnostics(&uri).await.expect("a report");
        assert_eq!(pulled, d, "pull and push agree");

        // A second entry appends to the file, after a blank line.
        let actions = client
            .code_actions_at(&uri, left.range, std::slice::from_ref(left), None)
            .await;
        let allow = actions
            .iter()
            .find(|a| a.title.starts_with("Allow in"))
            .expect("the fix on the other sentence");
        let (creates, edit) = parts(allow);
        assert!(!creates);
        assert_eq!(edit.range.start, Position::new(3, 0));
        assert!(
            edit.new_text.starts_with("\n[[lints.allow]]\n"),
            "{}",
            edit.new_text
        );
        let _ = std::fs::remove_dir_all(dir);
    }
}

#[tokio::test]
async fn a_bad_level_in_the_file_is_reported_with_its_line_and_lints_stay_off() {
    let dir = scratch("bad");
    std::fs::write(
        dir.join("policy-lsp.toml"),
        "[lints]\npreset = \"pipl\"\npurpose-missing = \"loud\"\n",
    )
    .expect("write");
    let uri = format!("file://{}/doc.policy", dir.display());
    let mut client = TestClient::start(Some("utf-16"), json!({})).await;
    client
        .open(&uri, "(我们)会[共享]您的<身份证号码>。\n")
        .await;
    let message = client.wait_for_log(|m| m.contains("policy-lsp.toml")).await;
    assert!(message.contains("policy-lsp.toml:3: "), "{message}");
    assert!(message.contains("`loud` is not a level"), "{message}");
    let d = client.diagnostics(&uri, Some(1)).await;
    assert!(d.is_empty(), "the built-in defaults: no lints: {d:?}");
    let _ = std::fs::remove_dir_all(dir);
}
