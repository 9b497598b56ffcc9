//! The outline of a policy: its section headings as a tree, each with the
//! data practices of its own lines; and the folding ranges of the sections.
//!
//! Headings are recognised by how Chinese policies number them, four
//! levels deep: `一、`, `（一）`, `1、` (or `1.`), `（1）`. Full-width
//! parentheses only: `(一)` would be an actor annotation. A section runs to
//! the next heading of the same or a higher level.

use super::point_at;
use crate::document::Document;
use crate::position::LinePoint;
use crate::syntax::{Annotation, AnnotationKind, LineParse};

/// One numbered section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// 1 for `一、` … 4 for `（1）`.
    pub level: u8,
    /// The heading line's text, brackets of annotations removed.
    pub title: String,
    pub line: usize,
    /// The heading's text on its line.
    pub title_start: LinePoint,
    pub title_end: LinePoint,
    /// The section's last non-blank line (≥ `line`), and its end.
    pub end_line: usize,
    pub end: LinePoint,
    pub sections: Vec<Section>,
    pub practices: Vec<Practice>,
}

/// A data practice: an action with the data items (and actors, purposes)
/// around it on its line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Practice {
    /// `收集：手机号码、位置信息`.
    pub name: String,
    /// The actors and purposes: `我们 · 实现登录`.
    pub detail: String,
    pub line: usize,
    /// From the first to the end of the last annotation of the practice.
    pub start: LinePoint,
    pub end: LinePoint,
    /// The action, or the first annotation when there is no action.
    pub focus: (LinePoint, LinePoint),
    /// The data items: value and annotation span.
    pub data: Vec<(String, LinePoint, LinePoint)>,
}

/// The whole outline: practices before the first heading, then sections.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outline {
    pub practices: Vec<Practice>,
    pub sections: Vec<Section>,
}

const CN_DIGITS: &str = "一二三四五六七八九十百零〇";

/// The heading level of `line` and the byte where its text starts. A
/// numbered line that reads as a sentence — ending in 。 or ；, or longer
/// than [`crate::topics::MAX_HEADING`] characters once the brackets of its
/// annotations are left out — is a paragraph or an item of a list, no
/// heading: most numbered lines of real policies are such paragraphs
/// (`1、为使您购物更便捷，我们会……`).
pub fn heading_level(line: &str) -> Option<(u8, usize)> {
    let start = line.len() - line.trim_start().len();
    let t = &line[start..];
    let level = numbering_level(t)?;
    let text = t.trim_end();
    let sentence = text.ends_with(['。', '；', ';'])
        || text
            .chars()
            .filter(|c| !matches!(c, '(' | ')' | '[' | ']' | '<' | '>' | '{' | '}'))
            .nth(crate::topics::MAX_HEADING)
            .is_some();
    (!sentence).then_some((level, start))
}

/// The level of the numbering `t` starts with (see the module doc).
fn numbering_level(t: &str) -> Option<u8> {
    let numeral = |s: &str, digit: &dyn Fn(char) -> bool| -> usize {
        s.char_indices()
            .find(|&(_, c)| !digit(c))
            .map_or(s.len(), |(i, _)| i)
    };
    let cn = |c: char| CN_DIGITS.contains(c);
    let ascii = |c: char| c.is_ascii_digit();
    let n = numeral(t, &cn);
    if n > 0 && t[n..].starts_with('、') {
        return Some(1);
    }
    if let Some(inner) = t.strip_prefix('（') {
        let n = numeral(inner, &cn);
        if n > 0 && inner[n..].starts_with('）') {
            return Some(2);
        }
        let n = numeral(inner, &ascii);
        if n > 0 && inner[n..].starts_with('）') {
            return Some(4);
        }
    }
    let n = numeral(t, &ascii);
    if n > 0 && n <= 3 {
        let rest = &t[n..];
        if rest.starts_with('、') {
            return Some(3);
        }
        // `1.` but not `1.5`.
        if let Some(after) = rest.strip_prefix('.').or_else(|| rest.strip_prefix('．'))
            && after.chars().next().is_some_and(|c| !c.is_ascii_digit())
        {
            return Some(3);
        }
    }
    None
}

/// The line's text without the brackets of its annotations, trimmed.
fn plain(text: &str, parse: &LineParse) -> String {
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for a in parse.annotations.iter() {
        out.push_str(&text[from..a.open.byte as usize]);
        out.push_str(&a.value(text));
        from = a.end().byte as usize;
    }
    out.push_str(&text[from..]);
    out.trim().to_string()
}

/// The practices of one line. O(line).
pub fn line_practices(line: usize, text: &str, parse: &LineParse) -> Vec<Practice> {
    // Each action starts a practice; what precedes the first action joins it.
    let mut groups: Vec<Vec<&Annotation>> = vec![Vec::new()];
    for a in parse.annotations.iter() {
        let last = groups.last_mut().expect("never empty");
        if a.kind == AnnotationKind::Action && last.iter().any(|b| b.kind == AnnotationKind::Action)
        {
            groups.push(vec![a]);
        } else {
            last.push(a);
        }
    }
    let mut out = Vec::new();
    for g in groups {
        let action = g.iter().find(|a| a.kind == AnnotationKind::Action);
        let of =
            |k: AnnotationKind| -> Vec<&&Annotation> { g.iter().filter(|a| a.kind == k).collect() };
        let data = of(AnnotationKind::Data);
        let (Some(first), Some(last)) = (g.first(), g.last()) else {
            continue;
        };
        if action.is_none() && data.is_empty() {
            continue;
        }
        let values = |v: &[&&Annotation]| -> Vec<String> {
            v.iter().map(|a| a.value(text).trim().to_string()).collect()
        };
        let data_values = values(&data);
        let name = match action {
            Some(a) if data.is_empty() => a.value(text).trim().to_string(),
            Some(a) => format!("{}：{}", a.value(text).trim(), data_values.join("、")),
            None => data_values.join("、"),
        };
        let mut who_why: Vec<String> = Vec::new();
        let actors = values(&of(AnnotationKind::Actor));
        for v in actors
            .into_iter()
            .chain(values(&of(AnnotationKind::Purpose)))
        {
            if !who_why.contains(&v) {
                who_why.push(v);
            }
        }
        let focus = action.unwrap_or(first);
        out.push(Practice {
            name,
            detail: who_why.join(" · "),
            line,
            start: first.open,
            end: last.end(),
            focus: (focus.open, focus.end()),
            data: data
                .iter()
                .zip(data_values)
                .map(|(a, v)| (v, a.open, a.end()))
                .collect(),
        });
    }
    out
}

