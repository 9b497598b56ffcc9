//! Core benchmarks: full parse throughput beside a plain byte scan, the cost
//! of one keystroke in a 10 MB document beside the same in a 16 KB one, that
//! cost split into the rope's own part and ours (see [`SplitDocument`]: ours
//! must grow at most 1.5x from 16 KB to 10 MB; the rope's growth is shown
//! beside it, not counted), the memory a document holds, and the taxonomy's
//! build and classification times. Figures only, no assertions: this
//! machine is shared and noisy, so targets are read off these numbers,
//! never enforced by a timed test.
//!
//!     cargo bench --bench core [-- CORPUS_DIR]
//!
//! CORPUS_DIR defaults to ../shared/corpus/ca4p-dev (not part of the repo).
//!
//! A counting global allocator measures the memory a document holds: it is
//! unsafe by nature, and allowed where it is (the workspace denies
//! `unsafe_code`).

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use std::borrow::Cow;

use ropey::Rope;

use policy_core::analysis::AnalysedDocument;
use policy_core::diagnostics::analysed_diagnostics;
use policy_core::document::{Document, LineTable, lines_of};
use policy_core::lints::{LintConfig, PRESET_PIPL};
use policy_core::position::{LspPosition, LspRange, PositionEncoding};
use policy_core::syntax::{LineParse, is_markup_byte, parse_line};
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

/// The core's part of a keystroke with the `pipl` preset against none: the
/// edit with every per-line and document-level layer it keeps
/// (`AnalysedDocument::apply_edit`), then the diagnostics list the server
/// serialises (`analysed_diagnostics`), in two documents of `text`, one
/// with the lints and one without, edited alike and timed in turn. What
/// the server adds (the allow filter, serialising, writing) is left out:
/// `scripts/bench_lints.py` times the whole keystroke.
/// Returns the medians (edit, edit + list) without and with the lints, and
/// the diagnostics each list has.
fn lint_keystroke(text: &str, edits: usize) -> ([Duration; 2], [Duration; 2], [usize; 2]) {
    let taxonomy = std::sync::Arc::new(Taxonomy::builtin());
    let none = LintConfig::default();
    let mut pipl = LintConfig::default();
    pipl.set(PRESET_PIPL, "on").expect("the preset exists");
    let configs = [none, pipl];
    let mut docs = configs.each_ref().map(|c| {
        let mut d = AnalysedDocument::new(text, taxonomy.clone());
        d.set_lints(c);
        d
    });
    let lines: Vec<usize> = lines_of(text).map(|l| l.chars().count()).collect();
    let mut rng = Lcg(11);
    let mut times: [[Vec<Duration>; 2]; 2] = Default::default();
    let enc = PositionEncoding::Utf32;
    for i in 0..edits {
        let line = rng.next(lines.len());
        let col = rng.next(lines[line] + 1) as u32;
        let at = LspPosition::new(line as u32, col);
        let ch = ["<", "数", ">", "a"][i % 4];
        let end = LspPosition::new(line as u32, col + 1);
        for (k, (doc, config)) in docs.iter_mut().zip(&configs).enumerate() {
            for (range, new) in [
                (LspRange { start: at, end: at }, ch),
                (LspRange { start: at, end }, ""),
            ] {
                let t = Instant::now();
                doc.apply_edit(Some(range), new, enc).expect("valid edit");
                let edited = t.elapsed();
                black_box(analysed_diagnostics(doc, config));
                // Only the insert is timed: the delete puts the text back.
                if !new.is_empty() {
                    times[k][0].push(edited);
                    times[k][1].push(t.elapsed());
                }
            }
        }
    }
    let counts = [0, 1].map(|k| analysed_diagnostics(&docs[k], &configs[k]).len());
    let [off, on] = times.map(|[e, l]| [median(e), median(l)]);
    (off, on, counts)
}

