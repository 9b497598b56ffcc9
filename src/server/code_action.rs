//! Code actions: quick fixes for syntax diagnostics, and annotate /
//! remove / change-kind rewrites. The core decides; this file converts.
//! One fix is the server's own: "Add to the workspace taxonomy as …" on
//! an unclassified data item, an edit of `policy-lsp.toml` (created when
//! missing); the server reloads that file when the editor saves it, and
//! every open document that uses it is reclassified.
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
use policy_core::doc_lints::{DocIndex, unannotated_actions};
use policy_core::lints::Lint;
use policy_core::position::LspRange;
use policy_core::position::PositionEncoding;
use policy_core::syntax::AnnotationKind;
use policy_core::taxonomy::{Category, MAX_FILE_BYTES, Taxonomy, WORKSPACE_FILE};

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
    let actions = core_actions(snap, convert::range(params.range));
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
    list.extend(
        taxonomy_actions(snap, &uri, params.range)
            .into_iter()
            .filter(|a| wanted(a))
            .map(CodeActionOrCommand::CodeAction),
    );
    // "Allow in policy-lsp.toml" on the lint findings the client sent.
    list.extend(
        super::allow_action::actions(snap, &uri, &params.context.diagnostics)
            .into_iter()
            .filter(|a| wanted(a))
            .map(CodeActionOrCommand::CodeAction),
    );
    Some(list)
}

/// The core's actions for `range`: the authoring ones, and with
/// `unannotated-term` on, "Annotate this …" / "Annotate all N …" for the
/// unannotated occurrences it touches (`policy_core::doc_lints`). Both
/// [`code_action`] and [`resolve`] ask here, so an annotate-all sent
/// without its edits is recomputed the same way.
fn core_actions(snap: &Snapshot, range: LspRange) -> Vec<Action> {
    let enc = snap.encoding;
    let mut out = authoring::code_actions(snap.doc.doc(), range, enc);
    let lints = snap.settings.lints_for(snap.doc.taxonomy());
    if lints.level(Lint::UnannotatedTerm).is_some() {
        let built;
        let index = match snap.doc.document_index() {
            Some(i) => i,
            None => {
                let d = &snap.doc;
                built = DocIndex::new(d.doc(), d.classes(), d.practices());
                &built
            }
        };
        out.extend(unannotated_actions(index, range, enc));
    }
    out
}

/// At most this many categories are offered for one unclassified item.
const TAXONOMY_CHOICES: usize = 5;

/// "Add to the workspace taxonomy as …" for each unclassified item of the
/// data annotations the range touches, one action per category, nearest
/// first. O(annotations of the range's lines × keywords).
fn taxonomy_actions(snap: &Snapshot, uri: &Uri, range: Range) -> Vec<CodeAction> {
    let enc = snap.encoding;
    let doc = snap.doc.doc();
    let taxonomy = snap.doc.taxonomy();
    let mut terms: Vec<String> = Vec::new();
    let last = (range.end.line as usize).min(doc.line_count().saturating_sub(1));
    for line in range.start.line as usize..=last {
        let (Some(parse), Some(text)) = (doc.line_parse(line), doc.line_text(line)) else {
            continue;
        };
        for a in parse
            .annotations
            .iter()
            .filter(|a| a.kind == AnnotationKind::Data)
        {
            let touches = |p: Position| {
                (p.line as usize) != line
                    || (a.open.column(enc) <= p.character && p.character <= a.end().column(enc))
            };
            let inside = (range.start.line as usize) < line && line < range.end.line as usize;
            if !(inside || touches(range.start) || touches(range.end)) {
                continue;
            }
            for item in taxonomy.classify(&a.value(&text)).items {
                let term = item.text.trim().to_string();
                if item.category.is_none() && !term.is_empty() && !terms.contains(&term) {
                    terms.push(term);
                }
            }
        }
    }
    if terms.is_empty() {
        return Vec::new();
    }
    let Some(file) = taxonomy_file(snap, uri) else {
        return Vec::new();
    };
    let Some(file_uri) = Uri::from_file_path(&file) else {
        return Vec::new();
    };
    let existing = read_small(&file);
    let mut out = Vec::new();
    for term in &terms {
        for category in nearest_categories(taxonomy, term) {
            let entry = format!(
                "[[category]]\nid = \"{}\"\nkeywords = [\"{}\"]\n",
                category.id,
                toml_escape(term)
            );
            let edit = append_entry(&file_uri, existing.as_deref(), entry, enc);
            out.push(CodeAction {
                title: format!(
                    "Add `{term}` to the workspace taxonomy as {} ({})",
                    category.name_zh, category.id
                ),
                kind: Some(CodeActionKind::QUICKFIX),
                edit: Some(edit),
                ..CodeAction::default()
            });
        }
    }
    out
}

