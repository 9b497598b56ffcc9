//! One subprocess test per authoring feature family: the real binary over
//! stdio, framed JSON-RPC, as an editor starts it.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use policy_core::position::PositionEncoding;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tower_lsp_server::ls_types::notification::{self as note, Notification};
use tower_lsp_server::ls_types::request::{self as req, Request as LspRequest};
use tower_lsp_server::ls_types::*;

use crate::common::lsp::{position_in, uri};
use crate::common::{Cursor, Fixture, fixture};

const URI: &str = "file:///tmp/policy-lsp-test/stdio.policy";
const TIMEOUT: Duration = Duration::from_secs(20);

struct Server {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
}

impl Server {
    /// Starts the server and initializes it with the client offering `utf-16`.
    fn start(options: Value) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_policy-lsp"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the server starts");
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (tx, messages) = channel();
        std::thread::spawn(move || {
            loop {
                let mut len = None;
                loop {
                    let mut header = String::new();
                    if stdout.read_line(&mut header).unwrap_or(0) == 0 {
                        return;
                    }
                    let header = header.trim_end();
                    if header.is_empty() {
                        break;
                    }
                    if let Some(n) = header.strip_prefix("Content-Length: ") {
                        len = n.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; len.expect("a Content-Length header")];
                if stdout.read_exact(&mut body).is_err() {
                    return;
                }
                let _ = tx.send(serde_json::from_slice(&body).expect("JSON"));
            }
        });
        let mut server = Server {
            child,
            stdin,
            messages,
            next_id: 0,
        };
        server.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": null,
                "initializationOptions": options,
                "capabilities": { "general": { "positionEncodings": ["utf-16"] } },
            }),
        );
        server.notify::<note::Initialized>(InitializedParams {});
        server
    }

    fn write(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify<N: Notification>(&mut self, params: N::Params)
    where
        N::Params: Serialize,
    {
        self.write(json!({ "jsonrpc": "2.0", "method": N::METHOD, "params": params }));
    }

    /// Sends a request and returns its result, skipping what the server
    /// says in between.
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.write(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let m = self
                .messages
                .recv_timeout(TIMEOUT)
                .expect("the server answers in time");
            if m["id"] == id && m.get("method").is_none() {
                assert!(m.get("error").is_none(), "{method}: {m}");
                return m["result"].clone();
            }
        }
    }

    /// A typed request and its typed result.
    fn send<R: LspRequest>(&mut self, params: R::Params) -> R::Result
    where
        R::Params: Serialize,
        R::Result: DeserializeOwned,
    {
        let params = serde_json::to_value(params).unwrap();
        let result = self.request(R::METHOD, params);
        serde_json::from_value(result.clone())
            .unwrap_or_else(|e| panic!("{}: not a valid result ({e}): {result}", R::METHOD))
    }

    /// Opens the document with the fixture's text, lines ended by `eol`;
    /// returns the text.
    fn open(&mut self, f: &Fixture, eol: &str) -> String {
        let text = f.text(eol);
        self.notify::<note::DidOpenTextDocument>(DidOpenTextDocumentParams {
            text_document: TextDocumentItem {
                uri: uri(URI),
                language_id: "policy".into(),
                version: 1,
                text: text.clone(),
            },
        });
        text
    }
}

/// The document at a char-column cursor of `text`, in UTF-16.
fn at(text: &str, c: Cursor) -> TextDocumentPositionParams {
    TextDocumentPositionParams {
        text_document: TextDocumentIdentifier { uri: uri(URI) },
        position: position_in(PositionEncoding::Utf16, text, c),
    }
}

fn doc() -> TextDocumentIdentifier {
    TextDocumentIdentifier { uri: uri(URI) }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.request(req::Shutdown::METHOD, Value::Null);
        self.notify::<note::Exit>(());
        let _ = self.child.wait();
    }
}

