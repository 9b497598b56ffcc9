//! PLACEHOLDER until the taxonomy branch merges: same API, classifies
//! nothing. Replaced wholesale by the real module.
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub const WORKSPACE_FILE: &str = "policy-lsp.toml";
pub const LABEL_SENSITIVE: &str = "个人敏感信息";
pub const LABEL_PERSONAL: &str = "个人信息";
pub const LABEL_UNCLASSIFIED: &str = "未分类";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Category {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    pub sensitive: bool,
    pub vague: bool,
    pub source: String,
    pub note: Option<String>,
    pub keywords: Vec<String>,
    pub exact: Vec<String>,
}
impl Category {
    pub fn label(&self) -> &'static str {
        if self.sensitive {
            LABEL_SENSITIVE
        } else {
            LABEL_PERSONAL
        }
    }
}
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemClass {
    pub text: String,
    pub category: Option<Arc<Category>>,
    pub matches: Vec<String>,
}
impl ItemClass {
    pub fn sensitive(&self) -> bool {
        self.category.as_ref().is_some_and(|c| c.sensitive)
    }
    pub fn label(&self) -> &'static str {
        self.category
            .as_ref()
            .map_or(LABEL_UNCLASSIFIED, |c| c.label())
    }
}
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Classification {
    pub term: String,
    pub items: Vec<ItemClass>,
}
impl Classification {
    pub fn sensitive(&self) -> bool {
        self.items.iter().any(ItemClass::sensitive)
    }
    pub fn vague(&self) -> bool {
        false
    }
    pub fn category(&self) -> Option<&Category> {
        self.items.iter().find_map(|i| i.category.as_deref())
    }
    pub fn label(&self) -> &'static str {
        self.category().map_or(LABEL_UNCLASSIFIED, Category::label)
    }
    pub fn matches(&self) -> Vec<&str> {
        self.items
            .iter()
            .flat_map(|i| i.matches.iter().map(String::as_str))
            .collect()
    }
}
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaxonomyError {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}
impl fmt::Display for TaxonomyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}
impl std::error::Error for TaxonomyError {}
#[derive(Clone, Debug, Default)]
pub struct Taxonomy;
impl Taxonomy {
    pub fn builtin() -> Taxonomy {
        Taxonomy
    }
    pub fn with_overrides_file(_path: &Path) -> Result<Taxonomy, TaxonomyError> {
        Ok(Taxonomy)
    }
    pub fn find_workspace_file(start: &Path) -> Option<PathBuf> {
        start
            .ancestors()
            .map(|d| d.join(WORKSPACE_FILE))
            .find(|p| p.is_file())
    }
    /// Every data term the taxonomy knows, with its category (for
    /// completion). The placeholder knows none.
    pub fn data_terms(&self) -> impl Iterator<Item = (&str, &Category)> {
        std::iter::empty()
    }
    pub fn classify(&self, value: &str) -> Classification {
        Classification {
            term: value.to_string(),
            items: vec![ItemClass {
                text: value.to_string(),
                category: None,
                matches: vec![],
            }],
        }
    }
}
