//! Turning an annotation value into classified list items.
//!
//! 1. normalize: full-width ASCII to ASCII, white space dropped next to CJK;
//! 2. remove stop-words (您的, 相关 …) wherever they occur;
//! 3. split into items on separators (、 , /) and on conjunctions (及, 和 …)
//!    unless the conjunction lies inside a keyword or a glue word
//!    (通信记录和内容, 参与);
//! 4. trim each item, drop hedging suffixes (等); complete an item that shares
//!    its head with the next one (浏览及搜索记录: 浏览记录, 搜索记录);
//! 5. find keywords, leftmost-longest, ASCII case-insensitive, a Latin keyword
//!    only as a whole word (IP is not found in VIP, Face is in FaceID: a
//!    lower-to-upper case change is a word boundary); pick the item's
//!    category: a non-personal keyword (统计信息, 匿名化) decides unless the
//!    item says it is de-identified (去标识化), which stays personal;
//! 6. an owner prefix (儿童, 家庭成员 …) followed by a kind of information
//!    makes the item that owner's information (儿童的照片 is a child's);
//! 7. an item that matches no keyword but ends with a head noun
//!    (信息, 数据, 详情 …) is tried with the other head nouns: 支付详情 is
//!    read as 支付信息; a 类/性 before the head is dropped (统计类信息);
//!    failing that, a head that alone is a vague reference (信息, 数据)
//!    makes the item that vague reference (您填写的信息, 使用产品时的信息);
//!    failing that, an item that is the user's use of something
//!    (使用的服务类别) is a record of use (the category of 使用记录).
//!
//! All patterns are compiled into Aho–Corasick automata once per taxonomy.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::Category;

#[derive(Clone, Debug)]
enum Pattern {
    Keyword {
        category: usize,
        /// As written in the taxonomy file, for display.
        text: String,
        chars: usize,
    },
    /// Matched so that no shorter keyword inside it is; classifies nothing.
    Ignore,
    /// Matched so that a conjunction inside it does not split.
    Glue,
}

#[derive(Clone, Copy, Debug)]
struct Flags {
    sensitive: bool,
    vague: bool,
    personal: bool,
    deidentified: bool,
    /// Index of the category this one refines.
    refines: Option<usize>,
}

/// The matching rules of `[matching]`, as the taxonomy files write them.
#[derive(Clone, Debug, Default)]
pub(super) struct Rules {
    pub separators: Vec<String>,
    pub conjunctions: Vec<String>,
    pub glue_words: Vec<String>,
    pub stop_words: Vec<String>,
    pub suffixes: Vec<String>,
    pub ignore: Vec<String>,
    /// Head nouns of data terms (信息, 数据, 详情 …), interchangeable when
    /// the item names no kind of information otherwise.
    pub heads: Vec<String>,
}

#[derive(Debug, Default)]
pub(super) struct Matcher {
    stop_words: Option<AhoCorasick>,
    splitters: Option<AhoCorasick>,
    /// Per splitter pattern: whether it is a conjunction (may be protected).
    is_conjunction: Vec<bool>,
    keywords: Option<AhoCorasick>,
    patterns: Vec<Pattern>,
    /// Lowercased normalized item → (category, keyword as written).
    exact: HashMap<String, (usize, String)>,
    /// Every keyword, lowercased and normalized.
    keyword_keys: HashSet<String>,
    suffixes: Suffixes,
    flags: Vec<Flags>,
    /// Owner prefixes, normalized, longest first, with their category.
    owners: Vec<(String, usize)>,
    /// Head nouns, normalized, longest first.
    heads: Vec<String>,
}

/// One classified item, with the category as an index into the taxonomy.
pub(super) struct RawItem {
    pub text: String,
    pub category: Option<usize>,
    pub matches: Vec<String>,
    pub owner: Option<usize>,
}

fn automaton(patterns: &[String]) -> Result<Option<AhoCorasick>, String> {
    if patterns.is_empty() {
        return Ok(None);
    }
    AhoCorasickBuilder::new()
        .match_kind(MatchKind::LeftmostLongest)
        .ascii_case_insensitive(true)
        .build(patterns)
        .map(Some)
        .map_err(|e| format!("cannot compile the keywords: {e}"))
}

