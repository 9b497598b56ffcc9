//! Document symbols: the policy's sections as a tree, each with its data
//! practices, each practice with its data items. Cost: O(document).
//!
//! Editors ask for the outline after every pause, and for a 10 MB policy
//! it is a 15 MB answer. Over stdio it is therefore serialised straight
//! from the core's outline to stdout ([`direct_response`], the request
//! rerouted by `input.rs`), on a snapshot, off the lock: tower would build
//! `DocumentSymbol`s, then a `serde_json::Value` tree of them, then the
//! bytes, ~200 MB at the peak.
//! And beyond [`MAX_DATA_SYMBOLS`] data items the outline lists sections
//! and practices only (a practice's name already names its data).
//!
//! A section's `detail` is its disclosure topic (`policy_core::topics`:
//! `third-party-sharing`, `retention` …), none for `other`.

use serde::Serialize;
use serde::ser::{SerializeSeq, SerializeStruct, Serializer};
use serde_json::Value;
use tower_lsp_server::ls_types::*;

use super::state::Snapshot;
use super::{convert, output};
use policy_core::authoring::outline::{Outline, Practice, Section, outline};
use policy_core::position::PositionEncoding;
use policy_core::topics::{Topic, line_topics};

/// Most data items listed as symbols of their own; beyond, none are.
/// The JD sample has ~80, the 10 MB corpus file ~13,000 (listed whole);
/// a 100 MB policy, ten times that.
pub const MAX_DATA_SYMBOLS: usize = 20_000;

/// The outline of a document, whether to list its data items, and the
/// topic of each line.
fn outline_of(snap: &Snapshot) -> (Outline, bool, Vec<Topic>) {
    let doc = snap.doc.doc();
    let o = outline(doc);
    let with_data = data_count(&o) <= MAX_DATA_SYMBOLS;
    let lines: Vec<_> = (0..doc.line_count())
        .map(|l| doc.line_text(l).unwrap_or_default())
        .collect();
    let topics = line_topics(lines.iter().map(|l| l.as_ref()));
    (o, with_data, topics)
}

/// The detail of the section headed on `line`: its topic, none for `other`.
fn topic_detail(topics: &[Topic], line: usize) -> Option<&'static str> {
    topics
        .get(line)
        .filter(|&&t| t != Topic::Other)
        .map(|t| t.name())
}

fn data_count(o: &Outline) -> usize {
    fn in_section(s: &Section) -> usize {
        s.practices.iter().map(|p| p.data.len()).sum::<usize>()
            + s.sections.iter().map(in_section).sum::<usize>()
    }
    o.practices.iter().map(|p| p.data.len()).sum::<usize>()
        + o.sections.iter().map(in_section).sum::<usize>()
}

/// `textDocument/documentSymbol` through tower (in-process clients).
pub fn document_symbol(snap: &Snapshot, _: DocumentSymbolParams) -> Option<DocumentSymbolResponse> {
    let enc = snap.encoding;
    let (o, with_data, topics) = outline_of(snap);
    let mut symbols: Vec<DocumentSymbol> = o
        .practices
        .iter()
        .map(|p| practice(p, enc, with_data))
        .collect();
    symbols.extend(
        o.sections
            .iter()
            .map(|s| section(s, enc, with_data, &topics)),
    );
    Some(DocumentSymbolResponse::Nested(symbols))
}

/// The framed answer to a `textDocument/documentSymbol` request `id` that
/// `input.rs` rerouted: the same answer, serialised from the outline
/// straight to bytes.
pub fn direct_response(snap: &Snapshot, id: &Value) -> Option<Vec<u8>> {
    let (o, with_data, topics) = outline_of(snap);
    output::response(
        id,
        &WireOutline {
            outline: &o,
            enc: snap.encoding,
            with_data,
            topics: &topics,
        },
    )
}

/// Field for field what `DocumentSymbol` serialises to.
struct WireOutline<'a> {
    outline: &'a Outline,
    enc: PositionEncoding,
    with_data: bool,
    topics: &'a [Topic],
}

