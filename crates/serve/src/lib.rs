//! The study workbench behind `qstudy serve`: a local web page over the qstudy engine.
//!
//! [`Workbench::bind`] listens on 127.0.0.1 only (never another interface), with a session token
//! drawn from the operating system's CSPRNG. Every request must carry the token (`?token=` in the
//! URL, or the `X-Qstudy-Token` header the page sends) and a `Host` of `127.0.0.1:PORT` or
//! `localhost:PORT`; anything else is refused with 403 before it is looked at. The page and its
//! script are embedded in the binary: nothing is fetched from the network.
//!
//! The JSON API (`POST` bodies are capped at [`http::MAX_BODY_BYTES`]; the server's limits: [`http`]); the engine computes every
//! number, the page only draws them. A bad input or an impossible option is answered 200 with
//! `{"error": MESSAGE}` (the one-line message of the CLI, without `error: `, options named as
//! the page shows them: [`words`]): it is an answer, not a failed request. Refused or malformed requests get 4xx.
//!
//! | route | body | answer |
//! |---|---|---|
//! | `GET /` | | the page |
//! | `GET /api/state` | | the open input's summary, its starting choices (`options`: an [`OptionLayer`] with every option given) and `fields` (the values each control offers, [`options::fields`]), or nothing open |
//! | `POST /api/load` | `{"files": [{"name", "data" (base64)}], "id_column"?}` | summary and options, or `{"error"}`; one file with a `.txt` or `.xml` beside it takes its statement texts from that file, and `id_column` names the column (or key) of the participant ids |
//! | `POST /api/upload` | the files as they are, streamed ([`load::UploadWriter`]: `QSUP1\n`, then per file its name's length, name, size, bytes; the cap counts the files' bytes, [`load::MAX_UPLOAD_BYTES`]); a lone zip is a saved study, unpacked | as `/api/load` (what the page uses) |
//! | `GET /api/data` | | `{"sorts", "statistics"}`: the sorts as read (one row per sort) and per statement its mean, SD, lowest and highest value ([`qstudy_core::StatementStatistics`]) |
//! | `POST /api/correlation` | [`OptionLayer`] | `{"sort_ids", "correlation"}`: the correlation matrix of results.json (`null` where results.json leaves it out) |
//! | `POST /api/composites` | [`OptionLayer`] | `{"figures": [{"name", "title", "svg"}]}`: the composite sorts as `plots/NAME.svg` of `qstudy analyze` |
//! | `POST /api/figure?index=I&format=svg\|png` | [`OptionLayer`] | the `I`-th composite sort as a file |
//! | `POST /api/factors` | [`OptionLayer`] | `{"report"}`: the `qstudy factors` report ([`qstudy_core::retention::RetentionReport`]: scree, parallel analysis, recommendation; which fields to plot: "The scree" below), or `{"error"}` |
//! | `POST /api/analyze` | [`OptionLayer`] | `{"results", "step_signs", "warnings", "options", "dropped"}`: the `results.json` of these choices (without the correlation matrix and with `unrotated.loadings` empty: the page draws neither); per factor +1 or -1, how its loadings compare with the space a rotation step turns (-1 only for an inverted factor: no reflection ever follows the steps, so a step never mirrors the picture); the warnings ([`PageWarning`]: `{"text", "group", "sorts", "factors"}`, in `warnings.txt`'s order); the choices as applied (`options`: an [`OptionLayer`], the page's fitted to the factors kept) and `dropped`, one line per choice dropped or moved to fit them (below); or `{"error"}` |
//! | `POST /api/save` | [`OptionLayer`] | a zip of the study directory holding every choice (fitted as for `/api/analyze`) |
//! | `POST /api/download` | [`OptionLayer`] | a zip of the output directory of `qstudy analyze` (choices fitted as for `/api/analyze`) |
//!
//! **Sorts left out.** The choices select the sorts as the command line's do (`exclude`,
//! `where`, `drop_incomplete`, spelled as study.toml's keys: `{"exclude": ["C01"], "where":
//! ["role=officer"], "drop_incomplete": true}`); an opened study's own selection is in the
//! starting `options`. `/api/state`'s `sorts`, `sort_ids` and `participants` are every sort as
//! read (for the page to offer them), the answers' `results.input` those analysed, and
//! `results.options.left_out` the sorts left out with why. A selection that names a sort,
//! attribute or value the input does not have is an `{"error"}`. The saved study holds every
//! sort and the selection in its `[analysis]`.
//!
//! **Choices fitted to the factors kept.** When the page's choices give the number of factors
//! to keep (`factors`: `k`), `/api/analyze`, `/api/save` and `/api/download` first drop what
//! refers to a factor beyond `k` ([`OptionLayer::fit_to`]): its name (`factor_names`), manual
//! flags and unflags on it, its inversion or split, and hand rotation steps (`rotate`) that
//! turn it; a flag or unflag on a half (`F2a`, `F2b`) of a factor that is not split is moved to
//! the whole factor (`F2`, once), and a name of such a half dropped; a name or flag of a split
//! factor as a whole is kept. The analysis runs with what remains, answered as `options` (send
//! them back next time); each change is one line of `dropped` ("the name 'Reformers' of F4: F4
//! is no longer kept (3 factors)", "2 hand rotation steps on F4: F4 is no longer kept (3
//! factors)"), empty when nothing was. Without `factors`, nothing is fitted.
//!
//! **Warnings.** Each of `warnings` is `{"text": "sort 'C03' is flagged on more than one factor
//! (F1, F2): it enters each composite", "group": "flagged_on_several", "sorts": ["C03"],
//! "factors": ["F1", "F2"]}`: the sentence of `results.json` and `warnings.txt` in the page's
//! words, its kind ([`qstudy_core::Warning::group`], a stable key; warnings of one kind are one
//! group), and the sort ids and factor names (as in `results`) it is about, to show it beside
//! the loadings row or the factor. They follow `warnings.txt`, line for line, without the
//! workbook's notes (`results.xlsx: ...`, known only when a download builds the workbook).
//!
//! **The scree** (`/api/factors`' `report`), as `qstudy factors --out` draws `plots/scree.*`:
//! the points are `report.parallel.observed` (the correlation matrix's eigenvalues, rank 1,
//! 2, ...); the parallel-analysis line is `report.parallel.random_percentile` (the
//! `report.parallel.percentile`-th percentile of random studies' correlation-matrix
//! eigenvalues, same ranks); the leading points above that line are
//! `report.parallel.retained`, the count the first of `report.reasons` gives ("parallel
//! analysis: N eigenvalue(s) of the correlation matrix exceed ..."; count from rank 1 while
//! above, as the report does); the recommendation (`report.recommended`) is at most that
//! count (1 when it is 0). Plotting `report.eigenvalues`
//! against that line is wrong: they are the extraction's (centroid: sums of squared
//! loadings), a different quantity. `report.eigenvalues` belong with the Kaiser-Guttman line
//! at eigenvalue 1: its leading points above 1 are `report.kaiser_guttman`. (With PCA, the
//! two are the same eigenvalues.) `plots/scree.*` draws a PCA scree from
//! `parallel.observed` and a centroid one from `eigenvalues`, with `parallel.observed` as a
//! second, grey curve where the threshold is drawn.
//!
//! **Messages.** Every `error` and warning names the page's controls, never a command-line
//! option or a server path: an uploaded file is named as uploaded ([`words`]).

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use base64::Engine as _;
use qstudy_app::analysis::{Analyzed, Input, Layers};
use qstudy_core::options::OptionLayer;
use serde::{Deserialize, Serialize};

