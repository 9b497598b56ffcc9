//! Times each stage of `check --lint pipl` over a folder of policies, in
//! one thread: parse, classify, practices, the document index, and the
//! whole diagnostics. `cargo run --release -p policy-core --example
//! stage_times -- DIR`.
use std::time::{Duration, Instant};

use policy_core::analysis::{Classes, Practices};
use policy_core::diagnostics::document_diagnostics;
use policy_core::doc_lints::DocIndex;
use policy_core::document::Document;
use policy_core::lints::LintConfig;
use policy_core::taxonomy::Taxonomy;

fn main() {
    let dir = std::env::args().nth(1).expect("a folder of policies");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "policy"))
        .collect();
    names.sort();
    let texts: Vec<String> = names
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let taxonomy = Taxonomy::builtin();
    let mut config = LintConfig::default();
    config.set("pipl", "on").unwrap();
    let runs = 10;
    let mut t = [Duration::ZERO; 6];
    for _ in 0..runs {
        for text in &texts {
            let s = Instant::now();
            let doc = Document::new(text);
            t[0] += s.elapsed();
            let s = Instant::now();
            let plain = document_diagnostics(&doc, None);
            t[1] += s.elapsed();
            let s = Instant::now();
            let classes = Classes::new(&doc, &taxonomy);
            t[2] += s.elapsed();
            let s = Instant::now();
            let practices = Practices::new(&doc, &classes);
            t[3] += s.elapsed();
            let s = Instant::now();
            let index = DocIndex::once(&doc, &classes, &practices);
            t[4] += s.elapsed();
            drop(index);
            let s = Instant::now();
            let all = document_diagnostics(&doc, Some((&classes, &config)));
            t[5] += s.elapsed();
            std::hint::black_box((plain, all));
        }
    }
    let ms = |d: Duration| d.as_secs_f64() * 1e3 / runs as f64;
    for (name, d) in [
        "parse",
        "syntax diagnostics",
        "classes",
        "practices",
        "doc index",
        "all diagnostics (practices, index, lints)",
    ]
    .iter()
    .zip(t)
    {
        println!("{name:>45}: {:7.2} ms", ms(d));
    }
}
