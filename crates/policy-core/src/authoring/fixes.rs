//! Quick fixes: for every syntax diagnostic, the edits that repair it.
//!
//! Each fix promises what the re-parse of the line will say: the fixed
//! diagnostic is gone and no new error appears (a fix that closes a padded
//! annotation may leave its `padded-annotation` warning). The tests in
//! `tests/authoring_fixes.rs` apply every fix and check that promise.

use super::{Action, ActionKind, LineEdit, point_at};
use crate::syntax::{AnnotationKind, LineParse, SyntaxCode, SyntaxDiagnostic, is_markup_byte};

/// Full-width (or CJK) bracket pairs that read like each kind's ASCII
/// pair. In policy text they are ordinary text (docs/language.md §3); an ASCII bracket
/// paired with one of them is a typo one way or the other.
fn look_alikes(kind: AnnotationKind) -> &'static [(char, char)] {
    match kind {
        AnnotationKind::Actor => &[('（', '）')],
        AnnotationKind::Action => &[('［', '］'), ('【', '】')],
        AnnotationKind::Data => &[('＜', '＞'), ('〈', '〉'), ('《', '》')],
        AnnotationKind::Purpose => &[('｛', '｝')],
    }
}

/// Where a clause or word ends: white space and punctuation, Chinese and
/// ASCII. CJK text has no spaces, so punctuation is the only boundary an
/// annotator sees.
fn is_clause_break(c: char) -> bool {
    c.is_whitespace() || "，。；：、！？…,.;:!?“”\"（）【】《》「」『』".contains(c)
}

/// The chars of `line` from byte `from` on, each with whether it is live
/// markup (an unescaped bracket). The two chars of an escape are text.
fn cells(line: &str, from: usize) -> impl Iterator<Item = (usize, char, bool)> + '_ {
    let bytes = line.as_bytes();
    let mut escaped = false;
    line[from..].char_indices().map(move |(i, c)| {
        let at = from + i;
        if escaped {
            escaped = false;
            return (at, c, false);
        }
        if c == '\\' {
            escaped = bytes.get(at + 1).is_some_and(|&b| is_markup_byte(b));
            return (at, c, false);
        }
        let live = c.is_ascii() && is_markup_byte(c as u8);
        (at, c, live)
    })
}

/// The quick fixes of diagnostic `d` of line `line` (text `text`, parse
/// `parse`). O(line).
pub fn quick_fixes(
    line: usize,
    text: &str,
    parse: &LineParse,
    d: &SyntaxDiagnostic,
) -> Vec<Action> {
    let mut fixes = match d.code {
        SyntaxCode::UnclosedAnnotation => unclosed(line, text, d),
        SyntaxCode::UnmatchedCloser => unmatched(line, text, d),
        SyntaxCode::MismatchedCloser => mismatched(line, parse, d),
        SyntaxCode::EmptyAnnotation => vec![fix(
            format!("Remove the empty `{}{}`", d.kind.opener(), d.kind.closer()),
            vec![LineEdit {
                line,
                start: d.start,
                end: d.end,
                new_text: String::new(),
            }],
            true,
        )],
        SyntaxCode::PaddedAnnotation => padded(line, text, d),
    };
    for f in &mut fixes {
        f.fixes = Some((line, *d));
    }
    fixes
}

fn fix(title: String, edits: Vec<LineEdit>, preferred: bool) -> Action {
    Action {
        title,
        kind: ActionKind::QuickFix,
        edits,
        preferred,
        fixes: None,
    }
}

/// Trims `text[from..to]` of trailing white space; `None` when nothing is
/// left.
fn trimmed_end(text: &str, from: usize, to: usize) -> Option<usize> {
    let t = text[from..to].trim_end();
    (!t.trim_start().is_empty()).then_some(from + t.len())
}