pub mod archive;
pub mod error;
#[cfg(feature = "fuzz-harness")]
pub mod harness;
pub mod http;
pub mod load;
pub mod options;
pub mod private;
pub mod words;

pub use error::ServeError;
pub use http::{MAX_BODY_BYTES, Stopped, Stopper, Workbench};
pub use load::Opened;
use private::SessionDir;

/// The header carrying the session token on the page's requests.
pub const TOKEN_HEADER: &str = "X-Qstudy-Token";

const PAGE: &str = include_str!("../assets/index.html");
/// The page's script, one file per panel (`assets/js/base.js` says which), in load order.
const SCRIPTS: [&str; 12] = [
    include_str!("../assets/js/base.js"),
    include_str!("../assets/js/session.js"),
    include_str!("../assets/js/panels.js"),
    include_str!("../assets/js/open.js"),
    include_str!("../assets/js/data.js"),
    include_str!("../assets/js/correlations.js"),
    include_str!("../assets/js/extract.js"),
    include_str!("../assets/js/rotate.js"),
    include_str!("../assets/js/flags.js"),
    include_str!("../assets/js/results.js"),
    include_str!("../assets/js/export.js"),
    include_str!("../assets/js/main.js"),
];
const STYLE: &str = include_str!("../assets/style.css");

