//! The workspace index: every `*.policy` file under the workspace folders,
//! summed up as a [`CorpusIndex`] entry (its annotations and diagnostics,
//! not its text), for `workspace/symbol`, `workspace/diagnostic` and the
//! corpus checks.
//!
//! - Indexing starts after `initialized`, on the background pool (lower
//!   CPU priority, two threads), never on the task that polls handlers; it
//!   reports `$/progress` on a token the server creates when the client
//!   says `window.workDoneProgress`. Files are found with the walk `check`
//!   uses (`crate::walk`) and only regular files up to [`MAX_FILE_BYTES`]
//!   are read.
//! - An open document's entry follows its live text: every time its
//!   diagnostics are queued, its latest version is handed over here and
//!   summed up in the background once edits pause (one summary at a time
//!   per document, of its newest version). Closed again, it is read from
//!   disk.
//! - `workspace/didChangeWatchedFiles` for `*.policy` (a watcher the
//!   server registers when the client allows dynamic registration) reads,
//!   re-reads or forgets a file.
//! - Closed documents never get `publishDiagnostics`: their diagnostics are
//!   only pulled (`workspace/diagnostic`), when the client can pull.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::mpsc;
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::*;

use super::config::Settings;
use super::diagnostics::Publish;
use super::diagnostics::{MAX_DIAGNOSTICS, bounded};
use super::state::State;
use super::{CLIENT_REQUEST_TIMEOUT, convert};
use policy_core::analysis::{AnalysedDocument, Classes};
use policy_core::corpus::{CorpusIndex, CorpusLint, Entry, Query};
use policy_core::diagnostics::{
    self as core, analysed_diagnostics_at_most, document_diagnostics_at_most,
};
use policy_core::document::Document;
use policy_core::lints::LintConfig;
use policy_core::position::PositionEncoding;
use policy_core::syntax::AnnotationKind;
use policy_core::taxonomy::Taxonomy;
use policy_core::workspace_lints::{LintLevels, effective};

/// Largest file indexed, as for `compareWith` (see `disagreement.rs`).
pub const MAX_FILE_BYTES: u64 = 256 << 20;
/// Most symbols one `workspace/symbol` answer holds.
pub const MAX_SYMBOLS: usize = 500;
/// Threads that read and parse files while indexing.
const INDEX_THREADS: usize = 2;
/// Least time between two progress reports.
const REPORT_EVERY: Duration = Duration::from_millis(50);
/// How long an open document's edits pause before its entry is made.
const SUMMARY_DELAY: Duration = Duration::from_millis(150);
/// A UTF-8 byte-order mark, skipped at the start of a file.
const BOM: &str = "\u{feff}";

/// What the client can do, from `initialize`.
#[derive(Clone, Debug, Default)]
struct ClientCaps {
    roots: Vec<PathBuf>,
    progress: bool,
    watch: bool,
    refresh: bool,
}

/// The index and what is known about its documents.
#[derive(Default)]
struct Inner {
    index: CorpusIndex,
    /// The URI of each key (a file's path, or the URI of a document with
    /// none).
    uris: HashMap<String, Uri>,
    /// Keys of open documents: their entries follow the editor, not disk.
    open: HashSet<String>,
}

/// Open documents waiting to be summed up: the newest version of each,
/// and which have a summary running.
#[derive(Default)]
struct Pending {
    docs: HashMap<String, (Uri, AnalysedDocument, LintConfig)>,
    running: HashSet<String>,
}

