//! The command line: files, terminals and output formats over the core.
//!
//! Exit status: 0 when nothing is wrong, 1 when a checked file has an error
//! diagnostic, 2 on usage or I/O trouble.

mod agree;
mod check;
pub mod classify;
mod export;
mod import;
mod init;
mod practices;
mod progress;
mod report;
mod stats;
mod topics;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::server::Ended;
use policy_core::taxonomy::Taxonomy;

/// Exit status for usage or I/O trouble.
pub const EXIT_TROUBLE: u8 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "policy-lsp",
    version,
    about = "Checks privacy-policy annotation markup: (actor) [action] <data> {purpose}",
    long_about = "Checks privacy-policy annotation markup: (actor) [action] <data> {purpose}.\n\n\
                  With no subcommand, serves the Language Server Protocol on stdin/stdout \
                  (for editors)."
)]
struct Cli {
    /// Serve the Language Server Protocol on stdin/stdout (the default).
    #[arg(long)]
    stdio: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check files for markup errors (exit 1 if any file has an error).
    #[command(after_help = CHECK_EXIT)]
    Check(CheckArgs),
    /// Show how the taxonomy classifies data items (e.g. `身份证号码`).
    #[command(after_help = CLASSIFY_EXIT)]
    Classify(ClassifyArgs),
    /// Compare annotators' versions of the same policies: precision, recall,
    /// F1, Cohen's and Fleiss' κ, and where they disagree.
    #[command(after_help = AGREE_HELP)]
    Agree(AgreeArgs),
    /// Serve the Language Server Protocol on stdin/stdout.
    Serve,
    /// Write markup files as brat, doccano, BIO or CA4P (offsets in code
    /// points of the plain text).
    #[command(after_help = export::EXIT)]
    Export(export::ExportArgs),
    /// Make markup files from brat, doccano or CA4P annotations.
    #[command(after_help = import::EXIT)]
    Import(import::ImportArgs),
    /// List what each sentence states: actors, actions, data, purposes,
    /// and whether it is negated, states consent, or a guardian's.
    #[command(after_help = practices::EXIT)]
    Practices(practices::PracticesArgs),
    /// Show which disclosure each part of a policy makes (collection and
    /// use, sharing, retention, security, users' rights …), from its headings.
    #[command(after_help = topics::EXIT)]
    Topics(topics::TopicsArgs),
    /// Write a commented policy-lsp.toml (the preset pipl on, every option
    /// shown at its default) in DIR or the current folder.
    #[command(after_help = init::EXIT)]
    Init(init::InitArgs),
    /// Count documents, lines, annotations per kind, data items per
    /// category (sensitive, vague, unclassified, non-personal), practices
    /// per action class and the most frequent terms.
    #[command(after_help = stats::EXIT)]
    Stats(stats::StatsArgs),
    /// Write one self-contained HTML page about policies: the practice
    /// graph, the sensitive data, the disclosure topics, the checks'
    /// findings and a table of the documents.
    #[command(after_help = report::EXIT)]
    Report(report::ReportArgs),
}

const CHECK_EXIT: &str = "\
Exit status:
  0  no file has an error (warnings allowed)
  1  some checked file has an error
  2  usage or I/O trouble: a path that does not exist, a folder without a
     .policy file, a file that is unreadable or not UTF-8, a FIFO or device,
     a broken taxonomy file, or output that cannot be written
     (the other files are still checked)";

const CLASSIFY_EXIT: &str = "\
Exit status:
  0  every term was classified (a term no keyword matches is not an error)
  1  not used
  2  usage or I/O trouble: a broken taxonomy file, or output that cannot be
     written";

const AGREE_HELP: &str = "\
Spans are compared in code points of the plain text (markup removed, escapes
resolved), per kind and for all kinds together, per document and pooled over
the set: exact (same kind, start and end), overlap (same kind, a shared
character, matched one to one by largest overlap), and Cohen's κ over every
character but line breaks. A disagreement is `missing` (only A has the
span), `extra` (only B), `boundary` (same kind, other bounds) or `kind`.
With three or more versions every pair is compared, and Fleiss' κ given.

Exit status:
  0  the versions were compared (whatever their agreement)
  1  not used
  2  usage or I/O trouble: a path that does not exist, files mixed with
     folders, folders without a .policy file in common, a file that is
     unreadable or not UTF-8, versions whose plain texts differ (the file and
     the first differing line are named; the other documents are still
     compared), or output that cannot be written";

