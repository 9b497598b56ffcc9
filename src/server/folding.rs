//! Folding ranges: one per section that spans more than its heading line.
//! Cost: O(document).

use tower_lsp_server::ls_types::*;

use super::state::Snapshot;
use policy_core::authoring::outline::{flatten, outline};

pub fn folding_range(snap: &Snapshot, _: FoldingRangeParams) -> Option<Vec<FoldingRange>> {
    let o = outline(snap.doc.doc());
    Some(
        flatten(&o.sections)
            .into_iter()
            .filter(|s| s.end_line > s.line)
            .map(|s| FoldingRange {
                start_line: s.line as u32,
                end_line: s.end_line as u32,
                kind: Some(FoldingRangeKind::Region),
                collapsed_text: Some(s.title.clone()),
                ..FoldingRange::default()
            })
            .collect(),
    )
}
