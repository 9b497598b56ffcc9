//! Sensitivity classification of data items against a taxonomy of personal
//! information (GB/T 35273-2020 Appendices A and B, PIPL Article 28).
//!
//! The taxonomy is data: `builtin.toml`, embedded in the binary, optionally
//! extended or overridden by a workspace `policy-lsp.toml` in the same format.
//! [`Taxonomy::classify`] takes an annotation's value (escapes resolved) and
//! returns one [`ItemClass`] per list item.
//!
//! Architecture invariant: this module knows annotation values, categories and
//! rules only; no positions, no LSP types, no async. The server's hover and
//! semantic tokens and the CLI's `classify` call [`Taxonomy::classify`].
//!
//! Cost: building a taxonomy compiles its automata once (about a millisecond
//! for the built-in one); [`Taxonomy::classify`] is O(length of the value)
//! plus O(matches), a few microseconds for a real data item.

mod file;
mod matcher;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::workspace_lints::WorkspaceLints;
use matcher::Matcher;

/// The name of the workspace file that extends the built-in taxonomy.
pub const WORKSPACE_FILE: &str = "policy-lsp.toml";

const BUILTIN_TOML: &str = include_str!("builtin.toml");

/// One category of personal information, e.g. `个人身份信息`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Category {
    /// Stable identifier, e.g. `identity`; used in JSON output and overrides.
    pub id: String,
    /// Chinese name as the standard writes it, e.g. `个人生物识别信息`.
    pub name_zh: String,
    pub name_en: String,
    /// Sensitive personal information (个人敏感信息).
    pub sensitive: bool,
    /// A generic reference (个人信息, 上述信息) rather than a kind of information.
    pub vague: bool,
    /// False for information that is not personal information: aggregated
    /// statistics, anonymised data (GB/T 35273-2020 3.14, PIPL Art. 4).
    /// Such a category is never sensitive.
    pub personal: bool,
    /// Marks de-identified information (去标识化, GB/T 35273-2020 3.15): an
    /// item that matches it stays personal even when it also matches a
    /// non-personal keyword (去标识化或匿名化的数据).
    pub deidentified: bool,
    /// The category's short definition from the standard, with examples,
    /// for the hover and completion.
    pub definition: Option<String>,
    /// Owner prefixes (儿童, 家庭成员 …): an item that starts with one is
    /// information about that person, of whatever kind the rest names.
    pub owners: Vec<String>,
    /// The legal source, e.g. `GB/T 35273-2020 附录B 表B.1（个人身份信息）`.
    pub source: String,
    pub note: Option<String>,
    /// The id of the coarser category this is a finer entry of
    /// (`location_precise` refines `location_general`).
    pub refines: Option<String>,
    /// Keywords matched anywhere in an item, as written in the taxonomy file.
    pub keywords: Vec<String>,
    /// Keywords matched only when they are the whole item (`信息`).
    pub exact: Vec<String>,
}

impl Category {
    /// The label the hover starts with: `个人敏感信息` or `个人信息`.
    pub fn label(&self) -> &'static str {
        if !self.personal {
            LABEL_NON_PERSONAL
        } else if self.sensitive {
            LABEL_SENSITIVE
        } else {
            LABEL_PERSONAL
        }
    }
}

pub const LABEL_SENSITIVE: &str = "个人敏感信息";
pub const LABEL_PERSONAL: &str = "个人信息";
pub const LABEL_UNCLASSIFIED: &str = "未分类";
pub const LABEL_NON_PERSONAL: &str = "非个人信息";

/// The classification of one list item of a data annotation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemClass {
    /// The item after stripping possessives and hedges (`您本人的手机号码` → `手机号码`).
    pub text: String,
    /// `None` when no keyword matched.
    pub category: Option<Arc<Category>>,
    /// The taxonomy keywords found in the item, in order of appearance
    /// (including those of other categories than the chosen one).
    pub matches: Vec<String>,
    /// Whose information it is, when an owner prefix says so (儿童的姓名:
    /// a child's; 家庭成员的电话: a third party's). For a sensitive owner
    /// (a child) `category` is the owner's category; otherwise `category`
    /// is the kind of information and this says whose it is.
    pub owner: Option<Arc<Category>>,
}

impl ItemClass {
    pub fn sensitive(&self) -> bool {
        self.category.as_ref().is_some_and(|c| c.sensitive)
    }

    pub fn vague(&self) -> bool {
        self.category.as_ref().is_some_and(|c| c.vague)
    }

