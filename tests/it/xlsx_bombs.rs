//! The workbook bombs of issue 20, given to `qstudy analyze` in a process of its own (the
//! acceptance of docs/formats.md, "Limits"): a 7.8 MB workbook whose sheet holds one 7.5 GiB
//! run of blanks, and a 1 MB one whose sheet holds 1 GiB of empty tags (`<a/>`). Each exits 3
//! with one error line naming the file and the part, in under 2 s and 300 MB, where they took
//! 8 GB and 18 s, and 25 s of CPU.
//!
//! The process is this test binary run again on [`child_qstudy`], which runs the command
//! line (`qstudy_cli::run`, all that the `qstudy` binary's `main` does: cargo builds the
//! binary only for the tests of its own crate) under `ulimit -v` as a guard, and reports its
//! peak resident memory (`VmHWM`) before it exits with the command's code.

use std::io::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use qstudy_io::harness::workbook;

/// Virtual memory the child may reserve, in KiB (`ulimit -v`): a guard, far above the
/// 300 MB asserted, so that a reader that regresses fails the test instead of taking the
/// machine's memory (the bomb took 8 GB).
const GUARD_KIB: u64 = 2 << 20;

/// Not a test of its own: a no-op unless `support::CHILD_ARGS` is set, when it is the child process of
/// the tests below.
#[test]
fn child_qstudy() {
    let Some(code) = support::run_as_child() else {
        return;
    };
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let hwm = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .unwrap_or("")
        .trim();
    // Written around libtest's capture of `println!`.
    let _ = writeln!(std::io::stdout(), "\nchild VmHWM: {hwm}");
    let _ = std::io::stdout().flush();
    std::process::exit(code);
}

/// What a child run gave.
struct Child {
    code: Option<i32>,
    stderr: String,
    /// Peak resident memory, in bytes.
    peak: u64,
    took: Duration,
}

/// Runs `qstudy ARGS` as a child process under the memory guard.
fn qstudy_process(args: &[&str]) -> Child {
    let start = Instant::now();
    let limit = format!("ulimit -v {GUARD_KIB}");
    let out = support::child_command("xlsx_bombs::child_qstudy", args, Some(&limit))
        .output()
        .unwrap();
    let took = start.elapsed();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let peak = stdout
        .lines()
        .find_map(|l| l.strip_prefix("child VmHWM:"))
        .and_then(|kb| kb.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024);
    Child {
        code: out.status.code(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        peak,
        took,
    }
}

/// `qstudy analyze FILE` on `bytes` written to FILE: exit 3, one error line naming the file
/// and `part 'xl/worksheets/sheet1.xml': WHAT`, in < 2 s and < 300 MB.
fn refused(name: &str, bytes: &[u8], what: &str) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(name);
    std::fs::write(&file, bytes).unwrap();
    let out = dir.path().join("out");
    let run = qstudy_process(&[
        "analyze",
        &file.to_string_lossy(),
        "--out",
        &out.to_string_lossy(),
    ]);
    eprintln!(
        "{name} ({} bytes): exit {:?} in {:?}, peak {} MB",
        bytes.len(),
        run.code,
        run.took,
        run.peak / 1_000_000
    );
    assert_eq!(run.code, Some(3), "exit 3 expected: {}", run.stderr);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line: {}", run.stderr);
    let expected = format!(
        "error: {}: part 'xl/worksheets/sheet1.xml': {what}",
        file.display()
    );
    assert!(lines[0].starts_with(&expected), "{}", lines[0]);
    assert!(lines[0].contains("docs/formats.md"), "{}", lines[0]);
    assert!(run.peak > 0, "peak memory not reported");
    assert!(
        run.peak < 300_000_000,
        "{name} took {} MB",
        run.peak / 1_000_000
    );
    assert!(
        run.took < Duration::from_secs(2),
        "{name} took {:?}",
        run.took
    );
    assert!(!out.exists(), "no output directory for a refused input");
}

#[test]
fn a_workbook_of_a_7_5_gib_run_of_blanks_is_refused_in_2_s_and_300_mb() {
    let bomb = workbook::whitespace_bomb(15 << 29);
    assert!(bomb.len() < 8_000_000, "{}", bomb.len());
    refused("blanks.xlsx", &bomb, "an XML token");
}

#[test]
fn a_workbook_of_1_gib_of_empty_tags_is_refused_in_2_s_and_300_mb() {
    let bomb = workbook::empty_tags_bomb(1 << 30);
    assert!(bomb.len() < 1_200_000, "{}", bomb.len());
    refused("tags.xlsx", &bomb, "the sheet unpacks to more than");
}

/// The guard lets a normal run through: LIPSET as a KADE-style workbook is analysed, in a
/// child process like the bombs, well within the memory they are held to.
#[test]
fn a_normal_workbook_is_analysed_under_the_same_guard() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("lipset.xlsx");
    let dat = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/lipset/LIPSET.DAT");
    let lipset = qstudy_io::read_sorts(&dat, None).unwrap();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("sorts").unwrap();
    ws.write_string(0, 0, "Participant").unwrap();
    for s in 0..33u16 {
        ws.write_number(0, s + 1, f64::from(s + 1)).unwrap();
    }
    for (i, (id, row)) in lipset
        .table
        .sort_ids
        .iter()
        .zip(&lipset.table.values)
        .enumerate()
    {
        ws.write_string(i as u32 + 1, 0, id).unwrap();
        for (s, v) in row.iter().enumerate() {
            ws.write_number(i as u32 + 1, s as u16 + 1, f64::from(*v))
                .unwrap();
        }
    }
    wb.save(&file).unwrap();
    let out = dir.path().join("out");
    let run = qstudy_process(&[
        "analyze",
        &file.to_string_lossy(),
        "--factors",
        "3",
        "--no-plots",
        "--out",
        &out.to_string_lossy(),
    ]);
    eprintln!(
        "lipset.xlsx: exit {:?} in {:?}, peak {} MB",
        run.code,
        run.took,
        run.peak / 1_000_000
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(out.join("results.json").exists());
    assert!(run.peak > 0 && run.peak < 300_000_000, "{}", run.peak);
}
