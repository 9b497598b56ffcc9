//! Publishing (after every open and change) and pull diagnostics.

use std::borrow::Cow;
use std::collections::{HashMap, VecDeque};

use tokio::sync::mpsc;
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::*;

use super::output::{Output, Permit};
use super::state::{OpenDocument, Snapshot};
use super::{Backend, convert};
use policy_core::allow;
use policy_core::analysis::AnalysedDocument;
use policy_core::authoring::point_at;
use policy_core::diagnostics::{self as core, AtMost, SOURCE, analysed_diagnostics_at_most};
use policy_core::document::Document;
use policy_core::lints::LintConfig;
use policy_core::position::PositionEncoding;
use policy_core::syntax::Severity;
use policy_core::workspace_lints::{LintLevels, effective};
use serde::ser::{Serialize, SerializeStruct, Serializer};
use serde_json::value::RawValue;

/// The code of the diagnostic shown while the server's copy of a document
/// is known to differ from the editor's (see `input.rs`).
pub const OUT_OF_SYNC: &str = "out-of-sync";

/// The most diagnostics the server sends for one document (a publish, a
/// pull report, a workspace report's item), the notice of the rest aside.
/// A policy of ordinary size has a few hundred; the CA4P corpus four times
/// over in one file, with every lint on, 17,000. A document of a million
/// stray closing brackets would otherwise cost a million diagnostics'
/// memory and a 250 MB message on every keystroke. `policy-lsp check`
/// lists them all.
pub const MAX_DIAGNOSTICS: usize = 50_000;

/// The code of the diagnostic that says how many were left out.
pub const TOO_MANY: &str = "too-many-diagnostics";

/// `found` cut to [`MAX_DIAGNOSTICS`], followed, when any were left out,
/// by a warning that says how many, on the line of the last one shown.
pub fn bounded(found: AtMost) -> Vec<core::Diagnostic> {
    let AtMost {
        mut diagnostics,
        mut more,
    } = found;
    if diagnostics.len() > MAX_DIAGNOSTICS {
        more += diagnostics.len() - MAX_DIAGNOSTICS;
        diagnostics.truncate(MAX_DIAGNOSTICS);
    }
    if more > 0 {
        let (line, start, end) = diagnostics
            .last()
            .map_or((0, Default::default(), Default::default()), |d| {
                (d.line, d.start, d.end)
            });
        diagnostics.push(core::Diagnostic {
            line,
            start,
            end,
            severity: Severity::Warning,
            code: Cow::Borrowed(TOO_MANY),
            message: Cow::Owned(format!(
                "{more} more diagnostics after this one are not shown: the server sends at most \
                 {MAX_DIAGNOSTICS} for a document (`policy-lsp check` lists them all)"
            )),
            related: Vec::new(),
        });
    }
    diagnostics
}

/// The out-of-sync diagnostic, over the first line of `doc` (at its start
/// when the server does not hold the document).
pub fn out_of_sync(doc: Option<&Document>) -> core::Diagnostic {
    let first = doc.and_then(|d| d.line_text(0)).unwrap_or_default();
    core::Diagnostic {
        line: 0,
        start: Default::default(),
        end: point_at(&first, first.len()),
        severity: Severity::Error,
        code: Cow::Borrowed(OUT_OF_SYNC),
        message: Cow::Borrowed(
            "the server's copy of this document is out of step with the editor: close and reopen it",
        ),
        related: Vec::new(),
    }
}

/// Diagnostics waiting to be sent, in the order the edits arrived.
pub struct Publish {
    pub uri: Uri,
    pub version: Option<i32>,
    pub diagnostics: Vec<core::Diagnostic>,
    pub encoding: PositionEncoding,
}

/// The protocol diagnostics of a document. O(diagnostics + lines).
pub fn of(snap: &Snapshot, uri: &Uri, out_of_sync: bool) -> Vec<Diagnostic> {
    let doc = &snap.doc;
    let mut found = in_force(doc, &snap.settings.lints_for(doc.taxonomy()));
    if out_of_sync {
        found
            .diagnostics
            .insert(0, self::out_of_sync(Some(doc.doc())));
    }
    found.diagnostics.extend(super::disagreement::hints(doc));
    bounded(found)
        .iter()
        .map(|d| convert::diagnostic_in(d, snap.encoding, Some(uri)))
        .collect()
}

/// `publishDiagnostics` params serialised straight from core diagnostics,
/// field for field what `ls_types::PublishDiagnosticsParams` gives, without
/// building protocol values first (see `output.rs` for why).
struct Wire<'a>(&'a Publish);
struct WireDiagnostic<'a>(&'a core::Diagnostic, PositionEncoding, &'a Escaped, &'a Uri);

