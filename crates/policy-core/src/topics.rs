//! Topics: which disclosure each part of a policy makes (how data is
//! collected and used, shared, kept, secured; users' rights; minors;
//! updates; how to reach the controller …), from its headings.
//!
//! **Headings.** A line is a heading when it is short (at most
//! [`MAX_HEADING`] characters once Markdown marks `#`, `*` and blanks are
//! trimmed), does not end like a sentence (。；;), and either starts with a
//! numbering (一、 / 第一条 / （一） / 1、 1. / （1）) or is at most
//! [`MAX_PLAIN_HEADING`] characters with no sentence punctuation (，。).
//! Its *level* is the order in which its numbering style first appears in
//! the document (so 一、 above （一） above 1. in one policy, and the other
//! way round in another); unnumbered headings are below all numbered ones.
//!
//! **Sections.** A heading's section runs to the next heading of its level
//! or above. A heading names a topic by the first matching entry of
//! [`TOPIC_WORDS`] (general terms of the field: Cookie, 共享, 存储, 安全,
//! 权利, 更新, 联系 …); a heading that names none takes its parent
//! section's (a heading about the policy itself names only its updates).
//! Headings of one numbering that follow each other (blank lines aside)
//! are a list — a table of contents, or short items of a section — and
//! open no section: they take the topic of the section they are in
//! (`other` for a table of contents before the first section).
//! A sub-heading keeps its parent's topic unless it names one of
//! [`SUB_TOPICS`] (every required topic but collection, and cookies): a
//! 撤回同意 under users' rights is consent withdrawal, a 为您提供服务 under
//! collection is collection. A line of content outside
//! any topical section (before the first heading, or under one that names
//! none) takes the one topic its words speak of ([`CONTENT_WORDS`]: 联系 with
//! 邮箱 or 电话, 撤回 with 同意 …), or `other` when they speak of none or
//! of several (an introduction listing the whole policy). A short line
//! naming a company, and a line with 联系 and an e-mail address or 电话：,
//! is `controller-contact` wherever it stands.
//!
//! How well this agrees with CA4P's annotators, and how that was measured:
//! `docs/topics.md`.
//!
//! Topics are computed from the whole document (sections span lines), so
//! they are not a per-line layer; `topics` is O(lines).

use std::sync::LazyLock;

use crate::document::Document;
use crate::words::{Bits, Words, all_groups};

/// The longest line that can be a heading, in characters.
pub const MAX_HEADING: usize = 40;
/// The longest unnumbered line that can be a heading, in characters.
pub const MAX_PLAIN_HEADING: usize = 24;

/// What a part of a policy discloses (the names of CA4P's paragraph
/// topics).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Topic {
    ControllerContact,
    CollectionAndUse,
    ThirdPartySharing,
    UserRights,
    Retention,
    Security,
    Minors,
    PolicyUpdates,
    ConsentWithdrawal,
    Cookies,
    Definitions,
    DataTransfer,
    Other,
}

impl Topic {
    /// The topics a policy must disclose (PIPL Art. 17, GB/T 35273-2020
    /// §5.5): what `missing-disclosure` will look for.
    pub const REQUIRED: [Topic; 9] = [
        Topic::ControllerContact,
        Topic::CollectionAndUse,
        Topic::ThirdPartySharing,
        Topic::UserRights,
        Topic::Retention,
        Topic::Security,
        Topic::Minors,
        Topic::PolicyUpdates,
        Topic::ConsentWithdrawal,
    ];

    /// The topic's name: `collection-and-use`, … `other`.
    pub fn name(self) -> &'static str {
        match self {
            Topic::ControllerContact => "controller-contact",
            Topic::CollectionAndUse => "collection-and-use",
            Topic::ThirdPartySharing => "third-party-sharing",
            Topic::UserRights => "user-rights",
            Topic::Retention => "retention",
            Topic::Security => "security",
            Topic::Minors => "minors",
            Topic::PolicyUpdates => "policy-updates",
            Topic::ConsentWithdrawal => "consent-withdrawal",
            Topic::Cookies => "cookies",
            Topic::Definitions => "definitions",
            Topic::DataTransfer => "data-transfer",
            Topic::Other => "other",
        }
    }
}

