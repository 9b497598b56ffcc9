//! `policy-lsp export`: markup files → brat standoff, doccano JSONL, BIO
//! character tags or CA4P JSON.
//!
//! Offsets are code points of the plain text (`policy_core::export`), as
//! these tools count. A folder maps to a folder with the same relative
//! names (`a/b.policy` → `OUT/a/b.txt` + `OUT/a/b.ann`); doccano writes one
//! JSONL stream whose lines carry each document's relative `path`.

use std::collections::BTreeSet;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::ValueEnum;
use serde::Serialize;

use super::{EXIT_TROUBLE, load_taxonomy};
use policy_core::analysis::AnalysedDocument;
use policy_core::export::{Plain, brat_ann, ca4p_label, practice_graphml, to_plain};
use policy_core::taxonomy::Taxonomy;

/// A UTF-8 byte-order mark, skipped at the start of a file.
const BOM: &str = "\u{feff}";

pub const EXIT: &str = "\
Exit status:
  0  every file was exported
  2  usage or I/O trouble: a path that does not exist, a folder without a
     .policy file, a file that is not UTF-8, or output that cannot be
     written (the other files are still exported)";

/// What `export` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// brat standoff: NAME.txt + NAME.ann per document, and annotation.conf
    /// and visual.conf, in the folder named with -o.
    Brat,
    /// doccano sequence labelling JSONL: one line per document, with its
    /// relative "path".
    Doccano,
    /// Character tags (B-data, I-data, O …), one character and its tag a
    /// line, a blank line between sentences, as CA4P's training files.
    Bio,
    /// CA4P's JSON: a list of span items (classId_name, start, end, text).
    Ca4p,
    /// Practices JSON Lines: exactly what `practices --format json` prints;
    /// one stream (stdout or -o FILE), or NAME.jsonl per document when -o
    /// is an existing folder.
    Practices,
    /// GraphML of the practice graph (roles, action classes, data
    /// categories, purposes; edges weighted by practices), NAME.graphml per
    /// document.
    Graphml,
}

#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    /// `.policy` files, or folders searched for them (hidden and ignored
    /// paths skipped, as `check` does); `-` reads stdin.
    #[arg(value_name = "PATH", required = true)]
    paths: Vec<PathBuf>,
    /// The format to write.
    #[arg(long, value_enum, value_name = "FORMAT")]
    to: ExportFormat,
    /// Where to write: a folder (brat always; any format for several
    /// documents or a folder), or the file for one document or for the
    /// doccano stream [default: stdout].
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// Taxonomy file for the brat `Sensitive` and `Category` attributes
    /// [default: the nearest policy-lsp.toml above each file].
    #[arg(long, value_name = "FILE")]
    taxonomy: Option<PathBuf>,
}

/// One input file and the name it keeps under the output folder.
pub(super) struct Source {
    pub path: PathBuf,
    pub rel: PathBuf,
    /// Named on the command line (not found in a folder).
    pub named: bool,
}

/// The files `paths` name: a file as itself, a folder's files whose
/// extension is one of `exts` (sorted, relative to the folder). Problems
/// are printed and counted.
pub(super) fn sources(paths: &[PathBuf], exts: &[&str], trouble: &mut usize) -> Vec<Source> {
    let mut out = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            out.push(Source {
                path: path.clone(),
                rel: PathBuf::from("stdin").with_extension(exts[0]),
                named: true,
            });
            continue;
        }
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) => {
                eprintln!("error: {}: {e}", path.display());
                *trouble += 1;
                continue;
            }
        };
        if meta.is_file() {
            let rel = path.file_name().map(PathBuf::from).unwrap_or_default();
            out.push(Source {
                path: path.clone(),
                rel,
                named: true,
            });
            continue;
        }
        if !meta.is_dir() {
            eprintln!("error: {}: not a file or folder", path.display());
            *trouble += 1;
            continue;
        }
        let mut found = Vec::new();
        for entry in ignore::WalkBuilder::new(path).follow_links(false).build() {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    eprintln!("error: {}: {e}", path.display());
                    *trouble += 1;
                    continue;
                }
            };
            let p = entry.path();
            let wanted = p
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| exts.contains(&e));
            if wanted && std::fs::metadata(p).is_ok_and(|m| m.is_file()) {
                let rel = p.strip_prefix(path).unwrap_or(p).to_path_buf();
                found.push(Source {
                    path: p.to_path_buf(),
                    rel,
                    named: false,
                });
            }
        }
        if found.is_empty() {
            eprintln!(
                "error: {}: no .{} files in this folder",
                path.display(),
                exts.join(" or .")
            );
            *trouble += 1;
        }
        found.sort_by(|a, b| a.rel.cmp(&b.rel));
        out.extend(found);
    }
    out
}

