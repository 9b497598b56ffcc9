//! `policy-lsp check`: markup diagnostics for files, directories or stdin.
//!
//! Folders are walked as ripgrep walks them (the `ignore` crate): files and
//! folders named in `.gitignore` or `.ignore`, hidden ones, and `target` and
//! `node_modules` folders are skipped unless `--no-ignore` / `--hidden`.
//! A path named on the command line is always checked. Nothing passes in
//! silence: a path that matches nothing, a folder without a `.policy` file,
//! a file that cannot be read, and a failed write each exit 2.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};

use super::{CheckArgs, EXIT_TROUBLE, Format};
use policy_core::analysis::Classes;
use policy_core::corpus::{CorpusIndex, Entry};
use policy_core::diagnostics::{Diagnostic, document_diagnostics};
use policy_core::document::Document;
use policy_core::syntax::Severity;
use policy_core::taxonomy::Taxonomy;
use policy_core::workspace_lints::{LintLevels, effective};

/// A UTF-8 byte-order mark, skipped at the start of a file (docs/language.md §2).
const BOM: &str = "\u{feff}";

/// `ELOOP`: too many levels of symbolic links.
#[cfg(any(target_os = "linux", target_os = "android"))]
const ELOOP: i32 = 40;
#[cfg(not(any(target_os = "linux", target_os = "android")))]
const ELOOP: i32 = 62;

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

/// Why a path was not checked: the `kind` of a JSON error record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Trouble {
    NotFound,
    SymlinkLoop,
    NotAFile,
    NoPolicyFiles,
    Unreadable,
    NotUtf8,
    Taxonomy,
}

impl Trouble {
    fn kind(self) -> &'static str {
        match self {
            Trouble::NotFound => "not-found",
            Trouble::SymlinkLoop => "symlink-loop",
            Trouble::NotAFile => "not-a-file",
            Trouble::NoPolicyFiles => "no-policy-files",
            Trouble::Unreadable => "unreadable",
            Trouble::NotUtf8 => "not-utf8",
            Trouble::Taxonomy => "taxonomy",
        }
    }
}

/// A path that could not be checked, and why.
struct FileError {
    path: String,
    trouble: Trouble,
    message: String,
    /// For a file that is not UTF-8: the byte offset and 1-based line of
    /// the first invalid byte.
    at: Option<(usize, usize)>,
}

impl FileError {
    fn new(path: impl Into<String>, trouble: Trouble, message: impl Into<String>) -> FileError {
        FileError {
            path: path.into(),
            trouble,
            message: message.into(),
            at: None,
        }
    }