/// The words by which a heading names its topic; the first topic with a
/// word in the heading wins, so the more specific come first (a Cookie
/// section *uses* data, a sharing section names a third party).
pub const TOPIC_WORDS: &[(Topic, &[&str])] = &[
    (
        Topic::Cookies,
        &[
            "cookie",
            "Cookie",
            "COOKIE",
            "同类技术",
            "类似技术",
            "网络信标",
            "Beacon",
            "BEACON",
            "beacon",
        ],
    ),
    (
        Topic::ConsentWithdrawal,
        &["撤回", "撤销同意", "撤销授权", "授权同意的范围", "取消授权"],
    ),
    (Topic::Minors, &["未成年", "儿童", "未满"]),
    (Topic::DataTransfer, &["跨境", "出境", "全球范围"]),
    (
        Topic::ThirdPartySharing,
        &[
            "共享",
            "分享",
            "转让",
            "披露",
            "委托处理",
            "第三方",
            "对外提供",
        ],
    ),
    (Topic::Security, &["安全", "保护"]),
    (
        Topic::Retention,
        &["存储", "储存", "保存", "存放", "保留", "留存", "期限"],
    ),
    (
        Topic::UserRights,
        &[
            "权利",
            "管理您的",
            "管理你的",
            "访问",
            "更正",
            "删除",
            "注销",
            "查询",
            "控制",
        ],
    ),
    (
        Topic::ControllerContact,
        &["联系我们", "联系方式", "如何联系", "关于我们", "我们是谁"],
    ),
    (Topic::CollectionAndUse, &["收集", "使用", "获取", "处理"]),
    (Topic::Definitions, &["定义", "术语", "释义"]),
];

/// Words by which a heading names the policy itself (its title, its
/// scope, its date): such a heading names no topic but its updates.
const POLICY_ITSELF: &[&str] = &["政策", "指引", "声明", "协议", "条款", "日期"];
/// Words of change: a heading about the policy with one of them is about
/// its updates; so is a heading with one of them that names no other
/// topic (十四、变更) — but 收集、使用目的变更 is about collection.
const UPDATE_WORDS: &[&str] = &["更新", "变更", "修订", "修改", "变化"];

/// The topic a heading's words name, if any.
pub fn topic_of_heading(text: &str) -> Option<Topic> {
    let updates = UPDATE_WORDS.iter().any(|w| text.contains(w));
    let named = TOPIC_WORDS
        .iter()
        .find(|(_, words)| words.iter().any(|w| text.contains(w)))
        .map(|(t, _)| *t);
    if POLICY_ITSELF.iter().any(|w| text.contains(w)) {
        // 儿童隐私政策 and Cookie 政策 keep their topic; 个人信息保护政策
        // is a title.
        return match named {
            Some(t @ (Topic::Minors | Topic::Cookies | Topic::ConsentWithdrawal)) => Some(t),
            _ => (updates && !text.contains("日期")).then_some(Topic::PolicyUpdates),
        };
    }
    named.or(updates.then_some(Topic::PolicyUpdates))
}