impl Matcher {
    pub fn new(categories: &[Category], rules: &Rules) -> Result<Matcher, String> {
        let norm = |v: &[String]| -> Vec<String> {
            v.iter()
                .map(|s| normalize(s))
                .filter(|s| !s.is_empty())
                .collect()
        };

        let mut splitter_words = norm(&rules.separators);
        let mut is_conjunction = vec![false; splitter_words.len()];
        for c in norm(&rules.conjunctions) {
            splitter_words.push(c);
            is_conjunction.push(true);
        }

        let mut words = Vec::new();
        let mut patterns = Vec::new();
        let mut exact = HashMap::new();
        let mut keyword_keys = HashSet::new();
        let mut owners = Vec::new();
        for (index, c) in categories.iter().enumerate() {
            for o in &c.owners {
                let n = normalize(o);
                if !n.is_empty() {
                    owners.push((n, index));
                }
            }
            for k in &c.keywords {
                let n = normalize(k);
                if n.is_empty() {
                    continue;
                }
                patterns.push(Pattern::Keyword {
                    category: index,
                    text: k.clone(),
                    chars: n.chars().count(),
                });
                keyword_keys.insert(n.to_ascii_lowercase());
                words.push(n);
            }
            for k in &c.exact {
                exact.insert(normalize(k).to_ascii_lowercase(), (index, k.clone()));
            }
        }
        for w in norm(&rules.ignore) {
            words.push(w);
            patterns.push(Pattern::Ignore);
        }
        for w in norm(&rules.glue_words) {
            words.push(w);
            patterns.push(Pattern::Glue);
        }

        owners.sort_by_key(|(o, _): &(String, usize)| std::cmp::Reverse(o.len()));
        let mut heads = norm(&rules.heads);
        heads.sort_by_key(|h| std::cmp::Reverse(h.len()));
        heads.dedup();
        Ok(Matcher {
            owners,
            heads,
            stop_words: automaton(&norm(&rules.stop_words))?,
            splitters: automaton(&splitter_words)?,
            is_conjunction,
            keywords: automaton(&words)?,
            patterns,
            exact,
            keyword_keys,
            suffixes: Suffixes::new(norm(&rules.suffixes)),
            flags: {
                let index: HashMap<&str, usize> = categories
                    .iter()
                    .enumerate()
                    .map(|(i, c)| (c.id.as_str(), i))
                    .collect();
                categories
                    .iter()
                    .map(|c| Flags {
                        sensitive: c.sensitive,
                        vague: c.vague,
                        personal: c.personal,
                        deidentified: c.deidentified,
                        refines: c.refines.as_deref().and_then(|r| index.get(r).copied()),
                    })
                    .collect()
            },
        })
    }

    pub fn classify(&self, value: &str) -> Vec<RawItem> {
        let normalized = normalize(value);
        if is_url(&normalized) {
            // A link annotated as data is a reference to where information
            // is described (a policy, an SDK's notice), not information
            // relating to an identified or identifiable person (GB/T
            // 35273-2020 3.1): the taxonomy's non-personal category, when it
            // has one. Its `/` and `.` must not be read as list separators.
            return vec![RawItem {
                text: normalized,
                category: self.flags.iter().position(|f| !f.personal),
                matches: Vec::new(),
                owner: None,
            }];
        }
        let text = match &self.stop_words {
            // Not `replace_all`, whose list of replacements, one per stop
            // word, would cost O(stop words) for every value classified.
            Some(ac) => {
                let mut out = String::with_capacity(normalized.len());
                ac.replace_all_with(&normalized, &mut out, |_, _, _| true);
                out
            }
            None => normalized,
        };

        // (item, joined to the next item by a conjunction or `/`)
        let pieces: Vec<(&str, bool)> = self
            .split(&text)
            .into_iter()
            .map(|(range, joined)| (self.trim(&text[range]), joined))
            .filter(|(item, _)| !item.is_empty())
            .collect();
        let items: Vec<RawItem> = pieces
            .iter()
            .enumerate()
            .map(|(i, &(item, joined))| {
                let completed = pieces
                    .get(i + 1)
                    .filter(|_| joined)
                    .and_then(|(next, _)| self.share_head(item, next));
                self.classify_item(completed.as_deref().unwrap_or(item))
            })
            .collect();
        if items.is_empty() {
            // Nothing but separators and stop-words: report the value as one item.
            return vec![RawItem {
                text: text.trim().to_string(),
                category: None,
                matches: Vec::new(),
                owner: None,
            }];
        }
        items
    }

