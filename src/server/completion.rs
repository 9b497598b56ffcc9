//! Completion after `<`, `[` and `(`: the core proposes, this file
//! converts. The edit runs from the opener, and so does the filter text,
//! so that clients filter CJK input without ASCII word boundaries.
//! Cost: O(document) to count the values in use.

use tower_lsp_server::ls_types::*;

use super::convert;
use super::state::Snapshot;
use policy_core::authoring::complete::complete;
use policy_core::syntax::AnnotationKind;

pub fn capability() -> CompletionOptions {
    CompletionOptions {
        trigger_characters: Some(vec!["<".into(), "[".into(), "(".into()]),
        ..CompletionOptions::default()
    }
}

pub fn completion(snap: &Snapshot, params: CompletionParams) -> Option<CompletionResponse> {
    let enc = snap.encoding;
    let pos = params.text_document_position;
    let c = complete(
        snap.doc.doc(),
        convert::position(pos.position),
        enc,
        snap.doc.taxonomy(),
    )?;
    let range = convert::line_range(c.line, c.start, c.end, enc);
    let kind = match c.kind {
        AnnotationKind::Data => CompletionItemKind::VALUE,
        AnnotationKind::Action => CompletionItemKind::KEYWORD,
        AnnotationKind::Actor => CompletionItemKind::CLASS,
        AnnotationKind::Purpose => CompletionItemKind::TEXT,
    };
    let items = c
        .candidates
        .iter()
        .enumerate()
        .map(|(i, cand)| CompletionItem {
            label: cand.value.clone(),
            kind: Some(kind),
            detail: Some(cand.detail.clone()),
            documentation: cand.documentation.as_ref().map(|d| {
                Documentation::MarkupContent(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: d.clone(),
                })
            }),
            sort_text: Some(format!("{i:05}")),
            filter_text: Some(c.filter_text(cand)),
            text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(
                range,
                c.new_text(cand),
            ))),
            ..CompletionItem::default()
        })
        .collect();
    Some(CompletionResponse::List(CompletionList {
        is_incomplete: false,
        items,
    }))
}
