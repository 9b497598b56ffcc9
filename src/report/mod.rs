//! `policy-lsp report`: one self-contained HTML page about one policy or a
//! corpus — the practice graph, the sensitive data, the disclosure topics,
//! the checks' findings and a table of the documents.
//!
//! Self-contained: the page's style and script are inline and its
//! Content-Security-Policy allows nothing else (no request leaves the
//! file, no font or script is fetched), so it works from `file://`, in a
//! VS Code webview, and offline. Every text from a policy is escaped for
//! HTML ([`escape`]); the data the script reads is JSON in a
//! `<script type="application/json">` element with `<`, `>` and `&`
//! written as `\u003c`, `\u003e`, `\u0026`, so no policy text can open or
//! close an element. The script writes that data with `textContent`
//! only.
//!
//! The graph is the core's [`PracticeGraph`] (the one GraphML export
//! writes) over every document, each node keeping the documents and lines
//! of its practices; for a readable picture only the [`TOP_PURPOSES`]
//! most named purposes get a node of their own, the others share one.

mod layout;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use serde::Serialize;

use policy_core::analysis::AnalysedDocument;
use policy_core::diagnostics::{Diagnostic, analysed_diagnostics};
use policy_core::export::{GRAPH_KINDS, PracticeGraph};
use policy_core::lints::{LintConfig, PRESET_PIPL};
use policy_core::stats::Stats;
use policy_core::topics::{Topic, topics};
use policy_core::vocabulary::Party;

use layout::{DrawEdge, DrawNode};

/// Purposes with a node of their own; the rest share one.
pub const TOP_PURPOSES: usize = 30;

/// One policy in the report.
pub struct Source {
    /// As the CLI names it.
    pub name: String,
    /// Where its lines can be opened (`file:///…`), when it is a file.
    pub link: Option<String>,
    pub doc: AnalysedDocument,
}

/// `s` escaped for HTML text and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out += "&amp;",
            '<' => out += "&lt;",
            '>' => out += "&gt;",
            '"' => out += "&quot;",
            '\'' => out += "&#39;",
            c => out.push(c),
        }
    }
    out
}

/// JSON safe inside a `<script>` element: no `<`, `>` or `&` left.
fn script_json(value: &impl Serialize) -> String {
    serde_json::to_string(value)
        .unwrap_or_else(|_| "null".into())
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

fn action_zh(class: &str) -> &'static str {
    match class {
        "collect" => "收集",
        "use" => "使用",
        "store" => "存储",
        "transmit" => "传输",
        "share" => "共享",
        "transfer" => "转让",
        "entrust" => "委托处理",
        "disclose" => "公开披露",
        "delete" => "删除",
        _ => "其他",
    }
}

fn role_zh(role: &str) -> &'static str {
    [Party::First, Party::Subject, Party::Third]
        .into_iter()
        .find(|p| p.name() == role)
        .map_or("", Party::name_zh)
}

fn topic_zh(t: Topic) -> &'static str {
    match t {
        Topic::ControllerContact => "控制者身份与联系方式",
        Topic::CollectionAndUse => "收集与使用",
        Topic::ThirdPartySharing => "对外共享",
        Topic::UserRights => "用户权利",
        Topic::Retention => "存储期限",
        Topic::Security => "安全措施",
        Topic::Minors => "未成年人",
        Topic::PolicyUpdates => "政策更新",
        Topic::ConsentWithdrawal => "撤回同意",
        _ => "",
    }
}

fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        s.chars().take(max - 1).collect::<String>() + "…"
    }
}

/// What the script needs about a node: its kind, label and places.
#[derive(Serialize)]
struct NodeData {
    kind: &'static str,
    label: String,
    practices: usize,
    sensitive: bool,
    /// [document index, [1-based lines]].
    places: Vec<(usize, Vec<usize>)>,
}

#[derive(Serialize)]
struct DocData<'a> {
    name: &'a str,
    link: Option<&'a str>,
}

#[derive(Serialize)]
struct PageData<'a> {
    docs: Vec<DocData<'a>>,
    nodes: Vec<NodeData>,
}

