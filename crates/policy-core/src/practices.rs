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
//! - it follows a denied action within one clause (不会\[收集\]或\[共享\]);
//!   after a clause break it is judged on its own (我们\[收集\]…，但不会\[共享\]).
//!
//! A 不 that begins a word which does not deny — 不限于, 不同, 不断, 不时,
//! 不定期, 不超过, 不少于, 不低于, 不必要, 不可逆, 不相关, 不准确, 不完整,
//! 不良, 不法, 不当, 不利, 不可避免, 不可或缺, 不仅, 不论, 不管, 不满 (不满14周岁)
//! — and the double negation 不得不 are not cues.
//!
//! What this deliberately misses: negation after the verb (收集…的行为是
//! 不允许的), negation by a word not listed (拒绝, 无需, 免于), scope beyond
//! one sentence, and conditions: 未经您的同意，我们不会\[共享\] is denied
//! *and* has consent, and telling such a conditional denial from a flat
//! one is left to the checks built on this model. A mixed sentence
//! (我们\[收集\]…，但不会\[共享\]) is not negated, because not every action
//! in it is.
//!
//! **Consent** (`consent`): the sentence — annotations included, so a
//! purpose or condition `{经您同意后}` counts — holds 同意, 授权, 许可,
//! 允许 (and so 单独同意, 明示同意, 书面同意 …), or grants a permission:
//! 授予 or 开启 followed by 权限 (您开启定位权限后, 您授予的具体权限).
//! Conditions of refusal (如您不同意) count too: the sentence is about
//! consent. **Guardian** (`guardian`): the sentence names a guardian
//! (监护人, 家长, 父母) and holds a consent cue.
//!
//! **The line as a whole** ([`LineCues`], [`line_cues`]): what a line — a
//! paragraph of the policy — states beyond its practices, read from every
//! sentence of it, *annotated or not* (a sentence with no annotation has no
//! practice, but its 经您单独同意后方可 is still said): whether some
//! sentence states consent or a guardian's consent (the cues above),
//! whether it states a legal basis that needs no consent (see
//! [`LineCues::legal_basis`]), whether a sentence that is not negated has
//! a `{purpose}` or a third-party `(actor)`, whether it is a heading, and whether it ends no
//! sentence (so the next line continues it). Still line-local: the lints
//! that look at the line above (`crate::lints::practice_findings`) read
//! that line's cues, and it is the lint layer that is recomputed for the
//! line after an edit (`crate::analysis::Findings`), not this one.

use std::sync::{Arc, LazyLock};

use crate::analysis::{Class, class_of};
use crate::position::LinePoint;
use crate::syntax::{AnnotationKind, LineParse};
use crate::taxonomy::Category;
use crate::topics::Numbering;
use crate::vocabulary::{ActionClass, Party, action_class, party};
use crate::words::{Bits, Words};

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
    /// A disclosure to the public, with no recipient to name: its verbs
    /// are only 公开披露, 公开, 公示, 展示 (公开展示, 对外公开), or 披露
    /// right after a 公开 outside the brackets (`公开[披露]`).
    pub public: bool,
    /// The action gives to the first party: a 与, 和, 同 or 向 right before
    /// a first-party `(actor)` right before it in its clause (您可以与(我们)
    /// \[分享\]), or 给 and a first-party actor right after it
    /// (\[分享\]给(我们)). The data flows to the author of the policy, who is
    /// its named recipient.
    pub to_first_party: bool,
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
/// [`TERMINATORS`] as words, found by the same automaton as the cues.
const TERMINATOR_WORDS: &[&str] = &["。", "！", "？", "；"];
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
    // Tuning round 3: adverbs and a qualifier of age that deny nothing
    // (您不可避免地要向交易对方[披露]…; 不满14周岁的儿童).
    "不可避免",
    "不可或缺",
    "不仅",
    "不论",
    "不管",
    "不满",
];
const CONSENT_CUES: &[&str] = &["同意", "授权", "许可", "允许"];
/// Granting a permission: one of these followed by 权限 in one sentence.
const PERMISSION_GRANTS: &[&str] = &["授予", "开启"];
const GUARDIANS: &[&str] = &["监护人", "家长", "父母"];
/// Words that introduce the law as the ground of what follows, when 法律
/// or 法规 comes after them in the same sentence.
const LEGAL_GROUNDS: &[&str] = &["根据", "基于", "满足", "依据", "依照", "按照"];
/// Authorities whose 要求, later in the same sentence, is a legal basis.
const AUTHORITIES: &[&str] = &[
    "司法机关",
    "行政机关",
    "司法机构",
    "行政机构",
    "主管部门",
    "监管部门",
];
/// Words that state a basis of PIPL Art. 13 (3)–(7) by themselves.
const LEGAL_BASES: &[&str] = &[
    "依法",
    "法定职责",
    "法定义务",
    "公共卫生",
    "公共安全",
    "生命健康",
    "新闻报道",
    "舆论监督",
    "合法公开",
];

