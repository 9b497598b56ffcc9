//! Completion of an annotation's content after its opener.
//!
//! The edit replaces everything from the opener to the cursor (or the whole
//! annotation when the cursor is inside a closed one), and the filter text
//! starts with the opener. Clients filter by the text between the edit's
//! start and the cursor, so matching never depends on where an ASCII word
//! would start: typing `<手机` matches `<手机号码` although CJK has no word
//! boundaries.

use std::collections::HashMap;

use super::point_at;
use crate::describe::category_documentation;
use crate::document::Document;
use crate::position::{LinePoint, LspPosition, PositionEncoding, byte_of_column};
use crate::syntax::{AnnotationKind, escape, is_markup_byte};
use crate::taxonomy::{Category, Taxonomy};
use crate::vocabulary::{PRACTICES, Party, party, practice};

/// The practice verbs an annotator reaches for first, in this order; the
/// other verbs of [`PRACTICES`] follow.
const COMMON_VERBS: &[&str] = &[
    "收集", "使用", "共享", "提供", "保存", "获取", "披露", "转让", "删除",
];

/// At most this many of the document's own values are proposed (most used
/// first): a list longer than a screenful of screenfuls helps no one, and
/// each is classified for its detail.
const MAX_USED: usize = 200;

/// One proposal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// The content's value (escapes resolved).
    pub value: String,
    /// What it is: the sensitivity for data, the practice for an action.
    pub detail: String,
    /// Longer words for the editor's documentation pane: for data, the
    /// category's definition and source (the hover's words).
    pub documentation: Option<String>,
    /// How often this document already annotates it.
    pub uses: usize,
}

/// The proposals at a cursor, all replacing the same span of one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completions {
    pub kind: AnnotationKind,
    pub line: usize,
    /// The opener.
    pub start: LinePoint,
    /// The cursor, or the end of the annotation the cursor is in.
    pub end: LinePoint,
    /// Whether the inserted text must bring its own closer.
    pub add_closer: bool,
    /// Best first.
    pub candidates: Vec<Candidate>,
}

impl Completions {
    /// The text that replaces `start..end` for `c`.
    pub fn new_text(&self, c: &Candidate) -> String {
        let mut s = String::new();
        s.push(self.kind.opener());
        s.push_str(&escape(&c.value));
        if self.add_closer {
            s.push(self.kind.closer());
        }
        s
    }

    /// The text a client matches against what was typed since the opener.
    pub fn filter_text(&self, c: &Candidate) -> String {
        format!("{}{}", self.kind.opener(), c.value)
    }
}

/// The annotation still open at byte `at` of `line`, as the parser would
/// see it: `(kind, opener byte)`. O(at).
fn open_at(line: &str, at: usize) -> Option<(AnnotationKind, usize)> {
    let b = line.as_bytes();
    let mut open = None;
    let mut i = 0;
    while i < at {
        match b[i] {
            b'\\' if i + 1 < at && is_markup_byte(b[i + 1]) => i += 1,
            c => {
                if let Some(k) = AnnotationKind::from_opener(c) {
                    open = Some((k, i));
                } else if AnnotationKind::from_closer(c).is_some() {
                    open = None;
                }
            }
        }
        i += 1;
    }
    open
}

/// The proposals at `pos`, or `None` where no annotation content is being
/// typed (and inside `{…}`, where a purpose is free text). O(document) to
/// count what the document already uses.
pub fn complete(
    doc: &Document,
    pos: LspPosition,
    enc: PositionEncoding,
    taxonomy: &Taxonomy,
) -> Option<Completions> {
    let line = pos.line as usize;
    let text = doc.line_text(line)?;
    let parse = doc.line_parse(line)?;
    let cursor = byte_of_column(&text, pos.character, enc);
    let inside = parse
        .annotations
        .iter()
        .find(|a| (a.open.byte as usize) < cursor && cursor <= a.close.byte as usize);
    let (kind, start, end, add_closer) = match inside {
        Some(a) => (a.kind, a.open, a.end(), true),
        None => {
            let (kind, open) = open_at(&text, cursor)?;
            let next_is_closer = text[cursor..].starts_with(kind.closer());
            (
                kind,
                point_at(&text, open),
                point_at(&text, cursor),
                !next_is_closer,
            )
        }
    };
    let candidates = match kind {
        AnnotationKind::Purpose => return None,
        AnnotationKind::Data => data_candidates(doc, taxonomy),
        AnnotationKind::Action => action_candidates(doc),
        AnnotationKind::Actor => actor_candidates(doc),
    };
    Some(Completions {
        kind,
        line,
        start,
        end,
        add_closer,
        candidates,
    })
}