#[derive(Default)]
pub struct Workspace {
    client: Mutex<ClientCaps>,
    inner: Mutex<Inner>,
    pending: Mutex<Pending>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The key of a document in the index: its file's path when it has one
/// (so that the editor's URI and the walk's path meet), else its URI.
pub fn key_of(uri: &Uri) -> String {
    match uri.to_file_path() {
        Some(p) => p.to_string_lossy().into_owned(),
        None => uri.as_str().to_string(),
    }
}

/// What republishing open documents needs, for tasks that outlive a
/// handler: the state, the stale set and the publishing queue.
#[derive(Clone)]
pub struct Republisher {
    pub state: Arc<Mutex<State>>,
    pub out_of_sync: Arc<Mutex<HashSet<Uri>>>,
    pub publish: mpsc::UnboundedSender<Publish>,
    pub workspace: Arc<Workspace>,
}

impl Republisher {
    /// Publishes every open document again (their corpus findings read the
    /// index, which changed).
    fn all(&self) {
        let state = lock(&self.state);
        let stale = lock(&self.out_of_sync).clone();
        for (uri, open) in &state.documents {
            let lints = state.settings.lints_for(open.doc.taxonomy());
            if !lints.corpus.any_on() {
                continue;
            }
            let diagnostics = super::diagnostics::open_diagnostics(
                uri,
                &open.doc,
                stale.contains(uri),
                &lints,
                &self.workspace,
            );
            let _ = self.publish.send(Publish {
                uri: uri.clone(),
                version: Some(open.version),
                diagnostics,
                encoding: state.encoding,
            });
        }
    }
}

impl Workspace {
    /// Reads the folders and the client's capabilities from `initialize`.
    /// Returns whether workspace diagnostics can be pulled (the client
    /// pulls document diagnostics).
    pub fn configure(&self, params: &InitializeParams) -> bool {
        let mut roots: Vec<PathBuf> = params
            .workspace_folders
            .iter()
            .flatten()
            .filter_map(|f| f.uri.to_file_path().map(|p| p.into_owned()))
            .collect();
        if roots.is_empty() {
            #[allow(deprecated)]
            if let Some(root) = params.root_uri.as_ref().and_then(|u| u.to_file_path()) {
                roots.push(root.into_owned());
            }
        }
        let caps = &params.capabilities;
        let progress = caps
            .window
            .as_ref()
            .and_then(|w| w.work_done_progress)
            .unwrap_or(false);
        let watch = caps
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        let refresh = caps
            .workspace
            .as_ref()
            .and_then(|w| w.diagnostics.as_ref())
            .and_then(|d| d.refresh_support)
            .unwrap_or(false);
        let pull = caps
            .text_document
            .as_ref()
            .is_some_and(|t| t.diagnostic.is_some());
        *lock(&self.client) = ClientCaps {
            roots,
            progress,
            watch,
            refresh,
        };
        pull
    }

    /// Starts indexing the workspace folders (after `initialized`), and
    /// registers the `*.policy` watcher when the client allows it.
    pub fn start(self: &Arc<Self>, client: Client, republish: Republisher) {
        let caps = lock(&self.client).clone();
        if caps.watch {
            let client = client.clone();
            tokio::spawn(async move {
                let registration = Registration {
                    id: "policy-lsp-policy-watch".to_string(),
                    method: "workspace/didChangeWatchedFiles".to_string(),
                    register_options: serde_json::to_value(
                        DidChangeWatchedFilesRegistrationOptions {
                            watchers: vec![FileSystemWatcher {
                                glob_pattern: GlobPattern::String("**/*.policy".to_string()),
                                kind: None,
                            }],
                        },
                    )
                    .ok(),
                };
                let call = client.register_capability(vec![registration]);
                if let Ok(Err(e)) = tokio::time::timeout(CLIENT_REQUEST_TIMEOUT, call).await {
                    tracing::warn!("the client refused to watch *.policy files: {e}");
                }
            });
        }
        if caps.roots.is_empty() {
            return;
        }
        let ws = self.clone();
        tokio::spawn(async move {
            ws.index_all(client, caps, republish).await;
        });
    }