    /// Keyword and glue-word matches, with Latin keywords only as whole words.
    fn find<'a>(&'a self, hay: &'a str) -> impl Iterator<Item = (Range<usize>, &'a Pattern)> + 'a {
        self.keywords
            .iter()
            .flat_map(move |ac| ac.find_iter(hay))
            .filter(move |m| whole_word(hay, m.range()))
            .map(move |m| (m.range(), &self.patterns[m.pattern().as_usize()]))
    }

    /// Item ranges, each with whether a conjunction or `/` joins it to the
    /// next (where a shared head is possible: 通信/通话记录, 浏览及搜索记录).
    fn split(&self, text: &str) -> Vec<(Range<usize>, bool)> {
        let Some(splitters) = &self.splitters else {
            return vec![(0..text.len(), false)];
        };
        let protected: Vec<Range<usize>> = self.find(text).map(|(r, _)| r).collect();
        let mut pieces = Vec::new();
        let mut start = 0;
        for m in splitters.find_iter(text) {
            let r = m.range();
            let conjunction = self.is_conjunction[m.pattern().as_usize()];
            if conjunction
                && protected
                    .iter()
                    .any(|p| p.start <= r.start && r.end <= p.end)
            {
                continue;
            }
            pieces.push((start..r.start, conjunction || &text[r.clone()] == "/"));
            start = r.end;
        }
        pieces.push((start..text.len(), false));
        pieces
    }

    /// Coordination with a shared head: in 浏览及搜索记录 the first item is
    /// 浏览记录. A short item followed by one whose last characters complete
    /// it into a whole keyword (浏览 + 记录) is read as that keyword.
    fn share_head(&self, item: &str, next: &str) -> Option<String> {
        const MAX_MODIFIER: usize = 4;
        const MAX_HEAD: usize = 4;
        // The head must end a short conjunct: in 设备及使用信息：设备标识符 the
        // next item runs on past its head, and 设备 + 标识符 would be a misreading.
        if item.chars().count() > MAX_MODIFIER || next.chars().count() > MAX_MODIFIER + MAX_HEAD {
            return None;
        }
        let next_chars: Vec<(usize, char)> = next.char_indices().collect();
        let longest = MAX_HEAD.min(next_chars.len().saturating_sub(1));
        (1..=longest).rev().find_map(|k| {
            let head = &next[next_chars[next_chars.len() - k].0..];
            let completed = format!("{item}{head}");
            self.keyword_keys
                .contains(&completed.to_ascii_lowercase())
                .then_some(completed)
        })
    }

    /// Trims white space, markup debris and hedging suffixes off an item.
    fn trim<'a>(&self, mut item: &'a str) -> &'a str {
        loop {
            let before = item.len();
            item = item.trim_matches(|c: char| c.is_whitespace() || TRIMMED.contains(&c));
            item = item.trim_start_matches(['的', ')', ']', '>', '}']);
            item = item.trim_end_matches(['(', '[', '<', '{']);
            item = self.suffixes.strip(item);
            if item.len() == before {
                return item;
            }
        }
    }

    /// Steps 5–7 of the module documentation.
    fn classify_item(&self, item: &str) -> RawItem {
        if let Some(owned) = self.owned(item) {
            return owned;
        }
        self.classify_kind(item)
    }

    /// Whether a category names a kind of information (not a vague reference).
    fn specific(&self, category: Option<usize>) -> bool {
        category.is_some_and(|c| !self.flags[c].vague)
    }

    /// Step 6: an owner prefix and the rest of the item. The rule applies
    /// when the rest names a kind of information (联系人的电话), or when
    /// nothing in the whole item does (宝贝的信息); 联系人信息, a keyword
    /// of its own, keeps its category.
    fn owned(&self, item: &str) -> Option<RawItem> {
        let (prefix, owner) = self
            .owners
            .iter()
            .find(|(o, _)| item.starts_with(o.as_str()))?;
        let rest = item[prefix.len()..].trim_start_matches('的');
        if rest.is_empty() {
            return None;
        }
        let inner = self.classify_kind(rest);
        if !self.specific(inner.category) && self.specific(self.classify_kind(item).category) {
            return None;
        }
        let category = if self.flags[*owner].sensitive || !self.specific(inner.category) {
            *owner
        } else {
            inner.category.unwrap_or(*owner)
        };
        Some(RawItem {
            text: item.to_string(),
            category: Some(category),
            matches: inner.matches,
            owner: Some(*owner),
        })
    }

    /// Step 7: the keywords, then interchangeable head nouns.
    fn classify_kind(&self, item: &str) -> RawItem {
        let plain = self.classify_words(item);
        // Only an item with no keyword at all: 个人信息 is a vague
        // reference, never 个人资料 by a change of head.
        if plain.category.is_some() {
            return plain;
        }
        self.by_head(item)
            .filter(|r| r.category.is_some())
            .or_else(|| self.generic_head(item))
            .or_else(|| self.use_of(item))
            .unwrap_or(plain)
    }

    /// An item that names no kind but is the user's use of something
    /// (使用的服务类别, 使用过的功能) is a record of use, whatever is used:
    /// Appendix A's 软件使用记录, the category of the keyword 使用记录 (none
    /// when a taxonomy has no such keyword).
    fn use_of(&self, item: &str) -> Option<RawItem> {
        let used = item.strip_prefix(USE)?.trim_start_matches(['的', '过']);
        if used.is_empty() {
            return None;
        }
        let record = self.classify_words(USE_RECORD);
        record.category?;
        Some(RawItem {
            text: item.to_string(),
            ..record
        })
    }

    /// An item that names no kind but ends with a head noun that is, as a
    /// whole item, a vague reference (您填写的信息, 接收数据: 信息, 数据) is
    /// that vague reference: it says "information" without saying which.
    fn generic_head(&self, item: &str) -> Option<RawItem> {
        let head = self
            .heads
            .iter()
            .find(|h| item.len() > h.len() && item.ends_with(h.as_str()))?;
        let (category, keyword) = self.exact.get(&head.to_ascii_lowercase())?;
        self.flags[*category].vague.then(|| RawItem {
            text: item.to_string(),
            category: Some(*category),
            matches: vec![keyword.clone()],
            owner: None,
        })
    }

    fn by_head(&self, item: &str) -> Option<RawItem> {
        let head = self
            .heads
            .iter()
            .find(|h| item.len() > h.len() && item.ends_with(h.as_str()))?;
        let modifier = item[..item.len() - head.len()].trim_end_matches(['的', '类', '性']);
        if modifier.is_empty() {
            return None;
        }
        let candidates = std::iter::once(format!("{modifier}{head}"))
            .chain(self.heads.iter().map(|h| format!("{modifier}{h}")))
            .chain(std::iter::once(modifier.to_string()));
        for candidate in candidates {
            if candidate != item && self.keyword_keys.contains(&candidate.to_ascii_lowercase()) {
                let found = self.classify_words(&candidate);
                if self.specific(found.category) {
                    return Some(RawItem {
                        text: item.to_string(),
                        ..found
                    });
                }
            }
        }
        None
    }

    /// Step 5: the keywords of one item.
    fn classify_words(&self, item: &str) -> RawItem {
        // (category, keyword, chars, position)
        let mut hits: Vec<(usize, &str, usize, usize)> = Vec::new();
        if let Some((category, keyword)) = self.exact.get(&item.to_ascii_lowercase()) {
            hits.push((*category, keyword, item.chars().count(), 0));
        }
        for (range, pattern) in self.find(item) {
            if let Pattern::Keyword {
                category,
                text,
                chars,
            } = pattern
            {
                hits.push((*category, text, *chars, range.start));
            }
        }

        let mut matches: Vec<String> = Vec::new();
        for (_, keyword, _, _) in &hits {
            if !matches.iter().any(|m| m == keyword) {
                matches.push((*keyword).to_string());
            }
        }
        // A finer entry beats the category it refines (GPS地理位置信息 is precise).
        let refined: Vec<usize> = hits
            .iter()
            .filter_map(|hit| self.flags[hit.0].refines)
            .collect();
        // Information that is not personal (统计信息, 匿名化) decides the
        // item, unless it says it is de-identified, which stays personal
        // (GB/T 35273-2020 3.14 and 3.15).
        let deidentified = hits.iter().any(|hit| self.flags[hit.0].deidentified);
        let non_personal = hits.iter().any(|hit| !self.flags[hit.0].personal);
        let keep = |category: usize| {
            let personal = self.flags[category].personal;
            if deidentified {
                personal
            } else {
                !non_personal || !personal
            }
        };
        // A measure of use ending the item (使用电子银行的频率) makes it a
        // record of use, whatever is used: how often one opens a bank's app
        // is not the bank's kind of information.
        let item_chars = item.chars().count();
        let measure = hits.iter().find(|(category, keyword, chars, position)| {
            MEASURES.contains(keyword)
                && keep(*category)
                && item[*position..].chars().count() == *chars
                && item_chars > *chars
        });
        let category = measure
            .map(|hit| hit.0)
            .into_iter()
            .chain(
                hits.iter()
                    .filter(|hit| !refined.contains(&hit.0) && keep(hit.0))
                    .max_by_key(|(category, _, chars, position)| {
                        let flags = self.flags[*category];
                        // A vague sensitive keyword is not outranked by a specific
                        // one: 手机号码之个人敏感信息 is the policy calling it sensitive.
                        (
                            !flags.vague || flags.sensitive,
                            *chars,
                            flags.sensitive,
                            *position,
                        )
                    })
                    .map(|hit| hit.0),
            )
            .next();
        RawItem {
            text: item.to_string(),
            category,
            matches,
            owner: None,
        }
    }
}