impl Serialize for Wire<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let p = self.0;
        let mut m = s.serialize_struct("PublishDiagnosticsParams", 3)?;
        m.serialize_field("uri", p.uri.as_str())?;
        let escaped = Escaped::default();
        m.serialize_field("diagnostics", &WireList(p, &escaped))?;
        match p.version {
            Some(v) => m.serialize_field("version", &v)?,
            None => m.skip_field("version")?,
        }
        m.end()
    }
}

impl Serialize for WireDiagnostic<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let (d, enc, escaped) = (self.0, self.1, self.2);
        let mut m = s.serialize_struct("Diagnostic", 6)?;
        m.serialize_field("range", &convert::line_range(d.line, d.start, d.end, enc))?;
        m.serialize_field("severity", &convert::severity(d.severity))?;
        escaped.field(&mut m, "code", &d.code)?;
        escaped.field(&mut m, "source", &Cow::Borrowed(SOURCE))?;
        escaped.field(&mut m, "message", &d.message)?;
        match convert::related(d, enc, self.3) {
            Some(r) => m.serialize_field("relatedInformation", &r)?,
            None => m.skip_field("relatedInformation")?,
        }
        m.end()
    }
}

/// The JSON of the static strings of one batch (codes, messages), escaped
/// once rather than once per diagnostic: a batch of the 10 MB document
/// repeats the same dozen strings thousands of times.
#[derive(Default)]
struct Escaped(std::cell::RefCell<Vec<(usize, usize, Box<RawValue>)>>);

impl Escaped {
    #[allow(
        clippy::ptr_arg,
        reason = "only a borrowed, 'static text is cached: the Cow says which"
    )]
    fn field<M: SerializeStruct>(
        &self,
        m: &mut M,
        key: &'static str,
        text: &Cow<'static, str>,
    ) -> std::result::Result<(), M::Error> {
        let Cow::Borrowed(text) = text else {
            return m.serialize_field(key, text);
        };
        // A dozen distinct strings: a scan beats hashing.
        let key_of = (text.as_ptr() as usize, text.len());
        let mut cache = self.0.borrow_mut();
        let at = match cache.iter().position(|(p, l, _)| (*p, *l) == key_of) {
            Some(at) => at,
            None => {
                let Some(raw) = serde_json::to_string(text)
                    .ok()
                    .and_then(|json| RawValue::from_string(json).ok())
                else {
                    return m.serialize_field(key, text);
                };
                cache.push((key_of.0, key_of.1, raw));
                cache.len() - 1
            }
        };
        m.serialize_field(key, &*cache[at].2)
    }
}

/// The diagnostics of a batch, serialised one by one: no `Vec` of wire
/// values is built first.
struct WireList<'a>(&'a Publish, &'a Escaped);

impl Serialize for WireList<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let (p, escaped) = (self.0, self.1);
        s.collect_seq(
            p.diagnostics
                .iter()
                .map(|d| WireDiagnostic(d, p.encoding, escaped, &p.uri)),
        )
    }
}

impl Backend {
    /// Queues `open`'s diagnostics for publishing. Synchronous, so that it
    /// can run before a handler's first `.await` and keep edit order.
    pub(super) fn queue_diagnostics(
        &self,
        uri: &Uri,
        open: &OpenDocument,
        enc: PositionEncoding,
        lints: &LintLevels,
    ) {
        let lints = effective(open.doc.taxonomy().workspace_lints(), lints);
        // The workspace index follows the live text (`workspace.rs`).
        self.workspace
            .document_changed(uri, &open.doc, &lints, Some(self.republisher()));
        let stale = self.is_out_of_sync(uri);
        let diagnostics = open_diagnostics(uri, &open.doc, stale, &lints, &self.workspace);
        self.queue(Publish {
            uri: uri.clone(),
            version: Some(open.version),
            diagnostics,
            encoding: enc,
        });
    }

    /// Whether the server's copy of `uri` is known to be stale.
    pub(super) fn is_out_of_sync(&self, uri: &Uri) -> bool {
        self.out_of_sync
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains(uri)
    }

    /// Marks `uri` stale (`true`) or in step again; true if that changed.
    pub(super) fn set_out_of_sync(&self, uri: &Uri, stale: bool) -> bool {
        let mut set = self.out_of_sync.lock().unwrap_or_else(|p| p.into_inner());
        if stale {
            set.insert(uri.clone())
        } else {
            set.remove(uri)
        }
    }

    pub(super) fn queue(&self, publish: Publish) {
        // Fails only when the publisher task is gone, i.e. the server is
        // shutting down: nothing left to tell.
        let _ = self.publish.send(publish);
    }
}

