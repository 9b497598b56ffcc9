//! `policy-lsp report`: one self-contained HTML page for one policy or a
//! corpus (see `crate::report`).

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use super::check::sarif::uri;
use crate::report::{Source, render};

pub const EXIT: &str = "\
The page needs nothing but itself: open it from disk in any browser.

Exit status:
  0  every file was read and the page written
  2  usage or I/O trouble: a path that does not exist, a folder without a
     .policy file, a file that is unreadable or not UTF-8, a broken taxonomy
     file (the page is still written, without the files that could not be
     read), or a page that cannot be written";

#[derive(clap::Args, Debug)]
pub struct ReportArgs {
    /// Files, or folders searched for `*.policy` as `check` searches them;
    /// `-` reads stdin.
    #[arg(value_name = "PATH", required = true)]
    paths: Vec<PathBuf>,
    /// The HTML file to write (`-`: stdout).
    #[arg(short, long, value_name = "FILE.html")]
    output: PathBuf,
    /// The page's title [default: the one file's name, or "N policies"].
    #[arg(long)]
    title: Option<String>,
    /// Taxonomy file extending the built-in one [default: the nearest
    /// policy-lsp.toml above each file].
    #[arg(long, value_name = "FILE")]
    taxonomy: Option<PathBuf>,
}

pub fn run(args: &ReportArgs) -> ExitCode {
    let mut sources = Vec::new();
    let trouble = super::analyse_policies(
        &args.paths,
        args.taxonomy.as_deref(),
        "report",
        |policy, doc| {
            let link = (policy.name != "<stdin>")
                .then(|| std::fs::canonicalize(&policy.near).ok())
                .flatten()
                .map(|p| uri(&p.to_string_lossy()));
            sources.push(Source {
                name: policy.name,
                link,
                doc,
            });
        },
    );
    let title = args
        .title
        .clone()
        .unwrap_or_else(|| match sources.as_slice() {
            [one] => format!(
                "{}: practice report",
                std::path::Path::new(&one.name)
                    .file_name()
                    .map_or(one.name.clone(), |n| n.to_string_lossy().into_owned())
            ),
            many => format!("{} policies: practice report", many.len()),
        });
    let page = render(&title, &sources);
    let written = if args.output.as_os_str() == "-" {
        let mut out = io::stdout().lock();
        out.write_all(page.as_bytes()).and_then(|()| out.flush())
    } else {
        std::fs::write(&args.output, page.as_bytes())
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", args.output.display())))
    };
    super::exit_status(written.map(|()| trouble))
}
