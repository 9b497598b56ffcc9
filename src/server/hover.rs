//! Hover: what an annotation means (on an action, with its sentence's
//! practice), or what is wrong at the cursor.
//! Cost: O(log n + line) plus one classification.

use tower_lsp_server::ls_types::*;

use super::convert;
use super::state::Snapshot;
use policy_core::describe::describe_in;
use policy_core::syntax::AnnotationKind;

pub fn hover(snap: &Snapshot, params: HoverParams) -> Option<Hover> {
    let enc = snap.encoding;
    let doc = snap.doc.doc();
    let at = convert::position(params.text_document_position_params.position);
    let markup = |value: String| {
        let kind = if snap.markdown_hover {
            MarkupKind::Markdown
        } else {
            MarkupKind::PlainText
        };
        HoverContents::Markup(MarkupContent { kind, value })
    };
    // On a disagreement with the other annotator's version: both versions.
    if let Some(h) = super::disagreement::hover(snap, params.text_document_position_params.position)
    {
        return Some(h);
    }
    if let Some((line, a)) = doc.annotation_at(at, enc) {
        let text = doc.line_text(line)?;
        // An action's hover shows what its sentence states.
        let practice = (a.kind == AnnotationKind::Action)
            .then(|| {
                let practices = snap.doc.practices().line(line);
                practices.iter().find(|p| p.contains(a.open))
            })
            .flatten();
        let value = describe_in(
            a.kind,
            &a.value(&text),
            snap.doc.taxonomy(),
            snap.markdown_hover,
            practice,
        );
        return Some(Hover {
            contents: markup(value),
            range: Some(convert::line_range(line, a.open, a.end(), enc)),
        });
    }
    // On a syntax error: the error, explained.
    let line = at.line as usize;
    let parse = doc.line_parse(line)?;
    let d = parse
        .diagnostics
        .iter()
        .find(|d| d.start.column(enc) <= at.character && at.character < d.end.column(enc))?;
    Some(Hover {
        contents: markup(format!("{} ({})", d.message(), d.code.as_str())),
        range: Some(convert::line_range(line, d.start, d.end, enc)),
    })
}