    async fn index_all(self: Arc<Self>, client: Client, caps: ClientCaps, republish: Republisher) {
        let started = Instant::now();
        let settings = lock(&republish.state).settings.clone();
        let token = NumberOrString::String("policy-lsp/index".to_string());
        let progress = if caps.progress {
            let create = client.send_request::<request::WorkDoneProgressCreate>(
                WorkDoneProgressCreateParams {
                    token: token.clone(),
                },
            );
            match tokio::time::timeout(CLIENT_REQUEST_TIMEOUT, create).await {
                Ok(Ok(())) => Some(
                    client
                        .progress(token, "Indexing policies")
                        .with_message("looking for *.policy files")
                        .with_percentage(0)
                        .begin()
                        .await,
                ),
                _ => None,
            }
        } else {
            None
        };
        let (tx, mut rx) = mpsc::unbounded_channel::<Step>();
        let ws = self.clone();
        let roots = caps.roots.clone();
        let work = super::offload("workspace::index", move || {
            ws.index_files(&roots, &settings, &tx)
        });
        let mut work = std::pin::pin!(work);
        let mut total = 0usize;
        let mut last_report: Option<(Instant, u32)> = None;
        let outcome = loop {
            tokio::select! {
                done = &mut work => break done,
                Some(step) = rx.recv() => {
                    if let Step::Found(n) = step {
                        total = n;
                    }
                    let Some(p) = &progress else { continue };
                    match step {
                        Step::Found(n) => {
                            p.report_with_message(format!("0 of {n} files"), 0).await;
                            last_report = Some((Instant::now(), 0));
                        }
                        Step::Done(done) => {
                            let pct = (done * 100).checked_div(total).unwrap_or(100) as u32;
                            let due = last_report.is_none_or(|(at, last)| {
                                pct > last && at.elapsed() >= REPORT_EVERY
                            });
                            if due {
                                p.report_with_message(format!("{done} of {total} files"), pct).await;
                                last_report = Some((Instant::now(), pct));
                            }
                        }
                    }
                }
            }
        };
        let (indexed, problems) = outcome.unwrap_or((0, Vec::new()));
        if let Some(p) = progress {
            p.report_with_message(format!("{total} of {total} files"), 100)
                .await;
            let unread = match total.saturating_sub(indexed) {
                0 => String::new(),
                n => format!(" ({n} could not be read: see the log)"),
            };
            p.finish_with_message(format!("{indexed} policies indexed{unread}"))
                .await;
        }
        for problem in problems.iter().take(20) {
            client.log_message(MessageType::WARNING, problem).await;
        }
        let message = format!(
            "workspace index: {indexed} policies in {} ms",
            started.elapsed().as_millis()
        );
        tracing::info!("{message}");
        client.log_message(MessageType::INFO, message).await;
        super::os::trim();
        self.changed(&client, &republish);
    }

    /// After the index changed: open documents' corpus findings are
    /// republished, and a client that pulls is asked to pull again.
    fn changed(&self, client: &Client, republish: &Republisher) {
        republish.all();
        if lock(&self.client).refresh {
            let client = client.clone();
            tokio::spawn(async move {
                let call = client.workspace_diagnostic_refresh();
                let _ = tokio::time::timeout(CLIENT_REQUEST_TIMEOUT, call).await;
            });
        }
    }