/// The graph to draw: nodes (purposes beyond the first [`TOP_PURPOSES`]
/// merged), edges (affirmative and negated apart), and the nodes' data.
fn draw_graph(g: &PracticeGraph, stats: &Stats) -> (Vec<DrawNode>, Vec<DrawEdge>, Vec<NodeData>) {
    let mut order: Vec<&String> = g.nodes.keys().collect();
    let layer = |kind: &str| GRAPH_KINDS.iter().position(|&k| k == kind).unwrap_or(3);
    order.sort_by(|a, b| {
        let (na, nb) = (&g.nodes[*a], &g.nodes[*b]);
        layer(na.kind)
            .cmp(&layer(nb.kind))
            .then(nb.practices.cmp(&na.practices))
            .then(a.cmp(b))
    });
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut nodes: Vec<DrawNode> = Vec::new();
    let mut data: Vec<NodeData> = Vec::new();
    let mut places: Vec<BTreeMap<usize, BTreeSet<usize>>> = Vec::new();
    let mut purposes = 0;
    let mut other_purposes: Option<usize> = None;
    let mut merged = 0;
    for id in order {
        let n = &g.nodes[id];
        let at = if n.kind == "purpose" && purposes >= TOP_PURPOSES {
            merged += 1;
            *other_purposes.get_or_insert_with(|| {
                nodes.push(DrawNode {
                    layer: 3,
                    lines: vec![],
                    class: "purpose other".into(),
                    title: String::new(),
                });
                data.push(NodeData {
                    kind: "purpose",
                    label: "其他目的".into(),
                    practices: 0,
                    sensitive: false,
                    places: vec![],
                });
                places.push(BTreeMap::new());
                nodes.len() - 1
            })
        } else {
            purposes += (n.kind == "purpose") as usize;
            let (first, second, title) = match n.kind {
                "actor" => (
                    role_zh(&n.label).to_string(),
                    format!("{} · {}", n.label, n.practices),
                    format!("actor role {}: {} practices", n.label, n.practices),
                ),
                "action" => (
                    action_zh(&n.label).to_string(),
                    format!("{} · {}", n.label, n.practices),
                    format!("action class {}: {} practices", n.label, n.practices),
                ),
                "data" => {
                    let name = stats
                        .categories
                        .get(&n.label)
                        .map_or_else(|| "未分类".to_string(), |c| c.name_zh.clone());
                    let mark = if n.sensitive { "敏感 · " } else { "" };
                    (
                        name.clone(),
                        format!("{mark}{} · {}", n.label, n.practices),
                        format!(
                            "data category {} {name}{}: {} practices",
                            n.label,
                            if n.sensitive { " (sensitive)" } else { "" },
                            n.practices
                        ),
                    )
                }
                _ => (
                    cut(&n.label, 16),
                    format!("{}", n.practices),
                    format!("purpose {}: {} practices", n.label, n.practices),
                ),
            };
            nodes.push(DrawNode {
                layer: layer(n.kind),
                lines: vec![first, second],
                class: format!("{}{}", n.kind, if n.sensitive { " sensitive" } else { "" }),
                title,
            });
            data.push(NodeData {
                kind: n.kind,
                label: n.label.clone(),
                practices: 0,
                sensitive: n.sensitive,
                places: vec![],
            });
            places.push(BTreeMap::new());
            nodes.len() - 1
        };
        index.insert(id.as_str(), at);
        data[at].practices += n.practices;
        for &(doc, line) in &n.places {
            places[at].entry(doc).or_default().insert(line + 1);
        }
    }
    if let Some(at) = other_purposes {
        nodes[at].lines = vec![
            "其他目的".into(),
            format!("{merged} purposes · {}", data[at].practices),
        ];
        nodes[at].title = format!(
            "{merged} less frequent purposes: {} practices",
            data[at].practices
        );
    }
    for (d, p) in data.iter_mut().zip(places) {
        d.places = p
            .into_iter()
            .map(|(doc, lines)| (doc, lines.into_iter().collect()))
            .collect();
    }
    let mut joined: BTreeMap<(usize, usize), (usize, usize)> = BTreeMap::new();
    for ((a, b), e) in &g.edges {
        if let (Some(&from), Some(&to)) = (index.get(a.as_str()), index.get(b.as_str())) {
            let j = joined.entry((from, to)).or_default();
            j.0 += e.weight - e.negated;
            j.1 += e.negated;
        }
    }
    let mut edges = Vec::new();
    for ((from, to), (affirmed, negated)) in joined {
        let name = |i: usize| format!("{} {}", data[i].kind, data[i].label);
        if affirmed > 0 {
            edges.push(DrawEdge {
                from,
                to,
                weight: affirmed,
                negated: false,
                title: format!("{} → {}: {affirmed} practices", name(from), name(to)),
            });
        }
        if negated > 0 {
            edges.push(DrawEdge {
                from,
                to,
                weight: negated,
                negated: true,
                title: format!("{} → {}: {negated} negated practices", name(from), name(to)),
            });
        }
    }
    (nodes, edges, data)
}

