//! The server's stdout, shared by tower-lsp-server and our own fast paths
//! for `textDocument/publishDiagnostics` and the two largest answers
//! (`semanticTokens/full`, `documentSymbol`).
//!
//! Why: tower-lsp-server turns every outgoing message into a
//! `serde_json::Value` tree and then serialises the tree. For a 10 MB
//! policy with 2,600 diagnostics that is ~10 ms a keystroke, 90 % of it in
//! building, writing and dropping the tree (measured with `perf`).
//! Serialising `PublishDiagnosticsParams` straight to bytes costs a fraction
//! of that. Both writers feed one ordered channel of whole framed messages,
//! drained by a single task that owns the real stdout.
//!
//! A client that stops reading stdout must not make the server's memory
//! grow with every edit: diagnostics are written with
//! [`Output::notify_reserved`], which takes a [`Permit`] that only one
//! message holds at a time, until it is written. The publisher
//! (`diagnostics.rs`) therefore serialises a document's diagnostics only
//! when the previous ones are out, and meanwhile keeps only the newest
//! batch per document.
//!
//! Invariant: every chunk on the channel is one or more *complete* framed
//! messages. tower's `FramedWrite` encodes whole messages into its buffer
//! and [`ForwardingWriter`] always takes a buffer whole, so its chunks are
//! whole messages; [`Output::notify`] frames its own.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use std::sync::Arc;

use serde::Serialize;
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};

/// Framed bytes on their way to stdout, and the permit they hold until
/// they are written, if any.
pub struct Chunk {
    bytes: Vec<u8>,
    _permit: Option<Permit>,
}

/// The right to have one message waiting for stdout (see the module's
/// doc); given back when dropped.
pub struct Permit {
    _held: OwnedSemaphorePermit,
}

/// A handle to send framed messages to stdout, in order.
#[derive(Clone, Debug)]
pub struct Output {
    tx: mpsc::UnboundedSender<Chunk>,
    /// One permit, held by the reserved message not yet written.
    reserved: Arc<Semaphore>,
}

/// The `AsyncWrite` handed to tower-lsp-server in place of stdout.
pub struct ForwardingWriter {
    tx: mpsc::UnboundedSender<Chunk>,
}

/// Creates the shared output: the handle for our own messages, the writer
/// for tower-lsp-server, and the receiving end for [`drain`].
pub fn channel() -> (Output, ForwardingWriter, mpsc::UnboundedReceiver<Chunk>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let output = Output {
        tx: tx.clone(),
        reserved: Arc::new(Semaphore::new(1)),
    };
    (output, ForwardingWriter { tx }, rx)
}

impl Output {
    /// Waits until the last reserved message has been written to stdout;
    /// `None` once the output is closed.
    pub async fn reserve(&self) -> Option<Permit> {
        self.reserved
            .clone()
            .acquire_owned()
            .await
            .ok()
            .map(|held| Permit { _held: held })
    }

    /// [`Output::notify`], holding `permit` until the message is written.
    pub fn notify_reserved<P: Serialize>(&self, permit: Permit, method: &str, params: &P) {
        self.send_framed(&notification(method, params), Some(permit));
    }

    /// Sends the answer to request `id`, serialised directly from `result`.
    pub fn respond<R: Serialize>(&self, id: &serde_json::Value, result: &R) {
        if let Some(framed) = response(id, result) {
            self.send_bytes(framed);
        }
    }

    /// Sends an error answer to request `id`.
    pub fn respond_error(&self, id: &serde_json::Value, error: &tower_lsp_server::jsonrpc::Error) {
        #[derive(Serialize)]
        struct ErrorResponse<'a> {
            jsonrpc: &'static str,
            id: &'a serde_json::Value,
            error: &'a tower_lsp_server::jsonrpc::Error,
        }
        self.send(&ErrorResponse {
            jsonrpc: "2.0",
            id,
            error,
        });
    }

    /// Frames and sends one whole JSON-RPC message.
    pub fn send<M: Serialize>(&self, message: &M) {
        self.send_framed(message, None);
    }

    /// Sends a message [`frame`] or [`frame_with`] made.
    pub fn send_bytes(&self, framed: Vec<u8>) {
        // Fails only once the drain task has ended, i.e. while exiting.
        let _ = self.tx.send(Chunk {
            bytes: framed,
            _permit: None,
        });
    }

    fn send_framed<M: Serialize>(&self, message: &M, permit: Option<Permit>) {
        if let Some(framed) = frame(message) {
            // Fails only once the drain task has ended, i.e. while exiting.
            let _ = self.tx.send(Chunk {
                bytes: framed,
                _permit: permit,
            });
        }
    }
}

/// The framed answer to request `id`, serialised directly from `result`
/// (on any thread: the caller sends it when it is its turn).
pub fn response<R: Serialize>(id: &serde_json::Value, result: &R) -> Option<Vec<u8>> {
    #[derive(Serialize)]
    struct Response<'a, R> {
        jsonrpc: &'static str,
        id: &'a serde_json::Value,
        result: &'a R,
    }
    frame(&Response {
        jsonrpc: "2.0",
        id,
        result,
    })
}

/// One whole JSON-RPC message, with its header; `None` (logged) when it
/// does not serialise.
pub fn frame<M: Serialize>(message: &M) -> Option<Vec<u8>> {
    frame_with(|body| serde_json::to_writer(body, message))
        .map_err(|e| tracing::error!("cannot serialise a message: {e}"))
        .ok()
}

/// One whole JSON-RPC message whose body `write` appends, with its header.
/// The header is written once the body's length is known, in room left
/// before it, so a large body is never copied.
pub fn frame_with<E>(write: impl FnOnce(&mut Vec<u8>) -> Result<(), E>) -> Result<Vec<u8>, E> {
    const HEADER_ROOM: usize = 32;
    let mut framed = vec![b' '; HEADER_ROOM];
    write(&mut framed)?;
    let header = format!("Content-Length: {}\r\n\r\n", framed.len() - HEADER_ROOM);
    let start = HEADER_ROOM - header.len();
    framed[start..HEADER_ROOM].copy_from_slice(header.as_bytes());
    framed.drain(..start);
    Ok(framed)
}

#[derive(Serialize)]
struct Notification<'a, P> {
    jsonrpc: &'static str,
    method: &'a str,
    params: &'a P,
}

fn notification<'a, P>(method: &'a str, params: &'a P) -> Notification<'a, P> {
    Notification {
        jsonrpc: "2.0",
        method,
        params,
    }
}

impl AsyncWrite for ForwardingWriter {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let chunk = Chunk {
            bytes: buf.to_vec(),
            _permit: None,
        };
        match self.tx.send(chunk) {
            Ok(()) => Poll::Ready(Ok(buf.len())),
            Err(_) => Poll::Ready(Err(io::ErrorKind::BrokenPipe.into())),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// Writes every chunk to `out` in order until all senders are gone. A
/// chunk's permit is given back once it is written.
pub async fn drain(mut rx: mpsc::UnboundedReceiver<Chunk>, mut out: impl AsyncWrite + Unpin) {
    while let Some(chunk) = rx.recv().await {
        if out.write_all(&chunk.bytes).await.is_err() {
            return; // the client closed stdout: nobody is listening
        }
        drop(chunk);
        // Write everything already queued before flushing once.
        while let Ok(more) = rx.try_recv() {
            if out.write_all(&more.bytes).await.is_err() {
                return;
            }
        }
        if out.flush().await.is_err() {
            return;
        }
    }
}