    /// Walks `roots` and indexes every policy found, on [`INDEX_THREADS`]
    /// threads of lower priority. Returns how many were indexed and what
    /// could not be read. Blocking.
    fn index_files(
        &self,
        roots: &[PathBuf],
        settings: &Settings,
        tx: &mpsc::UnboundedSender<Step>,
    ) -> (usize, Vec<String>) {
        let mut files = Vec::new();
        let mut problems = Vec::new();
        for root in roots {
            let (found, errors) = crate::walk::Walk::default().policies(root);
            files.extend(found);
            problems.extend(
                errors
                    .into_iter()
                    .map(|e| format!("{}: {}", e.path.display(), e.message)),
            );
        }
        files.sort();
        files.dedup();
        let _ = tx.send(Step::Found(files.len()));
        let next = AtomicUsize::new(0);
        let done = AtomicUsize::new(0);
        let indexed = AtomicUsize::new(0);
        let problems = Mutex::new(problems);
        let taxonomies = Taxonomies::default();
        std::thread::scope(|s| {
            for _ in 0..INDEX_THREADS.min(files.len()) {
                s.spawn(|| {
                    super::os::lower_thread_priority();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(path) = files.get(i) else { break };
                        let taxonomy = taxonomies.for_file(path, settings);
                        match read_entry(path, &taxonomy, &settings.lints_for(&taxonomy)) {
                            Ok(entry) => {
                                self.put_disk(path, entry);
                                indexed.fetch_add(1, Ordering::Relaxed);
                            }
                            Err(e) => lock(&problems).push(e),
                        }
                        let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                        let _ = tx.send(Step::Done(n));
                    }
                });
            }
        });
        (
            indexed.into_inner(),
            problems.into_inner().unwrap_or_else(|p| p.into_inner()),
        )
    }

    /// Keeps the entry of the file at `path`, unless the document is open
    /// (its entry follows the editor then).
    fn put_disk(&self, path: &Path, entry: Entry) {
        let key = path.to_string_lossy().into_owned();
        let mut inner = lock(&self.inner);
        if inner.open.contains(&key) {
            return;
        }
        if let Some(uri) = Uri::from_file_path(path) {
            inner.uris.insert(key.clone(), uri);
        }
        inner.index.insert(key, entry);
    }

    /// An open document changed (or opened, or was reclassified): its entry
    /// is summed up from `doc` in the background. Cheap: called under the
    /// state lock.
    pub fn document_changed(
        self: &Arc<Self>,
        uri: &Uri,
        doc: &AnalysedDocument,
        lints: &LintConfig,
        republish: Option<Republisher>,
    ) {
        // With no workspace folder there is no corpus to keep current: a
        // summary of each pause in typing would cost the whole document's
        // annotations again, in time and memory, for nothing.
        if lock(&self.client).roots.is_empty() {
            return;
        }
        let key = key_of(uri);
        lock(&self.inner).open.insert(key.clone());
        let start = {
            let mut pending = lock(&self.pending);
            pending
                .docs
                .insert(key.clone(), (uri.clone(), doc.clone(), lints.clone()));
            pending.running.insert(key.clone())
        };
        if !start {
            return;
        }
        let ws = self.clone();
        tokio::spawn(async move {
            loop {
                // Typing goes on for a while: the newest version is summed
                // up once it pauses, not after every keystroke.
                tokio::time::sleep(SUMMARY_DELAY).await;
                let next = {
                    let mut pending = lock(&ws.pending);
                    let next = pending.docs.remove(&key);
                    if next.is_none() {
                        pending.running.remove(&key);
                    }
                    next
                };
                let Some((uri, doc, lints)) = next else {
                    break;
                };
                let summed = ws.clone();
                let key = key.clone();
                let changed = super::offload("workspace::document_changed", move || {
                    summed.summarise(key, uri, &doc, &lints)
                })
                .await
                .unwrap_or(false);
                if changed && let Some(r) = &republish {
                    r.all();
                }
            }
        });
    }

    /// Keeps the entry of an open document made from `doc`; true if the
    /// corpus checks are on and what it annotates changed (the others'
    /// findings may have). O(document).
    fn summarise(&self, key: String, uri: Uri, doc: &AnalysedDocument, lints: &LintConfig) -> bool {
        let found = analysed_diagnostics_at_most(doc, lints, MAX_DIAGNOSTICS);
        let entry = Entry::new(doc.doc(), doc.classes(), bounded(found));
        let mut inner = lock(&self.inner);
        // Closed meanwhile: the disk's version is read instead.
        if !inner.open.contains(&key) {
            return false;
        }
        let changed = lints.corpus.any_on()
            && inner.index.get(&key).map(annotated_pairs) != Some(annotated_pairs(&entry));
        inner.uris.insert(key.clone(), uri);
        inner.index.insert(key, entry);
        changed
    }

