//! The walk that finds `.policy` files under a folder, as ripgrep walks:
//! files and folders named in `.gitignore` or `.ignore`, hidden ones, and
//! `target` and `node_modules` folders are skipped (unless asked
//! otherwise). `policy-lsp check` and the server's workspace index both
//! walk with it, so the editor and the terminal see the same corpus.

use std::path::{Path, PathBuf};

/// Folders a walk does not enter unless ignore files are disregarded:
/// build output and installed packages, which hold copies or test
/// fixtures, not policies.
pub const SKIPPED_DIRS: [&str; 2] = ["target", "node_modules"];

/// How folders are walked.
#[derive(Clone, Copy, Debug, Default)]
pub struct Walk {
    /// Enter hidden files and folders.
    pub hidden: bool,
    /// Disregard ignore files and [`SKIPPED_DIRS`].
    pub no_ignore: bool,
}

/// An entry the walk could not read: its path (the folder walked when the
/// error names none) and why.
#[derive(Clone, Debug)]
pub struct WalkError {
    pub path: PathBuf,
    pub message: String,
    /// The I/O error behind it, when there is one.
    pub io: Option<std::io::ErrorKind>,
    pub raw_os_error: Option<i32>,
}

impl Walk {
    /// The `.policy` files under `dir`, sorted, and what could not be
    /// read. Symbolic links to folders are not followed (as in ripgrep), so
    /// a link loop cannot hang the walk; a link to a file is.
    pub fn policies(&self, dir: &Path) -> (Vec<PathBuf>, Vec<WalkError>) {
        let respect = !self.no_ignore;
        let mut builder = ignore::WalkBuilder::new(dir);
        builder
            .hidden(!self.hidden)
            .ignore(respect)
            .git_ignore(respect)
            .git_global(respect)
            .git_exclude(respect)
            .parents(respect)
            .follow_links(false);
        if respect {
            builder.filter_entry(|entry| {
                entry.depth() == 0
                    || !entry.file_type().is_some_and(|t| t.is_dir())
                    || !SKIPPED_DIRS.iter().any(|d| entry.file_name() == *d)
            });
        }
        let mut found = Vec::new();
        let mut errors = Vec::new();
        for entry in builder.build() {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    let path = error_path(&e).unwrap_or(dir).to_path_buf();
                    let message = match e.io_error() {
                        Some(io) => format!("cannot read: {io}"),
                        None => format!("cannot read: {e}"),
                    };
                    errors.push(WalkError {
                        path,
                        message,
                        io: None,
                        raw_os_error: None,
                    });
                    continue;
                }
            };
            let path = entry.path();
            if !is_policy(path) {
                continue;
            }
            match entry.file_type() {
                Some(t) if t.is_file() => found.push(path.to_path_buf()),
                Some(t) if t.is_symlink() => match std::fs::metadata(path) {
                    Ok(m) if m.is_file() => found.push(path.to_path_buf()),
                    Ok(_) => {}
                    Err(e) => errors.push(WalkError {
                        path: path.to_path_buf(),
                        message: format!("cannot read: {e}"),
                        io: Some(e.kind()),
                        raw_os_error: e.raw_os_error(),
                    }),
                },
                _ => {}
            }
        }
        found.sort();
        errors.sort_by(|a, b| a.path.cmp(&b.path));
        (found, errors)
    }
}

/// Whether `path` names a `.policy` file (by its name).
pub fn is_policy(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "policy")
}

/// The path an error of the walk is about, when it says.
fn error_path(e: &ignore::Error) -> Option<&Path> {
    match e {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        _ => None,
    }
}
