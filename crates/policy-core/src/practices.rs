//! The practice model: what one sentence of a policy says is done — who
//! (`(actor)`), does what (`[action]`), to which personal information
//! (`<data>`), why (`{purpose}`), and whether the sentence denies it or
//! states consent.
//!
//! **Sentences.** A sentence ends after 。！？； (outside any annotation:
//! a `{为了安全；以及…}` does not end one) and at the end of its line, so
//! a practice never crosses a line and this layer is line-local: an edit
//! recomputes the practices of the lines it touched only
//! ([`crate::analysis::AnalysedDocument`] splices it with the other
//! layers). A sentence with no annotation states no practice; one with any
//! annotation is one [`Practice`], spanning the sentence from its first
//! non-blank character to its terminator (or its last non-blank character).
//!
//! **Roles and classes.** An actor's role is
//! [`crate::vocabulary::party`]'s, an action's class
//! [`crate::vocabulary::action_class`]'s, a data item's verdict the
//! taxonomy's summary category (the same as the analysis's classes).
//!
//! **Negation** (`negated`): the sentence denies what it states when every
//! action in it is denied. An action is denied when
//! - its own text holds a cue (`[不共享]`), or
//! - a *firm* cue — 不会, 不得, 绝不, 决不, 从不, 禁止, 严禁, 不将, 不予,
//!   不能, 不可以, 不应 — stands in the text before it (since the previous
//!   action, or the start of the sentence), or
//! - a *plain* cue — 不, 没有, 并未, 从未, 未曾 — stands before it in the same
//!   clause (after the last ，,：:), so that the 不 of a condition
//!   (若您不提供，我们…) does not deny the main verb, or
//! - it follows a denied action within one clause (不会[收集]或[共享]);
//!   after a clause break it is judged on its own (我们[收集]…，但不会[共享]).
//!
//! A 不 that begins a word which does not deny — 不限于, 不同, 不断, 不时,
//! 不定期, 不超过, 不少于, 不低于, 不必要, 不可逆, 不相关, 不准确, 不完整,
//! 不良, 不法, 不当, 不利 — and the double negation 不得不 are not cues.
//!
//! What this deliberately misses: negation after the verb (收集…的行为是
//! 不允许的), negation by a word not listed (拒绝, 无需, 免于), scope beyond
//! one sentence, and conditions: 未经您的同意，我们不会[共享] is denied
//! *and* has consent, and telling such a conditional denial from a flat
//! one is left to the checks built on this model. A mixed sentence
//! (我们[收集]…，但不会[共享]) is not negated, because not every action
//! in it is.
//!
//! **Consent** (`consent`): the sentence — annotations included, so a
//! purpose or condition `{经您同意后}` counts — holds 同意, 授权, 许可 (and
//! so 单独同意, 明示同意, 书面同意 …). Conditions of refusal (如您不同意)
//! count too: the sentence is about consent. **Guardian** (`guardian`):
//! the sentence names a guardian (监护人, 家长, 父母) and holds a consent cue.

use std::sync::Arc;

use crate::analysis::{Class, class_of};
use crate::position::LinePoint;
use crate::syntax::{AnnotationKind, LineParse};
use crate::taxonomy::Category;
use crate::vocabulary::{ActionClass, Party, action_class, party};

/// What one sentence states.
#[derive(Clone, Debug, PartialEq)]
pub struct Practice {
    /// The sentence's first non-blank character.
    pub start: LinePoint,
    /// Just after its terminator, or its last non-blank character.
    pub end: LinePoint,
    pub actors: Box<[Actor]>,
    pub actions: Box<[Action]>,
    pub data: Box<[DataItem]>,
    /// The `{purpose}` annotations' values.
    pub purposes: Box<[Box<str>]>,
    pub negated: bool,
    pub consent: bool,
    pub guardian: bool,
}

/// An `(actor)` and its role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub text: Box<str>,
    pub role: Party,
}

/// An `[action]` and its class.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    pub text: Box<str>,
    pub class: ActionClass,
    /// Its opener and the point after its closer.
    pub start: LinePoint,
    pub end: LinePoint,
    /// Whether the sentence denies this action (see the module doc); the
    /// practice is `negated` when every action is.
    pub denied: bool,
}

/// A `<data>` item and its summary category (`None`: unclassified).
#[derive(Clone, Debug, PartialEq)]
pub struct DataItem {
    pub text: Box<str>,
    pub category: Option<Arc<Category>>,
}

