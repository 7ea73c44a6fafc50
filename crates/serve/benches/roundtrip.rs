//! Round trips of the workbench (docs/performance.md): `cargo bench -p qstudy-serve`.
//!
//! One HTTP request over loopback to a running workbench, as the page sends it after a rotation
//! button or a flag click: the JSON options in, the engine's whole analysis, the results JSON out
//! (without the correlation matrix). On the APSE fixture (32 x 40, centroid, 4 factors) and on a
//! planted study of 300 sorts x 60 statements (centroid, 5 factors), with 10 rotation steps
//! already made; each request adds or takes back the step (or flag) measured.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use qstudy_core::Grid;
use qstudy_core::synthetic::planted_study;
use qstudy_serve::Workbench;
use serde_json::{Value, json};

fn main() {
    divan::main();
}

struct Running {
    port: u16,
    token: String,
    first: String,
    _dir: Option<tempfile::TempDir>,
}

fn start(input: &Path, first: String, dir: Option<tempfile::TempDir>) -> Running {
    let wb = Workbench::bind(0, Some(input)).expect("bind");
    let url = wb.url();
    let (port, token) = url
        .strip_prefix("http://127.0.0.1:")
        .and_then(|r| r.split_once("/?token="))
        .expect("url");
    let running = Running {
        port: port.parse().expect("port"),
        token: token.to_string(),
        first,
        _dir: dir,
    };
    std::thread::spawn(move || {
        let _ = wb.run();
    });
    running
}

fn server(name: &str) -> &'static Running {
    static APSE: OnceLock<Running> = OnceLock::new();
    static P300: OnceLock<Running> = OnceLock::new();
    if name == "apse" {
        APSE.get_or_init(|| {
            let p: PathBuf = [
                env!("CARGO_MANIFEST_DIR"),
                "..",
                "..",
                "fixtures",
                "apse-2023",
            ]
            .iter()
            .collect();
            start(&p, "C01".into(), None)
        })
    } else {
        P300.get_or_init(|| {
            let grid: Grid = "-5:2,-4:3,-3:4,-2:6,-1:8,0:14,1:8,2:6,3:4,4:3,5:2"
                .parse()
                .expect("grid");
            let table = planted_study(&grid, 300, 5, (0.45, 0.75), 1).table;
            let dir = tempfile::tempdir().expect("tempdir");
            let path = dir.path().join("planted-300.csv");
            std::fs::write(&path, qstudy_io::qmethod_csv(&table)).expect("write");
            start(&path, table.sort_ids[0].clone(), Some(dir))
        })
    }
}

fn post(s: &Running, path: &str, body: &Value) -> usize {
    let body = body.to_string();
    let mut t = TcpStream::connect(("127.0.0.1", s.port)).expect("connect");
    let head = format!(
        "POST {path} HTTP/1.0\r\nHost: 127.0.0.1:{}\r\nX-Qstudy-Token: {}\r\nContent-Length: {}\r\n\r\n",
        s.port,
        s.token,
        body.len()
    );
    t.write_all(head.as_bytes()).expect("send");
    t.write_all(body.as_bytes()).expect("send");
    let mut answer = Vec::new();
    t.read_to_end(&mut answer).expect("read");
    assert!(answer.starts_with(b"HTTP/1.0 200") || answer.starts_with(b"HTTP/1.1 200"));
    assert!(
        !answer.windows(9).any(|w| w == b"\"error\":\""),
        "analysis failed"
    );
    answer.len()
}

fn options(name: &str, first: &str, flag: bool, steps: usize) -> Value {
    let k = if name == "apse" { 4 } else { 5 };
    let steps: Vec<String> = (0..steps)
        .map(|i| format!("1,{},5", 2 + i % (k - 1)))
        .collect();
    json!({
        "factors": k,
        "rotate": steps,
        "flag": if flag { json!([format!("{first}=F3")]) } else { json!([]) },
    })
}

/// Each request differs from the one before by the edit measured, as the page's do: the
/// workbench keeps its analysis and re-runs it from the first stage the edit affects.
fn alternating(bencher: divan::Bencher, s: &Running, bodies: [Value; 2]) {
    post(s, "/api/analyze", &bodies[0]);
    let next = std::sync::atomic::AtomicUsize::new(1);
    bencher.bench(|| {
        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % 2;
        post(s, "/api/analyze", &bodies[i])
    });
}

#[divan::bench(args = ["apse", "planted-300"], sample_count = 30)]
fn rotation_step(bencher: divan::Bencher, name: &str) {
    let s = server(name);
    let bodies = [10, 11].map(|steps| options(name, &s.first, false, steps));
    alternating(bencher, s, bodies);
}

#[divan::bench(args = ["apse", "planted-300"], sample_count = 30)]
fn flag_click(bencher: divan::Bencher, name: &str) {
    let s = server(name);
    let bodies = [false, true].map(|flag| options(name, &s.first, flag, 10));
    alternating(bencher, s, bodies);
}