/// `Document::apply_edit` of a ranged edit redone step by step on a rope
/// and a line table of its own, so that the rope's operations and the
/// project's own work are timed apart within one edit. The steps and the
/// rope calls are those of `crates/policy-core/src/document/mod.rs`
/// (`apply_edit`, `char_of_position`, `line_bytes`, `replace_chars`,
/// `line_text`), in the same order: keep them in step with it.
///
/// The rope's part: the position conversions (`line_to_byte`,
/// `chunk_at_byte`, `byte_to_char`, `char_to_utf16_cu` …), `len_lines`,
/// `char_to_line`, `remove`, `insert`, and reading the touched lines back
/// (`line_to_byte`, `chunk_at_byte`). Ours: the clamping arithmetic between
/// those calls (nanoseconds, and counted with the rope's part because it is
/// interleaved with it), parsing the touched lines, and splicing their
/// parses into the line table.
struct SplitDocument {
    rope: Rope,
    lines: LineTable<LineParse>,
}

/// `Document::line_bytes`.
fn line_bytes(rope: &Rope, line: usize) -> Option<(usize, usize)> {
    let lines = rope.len_lines();
    if line >= lines {
        return None;
    }
    let start = rope.line_to_byte(line);
    if line + 1 == lines {
        return Some((start, rope.len_bytes()));
    }
    let next = rope.line_to_byte(line + 1);
    let (chunk, chunk_start, _, _) = rope.chunk_at_byte(next - 1);
    let at = next - 1 - chunk_start;
    let bytes = chunk.as_bytes();
    let brk = match bytes[at] {
        b'\n' if at > 0 && bytes[at - 1] == b'\r' => 2,
        b'\n' if at == 0 && next - start >= 2 && rope.byte(next - 2) == b'\r' => 2,
        _ => 1,
    };
    Some((start, next - brk))
}

/// `Document::char_of_position`.
fn char_of_position(rope: &Rope, pos: LspPosition, encoding: PositionEncoding) -> (usize, bool) {
    let Some((start, end)) = line_bytes(rope, pos.line as usize) else {
        return (rope.len_chars(), true);
    };
    let col = pos.character as usize;
    match encoding {
        PositionEncoding::Utf8 => {
            let target = (start + col).min(end);
            let c = rope.byte_to_char(target);
            (
                c,
                !(start + col == target && rope.char_to_byte(c) == target),
            )
        }
        PositionEncoding::Utf32 => {
            let (first, last) = (rope.byte_to_char(start), rope.byte_to_char(end));
            ((first + col).min(last), first + col > last)
        }
        PositionEncoding::Utf16 => {
            let first = rope.char_to_utf16_cu(rope.byte_to_char(start));
            let last = rope.char_to_utf16_cu(rope.byte_to_char(end));
            let target = (first + col).min(last);
            let c = rope.utf16_cu_to_char(target);
            (
                c,
                !(first + col == target && rope.char_to_utf16_cu(c) == target),
            )
        }
    }
}

/// `Document::line_text`.
fn line_text(rope: &Rope, line: usize) -> Option<Cow<'_, str>> {
    let (start, end) = line_bytes(rope, line)?;
    let (chunk, chunk_start, _, _) = rope.chunk_at_byte(start);
    Some(if end - chunk_start <= chunk.len() {
        Cow::Borrowed(&chunk[start - chunk_start..end - chunk_start])
    } else {
        Cow::Owned(rope.byte_slice(start..end).to_string())
    })
}

impl SplitDocument {
    fn new(text: &str) -> SplitDocument {
        SplitDocument {
            rope: Rope::from_str(text),
            lines: lines_of(text).map(parse_line).collect(),
        }
    }

