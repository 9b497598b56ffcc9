//! The `[lints]` table of a workspace `policy-lsp.toml` (docs/language.md
//! §7.5): a preset, a level per lint code, and `[[lints.allow]]` entries
//! (see [`crate::allow`]). Read with the rest of the file by
//! [`crate::taxonomy::Taxonomy::with_overrides_str`], so the CLI and the
//! server find it, and reload it, exactly as they do the taxonomy.
//!
//! ```toml
//! [lints]
//! preset = "pipl"                 # every lint on at its default level
//! purpose-missing = "warning"     # then one code at a time
//! sensitive-data = "off"
//! unannotated-term-max-per-term = 20  # places of one term reported (0: all)
//!
//! [[lints.allow]]
//! code = "recipient-missing"
//! text = "我们会向合作伙伴共享您的位置信息"
//! ```
//!
//! Precedence, lowest first: the file's `preset`, the file's codes, then
//! what the user gives per run or per editor (`--lint`, the editor's
//! `lints` setting), code by code ([`LintLevels::over`]). The allow list
//! is the file's alone.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::lints::{Lint, LintConfig, MAX_PER_TERM, PRESET_PIPL};
use crate::taxonomy::TaxonomyError;

/// Lint levels as given, code by code, to be laid over other levels: a
/// preset first, then each code in the order given. Every entry was
/// accepted by [`LintConfig::set`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LintLevels {
    entries: Vec<(String, String)>,
}

impl LintLevels {
    /// Records `code = level`, or says why it cannot be used (unknown code,
    /// a syntax code, a bad level: [`LintConfig::set`]'s messages).
    pub fn set(&mut self, code: &str, level: &str) -> Result<(), String> {
        LintConfig::default().set(code, level)?;
        self.entries.push((code.to_string(), level.to_string()));
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// `base` with these levels laid over it: the preset first, then the
    /// codes in order, so `preset = "pipl"` and `sensitive-data = "off"`
    /// mean what they say in any order. O(entries × lints).
    pub fn over(&self, base: &LintConfig) -> LintConfig {
        let mut config = base.clone();
        let presets = self.entries.iter().filter(|(c, _)| c == PRESET_PIPL);
        let codes = self.entries.iter().filter(|(c, _)| c != PRESET_PIPL);
        for (code, level) in presets.chain(codes) {
            // Checked by `set`.
            let _ = config.set(code, level);
        }
        config
    }

    /// These levels over everything off.
    pub fn config(&self) -> LintConfig {
        self.over(&LintConfig::default())
    }
}

/// A finding allowed for good (`[[lints.allow]]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllowEntry {
    /// A lint code (never a syntax code).
    pub code: String,
    /// The annotated text of the finding's annotation, or a piece of the
    /// sentence holding the finding (see [`crate::allow`]).
    pub text: String,
}

/// What a workspace file's `[lints]` table says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkspaceLints {
    pub levels: LintLevels,
    pub allow: Vec<AllowEntry>,
}

/// The lints in force: the file's levels, then `overrides` (the CLI's
/// `--lint`, the editor's `lints`) code by code.
pub fn effective(file: Option<&WorkspaceLints>, overrides: &LintLevels) -> LintConfig {
    let base = file.map(|f| f.levels.config()).unwrap_or_default();
    overrides.over(&base)
}

#[derive(Deserialize)]
struct LevelsDoc {
    lints: Option<BTreeMap<String, Spanned<toml::Value>>>,
}

#[derive(Deserialize)]
struct AllowsDoc {
    lints: Option<AllowsTable>,
}

#[derive(Deserialize)]
struct AllowsTable {
    #[serde(default)]
    allow: Vec<AllowDoc>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AllowDoc {
    code: Spanned<String>,
    text: Spanned<String>,
}

/// The `[lints]` table of a workspace file's text, `None` when it has
/// none. `path` names the file in errors, which give the line.
/// O(file); a file that never says `lints` is not parsed again.
pub fn parse(text: &str, path: &Path) -> Result<Option<WorkspaceLints>, TaxonomyError> {
    if !text.contains("lints") {
        return Ok(None);
    }
    let error = |byte: Option<usize>, message: String| TaxonomyError {
        path: path.to_path_buf(),
        line: byte.map(|b| line_of(text, b)),
        message,
    };
    let de = |e: toml::de::Error| error(e.span().map(|s| s.start), e.message().trim().to_string());
    let levels: LevelsDoc = toml::from_str(text).map_err(de)?;
    let Some(table) = levels.lints else {
        return Ok(None);
    };
    let mut out = WorkspaceLints::default();
    for (key, value) in table {
        let at = Some(value.span().start);
        let value = value.into_inner();
        if key == "allow" {
            continue;
        }
        let code = if key == "preset" {
            match &value {
                toml::Value::String(s) if s == PRESET_PIPL => PRESET_PIPL.to_string(),
                other => {
                    return Err(error(
                        at,
                        format!(
                            "[lints] preset must be \"{PRESET_PIPL}\" (the only preset), not {}",
                            shown(other)
                        ),
                    ));
                }
            }
        } else {
            key.clone()
        };
        let level = match (&value, key == "preset") {
            (_, true) => "on".to_string(),
            (toml::Value::Integer(n), _) if key == MAX_PER_TERM => n.to_string(),
            (toml::Value::String(s), _) => s.clone(),
            (toml::Value::Boolean(b), _) => b.to_string(),
            (other, _) => {
                return Err(error(
                    at,
                    format!(
                        "[lints] `{key}` must be a level (\"off\", \"on\", \"hint\", \"information\", \"warning\" or \"error\"), not {}",
                        shown(other)
                    ),
                ));
            }
        };
        out.levels
            .set(&code, &level)
            .map_err(|e| error(at, format!("[lints] {e}")))?;
    }
    let allows: AllowsDoc = toml::from_str(text).map_err(de)?;
    for entry in allows.lints.map(|l| l.allow).unwrap_or_default() {
        let at = Some(entry.code.span().start);
        let code = entry.code.into_inner();
        if Lint::from_code(&code).is_none() {
            let mut probe = LintConfig::default();
            let why = probe.set(&code, "on").err().unwrap_or_default();
            return Err(error(at, format!("[[lints.allow]] code: {why}")));
        }
        let text_at = Some(entry.text.span().start);
        let allowed = entry.text.into_inner();
        if allowed.trim().is_empty() {
            return Err(error(
                text_at,
                "[[lints.allow]] text is empty: give the annotated text or a piece of the sentence to allow"
                    .to_string(),
            ));
        }
        out.allow.push(AllowEntry {
            code,
            text: allowed.trim().to_string(),
        });
    }
    Ok(Some(out))
}

/// A TOML value as an error shows it.
fn shown(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => format!("\"{s}\""),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => f.to_string(),
        toml::Value::Boolean(b) => b.to_string(),
        other => format!("a {}", other.type_str()),
    }
}

