//! `qstudy simulate`: determinism, honoured ranges and grid, and clear errors for bad designs.

use support::qstudy;

const STATEMENTS: &str = "id,text,tag\n1,One,a\n2,Two,a\n3,Three,b\n4,Four,b\n5,Five,c\n";

fn design(ideal_a: &str, loading: &str) -> String {
    format!(
        r#"title = "Tiny"
grid = "-1:1,0:3,1:1"
statements = "statements.csv"
seed = 5

[[viewpoints]]
name = "A"
ideal = {{ {ideal_a} }}

[[viewpoints]]
name = "B"
ideal = {{ "1" = 0, "2" = 1, "3" = 0, "4" = -1, "5" = 0 }}

[[participants]]
id = "P1"
attributes = {{ role = "x" }}
loadings = [{loading}]

[[participants]]
id = "P2"
attributes = {{ role = "y" }}
loadings = [{{ viewpoint = "B", min = 0.5, max = 0.6 }}]

[[participants]]
id = "P3"
loadings = [{{ viewpoint = "A", min = -0.8, max = -0.7 }}]
"#
    )
}

const GOOD_IDEAL: &str = r#""1" = -1, "2" = 0, "3" = 0, "4" = 0, "5" = 1"#;
const GOOD_LOADING: &str = r#"{ viewpoint = "A", min = 0.6, max = 0.7 }"#;

/// Writes a design (+ statements) and runs simulate; returns (code, stdout, stderr, out dir).
fn simulate(design_text: &str, extra: &[&str]) -> (i32, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("statements.csv"), STATEMENTS).unwrap();
    let file = dir.path().join("design.toml");
    std::fs::write(&file, design_text).unwrap();
    let out = dir.path().join("study");
    let mut args = vec![
        "simulate".to_string(),
        file.to_string_lossy().into_owned(),
        "--out".into(),
        out.to_string_lossy().into_owned(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let run = qstudy(&args);
    (run.code, run.stderr, dir)
}

#[test]
fn honours_grid_ranges_and_is_deterministic() {
    let text = design(GOOD_IDEAL, GOOD_LOADING);
    let (code, err, dir) = simulate(&text, &[]);
    assert_eq!(code, 0, "{err}");
    let sorts = std::fs::read_to_string(dir.path().join("study/sorts.csv")).unwrap();
    for line in sorts.lines().skip(1) {
        let mut values: Vec<i32> = line
            .split(',')
            .skip(1)
            .map(|v| v.parse().unwrap())
            .collect();
        values.sort();
        assert_eq!(values, [-1, 0, 0, 0, 1], "{line}");
    }
    let truth = std::fs::read_to_string(dir.path().join("study/truth.csv")).unwrap();
    let rows: Vec<Vec<String>> = truth
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(String::from).collect())
        .collect();
    let p1: f64 = rows[0][1].parse().unwrap();
    let p2: f64 = rows[1][2].parse().unwrap();
    let p3: f64 = rows[2][1].parse().unwrap();
    assert!(
        (0.6..=0.7).contains(&p1) && (0.5..=0.6).contains(&p2) && (-0.8..=-0.7).contains(&p3),
        "{truth}"
    );
    // Same seed: same bytes; the study reads back and analyses.
    let (_, _, again) = simulate(&text, &[]);
    for f in ["sorts.csv", "truth.csv", "participants.csv", "study.toml"] {
        assert_eq!(
            std::fs::read(dir.path().join("study").join(f)).unwrap(),
            std::fs::read(again.path().join("study").join(f)).unwrap(),
            "{f}"
        );
    }
    let (_, _, other) = simulate(&text, &["--seed", "6"]);
    assert_ne!(
        sorts,
        std::fs::read_to_string(other.path().join("study/sorts.csv")).unwrap()
    );
    let out = dir.path().join("res");
    let run = qstudy(&[
        "analyze",
        dir.path().join("study").to_str().unwrap(),
        "--factors",
        "1",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn ideal_sort_off_the_grid() {
    let (code, err, _d) = simulate(
        &design(
            r#""1" = -1, "2" = 0, "3" = 0, "4" = 0, "5" = 2"#,
            GOOD_LOADING,
        ),
        &[],
    );
    assert_eq!(code, 3);
    assert!(
        err.contains("design.toml")
            && err.contains("viewpoint 'A', statement 5: ideal value 2 is not on the grid"),
        "{err}"
    );
}

#[test]
fn ideal_sort_breaking_the_grid() {
    let (code, err, _d) = simulate(
        &design(
            r#""1" = -1, "2" = 0, "3" = 0, "4" = 1, "5" = 1"#,
            GOOD_LOADING,
        ),
        &[],
    );
    assert_eq!(code, 3);
    assert!(
        err.contains("viewpoint 'A': the ideal sort breaks the grid"),
        "{err}"
    );
}

#[test]
fn unknown_statement() {
    let (code, err, _d) = simulate(
        &design(
            r#""1" = -1, "2" = 0, "3" = 0, "4" = 0, "9" = 1"#,
            GOOD_LOADING,
        ),
        &[],
    );
    assert_eq!(code, 3);
    assert!(
        err.contains("design.toml") && err.contains("viewpoint 'A': unknown statement 9"),
        "{err}"
    );
}

#[test]
fn loading_outside_minus_one_to_one() {
    let (code, err, _d) = simulate(
        &design(GOOD_IDEAL, r#"{ viewpoint = "A", min = 0.9, max = 1.2 }"#),
        &[],
    );
    assert_eq!(code, 3);
    assert!(
        err.contains(
            "participant 'P1', viewpoint 'A': loading range 0.9..1.2 must lie within -1..1"
        ),
        "{err}"
    );
}

#[test]
fn unknown_viewpoint_and_missing_seed() {
    let (code, err, _d) = simulate(
        &design(GOOD_IDEAL, r#"{ viewpoint = "Z", min = 0.5, max = 0.6 }"#),
        &[],
    );
    assert_eq!(code, 3);
    assert!(
        err.contains("participant 'P1': unknown viewpoint 'Z'"),
        "{err}"
    );
    let (code, err, _d) = simulate(
        &design(GOOD_IDEAL, GOOD_LOADING).replace("seed = 5\n", ""),
        &[],
    );
    assert_eq!(code, 3);
    assert!(err.contains("no seed"), "{err}");
    let (code, err, _d) = simulate(
        &design(GOOD_IDEAL, GOOD_LOADING).replace("title", "titel"),
        &[],
    );
    assert_eq!(code, 3);
    assert!(
        err.contains("design.toml: line 1") && err.contains("titel"),
        "{err}"
    );
}
