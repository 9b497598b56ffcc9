//! Document symbols: the policy's sections as a tree, each with its data
//! practices, each practice with its data items. Cost: O(document).

use tower_lsp_server::ls_types::*;

use super::convert;
use super::state::Snapshot;
use policy_core::authoring::outline::{Practice, Section, outline};
use policy_core::position::PositionEncoding;

pub fn document_symbol(snap: &Snapshot, _: DocumentSymbolParams) -> Option<DocumentSymbolResponse> {
    let enc = snap.encoding;
    let o = outline(snap.doc.doc());
    let mut symbols: Vec<DocumentSymbol> = o.practices.iter().map(|p| practice(p, enc)).collect();
    symbols.extend(o.sections.iter().map(|s| section(s, enc)));
    Some(DocumentSymbolResponse::Nested(symbols))
}

#[allow(deprecated)] // `deprecated` must be named to build the struct
fn symbol(
    name: String,
    detail: Option<String>,
    kind: SymbolKind,
    range: Range,
    selection_range: Range,
    children: Vec<DocumentSymbol>,
) -> DocumentSymbol {
    DocumentSymbol {
        // Clients reject an empty name.
        name: if name.is_empty() {
            "…".to_string()
        } else {
            name
        },
        detail: detail.filter(|d| !d.is_empty()),
        kind,
        tags: None,
        deprecated: None,
        range,
        selection_range,
        children: (!children.is_empty()).then_some(children),
    }
}

fn section(s: &Section, enc: PositionEncoding) -> DocumentSymbol {
    let mut children: Vec<DocumentSymbol> = s.practices.iter().map(|p| practice(p, enc)).collect();
    children.extend(s.sections.iter().map(|c| section(c, enc)));
    let start = Position::new(s.line as u32, s.title_start.column(enc));
    let end = Position::new(s.end_line as u32, s.end.column(enc));
    symbol(
        s.title.clone(),
        None,
        SymbolKind::NAMESPACE,
        Range::new(start, end),
        convert::line_range(s.line, s.title_start, s.title_end, enc),
        children,
    )
}

fn practice(p: &Practice, enc: PositionEncoding) -> DocumentSymbol {
    let data = p
        .data
        .iter()
        .map(|(value, start, end)| {
            let r = convert::line_range(p.line, *start, *end, enc);
            symbol(value.clone(), None, SymbolKind::FIELD, r, r, Vec::new())
        })
        .collect();
    symbol(
        p.name.clone(),
        Some(p.detail.clone()),
        SymbolKind::EVENT,
        convert::line_range(p.line, p.start, p.end, enc),
        convert::line_range(p.line, p.focus.0, p.focus.1, enc),
        data,
    )
}