/// 1-based line of a byte offset.
fn line_of(text: &str, byte: usize) -> usize {
    let end = byte.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::Severity;

    fn parsed(text: &str) -> Result<Option<WorkspaceLints>, TaxonomyError> {
        parse(text, Path::new("/w/policy-lsp.toml"))
    }

    #[test]
    fn preset_then_codes_whatever_the_order() {
        let file = parsed(
            "[lints]\npurpose-missing = \"warning\"\nsensitive-data = \"off\"\npreset = \"pipl\"\n",
        )
        .unwrap()
        .unwrap();
        let config = effective(Some(&file), &LintLevels::default());
        assert_eq!(config.level(Lint::PurposeMissing), Some(Severity::Warning));
        assert_eq!(config.level(Lint::SensitiveData), None);
        assert_eq!(
            config.level(Lint::RecipientMissing),
            Some(Lint::RecipientMissing.default_severity())
        );
        // What the user gives wins, code by code.
        let mut user = LintLevels::default();
        user.set("sensitive-data", "error").unwrap();
        let config = effective(Some(&file), &user);
        assert_eq!(config.level(Lint::SensitiveData), Some(Severity::Error));
        assert_eq!(config.level(Lint::PurposeMissing), Some(Severity::Warning));
    }

    #[test]
    fn the_cap_of_unannotated_places_is_read_as_a_number() {
        let cap = |text: &str| {
            let file = parsed(text).unwrap().unwrap();
            effective(Some(&file), &LintLevels::default()).max_per_term
        };
        assert_eq!(cap("[lints]\npreset = \"pipl\"\n"), 20);
        assert_eq!(
            cap("[lints]\nunannotated-term-max-per-term = 0\npreset = \"pipl\"\n"),
            0
        );
        assert_eq!(cap("[lints]\nunannotated-term-max-per-term = 5\n"), 5);
        // The editor's or the command line's value wins.
        let file = parsed("[lints]\nunannotated-term-max-per-term = 5\n")
            .unwrap()
            .unwrap();
        let mut user = LintLevels::default();
        user.set("unannotated-term-max-per-term", "0").unwrap();
        assert_eq!(effective(Some(&file), &user).max_per_term, 0);
        let e = parsed("[lints]\n\nunannotated-term-max-per-term = -1\n")
            .err()
            .unwrap();
        assert_eq!(e.line, Some(3), "{e}");
        assert!(e.message.contains("not a number"), "{e}");
    }

    #[test]
    fn a_bad_level_names_the_line() {
        let e = parsed("[category]\n\n[lints]\npreset = \"pipl\"\npurpose-missing = \"loud\"\n")
            .err()
            .unwrap();
        assert_eq!(e.line, Some(5), "{e}");
        assert!(e.to_string().starts_with("/w/policy-lsp.toml:5: "), "{e}");
        assert!(e.message.contains("`loud` is not a level"), "{e}");
        let e = parsed("[lints]\npreset = \"gdpr\"\n").err().unwrap();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("preset"), "{e}");
        let e = parsed("[lints]\nunclosed-annotation = \"off\"\n")
            .err()
            .unwrap();
        assert!(e.message.contains("syntax check"), "{e}");
        let e = parsed("[lints]\nno-such = \"on\"\n").err().unwrap();
        assert!(e.message.contains("unknown lint"), "{e}");
        let e = parsed("[lints]\nsensitive-data = 3\n").err().unwrap();
        assert_eq!(e.line, Some(2));
    }

    #[test]
    fn allow_entries_are_read_and_checked() {
        let file = parsed(
            "[lints]\npreset = \"pipl\"\n\n[[lints.allow]]\ncode = \"recipient-missing\"\ntext = \" 共享您的位置信息 \"\n",
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            file.allow,
            [AllowEntry {
                code: "recipient-missing".into(),
                text: "共享您的位置信息".into()
            }]
        );
        let e = parsed("[[lints.allow]]\ncode = \"padded-annotation\"\ntext = \"x\"\n")
            .err()
            .unwrap();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("syntax check"), "{e}");
        let e = parsed("[[lints.allow]]\ncode = \"sensitive-data\"\ntext = \"\"\n")
            .err()
            .unwrap();
        assert_eq!(e.line, Some(3));
        let e = parsed("[[lints.allow]]\ncode = \"sensitive-data\"\ntext = \"x\"\npath = \"*\"\n")
            .err()
            .unwrap();
        assert!(e.message.contains("path"), "{e}");
        assert_eq!(parsed("[matching]\nheads = [\"x\"]\n").unwrap(), None);
    }
}
