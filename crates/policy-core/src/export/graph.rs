//! The practice graph ([`PracticeGraph`]): the practices of one document
//! or a corpus merged into nodes and weighted edges. GraphML
//! ([`super::practice_graphml`]) and the HTML report are both drawn from it.
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
//! id or purpose text), `practices` (how many practices name it), for
//! data `sensitive` (the category is sensitive personal information), and
//! its `places`: the (document, line) of each practice naming it.

use std::collections::BTreeMap;

use crate::practices::Practice;

/// A node of the practice graph.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GraphNode {
    /// `actor`, `action`, `data` or `purpose`.
    pub kind: &'static str,
    /// The role, class, category id or purpose text.
    pub label: String,
    /// A data category of sensitive personal information.
    pub sensitive: bool,
    /// How many practices name it.
    pub practices: usize,
    /// Where those practices are: (document index, 0-based line), in the
    /// order added, without repeats.
    pub places: Vec<(usize, usize)>,
}

/// An edge of the practice graph.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GraphEdge {
    /// Practices joining its two ends.
    pub weight: usize,
    /// Of them, those that deny what they state.
    pub negated: usize,
}

/// Practices merged into a graph (see the module's note). Nodes are keyed
/// `kind/label`; edges by their two node keys.
#[derive(Clone, Debug, Default)]
pub struct PracticeGraph {
    pub nodes: BTreeMap<String, GraphNode>,
    pub edges: BTreeMap<(String, String), GraphEdge>,
}

/// The layers of the graph, in reading order.
pub const GRAPH_KINDS: [&str; 4] = ["actor", "action", "data", "purpose"];

impl PracticeGraph {
    /// `practices` of one document as a graph, every place at document 0
    /// and line 0 (for callers that do not need places).
    pub fn of<'a>(practices: impl IntoIterator<Item = &'a Practice>) -> PracticeGraph {
        let mut g = PracticeGraph::default();
        for p in practices {
            g.add(0, 0, p);
        }
        g
    }

    /// Adds practice `p`, found on `line` of document `doc`.
    pub fn add(&mut self, doc: usize, line: usize, p: &Practice) {
        let nodes = &mut self.nodes;
        let mut node = |kind: &'static str, label: &str, sensitive: bool| -> String {
            let id = format!("{kind}/{label}");
            let n = nodes.entry(id.clone()).or_insert_with(|| GraphNode {
                kind,
                label: label.to_string(),
                ..GraphNode::default()
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
            if let Some(n) = self.nodes.get_mut(id) {
                n.practices += 1;
                if n.places.last() != Some(&(doc, line)) {
                    n.places.push((doc, line));
                }
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
            let e = self.edges.entry(key).or_default();
            e.weight += 1;
            e.negated += p.negated as usize;
        }
    }
}
