//! Lints: checks beyond the syntax, from what the taxonomy and the practice
//! list say (docs/language.md §7). They have codes of their own, are off unless the
//! configuration switches them on (the annotated JD sample must show no
//! diagnostics at all under the default configuration), default to
//! `information` or `hint` when switched on without a level, and never
//! change what the syntax checks report. Most read one annotation's class;
//! `purpose-missing`, `recipient-missing`, `sensitive-without-consent` and
//! `minor-without-guardian` read a sentence's practice
//! ([`practice_findings`]). The preset `pipl` switches them all on.

use crate::analysis::Class;
use crate::position::LinePoint;
use crate::practices::{LineCues, Practice};
use crate::syntax::{LineParse, Severity, SyntaxCode};
use crate::vocabulary::ActionClass;

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

/// The option (set like a lint, `--lint`, the editor's `lints`, `[lints]`
/// of `policy-lsp.toml`) that caps the `unannotated-term` places reported
/// per term and document; `0` reports every place.
pub const MAX_PER_TERM: &str = "unannotated-term-max-per-term";

/// [`MAX_PER_TERM`]'s default: the first 20 places of a term, in document
/// order, as spelling checkers cap repeated findings of one word (cSpell's
/// `maxDuplicateProblems`, golangci-lint's `--max-same-issues`).
pub const DEFAULT_MAX_PER_TERM: u32 = 20;

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

/// The level `level` names for lint `code`: `off` (`None`), `on` (its
/// `default`), `hint`, `information`, `warning` or `error`.
pub fn parse_level(code: &str, level: &str, default: Severity) -> Result<Option<Severity>, String> {
    Ok(match level {
        "off" | "false" => None,
        "on" | "true" => Some(default),
        "hint" => Some(Severity::Hint),
        "information" | "info" => Some(Severity::Information),
        "warning" => Some(Severity::Warning),
        "error" => Some(Severity::Error),
        other => {
            return Err(format!(
                "`{other}` is not a level for `{code}`: use off, on, hint, information, warning or error"
            ));
        }
    })
}

/// Which lints are on, and at what level. All off by default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LintConfig {
    levels: [Option<Severity>; Lint::ALL.len()],
    /// The cross-document checks (preset `corpus`; see `corpus.rs`).
    pub corpus: crate::corpus::CorpusLevels,
    /// How many `unannotated-term` places of one term a document reports
    /// ([`MAX_PER_TERM`]; 0: all).
    pub max_per_term: u32,
}

impl Default for LintConfig {
    fn default() -> LintConfig {
        LintConfig {
            levels: Default::default(),
            corpus: Default::default(),
            max_per_term: DEFAULT_MAX_PER_TERM,
        }
    }
}

