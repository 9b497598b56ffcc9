//! Settings from `initializationOptions` and `workspace/didChangeConfiguration`.
//!
//! Both take the same JSON object, either bare or under a `policyLsp` key
//! (as VS Code sends its section):
//!
//! ```json
//! { "taxonomy": "/path/to/policy-lsp.toml", "pullDiagnostics": false,
//!   "inlayHints": true, "referencesByCategory": false,
//!   "lints": { "sensitive-data": "on", "unclassified-data": "hint" } }
//! // or "lints": ["pipl"]: every lint on at its default level
//! ```
//!
//! Unknown keys are ignored; a value of the wrong type is reported and the
//! previous value kept.
//!
//! `lints` is laid over the `[lints]` table of the document's
//! `policy-lsp.toml` code by code: the file's preset and levels hold
//! unless the editor names the same code (so `["pipl"]` here switches
//! every lint on, even one the file turns off). The file's
//! `[[lints.allow]]` entries apply whatever the editor says.

use std::path::PathBuf;

use serde_json::Value;

use policy_core::lints::{Lint, LintConfig};
use policy_core::taxonomy::Taxonomy;
use policy_core::workspace_lints::{LintLevels, effective};

/// The server's settings.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// A taxonomy file that replaces the workspace search.
    pub taxonomy: Option<PathBuf>,
    /// Advertise pull diagnostics. Off by default: the server always
    /// publishes, and a client that also pulls would show everything twice.
    /// `textDocument/diagnostic` is answered either way.
    pub pull_diagnostics: bool,
    /// Show `敏感·…` after sensitive data items. On by default; when off at
    /// `initialize`, the server does not offer inlay hints at all.
    pub inlay_hints: bool,
    /// Highlight and references of a data item include every item of its
    /// taxonomy category, not just the same value. Off by default.
    pub references_by_category: bool,
    /// Lint levels laid over the workspace file's `[lints]`, code by code
    /// (all off by default; see `lints.rs` and `workspace_lints.rs`): a
    /// code the editor names wins over the file, one it does not name
    /// keeps the file's level. A `lints` object replaces the previous one
    /// whole, so a client that sends its full settings drops what it no
    /// longer lists.
    pub lints: LintLevels,
    /// The other annotator's version of each document, for `disagreement`
    /// hints: a folder (the document's path relative to the workspace root
    /// is looked up in it), or a path with `${relativeFile}` in it. A
    /// relative path is taken from the workspace root. Off when `None`.
    pub compare_with: Option<String>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            taxonomy: None,
            pull_diagnostics: false,
            inlay_hints: true,
            references_by_category: false,
            lints: LintLevels::default(),
            compare_with: None,
        }
    }
}

impl Settings {
    /// The lints in force for a document classified with `taxonomy`: its
    /// `policy-lsp.toml`'s `[lints]`, with the editor's `lints` laid over.
    pub fn lints_for(&self, taxonomy: &Taxonomy) -> LintConfig {
        effective(taxonomy.workspace_lints(), &self.lints)
    }