/// What a line of content outside any topical section says, when it
/// says exactly one of these: each entry is a topic and groups of words,
/// every group needing one of its words in the line.
pub const CONTENT_WORDS: &[(Topic, &[&[&str]])] = &[
    (
        Topic::ControllerContact,
        &[&["联系"], &["邮箱", "电话", "@", "地址", "客服", "邮件"]],
    ),
    (Topic::ControllerContact, &[&["注册地址", "办公地址"]]),
    (Topic::ConsentWithdrawal, &[&["撤回"], &["同意", "授权"]]),
    (Topic::Minors, &[&["未成年", "儿童", "十四周岁", "14周岁"]]),
    (
        Topic::Retention,
        &[&["存储", "储存", "保存", "保留"], &["期限", "境内", "期间"]],
    ),
    (
        Topic::Security,
        &[&["安全措施", "加密", "安全防护", "安全保护"]],
    ),
    (
        Topic::UserRights,
        &[
            &["更正", "注销", "删除", "访问"],
            &["您的个人信息", "账户", "账号"],
        ],
    ),
    (
        Topic::ThirdPartySharing,
        &[
            &["共享", "转让", "公开披露"],
            &["第三方", "合作伙伴", "关联"],
        ],
    ),
    (
        Topic::PolicyUpdates,
        &[&["更新", "修订", "变更"], &["本政策", "隐私政策", "本指引"]],
    ),
    (Topic::CollectionAndUse, &[&["收集", "使用"], &["信息"]]),
];

/// Sentence-level disclosure cues (`missing-disclosure`, docs/language.md
/// §7.12): a sentence anywhere in the document — under any heading —
/// that holds a word of every group of an entry discloses that topic.
/// Stricter than [`CONTENT_WORDS`] (the words must meet in one sentence,
/// and say what is done, not just name the subject), but not exclusive:
/// one sentence may disclose several topics. Contact details are
/// [`discloses_contact`]'s.
pub const DISCLOSURE_CUES: &[(Topic, &[&[&str]])] = &[
    // How long data is kept: a keeping verb with a period.
    (
        Topic::Retention,
        &[
            &["保存", "存储", "储存", "保留", "留存", "存放"],
            &["期限", "期间", "时限", "时间", "最短"],
        ],
    ),
    // How consent is withdrawn: withdrawing or cancelling an
    // authorisation, or switching a permission off.
    (
        Topic::ConsentWithdrawal,
        &[&["撤回", "撤销", "收回", "取消"], &["同意", "授权"]],
    ),
    (Topic::ConsentWithdrawal, &[&["关闭"], &["权限"]]),
    (Topic::ConsentWithdrawal, &[&["授权同意的范围"]]),
    // Minors: a child or minor, with a guardian or parent.
    (
        Topic::Minors,
        &[
            &["未成年", "儿童", "十四周岁", "14周岁", "不满14", "不满十四"],
            &["监护人", "父母", "家长"],
        ],
    ),
    // Security measures taken.
    (
        Topic::Security,
        &[
            &["采取", "采用", "使用", "部署", "建立"],
            &[
                "安全措施",
                "加密",
                "安全技术",
                "安全防护",
                "去标识化",
                "访问控制",
            ],
        ],
    ),
    // Personal information shared, transferred or disclosed (granted or
    // denied: 不会共享 discloses the policy on sharing too) …
    (
        Topic::ThirdPartySharing,
        &[&["共享", "转让", "公开披露", "对外提供"], &["信息", "资料"]],
    ),
    // … or provided to a third party named as a class.
    (
        Topic::ThirdPartySharing,
        &[
            &["提供", "透露", "披露"],
            &["第三方", "合作伙伴", "关联公司", "关联方", "服务提供商"],
            &["信息", "资料"],
        ],
    ),
    // The user's rights over his information or account.
    (
        Topic::UserRights,
        &[
            &[
                "您可以",
                "您有权",
                "你可以",
                "你有权",
                "用户可以",
                "用户有权",
                "可以通过",
            ],
            &["访问", "查询", "更正", "删除", "注销", "复制"],
        ],
    ),
    // Changes to the policy (or the agreement that holds it).
    (
        Topic::PolicyUpdates,
        &[
            &["更新", "修订", "变更", "修改"],
            &[
                "本政策",
                "隐私政策",
                "本指引",
                "本协议",
                "本声明",
                "协议条款",
                "本条款",
            ],
        ],
    ),
];

