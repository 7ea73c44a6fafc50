//! `tables/*.csv`: the main tables as CSV, read back and compared with `results.json` at full
//! precision.

use serde_json::Value;
use support::{fixture, qstudy};

fn read(path: &std::path::Path) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let split = |l: &str| -> Vec<String> {
        // the fixtures' texts hold commas only inside quoted fields; a tiny CSV reader suffices
        let mut out = vec![String::new()];
        let mut quoted = false;
        let mut chars = l.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '"' if quoted && chars.peek() == Some(&'"') => {
                    chars.next();
                    out.last_mut().unwrap().push('"');
                }
                '"' => quoted = !quoted,
                ',' if !quoted => out.push(String::new()),
                c => out.last_mut().unwrap().push(c),
            }
        }
        out
    };
    let header = split(lines.next().unwrap());
    (header, lines.map(split).collect())
}

fn num(s: &str) -> f64 {
    s.parse()
        .unwrap_or_else(|_| panic!("'{s}' is not a number"))
}

/// Equal to the last bit, give or take one unit: serde_json's default number parser (used to
/// read results.json here) may be one unit in the last place off; Rust's is exact.
fn same(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= 2.0 * f64::EPSILON * a.abs().max(b.abs())
}

#[test]
fn apse_tables_hold_the_results_at_full_precision() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = qstudy(&[
        "analyze",
        &fixture("apse-2023"),
        "--no-plots",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r: Value = support::results(&out);
    let t = out.join("tables");
    let mut names: Vec<String> = std::fs::read_dir(&t)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "characteristics.csv",
            "consensus.csv",
            "distinguishing.csv",
            "groups.csv",
            "loadings.csv",
            "scores.csv"
        ]
    );

    let (header, rows) = read(&t.join("loadings.csv"));
    assert_eq!(
        header,
        [
            "sort",
            "F1",
            "F1_flag",
            "F2",
            "F2_flag",
            "F3",
            "F3_flag",
            "F4",
            "F4_flag",
            "communality"
        ]
    );
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row[0], r["input"]["sort_ids"][i].as_str().unwrap());
        for c in 0..4 {
            let v = r["factor_loadings"][i][c].as_f64().unwrap();
            assert!(same(num(&row[1 + 2 * c]), v), "{} vs {v}", row[1 + 2 * c]);
            assert_eq!(
                row[2 + 2 * c],
                r["flags"][i][c].as_bool().unwrap().to_string()
            );
        }
    }

    let (header, rows) = read(&t.join("scores.csv"));
    assert_eq!(
        &header[..5],
        ["statement", "text", "F1_z", "F1_array", "F1_rank"]
    );
    assert_eq!(rows.len(), 40);
    for (s, row) in rows.iter().enumerate() {
        for c in 0..4 {
            let fr = &r["factors"][c];
            let z = fr["zscores"][s].as_f64().unwrap();
            assert!(same(num(&row[2 + 3 * c]), z), "{} vs {z}", row[2 + 3 * c]);
            assert_eq!(num(&row[3 + 3 * c]), fr["array"][s].as_f64().unwrap());
            assert_eq!(num(&row[4 + 3 * c]), fr["ranks"][s].as_f64().unwrap());
        }
    }

    let (header, rows) = read(&t.join("characteristics.csv"));
    assert_eq!(header[0], "factor");
    assert_eq!(rows[1][1], "settled accommodation");
    assert_eq!(num(&rows[1][2]), 10.0);

    let (_, rows) = read(&t.join("distinguishing.csv"));
    let total: usize = (0..4)
        .map(|c| r["factors"][c]["distinguishing"].as_array().unwrap().len())
        .sum();
    assert_eq!(rows.len(), total);

    let (_, rows) = read(&t.join("consensus.csv"));
    assert_eq!(rows.len(), r["consensus"].as_array().unwrap().len());

    let (header, rows) = read(&t.join("groups.csv"));
    assert_eq!(header[0], "attribute");
    assert!(
        rows.iter()
            .any(|row| row[0] == "role" && row[1] == "councillor")
    );
}
