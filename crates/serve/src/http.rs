//! The workbench's HTTP server: hyper's HTTP/1 on a tokio runtime, bound to 127.0.0.1, with
//! limits that keep one client (a stuck tab, or a hostile local user without the token) from
//! stopping or holding up the others:
//!
//! - a request's line and headers are at most [`MAX_HEADER_BYTES`] (431 beyond) and must arrive
//!   within [`HEADER_TIMEOUT`]; a kept-alive connection that sends no next request within it is
//!   closed;
//! - the `Host` and token are checked from the headers before any body is read (403, the body
//!   left unread and the connection closed);
//! - a body is at most [`MAX_BODY_BYTES`] (413, refused from its declared length before it is
//!   read) and must arrive within [`BODY_TIMEOUT`] (408);
//! - at most [`MAX_CONNECTIONS`] connections are open: a new one closes the one idle longest
//!   (and, if none is idle, is itself closed); when the process runs out of file descriptors,
//!   the cap is lowered below what is open, the idlest connections are closed, accepting is
//!   retried and the event is logged (at most once a second), never a silent exit;
//! - every request is answered on tokio's blocking pool, off the connection handlers: a long
//!   analysis holds up no other request (`/api/state` of another tab is answered meanwhile),
//!   and an analysis request still waiting for an earlier one is superseded by a later one
//!   ([`WorkbenchState::ticket`]).
//!
//! [`Workbench::run`] returns when stopped ([`Stopper`]) or, with
//! [`Workbench::stop_on_signals`], on SIGINT or SIGTERM; the session's private directory (the
//! uploads) is removed then.

use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::sync::{Notify, watch};

use crate::private::{Opener, SessionDir};
use crate::{Reply, ServeError, TOKEN_HEADER, WorkbenchState, lock, new_token};

/// Largest request line plus headers, in bytes (16 KiB; the page sends about 600).
pub const MAX_HEADER_BYTES: usize = 16 << 10;

/// Largest request body accepted (an upload is base64 in JSON: about 4/3 of the files' size).
pub const MAX_BODY_BYTES: usize = 64 << 20;

/// Time for a request's line and headers to arrive, and the longest a kept-alive connection
/// may wait idle for its next request.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(20);

/// Time for a request's body to arrive once its headers have (64 MiB over loopback take well
/// under a second).
pub const BODY_TIMEOUT: Duration = Duration::from_secs(30);

/// Most connections open at once (a browser opens at most 6 per server).
pub const MAX_CONNECTIONS: usize = 128;

/// The response headers every answer carries.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; connect-src 'self'";

/// Why [`Workbench::run`] returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopped {
    /// [`Stopper::stop`] was called.
    Asked,
    /// The process received this signal (`"SIGINT"`, `"SIGTERM"`).
    Signal(&'static str),
}

/// A workbench listening on 127.0.0.1.
pub struct Workbench {
    listener: std::net::TcpListener,
    state: Arc<WorkbenchState>,
    stop: Arc<watch::Sender<bool>>,
    signals: bool,
    removed: Vec<PathBuf>,
}

/// Stops a running [`Workbench`] from another thread (before or during [`Workbench::run`]).
#[derive(Clone)]
pub struct Stopper(Arc<watch::Sender<bool>>);

impl Stopper {
    /// Makes [`Workbench::run`] return.
    pub fn stop(&self) {
        self.0.send_replace(true);
    }
}

impl Workbench {
    /// Listens on `127.0.0.1:port` (`0`: a free port) with a fresh token and a fresh private
    /// directory (removing those of sessions that are gone: [`Workbench::removed_stale`]);
    /// `input`, if given, is opened first (its error is the one-line message of
    /// `qstudy analyze`).
    ///
    /// ```no_run
    /// let wb = qstudy_serve::Workbench::bind(0, None).unwrap();
    /// assert!(wb.url().starts_with("http://127.0.0.1:"));
    /// ```
    pub fn bind(port: u16, input: Option<&Path>) -> Result<Workbench, ServeError> {
        let opened = input.map(crate::load::open_path).transpose()?;
        let listen = |reason: String| ServeError::Listen { port, reason };
        let listener =
            std::net::TcpListener::bind(("127.0.0.1", port)).map_err(|e| listen(e.to_string()))?;
        listener
            .set_nonblocking(true)
            .map_err(|e| listen(e.to_string()))?;
        let port = listener
            .local_addr()
            .map_err(|e| listen(e.to_string()))?
            .port();
        let (session, removed) = SessionDir::create(None)?;
        let state = WorkbenchState::with_session(port, new_token()?, session);
        if let Some(o) = opened {
            state.open(o);
        }
        Ok(Workbench {
            listener,
            state: Arc::new(state),
            stop: Arc::new(watch::Sender::new(false)),
            signals: false,
            removed,
        })
    }

