//! Fixtures (texlab-style): the text as the user sees it, with the cursor
//! in it and the expected spans marked on a line under it.
//!
//! ```text
//! 您的<账$0户名]和<密码>
//!             ^^ mismatched-closer
//! ```
//!
//! `$0` in the text is the cursor (it is removed from the text). A marker
//! line is spaces, a run of `^`, a space and a label. Columns are display
//! columns (a CJK character or an emoji is two wide, as in the editor), so
//! the carets stand under the characters they mean. A `|` instead of
//! carets marks an empty span (a named cursor) before the character under
//! it, for fixtures with several cursors.

use unicode_width::UnicodeWidthChar;

/// A place in a fixture's text: line and char column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cursor {
    pub line: usize,
    pub col: usize,
}

impl Cursor {
    pub fn new(line: usize, col: usize) -> Cursor {
        Cursor { line, col }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Mark {
    pub line: usize,
    /// Char offsets in the line.
    pub start: usize,
    pub end: usize,
    pub label: String,
}

impl Mark {
    /// Where the span starts.
    pub fn start(&self) -> Cursor {
        Cursor::new(self.line, self.start)
    }

    /// Where the span ends.
    pub fn end(&self) -> Cursor {
        Cursor::new(self.line, self.end)
    }

    /// The same span with another label.
    pub fn labelled(&self, label: &str) -> Mark {
        Mark {
            label: label.to_string(),
            ..self.clone()
        }
    }

    /// The span widened by one char on each side: an annotation's content
    /// mark grown to its brackets.
    pub fn with_brackets(&self) -> Mark {
        Mark {
            start: self.start - 1,
            end: self.end + 1,
            ..self.clone()
        }
    }
}

#[derive(Clone, Debug)]
pub struct Fixture {
    /// The text lines, without marker lines or the cursor marker.
    pub lines: Vec<String>,
    pub marks: Vec<Mark>,
    /// Where `$0` stood.
    pub cursor: Option<Cursor>,
}

/// The cursor marker in a fixture's text.
pub const CURSOR: &str = "$0";

fn is_marker_line(line: &str) -> bool {
    let t = line.trim_start_matches(' ');
    (t.starts_with('^') || t.starts_with('|')) && !line.trim().is_empty()
}

/// Reads a fixture; a leading newline (after `r"`) is ignored.
pub fn fixture(src: &str) -> Fixture {
    let src = src.strip_prefix('\n').unwrap_or(src);
    // The lines as written: carets are aligned under these, `$0` included.
    let mut written: Vec<&str> = Vec::new();
    let mut lines: Vec<String> = Vec::new();
    let mut marks = Vec::new();
    let mut cursor: Option<Cursor> = None;
    for raw in src.split('\n') {
        if is_marker_line(raw) && !lines.is_empty() {
            let line = lines.len() - 1;
            // A char column of the written line → of the text without `$0`.
            let unwritten = |c: usize| match cursor {
                Some(at) if at.line == line && c >= at.col + CURSOR.len() => c - CURSOR.len(),
                Some(at) if at.line == line && c > at.col => at.col,
                _ => c,
            };
            let at = |col: usize| char_at_column(written[line], col);
            let col = raw.len() - raw.trim_start_matches(' ').len();
            let body = &raw[col..];
            let (start, end, label) = if let Some(label) = body.strip_prefix('|') {
                let c = unwritten(at(col));
                (c, c, label)
            } else {
                let carets = body.len() - body.trim_start_matches('^').len();
                let first = unwritten(at(col));
                let last = unwritten(at(col + carets - 1));
                (first, last + 1, &body[carets..])
            };
            marks.push(Mark {
                line,
                start,
                end,
                label: label.trim().to_string(),
            });
        } else {
            if let Some(byte) = raw.find(CURSOR) {
                assert!(cursor.is_none(), "a fixture has one `{CURSOR}` cursor");
                cursor = Some(Cursor::new(lines.len(), raw[..byte].chars().count()));
            }
            written.push(raw);
            lines.push(raw.replacen(CURSOR, "", 1));
        }
    }
    if lines.last().is_some_and(|l| l.is_empty()) && src.ends_with('\n') {
        lines.pop();
    }
    marks.sort();
    Fixture {
        lines,
        marks,
        cursor,
    }
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

    /// Where `$0` stands.
    pub fn cursor(&self) -> Cursor {
        self.cursor.expect("the fixture has a `$0` cursor")
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

#[test]
fn fixture_marks_stand_under_wide_text_and_the_cursor_is_removed() {
    let f = fixture(
        "
😀<手$0机>[收集]
   ^^^^^^ data
           ^^^^ action
  | open
𠮷
",
    );
    assert_eq!(f.lines, ["😀<手机>[收集]", "𠮷"]);
    assert_eq!(f.cursor(), Cursor::new(0, 3));
    assert_eq!(
        f.mark("data"),
        Mark {
            line: 0,
            start: 2,
            end: 4,
            label: "data".into()
        }
    );
    assert_eq!(f.mark("action").start(), Cursor::new(0, 6));
    assert_eq!(f.mark("action").end(), Cursor::new(0, 8));
    assert_eq!(f.mark("open").start(), Cursor::new(0, 1));
}
