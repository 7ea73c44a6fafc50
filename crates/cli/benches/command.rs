//! The whole command, end to end (docs/performance.md, "The whole command"):
//! `cargo bench -p qstudy-cli --bench command [-- SIZES... | --writers SIZES... | --bootstrap]`.
//!
//! For each size (sorts x 60 statements; default 40, 500, 2000 and 100000) a planted study
//! (5 viewpoints, seed 1) is written as a qmethod CSV, then `qstudy analyze` (the release
//! binary, PCA, 5 factors) is run as a process with every output and with `--no-plots`,
//! several times: the median wall time, the peak memory (`/usr/bin/time`, when present), the
//! bytes written and what the terminal received (lines, bytes) are printed, beside the floor
//! of writing those bytes (this machine's write + flush speed, measured here). When R's
//! qmethod is installed (`Rscript -e 'library(qmethod)'`), its analysis of the same file is
//! timed too and the ratio printed; otherwise that comparison is skipped, saying so.
//!
//! `--writers` times each writer of `analyze` in-process on one thread (results.json,
//! report.lis, results.xlsx, tables/*.csv, figures and report.html), with the bytes each
//! writes. `--bootstrap` times `qstudy bootstrap` of REDU-FUT, 1,000 replicates (and qmethod's
//! qmboots, 100 replicates, when installed). Repetitions: `QSTUDY_BENCH_REPS` (default 5;
//! one run above 10,000 sorts).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use qstudy_core::analysis::{AnalysisOptions, analyze};
use qstudy_core::synthetic::planted_study;
use qstudy_core::validate::{ValidationOptions, validate};
use qstudy_core::{Extraction, Grid};

const GRID: &str = "-5:2,-4:3,-3:4,-2:6,-1:8,0:14,1:8,2:6,3:4,4:3,5:2";
const SIZES: [usize; 4] = [40, 500, 2000, 100_000];

fn fixture(rel: &str) -> PathBuf {
    [env!("CARGO_MANIFEST_DIR"), "..", "..", "fixtures", rel]
        .iter()
        .collect()
}

/// Writes a planted study of `n` sorts x 60 statements as a qmethod CSV.
fn write_study(n: usize, path: &Path) {
    let grid: Grid = GRID.parse().expect("grid");
    let t = planted_study(&grid, n, 5, (0.45, 0.75), 1).table;
    let mut w = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
    writeln!(w, "{}", t.sort_ids.join(",")).expect("write");
    for j in 0..grid.expanded().len() {
        let row: Vec<String> = t.values.iter().map(|s| s[j].to_string()).collect();
        writeln!(w, "{}", row.join(",")).expect("write");
    }
    w.flush().expect("write");
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let k = v.len();
    if k % 2 == 1 {
        v[k / 2]
    } else {
        (v[k / 2 - 1] + v[k / 2]) / 2.0
    }
}

fn reps(n: usize) -> usize {
    let default = if n > 10_000 { 1 } else { 5 };
    std::env::var("QSTUDY_BENCH_REPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// Bytes of every file under `dir`.
fn tree_bytes(dir: &Path) -> u64 {
    let mut total = 0;
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        total += if p.is_dir() {
            tree_bytes(&p)
        } else {
            std::fs::metadata(&p).map_or(0, |m| m.len())
        };
    }
    total
}

/// This machine's speed of writing a file and flushing it to disk, in bytes per second
/// (64 MB in 1 MB writes, then `sync_all`, as `analyze` flushes its staging directory).
fn write_speed(dir: &Path) -> f64 {
    let path = dir.join("speed.bin");
    let chunk = vec![0x5au8; 1 << 20];
    let mut times = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let mut f = std::fs::File::create(&path).expect("create");
        for _ in 0..64 {
            f.write_all(&chunk).expect("write");
        }
        f.sync_all().expect("sync");
        drop(f);
        times.push(t.elapsed().as_secs_f64());
        let _ = std::fs::remove_file(&path);
    }
    (64u64 << 20) as f64 / median(times)
}

struct Run {
    seconds: f64,
    peak_kb: Option<u64>,
    out_lines: usize,
    out_bytes: usize,
}