fn unclosed(line: usize, text: &str, d: &SyntaxDiagnostic) -> Vec<Action> {
    let kind = d.kind;
    let (open, close) = (kind.opener(), kind.closer());
    let content = d.end.byte as usize;
    let mut out = Vec::new();

    // The content can reach up to the next live bracket (which opens
    // another annotation, or the line ends).
    let limit = cells(text, content)
        .find(|&(_, _, live)| live)
        .map_or(text.len(), |(at, _, _)| at);
    // The clause ends at the first break after the first non-blank char.
    let lead = content + (text[content..limit].len() - text[content..limit].trim_start().len());
    let clause = cells(text, lead)
        .take_while(|&(at, _, _)| at < limit)
        .find(|&(_, c, _)| is_clause_break(c))
        .map_or(limit, |(at, _, _)| at);
    let clause_end = trimmed_end(text, content, clause);
    let line_end = trimmed_end(text, content, limit);

    // Both full-width: the pair is the policy's own parenthesis.
    // The first look-alike closer that no look-alike opener after ours
    // has claimed.
    let mut depth = 0usize;
    let partner = cells(text, content)
        .take_while(|&(at, _, _)| at < limit)
        .find_map(|(at, c, _)| {
            let &(fw_open, fw_close) = look_alikes(kind)
                .iter()
                .find(|&&(o, cl)| c == o || c == cl)?;
            if c == fw_open {
                depth += 1;
                None
            } else if depth > 0 {
                depth -= 1;
                None
            } else {
                Some((at, fw_open, fw_close))
            }
        });
    if let Some((at, fw_open, fw_close)) = partner {
        out.push(fix(
            format!("Make `{open}` full-width `{fw_open}` to match `{fw_close}` (plain text)"),
            vec![LineEdit::replace_ascii(line, d.start, fw_open.to_string())],
            true,
        ));
        let p = point_at(text, at);
        out.push(fix(
            format!(
                "Make `{fw_close}` ASCII `{close}` to close the {} annotation",
                kind.name()
            ),
            vec![LineEdit {
                line,
                start: p,
                end: point_at(text, at + fw_close.len_utf8()),
                new_text: close.to_string(),
            }],
            false,
        ));
    }
    let one_place = clause_end == line_end;
    let at_limit = || {
        if limit == text.len() {
            format!("Close `{open}` with `{close}` at the end of the line")
        } else {
            format!(
                "Close `{open}` with `{close}` before `{}`",
                &text[limit..limit + 1]
            )
        }
    };
    if let Some(end) = clause_end {
        let title = if one_place {
            at_limit()
        } else {
            format!("Close `{open}` with `{close}` at the end of the clause")
        };
        out.push(fix(
            title,
            vec![LineEdit::insert(
                line,
                point_at(text, end),
                close.to_string(),
            )],
            partner.is_none() && one_place,
        ));
    }
    if let Some(end) = line_end.filter(|_| !one_place) {
        out.push(fix(
            at_limit(),
            vec![LineEdit::insert(
                line,
                point_at(text, end),
                close.to_string(),
            )],
            false,
        ));
    }
    out.push(fix(
        format!("Escape `{open}` as literal text (`\\{open}`)"),
        vec![LineEdit::insert(line, d.start, "\\")],
        false,
    ));
    out.push(fix(
        format!("Remove the stray `{open}`"),
        vec![LineEdit::replace_ascii(line, d.start, "")],
        false,
    ));
    out
}

fn unmatched(line: usize, text: &str, d: &SyntaxDiagnostic) -> Vec<Action> {
    let kind = d.kind;
    let (open, close) = (kind.opener(), kind.closer());
    let at = d.start.byte as usize;
    let mut out = Vec::new();
    // The innermost look-alike opener since the last live bracket that no
    // look-alike closer has matched yet.
    let mut open_look_alikes = Vec::new();
    for (i, c, live) in cells(text, 0).take_while(|&(i, _, _)| i < at) {
        if live {
            open_look_alikes.clear();
        } else if let Some(&(fw_open, fw_close)) =
            look_alikes(kind).iter().find(|&&(o, cl)| c == o || c == cl)
        {
            if c == fw_open {
                open_look_alikes.push((i, fw_open, fw_close));
            } else {
                open_look_alikes.pop();
            }
        }
    }
    let partner = open_look_alikes.last().copied();
    if let Some((i, fw_open, fw_close)) = partner {
        out.push(fix(
            format!("Make `{close}` full-width `{fw_close}` to match `{fw_open}` (plain text)"),
            vec![LineEdit::replace_ascii(line, d.start, fw_close.to_string())],
            true,
        ));
        out.push(fix(
            format!(
                "Make `{fw_open}` ASCII `{open}` to open the {} annotation",
                kind.name()
            ),
            vec![LineEdit {
                line,
                start: point_at(text, i),
                end: point_at(text, i + fw_open.len_utf8()),
                new_text: open.to_string(),
            }],
            false,
        ));
    }
    out.push(fix(
        format!("Escape `{close}` as literal text (`\\{close}`)"),
        vec![LineEdit::insert(line, d.start, "\\")],
        false,
    ));
    out.push(fix(
        format!("Remove the unmatched `{close}`"),
        vec![LineEdit::replace_ascii(line, d.start, "")],
        false,
    ));
    out
}

