//! `qstudy serve` under attack by a local client without the token, and under load (issue 20):
//! the server runs as its own process (this test binary re-run as `qstudy serve`, see
//! [`serve_child`]), so that its memory is measured, its file limit set and signals sent. On
//! loopback, with bounded counts and times: a 100 GB declared body; a trickled and a withheld
//! body; a 200 MiB header line; 600 idle connections under a 1,024 file limit; a long analysis in
//! one tab while another asks `/api/state`. Each time the server stays up, its resident memory
//! grows less than 100 MB, and another client is answered within 1 s.
//! Also: the private directory of uploads (0700, files 0600, gone after SIGTERM; a dead
//! session's removed at the next start) and the browser opener (the token not on a command
//! line).

#![cfg(unix)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;

/// Not a test of its own: when `support::CHILD_ARGS` is set, this process is `qstudy serve
/// ...` (`support::run_as_child`).
#[test]
fn serve_child() {
    if let Some(code) = support::run_as_child() {
        std::process::exit(code);
    }
}

/// A `qstudy serve` process.
struct Served {
    child: Child,
    port: u16,
    token: String,
    stderr: Option<std::process::ChildStderr>,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `qstudy serve --no-open --port 0 ARGS` with `env`, under `ulimit -n` of `files` if
/// given.
fn serve(args: &[&str], env: &[(&str, &Path)], files: Option<u32>) -> Served {
    let mut all = vec!["serve", "--no-open", "--port", "0"];
    all.extend_from_slice(args);
    let limit = files.map(|n| format!("ulimit -n {n}"));
    let mut cmd = support::child_command("serve_limits::serve_child", &all, limit.as_deref());
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn the server");
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    let mut reader = BufReader::new(stdout);
    while !line.contains("qstudy workbench: ") {
        line.clear();
        assert!(
            reader.read_line(&mut line).unwrap() > 0,
            "the server did not start"
        );
    }
    // keep reading its stdout (libtest's lines) so that it never blocks
    std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
    let url = line.trim().trim_start_matches("qstudy workbench: ");
    let (port, token) = url
        .strip_prefix("http://127.0.0.1:")
        .and_then(|r| r.split_once("/?token="))
        .expect(url);
    let stderr = child.stderr.take();
    Served {
        child,
        port: port.parse().unwrap(),
        token: token.to_string(),
        stderr,
    }
}

impl Served {
    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Resident memory, in bytes.
    fn rss(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let kb: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .expect("VmRSS");
        kb * 1024
    }

    fn alive(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// One request with the token: its status and body, and how long the answer took.
    fn request(&self, method: &str, path: &str, body: &[u8]) -> (u16, Vec<u8>, Duration) {
        let start = Instant::now();
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nX-Qstudy-Token: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            self.host(),
            self.token,
            body.len()
        );
        s.write_all(head.as_bytes()).unwrap();
        s.write_all(body).unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).unwrap();
        let (status, body) = split_response(&raw);
        (status, body, start.elapsed())
    }

    /// Asserts that `/api/state` is answered (200) within 1 s.
    fn answers_quickly(&self, when: &str) -> Duration {
        let (status, _, took) = self.request("GET", "/api/state", b"");
        assert_eq!(status, 200, "{when}");
        assert!(
            took < Duration::from_secs(1),
            "{when}: /api/state took {took:?}"
        );
        took
    }

    /// Stops it with SIGTERM; its exit status and standard error.
    fn terminate(mut self) -> (std::process::ExitStatus, String) {
        let pid = self.child.id().to_string();
        assert!(
            Command::new("kill")
                .args(["-TERM", &pid])
                .status()
                .unwrap()
                .success()
        );
        let status = wait_for(&mut self.child, Duration::from_secs(10));
        let mut err = String::new();
        if let Some(mut e) = self.stderr.take() {
            let _ = e.read_to_string(&mut err);
        }
        (status, err)
    }
}

fn wait_for(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(start.elapsed() < limit, "the server did not stop");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn split_response(raw: &[u8]) -> (u16, Vec<u8>) {
    let Some(split) = raw.windows(4).position(|w| w == b"\r\n\r\n") else {
        return (0, raw.to_vec());
    };
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, raw[split + 4..].to_vec())
}

