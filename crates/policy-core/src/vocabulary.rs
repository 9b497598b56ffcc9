//! The words of the domain that are not data: the practice verbs an
//! `[action]` names and the parties an `(actor)` names. The analysis,
//! completion and the hover's wording all read them from here.

/// A data-practice verb and what the practice is.
pub struct Practice {
    pub verbs: &'static [&'static str],
    pub name_zh: &'static str,
    pub name_en: &'static str,
    /// The class of action it is, for the practice model.
    pub class: ActionClass,
}

/// The class of an `[action]`: what is done to the data
/// (`crate::practices`). `Other` is an action that names no known practice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ActionClass {
    Collect,
    Use,
    Store,
    Transmit,
    Share,
    Transfer,
    Entrust,
    Disclose,
    Delete,
    Other,
}

impl ActionClass {
    /// The class's name in JSON output: `collect`, `share`, … `other`.
    pub fn name(self) -> &'static str {
        match self {
            ActionClass::Collect => "collect",
            ActionClass::Use => "use",
            ActionClass::Store => "store",
            ActionClass::Transmit => "transmit",
            ActionClass::Share => "share",
            ActionClass::Transfer => "transfer",
            ActionClass::Entrust => "entrust",
            ActionClass::Disclose => "disclose",
            ActionClass::Delete => "delete",
            ActionClass::Other => "other",
        }
    }
}

/// The class of the action an `[action]`'s value names.
pub fn action_class(value: &str) -> ActionClass {
    practice(value).map_or(ActionClass::Other, |p| p.class)
}

/// The practices an `[action]` can name, longest verbs first within each so
/// that 共享 is not read as a mere 享. Checked in order; the first match wins.
pub const PRACTICES: &[Practice] = &[
    Practice {
        verbs: &["删除", "销毁", "注销", "清除", "匿名化", "去标识化"],
        name_zh: "删除",
        name_en: "delete",
        class: ActionClass::Delete,
    },
    Practice {
        verbs: &["公开披露", "披露", "公开", "公示", "展示"],
        name_zh: "披露",
        name_en: "disclose",
        class: ActionClass::Disclose,
    },
    Practice {
        verbs: &["转让", "转移"],
        name_zh: "转让",
        name_en: "transfer",
        class: ActionClass::Transfer,
    },
    Practice {
        verbs: &["委托处理", "委托"],
        name_zh: "委托处理",
        name_en: "entrust processing",
        class: ActionClass::Entrust,
    },
    Practice {
        verbs: &["共享", "分享", "提供给", "对外提供"],
        name_zh: "共享",
        name_en: "share",
        class: ActionClass::Share,
    },
    Practice {
        verbs: &["传输", "传送", "发送", "上传", "出境"],
        name_zh: "传输",
        name_en: "transmit",
        class: ActionClass::Transmit,
    },
    Practice {
        verbs: &["保存", "存储", "储存", "留存", "保留", "记录"],
        name_zh: "存储",
        name_en: "store",
        class: ActionClass::Store,
    },
    Practice {
        verbs: &[
            "收集", "获取", "采集", "搜集", "读取", "获得", "调用", "访问", "接收", "提供", "填写",
            "上报", "授权",
        ],
        name_zh: "收集",
        name_en: "collect",
        class: ActionClass::Collect,
    },
    Practice {
        verbs: &[
            "使用", "利用", "处理", "分析", "加工", "识别", "验证", "核验", "推送", "关联",
        ],
        name_zh: "使用",
        name_en: "use",
        class: ActionClass::Use,
    },
];

/// The practice an action's value names, if it is one we know.
pub fn practice(value: &str) -> Option<&'static Practice> {
    PRACTICES
        .iter()
        .find(|p| p.verbs.iter().any(|v| value.contains(v)))
}

/// Words by which a policy's author refers to itself.
const FIRST_PARTY: &[&str] = &[
    "我们",
    "我方",
    "本公司",
    "本平台",
    "本应用",
    "本网站",
    "本产品",
    "本软件",
    "本服务",
];
/// Words for the person the policy is about.
const DATA_SUBJECT: &[&str] = &["您", "你", "用户", "个人信息主体", "监护人", "儿童"];

/// Who an actor is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Party {
    /// The controller that wrote the policy (我们).
    First,
    /// The user the information is about (您).
    Subject,
    /// Anyone else: processors, partners, recipients.
    Third,
}

impl Party {
    /// The role's name in JSON output.
    pub fn name(self) -> &'static str {
        match self {
            Party::First => "first-party",
            Party::Subject => "data-subject",
            Party::Third => "third-party",
        }
    }

    /// The role in a few Chinese words, for the hover.
    pub fn name_zh(self) -> &'static str {
        match self {
            Party::First => "第一方",
            Party::Subject => "个人信息主体",
            Party::Third => "第三方",
        }
    }
}

/// The role of the party an `(actor)`'s value names. A first-party word
/// followed by 的 and more names someone else of ours — 我们的关联公司,
/// 本公司的合作伙伴 — a third party (so are, by this rule, 我们的服务器 and
/// 我们的客服中心, which are rather the controller's own).
pub fn party(value: &str) -> Party {
    let v = value.trim();
    if let Some(rest) = FIRST_PARTY.iter().find_map(|w| v.strip_prefix(w)) {
        match rest.trim_start().strip_prefix('的') {
            Some(other) if !other.trim().is_empty() => Party::Third,
            _ => Party::First,
        }
    } else if DATA_SUBJECT.iter().any(|w| v.starts_with(w)) {
        Party::Subject
    } else {
        Party::Third
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn someone_of_ours_is_a_third_party() {
        for v in ["我们的关联公司", "我们的合作伙伴", "本公司的 服务提供商"]
        {
            assert_eq!(party(v), Party::Third, "{v}");
        }
        for v in ["我们", "我们的", "我们的 ", "本公司", "我方"] {
            assert_eq!(party(v), Party::First, "{v}");
        }
        assert_eq!(party("您的监护人"), Party::Subject);
    }
}