    /// The error of opening or reading `path`, with a loop named as one.
    fn from_io(path: &Path, e: &io::Error) -> FileError {
        let name = path.display().to_string();
        if e.raw_os_error() == Some(ELOOP) {
            FileError::new(
                name,
                Trouble::SymlinkLoop,
                "a loop of symbolic links (it never reaches a file)",
            )
        } else if e.kind() == io::ErrorKind::NotFound {
            let message = if path.symlink_metadata().is_ok() {
                "a symbolic link to nothing (its target does not exist)"
            } else {
                "no such file or directory"
            };
            FileError::new(name, Trouble::NotFound, message)
        } else {
            FileError::new(name, Trouble::Unreadable, format!("cannot read: {e}"))
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
    /// Paths not checked: missing, unreadable, not UTF-8, a broken
    /// taxonomy file, a folder without `.policy` files.
    file_errors: usize,
}

/// Writing the output failed: reported once, whatever the input.
struct WriteFailed(io::Error);

/// Where results go: stdout for the results, stderr for people.
struct Report<'o> {
    out: &'o mut dyn Write,
    format: Format,
    totals: Totals,
    /// `--format sarif`: the results and notifications, written at the end.
    sarif: sarif::Log,
}

impl Report<'_> {
    /// Records a path that could not be checked: on stderr, and in the
    /// JSON stream as an `error` record.
    fn file_error(&mut self, e: &FileError) -> Result<(), WriteFailed> {
        self.totals.file_errors += 1;
        eprintln!("error: {}: {}", e.path, e.message);
        if self.format == Format::Sarif {
            self.sarif
                .notification(&e.path, e.trouble.kind(), &e.message);
        }
        if self.format == Format::Json {
            #[derive(serde::Serialize)]
            struct Record<'a> {
                r#type: &'a str,
                path: &'a str,
                kind: &'a str,
                error: &'a str,
                #[serde(skip_serializing_if = "Option::is_none")]
                offset: Option<usize>,
                #[serde(skip_serializing_if = "Option::is_none")]
                line: Option<usize>,
            }
            let record = Record {
                r#type: "error",
                path: &e.path,
                kind: e.trouble.kind(),
                error: &e.message,
                offset: e.at.map(|(offset, _)| offset),
                line: e.at.map(|(_, line)| line),
            };
            let json = serde_json::to_string(&record).unwrap_or_default();
            writeln!(self.out, "{json}").map_err(WriteFailed)?;
        }
        Ok(())
    }

    /// The closing line (human, only when some file was checked) or the
    /// closing `summary` record (JSON, always).
    fn finish(&mut self) -> Result<(), WriteFailed> {
        match self.format {
            Format::Human if self.totals.files > 0 => {
                writeln!(self.out, "{}", summary(&self.totals)).map_err(WriteFailed)?
            }
            Format::Human => {}
            Format::Sarif => {
                let ok = self.totals.file_errors == 0;
                writeln!(self.out, "{}", self.sarif.take_json(ok)).map_err(WriteFailed)?
            }
            Format::Json => {
                #[derive(serde::Serialize)]
                struct Summary {
                    r#type: &'static str,
                    files: usize,
                    files_with_errors: usize,
                    errors: usize,
                    warnings: usize,
                    notes: usize,
                    file_errors: usize,
                }
                let t = &self.totals;
                let record = Summary {
                    r#type: "summary",
                    files: t.files,
                    files_with_errors: t.files_with_errors,
                    errors: t.errors,
                    warnings: t.warnings,
                    notes: t.others,
                    file_errors: t.file_errors,
                };
                let json = serde_json::to_string(&record).unwrap_or_default();
                writeln!(self.out, "{json}").map_err(WriteFailed)?
            }
        }
        self.out.flush().map_err(WriteFailed)
    }
}

pub fn run(args: &CheckArgs) -> ExitCode {
    // Only human output may carry colours to strip for a pipe; JSON and
    // SARIF go out as they are, without a second pass over every byte.
    let mut human;
    let mut plain;
    let out: &mut dyn Write = if args.format == Format::Human {
        human = anstream::stdout().lock();
        &mut human
    } else {
        plain = io::stdout().lock();
        &mut plain
    };
    let mut report = Report {
        out,
        format: args.format,
        totals: Totals::default(),
        sarif: sarif::Log::default(),
    };
    match check_all(args, &mut report) {
        Ok(()) => {}
        Err(WriteFailed(e)) => {
            if e.kind() != io::ErrorKind::BrokenPipe {
                eprintln!("error: cannot write the output: {e}");
            }
            return ExitCode::from(EXIT_TROUBLE);
        }
    }
    let t = &report.totals;
    if t.file_errors > 0 {
        ExitCode::from(EXIT_TROUBLE)
    } else if t.files_with_errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn check_all(args: &CheckArgs, report: &mut Report) -> Result<(), WriteFailed> {
    let walk = Walk {
        hidden: args.hidden,
        no_ignore: args.no_ignore,
    };
    let mut inputs = Vec::new();
    for path in &args.paths {
        match walk.expand(path, &mut inputs) {
            Ok(()) => {}
            Err(errors) => {
                for e in &errors {
                    report.file_error(e)?;
                }
            }
        }
    }
    let mut taxonomies = TaxonomyFiles::default();
    // Laid over each file's `[lints]` (policy-lsp.toml), code by code.
    let mut lints = LintLevels::default();
    for (code, level) in &args.lints {
        // Already checked by the argument parser.
        let _ = lints.set(code, level);
    }
    // The corpus checks compare each document with all the others: a
    // first pass indexes every input (stdin is read once and kept).
    let mut stdin: Option<Vec<u8>> = None;
    // On when `--lint` or some input's `policy-lsp.toml` switches one on.
    let mut corpus_on = false;
    for input in &inputs {
        let taxonomy = taxonomies.load_for(input, args.taxonomy.as_deref(), report)?;
        corpus_on |= effective(taxonomy.workspace_lints(), &lints)
            .corpus
            .any_on();
    }
    let corpus = if corpus_on {
        let mut index = CorpusIndex::new();
        for input in &inputs {
            let taxonomy = taxonomies.load_for(input, args.taxonomy.as_deref(), report)?;
            let bytes = match input {
                Input::Stdin => stdin.get_or_insert_with(|| input.read().unwrap_or_default()),
                Input::File(_) => &input.read().unwrap_or_default(),
            };
            // Unreadable and non-UTF-8 inputs are reported by the second pass.
            if let Ok(text) = std::str::from_utf8(bytes) {
                let doc = Document::new(text.strip_prefix(BOM).unwrap_or(text));
                let classes = Classes::new(&doc, &taxonomy);
                index.insert(input.name(), Entry::new(&doc, &classes, Vec::new()));
            }
        }
        Some(index)
    } else {
        None
    };
    // Each file is analysed on its own (the corpus index is built above),
    // so the files are analysed on the available cores, a window at a
    // time, and written in input order: the output does not depend on the
    // number of threads.
    let mut jobs = Vec::with_capacity(inputs.len());
    for input in inputs {
        let taxonomy = taxonomies.load_for(&input, args.taxonomy.as_deref(), report)?;
        let bytes = match input {
            Input::Stdin => stdin.take(),
            Input::File(_) => None,
        };
        jobs.push((input, taxonomy, bytes));
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_THREADS));
    let window = (threads * FILES_PER_THREAD).max(1);
    let mut jobs = jobs.into_iter().peekable();
    while jobs.peek().is_some() {
        let batch: Vec<_> = jobs.by_ref().take(window).collect();
        let analysed = parallel_map(&batch, threads, |(input, taxonomy, bytes)| {
            let name = input.name();
            let read = match bytes {
                Some(bytes) => Ok(bytes.clone()),
                None => input.read(),
            };
            let outcome = match read {
                Ok(bytes) => analyse(&name, &bytes, (taxonomy, &lints, corpus.as_ref())),
                Err(e) => Err(match input {
                    Input::File(p) => FileError::from_io(p, &e),
                    Input::Stdin => {
                        FileError::new(&name, Trouble::Unreadable, format!("cannot read: {e}"))
                    }
                }),
            };
            (name, outcome)
        });
        for (name, outcome) in analysed {
            match outcome {
                Ok(checked) => write_checked(&name, &checked, report)?,
                Err(e) => report.file_error(&e)?,
            }
        }
    }
    report.finish()
}