    /// An open document was closed: its entry is read from disk again (or
    /// dropped, for a document that has no file under the folders).
    pub fn document_closed(self: &Arc<Self>, uri: &Uri, settings: Arc<Settings>) {
        let key = key_of(uri);
        lock(&self.inner).open.remove(&key);
        lock(&self.pending).docs.remove(&key);
        let path = uri.to_file_path().map(|p| p.into_owned());
        let under = path
            .as_ref()
            .is_some_and(|p| crate::walk::is_policy(p) && self.is_under_roots(p));
        if !under {
            let mut inner = lock(&self.inner);
            inner.index.remove(&key);
            inner.uris.remove(&key);
            return;
        }
        if let Some(path) = path {
            self.reread(vec![path], settings, None);
        }
    }

    fn is_under_roots(&self, path: &Path) -> bool {
        lock(&self.client).roots.iter().any(|r| path.starts_with(r))
    }

    /// Reads `paths` again (in the background), forgetting those that are
    /// gone, then tells `republish`.
    fn reread(
        self: &Arc<Self>,
        paths: Vec<PathBuf>,
        settings: Arc<Settings>,
        after: Option<(Client, Republisher)>,
    ) {
        let ws = self.clone();
        tokio::spawn(async move {
            let work = ws.clone();
            let _ = super::offload("workspace::reread", move || {
                let taxonomies = Taxonomies::default();
                for path in paths {
                    let key = path.to_string_lossy().into_owned();
                    if lock(&work.inner).open.contains(&key) {
                        continue;
                    }
                    let taxonomy = taxonomies.for_file(&path, &settings);
                    match read_entry(&path, &taxonomy, &settings.lints_for(&taxonomy)) {
                        Ok(entry) => work.put_disk(&path, entry),
                        Err(e) => {
                            tracing::info!("workspace index: {e}");
                            let mut inner = lock(&work.inner);
                            inner.index.remove(&key);
                            inner.uris.remove(&key);
                        }
                    }
                }
            })
            .await;
            if let Some((client, republish)) = after {
                ws.changed(&client, &republish);
            }
        });
    }

    /// Reads every closed document again: the settings' lints or the
    /// taxonomy changed, and with them the diagnostics and categories the
    /// entries hold.
    pub fn reread_all(
        self: &Arc<Self>,
        settings: Arc<Settings>,
        client: Client,
        republish: Republisher,
    ) {
        let paths: Vec<PathBuf> = {
            let inner = lock(&self.inner);
            inner
                .index
                .entries()
                .map(|(key, _)| key)
                .filter(|key| !inner.open.contains(*key))
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
                .collect()
        };
        self.reread(paths, settings, Some((client, republish)));
    }

    /// `workspace/didChangeWorkspaceFolders`: the documents of a removed
    /// folder leave the index (open ones stay until closed, and any under
    /// another folder stay), an added folder is walked and read in the
    /// background.
    pub fn folders_changed(
        self: &Arc<Self>,
        event: &WorkspaceFoldersChangeEvent,
        settings: Arc<Settings>,
        client: Client,
        republish: Republisher,
    ) {
        let path_of = |f: &WorkspaceFolder| f.uri.to_file_path().map(|p| p.into_owned());
        let removed: Vec<PathBuf> = event.removed.iter().filter_map(path_of).collect();
        let added: Vec<PathBuf> = event.added.iter().filter_map(path_of).collect();
        let roots = {
            let mut caps = lock(&self.client);
            caps.roots.retain(|r| !removed.contains(r));
            for root in &added {
                if !caps.roots.contains(root) {
                    caps.roots.push(root.clone());
                }
            }
            caps.roots.clone()
        };
        if !removed.is_empty() {
            let mut inner = lock(&self.inner);
            let gone: Vec<String> = inner
                .uris
                .keys()
                .filter(|key| {
                    let path = Path::new(key.as_str());
                    removed.iter().any(|r| path.starts_with(r))
                        && !roots.iter().any(|r| path.starts_with(r))
                        && !inner.open.contains(*key)
                })
                .cloned()
                .collect();
            for key in gone {
                inner.index.remove(&key);
                inner.uris.remove(&key);
            }
        }
        let ws = self.clone();
        tokio::spawn(async move {
            let found = super::offload("workspace::walk_added", move || {
                let mut found = Vec::new();
                for root in &added {
                    let (files, errors) = crate::walk::Walk::default().policies(root);
                    for e in errors {
                        tracing::info!("workspace index: {}: {}", e.path.display(), e.message);
                    }
                    found.extend(files);
                }
                found
            })
            .await
            .unwrap_or_default();
            if found.is_empty() {
                ws.changed(&client, &republish);
            } else {
                ws.reread(found, settings, Some((client, republish)));
            }
        });
    }