fn mismatched(line: usize, parse: &LineParse, d: &SyntaxDiagnostic) -> Vec<Action> {
    let kind = d.kind;
    let mut out = vec![fix(
        format!(
            "Replace `{}` with `{}` to close the {} annotation",
            d.found.map_or('?', AnnotationKind::closer),
            kind.closer(),
            kind.name()
        ),
        vec![LineEdit::replace_ascii(
            line,
            d.start,
            kind.closer().to_string(),
        )],
        true,
    )];
    // The annotation this closer closed (recovery keeps it as `kind`).
    let opened = parse.annotations.iter().find(|a| a.close == d.start);
    if let (Some(a), Some(found)) = (opened, d.found) {
        out.push(fix(
            format!(
                "Change `{}` to `{}` (make it an {} annotation)",
                kind.opener(),
                found.opener(),
                found.name()
            ),
            vec![LineEdit::replace_ascii(
                line,
                a.open,
                found.opener().to_string(),
            )],
            false,
        ));
    }
    out
}

fn padded(line: usize, text: &str, d: &SyntaxDiagnostic) -> Vec<Action> {
    let start = d.start.after_ascii();
    let end = point_at(text, d.end.byte as usize - 1);
    let raw = &text[start.byte as usize..end.byte as usize];
    let mut trimmed = raw.trim().to_string();
    // `a\ ` trimmed to `a\` would escape the closer: double the backslash.
    let trailing = trimmed.len() - trimmed.trim_end_matches('\\').len();
    if trailing % 2 == 1 {
        trimmed.push('\\');
    }
    vec![fix(
        format!(
            "Trim the white space inside `{}…{}`",
            d.kind.opener(),
            d.kind.closer()
        ),
        vec![LineEdit {
            line,
            start,
            end,
            new_text: trimmed,
        }],
        true,
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse_line;

    /// Applies `edits` (of one line, non-overlapping) to `text`.
    fn apply(text: &str, edits: &[LineEdit]) -> String {
        let mut edits = edits.to_vec();
        edits.sort_by_key(|e| std::cmp::Reverse(e.start.byte));
        let mut s = text.to_string();
        for e in edits {
            s.replace_range(e.start.byte as usize..e.end.byte as usize, &e.new_text);
        }
        s
    }

    fn fixed(text: &str) -> Vec<(String, String, bool)> {
        let parse = parse_line(text);
        let d = parse.diagnostics[0];
        quick_fixes(0, text, &parse, &d)
            .into_iter()
            .map(|f| (f.title, apply(text, &f.edits), f.preferred))
            .collect()
    }

    #[test]
    fn an_unclosed_data_item_closes_at_the_clause_or_the_line() {
        let f = fixed("您的<手机号码，用于登录");
        assert_eq!(f[0].1, "您的<手机号码>，用于登录");
        assert_eq!(f[1].1, "您的<手机号码，用于登录>");
        assert!(!f[0].2 && !f[1].2, "two places: neither is clearly right");
        let f = fixed("您的<手机号码 ");
        assert_eq!(f[0].1, "您的<手机号码> ");
        assert!(f[0].2);
        assert_eq!(f.len(), 3, "{f:?}");
    }

    #[test]
    fn an_escaped_bracket_does_not_stop_the_closing_fix() {
        let f = fixed("<年龄\\<14周岁");
        assert_eq!(f[0].1, "<年龄\\<14周岁>");
    }

    #[test]
    fn full_width_look_alikes_pair_up() {
        let f = fixed("第三方（SDK)提供");
        assert_eq!(f[0].1, "第三方（SDK）提供");
        assert!(f[0].2);
        assert_eq!(f[1].1, "第三方(SDK)提供");
        let f = fixed("第三方(SDK）提供");
        assert_eq!(f[0].1, "第三方（SDK）提供");
        assert_eq!(f[1].1, "第三方(SDK)提供");
        // Look-alikes nest: the pair inside is the text's own.
        let f = fixed("（第三方（SDK）)");
        assert_eq!(f[0].1, "（第三方（SDK））");
        let f = fixed("(第三方（SDK）等）");
        assert_eq!(f[0].1, "（第三方（SDK）等）");
    }

    #[test]
    fn padding_that_ends_in_a_backslash_keeps_the_closer_live() {
        let f = fixed("< a\\ >");
        assert_eq!(f[0].1, "<a\\\\>");
        assert!(parse_line(&f[0].1).diagnostics.is_empty());
    }
}