    /// Also stop on SIGINT (Ctrl-C) and SIGTERM (the command line's server; tests stop it
    /// with a [`Stopper`]).
    pub fn stop_on_signals(mut self) -> Workbench {
        self.signals = true;
        self
    }

    /// The private directories of sessions that were gone, removed at [`Workbench::bind`].
    pub fn removed_stale(&self) -> &[PathBuf] {
        &self.removed
    }

    /// The session's private directory (uploads go there; removed when the server stops).
    pub fn session_dir(&self) -> Option<&Path> {
        self.state.session_dir()
    }

    /// The address listened on.
    pub fn addr(&self) -> std::net::SocketAddr {
        std::net::SocketAddr::from(([127, 0, 0, 1], self.state.port))
    }

    /// The page's address with the token: `http://127.0.0.1:PORT/?token=...`.
    pub fn url(&self) -> String {
        format!(
            "http://127.0.0.1:{}/?token={}",
            self.state.port, self.state.token
        )
    }

    /// Writes the page opener (a private file that sends the browser to [`Workbench::url`]),
    /// so that the browser is started with a file name, not the token; removed when dropped.
    pub fn opener(&self) -> std::io::Result<Opener> {
        match &self.state.session {
            Some(session) => Opener::write_for_browser(session, &self.url()),
            None => Err(std::io::Error::other(
                "the workbench has no private directory",
            )),
        }
    }

    /// A handle that stops [`Workbench::run`].
    pub fn stopper(&self) -> Stopper {
        Stopper(Arc::clone(&self.stop))
    }

    /// Answers requests until stopped; then closes the connections (letting answers under way
    /// finish for up to 2 s) and removes the session's private directory.
    pub fn run(self) -> Result<Stopped, ServeError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("qstudy-serve")
            .enable_all()
            .build()
            .map_err(|e| ServeError::Server(format!("cannot start: {e}")))?;
        let session = self.state.session_dir().map(Path::to_path_buf);
        let stopped = runtime.block_on(self.serve());
        // Analyses still running hold the state; their answers have nowhere to go.
        runtime.shutdown_timeout(Duration::from_millis(500));
        if let Some(dir) = session {
            let _ = std::fs::remove_dir_all(dir);
        }
        stopped
    }

    async fn serve(self) -> Result<Stopped, ServeError> {
        let listener = tokio::net::TcpListener::from_std(self.listener)
            .map_err(|e| ServeError::Server(format!("cannot listen: {e}")))?;
        let connections = Arc::new(Mutex::new(Connections::default()));
        let mut stop = self.stop.subscribe();
        let signal = signals(self.signals);
        tokio::pin!(signal);
        let mut last_logged: Option<Instant> = None;
        let stopped = loop {
            tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok((stream, _)) => {
                        no_delay(&stream);
                        serve_connection(stream, &self.state, &connections);
                    }
                    Err(e) => {
                        // Out of file descriptors (or another transient failure): make room,
                        // say so (at most once a second), and keep accepting.
                        lock(&connections).lower_cap();
                        if last_logged.is_none_or(|t| t.elapsed() >= Duration::from_secs(1)) {
                            eprintln!(
                                "qstudy serve: cannot accept a connection ({e}); closing idle connections and retrying"
                            );
                            last_logged = Some(Instant::now());
                        }
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                },
                _ = stop.wait_for(|stop| *stop) => break Stopped::Asked,
                name = &mut signal => break Stopped::Signal(name),
            }
        };
        let open: Vec<Arc<Notify>> = lock(&connections)
            .open
            .iter()
            .map(|c| Arc::clone(&c.close))
            .collect();
        for close in &open {
            close.notify_one();
        }
        let deadline = Instant::now() + Duration::from_secs(2);
        while !lock(&connections).open.is_empty() && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        Ok(stopped)
    }
}