/// The page with its script and style inlined (one request, nothing fetched elsewhere).
fn page() -> String {
    PAGE.replace("/*STYLE*/", STYLE)
        .replace("/*SCRIPT*/", &SCRIPTS.join("\n"))
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
        /// The results of these choices, without the correlation matrix and the unrotated loadings.
        results: Box<qstudy_core::AnalysisResults>,
        /// Per factor, +1 or -1: how its plotted loadings compare with the space a rotation
        /// step turns (-1 for an inverted factor).
        step_signs: Vec<f64>,
        /// The warnings of the results (and the notes of `warnings.txt` that apply to the
        /// page), in `warnings.txt`'s order.
        warnings: Vec<PageWarning>,
        /// The choices as applied: the page's, fitted to the factors kept.
        options: Box<OptionLayer>,
        /// What of the page's choices was dropped or moved to fit the factors kept, one line
        /// each.
        dropped: Vec<String>,
    },
    /// `/api/composites`: the composite sort of each factor with an array, as `analyze`
    /// draws it.
    Composites {
        /// In factor order.
        figures: Vec<Figure>,
    },
    /// `/api/correlation`: the correlation matrix of the sorts under the page's choices.
    Correlation {
        /// The sorts, in input order (the matrix's rows and columns).
        sort_ids: Vec<String>,
        /// `n x n`; `null` above the size `results.json` keeps it at.
        correlation: Option<Vec<Vec<f64>>>,
    },
    /// `/api/data`: the sorts as read and how they placed each statement.
    Data {
        /// One row per sort (input order), one grid value per statement (statement order).
        sorts: Vec<Vec<f64>>,
        /// Per statement, in statement order.
        statistics: Vec<qstudy_core::StatementStatistics>,
    },
    /// `/api/analyze` (409): a later request of the session came while this one waited.
    Superseded {
        /// Why, for the page.
        error: &'static str,
        /// Always true.
        superseded: bool,
    },
}

/// One figure for the page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    /// The file stem `analyze` gives it (`composite-F1`).
    pub name: String,
    /// Its title.
    pub title: String,
    /// The SVG, as `plots/NAME.svg`.
    pub svg: String,
}

/// One warning for the page: its text and what it is about, so that the page shows it next
/// to the loadings row of a sort or the column of a factor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PageWarning {
    /// The warning in the page's words, one line.
    pub text: String,
    /// Its kind, a short stable key ([`qstudy_core::Warning::group`]; `figures_left_out` for
    /// the note of a download without figures).
    pub group: &'static str,
    /// The sort ids it is about.
    pub sorts: Vec<String>,
    /// The factors it is about, named as in the results (`F1`, `F2a`).
    pub factors: Vec<String>,
}

/// The warnings of `results` for the page, in the order of `warnings.txt`: the analysis's,
/// then the note of the figures left out of a download (more than
/// [`qstudy_app::outputs::FIGURE_SORT_LIMIT`] sorts). The notes of the workbook
/// (`results.xlsx: ...`) are not among them: they are known only once the workbook of a
/// download is built.
pub fn page_warnings(results: &qstudy_core::AnalysisResults) -> Vec<PageWarning> {
    let limit = qstudy_app::outputs::FIGURE_SORT_LIMIT;
    results
        .warnings
        .iter()
        .map(|w| PageWarning {
            text: words::warning(w),
            group: w.group(),
            sorts: w.sorts().into_iter().map(str::to_string).collect(),
            factors: w.factors(),
        })
        .chain((results.input.sorts > limit).then(|| PageWarning {
            text: words::figures_left_out(results.input.sorts, limit),
            group: "figures_left_out",
            sorts: Vec::new(),
            factors: Vec::new(),
        }))
        .collect()
}

