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
