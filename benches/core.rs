//! Core benchmarks: full parse throughput beside a plain byte scan, the cost
//! of one keystroke in a 10 MB document beside the same in a 16 KB one, the
//! memory a document holds, and the taxonomy's build and classification
//! times. Figures only, no assertions: this machine is shared and noisy,
//! so targets are read off these numbers, never enforced by a timed test.
//!
//!     cargo bench --bench core [-- CORPUS_DIR]
//!
//! CORPUS_DIR defaults to ../shared/corpus/ca4p-dev (not part of the repo).

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use policy_core::document::{Document, lines_of};
use policy_core::position::{LspPosition, LspRange, PositionEncoding};
use policy_core::syntax::{is_markup_byte, parse_line};
use policy_core::taxonomy::Taxonomy;

/// Counts live heap bytes, to measure what a document holds.
struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);

// A global allocator is unsafe by nature.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        LIVE.fetch_add(l.size(), Ordering::Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        LIVE.fetch_add(new, Ordering::Relaxed);
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
        unsafe { System.realloc(p, l, new) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

const JD: &str = include_str!("../examples/jd-privacy-policy.policy");

/// Best of `runs` timings of `f`: the least disturbed by the machine.
fn best<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            black_box(f());
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn mb_per_s(bytes: usize, d: Duration) -> f64 {
    bytes as f64 / 1e6 / d.as_secs_f64()
}

/// A small deterministic generator (no dependency for randomness).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

/// Median time of a one-character insert followed by its delete, at random
/// places of `text`. With `evict`, a buffer larger than the L2 cache is
/// walked before each edit, so that both documents start cold: the 16 KB
/// sample otherwise sits in L1/L2 while the 10 MB one cannot.
fn keystroke(text: &str, edits: usize, evict: bool) -> (Duration, Duration, Duration) {
    let mut junk = if evict {
        vec![1u8; 8 << 20]
    } else {
        Vec::new()
    };
    let mut doc = Document::new(text);
    let lines: Vec<usize> = lines_of(text).map(|l| l.chars().count()).collect();
    let mut rng = Lcg(7);
    let mut inserts = Vec::with_capacity(edits);
    let mut deletes = Vec::with_capacity(edits);
    let mut pairs = Vec::with_capacity(edits);
    let enc = PositionEncoding::Utf32;
    for i in 0..edits {
        let line = rng.next(lines.len());
        let col = rng.next(lines[line] + 1) as u32;
        let at = LspPosition::new(line as u32, col);
        let ch = ["<", "数", ">", "😀", "a"][i % 5];
        if evict {
            for b in junk.iter_mut().step_by(64) {
                *b = b.wrapping_add(1);
            }
            black_box(&junk);
        }
        let t = Instant::now();
        doc.apply_edit(Some(LspRange { start: at, end: at }), ch, enc)
            .expect("valid edit");
        inserts.push(t.elapsed());
        let end = LspPosition::new(line as u32, col + 1);
        let t = Instant::now();
        doc.apply_edit(Some(LspRange { start: at, end }), "", enc)
            .expect("valid edit");
        deletes.push(t.elapsed());
        pairs.push(inserts[i] + deletes[i]);
    }
    inserts.sort();
    deletes.sort();
    pairs.sort();
    (inserts[edits / 2], deletes[edits / 2], pairs[edits / 2])
}

fn main() {
    let dir = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .unwrap_or_else(|| "../shared/corpus/ca4p-dev".to_string());
    let mut corpus = String::new();
    if let Ok(entries) = std::fs::read_dir(&dir) {
        let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for p in paths
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "policy"))
        {
            corpus.push_str(&std::fs::read_to_string(p).unwrap_or_default());
        }
    }
    if corpus.is_empty() {
        eprintln!("note: no corpus at {dir}; using the JD sample repeated instead");
        corpus = JD.repeat(170);
    }
    let big = corpus.repeat(4);
    println!(
        "inputs: corpus {:.1} MB, corpus x4 {:.1} MB, JD sample {:.1} KB",
        corpus.len() as f64 / 1e6,
        big.len() as f64 / 1e6,
        JD.len() as f64 / 1e3
    );

    // Throughput: parse every line, and the floor a parser cannot beat: one
    // pass over the bytes looking for the markup bytes.
    let parse = best(5, || {
        lines_of(&big)
            .map(|l| parse_line(l).annotations.len())
            .sum::<usize>()
    });
    let doc_new = best(3, || Document::new(&big));
    let scan = best(5, || big.bytes().filter(|&b| is_markup_byte(b)).count());
    let memchr = best(5, || {
        let b = big.as_bytes();
        memchr::memchr3_iter(b'(', b'[', b'<', b).count()
            + memchr::memchr3_iter(b')', b']', b'>', b).count()
            + memchr::memchr3_iter(b'{', b'}', b'\\', b).count()
    });
    println!(
        "full parse (lines → annotations): {:>7.0} MB/s",
        mb_per_s(big.len(), parse)
    );
    println!(
        "Document::new (rope + parse):      {:>7.0} MB/s",
        mb_per_s(big.len(), doc_new)
    );
    println!(
        "byte scan, table:                  {:>7.0} MB/s",
        mb_per_s(big.len(), scan)
    );
    println!(
        "byte scan, memchr3 x3:             {:>7.0} MB/s",
        mb_per_s(big.len(), memchr)
    );
    println!(
        "parse / memchr scan time ratio:    {:>7.1}x",
        parse.as_secs_f64() / memchr.as_secs_f64()
    );

    // One keystroke: insert a character and delete it again.
    let (big_ins, big_del, big_pair) = keystroke(&big, 2000, false);
    let (jd_ins, jd_del, jd_pair) = keystroke(JD, 2000, false);
    println!(
        "keystroke, 10 MB doc:  insert median {:>6.1} µs, delete median {:>6.1} µs",
        big_ins.as_secs_f64() * 1e6,
        big_del.as_secs_f64() * 1e6
    );
    println!(
        "keystroke, 16 KB doc:  insert median {:>6.1} µs, delete median {:>6.1} µs",
        jd_ins.as_secs_f64() * 1e6,
        jd_del.as_secs_f64() * 1e6
    );
    println!(
        "keystroke ratio 10 MB / 16 KB: insert {:.2}x, delete {:.2}x",
        big_ins.as_secs_f64() / jd_ins.as_secs_f64(),
        big_del.as_secs_f64() / jd_del.as_secs_f64()
    );

    println!(
        "insert + delete of one character, median: 10 MB {:.1} µs, 16 KB {:.1} µs, ratio {:.2}x",
        big_pair.as_secs_f64() * 1e6,
        jd_pair.as_secs_f64() * 1e6,
        big_pair.as_secs_f64() / jd_pair.as_secs_f64()
    );
    let (big_cold, _, _) = keystroke(&big, 500, true);
    let (jd_cold, _, _) = keystroke(JD, 500, true);
    println!(
        "keystroke with caches evicted first: insert median 10 MB {:.1} µs, 16 KB {:.1} µs, ratio {:.2}x",
        big_cold.as_secs_f64() * 1e6,
        jd_cold.as_secs_f64() * 1e6,
        big_cold.as_secs_f64() / jd_cold.as_secs_f64()
    );

    // The rope alone, for scale: the floor of an edit in each document.
    let rope_floor = |text: &str| {
        let mut rope = ropey::Rope::from_str(text);
        let mut rng = Lcg(7);
        let mut times: Vec<Duration> = (0..2000)
            .map(|_| {
                let at = rng.next(rope.len_chars());
                let t = Instant::now();
                rope.insert(at, "数");
                let line = rope.char_to_line(at);
                black_box(rope.line(line).len_bytes());
                rope.remove(at..at + 1);
                t.elapsed()
            })
            .collect();
        times.sort();
        times[1000]
    };
    let (rb, rj) = (rope_floor(&big), rope_floor(JD));
    println!(
        "rope alone (insert+line+remove): 10 MB {:.1} µs, 16 KB {:.1} µs, ratio {:.2}x",
        rb.as_secs_f64() * 1e6,
        rj.as_secs_f64() * 1e6,
        rb.as_secs_f64() / rj.as_secs_f64()
    );

    // Memory held by a document of the 10 MB text.
    let before = LIVE.load(Ordering::Relaxed);
    let doc = Document::new(&big);
    let held = LIVE.load(Ordering::Relaxed) - before;
    println!(
        "memory, 10 MB doc: {:.1} MB held = {:.2}x the text",
        held as f64 / 1e6,
        held as f64 / big.len() as f64
    );
    black_box(doc);

    // The taxonomy: built once per server (and per workspace file), then one
    // classification per hover, inlay hint and data item of a lint. These
    // figures replace the timed assertions the tests used to make.
    let build = best(5, Taxonomy::builtin);
    let taxonomy = Taxonomy::builtin();
    let list = "姓名、性别、住址、电子邮箱、电话号码、身份证号、工作信息、学历、婚姻状况、设备信息";
    let per_list = best(5, || {
        for _ in 0..2000 {
            black_box(taxonomy.classify(black_box(list)));
        }
    }) / 2000;
    println!(
        "Taxonomy::builtin: {:.2} ms; classify a 10-item list: {:.1} µs",
        build.as_secs_f64() * 1e3,
        per_list.as_secs_f64() * 1e6
    );
}
