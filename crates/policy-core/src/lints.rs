//! Lints: checks beyond the syntax, from what the taxonomy and the practice
//! list say (docs/language.md §7). They have codes of their own, are off unless the
//! configuration switches them on (the annotated JD sample must show no
//! diagnostics at all under the default configuration), default to
//! `information` or `hint` when switched on without a level, and never
//! change what the syntax checks report.

use crate::analysis::{Class, class_of};
use crate::position::LinePoint;
use crate::syntax::{LineParse, Severity, SyntaxCode};

/// The lints, in the order their diagnostics are listed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lint {
    /// A data item classed as sensitive personal information.
    SensitiveData,
    /// A data item only referred to vaguely (上述信息, 相关信息).
    UnspecificData,
    /// A data item the taxonomy has no category for.
    UnclassifiedData,
    /// An action that names no known practice.
    UnknownPractice,
}

impl Lint {
    pub const ALL: [Lint; 4] = [
        Lint::SensitiveData,
        Lint::UnspecificData,
        Lint::UnclassifiedData,
        Lint::UnknownPractice,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Lint::SensitiveData => "sensitive-data",
            Lint::UnspecificData => "unspecific-data",
            Lint::UnclassifiedData => "unclassified-data",
            Lint::UnknownPractice => "unknown-practice",
        }
    }

    /// The level a lint has when switched on without one.
    pub fn default_severity(self) -> Severity {
        match self {
            Lint::SensitiveData => Severity::Information,
            _ => Severity::Hint,
        }
    }

    pub fn from_code(code: &str) -> Option<Lint> {
        Self::ALL.into_iter().find(|l| l.code() == code)
    }

    pub fn message(self) -> &'static str {
        match self {
            Lint::SensitiveData => {
                "sensitive personal information: the policy must state a specific purpose and ask separate consent (PIPL Art. 28–29)"
            }
            Lint::UnspecificData => {
                "unspecific reference to personal information: annotate the concrete items where the policy lists them"
            }
            Lint::UnclassifiedData => {
                "this data item matches no category of the taxonomy: if it is personal information, add its general term to policy-lsp.toml"
            }
            Lint::UnknownPractice => {
                "this action names no known practice (收集, 使用, 存储, 共享, 转让, 披露, 删除 …)"
            }
        }
    }

    fn applies_to(self, class: &Class) -> bool {
        match (self, class) {
            (Lint::SensitiveData, Class::Data(c)) => c.sensitive,
            (Lint::UnspecificData, Class::Data(c)) => c.vague && !c.sensitive,
            (Lint::UnclassifiedData, Class::Unclassified) => true,
            (Lint::UnknownPractice, Class::UnknownPractice) => true,
            _ => false,
        }
    }
}

/// Which lints are on, and at what level. All off by default.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LintConfig {
    levels: [Option<Severity>; 4],
}

impl LintConfig {
    /// Sets `code` to `level`: `off`, `on` (its default level), `hint`,
    /// `information`, `warning` or `error`. Syntax codes are refused: the
    /// syntax checks are the contract and cannot be re-levelled.
    pub fn set(&mut self, code: &str, level: &str) -> Result<(), String> {
        let Some(lint) = Lint::from_code(code) else {
            let syntax = [
                SyntaxCode::UnclosedAnnotation,
                SyntaxCode::UnmatchedCloser,
                SyntaxCode::MismatchedCloser,
                SyntaxCode::EmptyAnnotation,
                SyntaxCode::PaddedAnnotation,
            ];
            return Err(if syntax.iter().any(|c| c.as_str() == code) {
                format!("`{code}` is a syntax check, which cannot be switched off or re-levelled")
            } else {
                let known: Vec<&str> = Lint::ALL.iter().map(|l| l.code()).collect();
                format!("unknown lint `{code}`; the lints are {}", known.join(", "))
            });
        };
        let severity = match level {
            "off" | "false" => None,
            "on" | "true" => Some(lint.default_severity()),
            "hint" => Some(Severity::Hint),
            "information" | "info" => Some(Severity::Information),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            other => {
                return Err(format!(
                    "`{other}` is not a level for `{code}`: use off, on, hint, information, warning or error"
                ));
            }
        };
        self.levels[Lint::ALL.iter().position(|l| *l == lint).unwrap_or(0)] = severity;
        Ok(())
    }

    pub fn level(&self, lint: Lint) -> Option<Severity> {
        self.levels[Lint::ALL.iter().position(|l| *l == lint).unwrap_or(0)]
    }

    pub fn any_on(&self) -> bool {
        self.levels.iter().any(Option::is_some)
    }
}

/// What a lint found on one line: where, which lint, at what level.
/// [`crate::diagnostics`] turns findings into diagnostics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Finding {
    pub start: LinePoint,
    pub end: LinePoint,
    pub lint: Lint,
    pub severity: Severity,
}

/// The findings of the lints `config` switches on for one line, in
/// annotation order. O(annotations of the line).
pub fn line_findings<'a>(
    parse: &'a LineParse,
    classes: &'a [Class],
    config: &'a LintConfig,
) -> impl Iterator<Item = Finding> + 'a {
    parse
        .annotations
        .iter()
        .enumerate()
        .flat_map(move |(i, a)| {
            let class = class_of(classes, i);
            Lint::ALL.into_iter().filter_map(move |lint| {
                let severity = config.level(lint)?;
                lint.applies_to(class).then_some(Finding {
                    start: a.open,
                    end: a.end(),
                    lint,
                    severity,
                })
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_set_by_code_and_syntax_codes_are_refused() {
        let mut c = LintConfig::default();
        assert!(!c.any_on());
        c.set("sensitive-data", "on").unwrap();
        assert_eq!(c.level(Lint::SensitiveData), Some(Severity::Information));
        c.set("unclassified-data", "warning").unwrap();
        assert_eq!(c.level(Lint::UnclassifiedData), Some(Severity::Warning));
        c.set("sensitive-data", "off").unwrap();
        assert_eq!(c.level(Lint::SensitiveData), None);
        assert!(
            c.set("padded-annotation", "off")
                .unwrap_err()
                .contains("syntax check")
        );
        assert!(
            c.set("nonsense", "on")
                .unwrap_err()
                .contains("unknown lint")
        );
        assert!(c.set("unknown-practice", "loud").is_err());
    }
}
