//! `policy-lsp import`: brat standoff, doccano JSONL or CA4P JSON →
//! markup files.
//!
//! Nothing is dropped in silence: a span the markup cannot hold (nested,
//! overlapping, crossing a line, blank, text not matching its offsets), an
//! annotation type, relation or attribute the markup has no place for, and
//! a discontinuous brat span are each reported on stderr with where they
//! came from, and the exit status is then 1.

use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::ValueEnum;
use serde::Deserialize;

use super::EXIT_TROUBLE;
use super::export::{Sink, Source, is_safe_relative, read_text, sources, write_file};
use policy_core::export::{Brackets, BratOffsets, SpanIn, kind_of_ca4p, to_markup};
use policy_core::syntax::AnnotationKind;

pub const EXIT: &str = "\
Exit status:
  0  every annotation was imported
  1  some annotation or line could not be (each is named on stderr: a
     nested, overlapping, blank or line-crossing span, text that does not
     match its offsets, another type, a relation, a discontinuous span)
  2  usage or I/O trouble: a path that does not exist, a file that is not
     UTF-8 or not of the format, or output that cannot be written";

/// What `import` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ImportFormat {
    /// brat standoff: NAME.ann with NAME.txt beside it (name either, or a
    /// folder of them).
    Brat,
    /// doccano JSONL: {"text", "label": [[start, end, label]]} or
    /// {"text", "entities": [{"start_offset", "end_offset", "label"}]}.
    Doccano,
    /// CA4P's JSON: paragraph items and span items (数据, 操作者, 受试者,
    /// 收集, 分享, 条件, 目的).
    Ca4p,
}

/// How the plain text's own brackets are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BracketsArg {
    /// Unescaped unless they would then read as an annotation: what
    /// `export` wrote comes back byte for byte.
    Needed,
    /// All escaped: no syntax diagnostic from the text.
    Escape,
    /// As they are, even where a pair then reads as an annotation.
    Keep,
}

#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    /// Files, or folders searched for them (.ann for brat, .jsonl for
    /// doccano, .json for CA4P); `-` reads doccano or CA4P from stdin.
    #[arg(value_name = "PATH", required = true)]
    paths: Vec<PathBuf>,
    /// The format to read.
    #[arg(long, value_enum, value_name = "FORMAT")]
    from: ImportFormat,
    /// Where to write: the .policy file for one brat or CA4P document, else
    /// a folder (the same relative names, or the doccano lines' "path")
    /// [default: stdout, for one document].
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// How the text's own `( ) [ ] < > { } \` are written [default:
    /// needed; escape for CA4P].
    #[arg(long, value_enum, value_name = "HOW")]
    brackets: Option<BracketsArg>,
    /// Same as `--brackets keep` (how ca4p-dev/ was made from CA4P's JSON).
    #[arg(long, conflicts_with = "brackets")]
    keep_brackets: bool,
}

/// One document read from some format, before it becomes markup.
pub(super) struct Incoming {
    /// Its relative name under an output folder (extension `.policy`).
    pub rel: PathBuf,
    /// Where it came from, for messages.
    pub origin: String,
    pub text: String,
    pub spans: Vec<SpanIn>,
    /// For each span, where it came from and its offsets as the format
    /// wrote them, for messages: `a.ann:6: T6 Data 12 14`.
    pub span_where: Vec<String>,
}

/// Counts for the exit status.
#[derive(Default)]
pub(super) struct Tally {
    /// Paths that could not be read or written.
    pub trouble: usize,
    /// Annotations that did not make it into the markup.
    pub left_out: usize,
}

impl Tally {
    pub fn left_out(&mut self, origin: &str, what: impl std::fmt::Display) {
        eprintln!("warning: {origin}: {what}");
        self.left_out += 1;
    }
}