/// The sentence ends of [`disclosed_in`], as words: the automaton that
/// finds the cues finds them too.
const SENTENCE_END_WORDS: &[&str] = &["。", "！", "？", "；", "!", "?", ";"];

/// The shortest run of digits (hyphens allowed) taken for a telephone
/// number.
const MIN_PHONE_DIGITS: usize = 7;

/// Whether `line` gives the controller's contact details: a word of
/// contact (联系, 邮箱, 电话, 客服, 地址, 邮件) with an e-mail address (an `@`
/// between ASCII letters or digits) or a telephone number (a run of at
/// least [`MIN_PHONE_DIGITS`] digits). A web address alone is none.
pub fn discloses_contact(line: &str) -> bool {
    CONTACT_WORDS.iter().any(|w| line.contains(w)) && contact_details(line)
}

/// The words of contact of [`discloses_contact`].
const CONTACT_WORDS: &[&str] = &["联系", "邮箱", "电话", "客服", "邮件", "地址"];

/// Whether `line` holds an e-mail address or a telephone number
/// ([`discloses_contact`]).
fn contact_details(line: &str) -> bool {
    let chars: Vec<char> = line.chars().collect();
    let mail = chars
        .windows(3)
        .any(|w| w[1] == '@' && w[0].is_ascii_alphanumeric() && w[2].is_ascii_alphanumeric());
    let mut run = 0;
    let mut phone = false;
    for c in &chars {
        if c.is_ascii_digit() {
            run += 1;
        } else if *c != '-' {
            run = 0;
        }
        phone |= run >= MIN_PHONE_DIGITS;
    }
    mail || phone
}

/// The words of [`DISCLOSURE_CUES`], [`CONTACT_WORDS`] and
/// [`SENTENCE_END_WORDS`] in one automaton, and each entry's groups as bit
/// sets of it.
struct DisclosureWords {
    words: Words,
    contact: Bits,
    ends: Bits,
    entries: Vec<(Topic, Vec<Bits>)>,
}

static DISCLOSURE_WORDS: LazyLock<DisclosureWords> = LazyLock::new(|| {
    let cues = DISCLOSURE_CUES
        .iter()
        .flat_map(|(_, groups)| groups.iter().flat_map(|g| g.iter()));
    let words = Words::new(CONTACT_WORDS.iter().chain(cues).chain(SENTENCE_END_WORDS));
    DisclosureWords {
        contact: words.bits(CONTACT_WORDS),
        ends: words.bits(SENTENCE_END_WORDS),
        entries: DISCLOSURE_CUES
            .iter()
            .map(|(topic, groups)| (*topic, groups.iter().map(|g| words.bits(g)).collect()))
            .collect(),
        words,
    }
});

/// The required topics some sentence of `line` discloses by
/// [`DISCLOSURE_CUES`] or [`discloses_contact`], as a bit set (bit
/// `topic as u16`). O(line).
pub fn disclosed_in(line: &str) -> u16 {
    let cues = &*DISCLOSURE_WORDS;
    let of_sentence = |bits: Bits| {
        cues.entries
            .iter()
            .filter(|(_, groups)| all_groups(bits, groups))
            .fold(0u16, |out, (topic, _)| out | 1 << *topic as u16)
    };
    let mut out = 0u16;
    // One pass over the line, sentence ends included (no cue word holds
    // one, and the matches come in order of their ends).
    let (mut in_line, mut in_sentence) = (0, 0);
    for (_, _, bit) in cues.words.matches(line) {
        if bit & cues.ends != 0 {
            out |= of_sentence(in_sentence);
            in_sentence = 0;
        } else {
            in_sentence |= bit;
            in_line |= bit;
        }
    }
    out |= of_sentence(in_sentence);
    if in_line & cues.contact != 0 && contact_details(line) {
        out |= 1 << Topic::ControllerContact as u16;
    }
    out
}

