//! The practice graph drawn as SVG: positions from `layout-rs` (a
//! Sugiyama-style layered layout: ranks, crossing reduction, coordinate
//! assignment, spline edges), drawn here so every node and edge carries
//! the report's classes, ids and titles.
//!
//! Ranks are the graph's four layers (role → action class → data category
//! → purpose): a node with no edge from the layer before it is tied to an
//! invisible anchor of that layer, so a data category named only in
//! sentences without an action still stands in the data column.

use std::collections::HashMap;
use std::fmt::Write;

use layout::core::base::Orientation;
use layout::core::format::{ClipHandle, RenderBackend};
use layout::core::geometry::Point;
use layout::core::style::{LineStyleKind, StyleAttr};
use layout::std_shapes::shapes::{Arrow, Element, LineEndKind, ShapeKind};
use layout::topo::layout::VisualGraph;

use super::escape;

/// A node to draw.
pub struct DrawNode {
    /// 0 (roles) to 3 (purposes).
    pub layer: usize,
    /// Its lines of text (the first in bold).
    pub lines: Vec<String>,
    /// CSS classes.
    pub class: String,
    /// What its `<title>` (the tooltip) says.
    pub title: String,
}

/// An edge to draw, between indices of the nodes.
pub struct DrawEdge {
    pub from: usize,
    pub to: usize,
    pub weight: usize,
    /// Drawn apart, dashed: the practices that deny what they state.
    pub negated: bool,
    pub title: String,
}

const FONT: usize = 14;

/// Records what `layout-rs` draws: node boxes and edge paths, by the
/// properties they were given.
#[derive(Default)]
struct Recorder {
    rects: HashMap<String, (Point, Point)>,
    paths: HashMap<String, Vec<(Point, Point)>>,
}

impl RenderBackend for Recorder {
    fn draw_rect(
        &mut self,
        xy: Point,
        size: Point,
        _look: &StyleAttr,
        properties: Option<String>,
        _clip: Option<ClipHandle>,
    ) {
        if let Some(p) = properties {
            self.rects.insert(p, (xy, size));
        }
    }

    fn draw_line(&mut self, _: Point, _: Point, _: &StyleAttr, _: Option<String>) {}

    fn draw_circle(&mut self, _: Point, _: Point, _: &StyleAttr, _: Option<String>) {}

    fn draw_text(&mut self, _: Point, _: &str, _: &StyleAttr) {}

    fn draw_arrow(
        &mut self,
        path: &[(Point, Point)],
        _dashed: bool,
        _head: (bool, bool),
        _look: &StyleAttr,
        properties: Option<String>,
        _text: &str,
    ) {
        if let Some(p) = properties {
            self.paths.insert(p, path.to_vec());
        }
    }

    fn create_clip(&mut self, _: Point, _: Point, _: usize) -> ClipHandle {
        0
    }
}

/// The graph as one `<svg>` element, or `None` when the layout failed
/// (the layout crate asserts on graphs it cannot handle; none is known).
pub fn svg(nodes: &[DrawNode], edges: &[DrawEdge]) -> Option<String> {
    if nodes.is_empty() {
        return Some(String::from(
            "<p class=\"empty\">No practice: no sentence has an annotation.</p>",
        ));
    }
    let recorder = std::panic::catch_unwind(|| place(nodes, edges)).ok()?;
    Some(draw(nodes, edges, &recorder))
}

/// A box that holds `lines`: wide characters (CJK) one font size wide,
/// others about half.
fn box_size(lines: &[String]) -> Point {
    let width = lines
        .iter()
        .map(|l| {
            l.chars()
                .map(|c| if (c as u32) < 0x1100 { 0.6 } else { 1.0 })
                .sum::<f64>()
        })
        .fold(0.0, f64::max);
    Point::new(
        width * FONT as f64 + 20.0,
        lines.len() as f64 * FONT as f64 * 1.2 + 12.0,
    )
}