/// The cue words of consent, guardians and legal bases in one automaton
/// (`crate::words`), each list a bit set of it.
struct CueWords {
    words: Words,
    terminators: Bits,
    consent: Bits,
    grants: Bits,
    permission: Bits,
    guardians: Bits,
    bases: Bits,
    grounds: Bits,
    law: Bits,
    authorities: Bits,
    demand: Bits,
}

static CUE_WORDS: LazyLock<CueWords> = LazyLock::new(|| {
    const PERMISSION: &[&str] = &["权限"];
    const LAW: &[&str] = &["法律", "法规"];
    const DEMAND: &[&str] = &["要求"];
    let lists = [
        CONSENT_CUES,
        PERMISSION_GRANTS,
        PERMISSION,
        GUARDIANS,
        LEGAL_BASES,
        LEGAL_GROUNDS,
        LAW,
        AUTHORITIES,
        DEMAND,
        TERMINATOR_WORDS,
    ];
    let words = Words::new(lists.iter().flat_map(|l| l.iter()));
    CueWords {
        terminators: words.bits(TERMINATOR_WORDS),
        consent: words.bits(CONSENT_CUES),
        grants: words.bits(PERMISSION_GRANTS),
        permission: words.bits(PERMISSION),
        guardians: words.bits(GUARDIANS),
        bases: words.bits(LEGAL_BASES),
        grounds: words.bits(LEGAL_GROUNDS),
        law: words.bits(LAW),
        authorities: words.bits(AUTHORITIES),
        demand: words.bits(DEMAND),
        words,
    }
});

/// What one sentence states by its cue words.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Said {
    /// A consent cue, or a granted permission: 授予 or 开启 followed by
    /// 权限 (module doc).
    consent: bool,
    /// Consent and a guardian.
    guardian: bool,
    /// A legal basis that needs no consent ([`LineCues::legal_basis`]).
    legal_basis: bool,
}

impl Said {
    fn or(self, other: Said) -> Said {
        Said {
            consent: self.consent || other.consent,
            guardian: self.guardian || other.guardian,
            legal_basis: self.legal_basis || other.legal_basis,
        }
    }
}

/// The cue words found in one sentence so far: which, and for the cues
/// that need one word after another (授予 … 权限, 根据 … 法律, 主管部门 …
/// 要求), the end of the first word of the first list and the start of
/// the last word of the second: one follows the other when the first ends
/// before the last starts.
#[derive(Clone, Copy, Debug)]
struct SentenceWords {
    bits: Bits,
    grant_end: usize,
    permission_start: Option<usize>,
    ground_end: usize,
    law_start: Option<usize>,
    authority_end: usize,
    demand_start: Option<usize>,
}

impl Default for SentenceWords {
    fn default() -> Self {
        SentenceWords {
            bits: 0,
            grant_end: usize::MAX,
            permission_start: None,
            ground_end: usize::MAX,
            law_start: None,
            authority_end: usize::MAX,
            demand_start: None,
        }
    }
}

impl SentenceWords {
    fn add(&mut self, cues: &CueWords, (start, end, bit): (usize, usize, Bits)) {
        self.bits |= bit;
        let first = |set: Bits, at: &mut usize| {
            if bit & set != 0 {
                *at = (*at).min(end);
            }
        };
        first(cues.grants, &mut self.grant_end);
        first(cues.grounds, &mut self.ground_end);
        first(cues.authorities, &mut self.authority_end);
        let last = |set: Bits, at: &mut Option<usize>| {
            if bit & set != 0 {
                *at = Some(at.map_or(start, |a| a.max(start)));
            }
        };
        last(cues.permission, &mut self.permission_start);
        last(cues.law, &mut self.law_start);
        last(cues.demand, &mut self.demand_start);
    }

