//! `qstudy bootstrap`: outputs, determinism per seed across thread counts, errors.

use serde_json::Value;
use support::{fixture, qstudy};

fn run_bootstrap(dir: &std::path::Path, extra: &[&str]) -> support::Run {
    let mut args = vec![
        "bootstrap".to_string(),
        fixture("redu-fut/qsorts.csv"),
        "--method".into(),
        "pca".into(),
        "--factors".into(),
        "3".into(),
        "--out".into(),
        dir.to_string_lossy().into_owned(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    qstudy(&args)
}

fn json(dir: &std::path::Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("bootstrap.json")).unwrap()).unwrap()
}

#[test]
fn bootstrap_writes_json_and_csv_summaries() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_bootstrap(dir.path(), &["--replicates", "40", "--seed", "3"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("40 replicates (seed 3), procrustes alignment")
    );
    assert!(run.stdout.contains("Mean SE(z)"));
    let b = json(dir.path());
    assert_eq!(b["schema"], "qstudy.bootstrap/1");
    assert_eq!(b["replicates_used"], 40);
    assert_eq!(b["options"]["factors"], 3);
    let factors = b["factors"].as_array().unwrap();
    assert_eq!(factors.len(), 3);
    for f in factors {
        for key in ["zscores", "mean", "se", "bias", "lower", "upper"] {
            assert_eq!(f[key].as_array().unwrap().len(), 36, "{key}");
        }
        for s in 0..36 {
            let (lo, hi) = (
                f["lower"][s].as_f64().unwrap(),
                f["upper"][s].as_f64().unwrap(),
            );
            let mean = f["mean"][s].as_f64().unwrap();
            assert!(lo <= mean && mean <= hi);
            assert!(f["se"][s].as_f64().unwrap() > 0.0);
        }
    }
    let l = &b["loadings"];
    assert_eq!(l["full"].as_array().unwrap().len(), 49);
    assert_eq!(l["flag_frequency"][0].as_array().unwrap().len(), 3);
    // the full sample's loadings are those of `analyze`
    let out = dir.path().join("analysis");
    let a = qstudy(&[
        "analyze",
        &fixture("redu-fut/qsorts.csv"),
        "--method",
        "pca",
        "--factors",
        "3",
        "--no-plots",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(a.code, 0);
    assert_eq!(support::results(&out)["rotated"]["loadings"], l["full"]);
    let z = std::fs::read_to_string(dir.path().join("bootstrap_zscores.csv")).unwrap();
    assert_eq!(z.lines().count(), 1 + 3 * 36);
    assert!(z.starts_with("factor,statement,z,mean,se,bias,lower,upper,"));
    let lo = std::fs::read_to_string(dir.path().join("bootstrap_loadings.csv")).unwrap();
    assert_eq!(lo.lines().count(), 1 + 49 * 3);
    assert!(lo.lines().nth(1).unwrap().starts_with("P01,F1,"));
}

#[test]
fn same_seed_same_output_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let read = |name: &str, threads: &str, seed: &str| {
        let out = dir.path().join(name);
        let run = run_bootstrap(
            &out,
            &[
                "--replicates",
                "70",
                "--seed",
                seed,
                "--threads",
                threads,
                "--align",
                "match",
            ],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        [
            "bootstrap.json",
            "bootstrap_zscores.csv",
            "bootstrap_loadings.csv",
        ]
        .map(|f| std::fs::read(out.join(f)).unwrap())
    };
    let one = read("one", "1", "11");
    assert_eq!(one, read("two", "2", "11"));
    assert_ne!(one[0], read("other", "2", "12")[0]);
}

#[test]
fn bootstrap_errors_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_bootstrap(dir.path(), &["--replicates", "1"]);
    assert_eq!(run.code, 4);
    assert!(
        run.stderr.contains("qsorts.csv") && run.stderr.contains("at least 2"),
        "{}",
        run.stderr
    );
    let run = run_bootstrap(dir.path(), &["--replicates", "5", "--split", "1"]);
    assert_eq!(run.code, 4);
    assert!(run.stderr.contains("split"), "{}", run.stderr);
    let run = run_bootstrap(dir.path(), &["--align", "sideways"]);
    assert_eq!(run.code, 2);
    let run = qstudy(&[
        "bootstrap",
        &fixture("nope.csv"),
        "--factors",
        "2",
        "--out",
        "x",
    ]);
    assert_eq!(run.code, 3);
    assert!(run.stderr.contains("nope.csv"));
}

/// A resample whose rotated loadings are undefined (seen on UHH, 2 factors, replicates 0..60)
/// is left out and counted, never a panic (it was nalgebra's "Singular value was NaN").
#[test]
fn degenerate_resamples_are_left_out_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let run = qstudy(&[
        "bootstrap".to_string(),
        fixture("uhh/UHH.DAT"),
        "--factors".into(),
        "2".into(),
        "--replicates".into(),
        "60".into(),
        "--threads".into(),
        "1".into(),
        "--out".into(),
        dir.path().to_string_lossy().into_owned(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let j = json(dir.path());
    let used = j["replicates_used"].as_u64().unwrap();
    let failed = j["replicates_failed"].as_u64().unwrap();
    assert_eq!(used + failed, 60);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}
