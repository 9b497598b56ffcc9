//! Fixtures: the text as the user sees it, with the expected spans marked
//! on a line under it.
//!
//! ```text
//! 您的<账户名]和<密码>
//!             ^^ mismatched-closer
//! ```
//!
//! A marker line is spaces, a run of `^`, a space and a label. Columns are
//! display columns (a CJK character or an emoji is two wide, as in the
//! editor), so the carets stand under the characters they mean. A `|`
//! instead of carets marks an empty span (a cursor) before the character
//! under it.
#![allow(dead_code)] // each test binary uses a different part

use unicode_width::UnicodeWidthChar;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Mark {
    pub line: usize,
    /// Char offsets in the line.
    pub start: usize,
    pub end: usize,
    pub label: String,
}

#[derive(Clone, Debug)]
pub struct Fixture {
    /// The text lines, without marker lines.
    pub lines: Vec<String>,
    pub marks: Vec<Mark>,
}

fn is_marker_line(line: &str) -> bool {
    let t = line.trim_start_matches(' ');
    (t.starts_with('^') || t.starts_with('|')) && !line.trim().is_empty()
}

/// Reads a fixture; a leading newline (after `r"`) is ignored.
pub fn fixture(src: &str) -> Fixture {
    let src = src.strip_prefix('\n').unwrap_or(src);
    let mut lines: Vec<String> = Vec::new();
    let mut marks = Vec::new();
    for raw in src.split('\n') {
        if is_marker_line(raw) && !lines.is_empty() {
            let line = lines.len() - 1;
            let col = raw.len() - raw.trim_start_matches(' ').len();
            let body = &raw[col..];
            let (start, end, label) = if let Some(label) = body.strip_prefix('|') {
                let c = char_at_column(&lines[line], col);
                (c, c, label)
            } else {
                let carets = body.len() - body.trim_start_matches('^').len();
                let first = char_at_column(&lines[line], col);
                let last = char_at_column(&lines[line], col + carets - 1);
                (first, last + 1, &body[carets..])
            };
            marks.push(Mark {
                line,
                start,
                end,
                label: label.trim().to_string(),
            });
        } else {
            lines.push(raw.to_string());
        }
    }
    if lines.last().is_some_and(|l| l.is_empty()) && src.ends_with('\n') {
        lines.pop();
    }
    marks.sort();
    Fixture { lines, marks }
}

/// The char of `line` that covers display column `col`.
fn char_at_column(line: &str, col: usize) -> usize {
    let mut w = 0;
    for (i, c) in line.chars().enumerate() {
        let cw = c.width().unwrap_or(0).max(1);
        if col < w + cw {
            return i;
        }
        w += cw;
    }
    line.chars().count() + (col - w)
}

impl Fixture {
    /// The text with `eol` between lines.
    pub fn text(&self, eol: &str) -> String {
        self.lines.join(eol)
    }

    /// The marks whose label passes `keep`.
    pub fn marks_where(&self, keep: impl Fn(&str) -> bool) -> Vec<Mark> {
        self.marks
            .iter()
            .filter(|m| keep(&m.label))
            .cloned()
            .collect()
    }

    /// The one mark with this label.
    pub fn mark(&self, label: &str) -> Mark {
        let found = self.marks_where(|l| l == label);
        assert_eq!(found.len(), 1, "fixture needs exactly one mark `{label}`");
        found[0].clone()
    }
}

/// Line breaks every position-sensitive test runs with.
pub const LINE_ENDINGS: [&str; 3] = ["\n", "\r\n", "\r"];
pub mod edits;
pub mod lsp;