/// Sends `head` (and no more) and reads the status of the answer, within `limit`.
fn status_of_head(port: u16, head: &str, limit: Duration) -> u16 {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(limit)).unwrap();
    s.write_all(head.as_bytes()).unwrap();
    let mut raw = Vec::new();
    let mut buf = [0u8; 4096];
    // read the head only: the connection may stay open
    while !raw.windows(4).any(|w| w == b"\r\n\r\n") {
        match s.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
            Err(e) => panic!("no answer within {limit:?}: {e}"),
        }
    }
    split_response(&raw).0
}

const MB: u64 = 1_000_000;

#[test]
fn a_100_gb_declared_body_is_refused_from_its_headers_and_the_server_stays_up() {
    let mut s = serve(&[], &[], None);
    s.answers_quickly("at start");
    let before = s.rss();
    // no token, another Host: refused from the headers (the issue's ~70-byte request)
    let status = status_of_head(
        s.port,
        "POST / HTTP/1.1\r\nHost: evil.example\r\nContent-Length: 100000000000\r\n\r\n",
        Duration::from_secs(1),
    );
    assert_eq!(status, 403);
    // the right Host and token: too large, refused before reading
    let head = format!(
        "POST /api/load HTTP/1.1\r\nHost: {}\r\nX-Qstudy-Token: {}\r\nContent-Length: 100000000000\r\n\r\n",
        s.host(),
        s.token
    );
    assert_eq!(status_of_head(s.port, &head, Duration::from_secs(1)), 413);
    std::thread::sleep(Duration::from_millis(200));
    assert!(s.alive(), "the server died");
    s.answers_quickly("after the 100 GB length");
    let grown = s.rss().saturating_sub(before);
    assert!(grown < 100 * MB, "memory grew {grown} bytes");
}