    /// `workspace/didChangeWatchedFiles`: `*.policy` files under the
    /// folders created, changed or deleted on disk.
    pub fn files_changed(
        self: &Arc<Self>,
        changes: &[FileEvent],
        settings: Arc<Settings>,
        client: Client,
        republish: Republisher,
    ) {
        let mut paths = Vec::new();
        for change in changes {
            let Some(path) = change.uri.to_file_path().map(|p| p.into_owned()) else {
                continue;
            };
            if !crate::walk::is_policy(&path) || !self.is_under_roots(&path) {
                continue;
            }
            if change.typ == FileChangeType::DELETED {
                let key = path.to_string_lossy().into_owned();
                let mut inner = lock(&self.inner);
                if !inner.open.contains(&key) {
                    inner.index.remove(&key);
                    inner.uris.remove(&key);
                }
            }
            // A deleted file may be back by now: reading tells.
            paths.push(path);
        }
        if !paths.is_empty() {
            self.reread(paths, settings, Some((client, republish)));
        }
    }

    /// The corpus findings of an open document (nothing unless the corpus
    /// checks are on). O(document).
    pub fn findings(&self, uri: &Uri, doc: &Document, lints: &LintConfig) -> Vec<core::Diagnostic> {
        if !lints.corpus.any_on() {
            return Vec::new();
        }
        lock(&self.inner)
            .index
            .findings(&key_of(uri), doc, &lints.corpus)
    }

    /// Indexed documents that are not open: their URIs, keys and stored
    /// diagnostics.
    fn closed(&self) -> Vec<(Uri, String, Vec<core::Diagnostic>)> {
        let inner = lock(&self.inner);
        let mut out: Vec<_> = inner
            .index
            .entries()
            .filter(|(key, _)| !inner.open.contains(*key))
            .filter_map(|(key, e)| {
                let uri = inner.uris.get(key)?.clone();
                Some((uri, key.to_string(), e.diagnostics.clone()))
            })
            .collect();
        out.sort_by(|a, b| a.1.cmp(&b.1));
        out
    }

    /// `workspace/symbol`: the annotations `query` matches (see
    /// [`Query`]), by document and line, at most [`MAX_SYMBOLS`]; the
    /// second value is how many matched in all.
    pub fn symbols(&self, query: &str, enc: PositionEncoding) -> (Vec<SymbolInformation>, usize) {
        let query = Query::parse(query);
        let inner = lock(&self.inner);
        let mut keys: Vec<&str> = inner.index.entries().map(|(k, _)| k).collect();
        keys.sort();
        let mut out = Vec::new();
        let mut matched = 0;
        for key in keys {
            let (Some(entry), Some(uri)) = (inner.index.get(key), inner.uris.get(key)) else {
                continue;
            };
            for item in entry.items.iter().filter(|i| query.matches(i)) {
                matched += 1;
                if out.len() >= MAX_SYMBOLS {
                    continue;
                }
                let container = match &item.category {
                    Some(c) if c.sensitive => {
                        format!("{} · 敏感 · {}", item.kind.name(), c.name_zh)
                    }
                    Some(c) => format!("{} · {}", item.kind.name(), c.name_zh),
                    None => item.kind.name().to_string(),
                };
                #[allow(deprecated)]
                out.push(SymbolInformation {
                    name: item.text.to_string(),
                    kind: symbol_kind(item.kind),
                    tags: None,
                    deprecated: None,
                    location: Location::new(
                        uri.clone(),
                        convert::line_range(item.line as usize, item.start, item.end, enc),
                    ),
                    container_name: Some(container),
                });
            }
        }
        (out, matched)
    }
}

