//! `qstudy analyze` on the bundled fixtures: the results.json contract, the anchors' numbers
//! through the CLI, options, determinism.

use serde_json::Value;
use support::{fixture, qstudy, results};

fn analyze(args: &[&str]) -> (tempfile::TempDir, Value, support::Run) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut all: Vec<String> = vec!["analyze".into()];
    all.extend(args.iter().map(|s| s.to_string()));
    all.push("--out".into());
    all.push(out.to_string_lossy().into_owned());
    let run = qstudy(&all);
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    let v = results(&out);
    (dir, v, run)
}

fn shape(v: &Value) -> (usize, usize) {
    let rows = v.as_array().unwrap();
    (rows.len(), rows[0].as_array().unwrap().len())
}

#[test]
fn results_json_has_every_stable_key() {
    let (_d, r, run) = analyze(&[&fixture("lipset/LIPSET.DAT"), "--factors", "3"]);
    assert!(run.stdout.contains("Eigenvalue"), "{}", run.stdout);
    assert_eq!(r["schema"], "qstudy.results/1");
    let (n, m, k) = (9, 33, 3);
    let input = &r["input"];
    assert_eq!(input["statements"], m);
    assert_eq!(input["sorts"], n);
    assert_eq!(input["sort_ids"][0], "US1");
    assert_eq!(input["statement_ids"].as_array().unwrap().len(), m);
    assert_eq!(input["statement_ids"][32], 33);
    assert_eq!(input["grid"][0], serde_json::json!([-4, 2]));
    let o = &r["options"];
    assert_eq!(o["correlation"], "pearson");
    assert_eq!(o["extraction"], "centroid");
    assert_eq!(o["extracted"], 7);
    assert_eq!(o["factors"], 3);
    assert_eq!(o["rotation"], "varimax");
    assert_eq!(o["rotation_steps"], serde_json::json!([]));
    assert_eq!(o["flag_p"], 0.05);
    assert_eq!(o["flag_majority"], true);
    assert_eq!(shape(&r["correlation"]), (n, n));
    assert_eq!(shape(&r["unrotated"]["loadings"]), (n, 7));
    assert_eq!(r["unrotated"]["eigenvalues"].as_array().unwrap().len(), 7);
    assert_eq!(
        r["unrotated"]["explained_variance"]
            .as_array()
            .unwrap()
            .len(),
        7
    );
    assert_eq!(shape(&r["rotated"]["loadings"]), (n, k));
    assert_eq!(r["rotated"]["eigenvalues"].as_array().unwrap().len(), k);
    assert_eq!(
        r["rotated"]["explained_variance"].as_array().unwrap().len(),
        k
    );
    assert_eq!(r["rotated"]["communalities"].as_array().unwrap().len(), n);
    assert_eq!(shape(&r["flags"]), (n, k));
    assert!(r["flags"][0][0].is_boolean());
    let factors = r["factors"].as_array().unwrap();
    assert_eq!(factors.len(), k);
    for (i, f) in factors.iter().enumerate() {
        assert_eq!(f["name"], format!("F{}", i + 1));
        let p = f["defining_sorts"].as_array().unwrap().len();
        assert_eq!(f["weights"].as_array().unwrap().len(), p);
        for key in ["zscores", "array", "ranks"] {
            assert_eq!(f[key].as_array().unwrap().len(), m, "{key}");
        }
        assert!(f["composite_reliability"].is_f64());
        assert!(f["se"].is_f64());
        for d in f["distinguishing"].as_array().unwrap() {
            assert!(d["statement"].is_u64());
            assert!(d["p"] == 0.05 || d["p"] == 0.01);
        }
    }
    assert_eq!(shape(&r["factor_correlations"]), (k, k));
    assert_eq!(shape(&r["sed"]), (k, k));
    for c in r["consensus"].as_array().unwrap() {
        assert!(c["statement"].is_u64());
        assert!(c["nonsignificant_at"] == 0.05 || c["nonsignificant_at"] == 0.01);
    }
    let warnings = r["warnings"].as_array().unwrap();
    assert!(
        warnings.iter().any(|w| w.as_str().unwrap().contains("FR9")),
        "{warnings:?}"
    );
    assert!(run.stderr.contains("warning: "), "warnings are printed");
}