/// One document's rows: its counts, findings and topics.
struct DocRow {
    stats: Stats,
    practices: usize,
    findings: Vec<Diagnostic>,
    covered: BTreeSet<Topic>,
}

fn line_link(s: &Source, line: usize) -> String {
    match &s.link {
        Some(l) => format!("<a href=\"{}#L{line}\">{line}</a>", escape(l)),
        None => line.to_string(),
    }
}

/// The report of `sources` as one HTML page; `title` heads it.
pub fn render(title: &str, sources: &[Source]) -> String {
    let mut lint_config = LintConfig::default();
    let _ = lint_config.set(PRESET_PIPL, "on");
    let mut total = Stats::default();
    let mut graph = PracticeGraph::default();
    let mut rows = Vec::with_capacity(sources.len());
    for (i, s) in sources.iter().enumerate() {
        let stats = Stats::of(&s.doc);
        total.merge(&stats);
        let mut practices = 0;
        for (line, ps) in s.doc.practices().lines_from(0).enumerate() {
            for p in ps {
                graph.add(i, line, p);
                practices += 1;
            }
        }
        rows.push(DocRow {
            stats,
            practices,
            findings: analysed_diagnostics(&s.doc, &lint_config),
            covered: topics(s.doc.doc()).iter().map(|t| t.topic).collect(),
        });
    }
    let (nodes, edges, node_data) = draw_graph(&graph, &total);
    let svg = layout::svg(&nodes, &edges)
        .unwrap_or_else(|| "<p class=\"empty\">The graph could not be laid out.</p>".to_string());
    let page_data = PageData {
        docs: sources
            .iter()
            .map(|s| DocData {
                name: &s.name,
                link: s.link.as_deref(),
            })
            .collect(),
        nodes: node_data,
    };

    let mut h = String::with_capacity(64 * 1024);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"zh\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>\n{}</style>\n</head>\n<body>\n",
        escape(title),
        include_str!("page.css")
    );
    let data_items = total.annotations[2];
    let _ = writeln!(
        h,
        "<header><h1>{}</h1><p class=\"summary\">{} documents · {} lines · {} annotations \
         ({} actor, {} action, {} data, {} purpose) · {} practices · {} with syntax errors</p>\
         <nav><a href=\"#practices\">Practice graph</a> <a href=\"#sensitivity\">Sensitive data</a> \
         <a href=\"#topics\">Disclosures</a> <a href=\"#findings\">Findings</a> \
         <a href=\"#documents\">Documents</a></nav></header>",
        escape(title),
        total.documents,
        total.lines,
        total.annotations.iter().sum::<usize>(),
        total.annotations[0],
        total.annotations[1],
        total.annotations[2],
        total.annotations[3],
        rows.iter().map(|r| r.practices).sum::<usize>(),
        total.documents_with_errors
    );

    // The practice graph.
    let _ = writeln!(
        h,
        "<section id=\"practices\"><h2>Practice graph</h2>\
         <p class=\"legend\">actor role → action class → data category → purpose; an edge's \
         width grows with its practices; <span class=\"key sensitive\">sensitive</span> \
         categories are marked; <span class=\"key negated\">dashed red</span> edges are negated \
         practices (我们不会[共享]…), drawn apart. Click a node for its documents and lines.</p>\
         <div class=\"graph-wrap\"><div class=\"graph\">{svg}</div>\
         <aside id=\"details\" aria-live=\"polite\"><p class=\"hint\">Click a node.</p></aside></div>\
         </section>"
    );

    // Sensitivity summary.
    let _ = writeln!(
        h,
        "<section id=\"sensitivity\"><h2>Sensitive data</h2><p>{} data items: \
         <strong>{:.1}% sensitive</strong> ({}), {:.1}% vague ({}), {:.1}% unclassified ({}), \
         {:.1}% non-personal ({}).</p>",
        data_items,
        pct(total.sensitive, data_items),
        total.sensitive,
        pct(total.vague, data_items),
        total.vague,
        pct(total.unclassified, data_items),
        total.unclassified,
        pct(total.non_personal, data_items),
        total.non_personal
    );
    h += &sensitivity_chart(&total);
    h += "</section>\n";

    // Topics.
    h += "<section id=\"topics\"><h2>Disclosures</h2><p>The topics a policy must disclose \
          (PIPL Art. 17, GB/T 35273-2020 §5.5), found from its headings and words: \
          ✓ covered, ✗ missing.</p>\n<div class=\"scroll\"><table class=\"topics\"><thead><tr><th>document</th>";
    for t in Topic::REQUIRED {
        let _ = write!(h, "<th title=\"{}\">{}</th>", t.name(), topic_zh(t));
    }
    h += "<th>missing</th></tr></thead><tbody>\n";
    for (i, (s, r)) in sources.iter().zip(&rows).enumerate() {
        let _ = write!(
            h,
            "<tr><td><a href=\"#doc-{i}\">{}</a></td>",
            escape(&s.name)
        );
        let mut missing = 0;
        for t in Topic::REQUIRED {
            if r.covered.contains(&t) {
                h += "<td class=\"yes\">✓</td>";
            } else {
                missing += 1;
                let _ = write!(h, "<td class=\"no\" title=\"{} missing\">✗</td>", t.name());
            }
        }
        let _ = writeln!(h, "<td>{missing}</td></tr>");
    }
    h += "</tbody></table></div></section>\n";

    // Findings.
    let mut per_code: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for r in &rows {
        let mut seen = BTreeSet::new();
        for d in &r.findings {
            let e = per_code.entry(&d.code).or_default();
            e.0 += 1;
            if seen.insert(&*d.code) {
                e.1 += 1;
            }
        }
    }
    h += "<section id=\"findings\"><h2>Findings</h2><p>The checks of <code>policy-lsp check \
          --lint pipl</code>: syntax problems and every lint.</p>\n";
    if per_code.is_empty() {
        h += "<p>No finding.</p>";
    } else {
        h += "<table class=\"codes\"><thead><tr><th>code</th><th>findings</th><th>documents</th></tr></thead><tbody>\n";
        let mut codes: Vec<_> = per_code.into_iter().collect();
        codes.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(b.0)));
        for (code, (n, docs)) in codes {
            let _ = writeln!(
                h,
                "<tr><td><code>{}</code></td><td>{n}</td><td>{docs}</td></tr>",
                escape(code)
            );
        }
        h += "</tbody></table>\n";
    }
    h += "</section>\n";

    // Documents.
    h += "<section id=\"documents\"><h2>Documents</h2><div class=\"scroll\"><table class=\"docs\">\
          <thead><tr><th>document</th><th>lines</th><th>annotations</th><th>data</th>\
          <th>sensitive</th><th>practices</th><th>syntax errors</th><th>findings</th>\
          <th>disclosures</th></tr></thead><tbody>\n";
    for (i, (s, r)) in sources.iter().zip(&rows).enumerate() {
        let name = match &s.link {
            Some(l) => format!("<a href=\"{}\">{}</a>", escape(l), escape(&s.name)),
            None => escape(&s.name),
        };
        let errors = r
            .findings
            .iter()
            .filter(|d| d.severity == policy_core::syntax::Severity::Error)
            .count();
        let _ = writeln!(
            h,
            "<tr><td>{name} <a href=\"#doc-{i}\" class=\"more\">details</a></td><td>{}</td><td>{}</td>\
             <td>{}</td><td>{}</td><td>{}</td><td>{errors}</td><td>{}</td><td>{}/{}</td></tr>",
            r.stats.lines,
            r.stats.annotations.iter().sum::<usize>(),
            r.stats.annotations[2],
            r.stats.sensitive,
            r.practices,
            r.findings.len(),
            Topic::REQUIRED
                .iter()
                .filter(|t| r.covered.contains(t))
                .count(),
            Topic::REQUIRED.len()
        );
    }
    h += "</tbody></table></div>\n";
    for (i, (s, r)) in sources.iter().zip(&rows).enumerate() {
        let _ = write!(
            h,
            "<details class=\"doc\" id=\"doc-{i}\"{}><summary>{} — {} findings</summary>",
            if sources.len() == 1 { " open" } else { "" },
            escape(&s.name),
            r.findings.len()
        );
        let missing: Vec<&str> = Topic::REQUIRED
            .iter()
            .filter(|t| !r.covered.contains(t))
            .map(|t| t.name())
            .collect();
        let _ = write!(
            h,
            "<p>Missing disclosures: {}</p>",
            if missing.is_empty() {
                "none".to_string()
            } else {
                escape(&missing.join(", "))
            }
        );
        if !r.findings.is_empty() {
            h += "<table class=\"findings\"><thead><tr><th>line</th><th>column</th><th>level</th>\
                  <th>code</th><th>message</th><th>text</th></tr></thead><tbody>\n";
            for d in &r.findings {
                let text = s.doc.doc().line_text(d.line).unwrap_or_default();
                let start = (d.start.byte as usize).min(text.len());
                let end = (d.end.byte as usize).clamp(start, text.len());
                let span = text.get(start..end).unwrap_or("");
                let _ = writeln!(
                    h,
                    "<tr class=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td>\
                     <td>{}</td><td class=\"text\">{}</td></tr>",
                    d.severity.name(),
                    line_link(s, d.line + 1),
                    d.start.char + 1,
                    d.severity.name(),
                    escape(&d.code),
                    escape(&d.message),
                    escape(&cut(span, 60))
                );
            }
            h += "</tbody></table>";
        }
        h += "</details>\n";
    }
    h += "</section>\n";

    let _ = write!(
        h,
        "<script type=\"application/json\" id=\"report-data\">{}</script>\n<script>\n{}</script>\n\
         </body>\n</html>\n",
        script_json(&page_data),
        include_str!("page.js")
    );
    h
}