pub fn run(args: &ImportArgs) -> ExitCode {
    let brackets = match (args.keep_brackets, args.brackets, args.from) {
        (true, _, _) | (_, Some(BracketsArg::Keep), _) => Brackets::Keep,
        (_, Some(BracketsArg::Escape), _) | (_, None, ImportFormat::Ca4p) => Brackets::Escape,
        _ => Brackets::Needed,
    };
    let mut tally = Tally::default();
    let docs = match args.from {
        ImportFormat::Brat => {
            let srcs = sources(&args.paths, &["ann"], &mut tally.trouble);
            srcs.iter()
                .filter_map(|s| read_brat(s, &mut tally))
                .collect()
        }
        ImportFormat::Doccano => {
            let srcs = sources(&args.paths, &["jsonl"], &mut tally.trouble);
            srcs.iter()
                .flat_map(|s| read_doccano(s, &mut tally))
                .collect()
        }
        ImportFormat::Ca4p => {
            let srcs = sources(&args.paths, &["json"], &mut tally.trouble);
            srcs.iter()
                .filter_map(|s| read_ca4p(s, &mut tally))
                .collect()
        }
    };
    // A doccano file holds many documents: -o is then always a folder.
    let one_named = args.paths.len() == 1
        && (Path::new(&args.paths[0]).is_file() || args.paths[0].as_os_str() == "-")
        && args.from != ImportFormat::Doccano;
    if let Err(e) = write_all(
        docs,
        one_named,
        args.output.as_deref(),
        brackets,
        &mut tally,
    ) {
        if e.kind() != io::ErrorKind::BrokenPipe {
            eprintln!("error: cannot write the output: {e}");
        }
        return ExitCode::from(EXIT_TROUBLE);
    }
    if tally.trouble > 0 {
        ExitCode::from(EXIT_TROUBLE)
    } else if tally.left_out > 0 {
        eprintln!(
            "{} annotation(s) or line(s) could not be imported (see above)",
            tally.left_out
        );
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn write_all(
    docs: Vec<Incoming>,
    one_named: bool,
    output: Option<&Path>,
    brackets: Brackets,
    tally: &mut Tally,
) -> io::Result<()> {
    let sink = match output {
        None if docs.len() <= 1 => Sink::Stdout,
        None => {
            eprintln!("error: several documents: name an output folder with -o");
            tally.trouble += 1;
            return Ok(());
        }
        Some(o) if docs.len() == 1 && one_named && !o.is_dir() => Sink::File(o.to_path_buf()),
        Some(o) => Sink::Dir(o.to_path_buf()),
    };
    for doc in docs {
        let markup = markup_of(&doc, brackets, tally);
        match &sink {
            Sink::Dir(d) => write_file(&d.join(&doc.rel), markup.as_bytes())?,
            other => other.write(&doc.rel, markup.as_bytes())?,
        }
    }
    Ok(())
}

/// The markup of one document; every rejected span is reported.
pub(super) fn markup_of(doc: &Incoming, brackets: Brackets, tally: &mut Tally) -> String {
    let m = to_markup(&doc.text, &doc.spans, brackets);
    for r in &m.rejected {
        let s = &doc.spans[r.index];
        let text: String = match &s.text {
            Some(t) => t.clone(),
            None => doc
                .text
                .chars()
                .skip(s.start)
                .take(s.end.saturating_sub(s.start))
                .collect(),
        };
        let place = doc
            .span_where
            .get(r.index)
            .map_or(doc.origin.as_str(), String::as_str);
        tally.left_out(
            place,
            format!("{:?} left out: {}", text, r.reason.describe()),
        );
    }
    m.text
}

/// A kind from a label as the formats write it: `data`, `Data`, `DATA`.
fn kind_of_label(label: &str) -> Option<AnnotationKind> {
    AnnotationKind::from_name(&label.to_ascii_lowercase())
}

/// NAME.ann and NAME.txt beside it.
fn read_brat(src: &Source, tally: &mut Tally) -> Option<Incoming> {
    if src.path.as_os_str() == "-" {
        eprintln!("error: brat is two files (NAME.ann and NAME.txt): name the .ann, not stdin");
        tally.trouble += 1;
        return None;
    }
    let ann_path = src.path.with_extension("ann");
    let txt_path = src.path.with_extension("txt");
    let (ann, text) = match (read_text(&ann_path), read_text(&txt_path)) {
        (Ok(a), Ok(t)) => (a, t),
        (Err(e), _) => {
            eprintln!("error: {}: {e}", ann_path.display());
            tally.trouble += 1;
            return None;
        }
        (_, Err(e)) => {
            eprintln!("error: {}: {e}", txt_path.display());
            tally.trouble += 1;
            return None;
        }
    };
    let mut spans = Vec::new();
    let mut span_where = Vec::new();
    let name = ann_path.display().to_string();
    let offsets = BratOffsets::new(&text);
    for (i, line) in ann.lines().enumerate() {
        let origin = format!("{name}:{}", i + 1);
        match parse_brat_line(line) {
            BratLine::Span(mut s) => {
                let shown = line.split('\t').take(2).collect::<Vec<_>>().join(" ");
                span_where.push(format!("{origin}: {shown}"));
                s.start = offsets.raw_of(s.start);
                s.end = offsets.raw_of(s.end);
                spans.push(s)
            }
            BratLine::Ignored => {}
            BratLine::NotKept(why) => tally.left_out(&origin, format!("{why} not kept: {line}")),
        }
    }
    Some(Incoming {
        rel: src.rel.with_extension("policy"),
        origin: name,
        text,
        spans,
        span_where,
    })
}

enum BratLine {
    Span(SpanIn),
    /// Blank, or an attribute this export writes (derived again from the
    /// taxonomy, so nothing is lost).
    Ignored,
    NotKept(&'static str),
}

fn parse_brat_line(line: &str) -> BratLine {
    let line = line.trim_end_matches('\r');
    if line.trim().is_empty() {
        return BratLine::Ignored;
    }
    let mut fields = line.splitn(3, '\t');
    let id = fields.next().unwrap_or_default();
    let what = fields.next().unwrap_or_default();
    match id.chars().next() {
        Some('T') => {}
        Some('A' | 'M') => {
            let name = what.split(' ').next().unwrap_or_default();
            return if matches!(name, "Sensitive" | "Category") {
                BratLine::Ignored
            } else {
                BratLine::NotKept("attribute")
            };
        }
        Some('R') => return BratLine::NotKept("relation"),
        Some('E') => return BratLine::NotKept("event"),
        Some('*') => return BratLine::NotKept("equivalence"),
        Some('N') => return BratLine::NotKept("normalization"),
        Some('#') => return BratLine::NotKept("note"),
        _ => return BratLine::NotKept("unreadable line"),
    }
    let text = fields.next();
    let Some((label, offsets)) = what.split_once(' ') else {
        return BratLine::NotKept("unreadable line");
    };
    let Some(kind) = kind_of_label(label) else {
        return BratLine::NotKept("annotation of another type");
    };
    if offsets.contains(';') {
        return BratLine::NotKept("discontinuous span");
    }
    let mut nums = offsets.split(' ').map(str::parse::<usize>);
    match (nums.next(), nums.next(), nums.next()) {
        (Some(Ok(start)), Some(Ok(end)), None) => BratLine::Span(SpanIn {
            kind,
            start,
            end,
            text: text.map(str::to_string),
        }),
        _ => BratLine::NotKept("unreadable line"),
    }
}

/// A doccano line: `label` (`[[start, end, label]]`) or `entities`.
#[derive(Deserialize)]
struct DoccanoLine {
    text: String,
    #[serde(default)]
    label: Option<Vec<(usize, usize, String)>>,
    #[serde(default)]
    entities: Option<Vec<DoccanoEntity>>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    id: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct DoccanoEntity {
    start_offset: usize,
    end_offset: usize,
    label: String,
}

fn read_doccano(src: &Source, tally: &mut Tally) -> Vec<Incoming> {
    let text = match read_text(&src.path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {}: {e}", src.path.display());
            tally.trouble += 1;
            return Vec::new();
        }
    };
    let stem = src.rel.with_extension("");
    let mut docs = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let origin = format!("{}:{}", src.path.display(), i + 1);
        let parsed: DoccanoLine = match serde_json::from_str(line) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("error: {origin}: not a doccano line: {e}");
                tally.trouble += 1;
                continue;
            }
        };
        let rel = match (&parsed.path, &parsed.id) {
            (Some(p), _) => {
                let rel = PathBuf::from(p).with_extension("policy");
                if !is_safe_relative(&rel) {
                    eprintln!("error: {origin}: path {p:?} leaves the output folder");
                    tally.trouble += 1;
                    continue;
                }
                rel
            }
            (None, Some(id)) => {
                let id = id.to_string().replace(['"', '/', '\\'], "");
                stem.join(format!("{id}.policy"))
            }
            (None, None) => stem.join(format!("{}.policy", i + 1)),
        };
        let mut spans = Vec::new();
        let mut span_where = Vec::new();
        let triples = parsed.label.unwrap_or_default().into_iter().chain(
            parsed
                .entities
                .unwrap_or_default()
                .into_iter()
                .map(|e| (e.start_offset, e.end_offset, e.label)),
        );
        for (start, end, label) in triples {
            match kind_of_label(&label) {
                Some(kind) => {
                    span_where.push(format!("{origin}: {label} span {start}..{end}"));
                    spans.push(SpanIn {
                        kind,
                        start,
                        end,
                        text: None,
                    })
                }
                None => tally.left_out(
                    &origin,
                    format!("span {start}..{end} of label {label:?} left out: not actor, action, data or purpose"),
                ),
            }
        }
        docs.push(Incoming {
            rel,
            origin,
            text: parsed.text,
            spans,
            span_where,
        });
    }
    docs
}