    /// Applies a ranged edit as `Document::apply_edit` does; returns the
    /// times of its parts.
    fn apply(&mut self, range: LspRange, text: &str, enc: PositionEncoding) -> Parts {
        let t0 = Instant::now();
        let rope = &mut self.rope;
        let (start, clamped_start) = char_of_position(rope, range.start, enc);
        let (end, clamped_end) = if range.end == range.start {
            (start, clamped_start)
        } else {
            char_of_position(rope, range.end, enc)
        };
        assert!(start <= end, "the benchmark's edits are never reversed");
        let old_total = rope.len_lines();
        let first = rope.char_to_line(start);
        let last = if start == end {
            first
        } else {
            rope.char_to_line(end)
        };
        if start < end {
            rope.remove(start..end);
        }
        rope.insert(start, text);
        let new_total = rope.len_lines();
        let old_lines = last + 1 - first;
        let new_lines = (old_lines + new_total) - old_total;
        let rope = &self.rope;
        let texts: Vec<Cow<'_, str>> = (first..first + new_lines)
            .map(|l| line_text(rope, l).unwrap_or_default())
            .collect();
        let t1 = Instant::now();
        let parses: Vec<LineParse> = texts.iter().map(|t| parse_line(t)).collect();
        drop(texts);
        let t2 = Instant::now();
        self.lines.splice(first..first + old_lines, parses);
        let t3 = Instant::now();
        black_box(clamped_start || clamped_end);
        Parts {
            rope: t1 - t0,
            parse: t2 - t1,
            splice: t3 - t2,
        }
    }
}

/// The times of one edit's parts in a [`SplitDocument`].
struct Parts {
    /// The rope's calls (with the clamping arithmetic between them).
    rope: Duration,
    /// Parsing the touched lines.
    parse: Duration,
    /// Splicing their parses into the line table.
    splice: Duration,
}

/// Medians of one kind of edit: the whole `Document::apply_edit`, the
/// rope's part, and ours (parse + splice, and each apart).
#[derive(Clone, Copy)]
struct Split {
    full: Duration,
    rope: Duration,
    ours: Duration,
    parse: Duration,
    splice: Duration,
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// The timings of one kind of edit, edit by edit.
#[derive(Default)]
struct Timings {
    full: Vec<Duration>,
    rope: Vec<Duration>,
    ours: Vec<Duration>,
    parse: Vec<Duration>,
    splice: Vec<Duration>,
}

impl Timings {
    /// Applies `range` ← `text` to both documents, in turn; which goes
    /// first alternates, so that neither always finds the caches as the
    /// other left them.
    fn edit(
        &mut self,
        doc: &mut Document,
        split: &mut SplitDocument,
        (range, text): (LspRange, &str),
        split_first: bool,
    ) {
        let enc = PositionEncoding::Utf16;
        let mut whole = |doc: &mut Document| {
            let t = Instant::now();
            doc.apply_edit(Some(range), text, enc).expect("valid edit");
            self.full.push(t.elapsed());
        };
        let parts = if split_first {
            let parts = split.apply(range, text, enc);
            whole(doc);
            parts
        } else {
            whole(doc);
            split.apply(range, text, enc)
        };
        self.rope.push(parts.rope);
        self.ours.push(parts.parse + parts.splice);
        self.parse.push(parts.parse);
        self.splice.push(parts.splice);
    }