    fn said(&self, cues: &CueWords) -> Said {
        let after = |end: usize, start: Option<usize>| start.is_some_and(|s| end <= s);
        let consent = self.bits & cues.consent != 0 || after(self.grant_end, self.permission_start);
        Said {
            consent,
            guardian: consent && self.bits & cues.guardians != 0,
            legal_basis: self.bits & cues.bases != 0
                || after(self.ground_end, self.law_start)
                || after(self.authority_end, self.demand_start),
        }
    }
}

/// What `sentence`, taken as one sentence (its terminators too), states
/// by its cue words.
fn said_in_sentence(sentence: &str) -> Said {
    let cues = &*CUE_WORDS;
    let mut found = SentenceWords::default();
    for m in cues.words.matches(sentence) {
        if m.2 & cues.terminators == 0 {
            found.add(cues, m);
        }
    }
    found.said(cues)
}

/// What some sentence of `words` (ended by [`TERMINATORS`]) states by its
/// cue words, in one pass over them.
fn said_in_some_sentence(words: &str) -> Said {
    let cues = &*CUE_WORDS;
    let mut said = Said::default();
    let mut found = SentenceWords::default();
    // Terminators included (no cue word holds one, and the matches come in
    // order of their ends).
    for m in cues.words.matches(words) {
        if m.2 & cues.terminators != 0 {
            said = said.or(found.said(cues));
            found = SentenceWords::default();
        } else {
            found.add(cues, m);
        }
    }
    said.or(found.said(cues))
}

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
                let class = match action_class(&value) {
                    ActionClass::Collect
                        if value.contains("提供")
                            && gives_to_third_party(text, parse, start, i) =>
                    {
                        ActionClass::Share
                    }
                    class => class,
                };
                let window = &text[window_start..a.open.byte as usize];
                let inherited = denied.last().copied().unwrap_or(false);
                denied.push(
                    has_negation(&value, true)
                        || has_negation(window, false)
                        || (inherited && !window.contains(CLAUSE_BREAKS)),
                );
                window_start = (a.end().byte as usize).min(text.len());
                let public = is_public(&value, &text[..a.open.byte as usize]);
                let to_first_party = gives_to_first_party(text, parse, start, i);
                actions.push(Action {
                    denied: denied.last().copied().unwrap_or(false),
                    class,
                    text: value,
                    start: a.open,
                    end: a.end(),
                    public,
                    to_first_party,
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
    let said = said_in_sentence(sentence);
    let point = |byte: usize| LinePoint::default().advanced_by(&text[..byte]);
    Practice {
        start: point(start),
        end: point(end),
        actors: actors.into(),
        actions: actions.into(),
        data: data.into(),
        purposes: purposes.into(),
        negated: !denied.is_empty() && denied.iter().all(|&d| d),
        consent: said.consent,
        guardian: said.guardian,
    }
}

/// Whether an action with this value, after this text, discloses to the
/// public ([`Action::public`]).
fn is_public(value: &str, before: &str) -> bool {
    const PUBLIC: [&str; 4] = ["公开披露", "公开", "公示", "展示"];
    let after_public = before.trim_end().ends_with("公开");
    let verbs: Vec<&str> = PUBLIC
        .into_iter()
        .chain(after_public.then_some("披露"))
        .collect();
    only_verbs(value, &verbs)
}

/// Whether `value` names some of `verbs` and nothing else but 对外, blanks
/// and list marks (、，和或及与并).
fn only_verbs(value: &str, verbs: &[&str]) -> bool {
    let mut rest = value.to_string();
    let mut any = false;
    for verb in verbs {
        any |= rest.contains(verb);
        rest = rest.replace(verb, "");
    }
    any && rest
        .replace("对外", "")
        .chars()
        .all(|c| c.is_whitespace() || "、，,和或及与并".contains(c))
}

impl Action {
    /// A plain disclosure: the action's only verb is 披露 (对外披露, not
    /// 共享、披露 nor 公开披露), which says neither to whom nor whether to
    /// the public; `recipient-missing` reads it in its context
    /// ([`LineCues::public`]).
    pub fn plain_disclosure(&self) -> bool {
        !self.public && only_verbs(&self.text, &["披露"])
    }
}

/// Whether the action that is annotation `index` of the sentence starting
/// at byte `start` gives to the first party ([`Action::to_first_party`]).
fn gives_to_first_party(text: &str, parse: &LineParse, start: usize, index: usize) -> bool {
    let first = |a: &crate::syntax::Annotation| {
        a.kind == AnnotationKind::Actor && party(&a.value(text)) == Party::First
    };
    let action = &parse.annotations[index];
    let open = action.open.byte as usize;
    // 与(我们)[分享]: the actor right before the action, a preposition
    // right before the actor, all in the sentence.
    let to_before = index.checked_sub(1).is_some_and(|p| {
        let actor = &parse.annotations[p];
        let between = text
            .get(actor.end().byte as usize..open)
            .unwrap_or_default();
        let lead = text
            .get(start..actor.open.byte as usize)
            .unwrap_or_default()
            .trim_end();
        first(actor)
            && actor.open.byte as usize >= start
            && between.trim().is_empty()
            && ["与", "和", "同", "向"].iter().any(|w| lead.ends_with(w))
    });
    let to_after = parse.annotations.get(index + 1).is_some_and(|next| {
        let between = text
            .get(action.end().byte as usize..next.open.byte as usize)
            .unwrap_or_default();
        between.trim() == "给" && first(next)
    });
    to_before || to_after
}

/// Whether the `[…提供…]` that is annotation `index` of the sentence
/// starting at byte `start` gives to a third party: 向(X)…[提供] with a
/// third-party `(X)` after the 向 in the action's clause, or [提供]给(X)
/// with a third-party `(X)` right after the 给. Then it is a sharing, not a
/// collection (向(我们)[提供] stays one).
fn gives_to_third_party(text: &str, parse: &LineParse, start: usize, index: usize) -> bool {
    let action = &parse.annotations[index];
    let open = action.open.byte as usize;
    let third = |a: &crate::syntax::Annotation| {
        a.kind == AnnotationKind::Actor && party(&a.value(text)) == Party::Third
    };
    let before = &text[start..open];
    let clause = start + before.rfind(CLAUSE_BREAKS).unwrap_or(0);
    let to = text[clause..open].find('向').map(|i| clause + i);
    let from_before = to.is_some_and(|to| {
        parse.annotations[..index]
            .iter()
            .any(|a| a.open.byte as usize > to && third(a))
    });
    let from_after = parse.annotations.get(index + 1).is_some_and(|next| {
        let between = text
            .get(action.end().byte as usize..next.open.byte as usize)
            .unwrap_or_default();
        between.trim() == "给" && third(next)
    });
    from_before || from_after
}

/// What a whole line — a paragraph — states, read from every sentence of
/// it, annotated or not (module doc). A line with no annotation has only
/// [`LineCues::public`] and [`LineCues::blank`] read; the rest stays at
/// the default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LineCues {
    /// Some sentence states consent (the cues of [`Practice::consent`]).
    pub consent: bool,
    /// Some sentence names a guardian and states consent.
    pub guardian: bool,
    /// Some sentence states a basis that needs no consent (PIPL Art. 13
    /// (3)–(7)): the law as the ground (根据, 基于, 满足, 依据, 依照, 按照
    /// followed by 法律 or 法规: 根据相关法律法规, 基于法律法规要求), an
    /// authority's demand (司法机关, 行政机关, 主管部门, 监管部门 … followed
    /// by 要求), or 依法, 法定职责, 法定义务, 公共卫生, 公共安全, 生命健康,
    /// 新闻报道, 舆论监督, 合法公开. Complying with the law (遵守, 遵循
    /// 法律法规) is not a basis, and neither is the law's exception
    /// (法律法规另有规定的除外).
    pub legal_basis: bool,
    /// The line has a `{purpose}` in a sentence that is not negated.
    pub purpose: bool,
    /// The line has an `(actor)` whose role is a third party, in a sentence
    /// that is not negated.
    pub third_party: bool,
    /// The line ends no sentence — its last character (blanks and the
    /// Markdown marks `*`, `#` aside) is no terminator, e.g. a lead-in
    /// ending in ： or a sentence broken at ，— so the next line continues
    /// it.
    pub open: bool,
    /// The line speaks of public disclosure and of no other giving: its
    /// words hold 公开披露 (公开\[披露\] included) and none of 共享, 分享,
    /// 转让, 转移, 委托, 对外提供, 提供给. A heading （三）公开披露, or a list item
    /// (我们)可能会公开\[披露\]…；, makes the plain \[披露\] of the line after
    /// it a public disclosure (`recipient-missing`); a 共享、转让、公开披露
    /// does not. Read on every line, annotated or not.
    pub public: bool,
    /// The line holds nothing but blanks and the Markdown marks `*`, `#`.
    /// Read on every line.
    pub blank: bool,
    /// The line is a heading: it starts with a section number (一、, （二）,
    /// 3., 3.1, 第四条 — `crate::topics::heading` with a numbering) and is
    /// no sentence: it has no terminator and no clause break (，,：:), so a
    /// numbered lead-in (2.9您使用…时，我们还会收集：) is no heading.
    pub heading: bool,
}

