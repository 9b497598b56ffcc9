//! `policy-lsp init [DIR]`: writes a commented `policy-lsp.toml` with the
//! preset `pipl` on and every option shown at its default, the lints'
//! levels and the taxonomy's extensions as comments to uncomment. It never
//! overwrites a file unless told (`--force`).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use policy_core::lints::{DEFAULT_MAX_PER_TERM, Lint, MAX_PER_TERM, PRESET_PIPL};
use policy_core::taxonomy::{Taxonomy, WORKSPACE_FILE};

use super::EXIT_TROUBLE;

pub const EXIT: &str = "\
Exit status:
  0  the file was written
  2  the file exists (nothing written; --force overwrites it), the folder
     does not exist, or the file cannot be written";

#[derive(clap::Args, Debug)]
pub struct InitArgs {
    /// The folder to write policy-lsp.toml in [default: the current one].
    #[arg(value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Overwrite an existing policy-lsp.toml.
    #[arg(long)]
    force: bool,
}

pub fn run(args: &InitArgs) -> ExitCode {
    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    if !dir.is_dir() {
        eprintln!("error: {}: not a folder", dir.display());
        return ExitCode::from(EXIT_TROUBLE);
    }
    let file = dir.join(WORKSPACE_FILE);
    // `symlink_metadata`: a dangling link is a file that exists too.
    if !args.force && std::fs::symlink_metadata(&file).is_ok() {
        eprintln!(
            "error: {} already exists; nothing was written (`policy-lsp init --force` overwrites it)",
            file.display()
        );
        return ExitCode::from(EXIT_TROUBLE);
    }
    let text = template();
    let written = std::fs::File::create(&file).and_then(|mut f| f.write_all(text.as_bytes()));
    if let Err(e) = written {
        eprintln!("error: cannot write {}: {e}", file.display());
        return ExitCode::from(EXIT_TROUBLE);
    }
    println!(
        "wrote {} (the preset {PRESET_PIPL} is on; `policy-lsp check` and the editors use it for every document below {})",
        file.display(),
        dir.display()
    );
    ExitCode::SUCCESS
}

/// The file `init` writes: loads as it is (a test checks), with the
/// preset on and everything else at its default, commented.
pub fn template() -> String {
    let width = Lint::ALL.iter().map(|l| l.code().len()).max().unwrap_or(0);
    let levels: String = Lint::ALL
        .iter()
        .map(|l| {
            format!(
                "# {:<width$} = \"{}\"\n",
                l.code(),
                l.default_severity().name()
            )
        })
        .collect();
    let ids: Vec<String> = Taxonomy::builtin()
        .categories()
        .map(|c| c.id.clone())
        .collect();
    let ids = wrap(&ids.join(", "), 72, "#   ");
    format!(
        r#"# policy-lsp.toml — this workspace's settings for policy-lsp.
#
# `policy-lsp check` and the language server use the nearest policy-lsp.toml
# above each document. A mistake here is reported with its line, and the
# built-in defaults stay in force. docs/language.md §7 describes the lints.

# ---- Lints ------------------------------------------------------------------
[lints]
# Every lint on at its default level. Remove the line to have all off.
preset = "{PRESET_PIPL}"

# Each lint at its default level under the preset; uncomment a line to change
# it: off, on (the default level), hint, information, warning or error (a
# lint at error makes `policy-lsp check` exit 1). `--lint CODE=LEVEL` and the
# editor's `lints` setting override these, code by code.
{levels}
# How many places of one term `unannotated-term` reports per document: the
# first ones in document order, the last of them saying how many more stand
# unannotated ("Annotate all" still annotates every one); 0 reports all.
# {MAX_PER_TERM} = {DEFAULT_MAX_PER_TERM}

# A finding you have judged and accept, allowed for good: the lint's code,
# and `text`: the annotated text of the flagged annotation (allows that item
# wherever it stands), or a piece of the flagged sentence without markup that
# holds the flagged annotation's text (allows that sentence). The quick fix
# "Allow in policy-lsp.toml" writes these.
# [[lints.allow]]
# code = "recipient-missing"
# text = "我们会共享您的位置信息"

# ---- Taxonomy ---------------------------------------------------------------
# Extends the built-in taxonomy (format: tests/fixtures/taxonomy/policy-lsp.toml
# in the source). Nothing is added by default.
#
# A keyword for a built-in category (the quick fix "Add to the workspace
# taxonomy as …" writes these):
# [[category]]
# id = "basic_profile"
# keywords = ["星座"]
#
# A category of your own:
# [[category]]
# id = "vehicle"
# name_zh = "车辆信息"
# sensitive = false
# source = "our annotation guideline §4.2"
# keywords = ["车牌号", "行驶证"]
#
# A built-in category made stricter:
# [[category]]
# id = "location_general"
# sensitive = true
#
# The built-in category ids:
{ids}
#
# Matching rules, added to the built-in ones (all empty by default):
# [matching]
# stop_words = []    # removed from an item before matching (贵司 …)
# ignore = []        # phrases holding a keyword that are not that information
# heads = []         # head nouns an unknown item is retried with (信息, 数据 …)
# separators = []
# conjunctions = []
# glue_words = []
# suffixes = []
"#
    )
}

/// `text` in lines of at most `width` characters, each after `prefix`,
/// broken after commas.
fn wrap(text: &str, width: usize, prefix: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(prefix);
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(prefix);
        out.push_str(&line);
    }
    out
}