    /// `Some(false)` for information that is not personal, `None` when unclassified.
    pub fn personal(&self) -> Option<bool> {
        self.category.as_ref().map(|c| c.personal)
    }

    pub fn label(&self) -> &'static str {
        self.category
            .as_ref()
            .map_or(LABEL_UNCLASSIFIED, |c| c.label())
    }
}

/// The classification of a data annotation's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Classification {
    /// The value as given.
    pub term: String,
    /// One per list item; a term that is not a list has exactly one item.
    pub items: Vec<ItemClass>,
}

impl Classification {
    /// Whether any item is sensitive: a list is as sensitive as its most sensitive item.
    pub fn sensitive(&self) -> bool {
        self.items.iter().any(ItemClass::sensitive)
    }

    /// Whether the classified items are all vague references (`上述信息`) and
    /// none names a kind of information. False when nothing is classified.
    pub fn vague(&self) -> bool {
        let mut classified = self.items.iter().filter(|i| i.category.is_some());
        let mut any = false;
        let all_vague = classified.all(|i| {
            any = true;
            i.vague()
        });
        any && all_vague
    }

    /// The summary category, the one the hover's first line names. Among the
    /// sensitive items if there are any (a list is as sensitive as its most
    /// sensitive item), else among the specific personal ones, else among
    /// the non-personal ones, else among the vague ones: the category that most of those items share, and on a tie the
    /// first of the tied categories in the list. A list describes one kind of
    /// information more often than not (使用频率、崩溃数据、使用情况、性能数据
    /// are usage records), and its first element is not always its most
    /// telling one.
    pub fn category(&self) -> Option<&Category> {
        self.summary().map(|c| &**c)
    }

    /// [`Classification::category`], shared.
    pub fn summary(&self) -> Option<&Arc<Category>> {
        let cats = || self.items.iter().filter_map(|i| i.category.as_ref());
        let most_shared = |keep: &dyn Fn(&Category) -> bool| -> Option<&Arc<Category>> {
            let candidates: Vec<&Arc<Category>> = cats().filter(|c| keep(c)).collect();
            let count = |c: &Arc<Category>| candidates.iter().filter(|o| o.id == c.id).count();
            // max_by_key keeps the last maximum; scan in reverse so that the
            // first of the tied categories wins.
            candidates.iter().rev().copied().max_by_key(|c| count(c))
        };
        most_shared(&|c| c.sensitive)
            .or_else(|| most_shared(&|c| !c.vague && c.personal))
            .or_else(|| most_shared(&|c| !c.personal))
            .or_else(|| most_shared(&|_| true))
    }

    /// `个人敏感信息`, `个人信息` (also for a vague reference) or `未分类`.
    pub fn label(&self) -> &'static str {
        self.category().map_or(LABEL_UNCLASSIFIED, Category::label)
    }

    /// Whether the summary is personal information: `Some(false)` for
    /// information that is not personal (statistics, anonymised data),
    /// `None` when nothing is classified.
    pub fn personal(&self) -> Option<bool> {
        self.category().map(|c| c.personal)
    }

    /// The owner of the summary's item when an owner prefix named one.
    pub fn owner(&self) -> Option<&Category> {
        let summary = self.summary()?;
        self.items
            .iter()
            .filter(|i| i.category.as_ref().is_some_and(|c| Arc::ptr_eq(c, summary)))
            .find_map(|i| i.owner.as_deref())
    }

    /// Whether any item has a category (vague or not).
    pub fn is_classified(&self) -> bool {
        self.items.iter().any(|i| i.category.is_some())
    }

    /// All matched keywords of all items, in order, without repetition.
    pub fn matches(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for m in self.items.iter().flat_map(|i| &i.matches) {
            if !out.contains(&m.as_str()) {
                out.push(m);
            }
        }
        out
    }
}

/// A taxonomy file that could not be used. The built-in taxonomy stays in force.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaxonomyError {
    pub path: PathBuf,
    /// 1-based line of the problem, when it has one.
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for TaxonomyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.path.display(), line, self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

impl std::error::Error for TaxonomyError {}

/// Categories of personal information and the matcher built from them.
/// Cheap to clone (the compiled automata are shared).
#[derive(Clone, Debug)]
pub struct Taxonomy {
    categories: Vec<Arc<Category>>,
    rules: matcher::Rules,
    matcher: Arc<Matcher>,
    overrides: Option<PathBuf>,
    /// The workspace file's `[lints]` table, if it has one.
    lints: Option<Arc<WorkspaceLints>>,
}

