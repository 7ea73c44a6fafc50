//! `qstudy serve` (crates/serve): loopback only, token and Host checks, the JSON API on the APSE
//! fixture, the saved study's round trip through `qstudy analyze`, and bad input's message.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;

use base64::Engine as _;
use qstudy_serve::{Stopper, Workbench};
use serde_json::{Value, json};
use support::{fixture, qstudy, results};

struct Server {
    port: u16,
    token: String,
    /// The session's private directory (uploads are written there).
    session: std::path::PathBuf,
    stopper: Stopper,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stopper.stop();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn start(input: Option<&Path>) -> Server {
    let wb = Workbench::bind(0, input).expect("bind");
    assert!(wb.addr().ip().is_loopback(), "{}", wb.addr());
    let url = wb.url();
    let (port, token) = {
        let rest = url.strip_prefix("http://127.0.0.1:").expect(&url);
        let (port, token) = rest.split_once("/?token=").expect(&url);
        (port.parse().unwrap(), token.to_string())
    };
    assert_eq!(token.len(), 32);
    let session = wb.session_dir().expect("a private directory").to_path_buf();
    let stopper = wb.stopper();
    let thread = Some(std::thread::spawn(move || {
        let _ = wb.run();
    }));
    Server {
        port,
        token,
        session,
        stopper,
        thread,
    }
}

/// One HTTP/1.0 request: (status, body).
fn send(
    port: u16,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, Vec<u8>) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut req = format!(
        "{method} {target} HTTP/1.0\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("response head");
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, raw[split + 4..].to_vec())
}

impl Server {
    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
    fn post(&self, path: &str, body: &Value) -> (u16, Vec<u8>) {
        let host = self.host();
        send(
            self.port,
            "POST",
            path,
            &[("Host", &host), ("X-Qstudy-Token", &self.token)],
            body.to_string().as_bytes(),
        )
    }
    /// `GET /api/state` (answered 200), as JSON.
    fn state(&self) -> Value {
        let host = self.host();
        let (status, bytes) = send(
            self.port,
            "GET",
            "/api/state",
            &[("Host", &host), ("X-Qstudy-Token", &self.token)],
            b"",
        );
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
        serde_json::from_slice(&bytes).unwrap()
    }
    fn post_json(&self, path: &str, body: &Value) -> Value {
        let (status, bytes) = self.post(path, body);
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
        serde_json::from_slice(&bytes).unwrap()
    }
}

fn unzip(bytes: &[u8], dir: &Path) -> std::path::PathBuf {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut top = None;
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        let rel = f.enclosed_name().expect("safe name");
        top.get_or_insert_with(|| rel.components().next().unwrap().as_os_str().to_owned());
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        std::fs::write(path, data).unwrap();
    }
    dir.join(top.unwrap())
}