    /// Applies the keys present in `value`; returns a message for each
    /// value that could not be used.
    pub fn apply(&mut self, value: &Value) -> Vec<String> {
        let mut problems = Vec::new();
        let value = value.get("policyLsp").unwrap_or(value);
        let Some(obj) = value.as_object() else {
            if !value.is_null() {
                problems.push(format!(
                    "settings must be a JSON object, not {}",
                    shown(value)
                ));
            }
            return problems;
        };
        // A list of codes (`["pipl"]`) switches each on at its default level.
        let listed: Option<serde_json::Map<String, Value>> = match obj.get("lints") {
            Some(Value::Array(codes)) if codes.iter().all(Value::is_string) => Some(
                codes
                    .iter()
                    .filter_map(Value::as_str)
                    .map(|c| (c.to_string(), Value::String("on".to_string())))
                    .collect(),
            ),
            _ => None,
        };
        let lints = match &listed {
            Some(levels) => Some(levels),
            None => match obj.get("lints") {
                Some(Value::Object(levels)) => Some(levels),
                _ => None,
            },
        };
        match (obj.get("lints"), lints) {
            (None | Some(Value::Null), _) => {}
            (_, Some(levels)) => {
                let mut lints = LintLevels::default();
                let mut refused = Vec::new();
                let mut unknown = Vec::new();
                for (code, level) in levels {
                    let level = match level {
                        Value::String(s) => s.clone(),
                        Value::Bool(b) => b.to_string(),
                        other => other.to_string(),
                    };
                    match lints.set(code, &level) {
                        Ok(()) => {}
                        // `set`'s message for an unknown code lists the known
                        // ones; said once below, not once per code.
                        Err(e) if e.starts_with("unknown lint") => {
                            unknown.push(format!("`{code}`"));
                        }
                        Err(e) => refused.push(e),
                    }
                }
                if !unknown.is_empty() {
                    let known: Vec<&str> = Lint::ALL.iter().map(|l| l.code()).collect();
                    refused.insert(
                        0,
                        format!(
                            "unknown lints, ignored (the lints are {}): {}",
                            known.join(", "),
                            capped(&unknown, ", ", MAX_MESSAGE_CHARS / 2)
                        ),
                    );
                }
                if !refused.is_empty() {
                    problems.push(format!(
                        "lints: {}",
                        capped(&refused, "; ", MAX_MESSAGE_CHARS)
                    ));
                }
                self.lints = lints;
            }
            (Some(other), None) => problems.push(format!(
                "`lints` must be an object of code: level or a list of codes, not {}",
                shown(other)
            )),
        }
        match obj.get("taxonomy") {
            None => {}
            Some(Value::Null) => self.taxonomy = None,
            Some(Value::String(s)) if s.is_empty() => self.taxonomy = None,
            Some(Value::String(s)) => self.taxonomy = Some(PathBuf::from(s)),
            Some(other) => problems.push(format!(
                "`taxonomy` must be a file path, not {}",
                shown(other)
            )),
        }
        match obj.get("pullDiagnostics") {
            None => {}
            Some(Value::Bool(b)) => self.pull_diagnostics = *b,
            Some(other) => problems.push(format!(
                "`pullDiagnostics` must be true or false, not {}",
                shown(other)
            )),
        }
        match obj.get("inlayHints") {
            None => {}
            Some(Value::Bool(b)) => self.inlay_hints = *b,
            Some(other) => problems.push(format!(
                "`inlayHints` must be true or false, not {}",
                shown(other)
            )),
        }
        match obj.get("referencesByCategory") {
            None => {}
            Some(Value::Bool(b)) => self.references_by_category = *b,
            Some(other) => problems.push(format!(
                "`referencesByCategory` must be true or false, not {}",
                shown(other)
            )),
        }
        match obj.get("compareWith") {
            None => {}
            Some(Value::Null) => self.compare_with = None,
            Some(Value::String(s)) if s.is_empty() => self.compare_with = None,
            Some(Value::String(s)) => self.compare_with = Some(s.clone()),
            Some(other) => problems.push(format!(
                "`compareWith` must be a folder or a path with ${{relativeFile}}, not {other}"
            )),
        }
        problems
    }
}

/// Longest message about settings: a client sending 100,000 wrong lint
/// codes gets one readable line, not a 4 MB one.
const MAX_MESSAGE_CHARS: usize = 1000;

/// A value as the user sent it, cut short: a wrong value can be megabytes.
fn shown(value: &Value) -> String {
    const MAX_VALUE_CHARS: usize = 200;
    let text = value.to_string();
    if text.chars().count() <= MAX_VALUE_CHARS {
        return text;
    }
    let mut cut: String = text.chars().take(MAX_VALUE_CHARS).collect();
    cut.push('…');
    cut
}

