//! Inlay hints: a short label after each sensitive data item
//! (`<指纹>` ⟶ `敏感·生物识别`), so that sensitive information stands out
//! while reading the policy.

use std::ops::Range;

use crate::analysis::{Class, Classes, is_sensitive};
use crate::document::Document;
use crate::position::LinePoint;
use crate::syntax::AnnotationKind;
use crate::taxonomy::{Category, Taxonomy};

/// One hint, shown at `at` of line `line`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hint {
    pub line: usize,
    pub at: LinePoint,
    pub label: String,
    pub tooltip: String,
}

/// `敏感·生物识别` for 个人生物识别信息: the category name without the
/// 个人 / 信息 that every category shares.
pub fn short_label(category: &Category) -> String {
    let name = category.name_zh.as_str();
    let short = name.strip_prefix("个人").unwrap_or(name);
    let short = short.strip_suffix("信息").unwrap_or(short);
    let short = if short.is_empty() { name } else { short };
    format!("敏感·{short}")
}

/// The hints of lines `lines`, after each data item the sensitivity flags
/// mark. O(lines in range + sensitive items' classification).
pub fn sensitive_hints(
    doc: &Document,
    lines: Range<usize>,
    classes: &Classes,
    taxonomy: &Taxonomy,
) -> Vec<Hint> {
    let mut out = Vec::new();
    for line in lines.start..lines.end.min(doc.line_count()) {
        let flags = classes.line(line);
        if !flags.iter().any(Class::is_sensitive) {
            continue;
        }
        let (Some(parse), Some(text)) = (doc.line_parse(line), doc.line_text(line)) else {
            continue;
        };
        for (i, a) in parse.annotations.iter().enumerate() {
            if a.kind != AnnotationKind::Data || !is_sensitive(flags, i) {
                continue;
            }
            let c = taxonomy.classify(&a.value(&text));
            if let Some(cat) = c
                .items
                .iter()
                .find_map(|i| i.category.as_deref().filter(|c| c.sensitive))
            {
                out.push(Hint {
                    line,
                    at: a.end(),
                    label: short_label(cat),
                    tooltip: format!("{} · {} ({})", cat.label(), cat.name_zh, cat.source),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn category(name: &str) -> Category {
        Category {
            id: "x".into(),
            name_zh: name.into(),
            name_en: String::new(),
            sensitive: true,
            vague: false,
            personal: true,
            deidentified: false,
            source: String::new(),
            note: None,
            definition: None,
            owners: vec![],
            keywords: vec![],
            exact: vec![],
            refines: None,
        }
    }

    #[test]
    fn labels_drop_what_every_category_name_shares() {
        assert_eq!(short_label(&category("个人生物识别信息")), "敏感·生物识别");
        assert_eq!(
            short_label(&category("网络身份标识信息")),
            "敏感·网络身份标识"
        );
        assert_eq!(short_label(&category("个人信息")), "敏感·个人信息");
    }
}