use crate::walk::Walk;

/// `check`'s use of the shared walk: what a path names, with errors as
/// `check` reports them.
trait Expand {
    fn expand(&self, path: &Path, inputs: &mut Vec<Input>) -> Result<(), Vec<FileError>>;
    fn walk(&self, dir: &Path) -> (Vec<PathBuf>, Vec<FileError>);
}

impl Expand for Walk {
    /// Adds the inputs `path` names: `-`, a file, or a folder's `.policy`
    /// files in path order. A path that names nothing checkable is an
    /// error; so is a folder without a `.policy` file. A FIFO or device is
    /// refused before it is opened, so it cannot block the run.
    fn expand(&self, path: &Path, inputs: &mut Vec<Input>) -> Result<(), Vec<FileError>> {
        if path.as_os_str() == "-" {
            inputs.push(Input::Stdin);
            return Ok(());
        }
        let meta = std::fs::metadata(path).map_err(|e| vec![FileError::from_io(path, &e)])?;
        if meta.is_file() {
            inputs.push(Input::File(path.to_path_buf()));
            return Ok(());
        }
        if !meta.is_dir() {
            return Err(vec![FileError::new(
                path.display().to_string(),
                Trouble::NotAFile,
                format!(
                    "is {}, not a file: to check what a program writes, pipe it into `policy-lsp check -`",
                    special_file_kind(&meta)
                ),
            )]);
        }
        let (found, mut errors) = self.walk(path);
        if found.is_empty() && errors.is_empty() {
            let mut skipped = vec![];
            if !self.hidden {
                skipped.push("--hidden");
            }
            if !self.no_ignore {
                skipped.push("--no-ignore");
            }
            let hint = if skipped.is_empty() {
                String::new()
            } else {
                format!(
                    " (hidden and ignored paths, target and node_modules folders and links to folders are skipped: see {})",
                    skipped.join(" and ")
                )
            };
            errors.push(FileError::new(
                path.display().to_string(),
                Trouble::NoPolicyFiles,
                format!("no .policy files in this folder{hint}"),
            ));
        }
        inputs.extend(found.into_iter().map(Input::File));
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// The `.policy` files under `dir` (see [`Walk::policies`]), with
    /// `check`'s errors.
    fn walk(&self, dir: &Path) -> (Vec<PathBuf>, Vec<FileError>) {
        let (found, errors) = self.policies(dir);
        let errors = errors
            .into_iter()
            .map(|e| match e.io {
                Some(kind) => {
                    let io = match e.raw_os_error {
                        Some(code) => io::Error::from_raw_os_error(code),
                        None => io::Error::from(kind),
                    };
                    FileError::from_io(&e.path, &io)
                }
                None => {
                    FileError::new(e.path.display().to_string(), Trouble::Unreadable, e.message)
                }
            })
            .collect();
        (found, errors)
    }
}

/// What a path that is neither a file nor a folder is, for the message.
fn special_file_kind(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        } else if t.is_socket() {
            return "a socket";
        } else if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
    }
    let _ = meta;
    "not a regular file"
}