#[test]
fn a_trickled_or_withheld_body_holds_up_no_other_client() {
    let s = serve(&[], &[], None);
    let port = s.port;
    // Without the token: refused from the headers, the body never waited for.
    let withheld = status_of_head(
        port,
        &format!(
            "POST /api/load HTTP/1.1\r\nHost: {}\r\nContent-Length: 1000000\r\n\r\n",
            s.host()
        ),
        Duration::from_secs(1),
    );
    assert_eq!(withheld, 403);
    // A trickle: one byte every 50 ms, on another thread, for 3 s.
    let host = s.host();
    let trickle = std::thread::spawn(move || {
        let mut t = TcpStream::connect(("127.0.0.1", port)).unwrap();
        t.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let _ = t.write_all(
            format!("POST /api/load HTTP/1.1\r\nHost: {host}\r\nContent-Length: 1000000\r\n\r\n")
                .as_bytes(),
        );
        for _ in 0..60 {
            if t.write_all(b"x").is_err() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let mut raw = Vec::new();
        let _ = t.read_to_end(&mut raw);
        split_response(&raw).0
    });
    // With the token, a body withheld: the others are answered meanwhile.
    let mut held = TcpStream::connect(("127.0.0.1", port)).unwrap();
    held.write_all(
        format!(
            "POST /api/load HTTP/1.1\r\nHost: {}\r\nX-Qstudy-Token: {}\r\nContent-Length: 1000\r\n\r\n{{\"fi",
            s.host(),
            s.token
        )
        .as_bytes(),
    )
    .unwrap();
    for i in 0..10 {
        s.answers_quickly(&format!("during the trickle and the withheld body ({i})"));
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(trickle.join().unwrap(), 403);
    drop(held);
}

#[test]
fn a_200_mib_header_line_is_cut_off_without_growing_the_server() {
    let mut s = serve(&[], &[], None);
    let before = s.rss();
    let mut t = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    t.set_write_timeout(Some(Duration::from_secs(5))).unwrap();
    t.write_all(format!("GET /api/state HTTP/1.1\r\nHost: {}\r\nX-Long: ", s.host()).as_bytes())
        .unwrap();
    let chunk = vec![b'a'; 1 << 20];
    let mut sent = 0usize;
    let start = Instant::now();
    for _ in 0..200 {
        match t.write_all(&chunk) {
            Ok(()) => sent += chunk.len(),
            Err(_) => break,
        }
    }
    // the server stopped reading (and closed) long before 200 MiB
    assert!(sent < 200 << 20, "the server took all {sent} bytes");
    assert!(start.elapsed() < Duration::from_secs(10));
    assert!(s.alive(), "the server died");
    s.answers_quickly("after the header line");
    let grown = s.rss().saturating_sub(before);
    assert!(grown < 100 * MB, "memory grew {grown} bytes");
}

#[test]
fn six_hundred_idle_connections_under_a_1024_file_limit_leave_the_server_answering() {
    let mut s = serve(&[], &[], Some(1024));
    s.answers_quickly("at start");
    let before = s.rss();
    let mut idle = Vec::new();
    for _ in 0..600 {
        idle.push(TcpStream::connect(("127.0.0.1", s.port)).unwrap());
    }
    for i in 0..5 {
        s.answers_quickly(&format!("with 600 idle connections ({i})"));
    }
    // and some more, beyond the file limit's half (two descriptors a connection before)
    for _ in 0..300 {
        idle.push(TcpStream::connect(("127.0.0.1", s.port)).unwrap());
    }
    s.answers_quickly("with 900 idle connections");
    assert!(s.alive(), "the server died");
    let grown = s.rss().saturating_sub(before);
    assert!(grown < 100 * MB, "memory grew {grown} bytes");
    drop(idle);
    s.answers_quickly("after they closed");
}

#[test]
fn running_out_of_file_descriptors_is_logged_and_survived() {
    // 40 descriptors: the runtime takes some, the connections the rest long before 100
    let mut s = serve(&[], &[], Some(40));
    let mut idle = Vec::new();
    for _ in 0..100 {
        idle.push(TcpStream::connect(("127.0.0.1", s.port)).unwrap());
    }
    std::thread::sleep(Duration::from_millis(300));
    for i in 0..3 {
        s.answers_quickly(&format!("out of descriptors ({i})"));
    }
    assert!(s.alive(), "the server died");
    drop(idle);
    let (status, stderr) = s.terminate();
    assert!(status.success(), "{status:?}: {stderr}");
    assert!(
        stderr.contains("cannot accept a connection") && stderr.contains("retrying"),
        "{stderr}"
    );
}

/// A study of `n` random sorts (33 statements) in the qmethod CSV layout.
fn random_study(dir: &Path, n: usize) -> PathBuf {
    let grid = [
        -4, -4, -3, -3, -3, -2, -2, -2, -2, -1, -1, -1, -1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
        3, 3, 3, 4, 4, -1, 1,
    ];
    // a fixed linear congruential generator: the same study every run
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move |m: usize| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((state >> 33) as usize) % m
    };
    let sorts: Vec<Vec<i32>> = (0..n)
        .map(|_| {
            let mut s = grid.to_vec();
            for i in (1..s.len()).rev() {
                s.swap(i, next(i + 1));
            }
            s
        })
        .collect();
    let mut text = (1..=n)
        .map(|i| format!("s{i}"))
        .collect::<Vec<_>>()
        .join(",");
    text.push('\n');
    for row in 0..grid.len() {
        text.push_str(
            &sorts
                .iter()
                .map(|s| s[row].to_string())
                .collect::<Vec<_>>()
                .join(","),
        );
        text.push('\n');
    }
    let path = dir.join(format!("random-{n}.csv"));
    std::fs::write(&path, text).unwrap();
    path
}

/// The sorts of the long analysis: the issue's 20,000 (about 5 s in a debug build).
const LONG_ANALYSIS_SORTS: usize = 20_000;

#[test]
fn a_long_analysis_in_one_tab_holds_up_no_other_tab() {
    let dir = tempfile::tempdir().unwrap();
    let study = random_study(dir.path(), LONG_ANALYSIS_SORTS);
    let s = serve(&[study.to_str().unwrap()], &[], None);
    let before = s.rss();
    let options = r#"{"factors": 3, "method": "pca"}"#;
    let port = s.port;
    let (host, token) = (s.host(), s.token.clone());
    let long = std::thread::spawn(move || {
        let start = Instant::now();
        let mut t = TcpStream::connect(("127.0.0.1", port)).unwrap();
        let head = format!(
            "POST /api/analyze HTTP/1.1\r\nHost: {host}\r\nX-Qstudy-Token: {token}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{options}",
            options.len()
        );
        t.write_all(head.as_bytes()).unwrap();
        let mut raw = Vec::new();
        t.read_to_end(&mut raw).unwrap();
        (split_response(&raw).0, start.elapsed())
    });
    let mut asked = 0;
    let mut slowest = Duration::ZERO;
    while !long.is_finished() {
        slowest = slowest.max(s.answers_quickly(&format!("during the analysis ({asked})")));
        asked += 1;
        std::thread::sleep(Duration::from_millis(100));
    }
    let (status, took) = long.join().unwrap();
    assert_eq!(status, 200);
    assert!(asked >= 3, "the analysis took {took:?}: too short to test");
    eprintln!(
        "{LONG_ANALYSIS_SORTS} sorts: /api/analyze took {took:?}; /api/state answered {asked} times meanwhile, the slowest in {slowest:?}; memory {} MB -> {} MB",
        before / MB,
        s.rss() / MB
    );
}

#[test]
fn uploads_are_private_and_removed_on_sigterm_and_a_dead_sessions_at_the_next_start() {
    let tmp = tempfile::tempdir().unwrap();
    // a session that died: its directory, with an unheld lock
    let dead = tmp.path().join("qstudy-serve-dead1");
    std::fs::create_dir(&dead).unwrap();
    std::fs::write(dead.join(".lock"), b"").unwrap();
    std::fs::write(dead.join("sorts.csv"), b"participants' data").unwrap();
    let data = tmp.path().join("data");
    let s = serve(
        &[],
        &[("TMPDIR", tmp.path()), ("XDG_DATA_HOME", &data)],
        None,
    );
    assert!(!dead.exists(), "the dead session's files stayed");
    let csv = std::fs::read(support::fixture("lipset/lipset_sorts.csv")).unwrap();
    let body = format!(
        r#"{{"files": [{{"name": "lipset_sorts.csv", "data": "{}"}}]}}"#,
        base64::engine::general_purpose::STANDARD.encode(&csv)
    );
    let (status, answer, _) = s.request("POST", "/api/load", body.as_bytes());
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&answer));
    let sessions: Vec<PathBuf> = std::fs::read_dir(tmp.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("qstudy-serve-")
        })
        .collect();
    assert_eq!(sessions.len(), 1, "{sessions:?}");
    let session = &sessions[0];
    let mode = |p: &Path| {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    };
    assert_eq!(mode(session), 0o700);
    let uploads: Vec<PathBuf> = std::fs::read_dir(session)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    assert_eq!(uploads.len(), 1);
    assert_eq!(mode(&uploads[0]), 0o700);
    assert_eq!(mode(&uploads[0].join("lipset_sorts.csv")), 0o600);
    let (status, stderr) = s.terminate();
    assert!(status.success(), "{status:?}: {stderr}");
    assert!(stderr.contains("SIGTERM"), "{stderr}");
    assert!(!session.exists(), "the uploads stayed after SIGTERM");
}