/// How `agree` prints its results.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum AgreeFormat {
    /// For a person: a table of scores per kind, the confusion of kinds,
    /// and each disagreement with its line in A and carets under it.
    #[default]
    Human,
    /// One JSON object: `{"pairs": [...], "fleiss_kappa": number or null}`.
    Json,
}

#[derive(clap::Args, Debug)]
pub struct AgreeArgs {
    /// Two or more versions of the same text: files, or folders whose
    /// `*.policy` files are matched by relative path (a file only some
    /// have is listed and skipped). The first of a pair is A, the
    /// reference: recall counts A's spans, precision B's.
    #[arg(value_name = "VERSION", num_args = 2.., required = true)]
    versions: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: AgreeFormat,
}

/// How `check` prints its results.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// For a person: each problem with its source line and a caret under
    /// it, then a summary line.
    #[default]
    Human,
    /// JSON Lines: one record per diagnostic or unreadable path, then a
    /// summary record.
    Json,
    /// One SARIF 2.1.0 log (for GitHub code scanning and SARIF viewers):
    /// the rules with their help, each diagnostic as a result with its
    /// region in code points, unreadable paths as notifications.
    Sarif,
}

/// How `classify` prints its results.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum ClassifyFormat {
    /// For a person: each term's category, sensitivity, matched keywords
    /// and legal source, and each list item's class.
    #[default]
    Human,
    /// JSON Lines: one object per term, in the order given.
    Json,
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Files, or folders searched for `*.policy` as ripgrep searches them
    /// (default: the current folder); `-` reads stdin. A file named here
    /// is checked even if hidden or ignored.
    #[arg(value_name = "PATH", default_value = ".")]
    paths: Vec<PathBuf>,
    /// Also enter hidden files and folders (names starting with `.`).
    #[arg(long)]
    hidden: bool,
    /// Do not skip what `.gitignore`, `.ignore` and git's excludes name,
    /// nor `target` and `node_modules` folders.
    #[arg(long)]
    no_ignore: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// Taxonomy file extending the built-in one [default: the nearest
    /// policy-lsp.toml above each checked file].
    #[arg(long, value_name = "FILE")]
    taxonomy: Option<PathBuf>,
    /// Switch a lint on: sensitive-data, purpose-missing,
    /// recipient-missing, sensitive-without-consent, minor-without-guardian,
    /// contradiction, kind-mismatch, missing-disclosure (at level
    /// information), unspecific-data, unclassified-data, unknown-practice,
    /// unannotated-term (at level hint), or all of them with the preset
    /// pipl; the corpus checks corpus-unannotated (hint) and
    /// corpus-kind-mismatch (information), which compare each file with
    /// all the others checked, with the preset corpus; `CODE=LEVEL` sets
    /// its level (off, hint, information, warning,
    /// error: a lint at error fails the check);
    /// unannotated-term-max-per-term=N reports at most N places of one
    /// term per document (default 20; 0: all). Repeatable.
    #[arg(long = "lint", value_name = "CODE[=LEVEL]", value_parser = parse_lint)]
    lints: Vec<(String, String)>,
}

fn parse_lint(arg: &str) -> Result<(String, String), String> {
    let (code, level) = arg.split_once('=').unwrap_or((arg, "on"));
    policy_core::lints::LintConfig::default().set(code, level)?;
    Ok((code.to_string(), level.to_string()))
}

#[derive(clap::Args, Debug)]
pub struct ClassifyArgs {
    /// Data items, as written inside `<…>` (escapes resolved).
    #[arg(value_name = "TERM", required = true)]
    terms: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: ClassifyFormat,
    /// Taxonomy file extending the built-in one [default: the nearest
    /// policy-lsp.toml above the current directory].
    #[arg(long, value_name = "FILE")]
    taxonomy: Option<PathBuf>,
}