impl Taxonomy {
    /// The built-in taxonomy (`src/taxonomy/builtin.toml`).
    pub fn builtin() -> Taxonomy {
        // The embedded file is checked by a unit test; should it ever fail to
        // load, an empty taxonomy (everything unclassified) beats a panic.
        Self::from_builtin_text().unwrap_or_else(|_| Taxonomy::empty())
    }

    fn from_builtin_text() -> Result<Taxonomy, TaxonomyError> {
        file::Builder::default()
            .apply(BUILTIN_TOML, Path::new("builtin.toml"), true)?
            .build(None)
    }

    fn empty() -> Taxonomy {
        file::Builder::empty()
    }

    /// The built-in taxonomy extended and overridden by a workspace file.
    /// On error the caller should keep using [`Taxonomy::builtin`].
    /// Only a regular file of at most [`MAX_FILE_BYTES`] is read: a FIFO
    /// would block the caller for good, and `/dev/zero` would never end.
    pub fn with_overrides_file(path: &Path) -> Result<Taxonomy, TaxonomyError> {
        let text = read_file(path)?;
        Self::with_overrides_str(&text, path)
    }

    /// Like [`Taxonomy::with_overrides_file`], with the text already read;
    /// `origin` names the file in errors.
    pub fn with_overrides_str(toml_text: &str, origin: &Path) -> Result<Taxonomy, TaxonomyError> {
        let base = file::Builder::default().apply(BUILTIN_TOML, Path::new("builtin.toml"), true)?;
        let mut taxonomy = base
            .apply(toml_text, origin, false)?
            .build(Some(origin.to_path_buf()))?;
        taxonomy.lints = crate::workspace_lints::parse(toml_text, origin)?.map(Arc::new);
        Ok(taxonomy)
    }

    /// The `[lints]` table of the workspace file, if it has one.
    pub fn workspace_lints(&self) -> Option<&WorkspaceLints> {
        self.lints.as_deref()
    }

    /// Walks up from `start` (a file or a directory) to the nearest directory
    /// holding `policy-lsp.toml`. Costs one `stat` per ancestor.
    pub fn find_workspace_file(start: &Path) -> Option<PathBuf> {
        let first = if start.is_dir() {
            Some(start)
        } else {
            start.parent()
        };
        first?
            .ancestors()
            .map(|dir| dir.join(WORKSPACE_FILE))
            .find(|candidate| candidate.is_file())
    }

    /// The workspace file this taxonomy was extended with, if any.
    pub fn overrides_file(&self) -> Option<&Path> {
        self.overrides.as_deref()
    }

    /// Classifies an annotation value (escapes already resolved).
    /// O(length of the value); allocation-light; never panics.
    pub fn classify(&self, value: &str) -> Classification {
        let items = self
            .matcher
            .classify(value)
            .into_iter()
            .map(|item| ItemClass {
                text: item.text,
                category: item.category.map(|i| Arc::clone(&self.categories[i])),
                matches: item.matches,
                owner: item.owner.map(|i| Arc::clone(&self.categories[i])),
            })
            .collect();
        Classification {
            term: value.to_string(),
            items,
        }
    }

    /// All categories, in the order of the taxonomy file (overrides last).
    pub fn categories(&self) -> impl Iterator<Item = &Category> {
        self.categories.iter().map(|c| &**c)
    }

    /// Looks a category up by its id.
    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories().find(|c| c.id == id)
    }

    /// Keywords usable for completion after `<`, with their category.
    /// Vague categories are left out: they are not worth suggesting.
    pub fn data_terms(&self) -> impl Iterator<Item = (&str, &Category)> {
        self.categories()
            .filter(|c| !c.vague)
            .flat_map(|c| c.keywords.iter().map(move |k| (k.as_str(), c)))
    }

    /// Stop-words removed from items before matching (possessives, hedges).
    pub fn stop_words(&self) -> impl Iterator<Item = &str> {
        self.rules.stop_words.iter().map(String::as_str)
    }
}