/// The hedging suffixes (等, 之类), looked up by the item's endings rather
/// than tried one by one, so that a taxonomy with thousands of them does
/// not cost thousands of comparisons per item.
#[derive(Debug, Default)]
struct Suffixes {
    /// Suffix → its places in the list, ascending.
    places: HashMap<String, Vec<usize>>,
    /// The longest suffix, in bytes.
    longest: usize,
}

impl Suffixes {
    fn new(list: Vec<String>) -> Suffixes {
        let mut places: HashMap<String, Vec<usize>> = HashMap::new();
        let longest = list.iter().map(String::len).max().unwrap_or(0);
        for (i, s) in list.into_iter().enumerate() {
            places.entry(s).or_default().push(i);
        }
        Suffixes { places, longest }
    }

    /// One pass over the list in order, as `for s in list { strip s }`
    /// would make it: each suffix the item (still longer than it) ends
    /// with is stripped. O(stripped × longest suffix) lookups.
    fn strip<'a>(&self, mut item: &'a str) -> &'a str {
        let mut from = 0;
        loop {
            // The first suffix, at place `from` or later, that `item` ends with.
            let lowest = item
                .char_indices()
                .map(|(i, _)| i)
                .filter(|&i| i > 0 && item.len() - i <= self.longest)
                .filter_map(|i| {
                    let places = self.places.get(&item[i..])?;
                    let at = places.partition_point(|&p| p < from);
                    places.get(at).map(|&place| (place, i))
                })
                .min();
            match lowest {
                Some((place, cut)) => {
                    item = &item[..cut];
                    from = place + 1;
                }
                None => return item,
            }
        }
    }
}

