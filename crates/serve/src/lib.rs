//! The study workbench behind `qstudy serve`: a local web page over the qstudy engine.
//!
//! [`Workbench::bind`] listens on 127.0.0.1 only (never another interface), with a session token
//! drawn from the operating system's CSPRNG. Every request must carry the token (`?token=` in the
//! URL, or the `X-Qstudy-Token` header the page sends) and a `Host` of `127.0.0.1:PORT` or
//! `localhost:PORT`; anything else is refused with 403 before it is looked at. The page and its
//! script are embedded in the binary: nothing is fetched from the network.
//!
//! The JSON API (`POST` bodies are capped at [`MAX_BODY_BYTES`]); the engine computes every
//! number, the page only draws them. A bad input or an impossible option is answered 200 with
//! `{"error": MESSAGE}` (the one-line message of the CLI, without `error: `, options named as
//! the page shows them: [`words`]): it is an answer, not a failed request. Refused or malformed requests get 4xx.
//!
//! | route | body | answer |
//! |---|---|---|
//! | `GET /` | | the page |
//! | `GET /api/state` | | the open input's summary, its starting choices (`options`: an [`OptionLayer`] with every option given) and `fields` (the values each control offers, [`options::fields`]), or nothing open |
//! | `POST /api/load` | `{"files": [{"name", "data" (base64)}]}` | summary and options, or `{"error"}` |
//! | `POST /api/factors` | [`OptionLayer`] | the `qstudy factors` report (scree, parallel analysis, recommendation) |
//! | `POST /api/analyze` | [`OptionLayer`] | `{"results", "step_signs"}`: the `results.json` of these choices (without the correlation matrix), and per factor +1 or -1, how its loadings compare with the space a rotation step turns (reflected after the steps, or inverted: -1); or `{"error"}` |
//! | `POST /api/save` | [`OptionLayer`] | a zip of the study directory holding every choice |
//! | `POST /api/download` | [`OptionLayer`] | a zip of the output directory of `qstudy analyze` |

use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use base64::Engine as _;
use qstudy_app::analysis::{Analyzed, Input, Layers};
use qstudy_core::options::OptionLayer;
use serde::{Deserialize, Serialize};

pub mod archive;
pub mod error;
pub mod load;
pub mod options;
pub mod words;

pub use error::ServeError;
pub use load::Opened;

/// Largest request body accepted (an upload is base64 in JSON: about 4/3 of the files' size).
pub const MAX_BODY_BYTES: usize = 64 << 20;

/// The header carrying the session token on the page's requests.
pub const TOKEN_HEADER: &str = "X-Qstudy-Token";

const PAGE: &str = include_str!("../assets/index.html");
const SCRIPT: &str = include_str!("../assets/app.js");
const STYLE: &str = include_str!("../assets/style.css");

/// The page with its script and style inlined (one request, nothing fetched elsewhere).
fn page() -> String {
    PAGE.replace("/*STYLE*/", STYLE)
        .replace("/*SCRIPT*/", SCRIPT)
}

/// A fresh session token: 128 bits from the operating system's CSPRNG, in hex.
fn new_token() -> Result<String, ServeError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(ServeError::Token)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// One answer of the workbench.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type`.
    pub content_type: &'static str,
    /// For archives: the file name offered.
    pub filename: Option<String>,
    /// The body.
    pub body: Vec<u8>,
}

impl Reply {
    fn json(status: u16, value: &impl Serialize) -> Reply {
        Reply {
            status,
            content_type: "application/json",
            filename: None,
            body: serde_json::to_vec(value).unwrap_or_default(),
        }
    }
    fn error(status: u16, message: impl Into<String>) -> Reply {
        Reply::json(
            status,
            &Answer::Error {
                error: message.into(),
            },
        )
    }
    /// A failure, worded for the page, with its status.
    fn failure(e: &ServeError) -> Reply {
        Reply::error(e.status(), e.to_string())
    }
    fn zip(name: String, body: Vec<u8>) -> Reply {
        Reply {
            status: 200,
            content_type: "application/zip",
            filename: Some(name),
            body,
        }
    }
}

/// The JSON answers of the API (besides the page and the archives).
#[derive(Serialize)]
#[serde(untagged)]
enum Answer {
    /// A bad input or an impossible choice, in the page's words.
    Error {
        /// The one-line message.
        error: String,
    },
    /// `/api/factors`.
    Factors {
        /// The `qstudy factors` report.
        report: Box<qstudy_core::retention::RetentionReport>,
    },
    /// `/api/analyze`.
    Analysis {
        /// The results of these choices, without the correlation matrix.
        results: Box<qstudy_core::AnalysisResults>,
        /// Per factor, +1 or -1: how its plotted loadings compare with the space a rotation
        /// step turns.
        step_signs: Vec<f64>,
    },
}

