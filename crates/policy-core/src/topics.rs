//! Topics: which disclosure each part of a policy makes (how data is
//! collected and used, shared, kept, secured; users' rights; minors;
//! updates; how to reach the controller …), from its headings.
//!
//! **Headings** ([`section_heading`]). A line is a heading when it is
//! short (at most [`MAX_HEADING`] characters once Markdown marks `#`, `*`
//! and blanks are trimmed — blanks and `*` inside it do not count, so
//! `**一、定** **义**` is 一、定义), does not end like a sentence (。；;), and
//! either starts with a numbering (一、 / 第一条 / （一） / 1、 1. / 1.1 /
//! （1） / A、) or is at most [`MAX_PLAIN_HEADING`] characters with no
//! sentence punctuation (，。). A numbered bold heading that leads a
//! paragraph (`**3. 您的权利** 您可以…`) is a heading named by its bold words.
//! No heading: a rule or table divider (`=====`, `---|---`), a line led by a
//! bullet (• · - …) or of one character, an unnumbered label with its value
//! (`客服邮箱：…`), a link, contact details, a company named alone.
//! A heading's *level* is the order in which its numbering style first
//! appears in the document (so 一、 above （一） above 1. in one policy,
//! and the other way round in another; each depth of 1.1 / 1.1.1 and each
//! `#` count of an unnumbered Markdown heading is a style of its own);
//! plain unnumbered headings are below all others.
//!
//! **Lists.** Headings of one numbering that follow each other (blank
//! lines aside) are a list — a table of contents, or short items of a
//! section — and open no section: they take the topic of the section they
//! are in (`other` for a table of contents before the first section). A
//! short numbered line ending in ； is an item of such a list too, and the
//! whole run of items is the list; a heading whose number does not follow
//! the one before it (1. after 9.) starts the sections the list announced.
//!
//! **Sections.** A heading's section runs to the next heading of its level
//! or above. A heading names a topic by the first matching entry of
//! [`TOPIC_WORDS`] (general terms of the field: Cookie, 共享, 存储, 安全,
//! 权利, 更新, 联系 …; 使用/处理 only with 信息/数据; no user right in
//! 知识产权 or 权利归属); a heading that names none takes its parent
//! section's (a heading about the policy itself names only its updates).
//! A sub-heading keeps its parent's topic unless it names one of
//! [`SUB_TOPICS`] (every required topic but collection, and cookies): a
//! 撤回同意 under users' rights is consent withdrawal, a 为您提供服务 under
//! collection is collection, and so is 其他方分享的您的信息 (information
//! shared with the controller).
//!
//! **Content.** A line of content under a heading that names no topic
//! takes the one topic its words speak of ([`CONTENT_WORDS`]: 联系我们 with
//! 邮箱 or 电话, 撤回 with 同意, 收集 with 信息 …), or `other` when they speak
//! of none or of several; before the first topical heading (the preamble,
//! when the policy has one) a line is `other`. Contact details (an e-mail
//! address, a telephone number, a label such as 联系地址：) are
//! `controller-contact` wherever they stand, and so is a company named
//! alone, but in a section on sharing (a partner). Last, a required topic
//! that no line has yet is found in the lines that state it plainly
//! ([`PARAGRAPH_CUES`]: collection, sharing with a third party, security
//! measures, a user's rights, changes to the policy), under any heading.
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
        &[
            "撤回",
            "撤销同意",
            "撤销授权",
            "授权同意的范围",
            "管理授权",
            "管理您的授权",
            "取消授权",
        ],
    ),
    (Topic::Minors, &["未成年", "儿童", "未满", "年龄"]),
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
    // 我们如何存储和保护您的个人信息 is about keeping it.
    (
        Topic::Retention,
        &["存储", "储存", "保存", "存放", "保留", "留存", "期限"],
    ),
    (Topic::Security, &["安全", "保护"]),
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
        &[
            "联系我们",
            "联系方式",
            "如何联系",
            "与我们联系",
            "关于我们",
            "我们是谁",
        ],
    ),
    // 使用 and 处理 name collection and use only of information
    // ([`topic_of_heading`]): 使用规则 is about using the service.
    (Topic::CollectionAndUse, &["收集", "获取"]),
    (Topic::Definitions, &["定义", "术语", "释义"]),
];

/// Words by which a heading names the policy itself (its title, its
/// scope, its date): such a heading names no topic but its updates.
const POLICY_ITSELF: &[&str] = &["政策", "指引", "声明", "协议", "条款", "日期"];
/// Words of change: a heading about the policy with one of them is about
/// its updates; so is a heading with one of them that names no other
/// topic (十四、变更) — but 收集、使用目的变更 is about collection.
const UPDATE_WORDS: &[&str] = &["更新", "变更", "修订", "修改", "变化", "更改"];

/// Words of rights that are not a user's over his information.
const NOT_USER_RIGHTS: &[&str] = &["知识产权", "归属", "合法权益", "合法权利"];

/// The topic a heading's words name, if any.
pub fn topic_of_heading(text: &str) -> Option<Topic> {
    let updates = UPDATE_WORDS.iter().any(|w| text.contains(w));
    let named = TOPIC_WORDS
        .iter()
        .find(|(_, words)| words.iter().any(|w| text.contains(w)))
        .map(|(t, _)| *t)
        // A right that is no user's over his data: 知识产权, 权利归属,
        // 合法权益.
        .filter(|t| *t != Topic::UserRights || !NOT_USER_RIGHTS.iter().any(|w| text.contains(w)));
    if POLICY_ITSELF.iter().any(|w| text.contains(w)) {
        // 儿童隐私政策 and Cookie 政策 keep their topic; 个人信息保护政策
        // is a title.
        return match named {
            Some(t @ (Topic::Minors | Topic::Cookies | Topic::ConsentWithdrawal)) => Some(t),
            _ => (updates && !text.contains("日期")).then_some(Topic::PolicyUpdates),
        };
    }
    // 联系 names the controller's contact in a heading (十五、联系某某),
    // but not a contact list's (通讯录联系人).
    let contact =
        (text.contains("联系") && !text.contains("联系人")).then_some(Topic::ControllerContact);
    // 使用, 处理 and 用途 name collection and use of information only.
    let using = (["使用", "处理", "用途"].iter().any(|w| text.contains(w))
        && ["信息", "数据", "资料"].iter().any(|w| text.contains(w)))
    .then_some(Topic::CollectionAndUse);
    named
        .or(using)
        .or(updates.then_some(Topic::PolicyUpdates))
        .or(contact)
}

/// What a line of content outside any topical section says, when it
/// says exactly one of these: each entry is a topic and groups of words,
/// every group needing one of its words in the line.
pub const CONTENT_WORDS: &[(Topic, &[&[&str]])] = &[
    (
        Topic::ControllerContact,
        &[
            &["联系我们", "与我们联系", "与我们取得联系"],
            &["邮箱", "电话", "@", "地址", "客服", "邮件"],
        ],
    ),
    (Topic::ControllerContact, &[&["注册地址", "办公地址"]]),
    (Topic::ConsentWithdrawal, &[&["撤回"], &["同意", "授权"]]),
    (
        Topic::Minors,
        &[
            &["未成年", "儿童", "十四周岁", "14周岁"],
            &["监护人", "父母", "家长", "信息"],
        ],
    ),
    (
        Topic::Retention,
        &[&["存储", "储存", "保存", "保留"], &["期限", "境内", "期间"]],
    ),
    (Topic::Security, &[&["安全措施", "加密", "安全防护"]]),
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
    (
        Topic::CollectionAndUse,
        &[&["收集", "获取"], &["信息", "数据"]],
    ),
];

