//! Cleaning the returns (issue 24): sorts left out by id (`--exclude`), by attribute
//! (`--where`) or as incomplete (`--drop-incomplete`), as flags and study.toml keys, each said
//! and recorded in `results.json` `options`; incomplete sorts refused with every missing cell
//! named; identical and near-identical sorts warned.

use serde_json::Value;
use support::{fixture, qstudy};

use crate::eqwebsort::{analyze_raw, without};

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

#[test]
fn where_on_apse_equals_the_hand_made_subset_apart_from_options() {
    let apse = fixture("apse-2023");
    let (selected, stdout) = analyze_raw(&[&apse, "--where", "role=officer"]);
    let (subset, _) = analyze_raw(&[&fixture("apse-2023-officers")]);
    assert_eq!(
        without(&selected, &["options"]),
        without(&subset, &["options"])
    );
    assert!(
        stdout.contains("16 of 32 sorts left out: 16 whose role is not officer (C01, C02,"),
        "{stdout}"
    );
    let options = &json(&selected)["options"];
    assert_eq!(
        options["where"],
        serde_json::json!([{"attribute": "role", "values": ["officer"]}])
    );
    assert_eq!(options["exclude"], serde_json::json!([]));
    assert_eq!(options["drop_incomplete"], false);
    let left_out = options["left_out"].as_array().unwrap();
    assert_eq!(left_out.len(), 16);
    assert_eq!(
        left_out[0],
        serde_json::json!({"sort": "C01", "reason": "where", "attribute": "role", "value": "councillor"})
    );
    assert_eq!(json(&subset)["options"]["left_out"], serde_json::json!([]));
}