/// The longest line that is taken for the controller's name when it
/// names a company (…有限公司), in characters.
const MAX_NAME_LINE: usize = 30;

/// The one topic `line` speaks of by [`CONTENT_WORDS`], if exactly one; a
/// short line naming a company names the controller.
pub fn topic_of_content(line: &str) -> Option<Topic> {
    if line.contains("公司") && line.trim().chars().count() <= MAX_NAME_LINE {
        return Some(Topic::ControllerContact);
    }
    let mut found = CONTENT_WORDS
        .iter()
        .filter(|(_, groups)| groups.iter().all(|g| g.iter().any(|w| line.contains(w))))
        .map(|(t, _)| *t);
    let first = found.next()?;
    found.all(|t| t == first).then_some(first)
}

/// Whether a line says how to reach the controller: 联系 with an e-mail
/// address or a telephone number.
fn is_contact(line: &str) -> bool {
    line.contains("联系") && (line.contains('@') || line.contains("电话："))
}

/// All that [`line_topics`] reads of one line: two texts whose lines,
/// blank ones left out, have equal signatures in the same order have the
/// same topics. Lets a caller that keeps the topics of a document redo
/// them only when an edit changes a signature (`crate::doc_lints`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineSignature {
    /// Nothing but blanks and Markdown marks.
    Blank,
    /// A heading: its numbering and the topic its words name.
    Heading(Numbering, Option<Topic>),
    /// Any other line: whether it gives a contact, and its content topic.
    Content(bool, Option<Topic>),
}

/// The [`LineSignature`] of `line`. O(line).
pub fn line_signature(line: &str) -> LineSignature {
    if trim_marks(line).is_empty() {
        return LineSignature::Blank;
    }
    match heading(line) {
        Some(n) => {
            let words: String = line
                .chars()
                .filter(|c| !c.is_whitespace() && *c != '*')
                .collect();
            LineSignature::Heading(n, topic_of_heading(&words))
        }
        None => LineSignature::Content(is_contact(line), topic_of_content(line)),
    }
}

/// How a heading is numbered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Numbering {
    /// 一、 二.
    Chinese,
    /// 第一条, 第二章, 第三部分.
    Article,
    /// （一） (二) 三）
    ParenChinese,
    /// 1、 2. 3 (not 1.1)
    Digit,
    /// 1.1, 2.3.
    Dotted,
    /// （1） (2) 3）
    ParenDigit,
    /// No numbering.
    Plain,
}

const CHINESE_DIGITS: &str = "一二三四五六七八九十百零〇";

/// The numbering of `line` if it is a heading (see the module doc).
pub fn heading(line: &str) -> Option<Numbering> {
    let text = trim_marks(line);
    // A character has at most four bytes: a longer text has too many
    // characters, and need not be counted.
    if text.len() > 4 * MAX_HEADING {
        return None;
    }
    let len = text.chars().count();
    if len == 0 || len > MAX_HEADING || text.ends_with(['。', '；', ';']) {
        return None;
    }
    let numbering = numbering(text);
    match numbering {
        Numbering::Plain => (len <= MAX_PLAIN_HEADING && !text.contains(['，', '。', ',', '；']))
            .then_some(numbering),
        n => Some(n),
    }
}

/// The line without Markdown heading and emphasis marks and blanks.
fn trim_marks(line: &str) -> &str {
    line.trim_matches(|c: char| c.is_whitespace() || c == '#' || c == '*' || c == '\u{3000}')
}

