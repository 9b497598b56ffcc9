//! The practice graph as GraphML ([`practice_graphml`]).
//!
//! Nodes are the practices' parts, merged across sentences: an actor's
//! **role** (`actor/first-party`), an action's **class** (`action/collect`),
//! a data item's taxonomy **category** (`data/credentials`;
//! `data/unclassified` when it has none) and a **purpose** by its text
//! (`purpose/实现上述这些功能`). Within each practice the parts are joined
//! in reading order — every actor to every action, every action to every
//! data item, every data item to every purpose — and an edge's `weight` is
//! the number of practices that join its two ends (each practice counts
//! once per edge); `negated` counts those of them that deny what they
//! state. A node carries its `kind`, its `label` (the role, class, category
//! id or purpose text), `practices` (how many practices name it) and, for
//! data, `sensitive` (the category is sensitive personal information).

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::practices::Practice;

#[derive(Default)]
struct Node {
    kind: &'static str,
    label: String,
    sensitive: bool,
    practices: usize,
}

#[derive(Default)]
struct Edge {
    weight: usize,
    negated: usize,
}

/// `practices` as one directed GraphML graph (see the module's note).
pub fn practice_graphml<'a>(practices: impl IntoIterator<Item = &'a Practice>) -> String {
    let mut nodes: BTreeMap<String, Node> = BTreeMap::new();
    let mut edges: BTreeMap<(String, String), Edge> = BTreeMap::new();
    for p in practices {
        let mut node = |kind: &'static str, label: &str, sensitive: bool| -> String {
            let id = format!("{kind}/{label}");
            let n = nodes.entry(id.clone()).or_insert_with(|| Node {
                kind,
                label: label.to_string(),
                ..Node::default()
            });
            n.sensitive |= sensitive;
            id
        };
        let actors: Vec<String> = p
            .actors
            .iter()
            .map(|a| node("actor", a.role.name(), false))
            .collect();
        let actions: Vec<String> = p
            .actions
            .iter()
            .map(|a| node("action", a.class.name(), false))
            .collect();
        let data: Vec<String> = p
            .data
            .iter()
            .map(|d| {
                let label = d
                    .category
                    .as_ref()
                    .map_or("unclassified", |c| c.id.as_str());
                node("data", label, d.sensitive())
            })
            .collect();
        let purposes: Vec<String> = p
            .purposes
            .iter()
            .map(|t| node("purpose", t.trim(), false))
            .collect();
        let mut named: Vec<&String> = actors
            .iter()
            .chain(&actions)
            .chain(&data)
            .chain(&purposes)
            .collect();
        named.sort();
        named.dedup();
        for id in named {
            if let Some(n) = nodes.get_mut(id) {
                n.practices += 1;
            }
        }
        let mut joined = Vec::new();
        for (from, to) in [(&actors, &actions), (&actions, &data), (&data, &purposes)] {
            for a in from {
                for b in to {
                    joined.push((a.clone(), b.clone()));
                }
            }
        }
        joined.sort();
        joined.dedup();
        for key in joined {
            let e = edges.entry(key).or_default();
            e.weight += 1;
            e.negated += p.negated as usize;
        }
    }
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns \
         http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n\
         \x20 <key id=\"kind\" for=\"node\" attr.name=\"kind\" attr.type=\"string\"/>\n\
         \x20 <key id=\"label\" for=\"node\" attr.name=\"label\" attr.type=\"string\"/>\n\
         \x20 <key id=\"sensitive\" for=\"node\" attr.name=\"sensitive\" attr.type=\"boolean\">\
         <default>false</default></key>\n\
         \x20 <key id=\"practices\" for=\"node\" attr.name=\"practices\" attr.type=\"int\"/>\n\
         \x20 <key id=\"weight\" for=\"edge\" attr.name=\"weight\" attr.type=\"int\"/>\n\
         \x20 <key id=\"negated\" for=\"edge\" attr.name=\"negated\" attr.type=\"int\"/>\n\
         \x20 <graph id=\"practices\" edgedefault=\"directed\">\n",
    );
    for (id, n) in &nodes {
        let _ = writeln!(
            out,
            "    <node id=\"{}\"><data key=\"kind\">{}</data><data key=\"label\">{}</data>\
             <data key=\"sensitive\">{}</data><data key=\"practices\">{}</data></node>",
            xml(id),
            n.kind,
            xml(&n.label),
            n.sensitive,
            n.practices
        );
    }
    for ((from, to), e) in &edges {
        let _ = writeln!(
            out,
            "    <edge source=\"{}\" target=\"{}\"><data key=\"weight\">{}</data>\
             <data key=\"negated\">{}</data></edge>",
            xml(from),
            xml(to),
            e.weight,
            e.negated
        );
    }
    out += "  </graph>\n</graphml>\n";
    out
}

/// `s` as XML character data or attribute value: markup characters
/// escaped, characters XML 1.0 cannot hold replaced by U+FFFD.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out += "&amp;",
            '<' => out += "&lt;",
            '>' => out += "&gt;",
            '"' => out += "&quot;",
            '\'' => out += "&apos;",
            '\t' => out += "&#9;",
            '\n' => out += "&#10;",
            '\r' => out += "&#13;",
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_control_characters_cannot_break_the_xml() {
        assert_eq!(
            xml("a<b>&\"'\u{1}😀"),
            "a&lt;b&gt;&amp;&quot;&apos;\u{fffd}😀"
        );
    }
}