/// Largest taxonomy file read: hundreds of times the built-in one, small
/// enough that naming a wrong file cannot exhaust memory.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Reads a taxonomy file: a regular file (after symlinks), at most
/// [`MAX_FILE_BYTES`], UTF-8.
fn read_file(path: &Path) -> Result<String, TaxonomyError> {
    use std::io::Read;
    let error = |message: String| TaxonomyError {
        path: path.to_path_buf(),
        line: None,
        message,
    };
    let cannot = |e: std::io::Error| error(format!("cannot read the taxonomy file: {e}"));
    // `metadata` never blocks, where opening a FIFO waits for a writer.
    let meta = std::fs::metadata(path).map_err(cannot)?;
    if !meta.is_file() {
        return Err(error(format!(
            "the taxonomy must be a regular TOML file, and this is {}",
            file_kind(&meta.file_type())
        )));
    }
    let too_big = || {
        error(format!(
            "the taxonomy file is larger than {} MB: is it the right file?",
            MAX_FILE_BYTES / (1024 * 1024)
        ))
    };
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_big());
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(cannot)?;
    // The file may have grown since `metadata`.
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_big());
    }
    String::from_utf8(bytes).map_err(|e| {
        error(format!(
            "the taxonomy file is not UTF-8 (at byte {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// What a file that is not a regular file is, in the user's words.
fn file_kind(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}

impl Default for Taxonomy {
    fn default() -> Self {
        Taxonomy::builtin()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_builtin_parses() {
        let taxonomy = Taxonomy::from_builtin_text().expect("builtin.toml must load");
        assert!(taxonomy.categories().count() >= 20);
    }

    #[test]
    fn every_builtin_category_is_complete() {
        for c in Taxonomy::builtin().categories() {
            assert!(!c.name_zh.is_empty() && !c.name_en.is_empty(), "{}", c.id);
            assert!(
                c.source.contains("GB/T") || c.source.contains("个人信息保护法"),
                "{}",
                c.id
            );
            assert!(!c.keywords.is_empty(), "{}", c.id);
        }
    }

    #[test]
    fn taxonomy_is_send_sync_clone() {
        fn check<T: Send + Sync + Clone + fmt::Debug>() {}
        check::<Taxonomy>();
        check::<Classification>();
    }

    /// A directory of its own under the system's temporary directory.
    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "policy-core-taxonomy-{}-{name}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).expect("a scratch directory");
        dir
    }

    fn load_error(path: &Path) -> String {
        Taxonomy::with_overrides_file(path)
            .expect_err("the file must be refused")
            .to_string()
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = scratch("fifo");
        let fifo = dir.join("policy-lsp.toml");
        let _ = std::fs::remove_file(&fifo);
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo runs");
        assert!(made.success());
        // Opening the FIFO would block this test for good: it must not be opened.
        let message = load_error(&fifo);
        assert!(message.contains("named pipe"), "{message}");
        assert!(message.contains("policy-lsp.toml"), "{message}");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[cfg(unix)]
    #[test]
    fn a_device_and_a_directory_are_refused() {
        let message = load_error(Path::new("/dev/zero"));
        assert!(message.contains("a device"), "{message}");
        let dir = scratch("dir");
        let message = load_error(&dir);
        assert!(message.contains("a directory"), "{message}");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_file_over_the_limit_is_refused_before_reading() {
        let dir = scratch("big");
        let path = dir.join("policy-lsp.toml");
        // Sparse: costs no disk.
        let f = std::fs::File::create(&path).expect("create");
        f.set_len(MAX_FILE_BYTES + 1).expect("set_len");
        let message = load_error(&path);
        assert!(message.contains("larger than 16 MB"), "{message}");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_regular_file_still_loads_and_bad_utf8_is_named() {
        let dir = scratch("regular");
        let path = dir.join("policy-lsp.toml");
        std::fs::write(
            &path,
            "[[category]]\nid = \"device\"\nkeywords = [\"蓝牙名称\"]\n",
        )
        .expect("write");
        let t = Taxonomy::with_overrides_file(&path).expect("loads");
        assert_eq!(
            t.classify("蓝牙名称").items[0]
                .category
                .as_ref()
                .map(|c| c.id.as_str()),
            Some("device")
        );
        std::fs::write(&path, b"# \xff\n").expect("write");
        assert!(load_error(&path).contains("not UTF-8"));
        let _ = std::fs::remove_dir_all(dir);
    }

    fn category_of(t: &Taxonomy, term: &str) -> Option<String> {
        t.classify(term).category().map(|c| c.id.clone())
    }

    #[test]
    fn moving_thousands_of_keywords_keeps_the_last_word_and_the_order() {
        let words: Vec<String> = (0..3000).map(|i| format!("\"自造词{i}\"")).collect();
        let list = words.join(", ");
        let text = format!(
            "[[category]]\nid = \"identity\"\nkeywords = [{list}]\n\
             [[category]]\nid = \"device\"\nkeywords = [{list}]\n\
             [[category]]\nid = \"identity\"\nkeywords = [\"自造词7\"]\n\
             [[category]]\nid = \"device\"\nremove_keywords = [\"自造词8\"]\n"
        );
        let t = Taxonomy::with_overrides_str(&text, Path::new("policy-lsp.toml")).expect("loads");
        assert_eq!(category_of(&t, "自造词5").as_deref(), Some("device"));
        assert_eq!(category_of(&t, "自造词7").as_deref(), Some("identity"));
        assert_eq!(category_of(&t, "自造词8"), None);
        let device = t.category("device").expect("device");
        let moved: Vec<&str> = device
            .keywords
            .iter()
            .filter(|k| k.starts_with("自造词"))
            .map(String::as_str)
            .collect();
        assert_eq!(moved.len(), 2998);
        assert_eq!(&moved[..3], ["自造词0", "自造词1", "自造词2"]);
        let identity = t.category("identity").expect("identity");
        assert_eq!(
            identity
                .keywords
                .iter()
                .filter(|k| k.starts_with("自造词"))
                .count(),
            1
        );
        // The built-in keywords did not move.
        assert_eq!(category_of(&t, "身份证号码").as_deref(), Some("identity"));
    }

    #[test]
    fn repeated_stop_words_are_kept_once() {
        let words: Vec<String> = (0..2000).map(|i| format!("\"停用{}\"", i % 1000)).collect();
        let text = format!("[matching]\nstop_words = [{}]\n", words.join(", "));
        let t = Taxonomy::with_overrides_str(&text, Path::new("policy-lsp.toml")).expect("loads");
        assert_eq!(
            t.stop_words().filter(|w| w.starts_with("停用")).count(),
            1000
        );
        assert_eq!(
            category_of(&t, "停用3手机号码").as_deref(),
            Some("basic_profile")
        );
    }

    #[test]
    fn a_sensitive_category_that_is_not_personal_is_refused_with_its_line() {
        let text = "[[category]]\nid = \"device\"\nsensitive = true\npersonal = false\n";
        let e = Taxonomy::with_overrides_str(text, Path::new("policy-lsp.toml"))
            .expect_err("a contradiction");
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("not personal"), "{}", e.message);
    }

    #[test]
    fn a_workspace_owner_prefix_and_head_noun_apply() {
        let text = "[matching]\nheads = [\"档案\"]\n\
                    [[category]]\nid = \"third_party\"\nowners = [\"同事\"]\n";
        let t = Taxonomy::with_overrides_str(text, Path::new("policy-lsp.toml")).expect("loads");
        let c = t.classify("同事的手机号码");
        assert_eq!(c.owner().map(|o| o.id.as_str()), Some("third_party"));
        assert_eq!(
            category_of(&t, "同事的手机号码").as_deref(),
            Some("basic_profile")
        );
        // 诊疗档案: no keyword, but 诊疗 + 信息 is one.
        assert_eq!(
            category_of(&t, "诊疗档案").as_deref(),
            Some("health_medical")
        );
        assert_eq!(category_of(&Taxonomy::builtin(), "诊疗档案"), None);
    }

    #[test]
    fn a_category_marked_sensitive_and_then_not_is_a_conflict_with_its_lines() {
        let text = "[[category]]\nid = \"device\"\nsensitive = true\n\n\
                    [[category]]\nid = \"device\"\nsensitive = false\n";
        let e = Taxonomy::with_overrides_str(text, Path::new("/ws/policy-lsp.toml"))
            .expect_err("a conflict");
        assert_eq!(e.line, Some(7));
        assert_eq!(e.path, PathBuf::from("/ws/policy-lsp.toml"));
        assert!(e.message.contains("line 3"), "{}", e.message);
        assert!(e.message.contains("`device`"), "{}", e.message);
        // Saying the same twice, or overriding the built-in value, is fine.
        let same = "[[category]]\nid = \"device\"\nsensitive = true\n\
                    [[category]]\nid = \"device\"\nsensitive = true\n";
        let t = Taxonomy::with_overrides_str(same, Path::new("policy-lsp.toml")).expect("loads");
        assert!(t.category("device").is_some_and(|c| c.sensitive));
    }
}
