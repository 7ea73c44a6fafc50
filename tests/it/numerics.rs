//! The numerics profiles through the CLI: PQMethod's own output files (UHH: Horst 5.5 and
//! QVARIMAX), the `--numerics` and Horst options, their recording in results.json and their
//! errors.

use serde_json::Value;
use support::{fixture, qstudy, results};

fn analyze(args: &[&str]) -> (tempfile::TempDir, Value, support::Run) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut all: Vec<String> = vec!["analyze".into()];
    all.extend(args.iter().map(|s| s.to_string()));
    all.extend(["--no-plots".to_string(), "--out".to_string()]);
    all.push(out.to_string_lossy().into_owned());
    let run = qstudy(&all);
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    let v = results(&out);
    (dir, v, run)
}

/// The loadings of a PQMethod .UNR/.ROT file (after the two header lines, one row per sort,
/// stopping at the first line that is not all numbers).
fn pqmethod_loadings(path: &str) -> Vec<Vec<f64>> {
    let text = std::fs::read_to_string(fixture(path)).unwrap();
    text.lines()
        .skip(2)
        .map(|l| {
            l.split_whitespace()
                .map(str::parse::<f64>)
                .collect::<Result<Vec<_>, _>>()
        })
        .take_while(|r| matches!(r, Ok(v) if !v.is_empty()))
        .map(Result::unwrap)
        .collect()
}

fn worst(ours: &Value, theirs: &[Vec<f64>]) -> f64 {
    let mut w = 0.0f64;
    for (i, row) in theirs.iter().enumerate() {
        for (j, t) in row.iter().enumerate() {
            w = w.max((ours[i][j].as_f64().unwrap() - t).abs());
        }
    }
    w
}

/// UHH.UNR and UHH.ROT were written by PQMethod 2.35 (fixtures/uhh/PROVENANCE.md): 2 Horst 5.5
/// factors of 3 sorts, then varimax. Its protocol lists 8 iterations ending at a change of
/// 0.00086 (communalities 1.0000 0.5609 0.5609), i.e. that run stopped at threshold 0.001.
/// The files print 5 decimals.
#[test]
fn uhh_horst_and_varimax_match_pqmethod_files() {
    let (_d, r, _) = analyze(&[
        &fixture("uhh/UHH.DAT"),
        "--method",
        "horst",
        "--horst-threshold",
        "0.001",
        "--factors",
        "2",
    ]);
    assert_eq!(r["options"]["numerics"], "pqmethod");
    assert_eq!(r["options"]["varimax_method"], "pqmethod");
    assert_eq!(r["options"]["horst"]["iterations"], 30);
    assert_eq!(r["options"]["horst"]["threshold"], 0.001);
    let unr = pqmethod_loadings("uhh/UHH.UNR");
    assert_eq!(unr.len(), 3);
    let w = worst(&r["unrotated"]["loadings"], &unr);
    assert!(w < 1e-5 + 5e-6, "unrotated vs UHH.UNR: {w}");
    let rot = pqmethod_loadings("uhh/UHH.ROT");
    let w = worst(&r["rotated"]["loadings"], &rot);
    assert!(w < 1e-5 + 5e-6, "rotated vs UHH.ROT: {w}");
}

/// With PQMethod's default threshold (0.0001) the same study needs 12 iterations; a limit of
/// 3 is reached, which is a warning, not an error.
#[test]
fn horst_pass_limit_is_a_warning() {
    let (_d, r, _) = analyze(&[
        &fixture("uhh/UHH.DAT"),
        "--method",
        "horst",
        "--factors",
        "2",
    ]);
    assert_eq!(r["options"]["horst"]["threshold"], 0.0001);
    let warnings = r["warnings"].to_string();
    assert!(!warnings.contains("Horst"), "{warnings}");
    let (_d, r, _) = analyze(&[
        &fixture("uhh/UHH.DAT"),
        "--method",
        "horst",
        "--horst-iterations",
        "3",
        "--factors",
        "2",
    ]);
    let warnings = r["warnings"].to_string();
    assert!(
        warnings.contains("Horst") && warnings.contains("no convergence"),
        "{warnings}"
    );
}

