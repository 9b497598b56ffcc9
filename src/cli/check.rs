//! `policy-lsp check`: markup diagnostics for files, directories or stdin.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};

use super::{CheckArgs, EXIT_TROUBLE, Format};
use policy_core::analysis::Classes;
use policy_core::diagnostics::{Diagnostic, document_diagnostics};
use policy_core::document::Document;
use policy_core::lints::LintConfig;
use policy_core::syntax::Severity;
use policy_core::taxonomy::Taxonomy;

/// A UTF-8 byte-order mark, skipped at the start of a file (docs/language.md §2).
const BOM: &str = "\u{feff}";

/// One input: a file on disk or stdin.
enum Input {
    File(PathBuf),
    Stdin,
}

impl Input {
    fn name(&self) -> String {
        match self {
            Input::File(p) => p.display().to_string(),
            Input::Stdin => "<stdin>".to_string(),
        }
    }

    fn read(&self) -> io::Result<Vec<u8>> {
        match self {
            Input::File(p) => std::fs::read(p),
            Input::Stdin => {
                let mut buf = Vec::new();
                io::stdin().lock().read_to_end(&mut buf)?;
                Ok(buf)
            }
        }
    }
}

/// Counts for the closing summary.
#[derive(Default)]
struct Totals {
    files: usize,
    files_with_errors: usize,
    errors: usize,
    warnings: usize,
    others: usize,
    /// A file could not be read or decoded, or a path did not exist.
    trouble: bool,
}

pub fn run(args: &CheckArgs) -> ExitCode {
    let mut totals = Totals::default();
    let inputs = collect_inputs(&args.paths, &mut totals);
    let mut out = anstream::stdout().lock();
    let mut taxonomies = TaxonomyFiles::default();
    let mut lints = LintConfig::default();
    for (code, level) in &args.lints {
        // Already checked by the argument parser.
        let _ = lints.set(code, level);
    }
    for input in inputs {
        let (taxonomy, ok) = taxonomies.load_for(&input, args.taxonomy.as_deref());
        totals.trouble |= !ok;
        if let Err(e) = check_one(
            &input,
            args.format,
            (&taxonomy, &lints),
            &mut out,
            &mut totals,
        ) {
            if e.kind() == io::ErrorKind::BrokenPipe {
                return ExitCode::from(EXIT_TROUBLE);
            }
            eprintln!("error: {}: {e}", input.name());
            totals.trouble = true;
        }
    }
    if args.format == Format::Human {
        let _ = writeln!(out, "{}", summary(&totals));
    }
    let _ = out.flush();
    if totals.trouble {
        ExitCode::from(EXIT_TROUBLE)
    } else if totals.files_with_errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The taxonomy files in use, each loaded (and, when broken, reported)
/// once. The server loads the same files the same way, so a broken
/// `policy-lsp.toml` shows up here as it does in the editor.
#[derive(Default)]
struct TaxonomyFiles {
    loaded: HashMap<Option<PathBuf>, (Arc<Taxonomy>, bool)>,
}

impl TaxonomyFiles {
    /// Loads the taxonomy for `input`: the one named with `--taxonomy`, or
    /// the nearest `policy-lsp.toml` above it; false when that file is
    /// broken (and the built-in taxonomy is used).
    fn load_for(&mut self, input: &Input, explicit: Option<&Path>) -> (Arc<Taxonomy>, bool) {
        let near = match input {
            Input::File(p) => p.parent().map(Path::to_path_buf).unwrap_or_default(),
            Input::Stdin => std::env::current_dir().unwrap_or_default(),
        };
        let near = if near.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            near
        };
        let file = explicit
            .map(Path::to_path_buf)
            .or_else(|| Taxonomy::find_workspace_file(&near));
        let (taxonomy, ok) = self.loaded.entry(file.clone()).or_insert_with(|| {
            let (taxonomy, broken) = super::load_taxonomy(file.as_deref(), &near);
            (Arc::new(taxonomy), !broken)
        });
        (taxonomy.clone(), *ok)
    }
}

