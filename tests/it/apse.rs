//! The APSE 2023 reconstruction: the README's main command recovers every planted viewpoint,
//! and the committed study is exactly what its design and seed generate.

use std::collections::BTreeMap;
use std::path::Path;

use support::{fixture, qstudy, results};

fn pearson(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let sab: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let sa: f64 = a.iter().map(|x| (x - ma).powi(2)).sum::<f64>().sqrt();
    let sb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum::<f64>().sqrt();
    sab / (sa * sb)
}

#[test]
fn readme_main_command_recovers_every_planted_viewpoint() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("apse");
    // The README's main command: no option but the output directory.
    let run = qstudy(&[
        "analyze",
        &fixture("apse-2023"),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("settled accommodation"),
        "{}",
        run.stdout
    );
    let r = results(&out);
    assert_eq!(r["input"]["sorts"], 32);
    assert_eq!(r["input"]["statements"], 40);
    assert_eq!(r["options"]["extraction"], "centroid");
    assert_eq!(r["options"]["factors"], 4);

    let ds = qstudy_io::read_design(Path::new(&fixture("apse-2023/design.toml"))).unwrap();
    let design = &ds.design;
    let factors = r["factors"].as_array().unwrap();
    let roles: BTreeMap<String, String> = ds
        .design
        .participants
        .iter()
        .map(|p| (p.id.clone(), p.attributes["role"].clone()))
        .collect();
    for (v, view) in design.viewpoints.iter().enumerate() {
        let ideal: Vec<f64> = view.ideal.iter().map(|&x| f64::from(x)).collect();
        let matches: Vec<usize> = factors
            .iter()
            .enumerate()
            .filter(|(_, f)| {
                let arr: Vec<f64> = f["array"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_f64().unwrap())
                    .collect();
                pearson(&arr, &ideal) >= 0.9
            })
            .map(|(i, _)| i)
            .collect();
        assert_eq!(
            matches.len(),
            1,
            "viewpoint '{}' must be recovered by exactly one factor: {matches:?}",
            view.name
        );
        let f = &factors[matches[0]];
        assert_eq!(
            f["label"],
            view.name.as_str(),
            "the study names the factor after the viewpoint it recovers"
        );
        // Make-up: every pure holder of the viewpoint defines the factor, no pure holder of another does.
        let defining: Vec<&str> = f["defining_sorts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap())
            .collect();
        let mut planted = BTreeMap::<String, usize>::new();
        let mut found = BTreeMap::<String, usize>::new();
        for p in &design.participants {
            let pure = p.loadings.len() == 1 && p.loadings[0].min > 0.0;
            if !pure {
                continue;
            }
            let holds = p.loadings[0].viewpoint == v;
            let defines = defining.contains(&p.id.as_str());
            assert_eq!(holds, defines, "participant {} on '{}'", p.id, view.name);
            if holds {
                *planted.entry(roles[&p.id].clone()).or_default() += 1;
            }
            if defines {
                *found.entry(roles[&p.id].clone()).or_default() += 1;
            }
        }
        assert_eq!(
            planted, found,
            "councillor/officer make-up of '{}'",
            view.name
        );
    }
    // The group comparison by role is in the results, with Fisher's test.
    let groups = r["groups"].as_array().unwrap();
    let role = groups.iter().find(|g| g["attribute"] == "role").unwrap();
    assert_eq!(role["levels"], serde_json::json!(["councillor", "officer"]));
    assert_eq!(role["sorts_per_level"], serde_json::json!([16, 16]));
    for f in role["factors"].as_array().unwrap() {
        let p = f["fisher_p"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&p));
    }
    assert_eq!(r["participants"].as_array().unwrap().len(), 32);
}

#[test]
fn regenerating_from_design_and_seed_reproduces_the_committed_files() {
    let dir = tempfile::tempdir().unwrap();
    let run = qstudy(&[
        "simulate",
        &fixture("apse-2023/design.toml"),
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for name in [
        "study.toml",
        "statements.csv",
        "sorts.csv",
        "participants.csv",
        "truth.csv",
    ] {
        let fresh = std::fs::read(dir.path().join(name)).unwrap();
        let committed = std::fs::read(fixture(&format!("apse-2023/{name}"))).unwrap();
        assert!(
            fresh == committed,
            "{name} differs from what the design generates"
        );
    }
}