/// What a paragraph states so plainly that it has that topic when no
/// section of the document does (security measures stated under a
/// section on sharing, a user's rights under one on accounts): each entry
/// is a topic and groups of words, every group needing one of its words
/// in the line; a line stating two of them states none. Not retention,
/// minors nor consent withdrawal: the annotators label a retention
/// period, a child's guardian or a withdrawal of consent by the section
/// they stand in.
pub const PARAGRAPH_CUES: &[(Topic, &[&[&str]])] = &[
    (
        Topic::CollectionAndUse,
        &[&["收集"], &["个人信息", "用户信息", "您的信息"]],
    ),
    (
        Topic::Security,
        &[
            &[
                "加密",
                "安全措施",
                "安全技术",
                "安全防护",
                "去标识化",
                "安全事件",
                "SSL",
                "HTTPS",
            ],
            &[
                "采取", "采用", "使用", "部署", "启用", "建立", "发生", "制定",
            ],
        ],
    ),
    (
        Topic::UserRights,
        &[
            &[
                "您有权",
                "你有权",
                "用户有权",
                "监护人有权",
                "您可以",
                "你可以",
                "用户可以",
            ],
            &[
                "访问您的",
                "访问你的",
                "更正",
                "删除",
                "注销",
                "复制",
                "查阅",
            ],
            &["个人信息", "账号", "帐号", "账户", "帐户", "资料"],
        ],
    ),
    (
        Topic::ThirdPartySharing,
        &[
            &[
                "共享",
                "分享",
                "转让",
                "披露",
                "透露",
                "提供给",
                "对外提供",
                "公开",
            ],
            &[
                "第三方",
                "合作伙伴",
                "关联公司",
                "合作方",
                "合作单位",
                "他人",
            ],
            &["信息", "资料"],
        ],
    ),
    (
        Topic::PolicyUpdates,
        &[
            &["修订", "更新", "修改", "变更", "更改"],
            &[
                "本政策",
                "隐私政策",
                "本指引",
                "隐私权政策",
                "本协议",
                "协议条款",
                "本隐私",
            ],
        ],
    ),
];

/// The one topic a line states plainly by [`PARAGRAPH_CUES`], if exactly
/// one.
pub fn topic_of_paragraph(line: &str) -> Option<Topic> {
    let cues = &*LINE_CUES;
    one_topic(cues.words.present(line), &cues.paragraph)
}

/// The words of [`CONTENT_WORDS`] and [`PARAGRAPH_CUES`] in one automaton,
/// and each entry's groups as bit sets of it: a line is searched once for
/// both, not once per word (most of a line's words are in no list, and a
/// word search that fails reads the whole line).
struct LineCues {
    words: Words,
    content: Vec<(Topic, Vec<Bits>)>,
    paragraph: Vec<(Topic, Vec<Bits>)>,
}

static LINE_CUES: LazyLock<LineCues> = LazyLock::new(|| {
    let all = CONTENT_WORDS
        .iter()
        .chain(PARAGRAPH_CUES)
        .flat_map(|(_, groups)| groups.iter().flat_map(|g| g.iter()));
    let words = Words::new(all);
    let entries = |cues: &[(Topic, &[&[&str]])]| {
        cues.iter()
            .map(|(topic, groups)| (*topic, groups.iter().map(|g| words.bits(g)).collect()))
            .collect()
    };
    LineCues {
        content: entries(CONTENT_WORDS),
        paragraph: entries(PARAGRAPH_CUES),
        words,
    }
});