/// The first of SIGINT and SIGTERM, by name (never, when `wanted` is false).
async fn signals(wanted: bool) -> &'static str {
    if !wanted {
        return std::future::pending().await;
    }
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) {
            (Ok(mut int), Ok(mut term)) => tokio::select! {
                _ = int.recv() => "SIGINT",
                _ = term.recv() => "SIGTERM",
            },
            _ => std::future::pending().await,
        }
    }
    #[cfg(not(unix))]
    {
        match tokio::signal::ctrl_c().await {
            Ok(()) => "Ctrl-C",
            Err(_) => std::future::pending().await,
        }
    }
}

/// One open connection: since when it has been idle (`None`: answering a request), and how to
/// close it.
struct Connection {
    id: u64,
    idle_since: Option<Instant>,
    close: Arc<Notify>,
}

/// The open connections, oldest first, and how many may be open.
struct Connections {
    next: u64,
    open: Vec<Connection>,
    /// [`MAX_CONNECTIONS`], lowered when the process runs out of file descriptors.
    cap: usize,
}

impl Default for Connections {
    fn default() -> Self {
        Connections {
            next: 0,
            open: Vec::new(),
            cap: MAX_CONNECTIONS,
        }
    }
}

/// The fewest connections the cap is lowered to.
const MIN_CONNECTIONS: usize = 8;

impl Connections {
    /// Registers a new connection, closing the idlest one when the cap is reached; `None` if
    /// all are busy (the new one is refused).
    fn add(&mut self) -> Option<(u64, Arc<Notify>)> {
        while self.open.len() >= self.cap {
            if !self.close_idlest() {
                return None;
            }
        }
        self.next += 1;
        let close = Arc::new(Notify::new());
        self.open.push(Connection {
            id: self.next,
            idle_since: Some(Instant::now()),
            close: Arc::clone(&close),
        });
        Some((self.next, close))
    }

    /// Out of file descriptors: allow a quarter fewer connections than are open (at least
    /// [`MIN_CONNECTIONS`]) and close the idlest beyond that, so that the next accepted
    /// connections make room for themselves without waiting for descriptors.
    fn lower_cap(&mut self) {
        self.cap = (self.open.len() * 3 / 4).max(MIN_CONNECTIONS);
        while self.open.len() >= self.cap && self.close_idlest() {}
    }

    /// Closes the connection idle longest; whether there was one.
    fn close_idlest(&mut self) -> bool {
        let idlest = self
            .open
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.idle_since.map(|t| (t, i)))
            .min();
        match idlest {
            Some((_, i)) => {
                let c = self.open.swap_remove(i);
                c.close.notify_one();
                true
            }
            None => false,
        }
    }

    fn set_busy(&mut self, id: u64, busy: bool) {
        if let Some(c) = self.open.iter_mut().find(|c| c.id == id) {
            c.idle_since = if busy { None } else { Some(Instant::now()) };
        }
    }

    fn remove(&mut self, id: u64) {
        self.open.retain(|c| c.id != id);
    }
}

/// Turns off Nagle's algorithm on an accepted connection (`TCP_NODELAY`): each answer is one
/// small write of its head and body, and the page sends its next request only when the answer
/// is whole. With Nagle on, the last segment of an answer waits for the ACK of the one before,
/// which the browser delays (delayed ACK, up to ~40 ms): a rotation step took 61 ms click to
/// paint for 1.9 ms of the server's work. Failing to set it is not an error (the answer is only
/// slower).
fn no_delay(stream: &tokio::net::TcpStream) {
    let _ = stream.set_nodelay(true);
}

/// The HTTP/1 settings of every connection.
fn http1_builder() -> http1::Builder {
    let mut b = http1::Builder::new();
    b.timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .max_header_size(MAX_HEADER_BYTES)
        // The read buffer: headers within it, a body read through it in pieces.
        .max_buf_size(64 << 10)
        .keep_alive(true);
    b
}

