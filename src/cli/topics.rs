//! `policy-lsp topics`: which disclosure each part of a policy makes
//! (`policy_core::topics`), for a person or as JSON Lines.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;
use serde::Serialize;

use super::check::read_policies;
use policy_core::document::Document;
use policy_core::topics::topics;

pub const EXIT: &str = "\
Exit status:
  0  every file was read
  2  usage or I/O trouble: a path that does not exist, a folder without a
     .policy file, a file that is unreadable or not UTF-8, or output that
     cannot be written (the other files are still read)";

/// How `topics` prints them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum TopicsFormat {
    /// `PATH:FIRST-LAST  topic`, one run of lines a line.
    #[default]
    Human,
    /// JSON Lines: one object per file, `{"path", "topics": [{"topic",
    /// "lines": [first, last]}]}`, lines 1-based.
    Json,
}

#[derive(clap::Args, Debug)]
pub struct TopicsArgs {
    /// Files, or folders searched for `*.policy` as `check` searches them;
    /// `-` reads stdin.
    #[arg(value_name = "PATH", required = true)]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: TopicsFormat,
}

#[derive(Serialize)]
struct Record<'a> {
    path: &'a str,
    topics: Vec<Span>,
}

#[derive(Serialize)]
struct Span {
    topic: &'static str,
    lines: [usize; 2],
}

pub fn run(args: &TopicsArgs) -> ExitCode {
    let mut out = anstream::stdout().lock();
    super::exit_status(write_all(args, &mut out))
}

/// Writes every file's topics; `Ok(true)` when some path was trouble.
fn write_all(args: &TopicsArgs, out: &mut impl Write) -> io::Result<bool> {
    let mut trouble = false;
    for policy in read_policies(&args.paths) {
        let (name, text) = match policy {
            Ok(p) => match p.text {
                Ok(text) => (p.name, text),
                Err(message) => {
                    eprintln!("error: {}: {message}", p.name);
                    trouble = true;
                    continue;
                }
            },
            Err(message) => {
                eprintln!("error: {message}");
                trouble = true;
                continue;
            }
        };
        let spans = topics(&Document::new(&text));
        match args.format {
            TopicsFormat::Json => {
                let record = Record {
                    path: &name,
                    topics: spans
                        .iter()
                        .map(|s| Span {
                            topic: s.topic.name(),
                            lines: [s.first + 1, s.last + 1],
                        })
                        .collect(),
                };
                serde_json::to_writer(&mut *out, &record)?;
                writeln!(out)?;
            }
            TopicsFormat::Human => {
                for s in &spans {
                    writeln!(
                        out,
                        "{name}:{}-{}  {}",
                        s.first + 1,
                        s.last + 1,
                        s.topic.name()
                    )?;
                }
            }
        }
    }
    out.flush()?;
    Ok(trouble)
}