fn place(nodes: &[DrawNode], edges: &[DrawEdge]) -> Recorder {
    let mut vg = VisualGraph::new(Orientation::LeftToRight);
    let look = StyleAttr::new(layout::core::color::Color::fast("black"), 1, None, 4, FONT);
    let handles: Vec<_> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let shape = ShapeKind::new_box(&n.lines.join("\n"));
            vg.add_node(Element::create_with_properties(
                shape,
                look.clone(),
                Orientation::TopToBottom,
                box_size(&n.lines),
                format!("n{i}"),
            ))
        })
        .collect();
    // One invisible anchor per layer, chained, for the nodes with no edge
    // from the layer before theirs.
    let anchors: Vec<_> = (0..3)
        .map(|_| {
            vg.add_node(Element::create(
                ShapeKind::None,
                look.clone(),
                Orientation::LeftToRight,
                Point::new(1., 1.),
            ))
        })
        .collect();
    for w in anchors.windows(2) {
        vg.add_edge(Arrow::invisible(), w[0], w[1]);
    }
    let mut fed = vec![false; nodes.len()];
    for e in edges {
        fed[e.to] = true;
    }
    for (i, n) in nodes.iter().enumerate() {
        if n.layer > 0 && !fed[i] {
            vg.add_edge(Arrow::invisible(), anchors[n.layer - 1], handles[i]);
        }
    }
    for (i, e) in edges.iter().enumerate() {
        let style = if e.negated {
            LineStyleKind::Dashed
        } else {
            LineStyleKind::Normal
        };
        let arrow = Arrow::with_properties(
            LineEndKind::None,
            LineEndKind::Arrow,
            style,
            "",
            &look,
            format!("e{i}"),
            &None,
            &None,
        );
        vg.add_edge(arrow, handles[e.from], handles[e.to]);
    }
    let mut recorder = Recorder::default();
    vg.do_it(false, false, false, &mut recorder);
    recorder
}

fn draw(nodes: &[DrawNode], edges: &[DrawEdge], r: &Recorder) -> String {
    let (mut min, mut max) = (
        Point::new(f64::MAX, f64::MAX),
        Point::new(f64::MIN, f64::MIN),
    );
    let mut grow = |p: Point| {
        min = Point::new(min.x.min(p.x), min.y.min(p.y));
        max = Point::new(max.x.max(p.x), max.y.max(p.y));
    };
    for (xy, size) in r.rects.values() {
        grow(*xy);
        grow(Point::new(xy.x + size.x, xy.y + size.y));
    }
    for path in r.paths.values() {
        for (a, b) in path {
            grow(*a);
            grow(*b);
        }
    }
    let pad = 10.0;
    let (w, h) = (max.x - min.x + 2.0 * pad, max.y - min.y + 2.0 * pad);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg id=\"graph\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"{:.0} {:.0} {w:.0} {h:.0}\" \
         width=\"{w:.0}\" height=\"{h:.0}\" role=\"img\" aria-label=\"practice graph\">\
         <defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"9\" \
         markerHeight=\"9\" markerUnits=\"userSpaceOnUse\" orient=\"auto-start-reverse\"><path d=\"M0 0L10 5L0 10z\"/></marker></defs>",
        min.x - pad,
        min.y - pad
    );
    for (i, e) in edges.iter().enumerate() {
        let Some(path) = r.paths.get(&format!("e{i}")) else {
            continue;
        };
        if path.len() < 2 {
            continue;
        }
        let mut d = format!(
            "M{:.1} {:.1}C{:.1} {:.1},{:.1} {:.1},{:.1} {:.1}",
            path[0].0.x,
            path[0].0.y,
            path[0].1.x,
            path[0].1.y,
            path[1].0.x,
            path[1].0.y,
            path[1].1.x,
            path[1].1.y
        );
        for p in &path[2..] {
            let _ = write!(d, "S{:.1} {:.1},{:.1} {:.1}", p.0.x, p.0.y, p.1.x, p.1.y);
        }
        let width = (1.0 + (e.weight as f64).sqrt()).min(12.0);
        let _ = writeln!(
            out,
            "<path class=\"edge{}\" data-from=\"{}\" data-to=\"{}\" d=\"{d}\" stroke-width=\"{width:.1}\" \
             marker-end=\"url(#arrow)\"><title>{}</title></path>",
            if e.negated { " negated" } else { "" },
            e.from,
            e.to,
            escape(&e.title)
        );
    }
    for (i, n) in nodes.iter().enumerate() {
        let Some((xy, size)) = r.rects.get(&format!("n{i}")) else {
            continue;
        };
        let _ = write!(
            out,
            "<g class=\"node {}\" data-node=\"{i}\" tabindex=\"0\"><title>{}</title>\
             <rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"4\"/>",
            escape(&n.class),
            escape(&n.title),
            xy.x,
            xy.y,
            size.x,
            size.y
        );
        let line_h = FONT as f64 * 1.2;
        let top = xy.y + size.y / 2.0 - line_h * (n.lines.len() as f64 - 1.0) / 2.0;
        for (k, line) in n.lines.iter().enumerate() {
            let _ = write!(
                out,
                "<text x=\"{:.1}\" y=\"{:.1}\"{}>{}</text>",
                xy.x + size.x / 2.0,
                top + k as f64 * line_h,
                if k == 0 { " class=\"label\"" } else { "" },
                escape(line)
            );
        }
        out += "</g>\n";
    }
    out += "</svg>";
    out
}