/// Keywords that measure use (how often, how long): ending an item, they
/// decide its kind over the thing used.
const MEASURES: &[&str] = &["频率", "时长", "次数", "使用频率", "使用时长", "使用次数"];

/// The word that makes an item of no known kind the user's use of
/// something ([`Matcher::use_of`]), and the keyword whose category that is.
const USE: &str = "使用";
const USE_RECORD: &str = "使用记录";

/// Characters trimmed from both ends of an item: markdown debris and punctuation
/// left over from the source text.
const TRIMMED: &[char] = &[
    '*', '_', '#', '`', '"', '\'', '“', '”', '‘', '’', ':', '.', '。', '…', '-', '~', '!', '?', '|',
];

fn is_url(s: &str) -> bool {
    let lower = s.trim().to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("www."))
        && !lower.contains(|c: char| c.is_whitespace())
}

/// Whether a match of a keyword that starts or ends with a Latin letter or
/// digit stands as a whole word (not `IP` in `VIP`).
fn whole_word(hay: &str, r: Range<usize>) -> bool {
    let alnum = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    let first = hay[r.clone()].chars().next();
    let last = hay[r.clone()].chars().next_back();
    let before = hay[..r.start].chars().next_back();
    let after = hay[r.end..].chars().next();
    // FaceID, deviceId: a lower-case letter followed by a capital ends a word.
    let camel = |a: Option<char>, b: Option<char>| {
        a.is_some_and(|a| a.is_ascii_lowercase()) && b.is_some_and(|b| b.is_ascii_uppercase())
    };
    let glued_before = alnum(first) && alnum(before) && !camel(before, first);
    let glued_after = alnum(last) && alnum(after) && !camel(last, after);
    !glued_before && !glued_after
}