/// `/api/state`: the open input and the choices it starts with, or nothing open.
#[derive(Serialize)]
struct State<'a> {
    /// The open input, `null` when none is.
    opened: Option<OpenSummary<'a>>,
    /// The starting choices: every option given.
    #[serde(skip_serializing_if = "Option::is_none")]
    options: Option<OptionLayer>,
    /// The values each control offers.
    #[serde(skip_serializing_if = "Option::is_none")]
    fields: Option<options::Fields>,
}

/// What the page shows of the open input.
#[derive(Serialize)]
struct OpenSummary<'a> {
    input: &'a str,
    title: Option<String>,
    format: &'static str,
    sorts: usize,
    statements: usize,
    grid: String,
    sort_ids: &'a [String],
    statement_ids: &'a [u32],
    statement_labels: Option<&'a [String]>,
    attributes: std::collections::BTreeSet<&'a str>,
    participants: Option<&'a [qstudy_core::Participant]>,
}

/// A request as the workbench sees it.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// `GET`, `POST`...
    pub method: &'a str,
    /// Path and query (`/api/state?token=...`).
    pub url: &'a str,
    /// The `Host` header, if any.
    pub host: Option<&'a str>,
    /// The token header, if any.
    pub token: Option<&'a str>,
    /// The body.
    pub body: &'a [u8],
}

/// The state of one workbench: its address and token, and the input open in it.
pub struct WorkbenchState {
    port: u16,
    token: String,
    opened: Option<Opened>,
}

/// Compares two strings in time independent of where they differ.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn query_token(url: &str) -> Option<&str> {
    let query = url.split_once('?')?.1;
    query.split('&').find_map(|kv| kv.strip_prefix("token="))
}

#[derive(Deserialize)]
struct UploadFile {
    name: String,
    data: String,
}

#[derive(Deserialize)]
struct Upload {
    files: Vec<UploadFile>,
}

impl WorkbenchState {
    /// A session for a server on `port` with `token`, nothing open.
    ///
    /// ```
    /// let mut s = qstudy_serve::WorkbenchState::new(8080, "t".into());
    /// let r = s.handle(qstudy_serve::Request { method: "GET", url: "/api/state", host: Some("127.0.0.1:8080"), token: None, body: b"" });
    /// assert_eq!(r.status, 403);
    /// ```
    pub fn new(port: u16, token: String) -> WorkbenchState {
        WorkbenchState {
            port,
            token,
            opened: None,
        }
    }

    /// Opens an input (replacing the one open).
    pub fn open(&mut self, opened: Opened) {
        self.opened = Some(opened);
    }