struct WireSymbol<'a> {
    name: &'a str,
    detail: Option<&'a str>,
    kind: SymbolKind,
    range: Range,
    selection_range: Range,
    children: Children<'a>,
}

enum Children<'a> {
    None,
    Section(&'a Section, PositionEncoding, bool, &'a [Topic]),
    Data(&'a Practice, PositionEncoding),
}

impl Serialize for WireOutline<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let o = self.outline;
        let mut seq = s.serialize_seq(Some(o.practices.len() + o.sections.len()))?;
        for p in &o.practices {
            seq.serialize_element(&wire_practice(p, self.enc, self.with_data))?;
        }
        for sec in &o.sections {
            seq.serialize_element(&wire_section(sec, self.enc, self.with_data, self.topics))?;
        }
        seq.end()
    }
}

fn wire_section<'a>(
    s: &'a Section,
    enc: PositionEncoding,
    with_data: bool,
    topics: &'a [Topic],
) -> WireSymbol<'a> {
    let (range, selection_range) = section_ranges(s, enc);
    WireSymbol {
        name: &s.title,
        detail: topic_detail(topics, s.line),
        kind: SymbolKind::NAMESPACE,
        range,
        selection_range,
        children: if s.practices.is_empty() && s.sections.is_empty() {
            Children::None
        } else {
            Children::Section(s, enc, with_data, topics)
        },
    }
}

fn wire_practice(p: &Practice, enc: PositionEncoding, with_data: bool) -> WireSymbol<'_> {
    WireSymbol {
        name: &p.name,
        detail: Some(p.detail.as_str()),
        kind: SymbolKind::EVENT,
        range: convert::line_range(p.line, p.start, p.end, enc),
        selection_range: convert::line_range(p.line, p.focus.0, p.focus.1, enc),
        children: if with_data && !p.data.is_empty() {
            Children::Data(p, enc)
        } else {
            Children::None
        },
    }
}

impl Serialize for WireSymbol<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_struct("DocumentSymbol", 6)?;
        // Clients reject an empty name.
        m.serialize_field(
            "name",
            if self.name.is_empty() {
                "…"
            } else {
                self.name
            },
        )?;
        match self.detail.filter(|d| !d.is_empty()) {
            Some(d) => m.serialize_field("detail", d)?,
            None => m.skip_field("detail")?,
        }
        m.serialize_field("kind", &self.kind)?;
        m.serialize_field("range", &self.range)?;
        m.serialize_field("selectionRange", &self.selection_range)?;
        match &self.children {
            Children::None => m.skip_field("children")?,
            children => m.serialize_field("children", children)?,
        }
        m.end()
    }
}

impl Serialize for Children<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            Children::None => s.serialize_seq(Some(0))?.end(),
            Children::Section(sec, enc, with_data, topics) => {
                let mut seq = s.serialize_seq(Some(sec.practices.len() + sec.sections.len()))?;
                for p in &sec.practices {
                    seq.serialize_element(&wire_practice(p, enc, with_data))?;
                }
                for c in &sec.sections {
                    seq.serialize_element(&wire_section(c, enc, with_data, topics))?;
                }
                seq.end()
            }
            Children::Data(p, enc) => {
                let mut seq = s.serialize_seq(Some(p.data.len()))?;
                for (value, start, end) in &p.data {
                    let r = convert::line_range(p.line, *start, *end, enc);
                    seq.serialize_element(&WireSymbol {
                        name: value,
                        detail: None,
                        kind: SymbolKind::FIELD,
                        range: r,
                        selection_range: r,
                        children: Children::None,
                    })?;
                }
                seq.end()
            }
        }
    }
}

