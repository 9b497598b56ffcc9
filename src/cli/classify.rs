//! `policy-lsp classify TERM... [--format json] [--taxonomy FILE]`: shows how
//! the taxonomy classifies data annotation values, for a person or as JSON
//! lines (one object per term, in the order given).

use std::io::{self, Write};

use policy_core::taxonomy::{Category, Classification, ItemClass, Taxonomy};

/// Prints the classification of each term. With `json`, one JSON object per
/// line per term with `term`, `label`, `category` (id or null),
/// `category_name`, `category_name_en`, `sensitive`, `vague`, `personal`
/// (false for information that is not personal: statistics, anonymised
/// data; null when unclassified), `owner` (the id of whose information it
/// is when an owner prefix says so: `minor_under_14`, `third_party`; else
/// null), `matches`, `source`, `definition`, `note` and `items` (the same
/// fields per list item).
pub fn run(
    terms: &[String],
    json: bool,
    taxonomy: &Taxonomy,
    out: &mut dyn Write,
) -> io::Result<()> {
    for term in terms {
        let class = taxonomy.classify(term);
        if json {
            writeln!(out, "{}", to_json(&class))?;
        } else {
            write_human(&class, out)?;
        }
    }
    Ok(())
}

fn category_fields(
    category: Option<&Category>,
) -> (serde_json::Value, serde_json::Value, serde_json::Value) {
    match category {
        Some(c) => (
            c.id.clone().into(),
            c.name_zh.clone().into(),
            c.name_en.clone().into(),
        ),
        None => Default::default(),
    }
}

fn item_json(item: &ItemClass) -> serde_json::Value {
    let category = item.category.as_deref();
    let (id, name, name_en) = category_fields(category);
    serde_json::json!({
        "text": item.text,
        "label": item.label(),
        "category": id,
        "category_name": name,
        "category_name_en": name_en,
        "sensitive": item.sensitive(),
        "vague": item.vague(),
        "personal": item.personal(),
        "owner": item.owner.as_ref().map(|c| c.id.as_str()),
        "matches": item.matches,
        "source": category.map(|c| c.source.as_str()),
    })
}

fn to_json(class: &Classification) -> serde_json::Value {
    let category = class.category();
    let (id, name, name_en) = category_fields(category);
    serde_json::json!({
        "term": class.term,
        "label": class.label(),
        "category": id,
        "category_name": name,
        "category_name_en": name_en,
        "sensitive": class.sensitive(),
        "vague": class.vague(),
        "personal": class.personal(),
        "owner": class.owner().map(|c| c.id.as_str()),
        "matches": class.matches(),
        "source": category.map(|c| c.source.as_str()),
        "definition": category.and_then(|c| c.definition.as_deref()),
        "note": category.and_then(|c| c.note.as_deref()),
        "items": class.items.iter().map(item_json).collect::<Vec<_>>(),
    })
}

/// `个人敏感信息 · 个人身份信息 (identity)`, the hover's first line plus the id.
fn headline(label: &str, category: Option<&Category>) -> String {
    match category {
        Some(c) => format!("{label} · {} ({})", c.name_zh, c.id),
        None => label.to_string(),
    }
}

fn write_human(class: &Classification, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{}", class.term)?;
    let category = class.category();
    write!(out, "  {}", headline(class.label(), category))?;
    if class.vague() {
        write!(
            out,
            " — unspecific: the phrase does not say which information"
        )?;
    }
    if class.personal() == Some(false) {
        write!(out, " — not personal information")?;
    }
    // A child's item already names the child's category.
    if let Some(owner) = class
        .owner()
        .filter(|o| category.is_none_or(|c| c.id != o.id))
    {
        write!(out, " — whose: {} ({})", owner.name_zh, owner.id)?;
    }
    writeln!(out)?;
    match category {
        Some(c) => {
            writeln!(out, "  matched: {}", class.matches().join(", "))?;
            writeln!(out, "  source: {}", c.source)?;
            if let Some(definition) = &c.definition {
                writeln!(out, "  definition: {definition}")?;
            }
            if let Some(note) = &c.note {
                writeln!(out, "  note: {note}")?;
            }
        }
        None => writeln!(out, "  no keyword of the taxonomy matched")?,
    }
    if class.items.len() > 1 {
        writeln!(out, "  items:")?;
        for item in &class.items {
            let matched = if item.matches.is_empty() {
                String::new()
            } else {
                format!("  [{}]", item.matches.join(", "))
            };
            writeln!(
                out,
                "    {}: {}{matched}",
                item.text,
                headline(item.label(), item.category.as_deref())
            )?;
        }
    }
    Ok(())
}