/// The [`LineCues`] of one line, from its text, parse and practices
/// ([`line_practices`]). O(line).
pub fn line_cues(text: &str, parse: &LineParse, practices: &[Practice]) -> LineCues {
    if parse.annotations.is_empty() {
        return LineCues {
            public: speaks_of_public_disclosure(text),
            blank: trim_marks(text).is_empty(),
            ..LineCues::default()
        };
    }
    // The words of the line: its text without the annotations' brackets.
    let mut brackets = parse
        .annotations
        .iter()
        .flat_map(|a| [a.open.byte as usize, a.close.byte as usize])
        .peekable();
    let mut words = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        while brackets.peek().is_some_and(|&b| b < i) {
            brackets.next();
        }
        if brackets.peek() != Some(&i) {
            words.push(c);
        }
    }
    let said = said_in_some_sentence(&words);
    // A purpose or a party of a denied practice states none for the others.
    let affirmed = || practices.iter().filter(|p| !p.negated);
    let trimmed = trim_marks(&words);
    LineCues {
        consent: said.consent,
        guardian: said.guardian,
        legal_basis: said.legal_basis,
        purpose: affirmed().any(|p| !p.purposes.is_empty()),
        third_party: affirmed().any(|p| p.actors.iter().any(|a| a.role == Party::Third)),
        public: speaks_of_public_disclosure(&words),
        blank: trimmed.is_empty(),
        open: !trimmed.ends_with(TERMINATORS),
        heading: !trimmed.contains(TERMINATORS)
            && !trimmed.contains(CLAUSE_BREAKS)
            && crate::topics::heading(trimmed).is_some_and(|n| n != Numbering::Plain),
    }
}

