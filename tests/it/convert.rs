//! `qstudy convert IN --to pqmethod|csv|study OUT`: PQMethod files come back byte for byte,
//! every format converts to every writable target, outputs are never overwritten without
//! `--force`, and what a target cannot hold is refused with a clear message.

use std::path::Path;

use support::{fixture, qstudy, results};

fn convert(args: &[&str]) -> support::Run {
    let mut all = vec!["convert"];
    all.extend_from_slice(args);
    qstudy(&all)
}

fn s(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

#[test]
fn lipset_and_uhh_round_trip_to_identical_bytes() {
    for (dat, sta) in [
        ("lipset/LIPSET.DAT", "lipset/LIPSET.STA"),
        ("uhh/UHH.DAT", "uhh/UHH.STA"),
        ("koc/KOC.DAT", "koc/KOC.STA"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let name = Path::new(dat).file_name().unwrap();
        let out = dir.path().join(name);
        let run = convert(&[&fixture(dat), "--to", "pqmethod", &s(&out)]);
        assert_eq!(run.code, 0, "{dat}: {}", run.stderr);
        assert!(run.stdout.contains("wrote"), "{}", run.stdout);
        assert_eq!(
            std::fs::read(&out).unwrap(),
            std::fs::read(fixture(dat)).unwrap(),
            "{dat} byte for byte"
        );
        let sta_out = dir.path().join(Path::new(sta).file_name().unwrap());
        assert_eq!(
            std::fs::read(&sta_out).unwrap(),
            std::fs::read(fixture(sta)).unwrap(),
            "{sta} byte for byte"
        );
    }
}

#[test]
fn round_trip_through_csv_and_study_gives_the_same_analysis() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("lipset.csv");
    let study = dir.path().join("lipset-study");
    let dat = dir.path().join("AGAIN.DAT");
    let lipset = fixture("lipset/LIPSET.DAT");
    assert_eq!(convert(&[&lipset, "--to", "csv", &s(&csv)]).code, 0);
    assert_eq!(convert(&[&lipset, "--to", "study", &s(&study)]).code, 0);
    // csv -> PQMethod again: PQMethod's own layout, the same bytes as the original, title aside.
    let run = convert(&[&s(&csv), "--to", "pqmethod", &s(&dat)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let original = std::fs::read_to_string(fixture("lipset/LIPSET.DAT")).unwrap();
    let again = std::fs::read_to_string(&dat).unwrap();
    let body = |t: &str| t.split_once("\r\n").unwrap().1.to_string();
    assert_eq!(body(&again), body(&original));
    assert!(
        again.starts_with(&format!("  0  9 33 {:68}\r\n", "")),
        "{again:?}"
    );
    // The same numbers from each.
    let analyse = |input: &str| {
        let out = dir.path().join(format!("out-{}", results_name(input)));
        let run = qstudy(&[
            "analyze",
            input,
            "--factors",
            "3",
            "--out",
            &out.to_string_lossy(),
        ]);
        assert_eq!(run.code, 0, "{input}: {}", run.stderr);
        results(&out)
    };
    let a = analyse(&lipset);
    for other in [s(&csv), s(&study), s(&dat)] {
        let b = analyse(&other);
        assert_eq!(a["rotated"], b["rotated"], "{other}");
        assert_eq!(a["flags"], b["flags"], "{other}");
        assert_eq!(a["input"]["sort_ids"], b["input"]["sort_ids"], "{other}");
    }
}

fn results_name(input: &str) -> String {
    input.replace(['/', '\\', '.', ':'], "_")
}

#[test]
fn htmlq_to_study_keeps_the_participants() {
    let dir = tempfile::tempdir().unwrap();
    let study = dir.path().join("cegebe");
    let run = convert(&[
        &fixture("cegebe/htmlq_export.csv"),
        "--to",
        "study",
        &s(&study),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("read as HTMLQ/FlashQ CSV export"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr
            .contains("note: the input lacks statement texts: statements.csv holds 'Statement N'"),
        "{}",
        run.stderr
    );
    let participants = std::fs::read_to_string(study.join("participants.csv")).unwrap();
    assert!(
        participants.starts_with("id,datetime,dur0,"),
        "{participants}"
    );
    let out = dir.path().join("out");
    let run = qstudy(&[
        "analyze",
        &s(&study),
        "--method",
        "pca",
        "--factors",
        "3",
        "--out",
        &s(&out),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r = results(&out);
    assert_eq!(r["participants"][0]["attributes"]["npos"], "21");
    // To PQMethod the attributes cannot go: a note says so.
    let run = convert(&[
        &fixture("cegebe/htmlq_export.csv"),
        "--to",
        "pqmethod",
        &s(&dir.path().join("CEGEBE.DAT")),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("not kept in pqmethod files"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("no .STA was written"), "{}", run.stderr);
}

#[test]
fn civicon_wide_grid_is_refused_by_the_pqmethod_writer() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("CIVICON.DAT");
    let run = convert(&[
        &fixture("civicon/sorts_before.csv"),
        "--to",
        "pqmethod",
        &s(&out),
    ]);
    assert_eq!(run.code, 5);
    let line = run.stderr.lines().next().unwrap();
    assert!(
        line.starts_with(&format!(
            "error: {}: cannot write a PQMethod file",
            out.display()
        )) && line.contains("(-7..7) goes beyond PQMethod's range -6..13"),
        "{line}"
    );
    assert!(!out.exists(), "nothing written");
    // csv and study take it.
    let study = dir.path().join("civicon");
    assert_eq!(
        convert(&[
            &fixture("civicon/sorts_before.csv"),
            "--to",
            "study",
            &s(&study)
        ])
        .code,
        0
    );
    assert!(
        std::fs::read_to_string(study.join("study.toml"))
            .unwrap()
            .contains("grid = \"-7:1,-6:1,-5:2,")
    );
}

#[test]
fn refuses_to_overwrite_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("LIPSET.DAT");
    let lipset = fixture("lipset/LIPSET.DAT");
    assert_eq!(convert(&[&lipset, "--to", "pqmethod", &s(&out)]).code, 0);
    std::fs::write(&out, "changed").unwrap();
    let run = convert(&[&lipset, "--to", "pqmethod", &s(&out)]);
    assert_eq!(run.code, 5);
    assert_eq!(
        run.stderr.trim_end(),
        format!(
            "error: {}: already exists; give --force to overwrite it",
            out.display()
        )
    );
    assert_eq!(std::fs::read(&out).unwrap(), b"changed", "left alone");
    let run = convert(&[&lipset, "--to", "pqmethod", &s(&out), "--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        std::fs::read(&out).unwrap(),
        std::fs::read(&lipset).unwrap()
    );
    // A study directory: refused when its files exist.
    let study = dir.path().join("st");
    assert_eq!(convert(&[&lipset, "--to", "study", &s(&study)]).code, 0);
    let run = convert(&[&lipset, "--to", "study", &s(&study)]);
    assert_eq!(run.code, 5);
    assert!(
        run.stderr.contains("study.toml: already exists"),
        "{}",
        run.stderr
    );
}

#[test]
fn bad_targets_and_ids_are_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    // A PQMethod target must be a .DAT name.
    let run = convert(&[
        &fixture("lipset/LIPSET.DAT"),
        "--to",
        "pqmethod",
        &s(&dir.path().join("x.txt")),
    ]);
    assert_eq!(run.code, 5);
    assert!(
        run.stderr.contains("expected a .DAT file name"),
        "{}",
        run.stderr
    );
    // KADE demo ids ("participant_1") do not fit PQMethod's 8 columns.
    let run = convert(&[
        &fixture("kade-demo/buzzwords/sorts.csv"),
        "--to",
        "pqmethod",
        &s(&dir.path().join("BUZZ.DAT")),
    ]);
    assert_eq!(run.code, 5);
    assert!(
        run.stderr
            .contains("cannot write sort id 'participant_1': it is longer than 8 characters"),
        "{}",
        run.stderr
    );
    // An unknown target format is a usage error.
    let run = convert(&[&fixture("lipset/LIPSET.DAT"), "--to", "spss", "x.sav"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("expected pqmethod, csv or study"),
        "{}",
        run.stderr
    );
    // Bad input is reported as by analyze (exit 3), and nothing is written.
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "A,B\n1,x\n").unwrap();
    let out = dir.path().join("o.csv");
    let run = convert(&[&s(&bad), "--to", "csv", &s(&out)]);
    assert_eq!(run.code, 3);
    assert!(
        run.stderr.contains("bad.csv: line 2, column 2"),
        "{}",
        run.stderr
    );
    assert!(!out.exists());
}
