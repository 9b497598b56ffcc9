//! The markup of one line: annotations and syntax diagnostics.
//!
//! Architecture invariant: this module sees one line's `&str` (without its
//! line break) and nothing else — no rope, no LSP, no files. Every rule of
//! the grammar is line-local (docs/language.md §5), which is what lets the document
//! reparse only the lines an edit touches.

mod lexer;

use std::borrow::Cow;
use std::sync::OnceLock;

use crate::position::LinePoint;
pub use lexer::is_markup_byte;
use lexer::{Token, token};

/// The four kinds of annotation (docs/language.md §1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AnnotationKind {
    /// `(…)`: who performs the practice.
    Actor,
    /// `[…]`: the practice verb.
    Action,
    /// `<…>`: an item or category of personal information.
    Data,
    /// `{…}`: the purpose of, or condition for, the practice.
    Purpose,
}

impl AnnotationKind {
    pub const ALL: [AnnotationKind; 4] = [
        AnnotationKind::Actor,
        AnnotationKind::Action,
        AnnotationKind::Data,
        AnnotationKind::Purpose,
    ];

    pub fn opener(self) -> char {
        match self {
            AnnotationKind::Actor => '(',
            AnnotationKind::Action => '[',
            AnnotationKind::Data => '<',
            AnnotationKind::Purpose => '{',
        }
    }

    pub fn closer(self) -> char {
        match self {
            AnnotationKind::Actor => ')',
            AnnotationKind::Action => ']',
            AnnotationKind::Data => '>',
            AnnotationKind::Purpose => '}',
        }
    }

    /// The spec's name of the kind, also the semantic token type.
    pub fn name(self) -> &'static str {
        match self {
            AnnotationKind::Actor => "actor",
            AnnotationKind::Action => "action",
            AnnotationKind::Data => "data",
            AnnotationKind::Purpose => "purpose",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }

    pub fn from_opener(b: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.opener() as u8 == b)
    }

    pub fn from_closer(b: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.closer() as u8 == b)
    }
}

/// A well-formed annotation on one line.
///
/// Positions are of the brackets; the content lies strictly between them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Annotation {
    pub kind: AnnotationKind,
    /// Where the opening bracket is.
    pub open: LinePoint,
    /// Where the closing bracket is (for a mismatched closer, the wrong one).
    pub close: LinePoint,
}

impl Annotation {
    /// Start of the content: just after the opener.
    pub fn content_start(&self) -> LinePoint {
        self.open.after_ascii()
    }

    /// End of the content: the closer.
    pub fn content_end(&self) -> LinePoint {
        self.close
    }

    /// End of the whole annotation: just after the closer.
    pub fn end(&self) -> LinePoint {
        self.close.after_ascii()
    }

    /// The content as written, escapes included. `line` is the line this
    /// annotation was parsed from. O(1).
    pub fn raw<'a>(&self, line: &'a str) -> &'a str {
        &line[self.content_start().byte as usize..self.close.byte as usize]
    }

    /// The content with escapes resolved: what hover, completion and export
    /// show. O(content).
    pub fn value<'a>(&self, line: &'a str) -> Cow<'a, str> {
        unescape(self.raw(line))
    }
}

/// Resolves `\X` for every markup X; any other backslash stays. O(len).
pub fn unescape(raw: &str) -> Cow<'_, str> {
    if !raw.contains('\\') {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\'
            && let Some(&next) = chars.peek()
            && next.is_ascii()
            && is_markup_byte(next as u8)
        {
            out.push(next);
            chars.next();
            continue;
        }
        out.push(c);
    }
    Cow::Owned(out)
}

/// Escapes every markup character of `text`, so that it reads as plain text.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.bytes().any(is_markup_byte) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 4);
    for c in text.chars() {
        if c.is_ascii() && is_markup_byte(c as u8) {
            out.push('\\');
        }
        out.push(c);
    }
    Cow::Owned(out)
}