#[test]
fn numerics_is_recorded_and_selects_the_conventions() {
    let (_d, r, _) = analyze(&[&fixture("lipset/LIPSET.DAT"), "--factors", "3"]);
    assert_eq!(r["options"]["numerics"], "pqmethod");
    assert_eq!(r["options"]["varimax_method"], "pqmethod");
    assert!(r["options"].get("horst").is_none());
    let (_d, q, _) = analyze(&[
        &fixture("lipset/LIPSET.DAT"),
        "--factors",
        "3",
        "--numerics",
        "qmethod",
    ]);
    assert_eq!(q["options"]["numerics"], "qmethod");
    assert_eq!(q["options"]["varimax_method"], "svd");
    // the expert override wins over the profile
    let (_d, o, _) = analyze(&[
        &fixture("lipset/LIPSET.DAT"),
        "--factors",
        "3",
        "--numerics",
        "qmethod",
        "--varimax",
        "pairwise",
    ]);
    assert_eq!(o["options"]["numerics"], "qmethod");
    assert_eq!(o["options"]["varimax_method"], "pairwise");
}

#[test]
fn study_toml_can_choose_the_profile() {
    let dir = tempfile::tempdir().unwrap();
    let study = dir.path().join("study");
    std::fs::create_dir(&study).unwrap();
    for f in [
        "study.toml",
        "sorts.csv",
        "statements.csv",
        "participants.csv",
    ] {
        let from = std::path::Path::new(&fixture("apse-2023")).join(f);
        if from.exists() {
            std::fs::copy(&from, study.join(f)).unwrap();
        }
    }
    let toml = std::fs::read_to_string(study.join("study.toml")).unwrap();
    let toml = if toml.contains("[analysis]") {
        toml.replace("[analysis]", "[analysis]\nnumerics = \"qmethod\"")
    } else {
        format!("{toml}\n[analysis]\nnumerics = \"qmethod\"\n")
    };
    std::fs::write(study.join("study.toml"), toml).unwrap();
    let (_d, r, _) = analyze(&[study.to_str().unwrap()]);
    assert_eq!(r["options"]["numerics"], "qmethod");
    // the command line overrides the study
    let (_d, r, _) = analyze(&[study.to_str().unwrap(), "--numerics", "pqmethod"]);
    assert_eq!(r["options"]["numerics"], "pqmethod");
}

#[test]
fn bad_numerics_options_are_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let out = out.to_str().unwrap();
    let lipset = fixture("lipset/LIPSET.DAT");
    for (args, code, needle) in [
        (vec!["--numerics", "kade"], 2, "pqmethod or qmethod"),
        (
            vec!["--horst-threshold", "0.001"],
            2,
            "only with --method horst",
        ),
        (
            vec!["--method", "horst", "--horst-iterations", "0"],
            4,
            "--horst-iterations must be at least 1",
        ),
        (
            vec!["--method", "horst", "--horst-threshold=-1"],
            4,
            "--horst-threshold must be a positive number",
        ),
    ] {
        let mut all = vec!["analyze", lipset.as_str(), "--factors", "3", "--out", out];
        all.extend(args.iter().copied());
        let run = qstudy(&all);
        assert_eq!(run.code, code, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(needle), "{args:?}: {}", run.stderr);
        // clap's own usage errors add a "--help" hint line; qstudy's are one line
        assert_eq!(
            run.stderr.trim().lines().next().map(|l| l.contains(needle)),
            Some(true),
            "{args:?}: {}",
            run.stderr
        );
    }
}

