//! What an annotation means, in words for the annotator: the text behind
//! the hover. No positions and no protocol here.

use crate::practices::Practice;
use crate::syntax::AnnotationKind;
use crate::taxonomy::{Category, Classification, ItemClass, Taxonomy};
use crate::vocabulary::{Party, party, practice};

/// The hover text of an annotation of `kind` with `value`, as lines of
/// Markdown (`markdown`) or plain text. The first line is the verdict.
pub fn describe(kind: AnnotationKind, value: &str, taxonomy: &Taxonomy, markdown: bool) -> String {
    describe_in(kind, value, taxonomy, markdown, None)
}

/// [`describe`] for an annotation of the sentence whose practice is
/// `sentence`: an action's hover shows it in one line ([`practice_line`])
/// under the verdict.
pub fn describe_in(
    kind: AnnotationKind,
    value: &str,
    taxonomy: &Taxonomy,
    markdown: bool,
    sentence: Option<&Practice>,
) -> String {
    let code = |s: &str| {
        if markdown {
            format!("`{s}`")
        } else {
            s.to_string()
        }
    };
    let bold = |s: &str| {
        if markdown {
            format!("**{s}**")
        } else {
            s.to_string()
        }
    };
    let mut out = Vec::new();
    match kind {
        AnnotationKind::Data => {
            let c = taxonomy.classify(value);
            out.push(bold(&verdict(&c)));
            out.push(String::new());
            if c.items.len() > 1 {
                for item in &c.items {
                    out.push(format!("- {}: {}", code(&item.text), item_verdict(item)));
                }
                out.push(String::new());
            }
            let matches: Vec<String> = c.matches().iter().map(|m| code(m)).collect();
            if !matches.is_empty() {
                out.push(format!("Matched: {}", matches.join(", ")));
            }
            if let Some(owner) = c.owner() {
                if markdown && !matches.is_empty() {
                    out.push(String::new());
                }
                out.push(format!("Whose: {}", owner_words(owner)));
            }
            if let Some(cat) = c.category() {
                // Markdown joins adjacent lines into one paragraph.
                if markdown && (!matches.is_empty() || c.owner().is_some()) {
                    out.push(String::new());
                }
                out.push(format!("Source: {}", cat.source));
                if let Some(definition) = &cat.definition {
                    out.push(String::new());
                    out.push(format!("Definition: {definition}"));
                }
            }
            // One blank line before the reason, not two when nothing
            // (matches, owner, source) came between it and the verdict.
            if out.last().is_some_and(|l| !l.is_empty()) {
                out.push(String::new());
            }
            out.push(why(&c).to_string());
        }
        AnnotationKind::Action => {
            match practice(value) {
                Some(p) => out.push(bold(&format!("处理活动 · {} ({})", p.name_zh, p.name_en))),
                None => out.push(bold("处理活动 · 未识别 (unrecognised practice)")),
            }
            out.push(String::new());
            if let Some(p) = sentence {
                out.push(practice_line(p));
                out.push(String::new());
            }
            out.push("The practice a data item undergoes; pair it with the (actor) who performs it and the <data> it concerns.".to_string());
        }
        AnnotationKind::Actor => {
            let line = match party(value) {
                Party::First => "主体 · 第一方 (first party: the controller that wrote the policy)",
                Party::Subject => "主体 · 个人信息主体 (the user the information is about)",
                Party::Third => "主体 · 第三方 (third party: processor, partner or recipient)",
            };
            out.push(bold(line));
            if party(value) == Party::Third {
                out.push(String::new());
                out.push("Sharing with a third party needs its name, purpose and the data shared, and separate consent (PIPL Art. 23).".to_string());
            }
        }
        AnnotationKind::Purpose => {
            out.push(bold("目的 · 处理目的或条件 (purpose or condition)"));
            out.push(String::new());
            out.push(
                "Processing needs a specific, explicit purpose (PIPL Art. 6, 17).".to_string(),
            );
        }
    }
    out.join("\n")
}

/// A category's definition and source, for completion's documentation:
/// the same words as the hover's `Definition:` and `Source:` lines.
pub fn category_documentation(c: &Category) -> String {
    match &c.definition {
        Some(definition) => format!("{definition}\n\nSource: {}", c.source),
        None => format!("Source: {}", c.source),
    }
}