/// The taxonomy files in use, each loaded (and, when broken, reported)
/// once. The server loads the same files the same way, so a broken
/// `policy-lsp.toml` shows up here as it does in the editor.
#[derive(Default)]
struct TaxonomyFiles {
    loaded: HashMap<Option<PathBuf>, Arc<Taxonomy>>,
}

impl TaxonomyFiles {
    /// The taxonomy for `input`: the one named with `--taxonomy`, or the
    /// nearest `policy-lsp.toml` above it. A broken file is reported once
    /// (as a file error) and the built-in taxonomy used.
    fn load_for(
        &mut self,
        input: &Input,
        explicit: Option<&Path>,
        report: &mut Report,
    ) -> Result<Arc<Taxonomy>, WriteFailed> {
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
        if let Some(taxonomy) = self.loaded.get(&file) {
            return Ok(taxonomy.clone());
        }
        let taxonomy = match &file {
            None => Taxonomy::builtin(),
            Some(f) => match Taxonomy::with_overrides_file(f) {
                Ok(t) => t,
                Err(e) => {
                    let where_ = match e.line {
                        Some(line) => format!("line {line}: "),
                        None => String::new(),
                    };
                    report.file_error(&FileError::new(
                        e.path.display().to_string(),
                        Trouble::Taxonomy,
                        format!(
                            "{where_}{} (the built-in taxonomy is used instead)",
                            e.message
                        ),
                    ))?;
                    Taxonomy::builtin()
                }
            },
        };
        let taxonomy = Arc::new(taxonomy);
        self.loaded.insert(file, taxonomy.clone());
        Ok(taxonomy)
    }
}

/// Threads `check` analyses files on, at most.
const MAX_THREADS: usize = 8;
/// Files analysed per thread before their output is written: bounds the
/// documents held at once.
const FILES_PER_THREAD: usize = 8;

/// `f` of each item on up to `threads` threads, the results in the order of
/// `items`.
fn parallel_map<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let threads = threads.min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        out.push((i, f(item)));
                    }
                    out
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

/// A file analysed: its document and its diagnostics, in document order.
struct Checked {
    doc: Document,
    diagnostics: Vec<Diagnostic>,
}

fn analyse(
    name: &str,
    bytes: &[u8],
    (taxonomy, lints, corpus): (&Taxonomy, &LintLevels, Option<&CorpusIndex>),
) -> Result<Checked, FileError> {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let offset = e.valid_up_to();
            let line = bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
            let mut error = FileError::new(
                name,
                Trouble::NotUtf8,
                format!(
                    "not UTF-8 text: invalid byte at offset {offset} (line {line}); the file was not checked"
                ),
            );
            error.at = Some((offset, line));
            return Err(error);
        }
    };
    let text = text.strip_prefix(BOM).unwrap_or(text);
    let doc = Document::new(text);
    let lints = &effective(taxonomy.workspace_lints(), lints);
    // Classifying costs a taxonomy lookup per data item: only for lints.
    let classes = lints.any_on().then(|| Classes::new(&doc, taxonomy));
    let mut diagnostics = document_diagnostics(&doc, classes.as_ref().map(|c| (c, lints)));
    if let Some(file) = taxonomy.workspace_lints() {
        policy_core::allow::filter(&doc, &file.allow, &mut diagnostics);
    }
    if let Some(index) = corpus {
        diagnostics.extend(index.findings(name, &doc, &lints.corpus));
        // Document order, the corpus findings after the others of a line.
        diagnostics.sort_by_key(|d| d.line);
    }
    Ok(Checked { doc, diagnostics })
}