fn numbering(text: &str) -> Numbering {
    let chinese = |c: char| CHINESE_DIGITS.contains(c);
    let Some(first) = text.chars().next() else {
        return Numbering::Plain;
    };
    let rest = &text[first.len_utf8()..];
    if first == '第' {
        let tail = rest.trim_start_matches(chinese);
        if tail.len() < rest.len() && tail.starts_with(['条', '章', '部', '节', '篇']) {
            return Numbering::Article;
        }
    }
    if chinese(first)
        && rest
            .trim_start_matches(chinese)
            .starts_with(['、', '.', '．', ' ', '　'])
    {
        return Numbering::Chinese;
    }
    if first == '（' || first == '(' {
        let tail = rest.trim_start_matches(chinese);
        if tail.len() < rest.len() && tail.starts_with(['）', ')']) {
            return Numbering::ParenChinese;
        }
        let tail = rest.trim_start_matches(|c: char| c.is_ascii_digit());
        if tail.len() < rest.len() && tail.starts_with(['）', ')']) {
            return Numbering::ParenDigit;
        }
    }
    if chinese(first) {
        let tail = rest.trim_start_matches(chinese);
        if tail.starts_with(['）', ')']) {
            return Numbering::ParenChinese;
        }
    }
    if first.is_ascii_digit() {
        let tail = rest.trim_start_matches(|c: char| c.is_ascii_digit());
        let tail = tail.strip_prefix('\\').unwrap_or(tail);
        if tail.starts_with(['）', ')']) {
            return Numbering::ParenDigit;
        }
        if let Some(t) = tail.strip_prefix(['.', '．'])
            && t.starts_with(|c: char| c.is_ascii_digit())
        {
            return Numbering::Dotted;
        }
        if tail.starts_with(['、', '.', '．', ' ', '　']) {
            return Numbering::Digit;
        }
    }
    Numbering::Plain
}

/// A run of lines with one topic: `first..=last`, 0-based.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TopicSpan {
    pub topic: Topic,
    pub first: usize,
    pub last: usize,
}

/// The topics a sub-heading may name against its parent's: others are
/// the words of a part of the parent's topic (为您提供安全保障 under
/// collection, 删除 under retention).
pub const SUB_TOPICS: &[Topic] = &[
    Topic::ConsentWithdrawal,
    Topic::Security,
    Topic::Retention,
    Topic::Cookies,
    Topic::Minors,
    Topic::ControllerContact,
    Topic::PolicyUpdates,
    Topic::ThirdPartySharing,
    Topic::UserRights,
];

/// The topic of every line of `lines`. O(lines).
pub fn line_topics<'a>(lines: impl IntoIterator<Item = &'a str>) -> Vec<Topic> {
    let lines: Vec<&str> = lines.into_iter().collect();
    let mut headings: Vec<Option<Numbering>> = lines.iter().map(|l| heading(l)).collect();
    // A table of contents: headings of one numbering one after the other
    // (blank lines aside). Its lines open no section and set no level.
    let filled: Vec<usize> = (0..lines.len())
        .filter(|&i| !trim_marks(lines[i]).is_empty())
        .collect();
    let mut toc = vec![false; lines.len()];
    for w in filled.windows(2) {
        let (a, b) = (w[0], w[1]);
        if headings[a].is_some() && headings[a] == headings[b] {
            toc[a] = true;
            toc[b] = true;
        }
    }
    for (h, t) in headings.iter_mut().zip(&toc) {
        if *t {
            *h = None;
        }
    }
    // An unnumbered heading is below every numbered one: short lines of
    // a table or a list would otherwise open sections above the policy's.
    let mut order: Vec<Numbering> = Vec::new();
    for n in headings.iter().flatten() {
        if !order.contains(n) && *n != Numbering::Plain {
            order.push(*n);
        }
    }
    order.push(Numbering::Plain);
    let level = |n: Numbering| order.iter().position(|&o| o == n).unwrap_or(0);
    let mut out = vec![Topic::Other; lines.len()];
    // The open sections: (level, topic).
    let mut stack: Vec<(usize, Topic)> = Vec::new();
    for (i, h) in headings.iter().enumerate() {
        if let Some(n) = h {
            let lv = level(*n);
            while stack.last().is_some_and(|&(l, _)| l >= lv) {
                stack.pop();
            }
            let parent = stack.last().map(|&(_, t)| t);
            let words: String = lines[i]
                .chars()
                .filter(|c| !c.is_whitespace() && *c != '*')
                .collect();
            let own = topic_of_heading(&words);
            let topic = match (parent, own) {
                (Some(p), Some(t)) if p != Topic::Other && SUB_TOPICS.contains(&t) => t,
                (Some(p), _) if p != Topic::Other => p,
                (_, Some(t)) => t,
                (Some(p), None) => p,
                (None, None) => Topic::Other,
            };
            stack.push((lv, topic));
        }
        out[i] = match stack.last() {
            // How to reach the controller is said wherever it is said.
            Some(_) if h.is_none() && !toc[i] && is_contact(lines[i]) => Topic::ControllerContact,
            Some(&(_, t)) if t != Topic::Other => t,
            _ if h.is_none() && !toc[i] => topic_of_content(lines[i]).unwrap_or(Topic::Other),
            _ => Topic::Other,
        };
    }
    out
}