/// An analysis of the page's choices: the open input, the analysis, the choices as applied
/// and what was dropped from them to fit the factors kept.
struct PageAnalysis {
    opened: Arc<Opened>,
    /// The input of the choices' selection of sorts, when it is not the opened input's.
    selected: Option<Arc<Input>>,
    analyzed: Analyzed,
    options: OptionLayer,
    dropped: Vec<String>,
}

impl PageAnalysis {
    /// The input analysed: the opened one, or its sorts selected as the choices say.
    fn input(&self) -> &Input {
        self.selected.as_deref().unwrap_or(&self.opened.input)
    }
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
    /// What to add to the input, when something is missing (a `.DAT` without its `.STA`).
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
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

/// The state of one workbench: its address and token, the input open in it, and its private
/// directory. Shared by the connections (`&self` everywhere): the open input is swapped under a
/// short lock, and its kept analysis has a lock of its own, so that a long analysis never holds
/// up another request (`/api/state`, the page).
pub struct WorkbenchState {
    port: u16,
    token: String,
    opened: Mutex<Option<Arc<Opened>>>,
    session: Option<SessionDir>,
    /// The number of the latest `/api/analyze` request: one still waiting for the analysis of
    /// an earlier one is superseded by a later one.
    analyses: AtomicU64,
}

/// A requested path as a message shows it: one line, at most 200 characters.
fn shown_path(path: &str) -> String {
    let mut shown: String = path
        .chars()
        .take(200)
        .flat_map(char::escape_default)
        .collect();
    if path.chars().count() > 200 {
        shown.push_str("...");
    }
    shown
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
    query_value(url, "token")
}

/// The value of `key` in the query of `url` (`?a=1&key=VALUE`), as written (not decoded).
fn query_value<'u>(url: &'u str, key: &str) -> Option<&'u str> {
    let query = url.split_once('?')?.1;
    query.split('&').find_map(|kv| {
        kv.split_once('=')
            .filter(|(k, _)| *k == key)
            .map(|(_, v)| v)
    })
}

/// The lock's content even if a thread panicked holding it (a panic is answered 500; the
/// state it guards is replaced whole, never left half-written).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

#[derive(Deserialize)]
struct UploadFile {
    name: String,
    data: String,
}

#[derive(Deserialize)]
struct Upload {
    files: Vec<UploadFile>,
    /// The column (or key) holding the participant ids, when the user chose one.
    #[serde(default)]
    id_column: Option<String>,
}

impl WorkbenchState {
    /// A session for a server on `port` with `token`, nothing open, uploads written into the
    /// system's temporary directory.
    ///
    /// ```
    /// let s = qstudy_serve::WorkbenchState::new(8080, "t".into());
    /// let r = s.handle(qstudy_serve::Request { method: "GET", url: "/api/state", host: Some("127.0.0.1:8080"), token: None, body: b"" });
    /// assert_eq!(r.status, 403);
    /// ```
    pub fn new(port: u16, token: String) -> WorkbenchState {
        WorkbenchState {
            port,
            token,
            opened: Mutex::new(None),
            session: None,
            analyses: AtomicU64::new(0),
        }
    }

    /// [`WorkbenchState::new`] with the session's private directory, where uploads go.
    pub fn with_session(port: u16, token: String, session: SessionDir) -> WorkbenchState {
        WorkbenchState {
            session: Some(session),
            ..WorkbenchState::new(port, token)
        }
    }

    /// The session's private directory, if it has one.
    pub fn session_dir(&self) -> Option<&Path> {
        self.session.as_ref().map(SessionDir::path)
    }

    /// Opens an input (replacing the one open).
    pub fn open(&self, opened: Opened) {
        *lock(&self.opened) = Some(Arc::new(opened));
    }

