//! `policy-lsp agree`: agreement between annotators' versions of the same
//! policies.
//!
//! The versions are files, or folders whose `*.policy` files are matched
//! by relative path (walked as `check` walks them: hidden files and what
//! `.gitignore` names are skipped). A file present in only some folders is
//! listed on stderr and skipped; a document whose versions' plain texts
//! differ is reported with its first differing line and skipped, and the
//! command then exits 2. The numbers come from
//! `policy_core::agreement`; this file reads, pairs and prints.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use annotate_snippets::{AnnotationKind as Mark, Level, Renderer, Snippet};
use serde::Serialize;

use super::{AgreeArgs, AgreeFormat, EXIT_TROUBLE, check::window};
use policy_core::agreement::{
    Comparison, Disagreement, DisagreementType, FleissCounts, KindScores, Prf, Version, compare,
    kind_index,
};
use policy_core::document::lines_of;
use policy_core::syntax::AnnotationKind;

/// One document: the path of each version.
struct Document {
    paths: Vec<PathBuf>,
}

/// One version of one document, as read.
struct Source {
    path: String,
    text: String,
    version: Version,
}

/// One document's comparison for one pair.
struct DocumentResult<'a> {
    /// A's version: its path, and where the disagreements are placed.
    a: &'a Source,
    comparison: Comparison,
}

pub fn run(args: &AgreeArgs) -> ExitCode {
    let mut trouble = false;
    let documents = match documents(&args.versions) {
        Ok(d) => d,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(EXIT_TROUBLE);
        }
    };
    let m = args.versions.len();
    // Every document's versions, read once; a document that cannot be
    // compared is reported and left out.
    let mut read: Vec<Vec<Source>> = Vec::new();
    for doc in documents {
        match read_versions(&doc) {
            Ok(sources) => read.push(sources),
            Err(message) => {
                eprintln!("error: {message}");
                trouble = true;
            }
        }
    }
    if read.is_empty() {
        eprintln!("error: no document could be compared");
        return ExitCode::from(EXIT_TROUBLE);
    }

    let mut pairs = Vec::new();
    for i in 0..m {
        for j in i + 1..m {
            let mut docs = Vec::with_capacity(read.len());
            for sources in &read {
                // Equal texts were checked when the versions were read.
                if let Ok(comparison) = compare(&sources[i].version, &sources[j].version) {
                    docs.push(DocumentResult {
                        a: &sources[i],
                        comparison,
                    });
                }
            }
            pairs.push((i, j, docs));
        }
    }
    let fleiss = (m >= 3).then(|| {
        let mut total = FleissCounts::default();
        for sources in &read {
            let refs: Vec<&Version> = sources.iter().map(|s| &s.version).collect();
            if let Ok(c) = FleissCounts::of(&refs) {
                total += c;
            }
        }
        total.kappa()
    });

    let names: Vec<String> = args
        .versions
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let mut out = anstream::stdout().lock();
    let written = match args.format {
        AgreeFormat::Json => write_json(&mut out, &names, &pairs, fleiss),
        AgreeFormat::Human => write_human(&mut out, &names, &pairs, fleiss),
    };
    if let Err(e) = written.and_then(|()| out.flush()) {
        if e.kind() != io::ErrorKind::BrokenPipe {
            eprintln!("error: cannot write the output: {e}");
        }
        return ExitCode::from(EXIT_TROUBLE);
    }
    if trouble {
        ExitCode::from(EXIT_TROUBLE)
    } else {
        ExitCode::SUCCESS
    }
}

/// The documents to compare: the files themselves, or the `*.policy`
/// files every folder has (those only some have are listed and skipped).
fn documents(versions: &[PathBuf]) -> Result<Vec<Document>, String> {
    let mut dirs = 0;
    for p in versions {
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => dirs += 1,
            Ok(m) if m.is_file() => {}
            Ok(_) => return Err(format!("{}: not a file or folder", p.display())),
            Err(e) => return Err(format!("{}: {e}", p.display())),
        }
    }
    if dirs == 0 {
        return Ok(vec![Document {
            paths: versions.to_vec(),
        }]);
    }
    if dirs < versions.len() {
        return Err(
            "give only files or only folders: each version is one file or one folder of files"
                .to_string(),
        );
    }
    let listings: Vec<BTreeSet<PathBuf>> = versions.iter().map(|d| policy_files(d)).collect();
    let every: BTreeSet<&PathBuf> = listings.iter().flatten().collect();
    let mut docs = Vec::new();
    for rel in every {
        let has: Vec<bool> = listings.iter().map(|l| l.contains(rel)).collect();
        if has.iter().all(|&h| h) {
            docs.push(Document {
                paths: versions.iter().map(|d| d.join(rel)).collect(),
            });
        } else {
            let only: Vec<String> = versions
                .iter()
                .zip(&has)
                .filter(|(_, h)| **h)
                .map(|(d, _)| d.display().to_string())
                .collect();
            eprintln!("skipped: {} (only in {})", rel.display(), only.join(", "));
        }
    }
    if docs.is_empty() {
        return Err("the folders have no .policy file in common (matched by relative path)".into());
    }
    Ok(docs)
}

