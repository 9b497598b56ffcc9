//! Settings from `initializationOptions` and `workspace/didChangeConfiguration`.
//!
//! Both take the same JSON object, either bare or under a `policyLsp` key
//! (as VS Code sends its section):
//!
//! ```json
//! { "taxonomy": "/path/to/policy-lsp.toml", "pullDiagnostics": false }
//! ```
//!
//! Unknown keys are ignored; a value of the wrong type is reported and the
//! previous value kept.

use std::path::PathBuf;

use serde_json::Value;

/// The server's settings.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Settings {
    /// A taxonomy file that replaces the workspace search.
    pub taxonomy: Option<PathBuf>,
    /// Advertise pull diagnostics. Off by default: the server always
    /// publishes, and a client that also pulls would show everything twice.
    /// `textDocument/diagnostic` is answered either way.
    pub pull_diagnostics: bool,
}

impl Settings {
    /// Applies the keys present in `value`; returns a message for each
    /// value that could not be used.
    pub fn apply(&mut self, value: &Value) -> Vec<String> {
        let mut problems = Vec::new();
        let value = value.get("policyLsp").unwrap_or(value);
        let Some(obj) = value.as_object() else {
            if !value.is_null() {
                problems.push(format!("settings must be a JSON object, not {value}"));
            }
            return problems;
        };
        match obj.get("taxonomy") {
            None => {}
            Some(Value::Null) => self.taxonomy = None,
            Some(Value::String(s)) if s.is_empty() => self.taxonomy = None,
            Some(Value::String(s)) => self.taxonomy = Some(PathBuf::from(s)),
            Some(other) => problems.push(format!("`taxonomy` must be a file path, not {other}")),
        }
        match obj.get("pullDiagnostics") {
            None => {}
            Some(Value::Bool(b)) => self.pull_diagnostics = *b,
            Some(other) => problems.push(format!(
                "`pullDiagnostics` must be true or false, not {other}"
            )),
        }
        problems
    }
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
        let problems = s.apply(&json!({"taxonomy": 3}));
        assert_eq!(problems.len(), 1);
        assert_eq!(s.taxonomy, Some(PathBuf::from("/x/policy-lsp.toml")));
    }
}