    fn medians(self) -> Split {
        Split {
            full: median(self.full),
            rope: median(self.rope),
            ours: median(self.ours),
            parse: median(self.parse),
            splice: median(self.splice),
        }
    }
}

/// One-character inserts and their deletes at random places of `text`, in
/// UTF-16 (the protocol's default encoding), each applied in turn to a
/// [`Document`] (timed whole) and to a [`SplitDocument`] (timed in parts),
/// so that machine noise falls on both alike. Returns (insert, delete).
///
/// With `evict`, a buffer larger than the L2 cache is walked before each
/// insert, so that both documents start cold (see [`keystroke`]).
fn edit_split(text: &str, edits: usize, evict: bool) -> (Split, Split) {
    let mut junk = if evict {
        vec![1u8; 8 << 20]
    } else {
        Vec::new()
    };
    let mut doc = Document::new(text);
    let mut split = SplitDocument::new(text);
    // The text is the same again after each insert and its delete.
    let lines: Vec<&str> = lines_of(text).collect();
    let mut rng = Lcg(11);
    let (mut inserts, mut deletes) = (Timings::default(), Timings::default());
    for i in 0..edits {
        let line = rng.next(lines.len());
        let chars = lines[line].chars().count();
        // A column at a char boundary, so that no position is clamped.
        let col: usize = lines[line]
            .chars()
            .take(rng.next(chars + 1))
            .map(char::len_utf16)
            .sum();
        let ch = ["<", "数", ">", "😀", "a"][i % 5];
        let at = LspPosition::new(line as u32, col as u32);
        let after = LspPosition::new(line as u32, (col + ch.encode_utf16().count()) as u32);
        let insert = LspRange { start: at, end: at };
        let delete = LspRange {
            start: at,
            end: after,
        };
        if evict {
            for b in junk.iter_mut().step_by(64) {
                *b = b.wrapping_add(1);
            }
            black_box(&junk);
        }
        inserts.edit(&mut doc, &mut split, (insert, ch), i % 2 == 0);
        deletes.edit(&mut doc, &mut split, (delete, ""), i % 2 == 0);
    }
    // The split copy must have done what the document did.
    assert!(
        doc.rope() == &split.rope && doc.line_parses().map(|(_, p)| p).eq(split.lines.iter()),
        "SplitDocument no longer follows Document::apply_edit"
    );
    (inserts.medians(), deletes.medians())
}

fn print_split(title: &str, big: &(Split, Split), jd: &(Split, Split)) {
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
    println!("{title} (UTF-16, medians): whole apply_edit | rope's part | ours (parse, splice)");
    for (name, b, j) in [("insert", big.0, jd.0), ("delete", big.1, jd.1)] {
        for (doc, s) in [("10 MB", b), ("16 KB", j)] {
            println!(
                "  {name} {doc}: {:>6.2} µs | {:>6.2} µs | {:>6.2} µs ({:.2}, {:.2})",
                us(s.full),
                us(s.rope),
                us(s.ours),
                us(s.parse),
                us(s.splice)
            );
        }
        println!(
            "  {name} growth 10 MB / 16 KB: ours {:.2}x (target <= 1.5x; parse {:.2}x, splice {:.2}x); rope's part {:.2}x, whole {:.2}x (reported, not counted)",
            ratio(b.ours, j.ours),
            ratio(b.parse, j.parse),
            ratio(b.splice, j.splice),
            ratio(b.rope, j.rope),
            ratio(b.full, j.full)
        );
    }
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

    // One edit, split: the rope's own part and ours, in both documents.
    let big_split = edit_split(&big, 2000, false);
    let jd_split = edit_split(JD, 2000, false);
    let big_cold = edit_split(&big, 2000, true);
    let jd_cold = edit_split(JD, 2000, true);
    print_split("edit split", &big_split, &jd_split);
    // The same with both documents cold: the 16 KB sample otherwise sits in
    // L1/L2 while no line of a 10 MB document can, so the warm growth is the
    // memory hierarchy's as much as ours. The insert after the eviction is
    // the cold one; its delete follows at the same place, warm.
    print_split(
        "edit split, caches evicted before each insert",
        &big_cold,
        &jd_cold,
    );

    // The core's part of a keystroke with the pipl lints against none.
    for (name, text) in [("10 MB", big.as_str()), ("16 KB JD sample", JD)] {
        let (off, on, counts) = lint_keystroke(text, 300);
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        println!(
            "keystroke in the core, {name}, pipl against none: edit {:.3} / {:.3} ms = {:.2}x; \
             edit + diagnostics list {:.3} / {:.3} ms = {:.2}x ({} / {} diagnostics)",
            ms(on[0]),
            ms(off[0]),
            on[0].as_secs_f64() / off[0].as_secs_f64(),
            ms(on[1]),
            ms(off[1]),
            on[1].as_secs_f64() / off[1].as_secs_f64(),
            counts[1],
            counts[0]
        );
    }

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