fn section_ranges(s: &Section, enc: PositionEncoding) -> (Range, Range) {
    let start = Position::new(s.line as u32, s.title_start.column(enc));
    let end = Position::new(s.end_line as u32, s.end.column(enc));
    (
        Range::new(start, end),
        convert::line_range(s.line, s.title_start, s.title_end, enc),
    )
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

fn section(
    s: &Section,
    enc: PositionEncoding,
    with_data: bool,
    topics: &[Topic],
) -> DocumentSymbol {
    let mut children: Vec<DocumentSymbol> = s
        .practices
        .iter()
        .map(|p| practice(p, enc, with_data))
        .collect();
    children.extend(
        s.sections
            .iter()
            .map(|c| section(c, enc, with_data, topics)),
    );
    let (range, selection_range) = section_ranges(s, enc);
    symbol(
        s.title.clone(),
        topic_detail(topics, s.line).map(str::to_string),
        SymbolKind::NAMESPACE,
        range,
        selection_range,
        children,
    )
}

fn practice(p: &Practice, enc: PositionEncoding, with_data: bool) -> DocumentSymbol {
    let data = if with_data {
        p.data
            .iter()
            .map(|(value, start, end)| {
                let r = convert::line_range(p.line, *start, *end, enc);
                symbol(value.clone(), None, SymbolKind::FIELD, r, r, Vec::new())
            })
            .collect()
    } else {
        Vec::new()
    };
    symbol(
        p.name.clone(),
        Some(p.detail.clone()),
        SymbolKind::EVENT,
        convert::line_range(p.line, p.start, p.end, enc),
        convert::line_range(p.line, p.focus.0, p.focus.1, enc),
        data,
    )
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use policy_core::analysis::AnalysedDocument;
    use policy_core::taxonomy::Taxonomy;

    fn snapshot(text: &str, encoding: PositionEncoding) -> Snapshot {
        Snapshot {
            doc: AnalysedDocument::new(text, Arc::new(Taxonomy::builtin())),
            encoding,
            settings: Arc::default(),
            markdown_hover: true,
            code_action_resolve: false,
            theirs: None,
        }
    }

    #[test]
    fn sections_carry_their_topic_and_both_writers_agree() {
        let text = "😀隐私政策\r\n一、我们如何收集信息\r\n(我们)[收集]<手机号码>{用于注册}。\r\n（一）𠮷注册\r\n(我们)[收集]<密码>。\r\n二、我们如何共享您的个人信息\r\n(我们)[共享]<位置信息>。\r\n三、其他\r\n一些话。\r\n";
        for enc in [
            PositionEncoding::Utf8,
            PositionEncoding::Utf16,
            PositionEncoding::Utf32,
        ] {
            let snap = snapshot(text, enc);
            let Some(DocumentSymbolResponse::Nested(tower)) = document_symbol(
                &snap,
                DocumentSymbolParams {
                    text_document: TextDocumentIdentifier {
                        uri: "file:///t.policy".parse().expect("a uri"),
                    },
                    work_done_progress_params: Default::default(),
                    partial_result_params: Default::default(),
                },
            ) else {
                panic!("a nested outline");
            };
            let details: Vec<(String, Option<String>)> = tower
                .iter()
                .filter(|s| s.kind == SymbolKind::NAMESPACE)
                .map(|s| (s.name.clone(), s.detail.clone()))
                .collect();
            let sections: Vec<(&str, Option<&str>)> = details
                .iter()
                .map(|(n, d)| (n.as_str(), d.as_deref()))
                .collect();
            assert_eq!(
                sections,
                [
                    ("一、我们如何收集信息", Some("collection-and-use")),
                    ("二、我们如何共享您的个人信息", Some("third-party-sharing")),
                    ("三、其他", None),
                ],
                "{enc:?}"
            );
            let sub = tower[0]
                .children
                .as_deref()
                .unwrap_or_default()
                .iter()
                .find(|s| s.kind == SymbolKind::NAMESPACE)
                .expect("（一）𠮷注册");
            assert_eq!(
                sub.detail.as_deref(),
                Some("collection-and-use"),
                "a sub-section keeps its parent's topic"
            );
            let (o, with_data, topics) = outline_of(&snap);
            let direct = serde_json::to_value(WireOutline {
                outline: &o,
                enc,
                with_data,
                topics: &topics,
            })
            .expect("serialises");
            assert_eq!(
                direct,
                serde_json::to_value(&tower).expect("serialises"),
                "{enc:?}"
            );
        }
    }
}
