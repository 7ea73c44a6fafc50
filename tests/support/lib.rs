//! Helpers shared by the integration tests in `tests/it/`: run the CLI in-process exactly as the
//! binary does, and find the fixtures.

use std::path::PathBuf;

/// The output of one run of `qstudy`.
pub struct Run {
    /// Exit code.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// Runs `qstudy ARGS...` in-process.
pub fn qstudy<S: AsRef<str>>(args: &[S]) -> Run {
    let mut argv = vec!["qstudy".to_string()];
    argv.extend(args.iter().map(|a| a.as_ref().to_string()));
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = qstudy_cli::run(argv, &mut out, &mut err);
    Run {
        code,
        stdout: String::from_utf8(out).expect("utf-8 stdout"),
        stderr: String::from_utf8(err).expect("utf-8 stderr"),
    }
}

/// Path of a file under `fixtures/`.
pub fn fixture(rel: &str) -> String {
    let p: PathBuf = [env!("CARGO_MANIFEST_DIR"), "fixtures", rel]
        .iter()
        .collect();
    p.to_string_lossy().into_owned()
}

/// Reads `DIR/results.json`.
pub fn results(dir: &std::path::Path) -> serde_json::Value {
    let text = std::fs::read_to_string(dir.join("results.json")).expect("results.json written");
    serde_json::from_str(&text).expect("valid JSON")
}

/// The environment variable that makes a child test (see [`child_command`]) run the command
/// line: the arguments after `qstudy`, separated by the unit separator (U+001F).
pub const CHILD_ARGS: &str = "QSTUDY_IT_CHILD_ARGS";

/// In a child test: `qstudy ARGS` run with the arguments of [`CHILD_ARGS`] (what the `qstudy`
/// binary's `main` does), its output on the real stdout and stderr, and its exit code; `None`
/// when this process is not a child (the test is then a no-op).
pub fn run_as_child() -> Option<i32> {
    let args = std::env::var(CHILD_ARGS).ok()?;
    let argv = std::iter::once("qstudy".to_string()).chain(
        args.split('\u{1f}')
            .filter(|a| !a.is_empty())
            .map(String::from),
    );
    Some(qstudy_cli::run(
        argv,
        &mut std::io::stdout(),
        &mut std::io::stderr(),
    ))
}

/// The test binary run again as `qstudy ARGS` in a process of its own, through the child test
/// `test` (which calls [`run_as_child`]; cargo builds the `qstudy` binary only for its own
/// crate's tests), under `sh -c 'LIMIT && exec ...'` when `limit` is given (`ulimit -n 1024`).
pub fn child_command(test: &str, args: &[&str], limit: Option<&str>) -> std::process::Command {
    let exe = std::env::current_exe().expect("the test binary");
    let mut cmd = match limit {
        Some(limit) => {
            let mut c = std::process::Command::new("sh");
            c.arg("-c")
                .arg(format!("{limit} && exec \"$0\" \"$@\""))
                .arg(&exe);
            c
        }
        None => std::process::Command::new(&exe),
    };
    cmd.args([test, "--exact", "--nocapture", "--test-threads=1", "-q"])
        .env(CHILD_ARGS, args.join("\u{1f}"));
    cmd
}
