//! The practice graph as GraphML ([`practice_graphml`]): the nodes and
//! edges of [`PracticeGraph`] (see [`super::graph`] for what they are),
//! each node with its `kind`, `label`, `sensitive` and `practices`, each
//! edge with its `weight` and `negated`.

use std::fmt::Write;

use super::graph::PracticeGraph;
use crate::practices::Practice;

/// `practices` as one directed GraphML graph (see the module's note).
pub fn practice_graphml<'a>(practices: impl IntoIterator<Item = &'a Practice>) -> String {
    graph_graphml(&PracticeGraph::of(practices))
}

/// A practice graph as GraphML.
pub fn graph_graphml(g: &PracticeGraph) -> String {
    let (nodes, edges) = (&g.nodes, &g.edges);
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
    for (id, n) in nodes {
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
    for ((from, to), e) in edges {
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