/// A file's text (`-`: stdin): UTF-8, byte-order mark skipped. An error
/// says why not.
pub(super) fn read_text(path: &Path) -> Result<String, String> {
    let bytes = if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        io::Read::read_to_end(&mut io::stdin().lock(), &mut buf)
            .map_err(|e| format!("cannot read: {e}"))?;
        buf
    } else {
        std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?
    };
    let text = String::from_utf8(bytes).map_err(|e| {
        format!(
            "not UTF-8 text: invalid byte at offset {}",
            e.utf8_error().valid_up_to()
        )
    })?;
    Ok(match text.strip_prefix(BOM) {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

/// Where one output per document goes.
pub(super) enum Sink {
    Stdout,
    File(PathBuf),
    Dir(PathBuf),
}

impl Sink {
    /// For formats with one output file per document: stdout or `-o FILE`
    /// for one named file, a folder otherwise.
    pub fn per_document(sources: &[Source], output: Option<&Path>) -> Result<Sink, String> {
        let one_file = sources.len() == 1 && sources[0].named;
        match output {
            None if one_file => Ok(Sink::Stdout),
            None => Err("several documents: name an output folder with -o".into()),
            Some(o) if one_file && !o.is_dir() => Ok(Sink::File(o.to_path_buf())),
            Some(o) => Ok(Sink::Dir(o.to_path_buf())),
        }
    }

    /// Writes one document's output; `rel` is its relative name (with the
    /// output's extension) under a folder.
    pub fn write(&self, rel: &Path, bytes: &[u8]) -> io::Result<()> {
        match self {
            Sink::Stdout => {
                let mut out = io::stdout().lock();
                out.write_all(bytes)?;
                out.flush()
            }
            Sink::File(p) => write_file(p, bytes),
            Sink::Dir(d) => write_file(&d.join(rel), bytes),
        }
    }
}

/// Writes `bytes` to `path`, creating its folders.
pub(super) fn write_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Some(parent) = path.parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, bytes)
}

/// Whether `rel` stays inside the folder it is joined to: relative, no `..`.
pub(super) fn is_safe_relative(rel: &Path) -> bool {
    !rel.as_os_str().is_empty() && rel.components().all(|c| matches!(c, Component::Normal(_)))
}

pub fn run(args: &ExportArgs) -> ExitCode {
    let mut trouble = 0usize;
    let sources = sources(&args.paths, &["policy"], &mut trouble);
    let result = match args.to {
        ExportFormat::Brat => brat(args, &sources, &mut trouble),
        ExportFormat::Doccano => doccano(args, &sources, &mut trouble),
        ExportFormat::Practices => practices(args, &sources, &mut trouble),
        ExportFormat::Bio | ExportFormat::Ca4p | ExportFormat::Graphml => {
            per_document(args, &sources, &mut trouble)
        }
    };
    if let Err(e) = result {
        if e.kind() != io::ErrorKind::BrokenPipe {
            eprintln!("error: cannot write the output: {e}");
        }
        return ExitCode::from(EXIT_TROUBLE);
    }
    if trouble > 0 {
        ExitCode::from(EXIT_TROUBLE)
    } else {
        ExitCode::SUCCESS
    }
}

/// A source's plain text and spans; an unreadable file is reported.
fn document(s: &Source, trouble: &mut usize) -> Option<Plain> {
    match read_text(&s.path) {
        Ok(text) => {
            let plain = to_plain(&text);
            if plain.recovered > 0 {
                eprintln!(
                    "note: {}: {} annotation(s) closed by the wrong bracket exported as plain text",
                    s.path.display(),
                    plain.recovered
                );
            }
            Some(plain)
        }
        Err(e) => {
            eprintln!("error: {}: {e}", s.path.display());
            *trouble += 1;
            None
        }
    }
}

