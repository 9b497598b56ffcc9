//! Code actions: quick fixes for syntax diagnostics, and annotate /
//! remove / change-kind rewrites. The core decides; this file converts.
//! Cost: O(lines of the range), plus O(document) for annotate-all.

use tower_lsp_server::ls_types::*;

use super::{Backend, convert};
use crate::authoring::{self, Action, ActionKind};
use crate::diagnostics::Diagnostic;
use crate::position::PositionEncoding;

pub fn capability() -> CodeActionProviderCapability {
    CodeActionProviderCapability::Options(CodeActionOptions {
        code_action_kinds: Some(vec![
            CodeActionKind::QUICKFIX,
            CodeActionKind::REFACTOR_REWRITE,
        ]),
        ..CodeActionOptions::default()
    })
}

pub fn code_action(backend: &Backend, params: CodeActionParams) -> Option<CodeActionResponse> {
    let state = backend.state();
    let enc = state.encoding;
    let uri = params.text_document.uri;
    let open = state.documents.get(&uri)?;
    let actions = authoring::code_actions(&open.doc, convert::range(params.range), enc);
    let only = params.context.only;
    Some(
        actions
            .iter()
            .map(|a| action(&uri, a, enc))
            .filter(|a| {
                let kind = a.kind.as_ref().map_or("", |k| k.as_str());
                only.as_ref()
                    .is_none_or(|o| o.iter().any(|k| kind.starts_with(k.as_str())))
            })
            .map(CodeActionOrCommand::CodeAction)
            .collect(),
    )
}

fn action(uri: &Uri, a: &Action, enc: PositionEncoding) -> CodeAction {
    CodeAction {
        title: a.title.clone(),
        kind: Some(match a.kind {
            ActionKind::QuickFix => CodeActionKind::QUICKFIX,
            ActionKind::Rewrite => CodeActionKind::REFACTOR_REWRITE,
        }),
        diagnostics: a
            .fixes
            .map(|(line, d)| vec![convert::diagnostic(&Diagnostic::from_syntax(line, &d), enc)]),
        edit: Some(convert::workspace_edit(uri, &a.edits, enc)),
        is_preferred: a.preferred.then_some(true),
        ..CodeAction::default()
    }
}