/// The values of `kind` this document annotates, most used first (ties in
/// order of first use), with their counts. O(document).
pub fn used_values(doc: &Document, kind: AnnotationKind) -> Vec<(String, usize)> {
    let mut counts: HashMap<String, (usize, usize)> = HashMap::new();
    for (_, parse, text) in super::lines(doc) {
        for a in parse.annotations.iter().filter(|a| a.kind == kind) {
            let value = a.value(&text).trim().to_string();
            let n = counts.len();
            counts.entry(value).or_insert((0, n)).0 += 1;
        }
    }
    let mut used: Vec<(String, (usize, usize))> = counts.into_iter().collect();
    used.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.1.1.cmp(&b.1.1)));
    used.truncate(MAX_USED);
    used.into_iter().map(|(v, (n, _))| (v, n)).collect()
}

fn times(uses: usize) -> String {
    if uses == 0 {
        String::new()
    } else {
        format!(" ({uses}× in this document)")
    }
}

fn data_detail(taxonomy: &Taxonomy, value: &str) -> String {
    let c = taxonomy.classify(value);
    match c.category() {
        Some(cat) => format!("{} · {}", c.label(), cat.name_zh),
        None => c.label().to_string(),
    }
}

/// The values of `kind` used in `doc`, most used first, then `extras`
/// (value, detail) not used yet.
fn candidates<'a>(
    doc: &Document,
    kind: AnnotationKind,
    detail: impl Fn(&str) -> String,
    extras: impl Iterator<Item = (&'a str, String)>,
) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = used_values(doc, kind)
        .into_iter()
        .map(|(v, n)| Candidate {
            detail: format!("{}{}", detail(&v), times(n)),
            documentation: None,
            value: v,
            uses: n,
        })
        .collect();
    for (value, detail) in extras {
        if !out.iter().any(|c| c.value == value) {
            out.push(Candidate {
                value: value.to_string(),
                detail,
                documentation: None,
                uses: 0,
            });
        }
    }
    out
}

fn data_candidates(doc: &Document, taxonomy: &Taxonomy) -> Vec<Candidate> {
    let terms = taxonomy
        .data_terms()
        .map(|(term, cat)| (term, format!("{} · {}", cat.label(), cat.name_zh)));
    let mut out = candidates(
        doc,
        AnnotationKind::Data,
        |v| data_detail(taxonomy, v),
        terms,
    );
    // The used values are classified; the taxonomy's terms name their
    // category directly, so this costs one lookup each.
    let categories: HashMap<&str, &Category> = taxonomy.data_terms().collect();
    for c in &mut out {
        let documentation = match categories.get(c.value.as_str()) {
            Some(cat) => Some(category_documentation(cat)),
            None => taxonomy
                .classify(&c.value)
                .category()
                .map(category_documentation),
        };
        c.documentation = documentation;
    }
    out
}

fn action_candidates(doc: &Document) -> Vec<Candidate> {
    let detail = |v: &str| match practice(v) {
        Some(p) => format!("处理活动 · {} ({})", p.name_zh, p.name_en),
        None => "处理活动 · 未识别".to_string(),
    };
    let verbs = COMMON_VERBS
        .iter()
        .chain(PRACTICES.iter().flat_map(|p| p.verbs.iter()))
        .map(|v| (*v, detail(v)));
    candidates(doc, AnnotationKind::Action, detail, verbs)
}

fn actor_candidates(doc: &Document) -> Vec<Candidate> {
    let detail = |v: &str| {
        match party(v) {
            Party::First => "主体 · 第一方",
            Party::Subject => "主体 · 个人信息主体",
            Party::Third => "主体 · 第三方",
        }
        .to_string()
    };
    let we = std::iter::once(("我们", detail("我们")));
    candidates(doc, AnnotationKind::Actor, detail, we)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_open_annotation_at_the_cursor_is_the_parsers() {
        assert_eq!(open_at("a<b", 3), Some((AnnotationKind::Data, 1)));
        assert_eq!(open_at("<b>c", 4), None);
        assert_eq!(open_at("\\<b", 3), None);
        assert_eq!(open_at("<a[b", 4), Some((AnnotationKind::Action, 2)));
    }

    #[test]
    fn used_data_comes_most_used_first() {
        let doc =
            Document::new("<位置信息><手机号码>\r\n[收集]<手机号码>😀<手机号码>\n< 位置信息 >");
        assert_eq!(
            used_values(&doc, AnnotationKind::Data),
            vec![("手机号码".to_string(), 3), ("位置信息".to_string(), 2)]
        );
    }
}
