//! The classifier agrees with every sensitivity flag and hover expectation the
//! conformance check (shared/conformance/corpus.json) has for the JD sample.
//! The expectations were extracted into tests/fixtures/taxonomy/jd-conformance.tsv.

use std::path::Path;

use policy_core::taxonomy::Taxonomy;

/// `(line, char column, value)` of each `<...>` on each line, escapes resolved.
/// A stand-in for the project's parser, good enough for this clean file.
fn data_items(text: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let mut open: Option<(usize, String)> = None;
        let mut chars = line.chars().enumerate().peekable();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' if chars.peek().is_some_and(|(_, n)| "()[]<>{}\\".contains(*n)) => {
                    let (_, n) = chars.next().unwrap();
                    if let Some((_, v)) = open.as_mut() {
                        v.push(n);
                    }
                }
                '<' => open = Some((i + 1, String::new())),
                '(' | '[' | '{' | ')' | ']' | '}' => open = None,
                '>' => {
                    if let Some((start, v)) = open.take() {
                        out.push((n, start, v));
                    }
                }
                c => {
                    if let Some((_, v)) = open.as_mut() {
                        v.push(c);
                    }
                }
            }
        }
    }
    out
}

#[test]
fn jd_sample_agrees_with_the_conformance_expectations() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let policy = std::fs::read_to_string(root.join("examples/jd-privacy-policy.policy")).unwrap();
    let expected =
        std::fs::read_to_string(root.join("tests/fixtures/taxonomy/jd-conformance.tsv")).unwrap();
    let items = data_items(&policy);
    let taxonomy = Taxonomy::builtin();

    let mut checked = 0;
    let mut failures = Vec::new();
    for row in expected.lines().filter(|l| !l.starts_with('#')) {
        let cols: Vec<&str> = row.split('\t').collect();
        let [line, col, value, sensitive, label, contains, excludes] = cols[..] else {
            panic!("bad fixture row: {row:?}");
        };
        let at: (usize, usize) = (line.parse().unwrap(), col.parse().unwrap());
        let Some((_, _, found)) = items.iter().find(|(l, c, _)| (*l, *c) == at) else {
            panic!("no data item at {at:?} in the JD sample");
        };
        assert_eq!(
            found, value,
            "the fixture is out of date with the JD sample"
        );

        let class = taxonomy.classify(found);
        let name = class.category().map_or("", |c| c.name_zh.as_str());
        let first_line = format!("{} · {}", class.label(), name);
        let mut fail = |why: String| failures.push(format!("<{value}> at {at:?}: {why}"));
        match sensitive {
            "yes" if !class.sensitive() => fail(format!("should be sensitive, is {first_line}")),
            "no" if class.sensitive() => fail(format!("should not be sensitive, is {first_line}")),
            _ => {}
        }
        if !label.is_empty() && class.label() != label {
            fail(format!("label should be {label}, hover says {first_line}"));
        }
        if !contains.is_empty() && !name.contains(contains) {
            fail(format!(
                "category should contain {contains}, hover says {first_line}"
            ));
        }
        for ex in excludes.split(',').filter(|e| !e.is_empty()) {
            if first_line.contains(ex) {
                fail(format!("first line must not contain {ex}: {first_line}"));
            }
        }
        checked += 1;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked >= 12);
}

#[test]
fn jd_sample_items_that_name_a_kind_of_information_are_classified() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let policy = std::fs::read_to_string(root.join("examples/jd-privacy-policy.policy")).unwrap();
    let taxonomy = Taxonomy::builtin();
    let items = data_items(&policy);
    let unclassified: Vec<&str> = items
        .iter()
        .filter(|(_, _, v)| !taxonomy.classify(v).is_classified())
        .map(|(_, _, v)| v.as_str())
        .collect();
    // A handful of JD's items are services or permissions, not information
    // (您指定的服务); everything else must be classified.
    assert!(
        unclassified.len() * 10 <= items.len(),
        "{} of {} unclassified: {unclassified:?}",
        unclassified.len(),
        items.len()
    );
}