/// Serves one connection on its own task, registered in `connections` (closed when evicted).
fn serve_connection(
    stream: tokio::net::TcpStream,
    state: &Arc<WorkbenchState>,
    connections: &Arc<Mutex<Connections>>,
) {
    let Some((id, close)) = lock(connections).add() else {
        // every connection is answering a request: this one waits for none
        return;
    };
    let state = Arc::clone(state);
    let connections = Arc::clone(connections);
    tokio::spawn(async move {
        let service = {
            let connections = Arc::clone(&connections);
            service_fn(move |request| {
                let state = Arc::clone(&state);
                let connections = Arc::clone(&connections);
                async move {
                    lock(&connections).set_busy(id, true);
                    let reply = answer(&state, request).await;
                    lock(&connections).set_busy(id, false);
                    Ok::<_, Infallible>(response(reply))
                }
            })
        };
        let connection = http1_builder().serve_connection(TokioIo::new(stream), service);
        tokio::pin!(connection);
        tokio::select! {
            _ = connection.as_mut() => {}
            _ = close.notified() => {
                connection.as_mut().graceful_shutdown();
                let _ = tokio::time::timeout(Duration::from_secs(2), connection).await;
            }
        }
        lock(&connections).remove(id);
    });
}

/// A header's value as text, if present and visible ASCII.
fn header<'a>(parts: &'a hyper::http::request::Parts, name: &str) -> Option<&'a str> {
    parts.headers.get(name).and_then(|v| v.to_str().ok())
}

/// Answers one request: the `Host` and token from the headers, then the body (capped, with a
/// deadline), then the workbench on the blocking pool.
async fn answer(state: &Arc<WorkbenchState>, request: hyper::Request<Incoming>) -> Reply {
    let (parts, body) = request.into_parts();
    let url = parts
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_string();
    if let Err(why) = state.allowed(header(&parts, "host"), header(&parts, TOKEN_HEADER), &url) {
        return Reply::error(403, why);
    }
    if parts.method == hyper::Method::POST && url.split('?').next() == Some("/api/upload") {
        return upload(state, body).await;
    }
    let too_large = || {
        Reply::error(
            413,
            format!("the request is larger than {} MiB", MAX_BODY_BYTES >> 20),
        )
    };
    let declared = header(&parts, "content-length").and_then(|n| n.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return too_large();
    }
    let body = match tokio::time::timeout(
        BODY_TIMEOUT,
        Limited::new(body, MAX_BODY_BYTES).collect(),
    )
    .await
    {
        Ok(Ok(collected)) => collected.to_bytes(),
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => return too_large(),
        Ok(Err(e)) => return Reply::error(400, format!("the request's body is broken: {e}")),
        Err(_) => {
            return Reply::error(
                408,
                format!(
                    "the request's body did not arrive within {} s",
                    BODY_TIMEOUT.as_secs()
                ),
            );
        }
    };
    let method = parts.method.as_str().to_string();
    let ticket = state.ticket(&method, &url);
    let state = Arc::clone(state);
    tokio::task::spawn_blocking(move || state.respond(&method, &url, &body, ticket))
        .await
        .unwrap_or_else(|_| {
            Reply::error(
                500,
                "the workbench failed on this request (a bug in qstudy; please report it); its other answers are unaffected",
            )
        })
}

/// Time a streamed upload may take in all (1 GiB over loopback takes a few seconds).
pub const UPLOAD_TIMEOUT: Duration = Duration::from_secs(600);

/// `POST /api/upload`: the files written as they arrive ([`crate::load::UploadWriter`]; the
/// cap counts the files' bytes), then opened on the blocking pool; the answer is `/api/state`'s.
async fn upload(state: &Arc<WorkbenchState>, mut body: Incoming) -> Reply {
    let mut writer = match state.upload_writer() {
        Ok(w) => w,
        Err(e) => return Reply::failure(&e),
    };
    let receive = async {
        while let Some(frame) = body.frame().await {
            let frame =
                frame.map_err(|e| Reply::error(400, format!("the upload is broken: {e}")))?;
            if let Some(data) = frame.data_ref() {
                writer.feed(data).map_err(|e| Reply::failure(&e))?;
            }
        }
        Ok::<(), Reply>(())
    };
    match tokio::time::timeout(UPLOAD_TIMEOUT, receive).await {
        Ok(Ok(())) => {}
        Ok(Err(reply)) => return reply,
        Err(_) => {
            return Reply::error(
                408,
                format!(
                    "the files did not arrive within {} s",
                    UPLOAD_TIMEOUT.as_secs()
                ),
            );
        }
    }
    let state = Arc::clone(state);
    tokio::task::spawn_blocking(move || state.open_uploaded(writer))
        .await
        .unwrap_or_else(|_| {
            Reply::error(
                500,
                "the workbench failed on this request (a bug in qstudy; please report it); its other answers are unaffected",
            )
        })
}