/// The distinct annotated (text, kind) pairs of an entry: what the corpus
/// checks of other documents read.
fn annotated_pairs(e: &Entry) -> Vec<(String, AnnotationKind)> {
    let mut pairs: Vec<_> = e
        .items
        .iter()
        .map(|i| (i.text.to_string(), i.kind))
        .collect();
    pairs.sort();
    pairs.dedup();
    pairs
}

fn symbol_kind(kind: AnnotationKind) -> SymbolKind {
    match kind {
        AnnotationKind::Actor => SymbolKind::CLASS,
        AnnotationKind::Action => SymbolKind::EVENT,
        AnnotationKind::Data => SymbolKind::FIELD,
        AnnotationKind::Purpose => SymbolKind::STRING,
    }
}

/// A step of indexing, for the progress reports.
enum Step {
    Found(usize),
    Done(usize),
}

/// Taxonomies by file, loaded once per indexing run.
#[derive(Default)]
struct Taxonomies {
    loaded: Mutex<HashMap<Option<PathBuf>, Arc<Taxonomy>>>,
}

impl Taxonomies {
    fn for_file(&self, path: &Path, settings: &Settings) -> Arc<Taxonomy> {
        let file = settings
            .taxonomy
            .clone()
            .or_else(|| Taxonomy::find_workspace_file(path));
        if let Some(t) = lock(&self.loaded).get(&file) {
            return t.clone();
        }
        let taxonomy = Arc::new(match &file {
            None => Taxonomy::builtin(),
            Some(f) => super::state::load_taxonomy(f).unwrap_or_else(|_| Taxonomy::builtin()),
        });
        lock(&self.loaded).entry(file).or_insert(taxonomy).clone()
    }
}

/// The entry of the file at `path`: a regular file of at most
/// [`MAX_FILE_BYTES`], UTF-8. O(file).
fn read_entry(path: &Path, taxonomy: &Taxonomy, lints: &LintConfig) -> Result<Entry, String> {
    let text = read_policy(path)?;
    let doc = Document::new(text.strip_prefix(BOM).unwrap_or(&text));
    let classes = Classes::new(&doc, taxonomy);
    let found = document_diagnostics_at_most(&doc, Some((&classes, lints)), MAX_DIAGNOSTICS);
    Ok(Entry::new(&doc, &classes, bounded(found)))
}

