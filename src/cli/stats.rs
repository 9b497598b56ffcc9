//! `policy-lsp stats`: counts over policies (`policy_core::stats`), for a
//! person or as one JSON object.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;
use serde::Serialize;

use policy_core::stats::Stats;
use policy_core::syntax::AnnotationKind;

pub const EXIT: &str = "\
Exit status:
  0  every file was read (whatever it holds)
  2  usage or I/O trouble: a path that does not exist, a folder without a
     .policy file, a file that is unreadable or not UTF-8, a broken taxonomy
     file, or output that cannot be written (the other files are still
     counted)";

/// How `stats` prints the counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum StatsFormat {
    /// A few aligned lines for a person.
    #[default]
    Human,
    /// One JSON object: documents, lines, annotations per kind, data
    /// verdicts and categories, practices per action class, documents with
    /// errors, top terms per kind.
    Json,
}

#[derive(clap::Args, Debug)]
pub struct StatsArgs {
    /// Files, or folders searched for `*.policy` as `check` searches them;
    /// `-` reads stdin.
    #[arg(value_name = "PATH", required = true)]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: StatsFormat,
    /// How many of the most frequent terms to list per kind.
    #[arg(long, value_name = "N", default_value_t = 10)]
    top: usize,
    /// Taxonomy file extending the built-in one [default: the nearest
    /// policy-lsp.toml above each file].
    #[arg(long, value_name = "FILE")]
    taxonomy: Option<PathBuf>,
}

#[derive(Serialize)]
struct Record<'a> {
    documents: usize,
    lines: usize,
    annotations: BTreeMap<&'static str, usize>,
    data: DataRecord<'a>,
    actions: &'a BTreeMap<&'static str, usize>,
    documents_with_errors: usize,
    top_terms: BTreeMap<&'static str, Vec<(&'a str, usize)>>,
}

#[derive(Serialize)]
struct DataRecord<'a> {
    sensitive: usize,
    vague: usize,
    unclassified: usize,
    non_personal: usize,
    by_category: &'a BTreeMap<String, usize>,
}

pub fn run(args: &StatsArgs) -> ExitCode {
    let (stats, trouble) = count(args);
    let mut out = anstream::stdout().lock();
    super::exit_status(write(args, &stats, &mut out).map(|()| trouble))
}

/// Every file's counts, added up; the flag says whether some path was
/// trouble.
fn count(args: &StatsArgs) -> (Stats, bool) {
    let mut stats = Stats::default();
    let trouble =
        super::analyse_policies(&args.paths, args.taxonomy.as_deref(), "stats", |_, doc| {
            stats.add(&doc)
        });
    (stats, trouble)
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

fn write(args: &StatsArgs, s: &Stats, out: &mut impl Write) -> io::Result<()> {
    let kinds = AnnotationKind::ALL;
    match args.format {
        StatsFormat::Json => {
            let record = Record {
                documents: s.documents,
                lines: s.lines,
                annotations: kinds
                    .iter()
                    .map(|&k| (k.name(), s.annotations_of(k)))
                    .collect(),
                data: DataRecord {
                    sensitive: s.sensitive,
                    vague: s.vague,
                    unclassified: s.unclassified,
                    non_personal: s.non_personal,
                    by_category: &s.by_category,
                },
                actions: &s.actions,
                documents_with_errors: s.documents_with_errors,
                top_terms: kinds
                    .iter()
                    .map(|&k| (k.name(), s.top_terms(k, args.top)))
                    .collect(),
            };
            serde_json::to_writer(&mut *out, &record)?;
            writeln!(out)?;
        }
        StatsFormat::Human => {
            let data = s.annotations_of(AnnotationKind::Data);
            writeln!(out, "documents    {}", s.documents)?;
            writeln!(out, "lines        {}", s.lines)?;
            writeln!(
                out,
                "annotations  {} actor, {} action, {} data, {} purpose",
                s.annotations[0], s.annotations[1], s.annotations[2], s.annotations[3]
            )?;
            writeln!(
                out,
                "data         {:.1}% sensitive ({}), {:.1}% vague ({}), {:.1}% unclassified ({}), {:.1}% non-personal ({})",
                percent(s.sensitive, data),
                s.sensitive,
                percent(s.vague, data),
                s.vague,
                percent(s.unclassified, data),
                s.unclassified,
                percent(s.non_personal, data),
                s.non_personal
            )?;
            let mut categories: Vec<(&String, &usize)> = s.by_category.iter().collect();
            categories.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            for (id, n) in categories {
                let (name, mark) = s.categories.get(id).map_or(("", ""), |c| {
                    (
                        c.name_zh.as_str(),
                        if c.sensitive { " (sensitive)" } else { "" },
                    )
                });
                writeln!(out, "  {n:>6}  {id} {name}{mark}")?;
            }
            let mut actions: Vec<(&&str, &usize)> = s.actions.iter().collect();
            actions.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            let actions: Vec<String> = actions.iter().map(|(c, n)| format!("{c} {n}")).collect();
            writeln!(out, "practices    {}", actions.join(", "))?;
            writeln!(
                out,
                "errors       {} of {} documents with a syntax error",
                s.documents_with_errors, s.documents
            )?;
            for k in kinds {
                let top: Vec<String> = s
                    .top_terms(k, args.top)
                    .iter()
                    .map(|(t, n)| format!("{t} ({n})"))
                    .collect();
                writeln!(out, "top {:<8} {}", k.name(), top.join(", "))?;
            }
        }
    }
    out.flush()
}