/// A file name as a `Content-Disposition` value: the plain ASCII name, others replaced by `_`.
fn attachment(name: &str) -> String {
    let plain: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.+".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("attachment; filename=\"{plain}\"")
}

/// The HTTP response of a reply, with the headers every answer carries.
fn response(reply: Reply) -> Response<Full<Bytes>> {
    let mut builder = Response::builder()
        .status(StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
        .header("Content-Type", reply.content_type)
        .header("Cache-Control", "no-store")
        .header("X-Content-Type-Options", "nosniff")
        .header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    if let Some(name) = &reply.filename {
        builder = builder.header("Content-Disposition", attachment(name));
    }
    builder
        .body(Full::new(Bytes::from(reply.body)))
        .unwrap_or_else(|_| {
            let mut r = Response::new(Full::new(Bytes::new()));
            *r.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            r
        })
}

/// The fuzz harness of the request handling (feature `fuzz-harness`): `bytes` as one client's
/// whole transmission on a connection served as the workbench serves it (the same settings and
/// handlers), the client's side then closed; returns what the server sent back.
#[cfg(feature = "fuzz-harness")]
pub fn respond_to_bytes(state: &Arc<WorkbenchState>, bytes: &[u8]) -> Vec<u8> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        return Vec::new();
    };
    runtime.block_on(async {
        let (mut client, server) = tokio::io::duplex(1 << 20);
        let state = Arc::clone(state);
        let service = service_fn(move |request| {
            let state = Arc::clone(&state);
            async move { Ok::<_, Infallible>(response(answer(&state, request).await)) }
        });
        let mut builder = http1_builder();
        // The client closes its side after sending: answer what it sent all the same.
        builder.half_close(true);
        let served = tokio::spawn(builder.serve_connection(TokioIo::new(server), service));
        let mut out = Vec::new();
        let _ = client.write_all(bytes).await;
        let _ = client.shutdown().await;
        let _ = tokio::time::timeout(HEADER_TIMEOUT, client.read_to_end(&mut out)).await;
        let _ = served.await;
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_idlest_connection_makes_room_and_busy_ones_are_never_closed() {
        let mut c = Connections::default();
        let mut ids = Vec::new();
        for _ in 0..MAX_CONNECTIONS {
            ids.push(c.add().unwrap().0);
        }
        // all busy but the third
        for &id in &ids {
            c.set_busy(id, true);
        }
        c.set_busy(ids[2], false);
        let (_, _) = c.add().expect("the idle one made room");
        assert!(!c.open.iter().any(|x| x.id == ids[2]));
        assert_eq!(c.open.len(), MAX_CONNECTIONS);
        // the new one is idle: it goes next; then all are busy and a newcomer is refused
        c.set_busy(c.next, true);
        assert!(c.add().is_none());
        assert_eq!(c.open.len(), MAX_CONNECTIONS);
    }

    #[test]
    fn accepted_connections_send_without_delay() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
                .await
                .unwrap();
            let addr = listener.local_addr().unwrap();
            let _client = tokio::net::TcpStream::connect(addr).await.unwrap();
            let (stream, _) = listener.accept().await.unwrap();
            assert!(!stream.nodelay().unwrap(), "off until set");
            no_delay(&stream);
            assert!(stream.nodelay().unwrap());
        });
    }

    #[test]
    fn a_download_name_is_plain_ascii_in_the_header() {
        assert_eq!(
            attachment("apse-2023-results.zip"),
            "attachment; filename=\"apse-2023-results.zip\""
        );
        assert_eq!(
            attachment("a\"b\r\nc é.zip"),
            "attachment; filename=\"a_b__c__.zip\""
        );
    }
}