/// The outline of `doc`. O(document).
pub fn outline(doc: &Document) -> Outline {
    let mut top = Vec::new();
    // Sections in heading order, each with its parent's index.
    let mut flat: Vec<(Option<usize>, Section)> = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    let mut last_content = 0usize;
    let close =
        |flat: &mut Vec<(Option<usize>, Section)>, i: usize, last: usize, doc: &Document| {
            let s = &mut flat[i].1;
            s.end_line = last.max(s.line);
            let end_text = doc.line_text(s.end_line).unwrap_or_default();
            s.end = point_at(&end_text, end_text.len());
        };
    for (line, parse, text) in super::lines(doc) {
        if let Some((level, start)) = heading_level(&text) {
            while let Some(&i) = stack.last() {
                if flat[i].1.level < level {
                    break;
                }
                close(&mut flat, i, last_content, doc);
                stack.pop();
            }
            let title: String = plain(&text, parse).chars().take(80).collect();
            let end = text.trim_end().len();
            flat.push((
                stack.last().copied(),
                Section {
                    level,
                    title,
                    line,
                    title_start: point_at(&text, start),
                    title_end: point_at(&text, end),
                    end_line: line,
                    end: LinePoint::default(),
                    sections: Vec::new(),
                    practices: Vec::new(),
                },
            ));
            stack.push(flat.len() - 1);
        }
        let practices = line_practices(line, &text, parse);
        match stack.last() {
            Some(&i) => flat[i].1.practices.extend(practices),
            None => top.extend(practices),
        }
        if !text.trim().is_empty() {
            last_content = line;
        }
    }
    for i in stack {
        close(&mut flat, i, last_content, doc);
    }
    // Children come after their parent: build the tree from the back.
    let mut slots: Vec<Option<(Option<usize>, Section)>> = flat.into_iter().map(Some).collect();
    let mut roots = Vec::new();
    for i in (0..slots.len()).rev() {
        let Some((parent, section)) = slots[i].take() else {
            continue;
        };
        // Pushed in reverse, put right below: inserting at the front would
        // be quadratic in the number of sections.
        match parent.and_then(|p| slots[p].as_mut()) {
            Some((_, p)) => p.sections.push(section),
            None => roots.push(section),
        }
    }
    fn in_order(sections: &mut Vec<Section>) {
        sections.reverse();
        for s in sections {
            in_order(&mut s.sections);
        }
    }
    in_order(&mut roots);
    Outline {
        practices: top,
        sections: roots,
    }
}

/// The sections, depth first: for folding.
pub fn flatten(sections: &[Section]) -> Vec<&Section> {
    let mut out = Vec::new();
    for s in sections {
        out.push(s);
        out.extend(flatten(&s.sections));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_four_numbering_styles_are_four_levels() {
        assert_eq!(heading_level("一、我们如何收集"), Some((1, 0)));
        assert_eq!(heading_level("  （十二）共享"), Some((2, 2)));
        assert_eq!(heading_level("3、注册"), Some((3, 0)));
        assert_eq!(heading_level("3.注册"), Some((3, 0)));
        assert_eq!(heading_level("3.5 版本"), None);
        assert_eq!(heading_level("（2）登录"), Some((4, 0)));
        assert_eq!(heading_level("(一)"), None);
        assert_eq!(heading_level("一些文字、"), None);
    }

    #[test]
    fn a_numbered_sentence_is_no_heading() {
        // Ends like a sentence: an item of a list, or a paragraph.
        assert_eq!(heading_level("1、(我们)[收集]<手机号码>。"), None);
        assert_eq!(heading_level("（2）<位置信息>；"), None);
        assert_eq!(heading_level("3、您的权利\r"), Some((3, 0)));
        // Longer than a heading, brackets not counted.
        let long = format!("1、为使您购物更便捷{}", "我们会收集您的信息".repeat(4));
        assert_eq!(heading_level(&long), None);
        let forty = format!("一、{}", "😀𠮷".repeat(19));
        assert_eq!(forty.chars().count(), 40);
        assert_eq!(heading_level(&forty), Some((1, 0)));
        assert_eq!(heading_level(&format!("{forty}信")), None);
        let bracketed = format!("一、{}", "<𠮷>".repeat(19));
        assert_eq!(heading_level(&bracketed), Some((1, 0)));
    }

    #[test]
    fn practices_group_around_their_action() {
        let text = "<昵称>由(我们)[收集]<手机号码>、(我们)<位置信息>，并[共享]给(SDK){用于统计}";
        let parse = crate::syntax::parse_line(text);
        let p = line_practices(0, text, &parse);
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].name, "收集：昵称、手机号码、位置信息");
        assert_eq!(p[0].detail, "我们");
        assert_eq!(p[1].name, "共享");
        assert_eq!(p[1].detail, "SDK · 用于统计");
    }
}
