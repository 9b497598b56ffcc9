//! Coverage of the built-in taxonomy on a corpus of annotated policies.
//!
//! ```text
//! cargo run --example taxonomy_coverage -- ../shared/corpus/ca4p-dev [--sample N] [--seed S]
//!     [--include-vague] [--taxonomy policy-lsp.toml] [--unclassified] [--half tune|test]
//! ```
//!
//! `--half` keeps half of the documents, by a fixed rule written down in
//! docs/taxonomy-sample.md: the `.policy` files sorted by name (byte order),
//! numbered from 0; even numbers are the tuning half, odd numbers the test
//! half. The taxonomy is tuned on the first only; the second measures it.
//!
//! Prints the number of `<data>` items, the share classified (specific and
//! vague counted separately), and a reproducible random sample of classified
//! items with their class, to be judged by hand (docs/taxonomy-sample.md).
//! By default the sample leaves out vague-only items: "个人信息 is unspecific"
//! is right by construction and would flatter the error count.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use policy_core::syntax::{AnnotationKind, parse_line};
use policy_core::taxonomy::{Classification, Taxonomy};

/// Data annotation values on one line, escapes resolved: the project's own
/// parser, so these are exactly the items the hover classifies.
fn data_values(line: &str) -> Vec<String> {
    parse_line(line)
        .annotations
        .iter()
        .filter(|a| a.kind == AnnotationKind::Data)
        .map(|a| a.value(line).into_owned())
        .collect()
}

/// A 64-bit linear congruential generator (Knuth's MMIX constants):
/// reproducible without a dependency.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn class_of(c: &Classification) -> String {
    let mut s = match c.category() {
        Some(cat) => format!("{} · {}", c.label(), cat.name_zh),
        None => c.label().to_string(),
    };
    if c.vague() {
        s.push_str(" (vague)");
    }
    if c.items.len() > 1 {
        let parts: Vec<String> = c
            .items
            .iter()
            .map(|i| match &i.category {
                Some(cat) => format!("{}={}", i.text, cat.id),
                None => format!("{}=?", i.text),
            })
            .collect();
        s.push_str(&format!(" [{}]", parts.join("; ")));
    }
    s
}