impl DataItem {
    pub fn sensitive(&self) -> bool {
        self.category.as_ref().is_some_and(|c| c.sensitive)
    }

    pub fn vague(&self) -> bool {
        self.category.as_ref().is_some_and(|c| c.vague)
    }
}

impl Practice {
    /// Whether the annotation starting at `point` lies in this sentence.
    pub fn contains(&self, point: LinePoint) -> bool {
        self.start <= point && point < self.end
    }
}

/// Sentence terminators (outside annotations).
const TERMINATORS: &[char] = &['。', '！', '？', '；'];
/// Where one clause of a sentence ends and the next begins.
const CLAUSE_BREAKS: &[char] = &['，', ',', '：', ':'];
/// Cues that deny a verb anywhere before it in the sentence.
const FIRM_CUES: &[&str] = &[
    "不会",
    "不得",
    "绝不",
    "决不",
    "从不",
    "禁止",
    "严禁",
    "不将",
    "不予",
    "不能",
    "不可以",
    "不应",
];
/// Cues that deny a verb only in its own clause.
const PLAIN_CUES: &[&str] = &["不", "没有", "并未", "从未", "未曾"];
/// Words that start with 不 but deny nothing.
const NOT_NEGATIONS: &[&str] = &[
    "不限于",
    "不同",
    "不断",
    "不时",
    "不定期",
    "不超过",
    "不少于",
    "不低于",
    "不必要",
    "不可逆",
    "不相关",
    "不准确",
    "不完整",
    "不良",
    "不法",
    "不当",
    "不利",
];
const CONSENT_CUES: &[&str] = &["同意", "授权", "许可"];
const GUARDIANS: &[&str] = &["监护人", "家长", "父母"];

/// The practices of one line, from its text, its parse and its classes
/// (one per annotation, read with [`class_of`]). O(line).
pub fn line_practices(text: &str, parse: &LineParse, classes: &[Class]) -> Box<[Practice]> {
    if parse.annotations.is_empty() {
        return Box::default();
    }
    let mut out = Vec::new();
    let mut next = 0; // the first annotation not yet placed in a sentence
    for (start, end) in sentences(text, parse) {
        let first = next;
        while next < parse.annotations.len() && (parse.annotations[next].open.byte as usize) < end {
            next += 1;
        }
        if first == next {
            continue;
        }
        out.push(practice(text, parse, classes, start, end, first..next));
    }
    out.into_boxed_slice()
}

/// The byte ranges of the line's sentences, blanks trimmed.
fn sentences(text: &str, parse: &LineParse) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut annotations = parse.annotations.iter().peekable();
    let mut iter = text.char_indices();
    while let Some((i, c)) = iter.next() {
        // Skip whole annotations: a terminator inside one ends nothing.
        while annotations
            .peek()
            .is_some_and(|a| (a.end().byte as usize) <= i)
        {
            annotations.next();
        }
        if let Some(a) = annotations.peek()
            && a.open.byte as usize == i
        {
            let after = a.end().byte as usize;
            for (j, _) in iter.by_ref() {
                if j + 1 >= after {
                    break;
                }
            }
            continue;
        }
        if TERMINATORS.contains(&c) {
            out.push((start, i + c.len_utf8()));
            start = i + c.len_utf8();
        }
    }
    out.push((start, text.len()));
    out.into_iter()
        .filter_map(|(s, e)| {
            let piece = &text[s..e];
            let lead = piece.len() - piece.trim_start().len();
            let trail = piece.len() - piece.trim_end().len();
            (s + lead < e - trail).then_some((s + lead, e - trail))
        })
        .collect()
}