/// The `*.policy` files under `dir`, relative to it, walked as `check`
/// walks a folder.
fn policy_files(dir: &Path) -> BTreeSet<PathBuf> {
    let mut found = BTreeSet::new();
    for entry in ignore::WalkBuilder::new(dir).follow_links(false).build() {
        let Ok(entry) = entry else { continue };
        let path = entry.path();
        let is_file = entry.file_type().is_some_and(|t| t.is_file())
            || std::fs::metadata(path).is_ok_and(|m| m.is_file());
        if is_file
            && path.extension().is_some_and(|e| e == "policy")
            && let Ok(rel) = path.strip_prefix(dir)
        {
            found.insert(rel.to_path_buf());
        }
    }
    found
}

/// Reads every version of a document; they must have the same plain text.
fn read_versions(doc: &Document) -> Result<Vec<Source>, String> {
    let mut sources = Vec::with_capacity(doc.paths.len());
    for p in &doc.paths {
        let bytes = std::fs::read(p).map_err(|e| format!("{}: cannot read: {e}", p.display()))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            format!(
                "{}: not UTF-8 (byte {} is invalid)",
                p.display(),
                e.utf8_error().valid_up_to()
            )
        })?;
        let version = Version::parse(&text);
        sources.push(Source {
            path: p.display().to_string(),
            text,
            version,
        });
    }
    for (p, s) in doc.paths.iter().zip(&sources).skip(1) {
        if let Some(line) = sources[0].version.first_difference(&s.version) {
            return Err(format!(
                "{} and {} are not versions of the same text: their plain texts (markup removed) \
                 first differ on line {}",
                doc.paths[0].display(),
                p.display(),
                line + 1
            ));
        }
    }
    Ok(sources)
}

/// The pair's whole-set comparison: every document's counts pooled.
fn pooled(docs: &[DocumentResult]) -> Comparison {
    let mut total = Comparison::default();
    for d in docs {
        let mut c = d.comparison.clone();
        c.disagreements.clear();
        total += c;
    }
    total
}

/// `None` is all kinds.
const ROWS: [Option<AnnotationKind>; 5] = [
    Some(AnnotationKind::Actor),
    Some(AnnotationKind::Action),
    Some(AnnotationKind::Data),
    Some(AnnotationKind::Purpose),
    None,
];

fn row_name(k: Option<AnnotationKind>) -> &'static str {
    k.map_or("all", AnnotationKind::name)
}

// ---- JSON ----

#[derive(Serialize)]
struct JsonPrf {
    precision: f64,
    recall: f64,
    f1: f64,
}

impl From<Prf> for JsonPrf {
    fn from(p: Prf) -> Self {
        JsonPrf {
            precision: p.precision,
            recall: p.recall,
            f1: p.f1,
        }
    }
}

#[derive(Serialize)]
struct JsonScores {
    exact: JsonPrf,
    overlap: JsonPrf,
    kappa: f64,
}

impl From<KindScores> for JsonScores {
    fn from(s: KindScores) -> Self {
        JsonScores {
            exact: s.exact.into(),
            overlap: s.overlap.into(),
            kappa: s.kappa,
        }
    }
}

/// Fields in the order: the four kinds, then all.
#[derive(Serialize)]
struct JsonKinds {
    actor: JsonScores,
    action: JsonScores,
    data: JsonScores,
    purpose: JsonScores,
    all: JsonScores,
}

impl JsonKinds {
    fn of(c: &Comparison) -> JsonKinds {
        let s = |k| c.counts.scores(k).into();
        JsonKinds {
            actor: s(Some(AnnotationKind::Actor)),
            action: s(Some(AnnotationKind::Action)),
            data: s(Some(AnnotationKind::Data)),
            purpose: s(Some(AnnotationKind::Purpose)),
            all: s(None),
        }
    }
}

#[derive(Serialize)]
struct JsonRow {
    actor: u64,
    action: u64,
    data: u64,
    purpose: u64,
}