/// The topic of the one entry, or of all entries alike, whose every group
/// has a word in `bits`; none when none has, or entries of two topics.
fn one_topic(bits: Bits, entries: &[(Topic, Vec<Bits>)]) -> Option<Topic> {
    let mut found = entries
        .iter()
        .filter(|(_, groups)| all_groups(bits, groups))
        .map(|(t, _)| *t);
    let first = found.next()?;
    found.all(|t| t == first).then_some(first)
}

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
    // Switching a feature off so that the collection stops (您可以通过关闭
    // 定位功能，停止对您的位置信息的收集): tuning round 3.
    (
        Topic::ConsentWithdrawal,
        &[&["关闭"], &["停止", "不再"], &["收集", "获取"]],
    ),
    (Topic::ConsentWithdrawal, &[&["授权同意的范围"]]),
    // A permission or authorisation switched off in other words, at the
    // user's option at any time (可随时…设置为不允许授权摄像头; 您可以随时
    // 禁止…权限): the missing-disclosure tuning round. 可随时, not 随时
    // alone: the service's own 有权随时禁止… is no withdrawal.
    (
        Topic::ConsentWithdrawal,
        &[
            &["可随时", "可以随时", "随时可"],
            &["不允许", "禁止", "停止"],
            &["权限", "授权"],
        ],
    ),
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
    // Measures taken, named otherwise, for security or protection (采取
    // 技术措施和其他必要措施，确保…信息安全; 采取技术与管理等合理措施保障…安全):
    // tuning round 3.
    (
        Topic::Security,
        &[
            &["采取", "采用"],
            &[
                "技术措施",
                "管理措施",
                "保护措施",
                "合理措施",
                "必要措施",
                "技术手段",
            ],
            &["安全", "保护", "泄露", "丢失"],
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
/// number anywhere in a line with a contact word.
const MIN_PHONE_DIGITS: usize = 7;

/// The shortest run of digits taken for a telephone number right after a
/// word of telephone (客服电话：95021, 热线 12345).
const MIN_HOTLINE_DIGITS: usize = 4;

/// The most characters between a word of telephone or instant messaging
/// and the number or handle it introduces (电话（工作日）：…).
const MAX_LEAD: usize = 8;

/// The shortest handle taken for an instant-messaging contact (客服微信：
/// abc12, QQ：12345).
const MIN_HANDLE: usize = 5;

/// Whether `line` gives the controller's contact details: a contact word
/// (联系, 邮箱, 电话, 客服, 地址, 邮件) with an e-mail address (an `@`
/// between ASCII letters or digits), a telephone number (a run of at
/// least [`MIN_PHONE_DIGITS`] digits) or a web address (`http`, `www.`)
/// in a sentence with 联系; or, tuning round 3, a short number right after
/// a word of telephone (电话, 热线, 拨打: a hotline of
/// [`MIN_HOTLINE_DIGITS`] digits or more) or a handle right after a word of
/// instant messaging (微信, QQ, 公众号: at least [`MIN_HANDLE`] ASCII letters
/// or digits). A web address with no 联系 is none.
pub fn discloses_contact(line: &str) -> bool {
    CONTACT_WORDS.iter().any(|w| line.contains(w)) && contact_details(line)
}

/// The words of contact of [`discloses_contact`].
const CONTACT_WORDS: &[&str] = &[
    "联系",
    "邮箱",
    "电话",
    "客服",
    "邮件",
    "地址",
    "热线",
    "微信",
    "QQ",
    "公众号",
];

/// The sentence ends of a web address's sentence in [`contact_details`].
const SENTENCE_ENDS: &[char] = &['。', '！', '？', '；', '!', '?', ';'];

/// Whether `line` holds an e-mail address, a telephone number, a web
/// address in a sentence with 联系, or a hotline or handle right after its
/// word ([`discloses_contact`]).
fn contact_details(line: &str) -> bool {
    let mut mail = false;
    let mut before = ['\0', '\0'];
    let mut run = 0;
    let mut phone = false;
    for c in line.chars() {
        mail |= before[1] == '@' && before[0].is_ascii_alphanumeric() && c.is_ascii_alphanumeric();
        before = [before[1], c];
        if c.is_ascii_digit() {
            run += 1;
        } else if c != '-' {
            run = 0;
        }
        phone |= run >= MIN_PHONE_DIGITS;
    }
    let web = line
        .split(SENTENCE_ENDS)
        .any(|s| s.contains("联系") && (s.contains("http") || s.contains("www.")));
    mail || phone
        || web
        || after_word(
            line,
            &["电话", "热线", "拨打"],
            MIN_HOTLINE_DIGITS,
            |c| c.is_ascii_digit() || c == '-',
        )
        || after_word(line, &["微信", "QQ", "公众号"], MIN_HANDLE, |c| {
            c.is_ascii_alphanumeric() || c == '_' || c == '-'
        })
}

/// Whether one of `words` in `line` is followed, within [`MAX_LEAD`]
/// characters of other kinds, by a run of at least `min` characters that
/// `part` accepts.
fn after_word(line: &str, words: &[&str], min: usize, part: impl Fn(char) -> bool) -> bool {
    words.iter().any(|w| {
        line.match_indices(w).any(|(i, _)| {
            let rest = line[i + w.len()..].chars();
            let mut lead = 0;
            let mut run = 0;
            for c in rest {
                if part(c) {
                    run += 1;
                    if run >= min {
                        return true;
                    }
                } else if run > 0 || lead >= MAX_LEAD {
                    return false;
                } else {
                    lead += 1;
                }
            }
            false
        })
    })
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
/// [`DISCLOSURE_CUES`] or [`discloses_contact`], by a change to the policy
/// under any name ([`names_this_policy`]) or by leaving the topic by name
/// to another policy ([`referred_elsewhere`]), as a bit set (bit
/// `topic as u16`). O(line).
pub fn disclosed_in(line: &str) -> u16 {
    let cues = &*DISCLOSURE_WORDS;
    let of_sentence = |bits: Bits| {
        cues.entries
            .iter()
            .filter(|(_, groups)| all_groups(bits, groups))
            .fold(0u16, |out, (topic, _)| out | 1 << *topic as u16)
    };
    // Tuning round 3: a sentence that changes the policy under any name.
    let updates = |sentence: &str| {
        if UPDATE_VERBS.iter().any(|w| sentence.contains(w)) && names_this_policy(sentence) {
            1 << Topic::PolicyUpdates as u16
        } else {
            0
        }
    };
    let mut out = 0u16;
    // One pass over the line, sentence ends included (no cue word holds
    // one, and the matches come in order of their ends).
    let (mut in_line, mut in_sentence, mut from) = (0, 0, 0);
    for (start, end, bit) in cues.words.matches(line) {
        if bit & cues.ends != 0 {
            out |= of_sentence(in_sentence)
                | updates(&line[from..start])
                | referred_elsewhere(&line[from..start]);
            in_sentence = 0;
            from = end;
        } else {
            in_sentence |= bit;
            in_line |= bit;
        }
    }
    out |= of_sentence(in_sentence) | updates(&line[from..]) | referred_elsewhere(&line[from..]);
    if in_line & cues.contact != 0 && contact_details(line) {
        out |= 1 << Topic::ControllerContact as u16;
    }
    out
}

/// Words that send the reader to another document for what it sets out
/// (…制定了《某某隐私政策》对…存储…进行了披露; 详见《…》).
const REFERENCE_WORDS: &[&str] = &["披露", "详见", "参见", "请见", "阅读", "查阅", "了解"];

/// The topics a sentence can leave by name to another policy, each with
/// the words that name it there.
const REFERRED_TOPICS: &[(Topic, &[&str])] = &[
    (Topic::Retention, &["存储", "保存", "储存", "留存"]),
    (Topic::Minors, &["未成年", "儿童"]),
    (Topic::ConsentWithdrawal, &["撤回"]),
    (Topic::ThirdPartySharing, &["共享", "转让"]),
];

/// What another policy is called, as the last word of its name in 《》.
const OTHER_POLICY_NAMES: &[&str] = &["政策", "指引", "声明"];

/// The longest name in 《》 taken for another policy, in characters.
const MAX_OTHER_POLICY_NAME: usize = 20;

/// The topics `sentence` leaves by name to another policy (the
/// missing-disclosure tuning round; decision 7 of
/// docs/lint-precision-document.md): a sentence that names another
/// policy ([`names_other_policy`]) with a word sending the reader to it
/// ([`REFERENCE_WORDS`]) discloses each topic of [`REFERRED_TOPICS`] it
/// names, in the title or out of it (请阅读《儿童个人信息保护政策》: minors).
fn referred_elsewhere(sentence: &str) -> u16 {
    if !sentence.contains('《')
        || !REFERENCE_WORDS.iter().any(|w| sentence.contains(w))
        || !names_other_policy(sentence)
    {
        return 0;
    }
    REFERRED_TOPICS
        .iter()
        .filter(|(_, words)| words.iter().any(|w| sentence.contains(w)))
        .fold(0, |bits, (topic, _)| bits | 1 << *topic as u16)
}

/// Whether `sentence` names a policy other than this one: a name in 《》
/// of at most [`MAX_OTHER_POLICY_NAME`] characters, no comma, ending in
/// one of [`OTHER_POLICY_NAMES`], with no 本 of "this" before it in its
/// clause (本《隐私政策》, 本涵盖…的《隐私政策》 are this policy; the 本 of
/// 基本 is no "this": [`NOT_THIS`]) and no alias of this policy right after
/// it (《某某隐私政策》（“本政策”）).
fn names_other_policy(sentence: &str) -> bool {
    let mut this = false;
    for (i, c) in sentence.char_indices() {
        match c {
            '，' | ',' => this = false,
            '本' => {
                this |= !sentence[..i]
                    .chars()
                    .next_back()
                    .is_some_and(|p| NOT_THIS.contains(p));
            }
            '《' if !this => {
                let rest = &sentence[i + c.len_utf8()..];
                let Some(end) = rest.find('》') else {
                    return false;
                };
                let name = &rest[..end];
                let after: String = rest[end + '》'.len_utf8()..].chars().take(10).collect();
                if name.chars().count() <= MAX_OTHER_POLICY_NAME
                    && !name.contains(['，', ',', '：', ':'])
                    && OTHER_POLICY_NAMES.iter().any(|w| name.ends_with(w))
                    && !after.contains("“本")
                    && !after.contains("\"本")
                {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// Verbs of a change to the policy.
const UPDATE_VERBS: &[&str] = &["更新", "修订", "变更", "修改"];

/// What a policy calls itself, as the last word of its name.
const POLICY_NAMES: &[&str] = &[
    "政策", "指引", "声明", "协议", "条款", "规则", "指南", "说明",
];

/// The longest name of a policy, in characters, after 本 or inside 《》.
const MAX_POLICY_NAME: usize = 12;

/// Whether `sentence` names the policy itself whatever its words (tuning
/// round 3): 本 followed by a name ending in one of [`POLICY_NAMES`]
/// (本隐私权政策, 本隐私保护指引, 本《隐私政策》; not the 本 of a word:
/// [`NOT_THIS`]), or a name in 《》 ending so (《用户个人信息保护声明》), at
/// most [`MAX_POLICY_NAME`] characters with no sentence punctuation.
fn names_this_policy(sentence: &str) -> bool {
    let name_ends = |rest: &str| {
        let mut n = 0;
        for (i, c) in rest.char_indices() {
            if POLICY_NAMES.iter().any(|w| rest[i..].starts_with(w)) {
                return true;
            }
            n += 1;
            if n > MAX_POLICY_NAME || matches!(c, '，' | ',' | '、' | '：' | ':') {
                return false;
            }
        }
        false
    };
    sentence.match_indices(['本', '《']).any(|(i, m)| {
        let word = m == "本"
            && sentence[..i]
                .chars()
                .next_back()
                .is_some_and(|c| NOT_THIS.contains(c));
        !word && name_ends(&sentence[i + m.len()..])
    })
}

/// Characters that make a 本 after them part of a word (版本, 基本, 文本 …),
/// not "this".
const NOT_THIS: &str = "版基根成日文样资副剧课书原账脚标";

/// The longest line that is taken for the controller's name when it
/// names a company (…有限公司), in characters.
const MAX_NAME_LINE: usize = 30;

/// The one topic `line` speaks of by [`CONTENT_WORDS`], if exactly one; a
/// short line naming a company names the controller.
pub fn topic_of_content(line: &str) -> Option<Topic> {
    content_topic(line, LINE_CUES.words.present(line))
}

/// [`topic_of_content`] of `line`, whose words of [`LINE_CUES`] are
/// `bits`.
fn content_topic(line: &str, bits: Bits) -> Option<Topic> {
    if names_company(line) {
        return Some(Topic::ControllerContact);
    }
    one_topic(bits, &LINE_CUES.content)
}

/// Whether a line says how to reach the controller: contact details
/// ([`discloses_contact`]: a word of contact with an e-mail address or a
/// telephone number), 联系 with an e-mail address or 电话：, or a label
/// of the controller's contact details with its value (联系地址：…,
/// 客服邮箱：…).
fn is_contact(line: &str) -> bool {
    // Each way below needs one of these words; most lines have none, and
    // one pass over them settles those lines.
    if !CONTACT_TRIGGERS.any(line) {
        return false;
    }
    if discloses_contact(line)
        || line.contains("联系") && (line.contains('@') || line.contains("电话："))
    {
        return true;
    }
    let text = trim_marks(line);
    text.split_once(['：', ':']).is_some_and(|(label, value)| {
        label.chars().count() <= MAX_LABEL
            && CONTACT_LABELS.iter().any(|w| label.contains(w))
            && CONTACT_KINDS.iter().any(|w| label.contains(w))
            && !trim_marks(value).is_empty()
    })
}

/// The words one of which each way of [`is_contact`] needs: those of
/// [`discloses_contact`] (联系 among them) and what a label names.
static CONTACT_TRIGGERS: LazyLock<Words> =
    LazyLock::new(|| Words::new(CONTACT_WORDS.iter().chain(CONTACT_KINDS)));

/// The longest label of contact details ([`is_contact`]), in characters.
const MAX_LABEL: usize = 10;
/// Whose contact details a label names: the controller's (联系, 客服,
/// 注册 …), not a device's (MAC地址) nor a delivery's (收货地址).
const CONTACT_LABELS: &[&str] = &[
    "联系", "客服", "注册", "办公", "通讯", "公司", "投诉", "我们",
];
/// What a label of contact details names.
const CONTACT_KINDS: &[&str] = &["地址", "电话", "邮箱", "邮件", "热线", "方式"];

/// Whether a line names a company and nothing else (示例科技有限公司):
/// ends with 公司, has no clause and is at most [`MAX_NAME_LINE`]
/// characters, and is no 关联公司 (the affiliates of a sharing list).
fn names_company(line: &str) -> bool {
    let text = trim_marks(line);
    text.ends_with("公司")
        && text.chars().count() <= MAX_NAME_LINE
        && !text.contains(['，', '：', ':', '。', ','])
        && !text.contains("关联")
}

/// All that [`line_topics`] reads of one line: two texts whose lines,
/// blank ones left out, have equal signatures in the same order have the
/// same topics, which [`signature_topics`] finds from the signatures
/// alone. Lets a caller that keeps the signatures of a document redo its
/// topics only when an edit changes one, reading no text
/// (`crate::doc_lints`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineSignature {
    /// Nothing but blanks and Markdown marks.
    Blank,
    /// A heading.
    Heading {
        numbering: Numbering,
        number: Option<u32>,
        /// The topic its words name.
        topic: Option<Topic>,
        /// Whether its words speak of information others shared
        /// ([`RECEIVED`]): under collection, still collection.
        received: bool,
        /// Whether it gives contact details: a heading of a table of
        /// contents is read as content.
        contact: bool,
    },
    /// Any other line.
    Content {
        /// Whether it gives contact details.
        contact: bool,
        /// Whether it names a company alone.
        company: bool,
        /// Its content topic ([`topic_of_content`]).
        topic: Option<Topic>,
        /// Its paragraph topic ([`topic_of_paragraph`]).
        paragraph: Option<Topic>,
        /// Its numbering and number when it is an item of a list
        /// ([`list_item`]), which makes a table of contents of the
        /// headings beside it.
        item: Option<(Numbering, Option<u32>)>,
    },
}

/// The [`LineSignature`] of `line`. O(line).
pub fn line_signature(line: &str) -> LineSignature {
    if trim_marks(line).is_empty() {
        return LineSignature::Blank;
    }
    let facts = Facts::new(line);
    match heading_of(&facts) {
        Some(h) => LineSignature::Heading {
            numbering: h.numbering,
            number: h.number,
            topic: topic_of_heading(&h.words),
            received: is_received(&h),
            contact: facts.contact(),
        },
        None => {
            let cues = &*LINE_CUES;
            let bits = cues.words.present(line);
            LineSignature::Content {
                contact: facts.contact(),
                company: facts.company(),
                topic: content_topic(line, bits),
                paragraph: one_topic(bits, &cues.paragraph),
                item: list_item(line),
            }
        }
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
    /// 1.1, 2.3. (2 parts), 1.2.3 (3 parts): each depth is a level.
    Dotted(u8),
    /// （1） (2) 3）
    ParenDigit,
    /// A、 B. (section headings only: [`heading`] takes them for plain).
    Letter,
    /// An unnumbered Markdown heading of so many `#` (section headings
    /// only: [`heading`] takes them for plain).
    Hash(u8),
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

/// A heading as the sections read it ([`section_heading`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SectionHeading {
    pub numbering: Numbering,
    /// Its number (3 for 三、, （3）, 3. and C、; the last one for 1.3),
    /// when it has one.
    pub number: Option<u32>,
    /// The words that may name its topic: the line without blanks and
    /// emphasis marks, or only the bold heading that leads a paragraph.
    pub words: String,
}

/// Whether `text` is a rule or a table's divider (`=====`, `---|---`):
/// no heading, whatever its length.
fn is_rule(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_whitespace() || matches!(c, '=' | '-' | '_' | '|' | ':' | '~' | '—' | '·'))
}

/// Whether the words of `text` ([`heading_words`]) are more than
/// [`MAX_HEADING`] characters, counted no further than that.
fn too_long_for_heading(text: &str) -> bool {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '*')
        .nth(MAX_HEADING)
        .is_some()
}

/// The words of a heading: its text without blanks and emphasis marks.
fn heading_words(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '*')
        .collect()
}

/// The heading that opens a section at `line`, if it is one. Besides the
/// headings of [`heading`]:
///
/// - blanks and emphasis marks inside a numbered heading do not count
///   towards its length (`**3.    ****我们如何使用** **Cookie**`);
/// - a numbered bold heading leading a paragraph (`**3. 您的权利** 您可以…`)
///   is a heading, named by its bold words only;
/// - a line lettered A、 or B. is a heading ([`Numbering::Letter`]), and an
///   unnumbered Markdown heading is [`Numbering::Hash`];
/// - an unnumbered line is none when it is a label with its value
///   (`客服邮箱：…`), a link or image (`[…](…)`), a rule (`=====`), led by
///   a bullet (• · - …) or of one character;
/// - a line giving contact details or naming a company alone is none.
pub fn section_heading(line: &str) -> Option<SectionHeading> {
    heading_of(&Facts::new(line))
}

/// Whether a line gives contact details ([`is_contact`]) and whether it
/// names a company alone ([`names_company`]), each found once when first
/// asked: [`line_signature`] asks both after [`heading_of`] may have.
struct Facts<'a> {
    line: &'a str,
    contact: std::cell::OnceCell<bool>,
    company: std::cell::OnceCell<bool>,
}

impl<'a> Facts<'a> {
    fn new(line: &'a str) -> Self {
        Facts {
            line,
            contact: Default::default(),
            company: Default::default(),
        }
    }

    fn contact(&self) -> bool {
        *self.contact.get_or_init(|| is_contact(self.line))
    }

    fn company(&self) -> bool {
        *self.company.get_or_init(|| names_company(self.line))
    }
}

/// [`section_heading`] of `facts`' line.
fn heading_of(facts: &Facts) -> Option<SectionHeading> {
    let line = facts.line;
    let text = trim_marks(line);
    if text.is_empty() || is_rule(text) {
        return None;
    }
    // Emphasis marks and blanks inside a heading do not make it long
    // (**3.      ****我们如何使用** **Cookie**, **一、定** **义**).
    // A long line is no numbered heading: its words are not gathered.
    if !too_long_for_heading(text) {
        let compact = heading_words(text);
        let n = numbering(&compact);
        if n != Numbering::Plain && !compact.ends_with(['。', '；', ';']) && !facts.contact() {
            return Some(SectionHeading {
                numbering: n,
                number: number_of(&compact, n),
                words: compact,
            });
        }
    }
    let lead = line.trim_start_matches(|c: char| c.is_whitespace() || c == '#' || c == '\u{3000}');
    if let Some(rest) = lead.strip_prefix("**")
        && let Some(end) = rest.find("**")
    {
        let inner = rest[..end].trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}');
        let after = trim_marks(&rest[end + 2..]);
        let n = numbering(inner);
        if !after.is_empty()
            && has_words(inner)
            && n != Numbering::Plain
            && inner.chars().count() <= MAX_HEADING
            && !inner.ends_with(['。', '；', ';', '，', ','])
        {
            return Some(SectionHeading {
                numbering: n,
                number: number_of(inner, n),
                words: heading_words(inner),
            });
        }
    }
    let mut n = heading(line)?;
    if facts.contact() || facts.company() {
        return None;
    }
    if n == Numbering::Plain {
        let hashes = line.trim_start().chars().take_while(|&c| c == '#').count();
        if lettered(text) {
            n = Numbering::Letter;
        } else if hashes > 0 {
            n = Numbering::Hash(hashes.min(6) as u8);
        } else if text.chars().count() < 2
            || text.starts_with(BULLETS)
            || text.contains("](")
            || text
                .split_once(['：', ':'])
                .is_some_and(|(_, value)| !trim_marks(value).is_empty())
        {
            return None;
        }
    }
    Some(SectionHeading {
        numbering: n,
        number: number_of(text, n),
        words: heading_words(text),
    })
}

/// The numbering and number of a short numbered line that is no heading
/// for its ending (一、我们收集的信息；): an item of a list.
fn list_item(line: &str) -> Option<(Numbering, Option<u32>)> {
    let text = trim_marks(line);
    if too_long_for_heading(text) {
        return None;
    }
    let compact = heading_words(text);
    let n = numbering(&compact);
    (n != Numbering::Plain).then(|| (n, number_of(&compact, n)))
}

/// Marks of a list item: a line led by one is no heading.
const BULLETS: &[char] = &['•', '·', '●', '○', '◆', '◇', '■', '□', '▪', '-', '+', '>'];

/// Whether `text` has words besides a numbering (三、 and **3.** have
/// none).
fn has_words(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_alphabetic() && !CHINESE_DIGITS.contains(c) && !"第条章部分节篇".contains(c))
}

/// Whether `text` starts with a letter numbering: A、 B. c．, then no
/// ASCII letter or digit (A.B 测试 and a.m. are no numberings).
fn lettered(text: &str) -> bool {
    let mut chars = text.chars();
    matches!(
        (chars.next(), chars.next(), chars.next()),
        (Some(l), Some('、' | '.' | '．'), Some(c)) if l.is_ascii_alphabetic() && !c.is_ascii_alphanumeric()
    )
}

/// The value of the Chinese numeral that starts `text` (一 … 九十九).
fn chinese_number(text: &str) -> Option<u32> {
    let digit = |c: char| {
        "零一二三四五六七八九"
            .find(c)
            .map(|i| (i / '一'.len_utf8()) as u32)
    };
    let mut tens: Option<u32> = None;
    let mut units: Option<u32> = None;
    for c in text.chars() {
        if c == '十' {
            tens = Some(units.take().unwrap_or(1));
        } else if let Some(d) = digit(c) {
            units = Some(d);
        } else if c == '〇' {
            units = Some(0);
        } else {
            break;
        }
    }
    match (tens, units) {
        (None, None) => None,
        (t, u) => Some(t.unwrap_or(0) * 10 + u.unwrap_or(0)),
    }
}

/// The number of a heading numbered `n` ([`SectionHeading::number`]).
fn number_of(text: &str, n: Numbering) -> Option<u32> {
    let digits = |t: &str| -> Option<u32> {
        let d: String = t.chars().take_while(char::is_ascii_digit).collect();
        d.parse().ok()
    };
    let inner = text.trim_start_matches(['（', '(', '第']);
    match n {
        Numbering::Chinese | Numbering::Article | Numbering::ParenChinese => chinese_number(inner),
        Numbering::Digit | Numbering::ParenDigit => digits(inner),
        Numbering::Dotted(_) => {
            let end = text
                .find(|c: char| !c.is_ascii_digit() && !matches!(c, '.' | '．'))
                .unwrap_or(text.len());
            let dotted = text[..end].trim_end_matches(['.', '．']);
            digits(dotted.rsplit(['.', '．']).next().unwrap_or_default())
        }
        Numbering::Letter => text
            .chars()
            .next()
            .map(|c| c.to_ascii_uppercase() as u32 - 'A' as u32 + 1),
        Numbering::Hash(_) | Numbering::Plain => None,
    }
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
            let mut parts = 2u8;
            let mut t = t.trim_start_matches(|c: char| c.is_ascii_digit());
            while let Some(u) = t.strip_prefix(['.', '．'])
                && u.starts_with(|c: char| c.is_ascii_digit())
            {
                parts = parts.saturating_add(1);
                t = u.trim_start_matches(|c: char| c.is_ascii_digit());
            }
            return Numbering::Dotted(parts);
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

/// Words of a sub-heading under collection that names information
/// shared with the controller, not by it.
const RECEIVED: &[&str] = &["分享的", "共享的", "提供的"];

/// Whether a heading's words speak of information others shared
/// ([`RECEIVED`]).
fn is_received(h: &SectionHeading) -> bool {
    RECEIVED.iter().any(|w| h.words.contains(w))
}

/// The topic of every line of `lines`. O(lines).
pub fn line_topics<'a>(lines: impl IntoIterator<Item = &'a str>) -> Vec<Topic> {
    let lines: Vec<&str> = lines.into_iter().collect();
    let parsed: Vec<Option<SectionHeading>> = lines.iter().map(|l| section_heading(l)).collect();
    topics_of(&Texts {
        lines: &lines,
        parsed: &parsed,
    })
}

/// The topic of every line whose [`LineSignature`]s these are: what
/// [`line_topics`] gives for the lines themselves (their signatures hold
/// all it reads of them), reading no text. O(lines).
pub fn signature_topics(signatures: &[LineSignature]) -> Vec<Topic> {
    topics_of(signatures)
}

/// What the topics read of each line of a text: the lines themselves
/// ([`Texts`], each fact worked out when asked) or their signatures.
trait LineFacts {
    fn count(&self) -> usize;
    fn blank(&self, i: usize) -> bool;
    /// The numbering and number of a heading.
    fn heading(&self, i: usize) -> Option<(Numbering, Option<u32>)>;
    /// The topic a heading's words name.
    fn heading_topic(&self, i: usize) -> Option<Topic>;
    /// Whether a heading's words speak of information others shared.
    fn received(&self, i: usize) -> bool;
    /// The numbering and number of a line that is no heading but an item
    /// of a list.
    fn item(&self, i: usize) -> Option<(Numbering, Option<u32>)>;
    fn contact(&self, i: usize) -> bool;
    fn company(&self, i: usize) -> bool;
    fn content_topic(&self, i: usize) -> Option<Topic>;
    fn paragraph_topic(&self, i: usize) -> Option<Topic>;
}

/// Lines of text with their section headings.
struct Texts<'a, 'b> {
    lines: &'b [&'a str],
    parsed: &'b [Option<SectionHeading>],
}

impl LineFacts for Texts<'_, '_> {
    fn count(&self) -> usize {
        self.lines.len()
    }
    fn blank(&self, i: usize) -> bool {
        trim_marks(self.lines[i]).is_empty()
    }
    fn heading(&self, i: usize) -> Option<(Numbering, Option<u32>)> {
        self.parsed[i].as_ref().map(|h| (h.numbering, h.number))
    }
    fn heading_topic(&self, i: usize) -> Option<Topic> {
        self.parsed[i]
            .as_ref()
            .and_then(|h| topic_of_heading(&h.words))
    }
    fn received(&self, i: usize) -> bool {
        self.parsed[i].as_ref().is_some_and(is_received)
    }
    fn item(&self, i: usize) -> Option<(Numbering, Option<u32>)> {
        list_item(self.lines[i])
    }
    fn contact(&self, i: usize) -> bool {
        is_contact(self.lines[i])
    }
    fn company(&self, i: usize) -> bool {
        names_company(self.lines[i])
    }
    fn content_topic(&self, i: usize) -> Option<Topic> {
        topic_of_content(self.lines[i])
    }
    fn paragraph_topic(&self, i: usize) -> Option<Topic> {
        topic_of_paragraph(self.lines[i])
    }
}

impl LineFacts for [LineSignature] {
    fn count(&self) -> usize {
        self.len()
    }
    fn blank(&self, i: usize) -> bool {
        self[i] == LineSignature::Blank
    }
    fn heading(&self, i: usize) -> Option<(Numbering, Option<u32>)> {
        match self[i] {
            LineSignature::Heading {
                numbering, number, ..
            } => Some((numbering, number)),
            _ => None,
        }
    }
    fn heading_topic(&self, i: usize) -> Option<Topic> {
        match self[i] {
            LineSignature::Heading { topic, .. } => topic,
            _ => None,
        }
    }
    fn received(&self, i: usize) -> bool {
        matches!(self[i], LineSignature::Heading { received: true, .. })
    }
    fn item(&self, i: usize) -> Option<(Numbering, Option<u32>)> {
        match self[i] {
            LineSignature::Content { item, .. } => item,
            _ => None,
        }
    }
    fn contact(&self, i: usize) -> bool {
        matches!(
            self[i],
            LineSignature::Heading { contact: true, .. }
                | LineSignature::Content { contact: true, .. }
        )
    }
    fn company(&self, i: usize) -> bool {
        matches!(self[i], LineSignature::Content { company: true, .. })
    }
    fn content_topic(&self, i: usize) -> Option<Topic> {
        match self[i] {
            LineSignature::Content { topic, .. } => topic,
            _ => None,
        }
    }
    fn paragraph_topic(&self, i: usize) -> Option<Topic> {
        match self[i] {
            LineSignature::Content { paragraph, .. } => paragraph,
            _ => None,
        }
    }
}

/// The topic of every line, from what [`LineFacts`] tells of each.
fn topics_of(lines: &(impl LineFacts + ?Sized)) -> Vec<Topic> {
    let count = lines.count();
    let mut headings: Vec<Option<Numbering>> = (0..count)
        .map(|i| lines.heading(i).map(|(n, _)| n))
        .collect();
    // A table of contents: headings of one numbering one after the other
    // (blank lines aside). Its lines open no section and set no level.
    // A heading whose number does not follow the one before it (1. after
    // 9.) starts the sections the table listed.
    let filled: Vec<usize> = (0..count).filter(|&i| !lines.blank(i)).collect();
    // A short numbered line ending like a sentence (1. 我们收集的信息；) is
    // an item of such a list too, though no heading.
    let items: Vec<Option<(Numbering, Option<u32>)>> = (0..count)
        .map(|i| lines.heading(i).or_else(|| lines.item(i)))
        .collect();
    let mut toc = vec![false; count];
    let listed = |a: usize, b: usize| match (items[a], items[b]) {
        (Some((na, xa)), Some((nb, xb))) => {
            na == nb && !matches!((xa, xb), (Some(x), Some(y)) if y <= x)
        }
        _ => false,
    };
    for w in filled.windows(2) {
        let (a, b) = (w[0], w[1]);
        if listed(a, b) && (headings[a].is_some() || headings[b].is_some()) {
            toc[a] = true;
            toc[b] = true;
        }
    }
    // The whole run of items is the list, the ones before its first
    // heading too.
    for w in filled.windows(2).rev() {
        if toc[w[1]] && listed(w[0], w[1]) {
            toc[w[0]] = true;
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
    let mut out = vec![Topic::Other; count];
    // The open sections: (level, topic).
    let mut stack: Vec<(usize, Topic)> = Vec::new();
    // Whether a topical section has begun: before it, the preamble
    // introduces the whole policy (when there is one at all).
    let mut begun = !headings
        .iter()
        .enumerate()
        .any(|(i, h)| h.is_some() && lines.heading_topic(i).is_some_and(|t| t != Topic::Other));
    for (i, h) in headings.iter().enumerate() {
        if let Some(n) = h {
            let lv = level(*n);
            while stack.last().is_some_and(|&(l, _)| l >= lv) {
                stack.pop();
            }
            let parent = stack.last().map(|&(_, t)| t);
            let own = lines.heading_topic(i);
            // Under collection, information others shared (其他方分享的您的
            // 信息) is information collected.
            let received = parent == Some(Topic::CollectionAndUse)
                && own == Some(Topic::ThirdPartySharing)
                && lines.received(i);
            let topic = match (parent, own) {
                (Some(p), _) if received => p,
                (Some(p), Some(t)) if p != Topic::Other && SUB_TOPICS.contains(&t) => t,
                (Some(p), _) if p != Topic::Other => p,
                (_, Some(t)) => t,
                (Some(p), None) => p,
                (None, None) => Topic::Other,
            };
            stack.push((lv, topic));
            begun |= topic != Topic::Other;
        }
        let content = h.is_none() && !toc[i];
        let section = stack.last().map_or(Topic::Other, |&(_, t)| t);
        out[i] = match section {
            // How to reach the controller is said wherever it is said;
            // a company named alone is the controller, but in a section
            // on sharing it is a partner.
            _ if h.is_none() && lines.contact(i) => Topic::ControllerContact,
            s if content && s != Topic::ThirdPartySharing && lines.company(i) => {
                Topic::ControllerContact
            }
            Topic::Other if content && begun => lines.content_topic(i).unwrap_or(Topic::Other),
            s => s,
        };
    }
    // A required topic no section names is found in the paragraphs that
    // state it plainly, wherever they stand.
    let mut covered = 0u16;
    for t in &out {
        covered |= 1 << *t as u16;
    }
    for (i, t) in out.iter_mut().enumerate() {
        if headings[i].is_none()
            && !toc[i]
            && let Some(p) = lines.paragraph_topic(i)
            && covered & (1 << p as u16) == 0
        {
            *t = p;
        }
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

    fn disclosed(line: &str, topic: Topic) -> bool {
        disclosed_in(line) & (1 << topic as u16) != 0
    }

    #[test]
    fn switching_a_feature_off_to_stop_the_collection_withdraws_consent() {
        assert!(disclosed(
            "您可以通过关闭定位功能，停止对您的地理位置信息的收集。",
            Topic::ConsentWithdrawal
        ));
        assert!(disclosed(
            "关闭个性化推荐后，我们将不再获取您的浏览记录。",
            Topic::ConsentWithdrawal
        ));
        // A feature switched off, or a collection stopped, alone is not.
        for line in [
            "您可以关闭消息提醒功能。",
            "账号注销后我们将停止收集您的信息。",
            "关闭该功能。我们将停止收集您的信息。",
        ] {
            assert!(!disclosed(line, Topic::ConsentWithdrawal), "{line}");
        }
    }

    #[test]
    fn a_permission_disallowed_at_any_time_withdraws_consent() {
        for line in [
            "如用户不再希望展示其头像，可随时自行设置为不允许授权相机。",
            "您可以随时在系统设置中禁止本应用的位置权限。",
            "您随时可以停止对通讯录的授权。",
        ] {
            assert!(disclosed(line, Topic::ConsentWithdrawal), "{line}");
        }
        // The service's own right, a security rule, a refusal up front.
        for line in [
            "我们有权随时禁止未经授权的用户访问本服务。",
            "我们不允许任何未经授权的人员访问您的信息。",
            "您可以选择允许或禁止相关权限申请。",
            "您可随时联系我们，我们将停止处理。",
        ] {
            assert!(!disclosed(line, Topic::ConsentWithdrawal), "{line}");
        }
    }

    #[test]
    fn a_topic_left_by_name_to_another_policy_is_disclosed() {
        assert!(disclosed(
            "保护用户信息是我们的基本原则，我们制定了《某某隐私政策》对个人信息的收集、共享、存储、删除等进行了详细披露。",
            Topic::Retention
        ));
        assert!(disclosed(
            "关于未成年人个人信息的保护，详见《某某隐私政策》。",
            Topic::Minors
        ));
        assert!(disclosed(
            "若你是14周岁以下的用户，请和监护人仔细阅读我们专门制定的《儿童个人信息保护政策》。",
            Topic::Minors
        ));
        assert!(disclosed(
            "您撤回授权的方式，请参见《某某隐私政策》。",
            Topic::ConsentWithdrawal
        ));
        // This policy, under any name, or no word sending the reader there.
        for line in [
            "我们希望通过本《隐私政策》向您说明我们如何收集、存储和保护您的信息，请您仔细阅读。",
            "我们制定了本涵盖如何收集、存储用户信息的《隐私政策》，请您仔细阅读。",
            "欢迎阅读《某某隐私政策》（“本政策”），我们将说明如何存储您的信息。",
            "我们将根据《隐私政策》约定收集、存储和分享您的信息。",
            "请阅读《个人信息保护法》中关于存储的规定。",
        ] {
            assert_eq!(
                disclosed_in(line) & (1 << Topic::Retention as u16),
                0,
                "{line}"
            );
        }
    }

    #[test]
    fn measures_named_otherwise_for_security_are_security() {
        for line in [
            "我们将采取技术措施和其他必要措施，确保用户个人信息安全。",
            "我们应积极地采取技术与管理等合理措施保障用户账号的安全。",
        ] {
            assert!(disclosed(line, Topic::Security), "{line}");
        }
        // Measures against the user, or a remedy with no security word.
        for line in [
            "我们有权采取必要措施终止该用户的服务。",
            "请您立即联络客服，以便我们采取相应措施。",
        ] {
            assert!(!disclosed(line, Topic::Security), "{line}");
        }
    }

    #[test]
    fn hotlines_handles_and_web_addresses_are_contacts() {
        for line in [
            "如有问题，请添加我们的客服微信：kefu2020",
            "您可以拨打客服电话（95021）与我们联系。",
            "联系我们https://www.example.com/contact.html",
            "请通过QQ：12345678联系我们。",
        ] {
            assert!(disclosed(line, Topic::ControllerContact), "{line}");
        }
        for line in [
            "请联系我们的客服。",
            "我们会申请电话权限，用于拨打客服电话。",
            "第三方SDK隐私政策链接：https://www.example.com/privacy",
            "您可以使用微信：登录后即可绑定。",
            "客服电话工作时间为9点至18点。",
        ] {
            assert!(!disclosed(line, Topic::ControllerContact), "{line}");
        }
    }

    #[test]
    fn an_update_of_the_policy_under_any_of_its_names_is_an_update() {
        for line in [
            "我们可能适时修订本隐私权政策的条款。",
            "本隐私保护指引如有更新，我们会在页面上公布。",
            "我们会不时变更《用户个人信息保护规则》。",
        ] {
            assert!(disclosed(line, Topic::PolicyUpdates), "{line}");
        }
        for line in [
            "我们会更新本应用的版本。",
            "我们会推送版本更新说明。",
            "请您及时更新您的个人资料，本公司不承担由此产生的后果。",
        ] {
            assert!(!disclosed(line, Topic::PolicyUpdates), "{line}");
        }
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
            ("5.2 信息保护", Some(Numbering::Dotted(2))),
            ("1.4.2 通用数据收集", Some(Numbering::Dotted(3))),
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

    fn section(line: &str) -> Option<(Numbering, Option<u32>, String)> {
        section_heading(line).map(|h| (h.numbering, h.number, h.words))
    }

    #[test]
    fn a_numbered_bold_heading_leading_a_paragraph_opens_a_section() {
        assert_eq!(
            section("**3\\. 如何访问您的个人信息** 您可以登录账户访问您的资料。"),
            Some((Numbering::Digit, Some(3), "3\\.如何访问您的个人信息".into()))
        );
        // Bold words that are no numbered heading lead no section.
        assert_eq!(section("**请您注意**，我们会收集您的设备信息。"), None);
        let text = "一、我们如何收集和使用您的个人信息\n\
                    正文。\n\
                    **二、如何联系我们** 如有疑问，您可以写信给我们。";
        assert_eq!(
            names(text),
            [
                "collection-and-use",
                "collection-and-use",
                "controller-contact"
            ]
        );
    }

    #[test]
    fn letters_number_headings_and_labels_rules_and_links_are_none() {
        assert_eq!(
            section("B、设备信息"),
            Some((Numbering::Letter, Some(2), "B、设备信息".into()))
        );
        assert_eq!(section("B2B服务").map(|h| h.0), Some(Numbering::Plain));
        assert_eq!(section("客服邮箱：help@example.com"), None);
        assert_eq!(section("服务时间：工作日"), None);
        assert_eq!(section("==========").map(|h| h.0), None);
        assert_eq!(section("---|---|---").map(|h| h.0), None);
        assert_eq!(section("* [帮助中心](//example.com/help)"), None);
        // A colon ending a heading is still a heading.
        assert_eq!(section("联系我们：").map(|h| h.0), Some(Numbering::Plain));
    }

    #[test]
    fn a_heading_whose_number_starts_again_ends_the_table_of_contents() {
        let text = "1.我们如何收集和使用您的个人信息\n\
                    2.我们如何共享您的个人信息\n\
                    1.我们如何收集和使用您的个人信息\n\
                    正文。\n\
                    2.我们如何共享您的个人信息\n\
                    正文。";
        assert_eq!(
            names(text),
            [
                "other",
                "other",
                "collection-and-use",
                "collection-and-use",
                "third-party-sharing",
                "third-party-sharing",
            ]
        );
        assert_eq!(number_of("十二、变更", Numbering::Chinese), Some(12));
        assert_eq!(number_of("二十、附则", Numbering::Chinese), Some(20));
        assert_eq!(number_of("（三）转让", Numbering::ParenChinese), Some(3));
        assert_eq!(number_of("1.3.4 访问权限", Numbering::Dotted(3)), Some(4));
    }

    #[test]
    fn contact_labels_and_a_company_named_alone_name_the_controller() {
        let text = "一、本政策如何更新\n\
                    我们会适时修订本政策。\n\
                    示例科技有限公司\n\
                    联系地址：北京市海淀区示例路1号\n\
                    二、我们如何共享您的个人信息\n\
                    示例推送有限公司\n\
                    收货地址：您填写的地址\n\
                    MAC地址：设备标识";
        assert_eq!(
            names(text),
            [
                "policy-updates",
                "policy-updates",
                "controller-contact",
                "controller-contact",
                "third-party-sharing",
                // A company in a section on sharing is a partner.
                "third-party-sharing",
                "third-party-sharing",
                "third-party-sharing",
            ]
        );
        assert!(!names_company("本政策仅适用于我公司的产品与服务。"));
        assert!(!names_company("关联公司"));
        // A heading with 联系 names the contact, unless it is of contacts.
        assert_eq!(
            topic_of_heading("十五、联系示例公司"),
            Some(Topic::ControllerContact)
        );
        assert_eq!(topic_of_heading("（3）读取通讯录联系人"), None);
        assert_eq!(
            topic_of_heading("7.本隐私政策的更改"),
            Some(Topic::PolicyUpdates)
        );
    }

    #[test]
    fn keeping_outranks_protecting_and_age_names_minors() {
        assert_eq!(
            topic_of_heading("三、我们如何存储和保护您的个人信息"),
            Some(Topic::Retention)
        );
        assert_eq!(
            topic_of_heading("四、我们如何保护您的个人信息"),
            Some(Topic::Security)
        );
        assert_eq!(topic_of_heading("六、年龄限制"), Some(Topic::Minors));
    }

    #[test]
    fn a_topic_no_section_names_is_found_in_paragraphs_stating_it() {
        // No section on security: the paragraph on encryption is one.
        let text = "一、我们如何共享您的个人信息\n\
                    我们会与合作伙伴共享您的信息。\n\
                    我们采用加密技术保护您的个人信息。\n\
                    二、账号\n\
                    您可以在设置中删除您的账号。";
        assert_eq!(
            names(text),
            [
                "third-party-sharing",
                "third-party-sharing",
                "security",
                "other",
                "user-rights",
            ]
        );
        // With a section on security, the paragraph keeps its section's.
        let text = "一、我们如何共享您的个人信息\n\
                    我们采用加密技术保护您的个人信息。\n\
                    二、我们如何保护您的个人信息\n\
                    正文。";
        assert_eq!(
            names(text),
            [
                "third-party-sharing",
                "third-party-sharing",
                "security",
                "security",
            ]
        );
        // A line stating two topics states none.
        assert_eq!(
            topic_of_paragraph("您可以删除您的账号，我们采用加密技术。"),
            None
        );
    }

    #[test]
    fn a_right_stated_plainly_is_the_users_or_guardians_not_the_services() {
        for line in [
            "您有权删除您的个人信息。",
            "监护人有权要求我们删除儿童的个人信息。",
        ] {
            assert_eq!(topic_of_paragraph(line), Some(Topic::UserRights), "{line}");
        }
        // The service's own right to delete an account or content.
        for line in [
            "对于长期未使用的帐号，本公司有权予以删除。",
            "平台有权删除违规用户发布的资料。",
        ] {
            assert_eq!(topic_of_paragraph(line), None, "{line}");
        }
    }

    #[test]
    fn sharing_and_updates_stated_plainly_count_where_no_section_names_them() {
        let text = "第一条 用户信息\n\
                    未经用户同意，我们不会向任何第三方透露用户的个人信息。\n\
                    我们有权随时修改本协议条款。\n\
                    第二条 其他\n\
                    本协议适用中华人民共和国法律。";
        assert_eq!(
            names(text),
            [
                "other",
                "third-party-sharing",
                "policy-updates",
                "other",
                "other"
            ]
        );
        // A user's sharing with no third party named is none.
        assert_eq!(topic_of_paragraph("您可以分享您的动态。"), None);
    }

    #[test]
    fn managing_an_authorisation_is_consent_withdrawal_and_contact_needs_us() {
        assert_eq!(
            topic_of_heading("4、管理您的授权范围"),
            Some(Topic::ConsentWithdrawal)
        );
        assert_eq!(topic_of_heading("2、软件授权范围"), None);
        assert_eq!(
            topic_of_content("如有疑问，您可以通过客服电话与我们联系。"),
            Some(Topic::ControllerContact)
        );
        // The user's contact details are data collected, not the
        // controller's.
        assert_eq!(
            topic_of_content("您需要提供收货人姓名、收货地址、联系电话。"),
            None
        );
    }

    #[test]
    fn using_names_collection_only_with_information_and_ip_is_no_user_right() {
        assert_eq!(
            topic_of_heading("二、我们如何使用您的个人信息"),
            Some(Topic::CollectionAndUse)
        );
        assert_eq!(topic_of_heading("五、使用规则"), None);
        assert_eq!(topic_of_heading("四、帐户注册与使用"), None);
        assert_eq!(topic_of_heading("六、您的权利"), Some(Topic::UserRights));
        assert_eq!(topic_of_heading("一、权利归属"), None);
        assert_eq!(topic_of_heading("九、知识产权"), None);
        // Outside sections, collecting names collection; using alone does
        // not (本政策适用于您对我们服务的使用).
        assert_eq!(
            topic_of_content("我们会收集您的设备信息。"),
            Some(Topic::CollectionAndUse)
        );
        assert_eq!(
            topic_of_content("您使用我们的服务即表示您同意本政策的信息。"),
            None
        );
    }

    #[test]
    fn emphasis_inside_a_heading_does_not_make_it_long() {
        let line = "**3.            ****我们如何使用** **Cookie** **、** **SDK** **和同类技术**";
        assert_eq!(heading(line), None);
        assert_eq!(
            section(line),
            Some((
                Numbering::Digit,
                Some(3),
                "3.我们如何使用Cookie、SDK和同类技术".into()
            ))
        );
        // A bold number alone leads no heading of its own words.
        assert_eq!(
            section("**8.** 我们会不时更新本政策，更新后会通知您。"),
            None
        );
    }

    #[test]
    fn list_items_ending_like_sentences_make_a_table_of_contents_too() {
        let text = "本政策将帮助您了解以下内容：\n\
                    1. 我们收集的个人信息；\n\
                    2. 本政策如何更新；\n\
                    3. 我们的联系方式\n\
                    正文。\n\
                    1. 我们收集的个人信息\n\
                    正文。";
        assert_eq!(
            names(text),
            [
                "other",
                "other",
                "other",
                // The last item of the table opens no section.
                "other",
                "other",
                "collection-and-use",
                "collection-and-use",
            ]
        );
        // Contact details in a list are contact details.
        let text = "（1）客服热线：400-000-0000\n（2）电子邮件：help@example.com";
        assert_eq!(names(text), ["controller-contact", "controller-contact"]);
    }

    #[test]
    fn markdown_headings_stand_above_plain_lines_and_bullets_are_none() {
        let text = "### 我们如何收集您的信息\n\
                    您提供的信息\n\
                    • 注册信息\n\
                    o\n\
                    正文。\n\
                    ### 我们如何保护您的信息\n\
                    正文。";
        assert_eq!(
            names(text),
            [
                "collection-and-use",
                // A short plain line is below the Markdown heading.
                "collection-and-use",
                "collection-and-use",
                "collection-and-use",
                "collection-and-use",
                "security",
                "security",
            ]
        );
        assert_eq!(
            section("## 联系我们").map(|h| h.0),
            Some(Numbering::Hash(2))
        );
        assert_eq!(section("• 注册信息"), None);
        assert_eq!(section("o"), None);
        // For the other checks a Markdown heading is still plain.
        assert_eq!(heading("## 联系我们"), Some(Numbering::Plain));
    }

    #[test]
    fn a_heading_split_by_emphasis_is_read_whole() {
        assert_eq!(
            section("**一、定** **义**"),
            Some((Numbering::Chinese, Some(1), "一、定义".into()))
        );
        assert_eq!(topic_of_heading("一、定义"), Some(Topic::Definitions));
    }

    #[test]
    fn the_preamble_before_the_first_topical_section_is_other() {
        let text = "隐私政策\n\
                    我们会收集和使用您的个人信息，请您仔细阅读。\n\
                    一、我们如何收集和使用您的个人信息\n\
                    正文。\n\
                    二、其他\n\
                    我们会收集您的设备信息。";
        assert_eq!(
            names(text),
            [
                "other",
                // Before any topical section, a line introduces the policy.
                "other",
                "collection-and-use",
                "collection-and-use",
                "other",
                // Under a heading naming nothing, a line has its own topic.
                "collection-and-use",
            ]
        );
        // With no topical heading at all, every line has its own.
        assert_eq!(
            names("用户协议\n我们会收集您的设备信息。"),
            ["other", "collection-and-use"]
        );
    }

    #[test]
    fn minors_and_security_in_content_need_more_than_a_word() {
        assert_eq!(topic_of_content("(2) 以任何方式危害未成年人。"), None);
        assert_eq!(
            topic_of_content("我们不会收集未成年人的个人信息。"),
            // 收集 + 信息 too: two topics, none.
            None
        );
        assert_eq!(
            topic_of_content("未成年人应在监护人的陪同下阅读本政策。"),
            Some(Topic::Minors)
        );
        assert_eq!(
            topic_of_content("请遵守《计算机信息系统安全保护条例》。"),
            None
        );
        assert_eq!(
            topic_of_content("我们采取加密等措施。"),
            Some(Topic::Security)
        );
    }

    #[test]
    fn collection_stated_plainly_counts_where_no_section_names_it() {
        let text = "第一部分 定义\n\
                    个人信息：指能够识别特定自然人的信息。\n\
                    我们会出于以下目的，收集您的个人信息：\n\
                    第二部分 我们如何保护您的个人信息\n\
                    我们会在收集您的个人信息后加以保护。";
        assert_eq!(
            names(text),
            [
                "definitions",
                "definitions",
                "collection-and-use",
                "security",
                // Wherever it stands.
                "collection-and-use",
            ]
        );
        // When a section names collection, a line elsewhere keeps its
        // section's topic.
        let text = "一、我们如何收集您的个人信息\n\
                    正文。\n\
                    二、我们如何保护您的个人信息\n\
                    我们会在收集您的个人信息后加以保护。";
        assert_eq!(
            names(text),
            [
                "collection-and-use",
                "collection-and-use",
                "security",
                "security"
            ]
        );
    }

    #[test]
    fn information_others_shared_is_collected_under_collection() {
        let text = "一、我们如何收集您的个人信息\n\
                    1.1 其他方分享的您的信息\n\
                    正文。\n\
                    1.2 与第三方共享\n\
                    正文。";
        assert_eq!(
            names(text),
            [
                "collection-and-use",
                "collection-and-use",
                "collection-and-use",
                "third-party-sharing",
                "third-party-sharing",
            ]
        );
    }

    #[test]
    fn each_depth_of_dotted_numbers_is_a_level() {
        let text = "一、我们如何收集您的个人信息\n\
                    1.1 您提供的信息\n\
                    正文。\n\
                    1.2 我们接入的第三方SDK\n\
                    1.2.1 通用数据收集\n\
                    正文。\n\
                    1.3 设备信息\n\
                    正文。";
        assert_eq!(
            names(text),
            [
                "collection-and-use",
                "collection-and-use",
                "collection-and-use",
                "third-party-sharing",
                // 1.2.1 is below 1.2, not beside it.
                "third-party-sharing",
                "third-party-sharing",
                "collection-and-use",
                "collection-and-use",
            ]
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