fn practice(
    text: &str,
    parse: &LineParse,
    classes: &[Class],
    start: usize,
    end: usize,
    indices: std::ops::Range<usize>,
) -> Practice {
    let sentence = &text[start..end];
    let mut actors = Vec::new();
    let mut actions = Vec::new();
    let mut data = Vec::new();
    let mut purposes = Vec::new();
    let mut denied = Vec::new();
    // Where the text before the next action starts.
    let mut window_start = start;
    for i in indices {
        let a = &parse.annotations[i];
        let value: Box<str> = a.value(text).into();
        match a.kind {
            AnnotationKind::Actor => actors.push(Actor {
                role: party(&value),
                text: value,
            }),
            AnnotationKind::Action => {
                let window = &text[window_start..a.open.byte as usize];
                let inherited = denied.last().copied().unwrap_or(false);
                denied.push(
                    has_negation(&value, true)
                        || has_negation(window, false)
                        || (inherited && !window.contains(CLAUSE_BREAKS)),
                );
                window_start = (a.end().byte as usize).min(text.len());
                actions.push(Action {
                    denied: denied.last().copied().unwrap_or(false),
                    class: action_class(&value),
                    text: value,
                    start: a.open,
                    end: a.end(),
                });
            }
            AnnotationKind::Data => data.push(DataItem {
                text: value,
                category: match class_of(classes, i) {
                    Class::Data(c) => Some(c.clone()),
                    _ => None,
                },
            }),
            AnnotationKind::Purpose => purposes.push(value),
        }
    }
    let consent = CONSENT_CUES.iter().any(|c| sentence.contains(c));
    let point = |byte: usize| LinePoint::default().advanced_by(&text[..byte]);
    Practice {
        start: point(start),
        end: point(end),
        actors: actors.into(),
        actions: actions.into(),
        data: data.into(),
        purposes: purposes.into(),
        negated: !denied.is_empty() && denied.iter().all(|&d| d),
        consent,
        guardian: consent && GUARDIANS.iter().any(|g| sentence.contains(g)),
    }
}

/// Whether `window` (the text before an action) denies the action; `whole`:
/// the window is the action's own text, one clause.
fn has_negation(window: &str, whole: bool) -> bool {
    let clause = if whole {
        window
    } else {
        window.rfind(CLAUSE_BREAKS).map_or(window, |i| &window[i..])
    };
    let cues = |s: &str, cues: &[&str]| {
        s.char_indices().any(|(i, _)| {
            let rest = &s[i..];
            cues.iter().any(|c| rest.starts_with(c)) && !not_a_negation(s, i)
        })
    };
    cues(window, FIRM_CUES) || cues(clause, PLAIN_CUES)
}