#[derive(Serialize)]
struct JsonConfusion {
    actor: JsonRow,
    action: JsonRow,
    data: JsonRow,
    purpose: JsonRow,
}

impl JsonConfusion {
    fn of(m: &[[u64; 4]; 4]) -> JsonConfusion {
        let row = |r: [u64; 4]| JsonRow {
            actor: r[0],
            action: r[1],
            data: r[2],
            purpose: r[3],
        };
        JsonConfusion {
            actor: row(m[0]),
            action: row(m[1]),
            data: row(m[2]),
            purpose: row(m[3]),
        }
    }
}

#[derive(Serialize)]
struct JsonSpan<'a> {
    kind: &'static str,
    text: &'a str,
}

#[derive(Serialize)]
struct JsonDisagreement<'a> {
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    #[serde(rename = "type")]
    kind: &'static str,
    a: Option<JsonSpan<'a>>,
    b: Option<JsonSpan<'a>>,
}

#[derive(Serialize)]
struct JsonDocument<'a> {
    path: &'a str,
    kinds: JsonKinds,
}

#[derive(Serialize)]
struct JsonPair<'a> {
    a: &'a str,
    b: &'a str,
    documents: Vec<JsonDocument<'a>>,
    kinds: JsonKinds,
    confusion: JsonConfusion,
    disagreements: Vec<JsonDisagreement<'a>>,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    pairs: Vec<JsonPair<'a>>,
    fleiss_kappa: Option<f64>,
}

type Pairs<'a> = [(usize, usize, Vec<DocumentResult<'a>>)];

fn json_span(s: Option<&policy_core::agreement::Span>) -> Option<JsonSpan<'_>> {
    s.map(|s| JsonSpan {
        kind: s.kind.name(),
        text: &s.text,
    })
}

fn write_json(
    out: &mut impl Write,
    names: &[String],
    pairs: &Pairs,
    fleiss: Option<f64>,
) -> io::Result<()> {
    let mut report = JsonReport {
        pairs: Vec::new(),
        fleiss_kappa: fleiss,
    };
    for (i, j, docs) in pairs {
        let total = pooled(docs);
        let mut disagreements = Vec::new();
        for d in docs {
            for x in &d.comparison.disagreements {
                let (line, from, to) = x.markup_range(&d.a.version);
                disagreements.push(JsonDisagreement {
                    path: &d.a.path,
                    line: line + 1,
                    column: from + 1,
                    end_line: line + 1,
                    end_column: to + 1,
                    kind: x.kind.name(),
                    a: json_span(x.a.as_ref()),
                    b: json_span(x.b.as_ref()),
                });
            }
        }
        report.pairs.push(JsonPair {
            a: &names[*i],
            b: &names[*j],
            documents: docs
                .iter()
                .map(|d| JsonDocument {
                    path: &d.a.path,
                    kinds: JsonKinds::of(&d.comparison),
                })
                .collect(),
            kinds: JsonKinds::of(&total),
            confusion: JsonConfusion::of(&total.confusion),
            disagreements,
        });
    }
    serde_json::to_writer(&mut *out, &report).map_err(io::Error::other)?;
    writeln!(out)
}

// ---- human ----

fn write_human(
    out: &mut impl Write,
    names: &[String],
    pairs: &Pairs,
    fleiss: Option<f64>,
) -> io::Result<()> {
    for (n, (i, j, docs)) in pairs.iter().enumerate() {
        if n > 0 {
            writeln!(out)?;
        }
        let total = pooled(docs);
        let documents = if docs.len() == 1 {
            "document"
        } else {
            "documents"
        };
        writeln!(
            out,
            "A = {}\nB = {}\n{} {documents} compared (precision counts B's spans, recall A's)\n",
            names[*i],
            names[*j],
            docs.len()
        )?;
        write_table(out, &total)?;
        writeln!(out)?;
        write_confusion(out, &total.confusion)?;
        if docs.len() > 1 {
            writeln!(out, "\nper document (all kinds): exact F1, overlap F1, κ")?;
            for d in docs {
                let s = d.comparison.counts.scores(None);
                writeln!(
                    out,
                    "  {}  {:.3}  {:.3}  {:.3}",
                    d.a.path, s.exact.f1, s.overlap.f1, s.kappa
                )?;
            }
        }
        let mut count: BTreeMap<&str, usize> = BTreeMap::new();
        for d in docs {
            if d.comparison.disagreements.is_empty() {
                continue;
            }
            let lines: Vec<&str> = lines_of(&d.a.text).collect();
            for x in &d.comparison.disagreements {
                *count.entry(x.kind.name()).or_default() += 1;
                writeln!(out)?;
                write!(out, "{}", render_disagreement(d.a, &lines, x))?;
            }
        }
        let total_count: usize = count.values().sum();
        let detail: Vec<String> = [
            DisagreementType::Missing,
            DisagreementType::Extra,
            DisagreementType::Boundary,
            DisagreementType::Kind,
        ]
        .iter()
        .map(|t| format!("{} {}", count.get(t.name()).copied().unwrap_or(0), t.name()))
        .collect();
        let word = if total_count == 1 {
            "disagreement"
        } else {
            "disagreements"
        };
        writeln!(out, "\n{total_count} {word}: {}", detail.join(", "))?;
    }
    if let Some(k) = fleiss {
        writeln!(
            out,
            "\nFleiss' κ over characters, {} versions: {k:.3}",
            names.len()
        )?;
    }
    Ok(())
}