/// The stable diagnostic codes of the syntax (docs/language.md §6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SyntaxCode {
    UnclosedAnnotation,
    UnmatchedCloser,
    MismatchedCloser,
    EmptyAnnotation,
    PaddedAnnotation,
}

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Information,
    Hint,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "information",
            Severity::Hint => "hint",
        }
    }
}

impl SyntaxCode {
    pub fn as_str(self) -> &'static str {
        match self {
            SyntaxCode::UnclosedAnnotation => "unclosed-annotation",
            SyntaxCode::UnmatchedCloser => "unmatched-closer",
            SyntaxCode::MismatchedCloser => "mismatched-closer",
            SyntaxCode::EmptyAnnotation => "empty-annotation",
            SyntaxCode::PaddedAnnotation => "padded-annotation",
        }
    }

    pub fn severity(self) -> Severity {
        match self {
            SyntaxCode::PaddedAnnotation => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

/// A syntax problem on one line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SyntaxDiagnostic {
    pub code: SyntaxCode,
    /// The kind of the annotation involved: for a mismatched closer, the
    /// kind that was open; for an unmatched closer, the kind it would close.
    pub kind: AnnotationKind,
    /// For a mismatched closer, the kind of the wrong closer.
    pub found: Option<AnnotationKind>,
    pub start: LinePoint,
    pub end: LinePoint,
}

impl SyntaxDiagnostic {
    /// A message that names the kind and the expected bracket. O(1): the
    /// few possible messages are formatted once, since a large document's
    /// diagnostics are all re-sent on every keystroke.
    pub fn message(&self) -> &'static str {
        static MESSAGES: OnceLock<Vec<String>> = OnceLock::new();
        const CODES: [SyntaxCode; 5] = [
            SyntaxCode::UnclosedAnnotation,
            SyntaxCode::UnmatchedCloser,
            SyntaxCode::MismatchedCloser,
            SyntaxCode::EmptyAnnotation,
            SyntaxCode::PaddedAnnotation,
        ];
        let founds = || std::iter::once(None).chain(AnnotationKind::ALL.map(Some));
        let messages = MESSAGES.get_or_init(|| {
            let mut all = Vec::new();
            for code in CODES {
                for kind in AnnotationKind::ALL {
                    for found in founds() {
                        let d = SyntaxDiagnostic {
                            code,
                            kind,
                            found,
                            ..*self
                        };
                        all.push(d.format_message());
                    }
                }
            }
            all
        });
        let index = |x: AnnotationKind| {
            AnnotationKind::ALL
                .iter()
                .position(|k| *k == x)
                .unwrap_or(0)
        };
        let code = CODES.iter().position(|c| *c == self.code).unwrap_or(0);
        let found = self.found.map_or(0, |f| index(f) + 1);
        &messages[(code * 4 + index(self.kind)) * 5 + found]
    }

    fn format_message(&self) -> String {
        let kind = self.kind.name();
        let (open, close) = (self.kind.opener(), self.kind.closer());
        match self.code {
            SyntaxCode::UnclosedAnnotation => format!(
                "{kind} annotation `{open}` is never closed: expected `{close}` on this line"
            ),
            SyntaxCode::UnmatchedCloser => format!(
                "`{close}` closes no {kind} annotation: expected a `{open}` before it on this line, or write `\\{close}` for a literal `{close}`"
            ),
            SyntaxCode::MismatchedCloser => {
                let found = self.found.map_or(close, AnnotationKind::closer);
                format!(
                    "`{found}` cannot close the {kind} annotation opened by `{open}`: expected `{close}`"
                )
            }
            SyntaxCode::EmptyAnnotation => format!(
                "empty {kind} annotation `{open}{close}`: expected some text between `{open}` and `{close}`"
            ),
            SyntaxCode::PaddedAnnotation => format!(
                "{kind} annotation starts or ends with white space: expected the text right after `{open}` and right before `{close}`"
            ),
        }
    }
}