/// Expands directories into their `*.policy` files (sorted, recursive).
fn collect_inputs(paths: &[PathBuf], totals: &mut Totals) -> Vec<Input> {
    let mut inputs = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            inputs.push(Input::Stdin);
        } else if p.is_dir() {
            let mut found = Vec::new();
            if let Err(e) = walk(p, &mut found) {
                eprintln!("error: {}: cannot list the directory: {e}", p.display());
                totals.trouble = true;
            }
            if found.is_empty() {
                eprintln!(
                    "warning: {}: no *.policy files in this directory",
                    p.display()
                );
            }
            found.sort();
            inputs.extend(found.into_iter().map(Input::File));
        } else if p.exists() {
            inputs.push(Input::File(p.clone()));
        } else {
            eprintln!("error: {}: no such file or directory", p.display());
            totals.trouble = true;
        }
    }
    inputs
}

/// Collects `*.policy` files under `dir`; symbolic links to directories are
/// not followed, so a link loop cannot hang the walk.
fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let ty = entry.file_type()?;
        if ty.is_dir() {
            walk(&path, found)?;
        } else if path.extension().is_some_and(|e| e == "policy") && path.is_file() {
            found.push(path);
        }
    }
    Ok(())
}

fn check_one(
    input: &Input,
    format: Format,
    (taxonomy, lints): (&Taxonomy, &LintConfig),
    out: &mut dyn Write,
    totals: &mut Totals,
) -> io::Result<()> {
    let name = input.name();
    let bytes = input.read()?;
    let text = match std::str::from_utf8(&bytes) {
        Ok(text) => text,
        Err(e) => {
            eprintln!(
                "error: {name}: not UTF-8 text: invalid byte at offset {} (line {}); the file was not checked",
                e.valid_up_to(),
                bytes[..e.valid_up_to()]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count()
                    + 1,
            );
            totals.trouble = true;
            return Ok(());
        }
    };
    let text = text.strip_prefix(BOM).unwrap_or(text);
    let doc = Document::new(text);
    // Classifying costs a taxonomy lookup per data item: only for lints.
    let classes = lints.any_on().then(|| Classes::new(&doc, taxonomy));
    let diagnostics = document_diagnostics(&doc, classes.as_ref().map(|c| (c, lints)));
    totals.files += 1;
    let mut has_error = false;
    for d in &diagnostics {
        match d.severity {
            Severity::Error => {
                totals.errors += 1;
                has_error = true;
            }
            Severity::Warning => totals.warnings += 1,
            _ => totals.others += 1,
        }
        let line = doc.line_text(d.line).unwrap_or_default();
        match format {
            Format::Human => writeln!(out, "{}\n", render_human(&name, &line, d))?,
            Format::Json => writeln!(out, "{}", render_json(&name, d))?,
        }
    }
    totals.files_with_errors += has_error as usize;
    Ok(())
}

/// rustc-style: the message, the source line and a caret under the span.
/// The renderer measures display width, so carets line up under CJK text.
fn render_human(name: &str, line_text: &str, d: &Diagnostic) -> String {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Information => Level::INFO,
        Severity::Hint => Level::HELP,
    };
    let span = d.start.byte as usize..d.end.byte as usize;
    let report = &[level
        .primary_title(d.message.as_ref())
        .id(d.code.as_ref())
        .element(
            Snippet::source(line_text)
                .line_start(d.line + 1)
                .path(name)
                .annotation(AnnotationKind::Primary.span(span)),
        )];
    Renderer::styled().render(report)
}

/// One JSON object: 1-based line and column, counted in characters;
/// `end_column` is the column just after the span.
fn render_json(name: &str, d: &Diagnostic) -> String {
    #[derive(serde::Serialize)]
    struct Record<'a> {
        path: &'a str,
        line: usize,
        column: u32,
        end_line: usize,
        end_column: u32,
        severity: &'a str,
        code: &'a str,
        message: &'a str,
    }
    let record = Record {
        path: name,
        line: d.line + 1,
        column: d.start.char + 1,
        end_line: d.line + 1,
        end_column: d.end.char + 1,
        severity: d.severity.name(),
        code: &d.code,
        message: &d.message,
    };
    serde_json::to_string(&record).unwrap_or_default()
}

fn summary(t: &Totals) -> String {
    let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    let mut s = format!(
        "checked {}: {}, {}",
        plural(t.files, "file"),
        plural(t.errors, "error"),
        plural(t.warnings, "warning"),
    );
    if t.others > 0 {
        s += &format!(", {}", plural(t.others, "note"));
    }
    if t.files_with_errors > 0 {
        s += &format!(" in {}", plural(t.files_with_errors, "file"));
    }
    s
}