/// brat shows attribute values as given; `Category` values are the
/// taxonomy's category ids (ASCII, no spaces, as brat's conf needs).
fn brat(args: &ExportArgs, sources: &[Source], trouble: &mut usize) -> io::Result<()> {
    let Some(dir) = args.output.as_deref() else {
        eprintln!(
            "error: brat writes a folder (NAME.txt, NAME.ann, annotation.conf): name it with -o"
        );
        *trouble += 1;
        return Ok(());
    };
    let mut categories = BTreeSet::new();
    let mut taxonomy: Option<(PathBuf, Taxonomy)> = None;
    for src in sources {
        let Some(plain) = document(src, trouble) else {
            continue;
        };
        let near = src.path.parent().unwrap_or(Path::new(".")).to_path_buf();
        if taxonomy.as_ref().is_none_or(|(n, _)| *n != near) {
            let (t, broken) = load_taxonomy(args.taxonomy.as_deref(), &near);
            *trouble += broken as usize;
            taxonomy = Some((near, t));
        }
        let Some((_, tax)) = taxonomy.as_ref() else {
            continue;
        };
        let ann = brat_ann(&plain.text, &plain.spans, tax, &mut categories);
        write_file(
            &dir.join(src.rel.with_extension("txt")),
            plain.text.as_bytes(),
        )?;
        write_file(&dir.join(src.rel.with_extension("ann")), ann.as_bytes())?;
    }
    write_file(
        &dir.join("annotation.conf"),
        annotation_conf(&categories).as_bytes(),
    )?;
    write_file(&dir.join("visual.conf"), VISUAL_CONF.as_bytes())
}

fn annotation_conf(categories: &BTreeSet<String>) -> String {
    let values = if categories.is_empty() {
        "unclassified".to_string()
    } else {
        categories.iter().cloned().collect::<Vec<_>>().join("|")
    };
    format!(
        "# Written by policy-lsp export --to brat.\n\
         [entities]\nActor\nAction\nData\nPurpose\n\n\
         [relations]\n\n[events]\n\n\
         [attributes]\nSensitive\tArg:Data\nCategory\tArg:Data, Value:{values}\n"
    )
}

const VISUAL_CONF: &str = "# Written by policy-lsp export --to brat.\n\
[labels]\nActor | Actor\nAction | Action\nData | Data\nPurpose | Purpose\n\
Sensitive | Sensitive\nCategory | Category\n\n\
[drawing]\nSPAN_DEFAULT\tfgColor:black, bgColor:lightgreen, borderColor:darken\n\
ARC_DEFAULT\tcolor:black, arrowHead:triangle-5\n\
ATTRIBUTE_DEFAULT\tglyph:*\n\
Actor\tbgColor:#a6cee3\nAction\tbgColor:#fdbf6f\nData\tbgColor:#b2df8a\n\
Purpose\tbgColor:#cab2d6\nSensitive\tglyph:!\n";

/// One doccano line: text, `[start, end, label]` spans and the relative path.
#[derive(Serialize)]
struct DoccanoLine<'a> {
    text: &'a str,
    label: Vec<(usize, usize, &'static str)>,
    path: String,
}

fn doccano(args: &ExportArgs, sources: &[Source], trouble: &mut usize) -> io::Result<()> {
    let mut out = String::new();
    for src in sources {
        let Some(plain) = document(src, trouble) else {
            continue;
        };
        let line = DoccanoLine {
            text: &plain.text,
            label: plain
                .spans
                .iter()
                .map(|s| (s.start, s.end, s.kind.name()))
                .collect(),
            path: src.rel.to_string_lossy().replace('\\', "/"),
        };
        out += &serde_json::to_string(&line).map_err(io::Error::other)?;
        out.push('\n');
    }
    match &args.output {
        None => {
            let mut o = io::stdout().lock();
            o.write_all(out.as_bytes())?;
            o.flush()
        }
        Some(p) => write_file(p, out.as_bytes()),
    }
}

fn per_document(args: &ExportArgs, sources: &[Source], trouble: &mut usize) -> io::Result<()> {
    let sink = match Sink::per_document(sources, args.output.as_deref()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            *trouble += 1;
            return Ok(());
        }
    };
    for src in sources {
        if args.to == ExportFormat::Graphml {
            let Some(doc) = analysed(args, src, trouble) else {
                continue;
            };
            let all = doc.practices().lines_from(0).flatten();
            let graph = practice_graphml(all);
            sink.write(&src.rel.with_extension("graphml"), graph.as_bytes())?;
            continue;
        }
        let Some(plain) = document(src, trouble) else {
            continue;
        };
        let (ext, bytes) = match args.to {
            ExportFormat::Bio => ("bio", bio(&plain)),
            _ => ("json", ca4p_json(&plain)?),
        };
        sink.write(&src.rel.with_extension(ext), bytes.as_bytes())?;
    }
    Ok(())
}

