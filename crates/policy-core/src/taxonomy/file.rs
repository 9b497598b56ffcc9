//! The taxonomy file format, shared by `builtin.toml` and a workspace
//! `policy-lsp.toml`, and the rules for applying one file on top of another.
//!
//! `[[category]]` with a new `id` adds a category (it needs `name_zh`,
//! `sensitive`, `source` and at least one keyword); with a known `id` it
//! changes that category: given fields replace, `keywords` and `exact` are
//! added. A keyword lives in one category: adding it elsewhere moves it.
//! `[matching]` lists are added to. The built-in file is read strictly: a
//! repeated id or keyword there is an error, so each keyword is reviewed once.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use super::matcher::{Matcher, Rules, normalize};
use super::{Category, Taxonomy, TaxonomyError};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDoc {
    #[serde(default)]
    matching: MatchingDoc,
    #[serde(default)]
    category: Vec<CategoryDoc>,
    /// `[lints]`: read by `crate::workspace_lints`, not by the taxonomy.
    #[serde(default, rename = "lints")]
    _lints: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct MatchingDoc {
    #[serde(default)]
    separators: Vec<Spanned<String>>,
    #[serde(default)]
    conjunctions: Vec<Spanned<String>>,
    #[serde(default)]
    glue_words: Vec<Spanned<String>>,
    #[serde(default)]
    stop_words: Vec<Spanned<String>>,
    #[serde(default)]
    suffixes: Vec<Spanned<String>>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    #[serde(default)]
    heads: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoryDoc {
    id: Spanned<String>,
    name_zh: Option<String>,
    name_en: Option<String>,
    sensitive: Option<Spanned<bool>>,
    vague: Option<bool>,
    personal: Option<bool>,
    deidentified: Option<bool>,
    source: Option<String>,
    note: Option<String>,
    definition: Option<String>,
    #[serde(default)]
    owners: Vec<Spanned<String>>,
    refines: Option<Spanned<String>>,
    #[serde(default)]
    keywords: Vec<Spanned<String>>,
    #[serde(default)]
    exact: Vec<Spanned<String>>,
    /// Keywords to take out of whichever category holds them.
    #[serde(default)]
    remove_keywords: Vec<Spanned<String>>,
}

/// A taxonomy being assembled from one or more files.
///
/// Cost: linear in the files' size. A keyword moved or removed is only
/// marked dead in `keywords` (the categories' lists are filled in
/// [`Builder::build`]), and ids, keywords and `[matching]` words are looked
/// up in hash maps, so a file moving 10,000 keywords loads as fast as one
/// adding them.
#[derive(Default)]
pub(super) struct Builder {
    /// The categories, their keyword lists still empty (see `keywords`).
    categories: Vec<Category>,
    /// Category id → index in `categories`.
    ids: HashMap<String, usize>,
    rules: Rules,
    /// Every keyword added, in order, dead ones included.
    keywords: Vec<Keyword>,
    /// (keyword as matched, exact?) → index in `keywords` of its live entry.
    owner: HashMap<(String, bool), usize>,
}

/// A keyword as written, and the category holding it.
struct Keyword {
    word: String,
    exact: bool,
    category: usize,
    /// Moved to another category or removed.
    dead: bool,
}

/// A keyword as the matcher sees it: two spellings with the same key are one keyword.
fn keyword_key(word: &str) -> String {
    normalize(word).to_ascii_lowercase()
}

/// Where a problem is, for an error message.
struct Origin<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Origin<'_> {
    fn error(&self, byte: Option<usize>, message: impl Into<String>) -> TaxonomyError {
        TaxonomyError {
            path: self.path.to_path_buf(),
            line: byte.map(|b| line_of(self.text, b)),
            message: message.into(),
        }
    }
}

/// 1-based line of a byte offset (toml spans are byte offsets).
fn line_of(text: &str, byte: usize) -> usize {
    let end = byte.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

impl Builder {
    /// Applies one taxonomy file. `strict` is for the built-in file: no
    /// repeated ids or keywords.
    pub fn apply(
        mut self,
        text: &str,
        path: &Path,
        strict: bool,
    ) -> Result<Builder, TaxonomyError> {
        let origin = Origin { path, text };
        let doc: FileDoc = toml::from_str(text)
            .map_err(|e| origin.error(e.span().map(|s| s.start), e.message().trim().to_string()))?;

        let m = doc.matching;
        for (list, add) in [
            (&mut self.rules.separators, m.separators),
            (&mut self.rules.conjunctions, m.conjunctions),
            (&mut self.rules.glue_words, m.glue_words),
            (&mut self.rules.stop_words, m.stop_words),
            (&mut self.rules.suffixes, m.suffixes),
            (&mut self.rules.ignore, m.ignore),
            (&mut self.rules.heads, m.heads),
        ] {
            let mut seen: HashSet<String> = list.iter().cloned().collect();
            for word in add {
                let span = word.span();
                let word = word.into_inner();
                if normalize(&word).is_empty() {
                    return Err(origin.error(Some(span.start), "an empty word in [matching]"));
                }
                if seen.insert(word.clone()) {
                    list.push(word);
                }
            }
        }

        let mut refinements = Vec::new();
        let mut sensitivity = HashMap::new();
        for mut doc in doc.category {
            if let Some(target) = doc.refines.take() {
                refinements.push((doc.id.get_ref().clone(), target));
            }
            self.apply_category(doc, &origin, strict, &mut sensitivity)?;
        }
        // Checked after the whole file: a finer entry may come before its parent.
        for (id, target) in refinements {
            let at = Some(target.span().start);
            let target = target.into_inner();
            if target == id || !self.ids.contains_key(&target) {
                return Err(origin.error(
                    at,
                    format!("category `{id}` refines `{target}`, which is not another category"),
                ));
            }
            if let Some(&i) = self.ids.get(&id) {
                self.categories[i].refines = Some(target);
            }
        }
        Ok(self)
    }

    /// `sensitivity`: what this file said of each category's sensitivity so
    /// far, and where, so that a file cannot say both.
    fn apply_category(
        &mut self,
        doc: CategoryDoc,
        origin: &Origin<'_>,
        strict: bool,
        sensitivity: &mut HashMap<String, (bool, usize)>,
    ) -> Result<(), TaxonomyError> {
        let at = Some(doc.id.span().start);
        let id = doc.id.into_inner();
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
        {
            return Err(origin.error(
                at,
                format!("category id `{id}` must be lowercase ASCII letters, digits, `_` or `-`"),
            ));
        }
        let sensitive = doc.sensitive.map(|s| (*s.get_ref(), s.span().start));
        if let Some((value, byte)) = sensitive {
            match sensitivity.get(&id) {
                Some(&(before, at)) if before != value => {
                    return Err(origin.error(
                        Some(byte),
                        format!(
                            "category `{id}` is marked `sensitive = {before}` on line {} and `sensitive = {value}` here: say which it is once",
                            line_of(origin.text, at)
                        ),
                    ));
                }
                _ => {
                    sensitivity.insert(id.clone(), (value, byte));
                }
            }
        }
        let sensitive = sensitive.map(|(value, _)| value);
        let index = match self.ids.get(&id).copied() {
            Some(_) if strict => {
                return Err(origin.error(at, format!("category `{id}` is defined twice")));
            }
            Some(index) => {
                let c = &mut self.categories[index];
                if let Some(v) = doc.name_zh {
                    c.name_zh = v;
                }
                if let Some(v) = doc.name_en {
                    c.name_en = v;
                }
                if let Some(v) = sensitive {
                    c.sensitive = v;
                }
                if let Some(v) = doc.vague {
                    c.vague = v;
                }
                if let Some(v) = doc.personal {
                    c.personal = v;
                }
                if let Some(v) = doc.deidentified {
                    c.deidentified = v;
                }
                if doc.definition.is_some() {
                    c.definition = doc.definition;
                }
                if let Some(v) = doc.source {
                    c.source = v;
                }
                if doc.note.is_some() {
                    c.note = doc.note;
                }
                index
            }
            None => {
                let missing: Vec<&str> = [
                    ("name_zh", doc.name_zh.is_none()),
                    ("sensitive", sensitive.is_none()),
                    ("source", doc.source.is_none()),
                    ("keywords", doc.keywords.is_empty() && doc.exact.is_empty()),
                ]
                .into_iter()
                .filter_map(|(field, absent)| absent.then_some(field))
                .collect();
                if !missing.is_empty() {
                    let known: Vec<&str> = self.categories.iter().map(|c| c.id.as_str()).collect();
                    return Err(origin.error(
                        at,
                        format!(
                            "new category `{id}` needs {}; to change a built-in category use one of its ids: {}",
                            missing.join(", "),
                            known.join(", ")
                        ),
                    ));
                }
                self.ids.insert(id.clone(), self.categories.len());
                self.categories.push(Category {
                    name_en: doc.name_en.unwrap_or_else(|| id.clone()),
                    id,
                    name_zh: doc.name_zh.unwrap_or_default(),
                    sensitive: sensitive.unwrap_or_default(),
                    vague: doc.vague.unwrap_or_default(),
                    personal: doc.personal.unwrap_or(true),
                    deidentified: doc.deidentified.unwrap_or_default(),
                    source: doc.source.unwrap_or_default(),
                    note: doc.note,
                    definition: doc.definition,
                    owners: Vec::new(),
                    refines: None,
                    keywords: Vec::new(),
                    exact: Vec::new(),
                });
                self.categories.len() - 1
            }
        };

        for word in doc.owners {
            let at = Some(word.span().start);
            let word = word.into_inner();
            if normalize(&word).is_empty() {
                return Err(origin.error(at, "an empty owner prefix"));
            }
            let owners = &mut self.categories[index].owners;
            if !owners.contains(&word) {
                owners.push(word);
            }
        }
        let c = &self.categories[index];
        if c.sensitive && !c.personal {
            return Err(origin.error(
                at,
                format!("category `{}` is marked both sensitive and not personal: information that is not personal cannot be sensitive personal information", c.id),
            ));
        }

        for word in doc.remove_keywords {
            let key = keyword_key(word.get_ref());
            for exact in [false, true] {
                if let Some(entry) = self.owner.remove(&(key.clone(), exact)) {
                    self.keywords[entry].dead = true;
                }
            }
        }
        for (words, exact) in [(doc.keywords, false), (doc.exact, true)] {
            for word in words {
                self.add_keyword(index, word, exact, origin, strict)?;
            }
        }
        Ok(())
    }

    fn add_keyword(
        &mut self,
        index: usize,
        word: Spanned<String>,
        exact: bool,
        origin: &Origin<'_>,
        strict: bool,
    ) -> Result<(), TaxonomyError> {
        let at = Some(word.span().start);
        let word = word.into_inner();
        let key = keyword_key(&word);
        if key.is_empty() {
            return Err(origin.error(at, "an empty keyword"));
        }
        let key = (key, exact);
        if let Some(&entry) = self.owner.get(&key) {
            let owner = self.keywords[entry].category;
            if strict {
                let id = &self.categories[owner].id;
                return Err(origin.error(
                    at,
                    format!("keyword `{word}` is already in category `{id}`"),
                ));
            }
            if owner == index {
                return Ok(());
            }
            // An override moves the keyword to the category it names.
            self.keywords[entry].dead = true;
        }
        self.owner.insert(key, self.keywords.len());
        self.keywords.push(Keyword {
            word,
            exact,
            category: index,
            dead: false,
        });
        Ok(())
    }

    pub fn build(mut self, overrides: Option<PathBuf>) -> Result<Taxonomy, TaxonomyError> {
        for k in self.keywords.drain(..).filter(|k| !k.dead) {
            let c = &mut self.categories[k.category];
            if k.exact {
                &mut c.exact
            } else {
                &mut c.keywords
            }
            .push(k.word);
        }
        let matcher =
            Matcher::new(&self.categories, &self.rules).map_err(|message| TaxonomyError {
                path: overrides
                    .clone()
                    .unwrap_or_else(|| PathBuf::from("builtin.toml")),
                line: None,
                message,
            })?;
        Ok(Taxonomy {
            categories: self.categories.into_iter().map(Arc::new).collect(),
            rules: self.rules,
            matcher: Arc::new(matcher),
            overrides,
            lints: None,
        })
    }

    /// A taxonomy with no categories: everything is unclassified.
    pub fn empty() -> Taxonomy {
        Taxonomy {
            categories: Vec::new(),
            rules: Rules::default(),
            matcher: Arc::new(Matcher::default()),
            overrides: None,
            lints: None,
        }
    }
}