/// Writes the diagnostics of one analysed file and counts them.
fn write_checked(name: &str, checked: &Checked, report: &mut Report) -> Result<(), WriteFailed> {
    let Checked { doc, diagnostics } = checked;
    let totals = &mut report.totals;
    totals.files += 1;
    let mut has_error = false;
    // Each line's text is fetched once, however many diagnostics it has.
    let mut line: Option<(usize, std::borrow::Cow<str>)> = None;
    for d in diagnostics {
        let totals = &mut report.totals;
        match d.severity {
            Severity::Error => {
                totals.errors += 1;
                has_error = true;
            }
            Severity::Warning => totals.warnings += 1,
            _ => totals.others += 1,
        }
        let written = match report.format {
            Format::Human => {
                if line.as_ref().is_none_or(|(n, _)| *n != d.line) {
                    line = Some((d.line, doc.line_text(d.line).unwrap_or_default()));
                }
                let text = line.as_ref().map(|(_, t)| t.as_ref()).unwrap_or_default();
                writeln!(report.out, "{}\n", render_human(name, text, d))
            }
            Format::Json => writeln!(report.out, "{}", render_json(name, d)),
            Format::Sarif => {
                report.sarif.result(name, d);
                Ok(())
            }
        };
        written.map_err(WriteFailed)?;
    }
    report.totals.files_with_errors += has_error as usize;
    Ok(())
}

/// A line up to this many bytes is given to the renderer whole (it trims
/// what does not fit a terminal itself); a longer one as a window, so that
/// the work per diagnostic stays bounded.
const WHOLE_LINE_BYTES: usize = 512;
/// Characters of context shown on either side of a diagnostic's span.
const CONTEXT_CHARS: usize = 30;
/// Characters of a long span shown (its start matters most).
const SPAN_CHARS: usize = 40;

/// The part of `line` shown for the byte span `span`: a short line whole,
/// else up to [`CONTEXT_CHARS`] characters either side, `...` where the line is cut,
/// and the span's place in it. The work is bounded by the window, not the
/// line, so a long line with many diagnostics costs linear time.
pub(super) fn window(line: &str, span: Range<usize>) -> (String, Range<usize>) {
    if line.len() <= WHOLE_LINE_BYTES {
        let end = span.end.min(line.len());
        return (line.to_string(), span.start.min(end)..end);
    }
    let floor = |mut i: usize| {
        i = i.min(line.len());
        while !line.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let (start, end) = (floor(span.start), floor(span.end.max(span.start)));
    let end = line[start..end]
        .char_indices()
        .nth(SPAN_CHARS)
        .map_or(end, |(i, _)| start + i);
    let from = line[..start]
        .char_indices()
        .rev()
        .nth(CONTEXT_CHARS - 1)
        .map_or(0, |(i, _)| i);
    let to = line[end..]
        .char_indices()
        .nth(CONTEXT_CHARS)
        .map_or(line.len(), |(i, _)| end + i);
    let (head, tail) = (
        if from > 0 { "..." } else { "" },
        if to < line.len() { "..." } else { "" },
    );
    let shown = format!("{head}{}{tail}", &line[from..to]);
    let shift = head.len();
    (shown, start - from + shift..end - from + shift)
}

/// rustc-style: the message, the source line and a caret under the span.
/// The renderer measures display width, so carets line up under CJK text.
/// A long line is shown as a window around the span.
fn render_human(name: &str, line_text: &str, d: &Diagnostic) -> String {
    let mut out = render_primary(name, line_text, d);
    for r in &d.related {
        out.push_str(&format!(
            "\n   = note: {}: {name}:{}:{}",
            r.message,
            r.line + 1,
            r.start.char + 1
        ));
    }
    out
}

fn render_primary(name: &str, line_text: &str, d: &Diagnostic) -> String {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Information => Level::INFO,
        Severity::Hint => Level::HELP,
    };
    let (shown, span) = window(line_text, d.start.byte as usize..d.end.byte as usize);
    let column_in_window = shown[..span.start].chars().count() + 1;
    let report = &[level
        .primary_title(d.message.as_ref())
        .id(d.code.as_ref())
        .element(
            Snippet::source(shown.as_str())
                .line_start(d.line + 1)
                .path(name)
                .annotation(AnnotationKind::Primary.span(span)),
        )];
    let rendered = Renderer::styled().render(report);
    let column = d.start.char as usize + 1;
    if column == column_in_window {
        return rendered;
    }
    // The renderer counts the column in the window it was given: the
    // header must name the column in the whole line.
    let line = d.line + 1;
    let (wrong, right) = (
        format!(":{line}:{column_in_window}"),
        format!(":{line}:{column}"),
    );
    let header = rendered.find("--> ").and_then(|start| {
        let end = rendered[start..]
            .find('\n')
            .map_or(rendered.len(), |e| start + e);
        rendered[start..end].rfind(&wrong).map(|at| start + at)
    });
    match header {
        Some(at) => format!(
            "{}{right}{}",
            &rendered[..at],
            &rendered[at + wrong.len()..]
        ),
        None => rendered,
    }
}

