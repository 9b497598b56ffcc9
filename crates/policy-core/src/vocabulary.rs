//! The words of the domain that are not data: the practice verbs an
//! `[action]` names and the parties an `(actor)` names. The analysis,
//! completion and the hover's wording all read them from here.

/// A data-practice verb and what the practice is.
pub struct Practice {
    pub verbs: &'static [&'static str],
    pub name_zh: &'static str,
    pub name_en: &'static str,
}

/// The practices an `[action]` can name, longest verbs first within each so
/// that 共享 is not read as a mere 享. Checked in order; the first match wins.
pub const PRACTICES: &[Practice] = &[
    Practice {
        verbs: &["删除", "销毁", "注销", "清除", "匿名化", "去标识化"],
        name_zh: "删除",
        name_en: "delete",
    },
    Practice {
        verbs: &["公开披露", "披露", "公开", "公示", "展示"],
        name_zh: "披露",
        name_en: "disclose",
    },
    Practice {
        verbs: &["转让", "转移"],
        name_zh: "转让",
        name_en: "transfer",
    },
    Practice {
        verbs: &["委托处理", "委托"],
        name_zh: "委托处理",
        name_en: "entrust processing",
    },
    Practice {
        verbs: &["共享", "分享", "提供给", "对外提供"],
        name_zh: "共享",
        name_en: "share",
    },
    Practice {
        verbs: &["传输", "传送", "发送", "上传", "出境"],
        name_zh: "传输",
        name_en: "transmit",
    },
    Practice {
        verbs: &["保存", "存储", "储存", "留存", "保留", "记录"],
        name_zh: "存储",
        name_en: "store",
    },
    Practice {
        verbs: &[
            "收集", "获取", "采集", "搜集", "读取", "获得", "调用", "访问", "接收", "提供", "填写",
            "上报", "授权",
        ],
        name_zh: "收集",
        name_en: "collect",
    },
    Practice {
        verbs: &[
            "使用", "利用", "处理", "分析", "加工", "识别", "验证", "核验", "推送", "关联",
        ],
        name_zh: "使用",
        name_en: "use",
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

pub fn party(value: &str) -> Party {
    let v = value.trim();
    if FIRST_PARTY.iter().any(|w| v.starts_with(w)) {
        Party::First
    } else if DATA_SUBJECT.iter().any(|w| v.starts_with(w)) {
        Party::Subject
    } else {
        Party::Third
    }
}