/// One item of a CA4P file (other fields ignored).
#[derive(Deserialize)]
pub(super) struct Ca4pItem {
    #[serde(rename = "classId_name")]
    pub label: String,
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// The text: paragraphs in `start` order, each on its own lines with its
/// trailing white space dropped, and a line break after each. Spans are
/// placed in every paragraph that holds them (paragraphs can overlap; the
/// text they share is then written twice, and so is the span).
fn read_ca4p(src: &Source, tally: &mut Tally) -> Option<Incoming> {
    let origin = src.path.display().to_string();
    let items: Vec<Ca4pItem> = match read_text(&src.path)
        .and_then(|t| serde_json::from_str(&t).map_err(|e| format!("not CA4P JSON: {e}")))
    {
        Ok(items) => items,
        Err(e) => {
            eprintln!("error: {origin}: {e}");
            tally.trouble += 1;
            return None;
        }
    };
    let mut paragraphs: Vec<&Ca4pItem> = items
        .iter()
        .filter(|i| kind_of_ca4p(&i.label).is_none())
        .collect();
    paragraphs.sort_by_key(|p| p.start);
    let mut text = String::new();
    let mut bases = Vec::with_capacity(paragraphs.len());
    let mut chars = 0;
    for p in &paragraphs {
        bases.push(chars);
        let t = p.text.trim_end();
        text += t;
        text.push('\n');
        chars += t.chars().count() + 1;
    }
    let mut spans = Vec::new();
    let mut span_where = Vec::new();
    for item in &items {
        let Some(kind) = kind_of_ca4p(&item.label) else {
            continue;
        };
        let mut placed = false;
        for (p, base) in paragraphs.iter().zip(&bases) {
            if p.start <= item.start && item.end <= p.end {
                placed = true;
                span_where.push(format!(
                    "{origin}: {} span {}..{}",
                    item.label, item.start, item.end
                ));
                spans.push(SpanIn {
                    kind,
                    start: base.saturating_add(item.start - p.start),
                    end: base.saturating_add(item.end - p.start),
                    text: Some(item.text.clone()),
                });
            }
        }
        if !placed {
            tally.left_out(
                &origin,
                format!(
                    "{} span {}..{} {:?} left out: in no paragraph",
                    item.label, item.start, item.end, item.text
                ),
            );
        }
    }
    Some(Incoming {
        rel: src.rel.with_extension("policy"),
        origin,
        text,
        spans,
        span_where,
    })
}
