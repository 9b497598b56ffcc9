//! CA4P's finer span labels, chosen from the practice model: CA4P tells a
//! handler (操作者) from a recipient (受试者), collecting (收集) from sharing
//! (分享), and a condition (条件) from a purpose (目的); the markup has one
//! kind for each pair.

use crate::syntax::AnnotationKind;
use crate::vocabulary::practice;

/// Words right before an actor that make it the one receiving the data
/// (`向(我们)[提供]`, `与(第三方)[共享]`).
const TO_RECIPIENT: [char; 5] = ['向', '与', '给', '和', '及'];

/// Practices that hand data to someone else (the practice model's
/// `share`, `transfer`, `disclose`, `transmit`, `entrust processing`),
/// and the verbs by which CA4P's annotators mark the user handing data
/// over (提供, 填写, 提交 are collection for the practice model).
fn is_sharing(action: &str) -> bool {
    const HANDED_OVER: [&str; 4] = ["提供", "填写", "提交", "上传"];
    let by_model = practice(action).is_some_and(|p| {
        matches!(
            p.name_en,
            "share" | "transfer" | "disclose" | "transmit" | "entrust processing"
        )
    });
    by_model || HANDED_OVER.iter().any(|v| action.contains(v))
}

/// How a condition starts: when, if, unless, with consent, under a law.
const CONDITION_CUES: [&str; 22] = [
    "当", "如果", "如", "若", "假如", "除非", "除", "未经", "经", "征得", "获得", "取得", "在",
    "根据", "依据", "依照", "按照", "基于", "以下", "下列", "法律", "但以",
];

/// CA4P's label for a span of `kind` with the plain text `value`;
/// `before` is the plain text before it on its line.
pub fn ca4p_label(kind: AnnotationKind, value: &str, before: &str) -> &'static str {
    match kind {
        AnnotationKind::Data => "数据",
        AnnotationKind::Actor => {
            let prev = before.trim_end().chars().next_back();
            if prev.is_some_and(|c| TO_RECIPIENT.contains(&c)) {
                "受试者"
            } else {
                "操作者"
            }
        }
        AnnotationKind::Action => {
            if is_sharing(value) {
                "分享"
            } else {
                "收集"
            }
        }
        AnnotationKind::Purpose => {
            let v = value.trim_start();
            if CONDITION_CUES.iter().any(|c| v.starts_with(c)) || v.contains("同意") {
                "条件"
            } else {
                "目的"
            }
        }
    }
}

/// The markup kind of a CA4P span label; `None` for a paragraph label.
pub fn kind_of_ca4p(label: &str) -> Option<AnnotationKind> {
    Some(match label {
        "数据" => AnnotationKind::Data,
        "操作者" | "受试者" => AnnotationKind::Actor,
        "收集" | "分享" => AnnotationKind::Action,
        "条件" | "目的" => AnnotationKind::Purpose,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use AnnotationKind::*;

    #[test]
    fn finer_labels_follow_the_practice_model_and_the_context() {
        assert_eq!(ca4p_label(Actor, "我们", "当您注册时，"), "操作者");
        assert_eq!(ca4p_label(Actor, "第三方", "我们不会与"), "受试者");
        assert_eq!(ca4p_label(Action, "收集", ""), "收集");
        assert_eq!(ca4p_label(Action, "共享、转让", ""), "分享");
        assert_eq!(ca4p_label(Action, "提供", ""), "分享");
        assert_eq!(ca4p_label(Purpose, "当您注册时", ""), "条件");
        assert_eq!(ca4p_label(Purpose, "征得您的同意", ""), "条件");
        assert_eq!(ca4p_label(Purpose, "为了实现上述功能", ""), "目的");
        assert_eq!(ca4p_label(Data, "手机号码", ""), "数据");
    }
}
