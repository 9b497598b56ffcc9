//! `line_signature` holds all that `line_topics` reads of a line: the
//! document index redoes the topics only when an edit changes the sequence
//! of signatures (`doc_lints`), and then from the signatures alone
//! (`signature_topics`), so two texts whose lines have equal signatures
//! must have equal topics, and those of the signatures, or an edit leaves
//! stale ones.

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use policy_core::topics::{LineSignature, line_signature, line_topics, signature_topics};
use proptest::prelude::*;

/// The bundled sample and fixtures, and the files of
/// `TOPIC_SIGNATURE_CORPUS` when it names a folder.
fn files() -> Vec<std::path::PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = vec![
        root.join("examples/jd-privacy-policy.policy"),
        root.join("tests/fixtures/topics/sections.policy"),
    ];
    if let Ok(extra) = std::env::var("TOPIC_SIGNATURE_CORPUS") {
        for e in std::fs::read_dir(extra).unwrap() {
            files.push(e.unwrap().path());
        }
    }
    files
}

#[test]
fn whole_documents_have_the_topics_of_their_signatures() {
    for f in files() {
        let text = std::fs::read_to_string(&f).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let signatures: Vec<LineSignature> = lines.iter().map(|l| line_signature(l)).collect();
        let topics = line_topics(lines.iter().copied());
        assert!(
            topics
                .iter()
                .any(|t| *t != policy_core::topics::Topic::Other)
                || lines.len() < 3,
            "{}: no topic at all",
            f.display()
        );
        assert_eq!(topics, signature_topics(&signatures), "{}", f.display());
    }
}

/// Lines of every kind the topics tell apart: the bundled sample and
/// fixtures, and lines made to differ in one way only from another line of
/// the same signature (a list item and the same words unnumbered, a
/// heading on information others shared, a bold heading with contact
/// details after it, a company named in a table of contents).
fn pool() -> Vec<String> {
    let mut lines: Vec<String> = files()
        .iter()
        .flat_map(|f| {
            std::fs::read_to_string(f)
                .unwrap()
                .lines()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect();
    for l in [
        "1. 我们如何收集信息",
        "2. 我们如何共享您的信息；",
        "我们如何共享您的信息；",
        "2. 我们如何共享信息；",
        "3. 我们如何保护信息",
        "（一）我们收集的信息",
        "（二）其他方分享的您的信息",
        "（二）其他方共享您的信息",
        "（二）我们与其他方分享的信息",
        "（三）您的权利",
        "**3. 联系我们** 邮箱 privacy@example.com",
        "**3. 联系我们** 邮箱 privacy",
        "**3. 联系我们** 请致电我们",
        "四、示例科技有限公司",
        "四、示例科技关联公司",
        "五、如何联系我们",
        "联系电话：400-123-4567",
        "联系电话：请见官网",
        "示例科技有限公司",
        "示例科技",
    ] {
        lines.push(l.to_owned());
    }
    lines.sort();
    lines.dedup();
    lines
}

/// The pool's lines, its lines' indices grouped by signature, and the
/// group of each line.
type Grouped = (Vec<String>, Vec<Vec<usize>>, Vec<usize>);

/// The pool grouped by signature, made once for all cases.
fn grouped() -> &'static Grouped {
    static GROUPED: OnceLock<Grouped> = OnceLock::new();
    GROUPED.get_or_init(make_groups)
}

fn make_groups() -> Grouped {
    let pool = pool();
    let mut by: HashMap<String, usize> = HashMap::new();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut group_of = Vec::new();
    for (i, l) in pool.iter().enumerate() {
        let key = format!("{:?}", line_signature(l));
        let g = *by.entry(key).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(i);
        group_of.push(g);
    }
    (pool, groups, group_of)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("TOPIC_SIGNATURE_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(300)
    ))]

    #[test]
    fn lines_of_equal_signatures_have_equal_topics(
        picks in prop::collection::vec((any::<prop::sample::Index>(), any::<prop::sample::Index>()), 1..40),
    ) {
        let (pool, groups, group_of) = grouped();
        // Half the picks from lines whose signature others share, so that
        // substitutions happen.
        let shared: Vec<usize> = (0..pool.len()).filter(|&i| groups[group_of[i]].len() > 1).collect();
        let mut a = Vec::new();
        let mut b = Vec::new();
        for (n, (line, other)) in picks.iter().enumerate() {
            let i = if n % 2 == 0 && !shared.is_empty() {
                shared[line.index(shared.len())]
            } else {
                line.index(pool.len())
            };
            let group = &groups[group_of[i]];
            let j = group[other.index(group.len())];
            a.push(pool[i].as_str());
            b.push(pool[j].as_str());
        }
        let sig = |t: &[&str]| t.iter().map(|l| line_signature(l)).filter(|s| *s != LineSignature::Blank).collect::<Vec<_>>();
        prop_assert_eq!(sig(&a), sig(&b));
        let topics = line_topics(a.iter().copied());
        prop_assert_eq!(&topics, &line_topics(b.iter().copied()), "{:#?}\nvs\n{:#?}", a, b);
        // What the document index derives from the signatures it keeps.
        let all: Vec<LineSignature> = a.iter().map(|l| line_signature(l)).collect();
        prop_assert_eq!(&topics, &signature_topics(&all), "{:#?}", a);
    }
}