/// `words` without the blanks and Markdown marks (`*`, `#`) around them.
fn trim_marks(words: &str) -> &str {
    words.trim_matches(|c: char| c.is_whitespace() || c == '*' || c == '#' || c == '\u{3000}')
}

/// Whether a line's words speak of public disclosure and of no other
/// giving ([`LineCues::public`]).
fn speaks_of_public_disclosure(words: &str) -> bool {
    const OTHER_GIVING: [&str; 7] = ["共享", "分享", "转让", "转移", "委托", "对外提供", "提供给"];
    words.contains("公开披露") && !OTHER_GIVING.iter().any(|w| words.contains(w))
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
        s.char_indices().any(|(i, c)| {
            let rest = &s[i..];
            may_start_cue(c) && cues.iter().any(|c| rest.starts_with(c)) && !not_a_negation(s, i)
        })
    };
    cues(window, FIRM_CUES) || cues(clause, PLAIN_CUES)
}

/// Whether `c` is the first character of a cue of [`FIRM_CUES`] or
/// [`PLAIN_CUES`]: elsewhere none begins, and the cues need not be tried.
fn may_start_cue(c: char) -> bool {
    matches!(
        c,
        '不' | '绝' | '决' | '从' | '禁' | '严' | '没' | '并' | '未'
    )
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
            // 不可 alone still denies; only 不可避免 is an adverb.
            "(我们)不可[共享]<位置信息>",
        ] {
            assert!(one(line).negated, "{line}");
        }
    }

    /// The definitions that [`said_in_sentence`] and
    /// [`said_in_some_sentence`] compute in one pass: word by word.
    fn states_consent(sentence: &str) -> bool {
        CONSENT_CUES.iter().any(|c| sentence.contains(c))
            || PERMISSION_GRANTS.iter().any(|g| {
                sentence
                    .find(g)
                    .is_some_and(|i| sentence[i + g.len()..].contains("权限"))
            })
    }

    fn states_legal_basis(sentence: &str) -> bool {
        let after = |words: &[&str], then: &[&str]| {
            words.iter().any(|w| {
                sentence
                    .match_indices(w)
                    .any(|(i, _)| then.iter().any(|t| sentence[i + w.len()..].contains(t)))
            })
        };
        LEGAL_BASES.iter().any(|b| sentence.contains(b))
            || after(LEGAL_GROUNDS, &["法律", "法规"])
            || after(AUTHORITIES, &["要求"])
    }

    fn said_word_by_word(sentence: &str) -> Said {
        let consent = states_consent(sentence);
        Said {
            consent,
            guardian: consent && GUARDIANS.iter().any(|g| sentence.contains(g)),
            legal_basis: states_legal_basis(sentence),
        }
    }

    proptest::proptest! {
        #[test]
        fn cue_words_are_found_as_a_word_by_word_search_finds_them(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "同意", "不同意", "授权", "授予", "开启", "权限", "监护人", "家长",
                    "依法", "根据", "法律", "法规", "主管部门", "要求", "。", "！", "；",
                    "，", "😀", "x",
                ]),
                0..14,
            )
        ) {
            let line = pieces.concat();
            proptest::prop_assert_eq!(said_in_sentence(&line), said_word_by_word(&line));
            let some = line
                .split_inclusive(TERMINATORS)
                .map(said_word_by_word)
                .fold(Said::default(), Said::or);
            proptest::prop_assert_eq!(said_in_some_sentence(&line), some);
        }
    }

    #[test]
    fn the_terminators_as_words_are_the_terminators() {
        let words: Vec<String> = TERMINATORS.iter().map(|c| c.to_string()).collect();
        assert_eq!(words, TERMINATOR_WORDS);
    }

    #[test]
    fn every_negation_cue_starts_with_a_character_that_may_start_one() {
        for cue in FIRM_CUES.iter().chain(PLAIN_CUES) {
            let first = cue.chars().next().unwrap_or_default();
            assert!(may_start_cue(first), "{cue}");
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
            "(您)不可避免地要向(交易对方)[披露]<联系方式>",
            "(我们)不仅[收集]<位置信息>",
            "(我们)对不满14周岁的儿童[收集]<位置信息>",
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
    fn permission_and_allowing_are_consent() {
        assert!(one("您允许后，(我们)[收集]<人脸信息>").consent);
        assert!(one("您开启相机权限后，(我们)[收集]<人脸信息>").consent);
        assert!(!one("您开启相机后，(我们)[收集]<人脸信息>").consent);
    }

    #[test]
    fn the_line_cues_read_every_sentence_annotated_or_not() {
        let cues = |line: &str| {
            let doc = AnalysedDocument::new(line, Arc::new(Taxonomy::builtin()));
            doc.practices().cues(0)
        };
        let c = cues("(我们)[收集]<人脸信息>。经您单独同意后方可。");
        assert!(c.consent && !c.guardian && !c.legal_basis && !c.open);
        // The practice's own consent stays the sentence's.
        assert!(!one("(我们)[收集]<人脸信息>。经您单独同意后方可。").consent);
        let c = cues("(我们)[收集]<儿童的姓名>。须经监护人同意");
        assert!(c.guardian && c.open);
        let c = cues("(我们)[收集]<儿童的姓名>。监护人可查询。您同意后方可。");
        assert!(
            c.consent && !c.guardian,
            "guardian and consent in one sentence"
        );
        assert!(cues("{根据相关法律法规}，(我们)[收集]<人脸信息>").legal_basis);
        assert!(!cues("(我们)遵守法律法规[收集]<人脸信息>").legal_basis);
        let c = cues("**一、(我们)如何[使用]<个人信息>**");
        assert!(c.heading && c.open && !c.purpose && !c.third_party);
        let c = cues("1、(我们)与(合作伙伴)[共享]<个人信息>{用于广告}；");
        assert!(!c.heading && !c.open && c.purpose && c.third_party);
        assert_eq!(cues("没有标注，"), LineCues::default());
    }

    #[test]
    fn public_disclosure_and_provision_to_a_third_party_in_context() {
        let p = one("(我们)[公开披露]<昵称>，公开[披露]<头像>，并[披露]<手机号码>");
        let public: Vec<_> = p.actions.iter().map(|a| a.public).collect();
        assert_eq!(public, [true, true, false]);
        assert!(!one("(我们)[共享、公开披露]<昵称>").actions[0].public);
        let class = |line: &str| one(line).actions[0].class;
        assert_eq!(class("(我们)向(合作伙伴)[提供]<昵称>"), ActionClass::Share);
        assert_eq!(class("(我们)[提供]给(合作伙伴)<昵称>"), ActionClass::Share);
        assert_eq!(class("(您)向(我们)[提供]<昵称>"), ActionClass::Collect);
        assert_eq!(
            class("(我们)向(合作伙伴)[收集]<昵称>"),
            ActionClass::Collect
        );
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
