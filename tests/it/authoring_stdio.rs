//! One subprocess test per authoring feature family: the real binary over
//! stdio, framed JSON-RPC, as an editor starts it.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use serde_json::{Value, json};

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
        server.notify("initialized", json!({}));
        server
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and returns its result, skipping what the server
    /// says in between.
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
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

    fn open(&mut self, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": URI, "languageId": "policy", "version": 1, "text": text } }),
        );
    }

    fn at(&mut self, method: &str, line: u32, character: u32, context: Value) -> Value {
        self.request(
            method,
            json!({
                "textDocument": { "uri": URI },
                "position": { "line": line, "character": character },
                "context": context,
            }),
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let _ = self.child.wait();
    }
}

#[test]
fn quick_fix_over_stdio() {
    let mut s = Server::start(json!({}));
    s.open("😀您的<手机号码]\r\n𠮷");
    // UTF-16: 😀 is 2 units, so `]` is at 9.
    let actions = s.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": URI },
            "range": { "start": { "line": 0, "character": 9 }, "end": { "line": 0, "character": 9 } },
            "context": { "diagnostics": [] },
        }),
    );
    let fix = &actions[0];
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["isPreferred"], true);
    assert_eq!(fix["diagnostics"][0]["code"], "mismatched-closer");
    let edit = &fix["edit"]["changes"][URI][0];
    assert_eq!(edit["newText"], ">");
    assert_eq!(edit["range"]["start"], json!({ "line": 0, "character": 9 }));
}

#[test]
fn completion_over_stdio() {
    let mut s = Server::start(json!({}));
    s.open("(我们)[收集]<手机号码>\n𠮷您的<");
    let list = s.at(
        "textDocument/completion",
        1,
        5,
        json!({ "triggerKind": 2, "triggerCharacter": "<" }),
    );
    let first = &list["items"][0];
    assert_eq!(first["label"], "手机号码");
    assert_eq!(first["filterText"], "<手机号码");
    assert_eq!(first["textEdit"]["newText"], "<手机号码>");
    assert_eq!(
        first["textEdit"]["range"],
        json!({ "start": { "line": 1, "character": 4 }, "end": { "line": 1, "character": 5 } })
    );
}

#[test]
fn outline_references_and_rename_over_stdio() {
    let mut s = Server::start(json!({}));
    s.open("一、收集\n(我们)[收集]<手机号码>\n二、共享\n[共享]<手机号码>");
    let symbols = s.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": URI } }),
    );
    assert_eq!(symbols[0]["name"], "一、收集");
    assert_eq!(symbols[0]["children"][0]["name"], "收集：手机号码");
    let folds = s.request(
        "textDocument/foldingRange",
        json!({ "textDocument": { "uri": URI } }),
    );
    assert_eq!(folds[0]["startLine"], 0);
    assert_eq!(folds[0]["endLine"], 1);
    let refs = s.at(
        "textDocument/references",
        1,
        10,
        json!({ "includeDeclaration": true }),
    );
    assert_eq!(refs.as_array().unwrap().len(), 2);
    let prep = s.at("textDocument/prepareRename", 3, 6, Value::Null);
    assert_eq!(prep["placeholder"], "手机号码");
    let edit = s.request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": URI }, "position": { "line": 3, "character": 6 }, "newName": "电话号码" }),
    );
    assert_eq!(edit["changes"][URI].as_array().unwrap().len(), 2);
}

#[test]
fn inlay_hints_over_stdio() {
    let mut s = Server::start(json!({ "inlayHints": false }));
    s.open("<指纹>");
    let hints = s.request(
        "textDocument/inlayHint",
        json!({ "textDocument": { "uri": URI }, "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 1, "character": 0 } } }),
    );
    assert_eq!(hints, json!([]));
}