/// A value that is a web address (the classifier calls it non-personal).
fn is_link(value: &str) -> bool {
    let v = value.trim().to_ascii_lowercase();
    (v.starts_with("http://") || v.starts_with("https://") || v.starts_with("www."))
        && !v.contains(char::is_whitespace)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut dir: Option<PathBuf> = None;
    let mut sample_size = 100;
    let mut seed: u64 = 20240601;
    let mut include_vague = false;
    let mut list_unclassified = false;
    let mut half: Option<usize> = None;
    let built = std::time::Instant::now();
    let mut taxonomy = Taxonomy::builtin();
    let build_time = built.elapsed();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--sample" => sample_size = args.next().and_then(|v| v.parse().ok()).unwrap_or(100),
            "--seed" => seed = args.next().and_then(|v| v.parse().ok()).unwrap_or(seed),
            "--include-vague" => include_vague = true,
            "--unclassified" => list_unclassified = true,
            "--half" => {
                half = match args.next().as_deref() {
                    Some("tune") => Some(0),
                    Some("test") => Some(1),
                    other => {
                        eprintln!("--half takes `tune` or `test`, not {other:?}");
                        std::process::exit(2);
                    }
                }
            }
            "--taxonomy" => {
                let path = PathBuf::from(args.next().unwrap_or_default());
                match Taxonomy::with_overrides_file(&path) {
                    Ok(t) => taxonomy = t,
                    Err(e) => {
                        eprintln!("{e}");
                        std::process::exit(2);
                    }
                }
            }
            _ => dir = Some(PathBuf::from(a)),
        }
    }
    let Some(dir) = dir else {
        eprintln!(
            "usage: taxonomy_coverage DIR [--sample N] [--seed S] [--include-vague] [--unclassified] [--taxonomy FILE]"
        );
        std::process::exit(2);
    };

    let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "policy"))
            .collect(),
        Err(e) => {
            eprintln!("{}: {e}", dir.display());
            std::process::exit(2);
        }
    };
    files.sort();
    if let Some(parity) = half {
        files = files
            .into_iter()
            .enumerate()
            .filter(|(i, _)| i % 2 == parity)
            .map(|(_, f)| f)
            .collect();
    }

    let mut values: Vec<(String, String)> = Vec::new(); // (file name, value)
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        let name = f
            .file_name()
            .map(Path::new)
            .unwrap_or(f)
            .display()
            .to_string();
        for line in policy_core::document::lines_of(text.trim_start_matches('\u{feff}')) {
            for v in data_values(line) {
                values.push((name.clone(), v));
            }
        }
    }

    let started = std::time::Instant::now();
    let classes: Vec<Classification> = values.iter().map(|(_, v)| taxonomy.classify(v)).collect();
    let elapsed = started.elapsed();

    let total = classes.len();
    let vague = classes
        .iter()
        .filter(|c| c.is_classified() && c.vague())
        .count();
    let specific = classes
        .iter()
        .filter(|c| c.is_classified() && !c.vague())
        .count();
    let sensitive = classes.iter().filter(|c| c.sensitive()).count();
    let unclassified = total - vague - specific;
    let items: usize = classes.iter().map(|c| c.items.len()).sum();
    let items_classified: usize = classes
        .iter()
        .flat_map(|c| &c.items)
        .filter(|i| i.category.is_some())
        .count();
    let pct = |n: usize, d: usize| 100.0 * n as f64 / d.max(1) as f64;

    println!("files: {}", files.len());
    println!(
        "built-in taxonomy built in {:.1} ms",
        build_time.as_secs_f64() * 1e3
    );
    println!("data items: {total}");
    println!(
        "classified: {} ({:.1}%) = specific {specific} ({:.1}%) + vague {vague} ({:.1}%)",
        specific + vague,
        pct(specific + vague, total),
        pct(specific, total),
        pct(vague, total)
    );
    println!(
        "unclassified: {unclassified} ({:.1}%)",
        pct(unclassified, total)
    );
    println!("sensitive: {sensitive} ({:.1}%)", pct(sensitive, total));
    println!(
        "list elements: {items}, classified {items_classified} ({:.1}%)",
        pct(items_classified, items)
    );
    println!(
        "time: {:.1} µs per item (debug builds are slower)",
        elapsed.as_secs_f64() * 1e6 / total.max(1) as f64
    );

    // Distinct terms: values compared after trimming, the way a reader
    // would count "the terms of the corpus".
    let mut distinct: BTreeMap<&str, &Classification> = BTreeMap::new();
    for ((_, v), c) in values.iter().zip(&classes) {
        distinct.entry(v.trim()).or_insert(c);
    }
    let kind = |c: &Classification| -> &'static str {
        match c.category() {
            None => "unclassified",
            Some(cat) if cat.id == "non_personal" => "non-personal",
            Some(_) if c.vague() => "vague",
            Some(_) => "specific",
        }
    };
    for (what, list) in [
        ("occurrences", classes.iter().collect::<Vec<_>>()),
        ("distinct terms", distinct.values().copied().collect()),
    ] {
        let n = list.len();
        let count = |k: &str| list.iter().filter(|c| kind(c) == k).count();
        let (s, v, p, u, l) = (
            count("specific"),
            count("vague"),
            count("non-personal"),
            count("unclassified"),
            list.iter()
                .filter(|c| c.items.len() == 1 && is_link(&c.term))
                .count(),
        );
        // Links (a policy's URL annotated as data) are non-personal (a
        // reference to where information is described, GB/T 35273-2020
        // 3.1): counted as classified, with their number shown.
        println!(
            "{what}: {n} (of which {l} links, non-personal), classified {} ({:.1}%) = specific {s} ({:.1}%) + vague {v} ({:.1}%) + non-personal {p} ({:.1}%); unclassified {u} ({:.1}%)",
            s + v + p,
            pct(s + v + p, n),
            pct(s, n),
            pct(v, n),
            pct(p, n),
            pct(u, n)
        );
    }
    // A vague reference is sensitive only when it says so itself
    // (个人敏感信息, the category `unspecific_sensitive`).
    let vague_sensitive: Vec<&Classification> = classes
        .iter()
        .filter(|c| c.vague() && c.sensitive())
        .collect();
    let not_saying = vague_sensitive
        .iter()
        .filter(|c| {
            c.category()
                .is_some_and(|cat| cat.id != "unspecific_sensitive")
        })
        .count();
    println!(
        "vague references called sensitive: {} (of which {not_saying} do not say 敏感 themselves)",
        vague_sensitive.len()
    );

    let mut by_category: BTreeMap<String, usize> = BTreeMap::new();
    for c in &classes {
        let key = c
            .category()
            .map_or("(unclassified)".to_string(), |c| c.id.clone());
        *by_category.entry(key).or_default() += 1;
    }
    println!("by summary category:");
    for (k, n) in &by_category {
        println!("  {k}\t{n}");
    }

    if list_unclassified {
        println!("unclassified items:");
        for ((file, v), c) in values.iter().zip(&classes) {
            if !c.is_classified() {
                println!("  {file}\t{v}");
            }
        }
    }

    let pool: Vec<usize> = (0..total)
        .filter(|&i| classes[i].is_classified() && (include_vague || !classes[i].vague()))
        .collect();
    let mut rng = Lcg(seed);
    let mut chosen: Vec<usize> = Vec::new();
    let mut remaining = pool.clone();
    while chosen.len() < sample_size && !remaining.is_empty() {
        let k = rng.below(remaining.len());
        chosen.push(remaining.swap_remove(k));
    }
    chosen.sort_unstable();
    println!(
        "sample: {} of {} classified items{} (seed {seed})",
        chosen.len(),
        pool.len(),
        if include_vague {
            ""
        } else {
            " that are not vague-only"
        }
    );
    for (n, &i) in chosen.iter().enumerate() {
        let (file, v) = &values[i];
        println!("{}\t{file}\t{v}\t{}", n + 1, class_of(&classes[i]));
    }
}