/// Full-width ASCII to ASCII; `*` removed; white space dropped where it touches a non-ASCII
/// character (`IP 地址` → `IP地址`) and collapsed to one space between Latin
/// words (`android  ID` → `android ID`); trimmed.
pub(super) fn normalize(s: &str) -> String {
    let chars: Vec<char> = s
        .chars()
        // `**` is markdown emphasis pasted with the text, never part of a term.
        .filter(|&c| c != '*')
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            c => c,
        })
        .collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            let start = i;
            while i < chars.len() && chars[i].is_whitespace() {
                i += 1;
            }
            let before = start.checked_sub(1).map(|j| chars[j]);
            let after = chars.get(i).copied();
            if let (Some(b), Some(a)) = (before, after)
                && b.is_ascii()
                && a.is_ascii()
            {
                out.push(' ');
            }
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_spacing_and_width() {
        assert_eq!(normalize(" IP 地址 "), "IP地址");
        assert_eq!(normalize("android   ID"), "android ID");
        assert_eq!(normalize("ＩＭＥＩ"), "IMEI");
        assert_eq!(normalize("SIM 卡 IMSI 信息"), "SIM卡IMSI信息");
    }

    #[test]
    fn suffixes_strip_as_one_pass_over_the_list_would() {
        let naive = |list: &[&str], mut item: &str| -> String {
            for s in list {
                if item.len() > s.len() {
                    item = item.strip_suffix(s).unwrap_or(item);
                }
            }
            item.to_string()
        };
        let lists: [&[&str]; 4] = [
            &["等", "等等", "之类"],
            &["bc", "abc", "c"],
            &["c", "bc", "c", "abc"],
            &["等", "信息等", "息等"],
        ];
        for list in lists {
            let suffixes = Suffixes::new(list.iter().map(|s| s.to_string()).collect());
            for item in [
                "手机号码等等",
                "xabc",
                "abcc",
                "c",
                "位置信息等",
                "等",
                "abc",
                "ac",
            ] {
                assert_eq!(suffixes.strip(item), naive(list, item), "{list:?} {item}");
            }
        }
    }

    #[test]
    fn latin_keywords_are_whole_words() {
        assert!(whole_word("IP地址", 0..2));
        assert!(!whole_word("VIP会员", 1..3));
        assert!(whole_word("设备MAC", 6..9));
    }
}
