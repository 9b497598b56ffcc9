//! Applying what the server proposes, as an editor would: a workspace
//! edit's text edits (in the negotiated encoding) to the text.

use serde_json::Value;

use super::lsp::TestClient;

/// The char offset where each line starts, breaks included.
fn line_starts(text: &str) -> Vec<usize> {
    let chars: Vec<char> = text.chars().collect();
    let mut starts = vec![0];
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\r' if chars.get(i + 1) == Some(&'\n') => {
                i += 2;
                starts.push(i);
            }
            '\r' | '\n' => {
                i += 1;
                starts.push(i);
            }
            _ => i += 1,
        }
    }
    starts
}

/// Applies `edits` (LSP `TextEdit`s, all relative to `text`) to `text`.
pub fn apply_text_edits(client: &TestClient, text: &str, edits: &[Value]) -> String {
    let starts = line_starts(text);
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            let (l0, c0) = client.char_col(text, &e["range"]["start"]);
            let (l1, c1) = client.char_col(text, &e["range"]["end"]);
            (
                starts[l0] + c0,
                starts[l1] + c1,
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse((s.0, s.1)));
    for w in spans.windows(2) {
        assert!(w[1].1 <= w[0].0, "edits overlap: {edits:?}");
    }
    let mut chars: Vec<char> = text.chars().collect();
    for (start, end, new) in spans {
        chars.splice(start..end, new.chars());
    }
    chars.into_iter().collect()
}

/// Applies a `WorkspaceEdit` of the one document `uri`.
pub fn apply_workspace_edit(client: &TestClient, uri: &str, text: &str, edit: &Value) -> String {
    let changes = edit["changes"]
        .as_object()
        .expect("`changes` of one document");
    assert_eq!(changes.len(), 1, "edits of one document: {edit}");
    let edits = changes[uri].as_array().expect("edits of this document");
    apply_text_edits(client, text, edits)
}