impl LintConfig {
    /// Sets `code` to `level`: `off`, `on` (its default level), `hint`,
    /// `information`, `warning` or `error`. Syntax codes are refused: the
    /// syntax checks are the contract and cannot be re-levelled.
    ///
    /// The preset `pipl` sets every lint at once: `on` (each at its default
    /// level), `off`, or one level for all.
    ///
    /// [`MAX_PER_TERM`] is set the same way, to a number.
    pub fn set(&mut self, code: &str, level: &str) -> Result<(), String> {
        if let Some(set) = self.corpus.set(code, level) {
            return set;
        }
        if code == MAX_PER_TERM {
            self.max_per_term = level.trim().parse().map_err(|_| {
                format!(
                    "`{level}` is not a number for `{MAX_PER_TERM}`: give how many places of one term to report per document (0: all)"
                )
            })?;
            return Ok(());
        }
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
        let severity = parse_level(code, level, lint.default_severity())?;
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
    // A line whose annotations need no class has none (`Classes`): nothing
    // to look at. Otherwise each class is matched against the few lints
    // that read one, not every lint against every annotation.
    let on = [
        Lint::SensitiveData,
        Lint::UnspecificData,
        Lint::UnclassifiedData,
        Lint::UnknownPractice,
    ]
    .map(|lint| config.level(lint).map(|s| (lint, s)));
    let any = on.iter().any(Option::is_some);
    parse
        .annotations
        .iter()
        .zip(classes)
        .filter(move |_| any)
        .flat_map(move |(a, class)| {
            on.into_iter()
                .flatten()
                .filter_map(move |(lint, severity)| {
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
/// `line` is what the whole line — a paragraph of the policy — states, read
/// from every sentence of it, annotated or not; `above` the same of the
/// line above and of the one above that (the default before the first
/// line). O(annotations of the line).
///
/// - `purpose-missing`: a sentence that is not negated, collects or uses
///   (`collect`, `use`) and names a classified data item, on a line that
///   is no heading and has no `{purpose}` in a sentence that is not
///   negated, nor continues (see [`LineCues::open`]) a line above that has
///   one.
/// - `recipient-missing`: a sentence that is not negated and shares,
///   transfers, entrusts or discloses other than to the public
///   ([`crate::practices::Action::public`]) and other than to the first
///   party ([`crate::practices::Action::to_first_party`]), on a line that is
///   no heading and has no third-party `(actor)` in a sentence that is not
///   negated, nor continues a line above that has one. A plain \[披露\]
///   ([`crate::practices::Action::plain_disclosure`]) is a disclosure to the
///   public when the line or the line above speaks of public disclosure
///   ([`LineCues::public`]); for this, "the line above" is the nearest one
///   that is not blank, of the two above ([`LineCues::blank`]).
/// - `sensitive-without-consent`: a sentence that is not negated, processes
///   (any action class but delete) a sensitive data item, on a line where
///   no sentence states consent nor a legal basis that needs none.
/// - `minor-without-guardian`: the same for a child's information (the
///   taxonomy's `minor_under_14`) where no sentence of the line states a
///   guardian's consent nor such a legal basis.
pub fn practice_findings<'a>(
    practices: &'a [Practice],
    line: LineCues,
    above: [LineCues; 2],
    config: &'a LintConfig,
) -> impl Iterator<Item = Finding> + 'a {
    let [just_above, two_above] = above;
    let purpose_stated = line.purpose || (just_above.open && just_above.purpose);
    let recipient_named = line.third_party || (just_above.open && just_above.third_party);
    // A public-disclosure heading may stand one blank line up (a heading, a
    // blank, the paragraph).
    let nearest = if just_above.blank {
        two_above
    } else {
        just_above
    };
    let public_context = line.public || nearest.public;
    practices.iter().flat_map(move |p| {
        let purpose = config.level(Lint::PurposeMissing).and_then(|severity| {
            let personal = p.data.iter().any(|d| d.category.is_some());
            let action = p
                .actions
                .iter()
                .find(|a| matches!(a.class, ActionClass::Collect | ActionClass::Use))?;
            (!p.negated && personal && !purpose_stated && !line.heading).then_some(Finding {
                start: action.start,
                end: action.end,
                lint: Lint::PurposeMissing,
                severity,
            })
        });
        let recipient = config.level(Lint::RecipientMissing).and_then(|severity| {
            let action = p.actions.iter().find(|a| {
                // Public, to us, or a plain 披露 where public disclosure is
                // spoken of: no recipient to name.
                let no_recipient_needed =
                    a.public || a.to_first_party || (public_context && a.plain_disclosure());
                !no_recipient_needed
                    && matches!(
                        a.class,
                        ActionClass::Share
                            | ActionClass::Transfer
                            | ActionClass::Entrust
                            | ActionClass::Disclose
                    )
            })?;
            (!p.negated && !recipient_named && !line.heading).then_some(Finding {
                start: action.start,
                end: action.end,
                lint: Lint::RecipientMissing,
                severity,
            })
        });
        // Processing: anything but deleting.
        let processing = || p.actions.iter().find(|a| a.class != ActionClass::Delete);
        let sensitive = config
            .level(Lint::SensitiveWithoutConsent)
            .and_then(|severity| {
                let action = processing()?;
                let sensitive = p.data.iter().any(|d| d.sensitive());
                (!p.negated && sensitive && !line.consent && !line.legal_basis).then_some(Finding {
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
                (!p.negated && child && !line.guardian && !line.legal_basis).then_some(Finding {
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

    /// The findings of `lint` on the first line of `line`.
    fn codes(line: &str, lint: &str) -> Vec<(u32, u32)> {
        codes_on(line, lint, 0)
    }

    /// The findings of `lint` on line `at` of `text`, as the analysed
    /// document computes them (and as a fresh pass does: checked).
    fn codes_on(text: &str, lint: &str, at: usize) -> Vec<(u32, u32)> {
        use crate::analysis::AnalysedDocument;
        use crate::diagnostics::{analysed_diagnostics, document_diagnostics};
        let mut doc = AnalysedDocument::new(
            text,
            std::sync::Arc::new(crate::taxonomy::Taxonomy::builtin()),
        );
        let mut config = LintConfig::default();
        config.set(lint, "on").unwrap();
        let p = doc.practices();
        let cues = |back: usize| at.checked_sub(back).map(|l| p.cues(l)).unwrap_or_default();
        let above = [cues(1), cues(2)];
        let found: Vec<_> = practice_findings(p.line(at), p.cues(at), above, &config)
            .map(|f| (f.start.char, f.end.char))
            .collect();
        let fresh = document_diagnostics(doc.doc(), Some((doc.classes(), &config)));
        doc.set_lints(&config);
        assert_eq!(analysed_diagnostics(&doc, &config), fresh);
        let of_line: Vec<_> = fresh
            .iter()
            .filter(|d| d.line == at)
            .map(|d| (d.start.char, d.end.char))
            .collect();
        assert_eq!(found, of_line);
        found
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
    }

    #[test]
    fn a_purpose_anywhere_in_the_paragraph_counts() {
        for line in [
            "(我们)[使用]<手机号码>；为{登录}(我们)[使用]<手机号码>",
            "为{登录}。(我们)[收集]<手机号码>",
            "(我们)[收集]<手机号码>。这些信息是{支付功能}所必需的。",
        ] {
            assert!(codes(line, "purpose-missing").is_empty(), "{line}");
        }
        // A purpose of a denied practice states none for the others.
        assert_eq!(
            codes(
                "(我们)不会[共享]<手机号码>{用于广告}。😀(我们)[收集]<手机号码>。",
                "purpose-missing"
            ),
            [(28, 32)]
        );
        // Every sentence of a paragraph without one is reported.
        assert_eq!(
            codes(
                "😀(我们)[使用]<手机号码>；𠮷(我们)[收集]<手机号码>",
                "purpose-missing"
            ),
            [(5, 9), (21, 25)]
        );
    }

    #[test]
    fn a_purpose_on_the_line_above_counts_when_the_line_continues_it() {
        // A lead-in ending in ：, a sentence broken at ，, or at no mark.
        for above in [
            "为{登录}，",
            "为{登录}，(我们)会：",
            "**{为了登录}**(我们)会在",
        ] {
            let text = format!("{above}\n😀(我们)[收集]<手机号码>。");
            assert!(codes_on(&text, "purpose-missing", 1).is_empty(), "{text}");
        }
        // A line above that ends its sentence, and a line two above.
        assert_eq!(
            codes_on(
                "为{登录}。\n😀(我们)[收集]<手机号码>。",
                "purpose-missing",
                1
            ),
            [(5, 9)]
        );
        assert_eq!(
            codes_on(
                "为{登录}，\n其中：\n𠮷(我们)[收集]<手机号码>。",
                "purpose-missing",
                2
            ),
            [(5, 9)]
        );
        // The line above's purpose does not reach back: only downwards.
        assert_eq!(
            codes_on("(我们)[收集]<手机号码>，\n为{登录}。", "purpose-missing", 0),
            [(4, 8)]
        );
    }

    #[test]
    fn headings_state_no_collection() {
        for line in [
            "三、(我们)如何[使用]您的<手机号码>",
            "（二）(我们)[收集]的<手机号码>",
            "3.1 (我们)[收集]<手机号码>",
        ] {
            assert!(codes(line, "purpose-missing").is_empty(), "{line}");
        }
        // Numbered, but a sentence or a lead-in; a heading with no number.
        for line in [
            "三、(我们)[使用]您的<手机号码>。",
            "2.9您使用以上功能时，(我们)还会[收集]您的<以下信息>：",
            "(我们)如何[使用]您的<手机号码>",
        ] {
            assert_eq!(codes(line, "purpose-missing").len(), 1, "{line}");
        }
    }

    #[test]
    fn providing_to_a_third_party_is_sharing_not_collecting() {
        for line in [
            "(我们)会向(合作伙伴)[提供]您的<手机号码>。",
            "(我们)将向您订单中的(合约方)[提供]您的<手机号码>。",
            "(我们)会[提供]给(合作伙伴)您的<手机号码>。",
        ] {
            assert!(codes(line, "purpose-missing").is_empty(), "{line}");
            assert!(codes(line, "recipient-missing").is_empty(), "{line}");
        }
        // Given to us, or to a third party in another clause: collecting.
        assert_eq!(
            codes("𠮷(您)向(我们)[提供]您的<手机号码>。", "purpose-missing"),
            [(9, 13)]
        );
        assert_eq!(
            codes(
                "向(合作伙伴)了解后，(您)[提供]您的<手机号码>。",
                "purpose-missing"
            ),
            [(14, 18)]
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

    #[test]
    fn public_disclosure_names_no_recipient() {
        for line in [
            "(我们)可能会[公开披露]您的<个人信息>",
            "(我们)仅会在{以下情况}下，公开[披露]您的<个人信息>：",
            "(我们)将[展示]您的<昵称>",
            "(我们)会[对外公开]您的<昵称>",
        ] {
            assert!(codes(line, "recipient-missing").is_empty(), "{line}");
        }
        // A sharing among the verbs, or a 披露 not said to be public.
        assert_eq!(
            codes(
                "😀(我们)[共享、转让、公开披露]您的<个人信息>无需征得您的同意：",
                "recipient-missing"
            ),
            [(5, 17)]
        );
        assert_eq!(
            codes("𠮷(我们)可能[披露]您的<个人信息>", "recipient-missing"),
            [(7, 11)]
        );
        // A public verb first, a sharing after it: the sharing is reported.
        assert_eq!(
            codes("(我们)[公开]并[共享]您的<昵称>", "recipient-missing"),
            [(9, 13)]
        );
    }

    #[test]
    fn a_recipient_anywhere_in_the_paragraph_or_its_lead_in_counts() {
        let line = "(我们)会与(合作伙伴)[共享]<手机号码>。(我们)仅会[共享]必要的<个人信息>。";
        assert!(codes(line, "recipient-missing").is_empty());
        let text = "(我们)会与(合作伙伴)[共享]以下信息，\n(我们)仅会[共享]必要的<个人信息>。";
        assert!(codes_on(text, "recipient-missing", 1).is_empty());
        assert!(
            codes(
                "<手机号码>可能会与(我们的关联公司)[共享]",
                "recipient-missing"
            )
            .is_empty()
        );
        // A recipient of a denied sharing, a lead-in that ends its
        // sentence, and a first party.
        assert_eq!(
            codes(
                "(我们)不会与(广告商)[共享]<手机号码>。😀(我们)会[共享]<手机号码>。",
                "recipient-missing"
            ),
            [(29, 33)]
        );
        let text = "(我们)会与(合作伙伴)[共享]以下信息。\n😀(我们)仅会[共享]必要的<个人信息>。";
        assert_eq!(codes_on(text, "recipient-missing", 1), [(7, 11)]);
        // Shared with us: the first party is the named recipient.
        assert!(codes("<手机号码>可能会与(我们)[共享]", "recipient-missing").is_empty());
    }

    #[test]
    fn a_plain_disclosure_under_public_disclosure_words_is_public() {
        for (text, at) in [
            ("（三）公开披露\n(我们)可能会[披露]您的<个人信息>：", 1),
            ("5.3 公开披露\n  \n(我们)可能会[披露]您的<个人信息>：", 2),
            (
                "1、(我们)可能会公开[披露]<昵称>；\n2、(我们)可能[披露]<手机号码>。",
                1,
            ),
            (
                "(我们)会[披露]<昵称>外，(我们)不会[公开披露]<手机号码>。",
                0,
            ),
        ] {
            assert!(codes_on(text, "recipient-missing", at).is_empty(), "{text}");
        }
        // Public disclosure named with sharing, two blank lines, or a
        // sharing under a public heading: reported.
        for (text, at, span) in [
            (
                "三、如何共享、公开披露\n😀(我们)可能会[披露]您的<个人信息>：",
                1,
                (8, 12),
            ),
            (
                "公开披露\n\n\n😀(我们)可能会[披露]您的<个人信息>：",
                3,
                (8, 12),
            ),
            (
                "（三）公开披露\n😀(我们)可能会[共享]您的<个人信息>：",
                1,
                (8, 12),
            ),
        ] {
            assert_eq!(codes_on(text, "recipient-missing", at), [span], "{text}");
        }
    }

    #[test]
    fn headings_and_giving_to_us_name_no_missing_recipient() {
        for line in [
            "*2、(我们)如何[使用]、[转移]、[披露]您的<个人信息>  **",
            "(您)可以与(我们)[分享]您的<照片>",
            "(您)可以[分享]给(我们)您的<照片>",
        ] {
            assert!(codes(line, "recipient-missing").is_empty(), "{line}");
        }
        // A numbered lead-in is no heading; a first party that is the
        // subject, not the recipient, names none.
        assert_eq!(
            codes(
                "5.4 [共享]您的<个人信息>无需征得您的授权同意：",
                "recipient-missing"
            ),
            [(4, 8)]
        );
        assert_eq!(
            codes("(我们)可以[分享]您的<照片>", "recipient-missing"),
            [(6, 10)]
        );
    }

    #[test]
    fn consent_stated_in_any_sentence_of_the_paragraph_counts() {
        for line in [
            // docs/language.md §7.7: the consent's sentence has no annotation.
            "(我们)会[收集]您的<身份证号码>。经您单独同意后方可。",
            "您允许后，(我们)会[收集]您的<人脸信息>。",
            "(我们)会[收集]您的<人脸信息>。您授予的具体权限可随时关闭。",
            "在您开启相机权限后，(我们)会[收集]您的<人脸信息>。",
        ] {
            assert!(
                codes(line, "sensitive-without-consent").is_empty(),
                "{line}"
            );
        }
        for line in [
            "😀(我们)会[收集]您的<人脸信息>。我们会妥善保管。",
            // 开启 without a permission, 权限 before the 开启.
            "😀(我们)会[收集]您的<人脸信息>。您可以开启相机。",
            "😀(我们)会[收集]您的<人脸信息>。权限可随时开启。",
        ] {
            assert_eq!(
                codes(line, "sensitive-without-consent"),
                [(6, 10)],
                "{line}"
            );
        }
    }

    #[test]
    fn a_legal_basis_needs_no_consent() {
        for line in [
            "{根据相关法律法规}，(您)需要[提供]您的<身份证号码>以{完成实名验证}",
            "(我们)[收集]<身份证号码>。我们收集上述信息是基于法律法规要求。",
            "{按照司法机关的要求}，(我们)会[提供]您的<身份证号码>",
            "(我们)会依法[使用]您的<人脸信息>",
        ] {
            assert!(
                codes(line, "sensitive-without-consent").is_empty(),
                "{line}"
            );
        }
        for line in [
            // Complying with the law, and the law's exception, are no basis.
            "𠮷(我们)遵守法律法规，[收集]您的<身份证号码>",
            "𠮷(我们)可[收集]您的<身份证号码>，法律法规另有规定的除外",
        ] {
            assert_eq!(codes(line, "sensitive-without-consent").len(), 1, "{line}");
        }
    }

    #[test]
    fn guardian_consent_and_legal_basis_for_a_childs_information() {
        for line in [
            "(我们)[收集]<儿童的姓名>。我们只会在监护人明示同意的情况下使用该信息。",
            "{根据法律法规的要求}，(我们)[收集]<儿童的姓名>",
        ] {
            assert!(codes(line, "minor-without-guardian").is_empty(), "{line}");
        }
        assert_eq!(
            codes(
                "😀(我们)[收集]<儿童的姓名>。我们会征得您的同意。监护人可以查询。",
                "minor-without-guardian"
            ),
            [(5, 9)]
        );
        assert_eq!(
            codes(
                "😀(我们)会严格遵循《儿童个人信息网络保护规定》等相关法律[收集]<儿童的姓名>",
                "minor-without-guardian"
            )
            .len(),
            1
        );
    }
}