#[test]
fn the_browser_is_given_a_private_file_not_the_token() {
    let tmp = tempfile::tempdir().unwrap();
    let bin = tmp.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let args = tmp.path().join("opened-with");
    // a stand-in browser opener that records its command line and the file's content
    let script = format!(
        "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{0}.tmp'\ncat \"$1\" >> '{0}.tmp'\nstat -c '%a' \"$1\" >> '{0}.tmp'\nmv '{0}.tmp' '{0}'\n",
        args.display()
    );
    let opener = bin.join("xdg-open");
    std::fs::write(&opener, script).unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let data = tmp.path().join("data");
    let mut child =
        support::child_command("serve_limits::serve_child", &["serve", "--port", "0"], None)
            .env("PATH", &path)
            .env("XDG_DATA_HOME", &data)
            .env("TMPDIR", tmp.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while !line.contains("qstudy workbench: ") {
        line.clear();
        assert!(reader.read_line(&mut line).unwrap() > 0);
    }
    let token = line.trim().rsplit("token=").next().unwrap().to_string();
    let start = Instant::now();
    while !args.exists() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no browser opened"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let recorded = std::fs::read_to_string(&args).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    let mut lines = recorded.lines();
    let command_line = lines.next().unwrap();
    assert!(!command_line.contains(&token), "{command_line}");
    assert!(
        command_line.starts_with(data.to_str().unwrap()) && command_line.ends_with(".html"),
        "{command_line}"
    );
    assert!(
        recorded.contains(&format!("token={token}")),
        "the file leads to the page: {recorded}"
    );
    assert_eq!(recorded.lines().last().unwrap(), "600", "{recorded}");
}
