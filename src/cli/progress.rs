//! A progress bar on stderr for long runs (`stats`, `report`): shown only
//! when stderr is a terminal and there are more than [`LONG_RUN`] files,
//! so pipes, CI logs and editors see nothing.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

/// Runs over more files than this get a bar.
pub const LONG_RUN: usize = 20;

/// A bar over `files` files, hidden unless the run is long and stderr a
/// terminal.
pub fn bar(files: usize, what: &'static str) -> ProgressBar {
    if files <= LONG_RUN || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(files as u64);
    if let Ok(style) = ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} files") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_prefix(what);
    bar
}