fn pct(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

/// Categories by count as horizontal SVG bars, sensitive ones marked.
fn sensitivity_chart(s: &Stats) -> String {
    let mut cats: Vec<(&String, &usize)> = s.by_category.iter().collect();
    cats.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let max = cats
        .iter()
        .map(|c| *c.1)
        .chain([s.unclassified])
        .max()
        .unwrap_or(0)
        .max(1);
    let rows = cats.len() + (s.unclassified > 0) as usize;
    let (label_w, bar_w, row_h) = (260.0, 420.0, 22.0);
    let mut out = format!(
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" \
         role=\"img\" aria-label=\"data categories by count\">\n",
        label_w + bar_w + 60.0,
        row_h * rows as f64 + 4.0
    );
    let mut bar = |y: f64, label: &str, n: usize, class: &str, title: &str| {
        let w = bar_w * n as f64 / max as f64;
        let _ = writeln!(
            out,
            "<g class=\"bar {class}\"><title>{}</title><text x=\"{:.0}\" y=\"{:.1}\" class=\"bar-label\">{}</text>\
             <rect x=\"{label_w:.0}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{:.1}\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\">{n}</text></g>",
            escape(title),
            label_w - 8.0,
            y + row_h * 0.7,
            escape(label),
            y + 3.0,
            row_h - 6.0,
            label_w + w + 6.0,
            y + row_h * 0.7
        );
    };
    let mut y = 2.0;
    for (id, n) in cats {
        let (name, sensitive) = s
            .categories
            .get(id)
            .map_or((id.as_str(), false), |c| (c.name_zh.as_str(), c.sensitive));
        let label = if sensitive {
            format!("敏感 · {name}")
        } else {
            name.to_string()
        };
        let title = format!(
            "{id} {name}: {n} items{}",
            if sensitive { ", sensitive" } else { "" }
        );
        bar(
            y,
            &label,
            *n,
            if sensitive { "sensitive" } else { "personal" },
            &title,
        );
        y += row_h;
    }
    if s.unclassified > 0 {
        bar(
            y,
            "未分类",
            s.unclassified,
            "unclassified",
            &format!("unclassified: {} items", s.unclassified),
        );
    }
    out += "</svg>\n";
    out
}
