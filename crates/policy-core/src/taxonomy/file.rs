//! The taxonomy file format, shared by `builtin.toml` and a workspace
//! `policy-lsp.toml`, and the rules for applying one file on top of another.
//!
//! `[[category]]` with a new `id` adds a category (it needs `name_zh`,
//! `sensitive`, `source` and at least one keyword); with a known `id` it
//! changes that category: given fields replace, `keywords` and `exact` are
//! added. A keyword lives in one category: adding it elsewhere moves it.
//! `[matching]` lists are added to. The built-in file is read strictly: a
//! repeated id or keyword there is an error, so each keyword is reviewed once.

use std::collections::HashMap;
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
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoryDoc {
    id: Spanned<String>,
    name_zh: Option<String>,
    name_en: Option<String>,
    sensitive: Option<bool>,
    vague: Option<bool>,
    source: Option<String>,
    note: Option<String>,
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
#[derive(Default)]
pub(super) struct Builder {
    categories: Vec<Category>,
    rules: Rules,
    /// (keyword as matched, exact?) → index of the category holding it.
    owner: HashMap<(String, bool), usize>,
}

/// A keyword as the matcher sees it: two spellings with the same key are one keyword.
fn keyword_key(word: &str) -> String {
    normalize(word).to_ascii_lowercase()
}

fn list(c: &mut Category, exact: bool) -> &mut Vec<String> {
    if exact { &mut c.exact } else { &mut c.keywords }
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
        ] {
            for word in add {
                let span = word.span();
                let word = word.into_inner();
                if normalize(&word).is_empty() {
                    return Err(origin.error(Some(span.start), "an empty word in [matching]"));
                }
                if !list.contains(&word) {
                    list.push(word);
                }
            }
        }

        let mut refinements = Vec::new();
        for mut doc in doc.category {
            if let Some(target) = doc.refines.take() {
                refinements.push((doc.id.get_ref().clone(), target));
            }
            self.apply_category(doc, &origin, strict)?;
        }
        // Checked after the whole file: a finer entry may come before its parent.
        for (id, target) in refinements {
            let at = Some(target.span().start);
            let target = target.into_inner();
            if target == id || !self.categories.iter().any(|c| c.id == target) {
                return Err(origin.error(
                    at,
                    format!("category `{id}` refines `{target}`, which is not another category"),
                ));
            }
            if let Some(c) = self.categories.iter_mut().find(|c| c.id == id) {
                c.refines = Some(target);
            }
        }
        Ok(self)
    }

    fn apply_category(
        &mut self,
        doc: CategoryDoc,
        origin: &Origin<'_>,
        strict: bool,
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
        let index = match self.categories.iter().position(|c| c.id == id) {
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
                if let Some(v) = doc.sensitive {
                    c.sensitive = v;
                }
                if let Some(v) = doc.vague {
                    c.vague = v;
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
                    ("sensitive", doc.sensitive.is_none()),
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
                self.categories.push(Category {
                    name_en: doc.name_en.unwrap_or_else(|| id.clone()),
                    id,
                    name_zh: doc.name_zh.unwrap_or_default(),
                    sensitive: doc.sensitive.unwrap_or_default(),
                    vague: doc.vague.unwrap_or_default(),
                    source: doc.source.unwrap_or_default(),
                    note: doc.note,
                    refines: None,
                    keywords: Vec::new(),
                    exact: Vec::new(),
                });
                self.categories.len() - 1
            }
        };

        for word in doc.remove_keywords {
            for exact in [false, true] {
                let key = (keyword_key(word.get_ref()), exact);
                if let Some(owner) = self.owner.remove(&key) {
                    list(&mut self.categories[owner], exact).retain(|k| keyword_key(k) != key.0);
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
        match self.owner.get(&(key.clone(), exact)).copied() {
            Some(owner) if strict => {
                let id = &self.categories[owner].id;
                return Err(origin.error(
                    at,
                    format!("keyword `{word}` is already in category `{id}`"),
                ));
            }
            Some(owner) if owner == index => return Ok(()),
            Some(owner) => {
                // An override moves the keyword to the category it names.
                list(&mut self.categories[owner], exact).retain(|k| keyword_key(k) != key);
            }
            None => {}
        }
        self.owner.insert((key, exact), index);
        list(&mut self.categories[index], exact).push(word);
        Ok(())
    }

    pub fn build(self, overrides: Option<PathBuf>) -> Result<Taxonomy, TaxonomyError> {
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
        })
    }

    /// A taxonomy with no categories: everything is unclassified.
    pub fn empty() -> Taxonomy {
        Taxonomy {
            categories: Vec::new(),
            rules: Rules::default(),
            matcher: Arc::new(Matcher::default()),
            overrides: None,
        }
    }
}