/// Runs `cmd` (with `/usr/bin/time` around it when present), checks that it succeeded.
fn run(program: &str, args: &[&std::ffi::OsStr], dir: &Path) -> Run {
    let time = Path::new("/usr/bin/time");
    let peak_file = dir.join("peak.txt");
    let mut cmd = if time.exists() {
        let mut c = Command::new(time);
        c.arg("-f").arg("%M").arg("-o").arg(&peak_file).arg(program);
        c
    } else {
        Command::new(program)
    };
    cmd.args(args).stdin(Stdio::null());
    let t = Instant::now();
    let output = cmd.output().expect("run");
    let seconds = t.elapsed().as_secs_f64();
    assert!(
        output.status.success(),
        "{program} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let peak_kb = std::fs::read_to_string(&peak_file)
        .ok()
        .and_then(|s| s.lines().last().and_then(|l| l.trim().parse().ok()));
    let text = [output.stdout, output.stderr].concat();
    Run {
        seconds,
        peak_kb,
        out_lines: text.iter().filter(|&&b| b == b'\n').count(),
        out_bytes: text.len(),
    }
}

fn qmethod_installed() -> bool {
    Command::new("Rscript")
        .args(["-e", "suppressMessages(library(qmethod))"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Median seconds of an R script (`Rscript -e`), `reps` times.
fn time_r(script: &str, reps: usize, dir: &Path) -> f64 {
    median(
        (0..reps)
            .map(|_| run("Rscript", &["-e".as_ref(), script.as_ref()], dir).seconds)
            .collect(),
    )
}

fn analyze_sizes(sizes: &[usize], tmp: &Path) {
    let exe = env!("CARGO_BIN_EXE_qstudy");
    let speed = write_speed(tmp);
    let r = qmethod_installed();
    println!(
        "write + flush speed of {}: {:.0} MB/s",
        tmp.display(),
        speed / 1e6
    );
    if !r {
        println!(
            "R qmethod: not installed (Rscript -e 'library(qmethod)' failed): the comparison is skipped"
        );
    }
    println!(
        "{:>7} {:<11} {:>9} {:>9} {:>10} {:>9} {:>7} {:>7}  ratio to qmethod",
        "sorts", "outputs", "median s", "peak MB", "written MB", "floor s", "lines", "bytes"
    );
    for &n in sizes {
        let csv = tmp.join(format!("study-{n}.csv"));
        write_study(n, &csv);
        let r_seconds = r.then(|| {
            let script = format!(
                "suppressMessages(library(qmethod)); d <- read.csv('{}'); invisible(qmethod(d, nfactors = 5, extraction = 'PCA', rotation = 'varimax', forced = TRUE, silent = TRUE))",
                csv.display()
            );
            time_r(&script, reps(n).min(3), tmp)
        });
        for mode in ["every", "--no-plots"] {
            let out = tmp.join("out");
            let mut times = Vec::new();
            let mut last = None;
            for _ in 0..reps(n) {
                let _ = std::fs::remove_dir_all(&out);
                let mut args: Vec<&std::ffi::OsStr> = vec![
                    "analyze".as_ref(),
                    csv.as_os_str(),
                    "--method".as_ref(),
                    "pca".as_ref(),
                    "--factors".as_ref(),
                    "5".as_ref(),
                    "--out".as_ref(),
                    out.as_os_str(),
                ];
                if mode == "--no-plots" {
                    args.push("--no-plots".as_ref());
                }
                let run = run(exe, &args, tmp);
                times.push(run.seconds);
                last = Some(run);
            }
            let last = last.expect("at least one run");
            let written = tree_bytes(&out);
            let t = median(times);
            let ratio = match (r_seconds, n) {
                (Some(rs), _) => format!("{:.1}x ({rs:.2} s)", rs / t),
                // R qmethod takes 2.9-3.3 s on 500 x 60 (docs/performance.md); not run here
                (None, 500) => format!(
                    "not measured; {:.1}x-{:.1}x qmethod's 2.9-3.3 s",
                    2.9 / t,
                    3.3 / t
                ),
                (None, _) => "not measured".to_string(),
            };
            println!(
                "{n:>7} {mode:<11} {t:>9.3} {:>9} {:>10.1} {:>9.3} {:>7} {:>7}  {ratio}",
                last.peak_kb
                    .map_or_else(|| "-".to_string(), |k| format!("{:.0}", k as f64 / 1024.0)),
                written as f64 / 1e6,
                written as f64 / speed,
                last.out_lines,
                last.out_bytes,
            );
        }
        let _ = std::fs::remove_dir_all(tmp.join("out"));
        let _ = std::fs::remove_file(&csv);
    }
}

/// Times `f` once, returning its value and the seconds.
fn timed<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let t = Instant::now();
    let v = f();
    (v, t.elapsed().as_secs_f64())
}

fn writers(sizes: &[usize], tmp: &Path) {
    let speed = write_speed(tmp);
    println!(
        "one thread each; floor = bytes / {:.0} MB/s (write + flush)",
        speed / 1e6
    );
    let grid: Grid = GRID.parse().expect("grid");
    for &n in sizes {
        let t = planted_study(&grid, n, 5, (0.45, 0.75), 1).table;
        let study = validate(&t, &ValidationOptions::default()).expect("valid");
        let options = AnalysisOptions {
            extraction: Extraction::Pca,
            factors: 5,
            ..Default::default()
        };
        let (results, secs) = timed(|| analyze(&study, &options).expect("analysis"));
        println!("{n} x 60: analysis {secs:.4} s");
        let ctx = qstudy_report::ReportContext::from_study(None, &study);
        let file = |name: &str| {
            std::io::BufWriter::with_capacity(
                1 << 16,
                std::fs::File::create(tmp.join(name)).expect("create"),
            )
        };
        let mut rows: Vec<(&str, f64, u64)> = Vec::new();
        let (_, s) = timed(|| {
            qstudy_io::write_results_json_to(file("results.json"), &results).expect("json")
        });
        rows.push(("results.json", s, size(tmp, "results.json")));
        let (_, s) = timed(|| {
            let mut w = file("report.lis");
            qstudy_report::write_report_lis(&results, &ctx, &mut w).expect("lis");
            w.flush().expect("flush");
        });
        rows.push(("report.lis", s, size(tmp, "report.lis")));
        let (_, s) = timed(|| {
            let mut w = file("results.xlsx");
            qstudy_report::write_results_xlsx(&results, &ctx, &mut w).expect("xlsx");
            w.flush().expect("flush");
        });
        rows.push(("results.xlsx", s, size(tmp, "results.xlsx")));
        let (bytes, s) = timed(|| {
            let mut total = 0;
            for table in qstudy_report::CsvTable::of(&results) {
                let mut w = file("table.csv");
                qstudy_report::write_csv_table(&results, table, &mut w).expect("csv");
                w.flush().expect("flush");
                total += size(tmp, "table.csv");
            }
            total
        });
        rows.push(("tables/*.csv", s, bytes));
        if n <= qstudy_cli_limit() {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(1)
                .build()
                .expect("pool");
            let (bytes, s) = timed(|| {
                pool.install(|| {
                    let gallery =
                        qstudy_plot::standard_plots(&results, &Default::default()).expect("plots");
                    let info = qstudy_report::ReportInfo {
                        title: None,
                        source: None,
                    };
                    let files = qstudy_app::figures::render_outputs(&results, &gallery, &info)
                        .expect("render");
                    let mut total = 0;
                    for f in files {
                        std::fs::write(tmp.join("figure.bin"), &f.bytes).expect("write");
                        total += f.bytes.len() as u64;
                    }
                    total
                })
            });
            rows.push(("figures + report.html", s, bytes));
        }
        for (name, s, bytes) in rows {
            println!(
                "  {name:<22} {s:>8.4} s  {:>9.2} MB  floor {:.4} s",
                bytes as f64 / 1e6,
                bytes as f64 / speed
            );
        }
    }
}

/// Most sorts for which `analyze` draws the figures (`FIGURE_SORT_LIMIT`).
fn qstudy_cli_limit() -> usize {
    5000
}

fn size(dir: &Path, name: &str) -> u64 {
    std::fs::metadata(dir.join(name)).map_or(0, |m| m.len())
}

fn bootstrap(tmp: &Path) {
    let exe = env!("CARGO_BIN_EXE_qstudy");
    let input = fixture("redu-fut/qsorts.csv");
    let out = tmp.join("boot");
    let times: Vec<f64> = (0..reps(0))
        .map(|_| {
            let _ = std::fs::remove_dir_all(&out);
            let args: Vec<&std::ffi::OsStr> = vec![
                "bootstrap".as_ref(),
                input.as_os_str(),
                "--method".as_ref(),
                "pca".as_ref(),
                "--factors".as_ref(),
                "3".as_ref(),
                "--replicates".as_ref(),
                "1000".as_ref(),
                "--no-plots".as_ref(),
                "--out".as_ref(),
                out.as_os_str(),
                "--quiet".as_ref(),
            ];
            run(exe, &args, tmp).seconds
        })
        .collect();
    let t = median(times);
    print!("bootstrap of REDU-FUT, 1000 replicates (qstudy bootstrap as a process): {t:.3} s; ");
    if qmethod_installed() {
        let script = format!(
            "suppressMessages(library(qmethod)); d <- read.csv('{}', row.names = 1); invisible(qmboots(d, nfactors = 3, nsteps = 100, load = 'auto', rotation = 'varimax', indet = 'qindtest'))",
            input.display()
        );
        let rs = time_r(&script, 1, tmp);
        println!(
            "qmethod qmboots, 100 replicates: {rs:.2} s (per replicate: {:.0}x slower)",
            (rs / 100.0) / (t / 1000.0)
        );
    } else {
        println!(
            "R qmethod not installed: qmboots not measured (R qmethod's ~9 s for 100 replicates, docs/performance.md, would be {:.0}x per replicate)",
            (9.0 / 100.0) / (t / 1000.0)
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let tmp = tempfile::tempdir().expect("tempdir");
    let sizes: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() {
        SIZES.to_vec()
    } else {
        sizes
    };
    if args.iter().any(|a| a == "--writers") {
        writers(&sizes, tmp.path());
    } else if args.iter().any(|a| a == "--bootstrap") {
        bootstrap(tmp.path());
    } else {
        analyze_sizes(&sizes, tmp.path());
        bootstrap(tmp.path());
    }
}