/// The diagnostics of an open document: out-of-sync first when `stale`,
/// syntax and lints, corpus findings (from the workspace index), then
/// disagreements. O(document) with the corpus checks on, else O(lines +
/// diagnostics).
pub(super) fn open_diagnostics(
    uri: &Uri,
    doc: &AnalysedDocument,
    stale: bool,
    lints: &LintConfig,
    workspace: &super::workspace::Workspace,
) -> Vec<core::Diagnostic> {
    let AtMost {
        mut diagnostics,
        more,
    } = in_force(doc, lints);
    if stale {
        diagnostics.insert(0, out_of_sync(Some(doc.doc())));
    }
    let corpus = workspace.findings(uri, doc.doc(), lints);
    if !corpus.is_empty() {
        diagnostics.extend(corpus);
        // Document order; a line's corpus findings after its others.
        diagnostics.sort_by_key(|d| d.line);
    }
    diagnostics.extend(super::disagreement::hints(doc));
    bounded(AtMost { diagnostics, more })
}

/// The syntax diagnostics and the findings of `lints` (the lints in force,
/// [`super::config::Settings::lints_for`]) but those the document's
/// `policy-lsp.toml` allows.
/// At most [`MAX_DIAGNOSTICS`] of them: the rest are counted, not built.
fn in_force(doc: &AnalysedDocument, lints: &LintConfig) -> AtMost {
    let mut found = analysed_diagnostics_at_most(doc, lints, MAX_DIAGNOSTICS);
    if let Some(file) = doc.taxonomy().workspace_lints() {
        allow::filter(doc.doc(), &file.allow, &mut found.diagnostics);
    }
    found
}

/// Diagnostics not yet sent: the newest batch of each document, documents
/// in the order their first waiting batch came.
#[derive(Default)]
struct Waiting {
    order: VecDeque<Uri>,
    batches: HashMap<Uri, Publish>,
}

impl Waiting {
    /// Keeps `p`, replacing the older batch of its document.
    fn put(&mut self, p: Publish) {
        if !self.batches.contains_key(&p.uri) {
            self.order.push_back(p.uri.clone());
        }
        self.batches.insert(p.uri.clone(), p);
    }

    fn take(&mut self) -> Option<Publish> {
        let uri = self.order.pop_front()?;
        self.batches.remove(&uri)
    }
}

/// Sends queued diagnostics, in order. A batch is serialised only when
/// stdout has taken the previous one ([`Output::reserve`]); until then
/// only the newest batch of each document waits, the older ones being
/// out of date. So a client that stops reading costs one batch per
/// document, not one per edit.
pub async fn publisher(
    client: Client,
    output: Option<Output>,
    mut queue: mpsc::UnboundedReceiver<Publish>,
) {
    let mut waiting = Waiting::default();
    loop {
        if waiting.order.is_empty() {
            match queue.recv().await {
                Some(p) => waiting.put(p),
                None => return,
            }
            continue;
        }
        // Take in everything queued meanwhile, so that it replaces what waits.
        while let Ok(p) = queue.try_recv() {
            waiting.put(p);
        }
        match &output {
            Some(out) => {
                tokio::select! {
                    p = queue.recv() => match p {
                        Some(p) => waiting.put(p),
                        // The server is ending: send what waits, then stop.
                        None => {
                            while let Some(p) = waiting.take() {
                                let Some(permit) = out.reserve().await else { return };
                                send(out, permit, &p);
                            }
                            return;
                        }
                    },
                    permit = out.reserve() => {
                        let Some(permit) = permit else { return };
                        if let Some(p) = waiting.take() {
                            send(out, permit, &p);
                        }
                    }
                }
            }
            None => {
                if let Some(p) = waiting.take() {
                    let diagnostics = p
                        .diagnostics
                        .iter()
                        .map(|d| convert::diagnostic_in(d, p.encoding, Some(&p.uri)))
                        .collect();
                    client
                        .publish_diagnostics(p.uri, diagnostics, p.version)
                        .await
                }
            }
        }
    }
}

fn send(out: &Output, permit: Permit, p: &Publish) {
    out.notify_reserved(permit, "textDocument/publishDiagnostics", &Wire(p));
}

/// `textDocument/diagnostic`: the same diagnostics, pulled.
/// `out_of_sync`: the server's copy is known to be stale (see `input.rs`).
/// `corpus`: the document's corpus findings (see `workspace.rs`).
pub fn pull(
    snap: &Snapshot,
    uri: &Uri,
    out_of_sync: bool,
    corpus: Vec<core::Diagnostic>,
) -> Option<DocumentDiagnosticReportResult> {
    let mut items = of(snap, uri, out_of_sync);
    items.extend(
        corpus
            .iter()
            .map(|d| convert::diagnostic_in(d, snap.encoding, Some(uri))),
    );
    Some(DocumentDiagnosticReportResult::Report(
        DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
            related_documents: None,
            full_document_diagnostic_report: FullDocumentDiagnosticReport {
                result_id: None,
                items,
            },
        }),
    ))
}
