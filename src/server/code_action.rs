//! Code actions: quick fixes for syntax diagnostics, and annotate /
//! remove / change-kind rewrites. The core decides; this file converts.
//! Cost: O(lines of the range), plus O(document) for annotate-all.
//!
//! Editors ask for code actions at every cursor move. An annotate-all
//! action can carry thousands of edits, so to a client that can resolve
//! code actions, an action with more than [`EAGER_EDITS`] edits is sent
//! without them, and `codeAction/resolve` recomputes it (on the then
//! current text) when the annotator picks it. To a client that cannot,
//! an action with more than [`MAX_EAGER_EDITS`] edits is not offered: on
//! a 10 MB policy, "annotate all" of 个人信息 is 23,000 edits, a 5 MB answer
//! at every cursor move, serialised by tower on the task that reads every
//! message (a keystroke waited 0.4 s behind it).

use tower_lsp_server::ls_types::*;

use serde_json::json;

use super::convert;
use super::state::Snapshot;
use policy_core::authoring::{self, Action, ActionKind};
use policy_core::diagnostics::Diagnostic;
use policy_core::position::PositionEncoding;

/// Actions with more edits than this are resolved on demand.
const EAGER_EDITS: usize = 16;
/// To a client that cannot resolve, actions with more edits than this are
/// not offered at all.
pub const MAX_EAGER_EDITS: usize = 2_000;

pub fn capability() -> CodeActionProviderCapability {
    CodeActionProviderCapability::Options(CodeActionOptions {
        code_action_kinds: Some(vec![
            CodeActionKind::QUICKFIX,
            CodeActionKind::REFACTOR_REWRITE,
        ]),
        resolve_provider: Some(true),
        ..CodeActionOptions::default()
    })
}

/// Whether the client can resolve a code action's edit later.
pub fn client_resolves_edits(params: &InitializeParams) -> bool {
    params
        .capabilities
        .text_document
        .as_ref()
        .and_then(|t| t.code_action.as_ref())
        .and_then(|c| c.resolve_support.as_ref())
        .is_some_and(|r| r.properties.iter().any(|p| p == "edit"))
}

pub fn code_action(snap: &Snapshot, params: CodeActionParams) -> Option<CodeActionResponse> {
    let enc = snap.encoding;
    let uri = params.text_document.uri;
    let actions = authoring::code_actions(snap.doc.doc(), convert::range(params.range), enc);
    let only = params.context.only;
    let lazy = snap.code_action_resolve;
    let wanted = |a: &CodeAction| {
        let kind = a.kind.as_ref().map_or("", |k| k.as_str());
        only.as_ref()
            .is_none_or(|o| o.iter().any(|k| kind.starts_with(k.as_str())))
    };
    let mut list: Vec<CodeActionOrCommand> = actions
        .iter()
        .filter(|a| lazy || a.edits.len() <= MAX_EAGER_EDITS)
        .map(|a| {
            if lazy && a.edits.len() > EAGER_EDITS {
                CodeAction {
                    edit: None,
                    data: Some(json!({ "uri": uri, "range": params.range })),
                    ..action(&uri, a, enc)
                }
            } else {
                action(&uri, a, enc)
            }
        })
        .filter(|a| wanted(a))
        .map(CodeActionOrCommand::CodeAction)
        .collect();
    // Taking the other annotator's version (`compareWith`): sent with
    // their edits, never resolved later.
    list.extend(
        super::disagreement::actions(snap, &uri, params.range)
            .into_iter()
            .filter(|a| wanted(a))
            .map(CodeActionOrCommand::CodeAction),
    );
    Some(list)
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

/// The document and range an action sent without its edit was for, from
/// its `data`; `None` when it has its edit or the data is not ours.
pub fn unresolved(action: &CodeAction) -> Option<(Uri, Range)> {
    if action.edit.is_some() {
        return None;
    }
    let data = action.data.as_ref()?;
    Some((
        serde_json::from_value::<Uri>(data["uri"].clone()).ok()?,
        serde_json::from_value::<Range>(data["range"].clone()).ok()?,
    ))
}

/// Fills in the edit of an action sent without one: the action of the same
/// title for the same range, on the current text (`snap`, of the document
/// [`unresolved`] names). An action the text no longer allows comes back
/// without an edit.
pub fn resolve(snap: &Snapshot, (mut params, uri, range): (CodeAction, Uri, Range)) -> CodeAction {
    let enc = snap.encoding;
    let found = authoring::code_actions(snap.doc.doc(), convert::range(range), enc)
        .into_iter()
        .find(|a| a.title == params.title);
    if let Some(a) = found {
        params.edit = Some(convert::workspace_edit(&uri, &a.edits, enc));
    }
    params
}