#[test]
fn warnings_txt_lists_every_warning_of_results_json() {
    let (dir, r, run) = analyze(&[&fixture("lipset/LIPSET.DAT"), "--factors", "3"]);
    let listed = std::fs::read_to_string(dir.path().join("out/warnings.txt")).unwrap();
    let warnings: Vec<&str> = r["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert!(!warnings.is_empty());
    assert_eq!(listed.lines().collect::<Vec<_>>(), warnings);
    assert!(listed.ends_with('\n'));
    // few warnings: printed as they are
    for w in &warnings {
        assert!(run.stderr.contains(&format!("warning: {w}\n")), "{w}");
    }
}

#[test]
fn dat_and_csv_inputs_give_the_same_numbers() {
    let (_a, x, _) = analyze(&[&fixture("lipset/LIPSET.DAT"), "--factors", "3"]);
    let (_b, y, _) = analyze(&[&fixture("lipset/lipset_sorts.csv"), "--factors", "3"]);
    for key in [
        "correlation",
        "unrotated",
        "rotated",
        "flags",
        "factors",
        "sed",
        "consensus",
    ] {
        assert_eq!(x[key], y[key], "{key}");
    }
    assert!(
        x["input"]["statement_labels"][0]
            .as_str()
            .unwrap()
            .starts_with("We accept")
    );
}

#[test]
fn output_is_byte_identical_across_runs() {
    let dir = tempfile::tempdir().unwrap();
    let read = |name: &str| {
        let out = dir.path().join(name);
        let run = qstudy(&[
            "analyze",
            &fixture("redu-fut/qsorts.csv"),
            "--method",
            "pca",
            "--factors",
            "3",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        std::fs::read(out.join("results.json")).unwrap()
    };
    assert_eq!(read("a"), read("b"));
}

/// Lipset PCA 3 + varimax through the CLI: qmethod's flags and arrays (matched by loading
/// correlation; qmethod orders these factors 2, 1, 3).
#[test]
fn lipset_pca_matches_qmethod_through_the_cli() {
    let (_d, r, _) = analyze(&[
        &fixture("lipset/lipset_sorts.csv"),
        "--method",
        "pca",
        "--factors",
        "3",
    ]);
    let text = std::fs::read_to_string(fixture(
        "lipset/ref_qmethodR_pca_varimax_3f_zscores_factorscores.csv",
    ))
    .unwrap();
    let rows: Vec<Vec<String>> = text
        .lines()
        .skip(1)
        .map(|l| {
            l.split(',')
                .map(|c| c.trim_matches('"').to_string())
                .collect()
        })
        .collect();
    let order = [1usize, 0, 2]; // our factor for qmethod's f1, f2, f3
    for (j, &ours) in order.iter().enumerate() {
        let f = &r["factors"][ours];
        for (s, row) in rows.iter().enumerate() {
            let z: f64 = row[1 + j].parse().unwrap();
            assert!((f["zscores"][s].as_f64().unwrap() - z).abs() < 1e-3);
            assert_eq!(
                f["array"][s].as_i64().unwrap(),
                row[4 + j].parse::<i64>().unwrap()
            );
        }
    }
}

#[test]
fn judgmental_rotation_is_recorded_and_replayable() {
    let (_d, r, run) = analyze(&[
        &fixture("lipset/lipset_sorts.csv"),
        "--factors",
        "3",
        "--rotate",
        "1,2,10",
        "--rotate",
        "2,3,-5.5",
    ]);
    assert!(run.stdout.contains("2 judgmental step(s)"));
    assert_eq!(
        r["options"]["rotation_steps"],
        serde_json::json!([[1, 2, 10.0], [2, 3, -5.5]])
    );
    // rotated = unrotated[:, ..3] x T
    let t = r["rotated"]["rotation_matrix"].as_array().unwrap();
    for i in 0..9 {
        for f in 0..3 {
            let v: f64 = (0..3)
                .map(|g| {
                    r["unrotated"]["loadings"][i][g].as_f64().unwrap() * t[g][f].as_f64().unwrap()
                })
                .sum();
            assert!((v - r["rotated"]["loadings"][i][f].as_f64().unwrap()).abs() < 1e-12);
        }
    }
}

#[test]
fn manual_flags_split_and_invert() {
    let csv = fixture("lipset/lipset_sorts.csv");
    let (_d, r, _) = analyze(&[
        &csv,
        "--method",
        "pca",
        "--factors",
        "3",
        "--flag",
        "FR9=2",
        "--unflag",
        "US3=F2",
    ]);
    assert_eq!(
        r["factors"][1]["defining_sorts"],
        serde_json::json!(["US4", "JP5", "FR9"])
    );
    // Lipset PCA F2 is bipolar (JP5 loads -0.83 with US3/US4 positive): split it.
    let (_d, r, _) = analyze(&[&csv, "--method", "pca", "--factors", "3", "--split", "2"]);
    let names: Vec<&str> = r["factors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["F1", "F2a", "F2b", "F3"]);
    assert_eq!(
        r["factors"][2]["defining_sorts"],
        serde_json::json!(["JP5"])
    );
    assert_eq!(shape(&r["flags"]), (9, 4));
    assert_eq!(shape(&r["rotated"]["loadings"]), (9, 3));
    let (_d, inv, _) = analyze(&[&csv, "--method", "pca", "--factors", "3", "--invert", "1"]);
    let (_d, plain, _) = analyze(&[&csv, "--method", "pca", "--factors", "3"]);
    assert_eq!(
        inv["rotated"]["loadings"][0][0].as_f64().unwrap(),
        -plain["rotated"]["loadings"][0][0].as_f64().unwrap()
    );
    assert_eq!(inv["flags"], plain["flags"]);
}

/// A split factor keeps what was given for it whole: its name names the halves (`NAME (a)`,
/// `NAME (b)`, a half's own name winning) and a manual flag or unflag on it lands on the half
/// the sort belongs to by the sign of its loading; inverted first, then split.
#[test]
fn split_of_a_named_inverted_hand_flagged_factor() {
    let csv = fixture("lipset/lipset_sorts.csv");
    let base = ["--method", "pca", "--factors", "3", "--split", "2"];
    let run = |extra: &[&str]| {
        let mut args: Vec<&str> = vec![&csv];
        args.extend(base);
        args.extend(extra);
        analyze(&args)
    };
    let defining = |r: &Value, f: usize| -> Vec<String> {
        r["factors"][f]["defining_sorts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect()
    };
    let labels = |r: &Value| -> Vec<Value> {
        r["factors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["label"].clone())
            .collect()
    };
    let (_d, plain, _) = run(&[]);
    // Lipset PCA F2: US3 and US4 on the positive pole, JP5 on the negative one
    assert_eq!(defining(&plain, 1), ["US3", "US4"]);
    assert_eq!(defining(&plain, 2), ["JP5"]);
    let ids: Vec<&str> = plain["input"]["sort_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    let fr9 = ids.iter().position(|&s| s == "FR9").unwrap();
    let fr9_half = if plain["rotated"]["loadings"][fr9][1].as_f64().unwrap() >= 0.0 {
        1
    } else {
        2
    };

    let (_d, r, out) = run(&[
        "--name",
        "F2=Reformers",
        "--name",
        "F3=Third",
        "--unflag",
        "US3=F2",
        "--flag",
        "FR9=2",
    ]);
    assert_eq!(
        labels(&r),
        [
            Value::Null,
            "Reformers (a)".into(),
            "Reformers (b)".into(),
            "Third".into()
        ]
    );
    assert!(out.stdout.contains("Reformers (a)"), "{}", out.stdout);
    assert_eq!(
        r["options"]["manual_flags"],
        serde_json::json!([["FR9", "2"]])
    );
    // the edits landed on the halves: the same as naming the halves directly
    let half = if fr9_half == 1 { "FR9=F2a" } else { "FR9=F2b" };
    let (_d, direct, _) = run(&["--unflag", "US3=F2a", "--flag", half]);
    assert_eq!(r["flags"], direct["flags"]);
    assert_eq!(r["factors"][1]["zscores"], direct["factors"][1]["zscores"]);
    assert_eq!(r["factors"][2]["zscores"], direct["factors"][2]["zscores"]);
    assert_eq!(defining(&r, 1), {
        let mut want = vec!["US4".to_string()];
        if fr9_half == 1 {
            want.push("FR9".into());
        }
        want
    });
    assert!(defining(&r, fr9_half).contains(&"FR9".to_string()));
    assert!(!defining(&r, 3 - fr9_half).contains(&"FR9".to_string()));

    // inverted before the split: the poles change places, and so do the edits' halves
    let (_d, inv, _) = run(&[
        "--invert",
        "2",
        "--name",
        "F2=Reformers",
        "--name",
        "F2a=Traditionalists",
        "--unflag",
        "US3=F2",
    ]);
    assert_eq!(
        labels(&inv)[1..3],
        [Value::from("Traditionalists"), Value::from("Reformers (b)")]
    );
    assert_eq!(defining(&inv, 1), ["JP5"]);
    assert_eq!(defining(&inv, 2), ["US4"]);

    // a half of a factor that is not split, or no factor at all, keeps its error
    for (args, says) in [
        (["--name", "F3a=x"], "factor 'F3a' does not exist"),
        (["--flag", "US3=F4"], "factor 'F4' does not exist"),
    ] {
        let mut all: Vec<String> = vec!["analyze".into(), csv.clone()];
        all.extend(base.iter().map(|s| s.to_string()));
        all.extend(args.iter().map(|s| s.to_string()));
        let dir = tempfile::tempdir().unwrap();
        all.push("--out".into());
        all.push(dir.path().join("out").to_string_lossy().into_owned());
        let bad = qstudy(&all);
        assert_ne!(bad.code, 0, "{}", bad.stderr);
        assert!(bad.stderr.contains(says), "{}", bad.stderr);
        assert!(bad.stderr.contains("F1, F2a, F2b, F3"), "{}", bad.stderr);
    }
}

/// A study's factor names (APSE's study.toml names F1..F4) carry to the halves of a factor
/// split on the command line, with a manual flag on the split factor.
#[test]
fn split_of_a_factor_named_by_the_study() {
    let apse = fixture("apse-2023");
    let (_d, bare, _) = analyze(&[&apse, "--split", "1"]);
    let names: Vec<&str> = bare["factors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["F1a", "F1b", "F2", "F3", "F4"]);
    // the first sort defining neither half is flagged by hand on F1
    let flags = bare["flags"].as_array().unwrap();
    let i = flags
        .iter()
        .position(|row| row[0] == false && row[1] == false)
        .unwrap();
    let id = bare["input"]["sort_ids"][i].as_str().unwrap().to_string();
    let (_d, r, out) = analyze(&[&apse, "--split", "1", "--flag", &format!("{id}=F1")]);
    assert_eq!(r["factors"][0]["label"], "galvanised dialogues (a)");
    assert_eq!(r["factors"][1]["label"], "galvanised dialogues (b)");
    assert_eq!(r["factors"][2]["label"], "settled accommodation");
    assert!(
        out.stdout.contains("galvanised dialogues (b)"),
        "{}",
        out.stdout
    );
    let half = if r["rotated"]["loadings"][i][0].as_f64().unwrap() >= 0.0 {
        0
    } else {
        1
    };
    let mut want = bare["flags"].clone();
    want[i][half] = true.into();
    assert_eq!(r["flags"], want);
}

#[test]
fn correlations_and_flagging_options() {
    let csv = fixture("lipset/lipset_sorts.csv");
    for c in ["spearman", "kendall"] {
        let (_d, r, _) = analyze(&[&csv, "--factors", "2", "--correlation", c]);
        assert_eq!(r["options"]["correlation"], c);
        assert_eq!(r["correlation"][0][0], 1.0);
    }
    let (_d, r, _) = analyze(&[&csv, "--factors", "3", "--flag-p", "0.01", "--no-majority"]);
    assert_eq!(r["options"]["flag_p"], 0.01);
    assert_eq!(r["options"]["flag_majority"], false);
    let (_d, r, _) = analyze(&[
        &csv,
        "--factors",
        "2",
        "--rotation",
        "none",
        "--extract",
        "4",
    ]);
    assert_eq!(r["options"]["extracted"], 4);
    assert_eq!(
        r["unrotated"]["loadings"][3][0],
        r["rotated"]["loadings"][3][0]
    );
}

#[test]
fn factor_without_defining_sort_has_null_array() {
    let (_d, r, run) = analyze(&[
        &fixture("lipset/lipset_sorts.csv"),
        "--factors",
        "3",
        "--no-auto-flag",
        "--flag",
        "US1=1",
        "--flag",
        "US3=2",
    ]);
    assert!(r["factors"][2]["array"].is_null());
    assert!(r["sed"][2][0].is_null());
    assert!(run.stderr.contains("F3 has no defining sort"));
}
