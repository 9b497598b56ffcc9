//! Import and export (issue 14): the core's plain text and spans, and the
//! `export` / `import` commands over brat, doccano, BIO, CA4P and SARIF.

use std::path::{Path, PathBuf};

use policy_core::export::{Brackets, SpanIn, to_markup, to_plain};

const JD: &str = "examples/jd-privacy-policy.policy";
const CA4P_DEV: &str = "../shared/corpus/ca4p-dev";

/// The ca4p-dev files, or `None` (with a note) where the corpus is absent.
pub fn corpus_files() -> Option<Vec<PathBuf>> {
    let dir = Path::new(CA4P_DEV);
    if !dir.is_dir() {
        eprintln!("skipped: no corpus at {} (CI has it)", dir.display());
        return None;
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("corpus folder readable")
        .map(|e| e.expect("corpus entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "policy"))
        .collect();
    files.sort();
    Some(files)
}

fn core_round_trip(src: &str) -> String {
    let plain = to_plain(src);
    let spans: Vec<SpanIn> = plain.spans.iter().map(SpanIn::from).collect();
    let m = to_markup(&plain.text, &spans, Brackets::Needed);
    assert!(m.rejected.is_empty(), "{:?}", m.rejected);
    m.text
}

#[test]
fn the_jd_sample_survives_plain_text_and_back_byte_for_byte() {
    let src = std::fs::read_to_string(JD).expect("JD sample");
    let plain = to_plain(&src);
    assert_eq!(plain.spans.len(), 164);
    assert!(!plain.text.contains(['<', '>', '[', ']']));
    assert_eq!(core_round_trip(&src), src);
}

/// Whether `back` is `src` with some backslashes left out: what a round trip
/// does to an escape the source did not need (`opt\\_out` → `opt\_out`),
/// which the plain text cannot tell from the bare character.
pub fn only_needless_escapes_dropped(src: &str, back: &str) -> bool {
    let mut b = back.chars().peekable();
    for c in src.chars() {
        match b.peek() {
            Some(&x) if x == c => {
                b.next();
            }
            _ if c == '\\' => {}
            _ => return false,
        }
    }
    b.next().is_none() && to_plain(src) == to_plain(back)
}

/// Checks a round trip of every ca4p-dev file: byte-identical, except a
/// file with an escape it did not need, which must then read the same and
/// differ only by that backslash (one `\\_` in 0556). Returns the count of
/// identical files.
pub fn check_corpus_round_trip(round_trip: impl Fn(&Path, &str) -> String) -> Option<usize> {
    let files = corpus_files()?;
    assert_eq!(files.len(), 121);
    let mut identical = 0;
    for f in &files {
        let src = std::fs::read_to_string(f).expect("corpus file");
        let back = round_trip(f, &src);
        if back == src {
            identical += 1;
            continue;
        }
        let line = src.lines().zip(back.lines()).find(|(a, b)| a != b);
        assert!(
            only_needless_escapes_dropped(&src, &back),
            "{} changed: {line:?}",
            f.display()
        );
        eprintln!("note: {} lost a needless escape", f.display());
    }
    // Only a needless escape may differ, and those are rare.
    assert!(identical >= 120, "{identical} of 121 identical");
    Some(identical)
}

#[test]
fn every_ca4p_dev_file_survives_plain_text_and_back() {
    check_corpus_round_trip(|_, src| core_round_trip(src));
}