fn write_table(out: &mut impl Write, c: &Comparison) -> io::Result<()> {
    let header = format!("{:<8} {:^20}   {:^20}", "", "exact", "overlap");
    writeln!(out, "{}", header.trim_end())?;
    writeln!(
        out,
        "{:<8} {:>6} {:>6} {:>6}   {:>6} {:>6} {:>6}   {:>6}",
        "kind", "P", "R", "F1", "P", "R", "F1", "κ"
    )?;
    for k in ROWS {
        let s = c.counts.scores(k);
        writeln!(
            out,
            "{:<8} {:>6.3} {:>6.3} {:>6.3}   {:>6.3} {:>6.3} {:>6.3}   {:>6.3}",
            row_name(k),
            s.exact.precision,
            s.exact.recall,
            s.exact.f1,
            s.overlap.precision,
            s.overlap.recall,
            s.overlap.f1,
            s.kappa
        )?;
    }
    Ok(())
}

fn write_confusion(out: &mut impl Write, m: &[[u64; 4]; 4]) -> io::Result<()> {
    writeln!(
        out,
        "overlapping spans by kind (rows A, columns B)\n{:<8} {:>7} {:>7} {:>7} {:>7}",
        "", "actor", "action", "data", "purpose"
    )?;
    for kind in AnnotationKind::ALL {
        let r = m[kind_index(kind)];
        writeln!(
            out,
            "{:<8} {:>7} {:>7} {:>7} {:>7}",
            kind.name(),
            r[0],
            r[1],
            r[2],
            r[3]
        )?;
    }
    Ok(())
}

/// How a span reads in a message: its kind and its content in brackets.
fn shown(s: &policy_core::agreement::Span) -> String {
    format!(
        "{} {}{}{}",
        s.kind.name(),
        s.kind.opener(),
        s.text,
        s.kind.closer()
    )
}

/// One disagreement as a note with A's line and carets under it. The
/// renderer measures display width, so the carets line up under CJK text.
fn render_disagreement(a: &Source, lines: &[&str], d: &Disagreement) -> String {
    let title = match (&d.a, &d.b) {
        (Some(x), Some(y)) => format!("A has {}, B has {}", shown(x), shown(y)),
        (Some(x), None) => format!("A has {}, B has nothing here", shown(x)),
        (None, Some(y)) => format!("A has nothing here, B has {}", shown(y)),
        (None, None) => String::new(),
    };
    let (line, from, to) = d.markup_range(&a.version);
    // A byte-order mark is not part of the first line's columns.
    let line_text = lines.get(line).copied().unwrap_or("");
    let line_text = line_text.strip_prefix('\u{feff}').unwrap_or(line_text);
    let byte = |col: usize| {
        line_text
            .char_indices()
            .nth(col)
            .map_or(line_text.len(), |(b, _)| b)
    };
    let (text, span) = window(line_text, byte(from)..byte(to));
    let report = &[Level::NOTE
        .primary_title(title.as_str())
        .id(d.kind.name())
        .element(
            Snippet::source(text.as_str())
                .line_start(line + 1)
                .path(a.path.as_str())
                .annotation(Mark::Primary.span(span.clone())),
        )];
    let rendered = Renderer::styled().render(report);
    // The renderer counts the column in the window it was given: name the
    // column in the whole line.
    let in_window = text[..span.start].chars().count() + 1;
    let rendered = if in_window == from + 1 {
        rendered
    } else {
        rendered.replacen(
            &format!(":{}:{in_window}", line + 1),
            &format!(":{}:{}", line + 1, from + 1),
            1,
        )
    };
    format!("{rendered}\n")
}
