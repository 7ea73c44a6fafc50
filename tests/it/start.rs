//! `qstudy` with no arguments: the workbench when not started from a terminal (double-clicked
//! in a file manager), the help naming `qstudy serve` in one.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::Stdio;
use std::time::{Duration, Instant};

const CHILD: &str = "QSTUDY_IT_NO_ARGUMENTS";

#[test]
fn no_arguments_in_a_terminal_print_the_help_naming_serve() {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = qstudy_cli::run_program(["qstudy"], true, &mut out, &mut err);
    let out = String::from_utf8(out).unwrap();
    assert_eq!(code, qstudy_cli::EXIT_USAGE);
    assert!(out.contains("Usage: qstudy"), "{out}");
    assert!(out.contains("qstudy serve"), "{out}");
    // any argument runs as before
    let mut out = Vec::new();
    assert_eq!(
        qstudy_cli::run_program(["qstudy", "--version"], false, &mut out, &mut err),
        0
    );
}

/// Not a test of its own: with [`CHILD`] set, the child process of the test below, which is
/// `qstudy` run with no arguments and no terminal.
#[test]
fn child_no_arguments() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    let code = qstudy_cli::run_program(
        ["qstudy"],
        false,
        &mut std::io::stdout(),
        &mut std::io::stderr(),
    );
    std::process::exit(code);
}

#[test]
fn no_arguments_without_a_terminal_start_the_workbench() {
    let exe = std::env::current_exe().unwrap();
    let mut child = std::process::Command::new(exe)
        .args([
            "start::child_no_arguments",
            "--exact",
            "--nocapture",
            "--test-threads=1",
            "-q",
        ])
        .env(CHILD, "1")
        // no xdg-open or browser to find: the page is not opened during the test
        .env("PATH", "")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let start = Instant::now();
    let url = loop {
        let line = rx
            .recv_timeout(Duration::from_secs(60).saturating_sub(start.elapsed()))
            .expect("the workbench says where it listens");
        if let Some(url) = line.strip_prefix("qstudy workbench: ") {
            break url.trim().to_string();
        }
    };
    let rest = url.strip_prefix("http://127.0.0.1:").expect(&url);
    let (port, path) = rest.split_once('/').unwrap();
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port.parse::<u16>().unwrap())).unwrap();
    write!(s, "GET /{path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n").unwrap();
    let mut page = String::new();
    s.read_to_string(&mut page).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        page.starts_with("HTTP/1.0 200") || page.starts_with("HTTP/1.1 200"),
        "{}",
        &page[..page.len().min(200)]
    );
    assert!(page.contains("qstudy workbench"));
}