#[test]
fn quick_fix_over_stdio() {
    let mut s = Server::start(json!({}));
    let f = fixture("😀您的<手机号码$0]\n𠮷");
    let text = s.open(&f, "\r\n");
    let closer = at(&text, f.cursor()).position;
    // UTF-16: 😀 is 2 units, so `]` is at 9.
    assert_eq!(closer, Position::new(0, 9));
    let actions = s
        .send::<req::CodeActionRequest>(CodeActionParams {
            text_document: doc(),
            range: Range::new(closer, closer),
            context: CodeActionContext::default(),
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        })
        .unwrap_or_default();
    let Some(CodeActionOrCommand::CodeAction(fix)) = actions.first() else {
        panic!("a code action first: {actions:?}");
    };
    assert_eq!(fix.kind, Some(CodeActionKind::QUICKFIX));
    assert_eq!(fix.is_preferred, Some(true));
    let fixed = fix.diagnostics.as_deref().unwrap_or_default();
    assert_eq!(
        fixed[0].code,
        Some(NumberOrString::String("mismatched-closer".into()))
    );
    let changes = fix.edit.as_ref().and_then(|e| e.changes.as_ref()).unwrap();
    assert_eq!(
        changes[&uri(URI)],
        [TextEdit::new(
            Range::new(closer, Position::new(0, 10)),
            ">".into()
        )]
    );
}

#[test]
fn completion_over_stdio() {
    let mut s = Server::start(json!({}));
    let f = fixture("(我们)[收集]<手机号码>\n𠮷您的<$0");
    let text = s.open(&f, "\n");
    let at = at(&text, f.cursor());
    let list = s.send::<req::Completion>(CompletionParams {
        text_document_position: at.clone(),
        work_done_progress_params: Default::default(),
        partial_result_params: Default::default(),
        context: Some(CompletionContext {
            trigger_kind: CompletionTriggerKind::TRIGGER_CHARACTER,
            trigger_character: Some("<".into()),
        }),
    });
    let Some(CompletionResponse::List(list)) = list else {
        panic!("a completion list: {list:?}");
    };
    let first = &list.items[0];
    assert_eq!(first.label, "手机号码");
    assert_eq!(first.filter_text.as_deref(), Some("<手机号码"));
    // The edit replaces the `<` typed: from it to the cursor.
    let opener = Position::new(at.position.line, at.position.character - 1);
    assert_eq!(
        first.text_edit,
        Some(CompletionTextEdit::Edit(TextEdit::new(
            Range::new(opener, at.position),
            "<手机号码>".into()
        )))
    );
}

#[test]
fn outline_references_and_rename_over_stdio() {
    let mut s = Server::start(json!({}));
    let f = fixture(
        "
一、收集
(我们)[收集]<手$0机号码>
二、共享
[共享]<手机号码>
       | second
",
    );
    let text = s.open(&f, "\n");
    let symbols = s.send::<req::DocumentSymbolRequest>(DocumentSymbolParams {
        text_document: doc(),
        work_done_progress_params: Default::default(),
        partial_result_params: Default::default(),
    });
    let Some(DocumentSymbolResponse::Nested(symbols)) = symbols else {
        panic!("nested symbols: {symbols:?}");
    };
    assert_eq!(symbols[0].name, "一、收集");
    assert_eq!(
        symbols[0].children.as_ref().unwrap()[0].name,
        "收集：手机号码"
    );
    let folds = s
        .send::<req::FoldingRangeRequest>(FoldingRangeParams {
            text_document: doc(),
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        })
        .unwrap_or_default();
    assert_eq!((folds[0].start_line, folds[0].end_line), (0, 1));
    let refs = s
        .send::<req::References>(ReferenceParams {
            text_document_position: at(&text, f.cursor()),
            context: ReferenceContext {
                include_declaration: true,
            },
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        })
        .unwrap_or_default();
    assert_eq!(refs.len(), 2);
    let second = at(&text, f.mark("second").start());
    let prep = s.send::<req::PrepareRenameRequest>(second.clone());
    let Some(PrepareRenameResponse::RangeWithPlaceholder { placeholder, .. }) = prep else {
        panic!("a placeholder: {prep:?}");
    };
    assert_eq!(placeholder, "手机号码");
    let edit = s
        .send::<req::Rename>(RenameParams {
            text_document_position: second,
            new_name: "电话号码".into(),
            work_done_progress_params: Default::default(),
        })
        .expect("an edit");
    assert_eq!(edit.changes.unwrap()[&uri(URI)].len(), 2);
}

#[test]
fn inlay_hints_over_stdio() {
    let mut s = Server::start(json!({ "inlayHints": false }));
    s.open(&fixture("<指纹>"), "\n");
    let hints = s.send::<req::InlayHintRequest>(InlayHintParams {
        text_document: doc(),
        range: Range::new(Position::new(0, 0), Position::new(1, 0)),
        work_done_progress_params: Default::default(),
    });
    assert!(hints.unwrap_or_default().is_empty());
}
