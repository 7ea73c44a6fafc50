//! Times the analysis session (docs/performance.md, "The analysis session: an edit against a
//! whole analysis"): a whole `analyze`, against a rotation step and a flag edit on an
//! `Analysis` (re-run from rotation / flagging) with their results.
//!
//! `cargo run --release -p qstudy-core --example session_timing`

use qstudy_core::analysis::{Analysis, AnalysisOptions, analyze};
use qstudy_core::validate::{ValidationOptions, validate};
use qstudy_core::{FlagEdit, Grid, RotationStep, synthetic::planted_study};
use std::time::Instant;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn main() {
    let grid: Grid = "-4:2,-3:3,-2:4,-1:6,0:10,1:6,2:4,3:3,4:2".parse().unwrap();
    for n in [60usize, 1000] {
        let sim = planted_study(&grid, n, 3, (0.55, 0.8), 5);
        let study = validate(&sim.table, &ValidationOptions::default()).unwrap();
        let o = AnalysisOptions {
            factors: 3,
            ..Default::default()
        };
        let mut full = Vec::new();
        let mut step = Vec::new();
        let mut flag = Vec::new();
        let mut a = Analysis::new(&study, o.clone()).unwrap();
        let mut edited = o.clone();
        for r in 0..15 {
            let t = Instant::now();
            let _ = analyze(&study, &o).unwrap();
            full.push(t.elapsed().as_secs_f64() * 1e3);
            let t = Instant::now();
            edited.rotation_steps.push(RotationStep {
                a: 1,
                b: 2,
                degrees: 1.0,
            });
            a.set_options(edited.clone()).unwrap();
            let _ = a.results();
            step.push(t.elapsed().as_secs_f64() * 1e3);
            let t = Instant::now();
            let sort = study.sort_ids()[r].clone();
            edited.flagging.flags.push(FlagEdit {
                sort,
                factor: "1".into(),
            });
            a.set_options(edited.clone()).unwrap();
            let _ = a.results();
            flag.push(t.elapsed().as_secs_f64() * 1e3);
        }
        println!(
            "n={n}: full analyze {:.3} ms, rotation step + results {:.3} ms, flag edit + results {:.3} ms (medians of 15)",
            median(full),
            median(step),
            median(flag)
        );
    }
}