/// Lipset centroid 3 under qmethod's conventions: statements 7 and 10 tie exactly on F3 across
/// a column boundary, where qmethod hands out five -2s for four cells. qstudy keeps the grid
/// and says so.
#[test]
fn qmethod_profile_warns_where_qmethod_would_break_the_grid() {
    let (_d, r, _) = analyze(&[
        &fixture("lipset/LIPSET.DAT"),
        "--factors",
        "3",
        "--numerics",
        "qmethod",
    ]);
    let warnings = r["warnings"].to_string();
    assert!(
        warnings.contains("F3: statements 7, 10 have equal z-scores"),
        "{warnings}"
    );
    let grid_cells = |arr: &Value, v: i64| {
        arr.as_array()
            .unwrap()
            .iter()
            .filter(|x| x.as_i64() == Some(v))
            .count()
    };
    assert_eq!(grid_cells(&r["factors"][2]["array"], -2), 4);
}

/// Largest |difference| between two loading matrices, columns in the same order and sign.
fn max_diff(a: &Value, b: &Value) -> f64 {
    let (a, b) = (a.as_array().unwrap(), b.as_array().unwrap());
    let mut w = 0.0f64;
    for (ra, rb) in a.iter().zip(b) {
        for (x, y) in ra.as_array().unwrap().iter().zip(rb.as_array().unwrap()) {
            w = w.max((x.as_f64().unwrap() - y.as_f64().unwrap()).abs());
        }
    }
    w
}

/// KADE's demo studies (fixtures/kade-demo, fixtures/koc), centroid + varimax as KADE's users
/// run them. PQMethod's varimax stops short of the exact optimum (its skip rule) by less than
/// 5e-4 and keeps the factor order, flags and z-scores to 1e-3; R's varimax (qmethod) is
/// millimetres away and reorders KOC's factors: the differences users saw between qmethod-style
/// and KADE numbers (docs/methods.md, "Compatibility profiles").
#[test]
fn kade_demo_studies_under_both_varimax_forms() {
    let koc = fixture("koc/KOC.DAT");
    let ipad = fixture("kade-demo/ipad-survey-japanese/sorts.csv");
    let mot = fixture("kade-demo/motivational/sorts.csv");
    for (input, k) in [(&koc, "4"), (&ipad, "3"), (&mot, "3")] {
        let (_d, pq, _) = analyze(&[input, "--factors", k]);
        assert_eq!(pq["options"]["varimax_method"], "pqmethod");
        let (_d, opt, _) = analyze(&[input, "--factors", k, "--varimax", "pairwise"]);
        let d = max_diff(&pq["rotated"]["loadings"], &opt["rotated"]["loadings"]);
        assert!(d < 5e-4, "{input}: pqmethod vs exact optimum {d}");
        assert_eq!(pq["flags"], opt["flags"], "{input}");
        // communalities are those of the unrotated factors kept
        for (i, h) in pq["rotated"]["communalities"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
        {
            let row = pq["unrotated"]["loadings"][i].as_array().unwrap();
            let h0: f64 = row[..k.parse::<usize>().unwrap()]
                .iter()
                .map(|v| v.as_f64().unwrap().powi(2))
                .sum();
            assert!((h.as_f64().unwrap() - h0).abs() < 1e-12);
        }
    }
    // R's form reorders KOC's factors 2-4 (matched by loading correlation)
    let (_d, pq, _) = analyze(&[&koc, "--factors", "4"]);
    let (_d, svd, _) = analyze(&[&koc, "--factors", "4", "--varimax", "svd"]);
    let col = |v: &Value, j: usize| -> Vec<f64> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|r| r[j].as_f64().unwrap())
            .collect()
    };
    let best: Vec<usize> = (0..4)
        .map(|j| {
            let a = col(&pq["rotated"]["loadings"], j);
            (0..4)
                .max_by(|&x, &y| {
                    let dot = |c: usize| -> f64 {
                        col(&svd["rotated"]["loadings"], c)
                            .iter()
                            .zip(&a)
                            .map(|(p, q)| p * q)
                            .sum::<f64>()
                            .abs()
                    };
                    dot(x).total_cmp(&dot(y))
                })
                .unwrap()
        })
        .collect();
    assert_ne!(best, vec![0, 1, 2, 3], "KOC: R's varimax keeps the order");
}