/// Whose information an owner prefix says it is.
fn owner_words(owner: &Category) -> String {
    if owner.sensitive {
        format!(
            "{} — a child's information is sensitive whatever its kind (PIPL Art. 28), and needs a guardian's consent and its own rules (PIPL Art. 31)",
            owner.name_zh
        )
    } else {
        format!(
            "{} — a third party's (family member, contact), sensitive or not by its kind; the user provides it about someone else",
            owner.name_zh
        )
    }
}

fn name_of(c: &Category) -> String {
    if c.vague {
        format!("{} (unspecific reference)", c.name_zh)
    } else {
        c.name_zh.clone()
    }
}

/// `个人敏感信息 · 个人身份信息`, `个人信息 · …` or `未分类`.
fn verdict(c: &Classification) -> String {
    match c.category() {
        Some(cat) => format!("{} · {}", c.label(), name_of(cat)),
        None => format!("{} (unclassified: no taxonomy keyword matched)", c.label()),
    }
}

fn item_verdict(item: &ItemClass) -> String {
    match &item.category {
        Some(cat) => format!("{} · {}", item.label(), name_of(cat)),
        None => item.label().to_string(),
    }
}

fn why(c: &Classification) -> &'static str {
    let minor = c
        .category()
        .is_some_and(|cat| cat.sensitive && cat.source.contains("第三十一条"));
    if c.personal() == Some(false) {
        "Not personal information: anonymised or aggregated information that identifies no one (GB/T 35273-2020 §3.14; PIPL Art. 4). De-identified (去标识化) information would still be personal (§3.15)."
    } else if minor {
        "Sensitive personal information of a child under 14 (PIPL Art. 28): processing needs the consent of a parent or guardian and dedicated rules (PIPL Art. 31; GB/T 35273-2020 §5.4)."
    } else if c.sensitive() {
        "Sensitive personal information: the policy must state a specific purpose and necessity, and processing needs separate consent (PIPL Art. 28–30; GB/T 35273-2020 §5.4)."
    } else if c.category().is_some_and(|cat| cat.deidentified) {
        "De-identified information is still personal information (GB/T 35273-2020 §3.15), unlike anonymised information (§3.14): annotate the concrete items where the policy lists them."
    } else if c.vague() {
        "An unspecific reference: annotate the concrete items where the policy lists them."
    } else if c.category().is_some() {
        "Personal information: processing needs a stated purpose and a legal basis (PIPL Art. 13, 17)."
    } else {
        "Not in the taxonomy: if this is personal information, add its general term to policy-lsp.toml."
    }
}

/// A practice in one line: `我们 → 共享 → 位置信息（敏感） → 广告投放 ·
/// 否定 ✗ · 同意 ✓` — actors, actions, data (marked 敏感 when sensitive,
/// 泛指 when an unspecific reference), purposes, each joined with 、 and
/// `—` when the sentence has none; then whether it is negated and states
/// consent, and 监护人同意 ✓ when a guardian consents.
pub fn practice_line(p: &Practice) -> String {
    fn part<'a>(items: impl Iterator<Item = std::borrow::Cow<'a, str>>) -> String {
        let joined: Vec<_> = items.collect();
        if joined.is_empty() {
            "—".to_string()
        } else {
            joined.join("、")
        }
    }
    let mark = |b: bool| if b { "✓" } else { "✗" };
    let actors = part(p.actors.iter().map(|a| a.text.as_ref().into()));
    let actions = part(p.actions.iter().map(|a| a.text.as_ref().into()));
    let data = part(p.data.iter().map(|d| {
        if d.sensitive() {
            format!("{}（敏感）", d.text).into()
        } else if d.vague() {
            format!("{}（泛指）", d.text).into()
        } else {
            d.text.as_ref().into()
        }
    }));
    let purposes = part(p.purposes.iter().map(|t| t.as_ref().into()));
    let mut line = format!(
        "{actors} → {actions} → {data} → {purposes} · 否定 {} · 同意 {}",
        mark(p.negated),
        mark(p.consent)
    );
    if p.guardian {
        line.push_str(" · 监护人同意 ✓");
    }
    line
}