#[test]
fn exclude_and_where_on_one_council_equal_the_hand_made_subset() {
    let apse = fixture("apse-2023");
    let (subset, _) = analyze_raw(&[&fixture("apse-2023-lancaster-officers")]);
    let (by_where, _) = analyze_raw(&[
        &apse,
        "--where",
        "role=officer",
        "--where",
        "council=Lancaster",
        "--factors",
        "2",
    ]);
    assert_eq!(
        without(&by_where, &["options"]),
        without(&subset, &["options"])
    );
    // the same sorts by id: every other one excluded (comma-separated and repeated)
    let kept: Vec<String> = json(&subset)["input"]["sort_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert_eq!(kept.len(), 4);
    let all: Vec<String> = json(&by_where)["options"]["left_out"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["sort"].as_str().unwrap().to_string())
        .collect();
    let (first, rest) = all.split_at(10);
    let (first, rest) = (first.join(","), rest.join(","));
    let (by_exclude, _) = analyze_raw(&[
        &apse,
        "--exclude",
        &first,
        "--exclude",
        &rest,
        "--factors",
        "2",
    ]);
    assert_eq!(
        without(&by_exclude, &["options"]),
        without(&subset, &["options"])
    );
    let options = &json(&by_exclude)["options"];
    assert_eq!(options["exclude"].as_array().unwrap().len(), 28);
    assert_eq!(options["left_out"][0]["reason"], "excluded");
}

#[test]
fn the_selection_is_a_study_key_too_and_the_command_line_replaces_it() {
    let dir = tempfile::tempdir().unwrap();
    let study = dir.path().join("apse");
    std::fs::create_dir(&study).unwrap();
    for f in ["statements.csv", "sorts.csv", "participants.csv"] {
        std::fs::copy(fixture(&format!("apse-2023/{f}")), study.join(f)).unwrap();
    }
    let toml = std::fs::read_to_string(fixture("apse-2023/study.toml")).unwrap();
    let toml = toml.replace(
        "[analysis]\n",
        "[analysis]\nexclude = [\"C01\", \"C02\"]\nwhere = [\"role=councillor\"]\n",
    );
    std::fs::write(study.join("study.toml"), toml).unwrap();
    let study = study.to_string_lossy().into_owned();
    let run = qstudy(&["validate", &study]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains(
            "18 of 32 sorts left out: 2 excluded (C01, C02), 16 whose role is not councillor"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("OK: 14 sorts x 40 statements"),
        "{}",
        run.stdout
    );
    let (r, _) = analyze_raw(&[&study, "--factors", "3", "--exclude", "C03"]);
    let r = json(&r);
    assert_eq!(r["input"]["sorts"], 15);
    assert_eq!(r["options"]["exclude"], serde_json::json!(["C03"]));
    assert_eq!(
        r["options"]["where"][0]["values"],
        serde_json::json!(["councillor"])
    );
}

#[test]
fn a_selection_that_names_nothing_is_refused() {
    let apse = fixture("apse-2023");
    for (args, message) in [
        (
            vec!["--exclude", "X99"],
            "--exclude X99: no sort with id 'X99'",
        ),
        (
            vec!["--where", "rank=officer"],
            "--where rank=officer: no participant has the attribute 'rank' (attributes: council, position, role)",
        ),
        (
            vec!["--where", "role=oficer"],
            "--where role=oficer: no participant has role 'oficer' (values: councillor, officer)",
        ),
        (
            vec![
                "--where",
                "council=Lancaster",
                "--where",
                "role=officer",
                "--exclude",
                "O02,O06,O13",
            ],
            "the selection keeps 1 of 32 sorts: a Q study needs at least 2 sorts",
        ),
    ] {
        let mut all = vec!["validate", apse.as_str()];
        all.extend(args.iter().copied());
        let run = qstudy(&all);
        assert_eq!(run.code, 3, "{args:?}");
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
        let out = tempfile::tempdir().unwrap();
        let out = out.path().join("out").to_string_lossy().into_owned();
        let mut all = vec!["analyze", apse.as_str(), "--out", out.as_str()];
        all.extend(args.iter().copied());
        let run = qstudy(&all);
        assert_eq!(run.code, 3, "{args:?}");
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
    }
    let run = qstudy(&[
        "validate",
        &fixture("lipset/LIPSET.DAT"),
        "--where",
        "role=x",
    ]);
    assert!(
        run.stderr
            .contains("--where role=x: the input has no participant attributes"),
        "{}",
        run.stderr
    );
}

#[test]
fn incomplete_sorts_are_refused_with_every_missing_cell_or_left_out_on_demand() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("rows.csv");
    std::fs::write(
        &file,
        "id,1,2,3,4,5\nP1,2,1,0,-1,-2\nP2,-2,,0,1,2\nP3,0,-2,2,1,-1\nP4,1,2,,,NA\nP5,-1,0,2,-2,1\n",
    )
    .unwrap();
    let path = file.to_string_lossy().into_owned();
    let run = qstudy(&[
        "analyze",
        &path,
        "--factors",
        "1",
        "--out",
        &dir.path().join("o").to_string_lossy(),
    ]);
    assert_eq!(run.code, 3);
    assert_eq!(
        run.stderr.trim_end(),
        format!(
            "error: {path}: 2 incomplete sort(s): line 3: sort 'P2' is incomplete: no value for statement 2; line 5: sort 'P4' is incomplete: no value for statements 3, 4, 5; complete them, or give --drop-incomplete to leave incomplete sorts out"
        )
    );
    let run = qstudy(&["validate", &path]);
    assert_eq!(run.code, 3);
    assert!(
        run.stderr.contains(&format!(
            "error: {path}: line 3: sort 'P2' is incomplete: no value for statement 2\n"
        )),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("sort 'P4' is incomplete: no value for statements 3, 4, 5"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("2 problem(s) found"), "{}", run.stderr);
    assert!(
        run.stderr.contains("give --drop-incomplete"),
        "{}",
        run.stderr
    );
    let run = qstudy(&["validate", &path, "--drop-incomplete"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("2 of 5 sorts left out: 2 incomplete (P2, P4)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("warning: 2 incomplete sort(s) left out: 'P2' (no value for statement 2); 'P4' (no value for statements 3, 4, 5)"),
        "{}",
        run.stderr
    );
    let (r, stdout) = analyze_raw(&[&path, "--drop-incomplete", "--factors", "1"]);
    assert!(
        stdout.contains("2 of 5 sorts left out: 2 incomplete (P2, P4)"),
        "{stdout}"
    );
    let r = json(&r);
    assert_eq!(
        r["input"]["sort_ids"],
        serde_json::json!(["P1", "P3", "P5"])
    );
    assert_eq!(r["options"]["drop_incomplete"], true);
    assert_eq!(
        r["options"]["left_out"][1],
        serde_json::json!({"sort": "P4", "reason": "incomplete", "statements": [3, 4, 5]})
    );
    assert!(
        r["warnings"][0]
            .as_str()
            .unwrap()
            .starts_with("2 incomplete sort(s) left out")
    );
}

#[test]
fn validate_lists_the_identical_sorts_of_the_kade_ipad_demo() {
    let run = qstudy(&[
        "validate",
        &fixture("kade-demo/ipad-survey-japanese/sorts.csv"),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let identical: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("is identical to"))
        .collect();
    // Nine sorts repeat an earlier one (the issue counted five: 5, 11, 14, 21 and 24; 60, 63,
    // 64 and 66 repeat participant_56 and participant_61).
    let pairs: Vec<(&str, &str)> = identical
        .iter()
        .map(|l| {
            let q: Vec<&str> = l.split('\'').collect();
            (q[1], q[3])
        })
        .collect();
    assert_eq!(
        pairs,
        [
            ("participant_5", "participant_2"),
            ("participant_11", "participant_2"),
            ("participant_14", "participant_2"),
            ("participant_21", "participant_16"),
            ("participant_24", "participant_16"),
            ("participant_60", "participant_56"),
            ("participant_63", "participant_61"),
            ("participant_64", "participant_61"),
            ("participant_66", "participant_61"),
        ]
    );
    // and once left out, the analysis no longer says so
    let (r, _) = analyze_raw(&[
        &fixture("kade-demo/ipad-survey-japanese/sorts.csv"),
        "--exclude",
        "participant_5,participant_11,participant_14,participant_21,participant_24,participant_60,participant_63,participant_64,participant_66",
        "--factors",
        "3",
    ]);
    let r = json(&r);
    assert!(
        !r["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().contains("is identical to")),
        "{}",
        r["warnings"]
    );
}
