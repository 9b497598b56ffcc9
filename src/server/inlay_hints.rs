//! Inlay hints: `敏感·生物识别` after each sensitive data item; off with
//! `{"inlayHints": false}`. Cost: O(lines of the range) plus the sensitive
//! items' classification.

use tower_lsp_server::ls_types::*;

use super::state::Snapshot;
use policy_core::authoring::inlay::sensitive_hints;

pub fn inlay_hint(snap: &Snapshot, params: InlayHintParams) -> Option<Vec<InlayHint>> {
    if !snap.settings.inlay_hints {
        return Some(Vec::new());
    }
    let enc = snap.encoding;
    let lines = params.range.start.line as usize..params.range.end.line as usize + 1;
    let doc = &snap.doc;
    let hints = sensitive_hints(doc.doc(), lines, doc.classes(), doc.taxonomy());
    Some(
        hints
            .into_iter()
            .map(|h| InlayHint {
                position: Position::new(h.line as u32, h.at.column(enc)),
                label: InlayHintLabel::String(h.label),
                kind: None,
                text_edits: None,
                tooltip: Some(InlayHintTooltip::String(h.tooltip)),
                padding_left: Some(true),
                padding_right: None,
                data: None,
            })
            .collect(),
    )
}
