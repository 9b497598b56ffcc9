//! `policy-lsp practices`: what each sentence of a policy states
//! (`policy_core::practices`), for a person or as JSON Lines.
//!
//! Files and folders are found as `check` finds them. A practice's place is
//! its sentence: 1-based line and column in characters, `end_column` just
//! after it, as `check --format json` counts.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::ValueEnum;
use serde::Serialize;

use super::check::read_policies;
use super::load_taxonomy;
use policy_core::analysis::AnalysedDocument;
use policy_core::describe::practice_line;
use policy_core::practices::Practice;

pub const EXIT: &str = "\
Exit status:
  0  every file was read (whatever its practices)
  2  usage or I/O trouble: a path that does not exist, a folder without a
     .policy file, a file that is unreadable or not UTF-8, a broken taxonomy
     file, or output that cannot be written (the other files are still read)";

/// How `practices` prints them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum PracticesFormat {
    /// `PATH:LINE:COLUMN` and the practice in one line:
    /// actors → actions → data → purposes · 否定 · 同意.
    #[default]
    Human,
    /// JSON Lines: one object per practice, in document order.
    Json,
}

#[derive(clap::Args, Debug)]
pub struct PracticesArgs {
    /// Files, or folders searched for `*.policy` as `check` searches them;
    /// `-` reads stdin.
    #[arg(value_name = "PATH", required = true)]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: PracticesFormat,
    /// Taxonomy file extending the built-in one [default: the nearest
    /// policy-lsp.toml above each file].
    #[arg(long, value_name = "FILE")]
    taxonomy: Option<PathBuf>,
}

#[derive(Serialize)]
struct Record<'a> {
    path: &'a str,
    line: usize,
    column: u32,
    end_line: usize,
    end_column: u32,
    actors: Vec<ActorRecord<'a>>,
    actions: Vec<ActionRecord<'a>>,
    data: Vec<DataRecord<'a>>,
    purposes: Vec<&'a str>,
    negated: bool,
    consent: bool,
    guardian: bool,
}

#[derive(Serialize)]
struct ActorRecord<'a> {
    text: &'a str,
    role: &'static str,
}

#[derive(Serialize)]
struct ActionRecord<'a> {
    text: &'a str,
    class: &'static str,
}

#[derive(Serialize)]
struct DataRecord<'a> {
    text: &'a str,
    /// The taxonomy category's id; null when unclassified.
    category: Option<&'a str>,
    sensitive: bool,
    vague: bool,
}

fn record<'a>(path: &'a str, line: usize, p: &'a Practice) -> Record<'a> {
    Record {
        path,
        line: line + 1,
        column: p.start.char + 1,
        end_line: line + 1,
        end_column: p.end.char + 1,
        actors: p
            .actors
            .iter()
            .map(|a| ActorRecord {
                text: &a.text,
                role: a.role.name(),
            })
            .collect(),
        actions: p
            .actions
            .iter()
            .map(|a| ActionRecord {
                text: &a.text,
                class: a.class.name(),
            })
            .collect(),
        data: p
            .data
            .iter()
            .map(|d| DataRecord {
                text: &d.text,
                category: d.category.as_ref().map(|c| c.id.as_str()),
                sensitive: d.sensitive(),
                vague: d.vague(),
            })
            .collect(),
        purposes: p.purposes.iter().map(|t| &**t).collect(),
        negated: p.negated,
        consent: p.consent,
        guardian: p.guardian,
    }
}

/// One practice as the JSON Lines line `practices --format json` prints
/// (and `export --to practices` writes): `line` is 0-based.
fn write_json(out: &mut impl Write, path: &str, line: usize, p: &Practice) -> io::Result<()> {
    serde_json::to_writer(&mut *out, &record(path, line, p))?;
    writeln!(out)
}

/// Every practice of `doc` as JSON Lines, in document order, each object
/// naming `path`: exactly what `practices --format json` prints for it.
pub(super) fn json_lines(path: &str, doc: &AnalysedDocument) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    for (line, practices) in doc.practices().lines_from(0).enumerate() {
        for p in practices {
            write_json(&mut out, path, line, p)?;
        }
    }
    Ok(out)
}

pub fn run(args: &PracticesArgs) -> ExitCode {
    let mut out = anstream::stdout().lock();
    super::exit_status(write_all(args, &mut out))
}

/// Writes every file's practices; `Ok(true)` when some path was trouble.
fn write_all(args: &PracticesArgs, out: &mut impl Write) -> io::Result<bool> {
    let mut trouble = false;
    for policy in read_policies(&args.paths) {
        let policy = match policy {
            Ok(p) => p,
            Err(message) => {
                eprintln!("error: {message}");
                trouble = true;
                continue;
            }
        };
        let text = match &policy.text {
            Ok(text) => text,
            Err(message) => {
                eprintln!("error: {}: {message}", policy.name);
                trouble = true;
                continue;
            }
        };
        let (taxonomy, broken) = load_taxonomy(args.taxonomy.as_deref(), &policy.near);
        trouble |= broken;
        let doc = AnalysedDocument::new(text, Arc::new(taxonomy));
        for (line, practices) in doc.practices().lines_from(0).enumerate() {
            for p in practices {
                match args.format {
                    PracticesFormat::Json => write_json(out, &policy.name, line, p)?,
                    PracticesFormat::Human => writeln!(
                        out,
                        "{}:{}:{}  {}",
                        policy.name,
                        line + 1,
                        p.start.char + 1,
                        practice_line(p)
                    )?,
                }
            }
        }
    }
    out.flush()?;
    Ok(trouble)
}
