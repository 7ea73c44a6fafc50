//! File names made from the data: a participant attribute named by a survey question, or two
//! attributes told apart only by characters a file name cannot hold, give short, distinct
//! figure names; report.html and the manifest name the same files.

use std::path::{Path, PathBuf};

use support::{fixture, qstudy};

/// A question of ~300 characters, as survey tools name their columns.
fn question() -> String {
    "How many years have you worked with elected members of your council, counting every post you held in local government since you first joined, and including any years spent on secondment to another council or to a national body? Please give your best estimate in whole years."
        .to_string()
}

/// The APSE study with its attributes renamed: `role` as the survey question, `position` as
/// `a b` and `role` again as `a_b`.
pub(crate) fn study(dir: &Path) -> PathBuf {
    let apse = PathBuf::from(fixture("apse-2023"));
    let s = dir.join("study");
    std::fs::create_dir(&s).unwrap();
    for f in ["study.toml", "statements.csv", "sorts.csv"] {
        std::fs::copy(apse.join(f), s.join(f)).unwrap();
    }
    let text = std::fs::read_to_string(apse.join("participants.csv")).unwrap();
    let mut out = format!("id,\"{}\",a b,a_b\n", question());
    for line in text.lines().skip(1) {
        let cols: Vec<&str> = line.split(',').collect();
        // id,council,position,role
        out.push_str(&format!(
            "{},{},{},{}\n",
            cols[0], cols[3], cols[2], cols[3]
        ));
    }
    std::fs::write(s.join("participants.csv"), out).unwrap();
    s
}

#[test]
fn attribute_names_become_short_distinct_file_names() {
    assert!(question().len() >= 250);
    let tmp = tempfile::tempdir().unwrap();
    let s = study(tmp.path());
    let out = tmp.path().join("out");
    let run = qstudy(&[
        "analyze",
        s.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut groups: Vec<String> = std::fs::read_dir(out.join("plots"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("groups-") && n.ends_with(".svg"))
        .collect();
    groups.sort();
    assert_eq!(groups.len(), 3, "one figure per attribute: {groups:?}");
    assert!(groups.contains(&"groups-a_b.svg".to_string()), "{groups:?}");
    assert!(
        groups
            .iter()
            .any(|n| n.starts_with("groups-a_b-") && n.len() == "groups-a_b-".len() + 14),
        "`a b` keeps its letters and gets a hash: {groups:?}"
    );
    assert!(
        groups
            .iter()
            .any(|n| n.starts_with("groups-How_many_years_have_you_w")),
        "{groups:?}"
    );
    for n in &groups {
        assert!(n.len() <= 60, "{n}");
    }
    // report.html shows each under its file name; the manifest lists each
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let manifest = std::fs::read_to_string(out.join(".qstudy-manifest")).unwrap();
    for n in &groups {
        let stem = n.trim_end_matches(".svg");
        assert!(
            html.contains(&format!("(plots/{stem}.svg, .png)")),
            "{stem}"
        );
        assert!(manifest.contains(&format!("plots/{stem}.png")), "{stem}");
    }
    // `qstudy plot` redraws one attribute under the same name
    let run = qstudy(&[
        "plot",
        out.join("results.json").to_str().unwrap(),
        "--kind",
        "groups",
        "--attribute",
        "a b",
        "--format",
        "svg",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let redrawn = run.stdout.trim();
    assert!(
        groups
            .iter()
            .any(|n| n.starts_with("groups-a_b-") && redrawn.ends_with(n.as_str())),
        "{redrawn} among {groups:?}"
    );
}
