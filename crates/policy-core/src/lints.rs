//! Lints: checks beyond the syntax, from what the taxonomy and the practice
//! list say (docs/language.md §7). They have codes of their own, are off unless the
//! configuration switches them on (the annotated JD sample must show no
//! diagnostics at all under the default configuration), default to
//! `information` or `hint` when switched on without a level, and never
//! change what the syntax checks report. Most read one annotation's class;
//! `purpose-missing`, `recipient-missing`, `sensitive-without-consent` and
//! `minor-without-guardian` read a sentence's practice
//! ([`practice_findings`]). The preset `pipl` switches them all on.

use crate::analysis::{Class, class_of};
use crate::position::LinePoint;
use crate::practices::Practice;
use crate::syntax::{LineParse, Severity, SyntaxCode};
use crate::vocabulary::{ActionClass, Party};

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
    /// Personal data collected or used, and no purpose in the sentence.
    PurposeMissing,
    /// Data shared, transferred, entrusted or disclosed to nobody named.
    RecipientMissing,
    /// A sensitive item processed with no consent cue in its paragraph.
    SensitiveWithoutConsent,
    /// A child's (under 14) information with no guardian consent in its
    /// paragraph.
    MinorWithoutGuardian,
    /// A practice denied in one sentence and affirmed in another, neither
    /// conditional (`crate::doc_lints`).
    Contradiction,
    /// Text equal to a data item annotated elsewhere, left unannotated.
    UnannotatedTerm,
    /// The same text annotated with two different kinds.
    KindMismatch,
    /// A required disclosure the policy never makes.
    MissingDisclosure,
}

/// The preset that switches every lint on at its default level.
pub const PRESET_PIPL: &str = "pipl";

impl Lint {
    pub const ALL: [Lint; 12] = [
        Lint::SensitiveData,
        Lint::UnspecificData,
        Lint::UnclassifiedData,
        Lint::UnknownPractice,
        Lint::PurposeMissing,
        Lint::RecipientMissing,
        Lint::SensitiveWithoutConsent,
        Lint::MinorWithoutGuardian,
        Lint::Contradiction,
        Lint::UnannotatedTerm,
        Lint::KindMismatch,
        Lint::MissingDisclosure,
    ];

    /// The lints that compare the lines of a document or look at it whole
    /// (`crate::doc_lints`).
    pub const OF_DOCUMENT: [Lint; 4] = [
        Lint::Contradiction,
        Lint::UnannotatedTerm,
        Lint::KindMismatch,
        Lint::MissingDisclosure,
    ];