/// One JSON object: 1-based line and column, counted in characters;
/// `end_column` is the column just after the span.
fn render_json(name: &str, d: &Diagnostic) -> String {
    #[derive(serde::Serialize)]
    struct Record<'a> {
        r#type: &'a str,
        path: &'a str,
        line: usize,
        column: u32,
        end_line: usize,
        end_column: u32,
        severity: &'a str,
        code: &'a str,
        message: &'a str,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        related: Vec<Place>,
    }
    /// A related place: 1-based, columns in characters.
    #[derive(serde::Serialize)]
    struct Place {
        line: usize,
        column: u32,
    }
    let record = Record {
        r#type: "diagnostic",
        path: name,
        line: d.line + 1,
        column: d.start.char + 1,
        end_line: d.line + 1,
        end_column: d.end.char + 1,
        severity: d.severity.name(),
        code: &d.code,
        message: &d.message,
        related: d
            .related
            .iter()
            .map(|r| Place {
                line: r.line + 1,
                column: r.start.char + 1,
            })
            .collect(),
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
    if t.file_errors > 0 {
        s += &format!(
            "; {} not checked (see above)",
            plural(t.file_errors, "path")
        );
    }
    s
}

/// `check --format sarif`: one SARIF 2.1.0 log.
pub(super) mod sarif {
    use policy_core::diagnostics::Diagnostic;
    use policy_core::syntax::Severity;
    use serde_json::{Value, json};

