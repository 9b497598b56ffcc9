//! brat standoff: the `.ann` lines of a document's spans, and brat's
//! offsets. No files here; the CLI writes them.

use std::collections::BTreeSet;

use super::Span;
use crate::syntax::AnnotationKind;
use crate::taxonomy::Taxonomy;

/// brat's name of a kind, the `.ann` type.
pub fn brat_type(kind: AnnotationKind) -> &'static str {
    match kind {
        AnnotationKind::Actor => "Actor",
        AnnotationKind::Action => "Action",
        AnnotationKind::Data => "Data",
        AnnotationKind::Purpose => "Purpose",
    }
}

/// brat reads a `.txt` with Python's universal newlines, so a `\r\n` is
/// one character to it (and to brat readers on PyPI): its offsets count
/// the text with every `\r\n` taken as one. The `.txt` keeps the
/// document's own line breaks, so a round trip stays byte-identical.
pub struct BratOffsets {
    /// The brat offset of the `\r` of each `\r\n`, in order.
    crlf: Vec<usize>,
    /// The code-point offset of the `\n` of each `\r\n`, in order.
    raw_lf: Vec<usize>,
}

impl BratOffsets {
    /// O(len).
    pub fn new(text: &str) -> BratOffsets {
        let (mut crlf, mut raw_lf) = (Vec::new(), Vec::new());
        let mut prev_cr = false;
        for (i, c) in text.chars().enumerate() {
            if c == '\n' && prev_cr {
                // each pair before this one counts one less
                crlf.push(i - 1 - crlf.len());
                raw_lf.push(i);
            }
            prev_cr = c == '\r';
        }
        BratOffsets { crlf, raw_lf }
    }

    /// A code-point offset of the text → brat's offset. O(log pairs).
    pub fn brat_of(&self, raw: usize) -> usize {
        // the pairs whose `\n` lies before `raw` (offsets never split a pair)
        raw - self.raw_lf.partition_point(|&lf| lf < raw)
    }

    /// brat's offset → a code-point offset of the text. O(log pairs).
    pub fn raw_of(&self, brat: usize) -> usize {
        brat.saturating_add(self.crlf.partition_point(|&cr| cr < brat))
    }
}

/// The `.ann` text: a T line per span, A lines for a data item's
/// sensitivity and category.
pub fn brat_ann(
    text: &str,
    spans: &[Span],
    taxonomy: &Taxonomy,
    categories: &mut BTreeSet<String>,
) -> String {
    let offsets = BratOffsets::new(text);
    let mut out = String::new();
    let mut attr = 0;
    for (i, s) in spans.iter().enumerate() {
        let t = i + 1;
        out += &format!(
            "T{t}\t{} {} {}\t{}\n",
            brat_type(s.kind),
            offsets.brat_of(s.start),
            offsets.brat_of(s.end),
            s.text
        );
        if s.kind == AnnotationKind::Data {
            let class = taxonomy.classify(&s.text);
            if class.sensitive() {
                attr += 1;
                out += &format!("A{attr}\tSensitive T{t}\n");
            }
            if let Some(c) = class.category() {
                attr += 1;
                out += &format!("A{attr}\tCategory T{t} {}\n", c.id);
                categories.insert(c.id.clone());
            }
        }
    }
    out
}