    /// The lints read from a sentence's practice rather than from one
    /// annotation's class.
    pub const OF_PRACTICES: [Lint; 4] = [
        Lint::PurposeMissing,
        Lint::RecipientMissing,
        Lint::SensitiveWithoutConsent,
        Lint::MinorWithoutGuardian,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Lint::SensitiveData => "sensitive-data",
            Lint::UnspecificData => "unspecific-data",
            Lint::UnclassifiedData => "unclassified-data",
            Lint::UnknownPractice => "unknown-practice",
            Lint::PurposeMissing => "purpose-missing",
            Lint::RecipientMissing => "recipient-missing",
            Lint::SensitiveWithoutConsent => "sensitive-without-consent",
            Lint::MinorWithoutGuardian => "minor-without-guardian",
            Lint::Contradiction => "contradiction",
            Lint::UnannotatedTerm => "unannotated-term",
            Lint::KindMismatch => "kind-mismatch",
            Lint::MissingDisclosure => "missing-disclosure",
        }
    }

    /// The level a lint has when switched on without one.
    pub fn default_severity(self) -> Severity {
        match self {
            Lint::SensitiveData
            | Lint::PurposeMissing
            | Lint::RecipientMissing
            | Lint::SensitiveWithoutConsent
            | Lint::MinorWithoutGuardian
            | Lint::Contradiction
            | Lint::KindMismatch
            | Lint::MissingDisclosure => Severity::Information,
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
            Lint::PurposeMissing => {
                "personal information collected or used with no {purpose} in the sentence (PIPL Art. 6, 17)"
            }
            Lint::RecipientMissing => {
                "personal information shared, transferred, entrusted or disclosed to no (actor) named as its recipient (PIPL Art. 23, 25)"
            }
            Lint::SensitiveWithoutConsent => {
                "sensitive personal information processed with no consent (同意, 授权, 单独同意 …) stated in its paragraph (PIPL Art. 29)"
            }
            Lint::MinorWithoutGuardian => {
                "a child's personal information (under 14) processed with no guardian's consent (监护人 … 同意) stated in its paragraph (PIPL Art. 31)"
            }
            Lint::Contradiction => {
                "one sentence denies a practice that another affirms, neither under a condition"
            }
            Lint::UnannotatedTerm => {
                "this text is annotated as <data> elsewhere in the document, but not here"
            }
            Lint::KindMismatch => {
                "this text is annotated as another kind elsewhere in the document"
            }
            Lint::MissingDisclosure => {
                "the policy never makes a disclosure PIPL Art. 17 and GB/T 35273-2020 §5.5 require"
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
    levels: [Option<Severity>; Lint::ALL.len()],
}

impl LintConfig {
    /// Sets `code` to `level`: `off`, `on` (its default level), `hint`,
    /// `information`, `warning` or `error`. Syntax codes are refused: the
    /// syntax checks are the contract and cannot be re-levelled.
    ///
    /// The preset `pipl` sets every lint at once: `on` (each at its default
    /// level), `off`, or one level for all.
    pub fn set(&mut self, code: &str, level: &str) -> Result<(), String> {
        if code == PRESET_PIPL {
            for lint in Lint::ALL {
                self.set(lint.code(), level)
                    .map_err(|e| e.replace(lint.code(), PRESET_PIPL))?;
            }
            return Ok(());
        }
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
                format!(
                    "unknown lint `{code}`; the lints are {}, and the preset `{PRESET_PIPL}` sets them all",
                    known.join(", ")
                )
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

    /// Whether a lint read from practices is on.
    pub fn any_practice_lint_on(&self) -> bool {
        Lint::OF_PRACTICES.iter().any(|&l| self.level(l).is_some())
    }

    /// Whether a document-level lint is on (`crate::doc_lints`).
    pub fn any_document_lint_on(&self) -> bool {
        Lint::OF_DOCUMENT.iter().any(|&l| self.level(l).is_some())
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

/// The findings of the practice lints `config` switches on for one
/// line's practices, in sentence order; each on the action concerned.
/// O(annotations of the line).
///
/// - `purpose-missing`: a sentence that is not negated, collects or uses
///   (`collect`, `use`), names a classified data item, and has no
///   `{purpose}`. A lead-in that ends in ： and continues on the next line
///   is another line, and is not looked at.
/// - `recipient-missing`: a sentence that is not negated, shares,
///   transfers, entrusts or discloses, and names no third-party `(actor)`.
/// - `sensitive-without-consent`: a sentence that is not negated, processes
///   (any action class but delete) a sensitive data item, on a line — a
///   paragraph of the policy — where no sentence states consent.
/// - `minor-without-guardian`: the same for a child's information (the
///   taxonomy's `minor_under_14`) where no sentence of the line states a
///   guardian's consent.
///
/// `practices` are the practices of one whole line, so that a consent
/// stated anywhere in the paragraph counts.
pub fn practice_findings<'a>(
    practices: &'a [Practice],
    config: &'a LintConfig,
) -> impl Iterator<Item = Finding> + 'a {
    practices.iter().flat_map(move |p| {
        let purpose = config.level(Lint::PurposeMissing).and_then(|severity| {
            let personal = p.data.iter().any(|d| d.category.is_some());
            let action = p
                .actions
                .iter()
                .find(|a| matches!(a.class, ActionClass::Collect | ActionClass::Use))?;
            (!p.negated && personal && p.purposes.is_empty()).then_some(Finding {
                start: action.start,
                end: action.end,
                lint: Lint::PurposeMissing,
                severity,
            })
        });
        let recipient = config.level(Lint::RecipientMissing).and_then(|severity| {
            let action = p.actions.iter().find(|a| {
                matches!(
                    a.class,
                    ActionClass::Share
                        | ActionClass::Transfer
                        | ActionClass::Entrust
                        | ActionClass::Disclose
                )
            })?;
            let named = p.actors.iter().any(|a| a.role == Party::Third);
            (!p.negated && !named).then_some(Finding {
                start: action.start,
                end: action.end,
                lint: Lint::RecipientMissing,
                severity,
            })
        });
        // Processing: anything but deleting.
        let processing = || p.actions.iter().find(|a| a.class != ActionClass::Delete);
        let line_consent = practices.iter().any(|q| q.consent);
        let line_guardian = practices.iter().any(|q| q.guardian);
        let sensitive = config
            .level(Lint::SensitiveWithoutConsent)
            .and_then(|severity| {
                let action = processing()?;
                let sensitive = p.data.iter().any(|d| d.sensitive());
                (!p.negated && sensitive && !line_consent).then_some(Finding {
                    start: action.start,
                    end: action.end,
                    lint: Lint::SensitiveWithoutConsent,
                    severity,
                })
            });
        let minor = config
            .level(Lint::MinorWithoutGuardian)
            .and_then(|severity| {
                let action = processing()?;
                let child = p
                    .data
                    .iter()
                    .any(|d| d.category.as_ref().is_some_and(|c| c.id == MINOR_UNDER_14));
                (!p.negated && child && !line_guardian).then_some(Finding {
                    start: action.start,
                    end: action.end,
                    lint: Lint::MinorWithoutGuardian,
                    severity,
                })
            });
        purpose
            .into_iter()
            .chain(recipient)
            .chain(sensitive)
            .chain(minor)
    })
}

/// The taxonomy's category of a child's (under 14) information.
const MINOR_UNDER_14: &str = "minor_under_14";

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
        assert!(!c.any_practice_lint_on());
        c.set("recipient-missing", "on").unwrap();
        assert_eq!(c.level(Lint::RecipientMissing), Some(Severity::Information));
        assert!(c.any_practice_lint_on());
    }

    fn codes(line: &str, lint: &str) -> Vec<(u32, u32)> {
        use crate::analysis::AnalysedDocument;
        let doc = AnalysedDocument::new(
            line,
            std::sync::Arc::new(crate::taxonomy::Taxonomy::builtin()),
        );
        let mut config = LintConfig::default();
        config.set(lint, "on").unwrap();
        practice_findings(doc.practices().line(0), &config)
            .map(|f| (f.start.char, f.end.char))
            .collect()
    }

    #[test]
    fn purpose_missing_fires_on_collection_without_a_purpose_only() {
        // 😀 is one char: the action starts at 5.
        assert_eq!(
            codes("😀(我们)[收集]您的<手机号码>。", "purpose-missing"),
            [(5, 9)]
        );
        for line in [
            "(我们)[收集]您的<手机号码>{用于登录}。",
            "(我们)不会[收集]您的<手机号码>。",
            "(我们)[收集]<奇怪的东西>。",
            "(我们)[共享]您的<手机号码>。",
        ] {
            assert!(codes(line, "purpose-missing").is_empty(), "{line}");
        }
        // Each sentence on its own: the second has its purpose.
        assert_eq!(
            codes(
                "(我们)[使用]<手机号码>；为{登录}(我们)[使用]<手机号码>",
                "purpose-missing"
            ),
            [(4, 8)]
        );
    }

    #[test]
    fn recipient_missing_fires_on_sharing_with_no_third_party() {
        assert_eq!(
            codes("𠮷(我们)会[共享]您的<位置信息>", "recipient-missing"),
            [(6, 10)]
        );
        for line in [
            "(我们)会与(合作伙伴)[共享]您的<位置信息>",
            "(我们)不会[转让]您的<位置信息>",
            "(我们)[收集]您的<位置信息>",
        ] {
            assert!(codes(line, "recipient-missing").is_empty(), "{line}");
        }
        assert_eq!(
            codes("(我们)[委托处理]<位置信息>", "recipient-missing"),
            [(4, 10)]
        );
    }
}
