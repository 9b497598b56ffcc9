//! Word lists searched in one pass. The cue words of the practice model
//! and the topics (同意, 授权, 监护人, 保存 … 期限) are asked of every line
//! and sentence of a document; one substring search per word and sentence
//! made those lists the largest cost of `check --lint pipl`. A [`Words`]
//! holds a list's words in one Aho–Corasick automaton, built once per
//! process (in a `static`, e.g. `std::sync::LazyLock`), and answers which
//! of them occur in a text as a bit set ([`Bits`]), in one pass over the
//! text.
//!
//! "Occurs" means exactly what `str::contains` means: every occurrence is
//! seen, overlapping ones included (同意 inside 不同意, 权限 right after
//! 授予), so a test on the bits equals the `contains` calls it replaces.

use aho_corasick::{AhoCorasick, AhoCorasickKind};

/// A set of words of one [`Words`]: bit `i` for its word `i`.
pub type Bits = u128;

/// At most this many words in one [`Words`].
pub const MAX_WORDS: usize = Bits::BITS as usize;

/// A list of distinct words and the automaton that finds them.
#[derive(Debug)]
pub struct Words {
    words: Vec<&'static str>,
    automaton: AhoCorasick,
}

impl Words {
    /// The distinct words of `words`, in their first order. Panics with
    /// more than [`MAX_WORDS`] distinct words, or an empty one (which every
    /// text contains): the lists are constants, so a test that uses the
    /// set catches either.
    pub fn new<'a>(words: impl IntoIterator<Item = &'a &'static str>) -> Words {
        let mut distinct: Vec<&'static str> = Vec::new();
        for w in words {
            assert!(!w.is_empty(), "an empty word");
            if !distinct.contains(w) {
                distinct.push(w);
            }
        }
        assert!(distinct.len() <= MAX_WORDS, "more than {MAX_WORDS} words");
        // A DFA: at most 128 short words make a small one, built once per
        // process, and it searches overlapping matches fastest.
        let automaton = AhoCorasick::builder()
            .kind(Some(AhoCorasickKind::DFA))
            .build(&distinct)
            .unwrap_or_else(|e| panic!("a word list: {e}"));
        Words {
            words: distinct,
            automaton,
        }
    }

    /// The bits of those of `words` that are in the set (others are none).
    pub fn bits(&self, words: &[&str]) -> Bits {
        self.words
            .iter()
            .enumerate()
            .filter(|(_, w)| words.contains(w))
            .fold(0, |bits, (i, _)| bits | 1 << i)
    }

    /// The bit of `word`, 0 if it is not in the set.
    pub fn bit(&self, word: &str) -> Bits {
        self.bits(&[word])
    }

    /// Whether any word occurs in `text`: [`Words::present`] `!= 0`, but
    /// stopping at the first one and skipping ahead to where one may start.
    pub fn any(&self, text: &str) -> bool {
        self.automaton.is_match(text)
    }

    /// Which words occur in `text`. O(text).
    pub fn present(&self, text: &str) -> Bits {
        self.matches(text).fold(0, |bits, (_, _, bit)| bits | bit)
    }

    /// Every occurrence of a word in `text`, overlapping ones included, as
    /// (start byte, end byte, its bit), in order of their ends.
    pub fn matches<'t>(&'t self, text: &'t str) -> impl Iterator<Item = (usize, usize, Bits)> + 't {
        self.automaton
            .find_overlapping_iter(text)
            .map(|m| (m.start(), m.end(), 1 << m.pattern().as_usize()))
    }
}

/// Whether every group has a word in `bits` (each group a [`Words::bits`]).
pub fn all_groups(bits: Bits, groups: &[Bits]) -> bool {
    groups.iter().all(|g| bits & g != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn present_means_contains_overlapping_words_included() {
        let words = Words::new(&["同意", "不同意", "权限", "授予", "授予权限"]);
        let text = "如您不同意授予权限";
        let bits = words.present(text);
        for w in ["同意", "不同意", "权限", "授予", "授予权限"] {
            assert_eq!(bits & words.bit(w) != 0, text.contains(w), "{w}");
        }
        assert_eq!(words.present("您可以拒绝"), 0);
        assert_eq!(words.bits(&["同意", "没有的词"]), words.bit("同意"));
        assert!(all_groups(
            bits,
            &[words.bit("同意"), words.bits(&["权限", "x"])]
        ));
        assert!(!all_groups(bits, &[words.bit("同意"), 0]));
    }

    #[test]
    fn any_means_some_word_is_contained() {
        let words = Words::new(&["授予权限", "联系"]);
        for text in ["", "您可以拒绝", "授予权", "请授予权限", "与我们联系", "联"]
        {
            let contained = ["授予权限", "联系"].iter().any(|w| text.contains(w));
            assert_eq!(words.any(text), contained, "{text}");
            assert_eq!(words.any(text), words.present(text) != 0, "{text}");
        }
    }
}