/// Whether the cue at byte `i` of `s` is a 不 that denies nothing: a word
/// of [`NOT_NEGATIONS`], or either 不 of the double negation 不得不.
fn not_a_negation(s: &str, i: usize) -> bool {
    let rest = &s[i..];
    NOT_NEGATIONS.iter().any(|w| rest.starts_with(w))
        || rest.starts_with("不得不")
        || s[..i].ends_with("不得")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::AnalysedDocument;
    use crate::taxonomy::Taxonomy;

    fn practices(line: &str) -> Vec<Practice> {
        let doc = AnalysedDocument::new(line, Arc::new(Taxonomy::builtin()));
        doc.practices().line(0).to_vec()
    }

    fn one(line: &str) -> Practice {
        let p = practices(line);
        assert_eq!(p.len(), 1, "{line}: {p:#?}");
        p.into_iter().next().unwrap_or_else(|| unreachable!())
    }

    #[test]
    fn negation_cues_deny_the_action() {
        for line in [
            "(我们)不会[共享]<位置信息>",
            "(我们)绝不[出售]<位置信息>",
            "(第三方)不得[收集]<位置信息>",
            "禁止(第三方)[转让]<位置信息>",
            "未经您的同意，(我们)不会[共享]<位置信息>",
            "(我们)不[收集]<位置信息>",
            "(我们)[不收集]<位置信息>",
            "(我们)不会[收集]<位置信息>或[共享]给他人",
            "(我们)不会[收集]<位置信息>，也不会[共享]给他人",
            "我们不会在未经您同意的情况下，[共享]<位置信息>",
        ] {
            assert!(one(line).negated, "{line}");
        }
    }

    #[test]
    fn words_that_contain_no_negation_leave_the_action_affirmed() {
        for line in [
            "(我们)[收集]<位置信息>",
            "(我们)会[收集]包括但不限于<位置信息>",
            "(我们)不定期[删除]<位置信息>",
            "若您不提供，(我们)[收集]<设备信息>",
            "(我们)不得不[收集]<位置信息>",
            "(我们)[收集]<位置信息>，但不会[共享]给他人",
            "如您不同意，(我们)将[使用]<设备信息>",
        ] {
            assert!(!one(line).negated, "{line}");
        }
    }

    #[test]
    fn consent_and_guardian_cues() {
        let p = one("经您单独同意后，(我们)[收集]<人脸信息>");
        assert!(p.consent && !p.guardian);
        let p = one("(我们)[收集]<人脸信息>{经您明示同意}");
        assert!(p.consent, "a consent cue inside a purpose counts");
        let p = one("(我们)[收集]儿童的<位置信息>前，会征得其监护人的同意");
        assert!(p.consent && p.guardian);
        let p = one("(我们)[收集]儿童的<位置信息>，并告知其监护人");
        assert!(!p.consent && !p.guardian, "a guardian without consent");
        let p = one("(我们)[收集]<位置信息>");
        assert!(!p.consent && !p.guardian);
    }

    #[test]
    fn roles_classes_and_data_verdicts() {
        let p = one("(我们)和(合作伙伴)[共享]您的<身份证号码>和<上述信息>{用于广告投放}。");
        let roles: Vec<_> = p.actors.iter().map(|a| (&*a.text, a.role)).collect();
        assert_eq!(roles, [("我们", Party::First), ("合作伙伴", Party::Third)]);
        assert_eq!(&*p.actions[0].text, "共享");
        assert_eq!(p.actions[0].class, ActionClass::Share);
        assert!(p.data[0].sensitive() && !p.data[0].vague());
        assert!(p.data[1].vague() && !p.data[1].sensitive());
        assert_eq!(&*p.purposes[0], "用于广告投放");
        for (verb, class) in [
            ("收集", ActionClass::Collect),
            ("使用", ActionClass::Use),
            ("存储", ActionClass::Store),
            ("传输", ActionClass::Transmit),
            ("转让", ActionClass::Transfer),
            ("委托处理", ActionClass::Entrust),
            ("公开披露", ActionClass::Disclose),
            ("删除", ActionClass::Delete),
            ("跳舞", ActionClass::Other),
        ] {
            assert_eq!(one(&format!("[{verb}]")).actions[0].class, class, "{verb}");
        }
        let p = one("(您)[提供]<奇怪的东西>");
        assert_eq!(p.actors[0].role, Party::Subject);
        assert_eq!(p.data[0].category, None);
    }

    #[test]
    fn sentences_end_at_terminators_outside_annotations_and_at_line_ends() {
        let p = practices(
            "(我们)[收集]<手机号码>。您可以[删除]<位置信息>！没有标注？  {为了安全；以及风控}",
        );
        assert_eq!(p.len(), 3);
        assert_eq!(&*p[0].actors[0].text, "我们");
        assert!(p[1].actors.is_empty());
        assert_eq!(&*p[1].actions[0].text, "删除");
        assert_eq!(&*p[2].purposes[0], "为了安全；以及风控");
        // A sentence without annotations is no practice; blanks are trimmed.
        assert_eq!((p[2].start.char, p[2].end.char), (36, 47));
        assert!(practices("没有标注。").is_empty());
        assert!(practices("").is_empty());
    }

    #[test]
    fn spans_count_astral_characters_in_every_unit() {
        // 😀 and 𠮷: two UTF-16 units, four bytes, one char each.
        let p = practices("😀[收集]<𠮷>。 𠮷(我们)[删除]<手机号码>");
        assert_eq!(p.len(), 2);
        assert_eq!(
            (p[0].start, p[0].end),
            (
                LinePoint::default(),
                LinePoint {
                    byte: 4 + 8 + 6 + 3,
                    char: 1 + 4 + 3 + 1,
                    utf16: 2 + 4 + 4 + 1
                }
            )
        );
        let second = LinePoint {
            byte: 22,
            char: 10,
            utf16: 12,
        };
        assert_eq!(p[1].start, second);
        assert_eq!(p[1].end.char, 10 + 1 + 4 + 4 + 6);
        assert!(p[1].contains(second) && !p[0].contains(second));
    }

    #[test]
    fn crlf_lines_each_hold_their_own_practices() {
        let doc = AnalysedDocument::new(
            "(我们)[收集]<手机号码>\r\n(我们)不会[共享]<手机号码>\r\n",
            Arc::new(Taxonomy::builtin()),
        );
        let p = doc.practices();
        assert!(!p.line(0)[0].negated);
        assert!(p.line(1)[0].negated);
        assert_eq!(p.line(1)[0].end.char, 16);
        assert!(p.line(2).is_empty());
    }
}