    /// Every code `check` can report: (id, short description, help).
    pub const RULES: [(&str, &str, &str); 17] = [
        (
            "unclosed-annotation",
            "An annotation is opened but never closed on its line.",
            "Close it with the matching bracket on the same line (`(` `)`, `[` `]`, `<` `>`, `{` `}`), or write `\\(` for a literal bracket. See docs/language.md §6.1.",
        ),
        (
            "unmatched-closer",
            "A closing bracket closes no annotation.",
            "Add the opener before it on this line, or write `\\)` for a literal bracket. See docs/language.md §6.2.",
        ),
        (
            "mismatched-closer",
            "An annotation is closed by the closer of another kind.",
            "Use the closer of the kind that was opened: `)` for `(`, `]` for `[`, `>` for `<`, `}` for `{`. See docs/language.md §6.3.",
        ),
        (
            "empty-annotation",
            "An annotation holds no text.",
            "Put the annotated text between the brackets, or remove them. See docs/language.md §6.4.",
        ),
        (
            "padded-annotation",
            "An annotation starts or ends with white space.",
            "Move the white space outside the brackets. See docs/language.md §6.5.",
        ),
        (
            "sensitive-data",
            "A data item is sensitive personal information.",
            "GB/T 35273-2020 and PIPL Art. 28 ask for explicit consent and a stated necessity for sensitive personal information: check that the policy gives them. See docs/language.md §7.1.",
        ),
        (
            "unspecific-data",
            "A data item only refers to personal information in general.",
            "Name the kinds of information (手机号码, 位置信息 …) rather than 相关信息. See docs/language.md §7.2.",
        ),
        (
            "unclassified-data",
            "No taxonomy category matches a data item.",
            "Add a keyword to the workspace taxonomy (policy-lsp.toml) or rephrase the item. See docs/language.md §7.3.",
        ),
        (
            "unknown-practice",
            "An action names none of the known practices.",
            "Annotate the practice verb itself (收集, 使用, 共享 …). See docs/language.md §7.4.",
        ),
        (
            "purpose-missing",
            "Personal information is collected or used with no purpose in the sentence.",
            "PIPL Art. 6 and 17 ask for a specific purpose: annotate it as {purpose} in the same sentence. See docs/language.md §7.5.",
        ),
        (
            "recipient-missing",
            "Personal information is shared, transferred, entrusted or disclosed to nobody named.",
            "PIPL Art. 23 and 25 ask for the recipient's name: annotate it as (actor) in the same sentence. See docs/language.md §7.6.",
        ),
        (
            "sensitive-without-consent",
            "Sensitive personal information is processed with no consent stated in its paragraph.",
            "PIPL Art. 29 asks for separate consent to process sensitive personal information: state it in the paragraph. See docs/language.md §7.7.",
        ),
        (
            "minor-without-guardian",
            "A child's personal information is processed with no guardian's consent stated in its paragraph.",
            "PIPL Art. 31 asks for a parent's or guardian's consent for a child under 14: state it in the paragraph. See docs/language.md §7.8.",
        ),
        (
            "contradiction",
            "One sentence denies a practice that another affirms, neither under a condition.",
            "Reconcile the two sentences, or state the condition under which each holds (除非, 未经…同意, 如果 …). See docs/language.md §7.9.",
        ),
        (
            "unannotated-term",
            "Text annotated as a data item elsewhere in the document stands unannotated.",
            "Annotate it as <data>, as the other occurrences are. See docs/language.md §7.10.",
        ),
        (
            "kind-mismatch",
            "The same text is annotated with two different kinds in one document.",
            "Annotate it with the same kind everywhere, or check which reading is meant. See docs/language.md §7.11.",
        ),
        (
            "missing-disclosure",
            "The policy never makes a disclosure PIPL Art. 17 and GB/T 35273-2020 §5.5 require.",
            "Add a section on each topic listed. See docs/language.md §7.12.",
        ),
    ];

    /// The results and notifications gathered while checking.
    #[derive(Default)]
    pub struct Log {
        results: Vec<Value>,
        notifications: Vec<Value>,
    }

    /// A path as a URI reference: unreserved characters and `/` as they
    /// are, everything else percent-encoded (CJK names included).
    pub fn uri(path: &str) -> String {
        let mut out = String::with_capacity(path.len());
        for b in path.bytes() {
            if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
                out.push(b as char);
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        if path.starts_with('/') {
            format!("file://{out}")
        } else {
            out
        }
    }

    fn level(s: Severity) -> &'static str {
        match s {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information | Severity::Hint => "note",
        }
    }

    impl Log {
        /// A diagnostic as a result; its region counts code points
        /// (`columnKind: unicodeCodePoints`), 1-based, end exclusive.
        pub fn result(&mut self, path: &str, d: &Diagnostic) {
            let index = RULES.iter().position(|r| r.0 == d.code);
            let mut result = json!({
                "ruleId": d.code,
                "level": level(d.severity),
                "message": { "text": d.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(path) },
                        "region": {
                            "startLine": d.line + 1,
                            "startColumn": d.start.char + 1,
                            "endLine": d.line + 1,
                            "endColumn": d.end.char + 1,
                        }
                    }
                }]
            });
            if let Some(i) = index {
                result["ruleIndex"] = json!(i);
            }
            if !d.related.is_empty() {
                result["relatedLocations"] = d
                    .related
                    .iter()
                    .enumerate()
                    .map(|(id, r)| {
                        json!({
                            "id": id,
                            "message": { "text": r.message },
                            "physicalLocation": {
                                "artifactLocation": { "uri": uri(path) },
                                "region": {
                                    "startLine": r.line + 1,
                                    "startColumn": r.start.char + 1,
                                    "endLine": r.line + 1,
                                    "endColumn": r.end.char + 1,
                                }
                            }
                        })
                    })
                    .collect();
            }
            self.results.push(result);
        }

        /// A path that could not be checked.
        pub fn notification(&mut self, path: &str, kind: &str, message: &str) {
            self.notifications.push(json!({
                "level": "error",
                "descriptor": { "id": kind },
                "message": { "text": format!("{path}: {message}") },
                "locations": [{
                    "physicalLocation": { "artifactLocation": { "uri": uri(path) } }
                }]
            }));
        }

        /// The whole log, on one line.
        pub fn take_json(&mut self, successful: bool) -> String {
            let rules: Vec<Value> = RULES
                .iter()
                .map(|(id, short, help)| {
                    let level = if id.ends_with("-data")
                        || id.ends_with("-missing")
                        || *id == "unknown-practice"
                    {
                        "note"
                    } else if *id == "padded-annotation" {
                        "warning"
                    } else {
                        "error"
                    };
                    json!({
                        "id": id,
                        "shortDescription": { "text": short },
                        "fullDescription": { "text": short },
                        "help": { "text": help, "markdown": help },
                        "defaultConfiguration": { "level": level, "enabled": level != "note" },
                    })
                })
                .collect();
            let log = json!({
                "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
                "version": "2.1.0",
                "runs": [{
                    "tool": { "driver": {
                        "name": "policy-lsp",
                        "version": env!("CARGO_PKG_VERSION"),
                        "rules": rules,
                    }},
                    "columnKind": "unicodeCodePoints",
                    "invocations": [{
                        "executionSuccessful": successful,
                        "toolExecutionNotifications": std::mem::take(&mut self.notifications),
                    }],
                    "results": std::mem::take(&mut self.results),
                }]
            });
            log.to_string()
        }
    }
}