/// Everything the parser found on one line, in line order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineParse {
    pub annotations: Box<[Annotation]>,
    pub diagnostics: Box<[SyntaxDiagnostic]>,
}

impl LineParse {
    pub fn is_empty(&self) -> bool {
        self.annotations.is_empty() && self.diagnostics.is_empty()
    }
}

/// Parses one line (without its line break) per docs/language.md §5. O(len); allocates
/// only when the line has annotations or diagnostics.
pub fn parse_line(line: &str) -> LineParse {
    let mut annotations = Vec::new();
    let mut diagnostics = Vec::new();
    let mut open: Option<(AnnotationKind, LinePoint)> = None;
    let mut at = LinePoint::default();
    let mut rest = line;

    while !rest.is_empty() {
        let Ok((next, tok)) = token(rest) else {
            // Unreachable: the lexer accepts every non-empty input. Treat the
            // rest as text rather than trust that with a panic.
            break;
        };
        match tok {
            Token::Text(text) => {
                at = at.advanced_by(text);
            }
            Token::Escape => {
                at = at.after_ascii().after_ascii();
            }
            Token::Open(kind) => {
                if let Some((was, p)) = open {
                    diagnostics.push(unclosed(was, p));
                }
                open = Some((kind, at));
                at = at.after_ascii();
            }
            Token::Close(found) => {
                match open.take() {
                    None => diagnostics.push(SyntaxDiagnostic {
                        code: SyntaxCode::UnmatchedCloser,
                        kind: found,
                        found: None,
                        start: at,
                        end: at.after_ascii(),
                    }),
                    Some((kind, p)) => {
                        if found != kind {
                            diagnostics.push(SyntaxDiagnostic {
                                code: SyntaxCode::MismatchedCloser,
                                kind,
                                found: Some(found),
                                start: at,
                                end: at.after_ascii(),
                            });
                        }
                        close(line, kind, p, at, &mut annotations, &mut diagnostics);
                    }
                }
                at = at.after_ascii();
            }
        }
        rest = next;
    }
    if let Some((kind, p)) = open {
        diagnostics.push(unclosed(kind, p));
    }
    // A mismatched closer is found before the empty/padded report of the
    // annotation it closes, which starts earlier: keep line order.
    diagnostics.sort_by_key(|d| (d.start, d.end));
    LineParse {
        annotations: annotations.into_boxed_slice(),
        diagnostics: diagnostics.into_boxed_slice(),
    }
}

fn unclosed(kind: AnnotationKind, p: LinePoint) -> SyntaxDiagnostic {
    SyntaxDiagnostic {
        code: SyntaxCode::UnclosedAnnotation,
        kind,
        found: None,
        start: p,
        end: p.after_ascii(),
    }
}

/// Closes the annotation of `kind` opened at `open` with the closer at
/// `close`: an annotation if its content has a non-space character, else
/// `empty-annotation`; `padded-annotation` besides when the content starts
/// or ends with white space.
fn close(
    line: &str,
    kind: AnnotationKind,
    open: LinePoint,
    close: LinePoint,
    annotations: &mut Vec<Annotation>,
    diagnostics: &mut Vec<SyntaxDiagnostic>,
) {
    let annotation = Annotation { kind, open, close };
    let content = annotation.raw(line);
    let code = if content.trim().is_empty() {
        Some(SyntaxCode::EmptyAnnotation)
    } else {
        annotations.push(annotation);
        let padded =
            content.starts_with(char::is_whitespace) || content.ends_with(char::is_whitespace);
        padded.then_some(SyntaxCode::PaddedAnnotation)
    };
    if let Some(code) = code {
        diagnostics.push(SyntaxDiagnostic {
            code,
            kind,
            found: None,
            start: open,
            end: annotation.end(),
        });
    }
}