/// The text of the policy at `path`, if it is a regular UTF-8 file of at
/// most [`MAX_FILE_BYTES`]: a FIFO would block, `/dev/zero` never end.
fn read_policy(path: &Path) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if !meta.is_file() {
        return Err(format!(
            "{}: not a regular file, not indexed",
            path.display()
        ));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!(
            "{}: {} bytes, more than the {MAX_FILE_BYTES} a policy may have to be indexed",
            path.display(),
            meta.len()
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    String::from_utf8(bytes).map_err(|_| format!("{}: not UTF-8, not indexed", path.display()))
}

/// An open document for [`workspace_report`]: a snapshot of its text.
pub struct OpenReport {
    pub uri: Uri,
    pub version: i32,
    pub doc: AnalysedDocument,
    pub stale: bool,
}

/// `workspace/diagnostic`: a report for every indexed document — open
/// ones from their live text (`open`: URI, version and diagnostics), the
/// others from the index (and, with the corpus checks on, from their file
/// read again). A document whose diagnostics are those the client holds
/// (`previous`) is `unchanged`. Blocking: run on the background pool.
pub fn workspace_report(
    ws: &Workspace,
    open: Vec<OpenReport>,
    previous: &HashMap<Uri, String>,
    levels: &LintLevels,
    enc: PositionEncoding,
) -> WorkspaceDiagnosticReport {
    let mut items = Vec::new();
    let mut report = |uri: Uri, version: Option<i64>, diagnostics: &[core::Diagnostic]| {
        let id = result_id(diagnostics);
        if previous.get(&uri) == Some(&id) {
            items.push(WorkspaceDocumentDiagnosticReport::Unchanged(
                WorkspaceUnchangedDocumentDiagnosticReport {
                    uri,
                    version,
                    unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport {
                        result_id: id,
                    },
                },
            ));
        } else {
            items.push(WorkspaceDocumentDiagnosticReport::Full(
                WorkspaceFullDocumentDiagnosticReport {
                    uri,
                    version,
                    full_document_diagnostic_report: FullDocumentDiagnosticReport {
                        result_id: Some(id),
                        items: diagnostics
                            .iter()
                            .map(|d| convert::diagnostic(d, enc))
                            .collect(),
                    },
                },
            ));
        }
    };
    for o in open {
        let lints = effective(o.doc.taxonomy().workspace_lints(), levels);
        let diagnostics = super::diagnostics::open_diagnostics(&o.uri, &o.doc, o.stale, &lints, ws);
        report(o.uri, Some(o.version as i64), &diagnostics);
    }
    // A closed document's corpus checks: those the editor's `lints` switch
    // on (its own diagnostics were read with its `policy-lsp.toml`).
    let lints = effective(None, levels);
    for (uri, key, mut diagnostics) in ws.closed() {
        if lints.corpus.any_on()
            && let Ok(text) = read_policy(Path::new(&key))
        {
            let doc = Document::new(text.strip_prefix(BOM).unwrap_or(&text));
            let found = lock(&ws.inner).index.findings(&key, &doc, &lints.corpus);
            diagnostics.extend(found);
            diagnostics.sort_by_key(|d| d.line);
        }
        report(uri, None, &diagnostics);
    }
    WorkspaceDiagnosticReport { items }
}

/// A result id that changes when, and only when, the diagnostics do.
fn result_id(diagnostics: &[core::Diagnostic]) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for d in diagnostics {
        format!("{d:?}").hash(&mut h);
    }
    format!("w{:016x}", h.finish())
}

/// The quick fixes of the `corpus-unannotated` diagnostics among
/// `diagnostics` (those the client sends back with a code action
/// request): annotate the term as `<data>`. The diagnostic's range is the
/// term, so the fix needs no text.
pub fn quick_fixes(uri: &Uri, diagnostics: &[Diagnostic]) -> Vec<CodeActionOrCommand> {
    let code = NumberOrString::String(CorpusLint::Unannotated.code().to_string());
    diagnostics
        .iter()
        .filter(|d| d.code.as_ref() == Some(&code))
        .map(|d| {
            let term = d
                .message
                .split('`')
                .nth(1)
                .unwrap_or("this term")
                .to_string();
            let edits = vec![
                TextEdit::new(Range::new(d.range.start, d.range.start), "<".to_string()),
                TextEdit::new(Range::new(d.range.end, d.range.end), ">".to_string()),
            ];
            CodeActionOrCommand::CodeAction(CodeAction {
                title: format!("Annotate `{term}` as <data>, as the corpus does"),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![d.clone()]),
                edit: Some(WorkspaceEdit {
                    changes: Some([(uri.clone(), edits)].into_iter().collect()),
                    ..WorkspaceEdit::default()
                }),
                is_preferred: Some(true),
                ..CodeAction::default()
            })
        })
        .collect()
}