/// A policy read for a command other than `check`.
pub(super) struct PolicyText {
    /// As `check` names it (`<stdin>` for `-`).
    pub name: String,
    /// Where to look for the workspace taxonomy from.
    pub near: PathBuf,
    /// The text (byte-order mark skipped), or why it could not be read.
    pub text: Result<String, String>,
}

/// The policies `paths` name, found as `check` finds them (hidden and
/// ignored paths skipped; `-` is stdin), in order. A path that names
/// nothing readable is an `Err` with the message `check` would give.
pub(super) fn read_policies(paths: &[PathBuf]) -> Vec<Result<PolicyText, String>> {
    let walk = Walk {
        hidden: false,
        no_ignore: false,
    };
    let mut out = Vec::new();
    for path in paths {
        let mut inputs = Vec::new();
        if let Err(errors) = walk.expand(path, &mut inputs) {
            out.extend(
                errors
                    .iter()
                    .map(|e| Err(format!("{}: {}", e.path, e.message))),
            );
        }
        for input in inputs {
            let name = input.name();
            let near = match &input {
                Input::File(p) => p.clone(),
                Input::Stdin => std::env::current_dir().unwrap_or_default(),
            };
            let text = match input.read() {
                Err(e) => Err(format!("cannot read: {e}")),
                Ok(bytes) => match String::from_utf8(bytes) {
                    Ok(text) => Ok(match text.strip_prefix(BOM) {
                        Some(rest) => rest.to_string(),
                        None => text,
                    }),
                    Err(e) => Err(format!(
                        "not UTF-8 text: invalid byte at offset {}",
                        e.utf8_error().valid_up_to()
                    )),
                },
            };
            out.push(Ok(PolicyText { name, near, text }));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::window;

    #[test]
    fn a_short_line_is_shown_whole() {
        let line = "您的<账户名]和<密码>";
        let at = line.find(']').unwrap();
        let (shown, span) = window(line, at..at + 1);
        assert_eq!(shown, line);
        assert_eq!(&shown[span], "]");
    }

    #[test]
    fn a_long_line_is_cut_around_the_span_on_char_boundaries() {
        let line = "😀𠮷您".repeat(100) + "<数据]" + &"好".repeat(100);
        assert!(line.len() > super::WHOLE_LINE_BYTES);
        let at = line.find(']').unwrap();
        let (shown, span) = window(&line, at..at + 1);
        assert_eq!(&shown[span.clone()], "]");
        assert!(
            shown.starts_with("...") && shown.ends_with("..."),
            "{shown}"
        );
        assert_eq!(shown[..span.start].chars().count(), 3 + 30);
        assert_eq!(shown[span.end..].chars().count(), 30 + 3);
    }

    #[test]
    fn a_long_span_is_cut_after_its_start() {
        let line = format!("<{}", "数".repeat(500));
        let (shown, span) = window(&line, 0..line.len());
        assert!(shown[span.clone()].starts_with('<'));
        assert_eq!(shown[span].chars().count(), 40);
        assert!(shown.ends_with("..."));
    }
}
