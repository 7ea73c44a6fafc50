//! Large synthetic studies for benchmarks (docs/performance.md): forced-grid sorts with planted
//! viewpoints, generated on the fly so no large data file is kept.
//!
//! ```text
//! bigstudy write SORTS STATEMENTS VIEWPOINTS SEED FILE.csv   # qmethod CSV (statements x sorts)
//! bigstudy run SORTS STATEMENTS VIEWPOINTS SEED pca|centroid FACTORS
//!     # generate in memory, run the core analysis, print the time of each stage
//! bigstudy analyze FILE pca|centroid FACTORS DIR
//!     # read, validate, analyse, write DIR/results.json (what `analyze` does for it), timed
//! ```
//!
//! `STATEMENTS` must be 40 (grid -4..4, the APSE design) or 60 (grid -5..5). Participants load
//! 0.45..0.75 on one viewpoint each (round robin).

use std::io::Write;
use std::time::Instant;

use qstudy_core::analysis::{AnalysisOptions, analyze};
use qstudy_core::synthetic::planted_study;
use qstudy_core::validate::{ValidationOptions, validate};
use qstudy_core::{Extraction, Grid, SortTable};

/// The forced grid of a benchmark study of `m` statements.
fn grid(m: usize) -> Grid {
    match m {
        40 => "-4:2,-3:3,-2:4,-1:6,0:10,1:6,2:4,3:3,4:2",
        60 => "-5:2,-4:3,-3:4,-2:6,-1:8,0:14,1:8,2:6,3:4,4:3,5:2",
        _ => panic!("STATEMENTS must be 40 or 60"),
    }
    .parse()
    .expect("valid grid")
}

fn table(n: usize, m: usize, views: usize, seed: u64) -> SortTable {
    planted_study(&grid(m), n, views, (0.45, 0.75), seed).table
}

fn arg<T: std::str::FromStr>(args: &[String], i: usize, what: &str) -> T {
    args.get(i)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("argument {i}: {what}"))
}

/// `analyze FILE METHOD FACTORS DIR`: what `qstudy analyze` does for results.json alone (read,
/// validate, analyse, write), timed by stage.
fn analyze_file(args: &[String]) {
    let t0 = Instant::now();
    let path = std::path::PathBuf::from(arg::<String>(args, 1, "FILE"));
    let loaded = qstudy_io::read_sorts(&path, None).expect("readable");
    let study = validate(&loaded.table, &ValidationOptions::default()).expect("valid");
    drop(loaded);
    let t1 = Instant::now();
    let opts = AnalysisOptions {
        extraction: arg(args, 2, "pca|centroid"),
        factors: arg(args, 3, "FACTORS"),
        ..Default::default()
    };
    let r = analyze(&study, &opts).expect("analysis");
    let t2 = Instant::now();
    let out =
        qstudy_io::write_results_json(arg::<String>(args, 4, "DIR").as_ref(), &r).expect("written");
    let t3 = Instant::now();
    println!(
        "read+validate {:.3} s, analyze {:.3} s, write {:.3} s ({})",
        (t1 - t0).as_secs_f64(),
        (t2 - t1).as_secs_f64(),
        (t3 - t2).as_secs_f64(),
        out.display()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("analyze") {
        return analyze_file(&args);
    }
    let (n, m, views, seed) = (
        arg::<usize>(&args, 1, "SORTS"),
        arg::<usize>(&args, 2, "STATEMENTS"),
        arg::<usize>(&args, 3, "VIEWPOINTS"),
        arg::<u64>(&args, 4, "SEED"),
    );
    match args.first().map(String::as_str) {
        Some("write") => {
            let t = table(n, m, views, seed);
            let file = std::fs::File::create(arg::<String>(&args, 5, "FILE")).expect("create");
            let mut w = std::io::BufWriter::new(file);
            writeln!(w, "{}", t.sort_ids.join(",")).expect("write");
            for j in 0..m {
                let row: Vec<String> = t.values.iter().map(|s| s[j].to_string()).collect();
                writeln!(w, "{}", row.join(",")).expect("write");
            }
        }
        Some("run") => {
            let extraction: Extraction = arg(&args, 5, "pca|centroid");
            let factors: usize = arg(&args, 6, "FACTORS");
            let t0 = Instant::now();
            let t = table(n, m, views, seed);
            let study = validate(&t, &ValidationOptions::default()).expect("valid");
            drop(t);
            let t1 = Instant::now();
            let opts = AnalysisOptions {
                extraction,
                factors,
                ..Default::default()
            };
            let r = analyze(&study, &opts).expect("analysis");
            let t2 = Instant::now();
            println!(
                "{n} x {m}, {extraction} {factors}: generate {:.3} s, analyze {:.3} s; defining sorts {:?}",
                (t1 - t0).as_secs_f64(),
                (t2 - t1).as_secs_f64(),
                r.factors
                    .iter()
                    .map(|f| f.defining_sorts.len())
                    .collect::<Vec<_>>()
            );
        }
        _ => eprintln!(
            "usage: bigstudy write|run SORTS STATEMENTS VIEWPOINTS SEED ... | analyze FILE pca|centroid FACTORS DIR"
        ),
    }
}