    /// Whether the request comes with the right `Host` and token.
    fn allowed(&self, r: &Request) -> Result<(), &'static str> {
        let host_ok = r.host.is_some_and(|h| {
            h == format!("127.0.0.1:{}", self.port) || h == format!("localhost:{}", self.port)
        });
        if !host_ok {
            return Err("refused: the Host must be 127.0.0.1 or localhost with this server's port");
        }
        let token = r.token.or_else(|| query_token(r.url));
        if !token.is_some_and(|t| same_secret(t, &self.token)) {
            return Err("refused: this request does not carry the session token");
        }
        Ok(())
    }

    fn summary(&self) -> State<'_> {
        let Some(o) = &self.opened else {
            return State {
                opened: None,
                options: None,
                fields: None,
            };
        };
        let o = &o.input;
        State {
            opened: Some(OpenSummary {
                input: &o.shown,
                title: o.loaded.study_title(),
                format: o.loaded.format.description(),
                sorts: o.study.n_sorts(),
                statements: o.study.n_statements(),
                grid: o.study.grid().to_string(),
                sort_ids: &o.loaded.table.sort_ids,
                statement_ids: o.study.statement_ids(),
                statement_labels: o.loaded.table.statement_labels.as_deref(),
                attributes: o
                    .loaded
                    .participants()
                    .map(qstudy_core::groups::attribute_names)
                    .unwrap_or_default(),
                participants: o.loaded.participants(),
            }),
            options: Some(options::starting(o)),
            fields: Some(options::fields()),
        }
    }

    /// The open input and the page's choices sent with a request.
    fn options_of(&mut self, body: &[u8]) -> Result<(&mut Opened, OptionLayer), Reply> {
        let opened = self
            .opened
            .as_mut()
            .ok_or_else(|| Reply::error(409, "no input is open"))?;
        let options: OptionLayer = serde_json::from_slice(body)
            .map_err(|e| Reply::error(400, format!("bad options: {e}")))?;
        Ok((opened, options))
    }

    /// The analysis of the page's choices, as `qstudy analyze` runs it, re-run from the first
    /// stage that changed since the last request.
    fn analyze(&mut self, body: &[u8]) -> Result<(&Input, Analyzed, OptionLayer), Reply> {
        let (opened, options) = self.options_of(body)?;
        let input = &opened.input;
        let failed = |source| {
            Reply::failure(&ServeError::Analysis {
                input: input.shown.clone(),
                source: Box::new(source),
            })
        };
        let resolved = input
            .resolve(&options, Layers::OverDefaults, &|_| {})
            .map_err(failed)?;
        let analyzed = input
            .analyze_kept(&mut opened.kept, resolved)
            .map_err(failed)?;
        Ok((input, analyzed, options))
    }

    /// Answers one request (after the `Host` and token checks).
    pub fn handle(&mut self, r: Request) -> Reply {
        if let Err(why) = self.allowed(&r) {
            return Reply::error(403, why);
        }
        let path = r.url.split('?').next().unwrap_or("");
        let result = match (r.method, path) {
            ("GET", "/") | ("GET", "/index.html") => Ok(Reply {
                status: 200,
                content_type: "text/html; charset=utf-8",
                filename: None,
                body: page().into_bytes(),
            }),
            ("GET", "/api/state") => Ok(Reply::json(200, &self.summary())),
            ("POST", "/api/load") => self.load(r.body),
            ("POST", "/api/factors") => self.options_of(r.body).and_then(|(opened, o)| {
                let input = &opened.input;
                input
                    .retention(&input.options(&o, Layers::OverDefaults), &|_| {})
                    .map(|report| {
                        Reply::json(
                            200,
                            &Answer::Factors {
                                report: Box::new(report),
                            },
                        )
                    })
                    .map_err(|source| {
                        Reply::failure(&ServeError::Analysis {
                            input: input.shown.clone(),
                            source: Box::new(source),
                        })
                    })
            }),
            ("POST", "/api/analyze") => self.analyze(r.body).map(|(_, analyzed, _)| {
                let mut results = analyzed.results;
                // the page draws no correlation matrix (it is n x n)
                results.correlation = None;
                // how each factor's plotted loadings compare with the space a rotation step turns
                Reply::json(
                    200,
                    &Answer::Analysis {
                        results: Box::new(results),
                        step_signs: analyzed.step_signs,
                    },
                )
            }),
            // The choices must analyse before they are saved.
            ("POST", "/api/save") => self.analyze(r.body).and_then(|(input, _, o)| {
                let name = format!("{}-study", archive::stem(&input.shown));
                archive::study_zip(input, &o, &name)
                    .map(|z| Reply::zip(format!("{name}.zip"), z))
                    .map_err(|e| Reply::failure(&e))
            }),
            ("POST", "/api/download") => self.analyze(r.body).and_then(|(input, analyzed, _)| {
                let name = format!("{}-results", archive::stem(&input.shown));
                archive::results_zip(input, &analyzed, &name)
                    .map(|z| Reply::zip(format!("{name}.zip"), z))
                    .map_err(|e| Reply::failure(&e))
            }),
            (_, "/")
            | (_, "/api/state")
            | (_, "/api/load")
            | (_, "/api/factors")
            | (_, "/api/analyze")
            | (_, "/api/save")
            | (_, "/api/download") => Err(Reply::error(
                405,
                format!("{} is not allowed here", r.method),
            )),
            _ => Err(Reply::error(404, format!("{path}: no such page"))),
        };
        result.unwrap_or_else(|e| e)
    }

    fn load(&mut self, body: &[u8]) -> Result<Reply, Reply> {
        let upload: Upload = serde_json::from_slice(body)
            .map_err(|e| Reply::error(400, format!("bad upload: {e}")))?;
        let mut files = Vec::with_capacity(upload.files.len());
        for f in upload.files {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(f.data.as_bytes())
                .map_err(|e| Reply::error(400, format!("{}: bad upload: {e}", f.name)))?;
            files.push((f.name, bytes));
        }
        // A broken file leaves the open input as it was.
        let opened = load::open_upload(&files).map_err(|e| Reply::failure(&e))?;
        self.opened = Some(opened);
        Ok(Reply::json(200, &self.summary()))
    }
}