/// Appending a TOML `entry` to the workspace file `file` whose text is
/// `existing` (`None`: it does not exist, and the edit creates it), after
/// a blank line. Shared with `allow_action.rs`.
pub(super) fn append_entry(
    file: &Uri,
    existing: Option<&str>,
    entry: String,
    enc: PositionEncoding,
) -> WorkspaceEdit {
    match existing {
        Some(text) => {
            let end = end_position(text, enc);
            let sep = if text.is_empty() || text.ends_with('\n') {
                ""
            } else {
                "\n"
            };
            let blank = if text.trim().is_empty() { "" } else { "\n" };
            file_edit(file, end, format!("{sep}{blank}{entry}"), false)
        }
        None => file_edit(file, Position::new(0, 0), entry, true),
    }
}

/// The workspace taxonomy file of the document: the one in force, else a
/// new `policy-lsp.toml` beside the document.
pub(super) fn taxonomy_file(snap: &Snapshot, uri: &Uri) -> Option<std::path::PathBuf> {
    if let Some(file) = snap.doc.taxonomy().overrides_file() {
        return Some(file.to_path_buf());
    }
    let path = uri.to_file_path()?.into_owned();
    Taxonomy::find_workspace_file(&path).or_else(|| Some(path.parent()?.join(WORKSPACE_FILE)))
}

/// The file's text if it is a regular file small enough to be a taxonomy;
/// `None` when it does not exist (or cannot be read: the edit then creates
/// it, and the editor reports what is wrong).
pub(super) fn read_small(file: &std::path::Path) -> Option<String> {
    let meta = std::fs::metadata(file).ok()?;
    if !meta.is_file() || meta.len() > MAX_FILE_BYTES {
        return None;
    }
    std::fs::read_to_string(file).ok()
}

/// The categories an annotator would add a term to, nearest first: by the
/// longest run of characters the term shares with one of the category's
/// keywords (收货详情 is nearest to 收货地址's category), then in the
/// taxonomy's order. Vague categories are left out.
fn nearest_categories<'a>(taxonomy: &'a Taxonomy, term: &str) -> Vec<&'a Category> {
    let term: Vec<char> = term.chars().collect();
    let mut scored: Vec<(usize, usize, &Category)> = taxonomy
        .categories()
        .filter(|c| !c.vague)
        .enumerate()
        .map(|(i, c)| {
            let best = c
                .keywords
                .iter()
                .map(|k| common_run(&term, &k.chars().collect::<Vec<char>>()))
                .max()
                .unwrap_or(0);
            (best, i, c)
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored
        .into_iter()
        .take(TAXONOMY_CHOICES)
        .map(|(_, _, c)| c)
        .collect()
}

/// The length of the longest run of characters `a` and `b` share.
fn common_run(a: &[char], b: &[char]) -> usize {
    let mut best = 0;
    let mut row = vec![0usize; b.len() + 1];
    for &ca in a {
        let mut prev = 0;
        for (j, &cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = if ca == cb { prev + 1 } else { 0 };
            best = best.max(row[j + 1]);
            prev = here;
        }
    }
    best
}

/// A TOML basic string's content.
pub(super) fn toml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Where the text ends, in `enc` units, lines broken as the server breaks
/// them (a text ending in a break ends on an empty last line).
fn end_position(text: &str, enc: PositionEncoding) -> Position {
    let (count, last) =
        policy_core::document::lines_of(text).fold((0usize, ""), |(n, _), l| (n + 1, l));
    Position::new(
        count.saturating_sub(1) as u32,
        enc.units_of_str(last) as u32,
    )
}

/// Inserting `text` at `at` in `file`, creating it first when `create`.
fn file_edit(file: &Uri, at: Position, text: String, create: bool) -> WorkspaceEdit {
    let edit = TextDocumentEdit {
        text_document: OptionalVersionedTextDocumentIdentifier {
            uri: file.clone(),
            version: None,
        },
        edits: vec![OneOf::Left(TextEdit::new(Range::new(at, at), text))],
    };
    let mut ops = Vec::new();
    if create {
        ops.push(DocumentChangeOperation::Op(ResourceOp::Create(
            CreateFile {
                uri: file.clone(),
                options: Some(CreateFileOptions {
                    overwrite: Some(false),
                    ignore_if_exists: Some(true),
                }),
                annotation_id: None,
            },
        )));
    }
    ops.push(DocumentChangeOperation::Edit(edit));
    WorkspaceEdit {
        document_changes: Some(DocumentChanges::Operations(ops)),
        ..WorkspaceEdit::default()
    }
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
    let found = core_actions(snap, convert::range(range))
        .into_iter()
        .find(|a| a.title == params.title);
    if let Some(a) = found {
        params.edit = Some(convert::workspace_edit(&uri, &a.edits, enc));
    }
    params
}