/// A source analysed with its taxonomy; an unreadable file is reported.
fn analysed(args: &ExportArgs, src: &Source, trouble: &mut usize) -> Option<AnalysedDocument> {
    let text = match read_text(&src.path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {}: {e}", src.path.display());
            *trouble += 1;
            return None;
        }
    };
    let near = src.path.parent().unwrap_or(Path::new(".")).to_path_buf();
    let (taxonomy, broken) = load_taxonomy(args.taxonomy.as_deref(), &near);
    *trouble += broken as usize;
    Some(AnalysedDocument::new(&text, Arc::new(taxonomy)))
}

/// Practices JSON Lines (`practices --format json`'s objects): one stream
/// to stdout or to `-o FILE`, or one NAME.jsonl per document when `-o`
/// names an existing folder.
fn practices(args: &ExportArgs, sources: &[Source], trouble: &mut usize) -> io::Result<()> {
    let dir = args.output.as_deref().filter(|o| o.is_dir());
    let mut stream = Vec::new();
    for src in sources {
        let Some(doc) = analysed(args, src, trouble) else {
            continue;
        };
        // named as `practices` names it, so that the two outputs are equal
        let name = if src.path.as_os_str() == "-" {
            "<stdin>".to_string()
        } else {
            src.path.display().to_string()
        };
        let bytes = super::practices::json_lines(&name, &doc)?;
        match dir {
            Some(d) => write_file(&d.join(src.rel.with_extension("jsonl")), &bytes)?,
            None => stream.extend_from_slice(&bytes),
        }
    }
    match (dir, &args.output) {
        (Some(_), _) => Ok(()),
        (None, Some(p)) => write_file(p, &stream),
        (None, None) => {
            let mut o = io::stdout().lock();
            o.write_all(&stream)?;
            o.flush()
        }
    }
}

/// Whether a sentence ends after `c` (besides at a line break).
fn ends_sentence(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '!' | '?')
}

/// BIO tags as CA4P's training files (`train_dev_test/*.char.bios`) lay
/// them out: one `CHAR<TAB>TAG` line per character, a blank line after each
/// sentence (at `。！？` and line breaks); white space is left out. The
/// tags name the markup's kinds (`B-data`, `I-actor`, `O`).
pub fn bio(plain: &Plain) -> String {
    let mut out = String::with_capacity(plain.text.len() * 4);
    let mut spans = plain.spans.iter().peekable();
    let mut in_sentence = false;
    for (i, c) in plain.text.chars().enumerate() {
        while spans.next_if(|s| s.end <= i).is_some() {}
        if c == '\n' || c == '\r' {
            if in_sentence {
                out.push('\n');
                in_sentence = false;
            }
            continue;
        }
        if c.is_whitespace() {
            continue;
        }
        let tag = match spans.peek() {
            Some(s) if s.start <= i => {
                let prefix = if s.start == i { "B" } else { "I" };
                format!("{prefix}-{}", s.kind.name())
            }
            _ => "O".to_string(),
        };
        out += &format!("{c}\t{tag}\n");
        in_sentence = true;
        if ends_sentence(c) {
            out.push('\n');
            in_sentence = false;
        }
    }
    if in_sentence {
        out.push('\n');
    }
    out
}

#[derive(Serialize)]
struct Ca4pItem<'a> {
    #[serde(rename = "classId_name")]
    class_id_name: &'a str,
    text: &'a str,
    start: usize,
    end: usize,
}

/// The whole text as one paragraph item (label `其他`: the topic is not
/// known), then the spans with CA4P's finer labels ([`ca4p_label`]).
fn ca4p_json(plain: &Plain) -> io::Result<String> {
    let chars: Vec<char> = plain.text.chars().collect();
    let mut items = vec![Ca4pItem {
        class_id_name: "其他",
        text: &plain.text,
        start: 0,
        end: chars.len(),
    }];
    let mut line_start = 0;
    let mut scanned = 0;
    for s in &plain.spans {
        for (i, c) in chars.iter().enumerate().take(s.start).skip(scanned) {
            if *c == '\n' || *c == '\r' {
                line_start = i + 1;
            }
        }
        scanned = s.start;
        // the last few characters of the line are all the label looks at
        let from = line_start.max(s.start.saturating_sub(8));
        let before: String = chars[from..s.start].iter().collect();
        items.push(Ca4pItem {
            class_id_name: ca4p_label(s.kind, &s.text, &before),
            text: &s.text,
            start: s.start,
            end: s.end,
        });
    }
    let mut json = serde_json::to_string_pretty(&items).map_err(io::Error::other)?;
    json.push('\n');
    Ok(json)
}