    /// Whether a request with this `Host`, token header and URL may be answered: checked from
    /// the request line and headers alone, before any body is read.
    pub fn allowed(
        &self,
        host: Option<&str>,
        token: Option<&str>,
        url: &str,
    ) -> Result<(), &'static str> {
        let host_ok = host.is_some_and(|h| {
            h == format!("127.0.0.1:{}", self.port) || h == format!("localhost:{}", self.port)
        });
        if !host_ok {
            return Err("refused: the Host must be 127.0.0.1 or localhost with this server's port");
        }
        let token = token.or_else(|| query_token(url));
        if !token.is_some_and(|t| same_secret(t, &self.token)) {
            return Err("refused: this request does not carry the session token");
        }
        Ok(())
    }

    /// The number an `/api/analyze` request takes when it arrives (other requests: none): a
    /// later one supersedes it while it waits.
    pub fn ticket(&self, method: &str, url: &str) -> Option<u64> {
        (method == "POST" && url.split('?').next() == Some("/api/analyze"))
            .then(|| self.analyses.fetch_add(1, Ordering::SeqCst) + 1)
    }

    fn summary(&self) -> Reply {
        let opened = lock(&self.opened).clone();
        let Some(o) = &opened else {
            return Reply::json(
                200,
                &State {
                    opened: None,
                    options: None,
                    fields: None,
                },
            );
        };
        let o = &o.input;
        Reply::json(
            200,
            &State {
                opened: Some(OpenSummary {
                    input: &o.shown,
                    title: o.loaded.study_title(),
                    format: o.loaded.format.description(),
                    sorts: o.loaded.table.sort_ids.len(),
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
                    note: words::missing_statements(&o.shown, o.study.statement_labels().is_some()),
                }),
                options: Some(options::starting(o)),
                fields: Some(options::fields()),
            },
        )
    }

    /// The open input and the page's choices sent with a request.
    fn options_of(&self, body: &[u8]) -> Result<(Arc<Opened>, OptionLayer), Reply> {
        let opened = lock(&self.opened)
            .clone()
            .ok_or_else(|| Reply::error(409, "no input is open"))?;
        let options: OptionLayer = serde_json::from_slice(body)
            .map_err(|e| Reply::error(400, format!("bad options: {e}")))?;
        Ok((opened, options))
    }

    /// The analysis of the page's choices, as `qstudy analyze` runs it, re-run from the first
    /// stage that changed since the last request. The choices are first fitted to the number
    /// of factors they keep, when they give it ([`OptionLayer::fit_to`]): those about a factor
    /// no longer kept are dropped, and said so. With a `ticket`, the request is answered 409
    /// (`superseded`) if a later one arrived while it waited for the analysis before it.
    fn analyze(&self, body: &[u8], ticket: Option<u64>) -> Result<PageAnalysis, Reply> {
        let (opened, mut options) = self.options_of(body)?;
        let dropped = match options.factors {
            Some(kept) if kept > 0 => options.fit_to(kept),
            _ => Vec::new(),
        };
        let dropped = dropped.iter().map(words::dropped).collect();
        let mut kept = opened.kept.lock().unwrap_or_else(|poisoned| {
            // an analysis panicked half-way: start the next one afresh
            let mut kept = poisoned.into_inner();
            *kept = load::Kept::default();
            kept
        });
        if ticket.is_some_and(|t| t != self.analyses.load(Ordering::SeqCst)) {
            return Err(Reply::json(
                409,
                &Answer::Superseded {
                    error: "this analysis was replaced by a newer one of this session (another tab?) before it started",
                    superseded: true,
                },
            ));
        }
        // The sorts these choices select: the opened input's, or those of its input selected
        // again (kept while the page's selection stays the same).
        let opened_input = &opened.input;
        let selection = opened_input
            .options(&options, Layers::OverDefaults)
            .selection;
        if selection == opened_input.selection {
            if kept.input.take().is_some() {
                kept.analysis = None;
            }
        } else if !kept
            .input
            .as_ref()
            .is_some_and(|i| i.selection == selection)
        {
            let again = opened_input.reselect(&selection).map_err(|e| {
                // an upload's files are named as uploaded
                let e = match &opened.upload_dir {
                    Some(dir) => e.map_paths(&|p| load::as_uploaded(p, dir.path())),
                    None => e,
                };
                Reply::failure(&ServeError::Selection(e))
            })?;
            kept.input = Some(Arc::new(again));
            kept.analysis = None;
        }
        let selected = kept.input.clone();
        let input: &Input = selected.as_deref().unwrap_or(opened_input);
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
            .analyze_kept(&mut kept.analysis, resolved)
            .map_err(failed)?;
        drop(kept);
        Ok(PageAnalysis {
            opened,
            selected,
            analyzed,
            options,
            dropped,
        })
    }

    /// Answers one request, the `Host` and token checked first.
    pub fn handle(&self, r: Request) -> Reply {
        if let Err(why) = self.allowed(r.host, r.token, r.url) {
            return Reply::error(403, why);
        }
        let ticket = self.ticket(r.method, r.url);
        self.respond(r.method, r.url, r.body, ticket)
    }

    /// Answers one request that passed [`WorkbenchState::allowed`]; `ticket` is the one it took
    /// on arrival ([`WorkbenchState::ticket`]).
    pub fn respond(&self, method: &str, url: &str, body: &[u8], ticket: Option<u64>) -> Reply {
        let path = url.split('?').next().unwrap_or("");
        let result = match (method, path) {
            ("GET", "/") | ("GET", "/index.html") => Ok(Reply {
                status: 200,
                content_type: "text/html; charset=utf-8",
                filename: None,
                body: page().into_bytes(),
            }),
            ("GET", "/api/state") => Ok(self.summary()),
            ("POST", "/api/load") => self.load(body),
            // streamed by the HTTP server as it arrives; here (the harness) from memory
            ("POST", "/api/upload") => self
                .upload_writer()
                .and_then(|mut w| w.feed(body).map(|()| w))
                .map(|w| self.open_uploaded(w))
                .map_err(|e| Reply::failure(&e)),
            ("POST", "/api/factors") => self.options_of(body).and_then(|(opened, o)| {
                // the sorts these choices select
                let selection = opened.input.options(&o, Layers::OverDefaults).selection;
                let again;
                let input = if selection == opened.input.selection {
                    &opened.input
                } else {
                    again = opened
                        .input
                        .reselect(&selection)
                        .map_err(|e| Reply::failure(&ServeError::Selection(e)))?;
                    &again
                };
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
            ("POST", "/api/analyze") => self.analyze(body, ticket).map(|a| {
                let mut results = a.analyzed.results;
                // the page draws no correlation matrix (it is n x n) and no unrotated loadings
                // (n x extracted: at 6,000 sorts a third of the answer)
                results.correlation = None;
                results.unrotated.loadings = Vec::new();
                let warnings = page_warnings(&results);
                // how each factor's plotted loadings compare with the space a rotation step turns
                Reply::json(
                    200,
                    &Answer::Analysis {
                        results: Box::new(results),
                        step_signs: a.analyzed.step_signs,
                        warnings,
                        options: Box::new(a.options),
                        dropped: a.dropped,
                    },
                )
            }),
            ("POST", "/api/composites") => self.analyze(body, None).and_then(|a| {
                let failed = |e: qstudy_app::PlotError| {
                    Reply::error(500, format!("the composite sorts could not be drawn: {e}"))
                };
                let mut figures = Vec::new();
                for plot in a.analyzed.composites().map_err(failed)? {
                    figures.push(Figure {
                        name: plot.name().to_string(),
                        title: plot.title().to_string(),
                        svg: plot.to_svg().map_err(failed)?,
                    });
                }
                Ok(Reply::json(200, &Answer::Composites { figures }))
            }),
            // One composite as a file: `?index=I&format=svg|png`, I its place among those of
            // `/api/composites`.
            ("POST", "/api/figure") => self.analyze(body, None).and_then(|a| {
                let query = |key: &str| query_value(url, key);
                let png = match query("format") {
                    Some("png") => true,
                    Some("svg") | None => false,
                    Some(_) => {
                        return Err(Reply::error(400, "a figure is downloaded as svg or png"));
                    }
                };
                let failed = |e: qstudy_app::PlotError| {
                    Reply::error(500, format!("the figure could not be drawn: {e}"))
                };
                let plots = a.analyzed.composites().map_err(failed)?;
                let plot = query("index")
                    .and_then(|i| i.parse::<usize>().ok())
                    .and_then(|i| plots.get(i))
                    .ok_or_else(|| {
                        Reply::error(404, "there is no such composite sort for these choices")
                    })?;
                let name = plot.name();
                let (bytes, content_type, ext) = if png {
                    (plot.to_png().map_err(failed)?, "image/png", "png")
                } else {
                    (
                        plot.to_svg().map_err(failed)?.into_bytes(),
                        "image/svg+xml",
                        "svg",
                    )
                };
                Ok(Reply {
                    status: 200,
                    content_type,
                    filename: Some(format!("{name}.{ext}")),
                    body: bytes,
                })
            }),
            ("POST", "/api/correlation") => self.analyze(body, None).map(|a| {
                let r = a.analyzed.results;
                Reply::json(
                    200,
                    &Answer::Correlation {
                        sort_ids: r.input.sort_ids,
                        correlation: r.correlation,
                    },
                )
            }),
            ("GET", "/api/data") => {
                let opened = lock(&self.opened).clone();
                match opened {
                    None => Err(Reply::error(409, "no input is open")),
                    Some(o) => {
                        let study = &o.input.study;
                        Ok(Reply::json(
                            200,
                            &Answer::Data {
                                sorts: study
                                    .values()
                                    .rows()
                                    .into_iter()
                                    .map(|r| r.to_vec())
                                    .collect(),
                                statistics: study.statement_statistics(),
                            },
                        ))
                    }
                }
            }
            // The choices must analyse before they are saved (fitted as for an analysis).
            ("POST", "/api/save") => self.analyze(body, None).and_then(|a| {
                let input = a.input();
                let name = archive::study_name(&input.shown);
                archive::study_zip(input, &a.options, &name)
                    .map(|z| Reply::zip(format!("{name}.zip"), z))
                    .map_err(|e| Reply::failure(&e))
            }),
            ("POST", "/api/download") => self.analyze(body, None).and_then(|a| {
                let input = a.input();
                let name = format!("{}-results", archive::stem(&input.shown));
                archive::results_zip(input, &a.analyzed, &name)
                    .map(|z| Reply::zip(format!("{name}.zip"), z))
                    .map_err(|e| Reply::failure(&e))
            }),
            (_, "/")
            | (_, "/api/state")
            | (_, "/api/load")
            | (_, "/api/upload")
            | (_, "/api/factors")
            | (_, "/api/analyze")
            | (_, "/api/save")
            | (_, "/api/download")
            | (_, "/api/composites")
            | (_, "/api/figure")
            | (_, "/api/correlation")
            | (_, "/api/data") => Err(Reply::error(405, format!("{method} is not allowed here"))),
            _ => Err(Reply::error(
                404,
                format!("{}: no such page", shown_path(path)),
            )),
        };
        result.unwrap_or_else(|e| e)
    }

    /// A writer for a streamed upload into this session's directory.
    pub fn upload_writer(&self) -> Result<load::UploadWriter, ServeError> {
        load::UploadWriter::new(self.session.as_ref())
    }

    /// Opens the files of a streamed upload (`POST /api/upload`); the answer is `/api/state`'s,
    /// or the message of the first thing wrong (the open input then stays as it was).
    pub fn open_uploaded(&self, writer: load::UploadWriter) -> Reply {
        let opened = writer
            .finish()
            .and_then(|(dir, rels)| load::open_written(dir, rels, self.session.as_ref()));
        match opened {
            Ok(opened) => {
                self.open(opened);
                self.summary()
            }
            Err(e) => Reply::failure(&e),
        }
    }

    fn load(&self, body: &[u8]) -> Result<Reply, Reply> {
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
        let opened = load::open_upload_with(&files, self.session.as_ref(), upload.id_column)
            .map_err(|e| Reply::failure(&e))?;
        self.open(opened);
        Ok(self.summary())
    }
}

/// Opens `file` (the page opener, [`Workbench::opener`]) in the default browser (`xdg-open`,
/// `open` or `start`); failing is not an error. The browser's command line holds the file's
/// name, not the token.
pub fn open_browser(file: &Path) -> bool {
    let spawned = if cfg!(target_os = "macos") {
        std::process::Command::new("open").arg(file).spawn()
    } else if cfg!(windows) {
        std::process::Command::new("cmd")
            .arg("/C")
            .arg("start")
            .arg("")
            .arg(file)
            .spawn()
    } else {
        std::process::Command::new("xdg-open").arg(file).spawn()
    };
    spawned.is_ok()
}