/// Many items in one message: as many as fit in `max` characters, then
/// how many more.
fn capped(items: &[String], sep: &str, max: usize) -> String {
    let mut out = String::new();
    let mut chars = 0;
    for (i, item) in items.iter().enumerate() {
        let sep = if i == 0 { "" } else { sep };
        let len = sep.chars().count() + item.chars().count();
        if chars + len > max {
            if i == 0 {
                out.extend(item.chars().take(max));
                out.push('…');
            }
            let rest = items.len() - i.max(1);
            if rest > 0 {
                out.push_str(&format!(" … and {rest} more"));
            }
            return out;
        }
        out.push_str(sep);
        out.push_str(item);
        chars += len;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_bare_and_sectioned_settings_and_reports_bad_values() {
        let mut s = Settings::default();
        assert!(
            s.apply(&json!({"taxonomy": "/x/policy-lsp.toml"}))
                .is_empty()
        );
        assert_eq!(s.taxonomy, Some(PathBuf::from("/x/policy-lsp.toml")));
        assert!(
            s.apply(&json!({"policyLsp": {"pullDiagnostics": true}}))
                .is_empty()
        );
        assert!(s.pull_diagnostics);
        assert!(s.inlay_hints, "inlay hints are on by default");
        assert!(s.apply(&json!({"inlayHints": false})).is_empty());
        assert!(!s.inlay_hints);
        let problems = s.apply(&json!({"taxonomy": 3}));
        assert_eq!(problems.len(), 1);
        assert_eq!(s.taxonomy, Some(PathBuf::from("/x/policy-lsp.toml")));
        assert!(s.apply(&json!({"compareWith": "../b"})).is_empty());
        assert_eq!(s.compare_with.as_deref(), Some("../b"));
        assert_eq!(s.apply(&json!({"compareWith": ["x"]})).len(), 1);
        assert_eq!(s.compare_with.as_deref(), Some("../b"));
        assert!(s.apply(&json!({"compareWith": null})).is_empty());
        assert_eq!(s.compare_with, None);
    }

    #[test]
    fn a_list_of_codes_switches_them_on_and_pipl_is_every_lint() {
        let mut s = Settings::default();
        assert!(s.apply(&json!({ "lints": ["pipl"] })).is_empty());
        for lint in Lint::ALL {
            assert_eq!(
                s.lints.config().level(lint),
                Some(lint.default_severity()),
                "{lint:?}"
            );
        }
        assert!(s.apply(&json!({ "lints": ["purpose-missing"] })).is_empty());
        assert!(s.lints.config().level(Lint::PurposeMissing).is_some());
        assert!(
            s.lints.config().level(Lint::SensitiveData).is_none(),
            "a list replaces the lints whole"
        );
        let problems = s.apply(&json!({ "lints": [1, 2] }));
        assert!(problems[0].contains("list of codes"), "{problems:?}");
    }

    #[test]
    fn many_unknown_lints_are_one_short_message() {
        let mut lints = serde_json::Map::new();
        for i in 0..100_000 {
            lints.insert(format!("no-such-lint-{i}"), json!("on"));
        }
        lints.insert("sensitive-data".to_string(), json!("warning"));
        let mut s = Settings::default();
        let problems = s.apply(&json!({ "lints": lints }));
        assert_eq!(problems.len(), 1, "one message, not one per code");
        let message = &problems[0];
        assert!(
            message.chars().count() <= MAX_MESSAGE_CHARS + 50,
            "{} chars",
            message.len()
        );
        assert!(message.contains("`no-such-lint-0`"), "{message}");
        assert_eq!(message.matches("the lints are").count(), 1, "{message}");
        assert!(message.ends_with("more"), "{message}");
        assert!(
            message.contains("sensitive-data"),
            "the known lints are named"
        );
        // The valid entry still applies.
        assert!(s.lints.config().any_on(), "sensitive-data is on");
    }

    #[test]
    fn a_huge_wrong_value_is_shown_cut_short() {
        let mut s = Settings::default();
        let problems = s.apply(&json!({ "inlayHints": vec!["x"; 100_000] }));
        assert_eq!(problems.len(), 1);
        assert!(problems[0].starts_with("`inlayHints` must be true or false, not [\"x\""));
        assert!(problems[0].chars().count() < 300, "{}", problems[0].len());
    }

    #[test]
    fn a_few_problems_are_all_listed() {
        let problems = vec!["a".to_string(), "b".to_string()];
        assert_eq!(capped(&problems, "; ", MAX_MESSAGE_CHARS), "a; b");
        let long = vec!["x".repeat(5000)];
        let one = capped(&long, "; ", MAX_MESSAGE_CHARS);
        assert_eq!(one.chars().count(), MAX_MESSAGE_CHARS + 1);
    }
}