/// `qstudy analyze` of a saved study into `out`: its results.json without the correlation
/// matrix (which the page does not get).
fn analyze_saved(study: &Path, out: &Path) -> Value {
    let run = qstudy(&[
        "analyze",
        study.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--no-plots",
        "--quiet",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut cli = results(out);
    // the page's answer leaves out the correlation matrix and the unrotated loadings
    cli.as_object_mut().unwrap().remove("correlation");
    cli["unrotated"]["loadings"] = serde_json::json!([]);
    cli
}

#[test]
fn requests_without_the_token_or_with_another_host_are_refused() {
    let s = start(None);
    let host = s.host();
    let with_token = format!("/?token={}", s.token);
    let page = send(s.port, "GET", &with_token, &[("Host", &host)], b"");
    assert_eq!(page.0, 200);
    let html = String::from_utf8(page.1).unwrap();
    assert!(html.contains("qstudy workbench") && html.contains("/api/analyze"));
    // Nothing fetched at run time: no external script, style, image or font (the SVG namespace
    // URI is a name, not a fetch).
    for external in [
        "src=\"http",
        "href=\"http",
        "url(http",
        "https://",
        "fetch(\"http",
    ] {
        assert!(!html.contains(external), "{external}");
    }
    let localhost = format!("localhost:{}", s.port);
    assert_eq!(
        send(s.port, "GET", &with_token, &[("Host", &localhost)], b"").0,
        200
    );
    // No token, a wrong token, a token in the wrong place.
    for target in ["/", "/?token=0123", "/api/state", "/?tok=x"] {
        assert_eq!(
            send(s.port, "GET", target, &[("Host", &host)], b"").0,
            403,
            "{target}"
        );
    }
    let wrong = "0".repeat(32);
    assert_eq!(
        send(
            s.port,
            "GET",
            "/api/state",
            &[("Host", &host), ("X-Qstudy-Token", &wrong)],
            b""
        )
        .0,
        403
    );
    // The right token with another Host (DNS rebinding), or none.
    for bad in ["evil.example:80", "127.0.0.1", "127.0.0.1:1", "localhost"] {
        assert_eq!(
            send(s.port, "GET", &with_token, &[("Host", bad)], b"").0,
            403,
            "{bad}"
        );
    }
    assert_eq!(send(s.port, "GET", &with_token, &[], b"").0, 403);
    // Oversized bodies are refused from their declared length, before being read (the
    // server closes the connection then: only the head is sent).
    let mut t = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    write!(
        t,
        "POST {with_token} HTTP/1.1\r\nHost: {host}\r\nContent-Length: {}\r\n\r\n",
        qstudy_serve::MAX_BODY_BYTES + 1
    )
    .unwrap();
    let mut head = [0u8; 12];
    t.read_exact(&mut head).unwrap();
    assert_eq!(&head, b"HTTP/1.1 413");
}

#[test]
fn the_api_analyses_saves_and_downloads_what_qstudy_analyze_reproduces() {
    let apse = fixture("apse-2023");
    let s = start(Some(Path::new(&apse)));
    let state = s.state();
    assert_eq!(state["opened"]["sorts"], 32);
    assert_eq!(state["options"]["factors"], 4);
    assert_eq!(
        state["options"]["factor_names"]["F1"],
        "galvanised dialogues"
    );
    // the page reads the values of its controls from the server
    assert_eq!(
        state["fields"]["method"],
        json!(["centroid", "pca", "horst"])
    );

    let factors = s.post_json("/api/factors", &state["options"]);
    assert_eq!(factors["report"]["recommended"], 4);

    let mut options = state["options"].clone();
    // the page's choices are spelled as the command line's options and study.toml's keys
    options["rotate"] = json!(["1,2,5", "3,4,-12.5"]);
    options["flag"] = json!(["O16=F1"]);
    options["unflag"] = json!(["C01=F2"]);
    options["invert"] = json!([3]);
    options["factor_names"]["F2"] = json!("renamed");
    let analysed = s.post_json("/api/analyze", &options);
    let page = &analysed["results"];
    assert!(page.get("correlation").is_none());
    assert_eq!(
        page["options"]["rotation_steps"],
        json!([[1, 2, 5.0], [3, 4, -12.5]])
    );
    // F3 is inverted: the page turns a plot of F3 the other way (results.json has no such key)
    let signs = analysed["step_signs"].as_array().unwrap();
    assert_eq!(signs.len(), 4);
    assert_eq!(signs[2], -1.0);
    // no reflection follows the steps: every other factor turns as the steps say
    assert_eq!(signs, &[json!(1.0), json!(1.0), json!(-1.0), json!(1.0)]);
    assert!(page["rotated"].get("step_signs").is_none());

    // The saved study, analysed by the CLI, gives the page's results.
    let (status, zip) = s.post("/api/save", &options);
    assert_eq!(status, 200);
    let tmp = tempfile::tempdir().unwrap();
    let study = unzip(&zip, &tmp.path().join("saved"));
    let toml = std::fs::read_to_string(study.join("study.toml")).unwrap();
    assert!(
        toml.contains("rotate = [\"1,2,5\", \"3,4,-12.5\"]"),
        "{toml}"
    );
    let out = tmp.path().join("cli");
    let cli = analyze_saved(&study, &out);
    assert_eq!(&cli, page);

    // The download holds the output directory of `qstudy analyze`, with the same results.json.
    let (status, zip) = s.post("/api/download", &options);
    assert_eq!(status, 200);
    let down = unzip(&zip, &tmp.path().join("download"));
    for f in [
        "results.json",
        "report.lis",
        "results.xlsx",
        "tables/loadings.csv",
        "report.html",
    ] {
        assert!(down.join(f).is_file(), "{f}");
    }
    assert_eq!(
        std::fs::read(down.join("results.json")).unwrap(),
        std::fs::read(out.join("results.json")).unwrap()
    );

    // An impossible k: the CLI's message; the session still analyses.
    let mut bad = options.clone();
    bad["factors"] = json!(40);
    let answer = s.post_json("/api/analyze", &bad);
    let cli = qstudy(&[
        "analyze",
        &apse,
        "--factors",
        "40",
        "--out",
        tmp.path().join("x").to_str().unwrap(),
    ]);
    assert_eq!(cli.code, 4);
    assert_eq!(
        format!("error: {}\n", answer["error"].as_str().unwrap()),
        cli.stderr
    );
    assert!(s.post_json("/api/analyze", &options)["results"].is_object());
}

#[test]
fn a_saved_pqmethod_project_becomes_a_study_that_reproduces_the_page() {
    let lipset = fixture("lipset/LIPSET.DAT");
    let s = start(Some(Path::new(&lipset)));
    let mut options = s.post_json("/api/factors", &json!({}));
    assert!(options["report"]["recommended"].as_u64().unwrap() >= 1);
    options = json!({ "factors": 3, "rotate": ["1,2,20"], "factor_names": { "F1": "first" } });
    let analysed = s.post_json("/api/analyze", &options);
    let page = &analysed["results"];
    assert_eq!(page["factors"][0]["label"], "first");

    let (status, zip) = s.post("/api/save", &options);
    assert_eq!(status, 200);
    let tmp = tempfile::tempdir().unwrap();
    let study = unzip(&zip, &tmp.path().join("saved"));
    let toml = std::fs::read_to_string(study.join("study.toml")).unwrap();
    assert!(
        toml.starts_with("# Saved by `qstudy serve` from "),
        "{toml}"
    );
    assert!(toml.contains("rotate = [\"1,2,20\"]"), "{toml}");
    let out = tmp.path().join("cli");
    let cli = analyze_saved(&study, &out);
    // the saved study names its statements by the .STA's texts, as the page showed them
    assert_eq!(cli["factors"], page["factors"]);
    assert_eq!(
        cli["input"]["statement_labels"],
        page["input"]["statement_labels"]
    );
    assert_eq!(cli["options"], page["options"]);
}

#[test]
fn bad_input_gets_the_message_of_qstudy_analyze() {
    let tmp = tempfile::tempdir().unwrap();
    let broken = tmp.path().join("broken.csv");
    std::fs::write(&broken, "P01,P02\n1,2\n3\n").unwrap();
    let cli = qstudy(&[
        "analyze",
        broken.to_str().unwrap(),
        "--out",
        tmp.path().join("o").to_str().unwrap(),
    ]);
    assert_eq!(cli.code, 3);
    // A path given to `qstudy serve`.
    let e = Workbench::bind(0, Some(&broken)).err().expect("refused");
    assert_eq!(format!("error: {e}\n"), cli.stderr);
    // The same file uploaded: named as uploaded, without the command line's way of choosing
    // a format (the page reads an upload by its name and content); the open study stays.
    let apse = fixture("apse-2023");
    let s = start(Some(Path::new(&apse)));
    let data = base64::engine::general_purpose::STANDARD.encode(std::fs::read(&broken).unwrap());
    let answer = s.post_json(
        "/api/load",
        &json!({"files": [{"name": "broken.csv", "data": data}]}),
    );
    let prefix = format!("{}{}", tmp.path().display(), std::path::MAIN_SEPARATOR);
    let hint = "; give the format explicitly to read it otherwise)";
    assert!(cli.stderr.contains(hint), "{}", cli.stderr);
    assert_eq!(
        format!("error: {}\n", answer["error"].as_str().unwrap()),
        cli.stderr.replace(&prefix, "").replace(hint, ")")
    );
    let state = s.post_json("/api/analyze", &json!({"factors": 4}));
    assert_eq!(state["results"]["input"]["sorts"], 32);
    // Names that lead out of the upload directory are refused.
    for name in ["../x.csv", "/etc/passwd"] {
        let answer = s.post_json(
            "/api/load",
            &json!({"files": [{"name": name, "data": data}]}),
        );
        assert!(
            answer["error"]
                .as_str()
                .unwrap()
                .contains("plain relative name"),
            "{answer}"
        );
    }
}

#[test]
fn an_analysis_waiting_behind_another_is_superseded_by_a_later_one() {
    let state = qstudy_serve::WorkbenchState::new(8080, "t".repeat(32));
    state.open(qstudy_serve::load::open_path(fixture("lipset/LIPSET.DAT").as_ref()).unwrap());
    let first = state.ticket("POST", "/api/analyze");
    let second = state.ticket("POST", "/api/analyze");
    assert!(first.is_some() && second > first);
    assert_eq!(state.ticket("GET", "/api/state"), None);
    let body = br#"{"factors": 2}"#;
    let late = state.respond("POST", "/api/analyze", body, first);
    assert_eq!(late.status, 409);
    let answer: Value = serde_json::from_slice(&late.body).unwrap();
    assert_eq!(answer["superseded"], true);
    let latest = state.respond("POST", "/api/analyze", body, second);
    assert_eq!(
        latest.status,
        200,
        "{}",
        String::from_utf8_lossy(&latest.body)
    );
}

/// The download of a study whose attribute is named by a survey question (~300 characters):
/// every figure, under a short name.
#[test]
fn a_download_with_attributes_named_by_questions_holds_every_figure() {
    let tmp = tempfile::tempdir().unwrap();
    let study = crate::output_names::study(tmp.path());
    let s = start(Some(&study));
    let state = s.state();
    let (status, zip) = s.post("/api/download", &state["options"]);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&zip));
    let down = unzip(&zip, &tmp.path().join("download"));
    let groups: Vec<String> = std::fs::read_dir(down.join("plots"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("groups-"))
        .collect();
    assert_eq!(groups.len(), 6, "three attributes, SVG and PNG: {groups:?}");
    assert!(groups.iter().all(|n| n.len() <= 60), "{groups:?}");
}

/// Uploads `files` (`(name, bytes)`) as the page does; the answer.
fn upload(s: &Server, files: &[(&str, &[u8])]) -> Value {
    let files: Vec<Value> = files
        .iter()
        .map(|(name, bytes)| {
            json!({"name": name, "data": base64::engine::general_purpose::STANDARD.encode(bytes)})
        })
        .collect();
    s.post_json("/api/load", &json!({ "files": files }))
}

/// Whether `text` names a command-line option (`--` then a letter).
fn names_a_flag(text: &str) -> bool {
    text.as_bytes()
        .windows(3)
        .any(|w| w[0] == b'-' && w[1] == b'-' && w[2].is_ascii_alphabetic())
}

/// A message the page shows: in its words (no command-line option) and without the server's
/// paths (the session's private directory).
fn assert_page_words(s: &Server, text: &str) {
    assert!(!names_a_flag(text), "names a flag: {text}");
    assert!(!text.contains("qstudy-serve-"), "a server path: {text}");
    let session = s.session.display().to_string();
    assert!(!text.contains(&session), "the session directory: {text}");
    let tmp = std::env::temp_dir().display().to_string();
    assert!(!text.contains(&tmp), "a server path: {text}");
}

/// The `error` of an answer, checked to be in the page's words; returned.
fn page_error(s: &Server, answer: &Value) -> String {
    let e = answer["error"]
        .as_str()
        .unwrap_or_else(|| panic!("an error: {answer}"))
        .to_string();
    assert_page_words(s, &e);
    e
}

#[test]
fn messages_speak_the_page_not_the_command_line() {
    let apse = fixture("apse-2023");
    let s = start(Some(Path::new(&apse)));
    let tmp = tempfile::tempdir().unwrap();

    // A CSV whose grid cannot be inferred: the command line asks for --grid, the page for a
    // study.toml that gives it; the file is named as uploaded.
    let ungridded = b"A,B\n1,0\n0,0\n-1,1\n";
    let file = tmp.path().join("ungridded.csv");
    std::fs::write(&file, ungridded).unwrap();
    let cli = qstudy(&[
        "analyze",
        file.to_str().unwrap(),
        "--out",
        tmp.path().join("o").to_str().unwrap(),
    ]);
    assert!(cli.stderr.contains("--grid"), "{}", cli.stderr);
    let e = page_error(&s, &upload(&s, &[("ungridded.csv", ungridded)]));
    assert!(e.starts_with("ungridded.csv: "), "{e}");
    assert!(e.contains("study.toml gives the grid"), "{e}");

    // An unknown extension: the command line says to give the format, the page what to open.
    let e = page_error(&s, &upload(&s, &[("sorts.sav", ungridded)]));
    assert!(
        e.starts_with("sorts.sav: unknown input format (extension '.sav')"),
        "{e}"
    );
    assert!(!e.contains("explicitly"), "{e}");
    // A lone .STA: open it with its .DAT.
    let sta = std::fs::read(fixture("lipset/LIPSET.STA")).unwrap();
    let e = page_error(&s, &upload(&s, &[("LIPSET.STA", &sta)]));
    assert!(e.contains("open it together with its .DAT"), "{e}");
    // A .STA with a blank line names both files as uploaded.
    let dat = std::fs::read(fixture("lipset/LIPSET.DAT")).unwrap();
    let e = page_error(
        &s,
        &upload(
            &s,
            &[
                ("lipset/LIPSET.DAT", &dat),
                ("lipset/LIPSET.STA", b"one\r\n\r\nthree\r\n"),
            ],
        ),
    );
    assert!(e.starts_with("lipset/LIPSET.STA: line 2 is blank"), "{e}");
    assert!(e.contains("statements in lipset/LIPSET.DAT)"), "{e}");
    // A study directory without its sorts file, and one whose sorts file is a directory.
    let manifest = std::fs::read(Path::new(&apse).join("study.toml")).unwrap();
    let statements = std::fs::read(Path::new(&apse).join("statements.csv")).unwrap();
    let participants = std::fs::read(Path::new(&apse).join("participants.csv")).unwrap();
    let e = page_error(
        &s,
        &upload(
            &s,
            &[
                ("apse/study.toml", &manifest),
                ("apse/statements.csv", &statements),
                ("apse/participants.csv", &participants),
            ],
        ),
    );
    assert!(e.starts_with("apse/sorts.csv: file not found"), "{e}");
    let e = page_error(
        &s,
        &upload(
            &s,
            &[
                ("apse/study.toml", &manifest),
                ("apse/statements.csv", &statements),
                ("apse/participants.csv", &participants),
                ("apse/sorts.csv/x.csv", b"x"),
            ],
        ),
    );
    assert!(e.contains("apse/sorts.csv is a directory"), "{e}");

    // Impossible choices on the study still open (the uploads above changed nothing).
    let state = s.post_json("/api/factors", &json!({"factors": 4}));
    assert_eq!(state["report"]["sorts"], 32);
    let base = json!({"factors": 4, "method": "centroid"});
    let with = |key: &str, value: Value| {
        let mut o = base.clone();
        o[key] = value;
        o
    };
    for (options, says) in [
        (
            with("flag", json!(["C01=x"])),
            "flag of C01 on x: factor 'x' does not exist",
        ),
        (
            with("unflag", json!(["ZZ9=F1"])),
            "unflag of ZZ9 on F1: no sort with id 'ZZ9'",
        ),
        (
            with("extract", json!(2)),
            "4 factor(s) to keep but only 2 extracted (Extract)",
        ),
        (
            with("split", json!([2, 2])),
            "factor 2 is split more than once",
        ),
    ] {
        let e = page_error(&s, &s.post_json("/api/analyze", &options));
        assert!(e.contains(says), "{e}");
    }
    let horst = json!({"factors": 4, "method": "horst", "horst_iterations": 0});
    let e = page_error(&s, &s.post_json("/api/factors", &horst));
    assert!(e.contains("horst_iterations must be at least 1"), "{e}");
    // The command line names its flag for the same choice.
    let cli = qstudy(&[
        "analyze",
        &apse,
        "--extract",
        "2",
        "--out",
        tmp.path().join("x").to_str().unwrap(),
    ]);
    assert!(cli.stderr.contains("(--extract)"), "{}", cli.stderr);

    // Choices on factors no longer kept are dropped with notes in the page's words; a flag on
    // the half of a factor that is not split is moved.
    let mut options = with("flag", json!(["C01=F9", "C02=F2a"]));
    options["unflag"] = json!(["C03=F4"]);
    options["factors"] = json!(3);
    let answer = s.post_json("/api/analyze", &options);
    assert!(answer["results"].is_object(), "{answer}");
    let dropped = answer["dropped"].as_array().unwrap();
    assert_eq!(dropped.len(), 3, "{answer}");
    for note in dropped {
        assert_page_words(&s, note.as_str().unwrap());
    }
    for warning in answer["warnings"].as_array().unwrap() {
        assert_page_words(&s, warning["text"].as_str().unwrap());
    }
}

/// The page's warnings are `warnings.txt`'s, line for line, each with what it is about.
#[test]
fn the_page_gets_the_warnings_of_warnings_txt() {
    let apse = fixture("apse-2023");
    let s = start(Some(Path::new(&apse)));
    let options = json!({
        "factors": 4,
        "flag": ["C01=F2", "C05=F3", "O03=F1", "O07=F4"],
        "unflag": ["C02=F1"],
        "invert": [2],
    });
    let answer = s.post_json("/api/analyze", &options);
    assert!(answer["dropped"].as_array().unwrap().is_empty(), "{answer}");
    let warnings = answer["warnings"].as_array().unwrap();
    let (status, zip) = s.post("/api/download", &options);
    assert_eq!(status, 200);
    let tmp = tempfile::tempdir().unwrap();
    let down = unzip(&zip, tmp.path());
    let txt = std::fs::read_to_string(down.join("warnings.txt")).unwrap();
    let lines: Vec<&str> = txt.lines().collect();
    let texts: Vec<&str> = warnings
        .iter()
        .map(|w| w["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, lines);
    // many warnings of several kinds, each with its kind's key
    assert!(texts.len() >= 5, "{texts:?}");
    let groups: std::collections::BTreeSet<&str> = warnings
        .iter()
        .map(|w| w["group"].as_str().unwrap())
        .collect();
    assert!(groups.len() >= 2, "{groups:?}");
    // each names the sorts and factors it is about
    let results = &answer["results"];
    let sort_ids: Vec<&str> = results["input"]["sort_ids"]
        .as_array()
        .map(|a| a.iter().map(|v| v.as_str().unwrap()).collect())
        .unwrap_or_default();
    for w in warnings {
        let text = w["text"].as_str().unwrap();
        for sort in w["sorts"].as_array().unwrap() {
            let sort = sort.as_str().unwrap();
            assert!(text.contains(sort), "{w}");
            assert!(sort_ids.is_empty() || sort_ids.contains(&sort), "{w}");
        }
        for factor in w["factors"].as_array().unwrap() {
            assert!(text.contains(factor.as_str().unwrap()), "{w}");
        }
    }
    let several = warnings
        .iter()
        .find(|w| w["group"] == "flagged_on_several")
        .expect("a sort flagged on two factors");
    assert_eq!(several["sorts"].as_array().unwrap().len(), 1);
    assert!(several["factors"].as_array().unwrap().len() >= 2);
}

/// APSE names four factors: keeping three drops what is about F4, and says so; the choices as
/// applied keep four again with nothing dropped.
#[test]
fn choices_about_factors_no_longer_kept_are_dropped_and_said() {
    let apse = fixture("apse-2023");
    let s = start(Some(Path::new(&apse)));
    let state = s.state();
    let mut options = state["options"].clone();
    options["flag"] = json!(["O16=F4", "C04=F1"]);
    options["invert"] = json!([4]);
    options["rotate"] = json!(["1,2,5", "3,4,10", "4,1,-5"]);
    options["factors"] = json!(3);
    let answer = s.post_json("/api/analyze", &options);
    assert!(answer["results"].is_object(), "{answer}");
    assert_eq!(answer["results"]["factors"].as_array().unwrap().len(), 3);
    let dropped: Vec<&str> = answer["dropped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    assert_eq!(
        dropped,
        [
            "the name 'stressed collaboration' of F4: F4 is no longer kept (3 factors)",
            "the flag of O16 on F4: F4 is no longer kept (3 factors)",
            "inverting F4: F4 is no longer kept (3 factors)",
            "2 hand rotation steps on F4: F4 is no longer kept (3 factors)",
        ]
    );
    let applied = &answer["options"];
    assert!(applied["factor_names"].get("F4").is_none(), "{applied}");
    assert_eq!(applied["factor_names"]["F3"], "frustrated expectations");
    assert_eq!(applied["flag"], json!(["C04=F1"]));
    assert!(applied.get("invert").is_none(), "{applied}");
    assert_eq!(applied["rotate"], json!(["1,2,5"]));
    // the analysis is that of the choices as applied
    let again = s.post_json("/api/analyze", applied);
    assert_eq!(again["results"], answer["results"]);
    assert!(again["dropped"].as_array().unwrap().is_empty());
    // keep four again: nothing to drop
    let mut four = applied.clone();
    four["factors"] = json!(4);
    let answer = s.post_json("/api/analyze", &four);
    assert!(answer["results"].is_object(), "{answer}");
    assert!(answer["dropped"].as_array().unwrap().is_empty(), "{answer}");
    assert_eq!(&answer["options"], &four);

    // The saved study is the choices as applied: `qstudy analyze` reproduces the page.
    let page = s.post_json("/api/analyze", &options)["results"].clone();
    let (status, zip) = s.post("/api/save", &options);
    assert_eq!(status, 200);
    let tmp = tempfile::tempdir().unwrap();
    let study = unzip(&zip, &tmp.path().join("saved"));
    let toml = std::fs::read_to_string(study.join("study.toml")).unwrap();
    assert!(!toml.contains("F4 ="), "{toml}");
    let cli = analyze_saved(&study, &tmp.path().join("cli"));
    assert_eq!(cli, page);
    // Without the number of factors, nothing is fitted.
    let mut unknown = options.clone();
    unknown.as_object_mut().unwrap().remove("factors");
    unknown["flag"] = json!(["O16=F9"]);
    let answer = s.post_json("/api/analyze", &unknown);
    assert!(
        answer["error"].as_str().unwrap().contains("'F9'"),
        "{answer}"
    );
}

/// The scree the page draws (see the route table of `qstudy_serve`): the correlation matrix's
/// eigenvalues (`parallel.observed`) against the parallel-analysis line
/// (`parallel.random_percentile`); the leading points above it are the count the reasons give.
#[test]
fn the_scree_points_above_the_line_are_the_count_the_reasons_give() {
    for (input, method) in [("lipset/LIPSET.DAT", "centroid"), ("apse-2023", "pca")] {
        let s = start(Some(Path::new(&fixture(input))));
        let report = &s.post_json("/api/factors", &json!({"method": method}))["report"];
        let numbers = |v: &Value| -> Vec<f64> {
            v.as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect()
        };
        let points = numbers(&report["parallel"]["observed"]);
        let line = numbers(&report["parallel"]["random_percentile"]);
        assert_eq!(points.len(), line.len());
        let above = points.iter().zip(&line).take_while(|(p, l)| p > l).count();
        assert!(above >= 1, "{input}");
        assert_eq!(report["parallel"]["retained"], above, "{input}");
        let reason = report["reasons"][0].as_str().unwrap();
        assert!(
            reason.starts_with(&format!(
                "parallel analysis: {above} eigenvalue(s) of the correlation matrix exceed"
            )),
            "{reason}"
        );
        assert!(report["recommended"].as_u64().unwrap() as usize <= above);
        // the Kaiser-Guttman line (1) goes with the extraction's eigenvalues
        let eigen = numbers(&report["eigenvalues"]);
        let kaiser = eigen.iter().take_while(|&&e| e > 1.0).count();
        assert_eq!(report["kaiser_guttman"], kaiser, "{input}");
    }
}

#[test]
fn the_page_leaves_sorts_out_and_its_saved_study_keeps_the_choice() {
    let apse = fixture("apse-2023");
    let s = start(Some(Path::new(&apse)));
    let state = s.state();
    // every sort as read, for the page to offer them
    assert_eq!(state["opened"]["sort_ids"].as_array().unwrap().len(), 32);
    let mut options = state["options"].clone();
    options["where"] = json!(["role=officer"]);
    let analysed = s.post_json("/api/analyze", &options);
    let page = &analysed["results"];
    assert_eq!(page["input"]["sorts"], 16);
    assert_eq!(page["options"]["where"][0]["values"], json!(["officer"]));
    assert_eq!(page["options"]["left_out"].as_array().unwrap().len(), 16);
    // the saved study keeps every sort and the choice; `qstudy analyze` gives the page's results
    options["exclude"] = json!(["O01"]);
    let page = s.post_json("/api/analyze", &options)["results"].clone();
    assert_eq!(page["input"]["sorts"], 15);
    let (status, zip) = s.post("/api/save", &options);
    assert_eq!(status, 200);
    let tmp = tempfile::tempdir().unwrap();
    let study = unzip(&zip, &tmp.path().join("saved"));
    let toml = std::fs::read_to_string(study.join("study.toml")).unwrap();
    assert!(toml.contains("exclude = [\"O01\"]"), "{toml}");
    assert!(toml.contains("where = [\"role=officer\"]"), "{toml}");
    let sorts = std::fs::read_to_string(study.join("sorts.csv")).unwrap();
    assert_eq!(sorts.lines().count(), 33);
    assert_eq!(analyze_saved(&study, &tmp.path().join("cli")), page);
    // the download is of the sorts selected
    let (status, zip) = s.post("/api/download", &options);
    assert_eq!(status, 200);
    let down = unzip(&zip, &tmp.path().join("download"));
    let r: Value =
        serde_json::from_slice(&std::fs::read(down.join("results.json")).unwrap()).unwrap();
    assert_eq!(r["input"]["sorts"], 15);
    // back to every sort
    options["exclude"] = json!([]);
    options["where"] = json!([]);
    let page = s.post_json("/api/analyze", &options);
    assert_eq!(page["results"]["input"]["sorts"], 32);
    // a selection that names nothing: the page's words
    options["exclude"] = json!(["X99"]);
    let answer = s.post_json("/api/analyze", &options);
    let e = page_error(&s, &answer);
    assert!(e.ends_with("exclude: no sort with id 'X99'"), "{e}");
}

#[test]
fn an_upload_takes_its_statements_and_id_column() {
    let s = start(None);
    let sorts = std::fs::read(fixture("kade-demo/ipad-survey-japanese/sorts.csv")).unwrap();
    let texts = std::fs::read(fixture("kade-demo/ipad-survey-japanese/statements.txt")).unwrap();
    let state = upload(&s, &[("sorts.csv", &sorts), ("statements.txt", &texts)]);
    let labels = state["opened"]["statement_labels"].as_array().unwrap();
    assert_eq!(labels.len(), 60);
    let netlify = std::fs::read(fixture("eqwebsort/apse-netlify.csv")).unwrap();
    let files = vec![json!({
        "name": "netlify.csv",
        "data": base64::engine::general_purpose::STANDARD.encode(&netlify),
    })];
    let state = s.post_json(
        "/api/load",
        &json!({"files": files, "id_column": "urlUsercode"}),
    );
    assert_eq!(state["opened"]["sort_ids"][0], "C01");
    let answer = s.post_json("/api/load", &json!({"files": files, "id_column": "email"}));
    let e = page_error(&s, &answer);
    assert!(e.starts_with("netlify.csv: line 1: no key 'email'"), "{e}");
}

/// The panels of the workbench get what `qstudy analyze` writes: the composite sorts (the same
/// SVG as `plots/composite-*.svg`, and as files), the correlation matrix of results.json, the
/// sorts as read and how they placed each statement.
#[test]
fn the_panels_get_the_figures_the_correlations_and_the_data_of_analyze() {
    let apse = fixture("apse-2023");
    let s = start(Some(Path::new(&apse)));
    let options = s.state()["options"].clone();
    let out = tempfile::tempdir().unwrap();
    let run = qstudy(&[
        "analyze",
        &apse,
        "--out",
        out.path().to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let cli = results(out.path());

    let figures = s.post_json("/api/composites", &options);
    let figures = figures["figures"].as_array().unwrap();
    assert_eq!(figures.len(), 4);
    for (i, f) in figures.iter().enumerate() {
        let name = f["name"].as_str().unwrap();
        let svg = std::fs::read_to_string(out.path().join(format!("plots/{name}.svg"))).unwrap();
        assert_eq!(f["svg"].as_str().unwrap(), svg, "{name}");
        let (status, png) = s.post(&format!("/api/figure?index={i}&format=png"), &options);
        assert_eq!(status, 200);
        assert_eq!(
            png,
            std::fs::read(out.path().join(format!("plots/{name}.png"))).unwrap()
        );
        let (status, file) = s.post(&format!("/api/figure?index={i}&format=svg"), &options);
        assert_eq!((status, file), (200, svg.into_bytes()));
    }
    let (status, bytes) = s.post("/api/figure?index=9&format=svg", &options);
    assert_eq!(status, 404, "{}", String::from_utf8_lossy(&bytes));
    let (status, _) = s.post("/api/figure?index=0&format=gif", &options);
    assert_eq!(status, 400);

    let corr = s.post_json("/api/correlation", &options);
    assert_eq!(corr["correlation"], cli["correlation"]);
    assert_eq!(corr["sort_ids"], cli["input"]["sort_ids"]);

    let host = s.host();
    let (status, bytes) = send(
        s.port,
        "GET",
        "/api/data",
        &[("Host", &host), ("X-Qstudy-Token", &s.token)],
        b"",
    );
    assert_eq!(status, 200);
    let data: Value = serde_json::from_slice(&bytes).unwrap();
    let sorts = data["sorts"].as_array().unwrap();
    assert_eq!(sorts.len(), 32);
    // C01's row of sorts.csv
    let csv = std::fs::read_to_string(Path::new(&apse).join("sorts.csv")).unwrap();
    let c01: Vec<f64> = csv
        .lines()
        .find(|l| l.starts_with("C01,"))
        .unwrap()
        .split(',')
        .skip(1)
        .map(|v| v.parse().unwrap())
        .collect();
    assert_eq!(sorts[0], json!(c01));
    // statement 1: the mean and sample SD of its column
    let column: Vec<f64> = sorts.iter().map(|r| r[0].as_f64().unwrap()).collect();
    let mean = column.iter().sum::<f64>() / 32.0;
    let sd = (column.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / 31.0).sqrt();
    let st = &data["statistics"][0];
    assert!((st["mean"].as_f64().unwrap() - mean).abs() < 1e-12);
    assert!((st["sd"].as_f64().unwrap() - sd).abs() < 1e-12);
    assert_eq!(
        st["min"],
        json!(column.iter().copied().fold(f64::INFINITY, f64::min))
    );
    assert_eq!(
        st["max"],
        json!(column.iter().copied().fold(f64::NEG_INFINITY, f64::max))
    );
}

/// The page's framing of `files` for `POST /api/upload`.
fn framed(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = b"QSUP1\n".to_vec();
    for (name, data) in files {
        out.extend((name.len() as u32).to_le_bytes());
        out.extend(name.as_bytes());
        out.extend((data.len() as u64).to_le_bytes());
        out.extend(*data);
    }
    out
}

fn stream_upload(s: &Server, files: &[(&str, &[u8])]) -> Value {
    let host = s.host();
    let (status, bytes) = send(
        s.port,
        "POST",
        "/api/upload",
        &[("Host", &host), ("X-Qstudy-Token", &s.token)],
        &framed(files),
    );
    assert!(
        status == 200,
        "{status}: {}",
        String::from_utf8_lossy(&bytes)
    );
    serde_json::from_slice(&bytes).unwrap()
}

/// Files go to the server as they are (their bytes counted, not base64's); a saved study's zip
/// reopens with its choices; a lone .STA says to add its .DAT, a lone .DAT that its .STA
/// holds the texts.
#[test]
fn uploads_stream_saved_zips_reopen_and_lone_pqmethod_files_say_what_to_add() {
    let apse = fixture("apse-2023");
    let s = start(None);
    let read = |f: &str| std::fs::read(Path::new(&apse).join(f)).unwrap();
    let names = [
        "study.toml",
        "statements.csv",
        "sorts.csv",
        "participants.csv",
    ];
    let data: Vec<Vec<u8>> = names.iter().map(|f| read(f)).collect();
    let files: Vec<(&str, &[u8])> = names
        .iter()
        .zip(&data)
        .map(|(n, d)| (*n, d.as_slice()))
        .collect();
    let state = stream_upload(&s, &files);
    assert_eq!(state["opened"]["sorts"], 32);
    let mut options = state["options"].clone();
    options["rotate"] = json!(["1,2,7.5"]);
    options["flag"] = json!(["O16=F1"]);
    options["factor_names"]["F2"] = json!("renamed");
    let before = s.post_json("/api/analyze", &options);
    let (status, zip) = s.post("/api/save", &options);
    assert_eq!(status, 200);
    let reopened = stream_upload(&s, &[("apse-2023-study.zip", &zip)]);
    assert_eq!(reopened["opened"]["sorts"], 32);
    let after = s.post_json("/api/analyze", &reopened["options"]);
    assert_eq!(
        after["results"], before["results"],
        "the saved zip reopens to the same analysis"
    );

    let sta = std::fs::read(fixture("lipset/LIPSET.STA")).unwrap();
    let answer = page_error(&s, &{
        let host = s.host();
        let (_, bytes) = send(
            s.port,
            "POST",
            "/api/upload",
            &[("Host", &host), ("X-Qstudy-Token", &s.token)],
            &framed(&[("LIPSET.STA", &sta)]),
        );
        serde_json::from_slice(&bytes).unwrap()
    });
    assert!(
        answer.contains("LIPSET.STA") && answer.contains(".DAT"),
        "{answer}"
    );
    let dat = std::fs::read(fixture("lipset/LIPSET.DAT")).unwrap();
    let alone = stream_upload(&s, &[("LIPSET.DAT", &dat)]);
    let note = alone["opened"]["note"].as_str().unwrap_or_default();
    assert!(note.contains("LIPSET.STA"), "{alone}");
    let both = stream_upload(&s, &[("LIPSET.DAT", &dat), ("LIPSET.STA", &sta)]);
    assert!(both["opened"].get("note").is_none(), "{both}");
}