/// A workbench listening on 127.0.0.1.
pub struct Workbench {
    server: Arc<tiny_http::Server>,
    session: WorkbenchState,
}

/// Stops a running [`Workbench`] from another thread.
#[derive(Clone)]
pub struct Stopper(Arc<tiny_http::Server>);

impl Stopper {
    /// Makes [`Workbench::run`] return.
    pub fn stop(&self) {
        self.0.unblock();
    }
}

impl Workbench {
    /// Listens on `127.0.0.1:port` (`0`: a free port) with a fresh token; `input`, if given, is
    /// opened first (its error is the one-line message of `qstudy analyze`).
    ///
    /// ```no_run
    /// let wb = qstudy_serve::Workbench::bind(0, None).unwrap();
    /// assert!(wb.url().starts_with("http://127.0.0.1:"));
    /// ```
    pub fn bind(port: u16, input: Option<&Path>) -> Result<Workbench, ServeError> {
        let opened = input.map(load::open_path).transpose()?;
        let server =
            tiny_http::Server::http(("127.0.0.1", port)).map_err(|e| ServeError::Listen {
                port,
                reason: e.to_string(),
            })?;
        let port = server
            .server_addr()
            .to_ip()
            .map(|a| a.port())
            .ok_or_else(|| ServeError::Listen {
                port,
                reason: "the server has no IP address".to_string(),
            })?;
        let mut session = WorkbenchState::new(port, new_token()?);
        if let Some(o) = opened {
            session.open(o);
        }
        Ok(Workbench {
            server: Arc::new(server),
            session,
        })
    }

    /// The address listened on.
    pub fn addr(&self) -> std::net::SocketAddr {
        std::net::SocketAddr::from(([127, 0, 0, 1], self.session.port))
    }

    /// The page's address with the token: `http://127.0.0.1:PORT/?token=...`.
    pub fn url(&self) -> String {
        format!(
            "http://127.0.0.1:{}/?token={}",
            self.session.port, self.session.token
        )
    }

    /// A handle that stops [`Workbench::run`].
    pub fn stopper(&self) -> Stopper {
        Stopper(Arc::clone(&self.server))
    }

    /// Answers requests, one at a time, until stopped.
    pub fn run(mut self) {
        for mut request in self.server.incoming_requests() {
            let header = |name: &'static str| {
                request
                    .headers()
                    .iter()
                    .find(|h| h.field.equiv(name))
                    .map(|h| h.value.as_str().to_string())
            };
            let host = header("Host");
            let token = header(TOKEN_HEADER);
            let method = request.method().as_str().to_string();
            let url = request.url().to_string();
            let too_big = request.body_length().is_some_and(|n| n > MAX_BODY_BYTES);
            let mut body = Vec::new();
            let reply = if too_big
                || request
                    .as_reader()
                    .take(MAX_BODY_BYTES as u64 + 1)
                    .read_to_end(&mut body)
                    .is_err()
                || body.len() > MAX_BODY_BYTES
            {
                Reply::error(
                    413,
                    format!("the request is larger than {} MiB", MAX_BODY_BYTES >> 20),
                )
            } else {
                self.session.handle(Request {
                    method: &method,
                    url: &url,
                    host: host.as_deref(),
                    token: token.as_deref(),
                    body: &body,
                })
            };
            let mut response = tiny_http::Response::from_data(reply.body)
                .with_status_code(reply.status)
                .with_header(header_of("Content-Type", reply.content_type))
                .with_header(header_of("Cache-Control", "no-store"))
                .with_header(header_of("X-Content-Type-Options", "nosniff"))
                .with_header(header_of(
                    "Content-Security-Policy",
                    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; connect-src 'self'",
                ));
            if let Some(name) = &reply.filename {
                response = response.with_header(header_of(
                    "Content-Disposition",
                    &format!("attachment; filename=\"{name}\""),
                ));
            }
            let _ = request.respond(response);
        }
    }
}

fn header_of(name: &str, value: &str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes())
        .unwrap_or_else(|_| tiny_http::Header::from_bytes(&b"X-Invalid"[..], &b"1"[..]).unwrap())
}

/// Opens `url` in the default browser (`xdg-open`, `open` or `start`); failing is not an error.
pub fn open_browser(url: &str) -> bool {
    let spawned = if cfg!(target_os = "macos") {
        std::process::Command::new("open").arg(url).spawn()
    } else if cfg!(windows) {
        std::process::Command::new("cmd")
            .args(["/C", "start", "", url])
            .spawn()
    } else {
        std::process::Command::new("xdg-open").arg(url).spawn()
    };
    spawned.is_ok()
}