/// The topics of `doc` as runs of lines (the empty line after a final
/// line break is none). O(lines).
pub fn topics(doc: &Document) -> Vec<TopicSpan> {
    let mut count = doc.line_count();
    if count > 1 && doc.line_text(count - 1).is_some_and(|l| l.is_empty()) {
        count -= 1;
    }
    let texts: Vec<String> = (0..count)
        .map(|l| doc.line_text(l).unwrap_or_default().into_owned())
        .collect();
    let per_line = line_topics(texts.iter().map(String::as_str));
    let mut out: Vec<TopicSpan> = Vec::new();
    for (i, t) in per_line.into_iter().enumerate() {
        match out.last_mut() {
            Some(span) if span.topic == t => span.last = i,
            _ => out.push(TopicSpan {
                topic: t,
                first: i,
                last: i,
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What [`disclosed_in`] computes in one pass: each sentence's words
    /// looked for one by one.
    fn disclosed_word_by_word(line: &str) -> u16 {
        let mut out = 0u16;
        if discloses_contact(line) {
            out |= 1 << Topic::ControllerContact as u16;
        }
        let end = |c: char| SENTENCE_END_WORDS.contains(&c.to_string().as_str());
        for sentence in line.split(end) {
            for (topic, groups) in DISCLOSURE_CUES {
                if groups
                    .iter()
                    .all(|g| g.iter().any(|w| sentence.contains(w)))
                {
                    out |= 1 << *topic as u16;
                }
            }
        }
        out
    }

    proptest! {
        #[test]
        fn disclosed_in_finds_what_a_word_by_word_search_finds(
            pieces in proptest::collection::vec(
                prop::sample::select(vec![
                    "保存", "存", "期限", "期", "撤回", "同意", "不同意", "关闭", "权限",
                    "授权同意的范围", "儿童", "监护人", "采取", "加密", "共享", "信息",
                    "提供", "第三方", "您可以", "删除", "更新", "本政策", "联系", "电话",
                    "12345678", "a@b", "。", "；", "!", "，", "😀", "x",
                ]),
                0..16,
            )
        ) {
            let line = pieces.concat();
            prop_assert_eq!(disclosed_in(&line), disclosed_word_by_word(&line), "{}", line);
        }
    }

    fn names(text: &str) -> Vec<&'static str> {
        line_topics(crate::document::lines_of(text))
            .into_iter()
            .map(Topic::name)
            .collect()
    }

    #[test]
    fn numberings_are_recognised_and_sentences_are_no_headings() {
        for (line, want) in [
            (
                "一、我们如何收集和使用您的个人信息",
                Some(Numbering::Chinese),
            ),
            ("第三条 信息的存储", Some(Numbering::Article)),
            ("（二）转让", Some(Numbering::ParenChinese)),
            ("三）公开披露", Some(Numbering::ParenChinese)),
            ("**2. 信息安全**", Some(Numbering::Digit)),
            ("5.2 信息保护", Some(Numbering::Dotted)),
            ("(1) 访问您的个人信息", Some(Numbering::ParenDigit)),
            ("## 联系我们", Some(Numbering::Plain)),
            ("我们会采取加密等安全措施。", None),
            ("如您对本政策有任何疑问，请联系我们", None),
            ("", None),
        ] {
            assert_eq!(heading(line), want, "{line}");
        }
    }

    #[test]
    fn a_heading_s_topic_holds_until_the_next_heading_of_its_level() {
        let text = "隐私政策\n\
                    一、我们如何收集和使用您的个人信息\n\
                    我们会收集您的手机号码。\n\
                    （一）为您提供安全保障\n\
                    正文。\n\
                    （二）征得授权同意的例外\n\
                    正文。\n\
                    二、我们如何共享、转让、公开披露您的个人信息\n\
                    正文。\n\
                    三、您的权利\n\
                    （一）撤回同意\n\
                    正文。\n\
                    四、如何联系我们\n\
                    正文。";
        assert_eq!(
            names(text),
            [
                "other",
                "collection-and-use",
                "collection-and-use",
                // A sub-heading may name a topic of its own.
                "security",
                "security",
                "collection-and-use",
                "collection-and-use",
                "third-party-sharing",
                "third-party-sharing",
                "user-rights",
                "consent-withdrawal",
                "consent-withdrawal",
                "controller-contact",
                "controller-contact",
            ]
        );
    }

    #[test]
    fn a_table_of_contents_opens_no_section_and_plain_lines_stay_below() {
        let text = "目录\n\
                    1、我们如何收集和使用您的个人信息\n\
                    2、我们如何保护您的个人信息\n\
                    3、如何联系我们\n\
                    一、我们如何保护您的个人信息\n\
                    正文。\n\
                    第三方SDK\n\
                    正文。\n\
                    二、本政策如何更新\n\
                    正文。";
        assert_eq!(
            names(text),
            [
                "other",
                "other",
                "other",
                "other",
                "security",
                "security",
                "third-party-sharing",
                "third-party-sharing",
                "policy-updates",
                "policy-updates",
            ]
        );
    }

    #[test]
    fn content_outside_sections_takes_the_one_topic_it_speaks_of() {
        assert_eq!(
            topic_of_content("如有疑问，请通过邮箱privacy@example.com联系我们。"),
            Some(Topic::ControllerContact)
        );
        assert_eq!(
            topic_of_content("示例科技有限公司"),
            Some(Topic::ControllerContact)
        );
        assert_eq!(
            topic_of_content("您可以随时撤回您的授权同意。"),
            Some(Topic::ConsentWithdrawal)
        );
        // An introduction naming several topics names none.
        assert_eq!(
            topic_of_content("本政策说明我们如何收集、使用您的信息，以及如何与第三方共享、转让。"),
            None
        );
        assert_eq!(topic_of_content("欢迎使用。"), None);
        // Titles name no topic; a policy's update does.
        assert_eq!(topic_of_heading("个人信息保护政策"), None);
        assert_eq!(
            topic_of_heading("本政策如何更新"),
            Some(Topic::PolicyUpdates)
        );
        assert_eq!(topic_of_heading("儿童隐私保护政策"), Some(Topic::Minors));
        assert_eq!(
            topic_of_heading("收集、使用个人信息目的变更的处理"),
            Some(Topic::CollectionAndUse)
        );
    }

    #[test]
    fn topics_come_as_runs_of_lines_with_crlf_and_astral_characters() {
        let doc = Document::new("😀𠮷隐私政策\r\n一、您的权利\r\n正文。\r\n二、信息安全\r\n");
        let spans: Vec<(&str, usize, usize)> = topics(&doc)
            .iter()
            .map(|s| (s.topic.name(), s.first, s.last))
            .collect();
        assert_eq!(
            spans,
            [("other", 0, 0), ("user-rights", 1, 2), ("security", 3, 3)]
        );
    }
}