/// The taxonomy named on the command line, or found by walking up from
/// `near`; a file that does not load is reported and the built-in taxonomy
/// used. The flag says whether a file failed.
/// Reads and analyses each policy `paths` name (as `check` finds them),
/// with a progress bar labelled `label` on a terminal, handing each to
/// `each` with its name and where it was read; what cannot be read is
/// said on stderr. Returns whether something went wrong (an unreadable
/// file, a broken taxonomy): exit status 2 for the caller.
fn analyse_policies(
    paths: &[PathBuf],
    taxonomy: Option<&Path>,
    label: &'static str,
    mut each: impl FnMut(check::PolicyText, policy_core::analysis::AnalysedDocument),
) -> bool {
    let mut trouble = false;
    let policies = check::read_policies(paths);
    let bar = progress::bar(policies.len(), label);
    for policy in policies {
        bar.inc(1);
        let mut policy = match policy {
            Ok(p) => p,
            Err(message) => {
                bar.suspend(|| eprintln!("error: {message}"));
                trouble = true;
                continue;
            }
        };
        let text = match std::mem::replace(&mut policy.text, Ok(String::new())) {
            Ok(text) => text,
            Err(message) => {
                bar.suspend(|| eprintln!("error: {}: {message}", policy.name));
                trouble = true;
                continue;
            }
        };
        let (t, broken) = bar.suspend(|| load_taxonomy(taxonomy, &policy.near));
        trouble |= broken;
        let doc = policy_core::analysis::AnalysedDocument::new(&text, std::sync::Arc::new(t));
        each(policy, doc);
    }
    bar.finish_and_clear();
    trouble
}

pub fn load_taxonomy(explicit: Option<&Path>, near: &Path) -> (Taxonomy, bool) {
    let file = explicit
        .map(Path::to_path_buf)
        .or_else(|| Taxonomy::find_workspace_file(near));
    match file {
        None => (Taxonomy::builtin(), false),
        Some(f) => match Taxonomy::with_overrides_file(&f) {
            Ok(t) => (t, false),
            Err(e) => {
                eprintln!("error: {e} (the built-in taxonomy is used instead)");
                (Taxonomy::builtin(), true)
            }
        },
    }
}

fn run_classify(args: &ClassifyArgs) -> ExitCode {
    let cwd = std::env::current_dir().unwrap_or_default();
    let (taxonomy, broken) = load_taxonomy(args.taxonomy.as_deref(), &cwd);
    let mut out = anstream::stdout().lock();
    let json = args.format == ClassifyFormat::Json;
    if let Err(e) = classify::run(&args.terms, json, &taxonomy, &mut out) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: cannot write the output: {e}");
        }
        return ExitCode::from(EXIT_TROUBLE);
    }
    if broken {
        ExitCode::from(EXIT_TROUBLE)
    } else {
        ExitCode::SUCCESS
    }
}

/// Serves LSP on stdio. Exit status 0 when `shutdown` came before `exit`,
/// 1 otherwise (as the protocol asks), 2 when the server cannot start.
/// The exit status of a command that wrote its output: 0, or 2 when some
/// input was trouble (`Ok(true)`) or the output could not be written (said
/// once; a closed pipe, as under `| head`, is not worth saying).
pub(crate) fn exit_status(written: std::io::Result<bool>) -> ExitCode {
    match written {
        Ok(false) => ExitCode::SUCCESS,
        Ok(true) => ExitCode::from(EXIT_TROUBLE),
        Err(e) => {
            if e.kind() != std::io::ErrorKind::BrokenPipe {
                eprintln!("error: cannot write the output: {e}");
            }
            ExitCode::from(EXIT_TROUBLE)
        }
    }
}

fn serve() -> ExitCode {
    if std::io::stdin().is_terminal() {
        eprintln!(
            "policy-lsp: this is a language server, waiting for an LSP client on stdin \
             (editors start it themselves; Ctrl-C quits; `policy-lsp --help` shows the commands)"
        );
    }
    match crate::server::run_stdio() {
        Ok(Ended::AfterShutdown) => ExitCode::SUCCESS,
        Ok(Ended::WithoutShutdown) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("policy-lsp: cannot start the async runtime: {e}");
            ExitCode::from(EXIT_TROUBLE)
        }
    }
}

/// Parses the arguments and runs the command.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(EXIT_TROUBLE)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match cli.command {
        Some(Command::Check(args)) => check::run(&args),
        Some(Command::Classify(args)) => run_classify(&args),
        Some(Command::Agree(args)) => agree::run(&args),
        Some(Command::Export(args)) => export::run(&args),
        Some(Command::Import(args)) => import::run(&args),
        Some(Command::Practices(args)) => practices::run(&args),
        Some(Command::Topics(args)) => topics::run(&args),
        Some(Command::Init(args)) => init::run(&args),
        Some(Command::Stats(args)) => stats::run(&args),
        Some(Command::Report(args)) => report::run(&args),
        Some(Command::Serve) | None => serve(),
    }
}
