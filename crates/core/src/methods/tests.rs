use super::*;
use crate::analysis::{AnalysisOptions, analyze};
use crate::data::{Grid, Study};
use crate::flag::FlagEdit;
use crate::rotate::RotationStep;
use crate::synthetic::planted_study;
use crate::validate::{ValidationOptions, validate};

fn study() -> Study {
    let grid: Grid = "-3:2,-2:3,-1:4,0:6,1:4,2:3,3:2".parse().unwrap();
    let sim = planted_study(&grid, 14, 3, (0.6, 0.8), 11);
    validate(&sim.table, &ValidationOptions::default()).unwrap()
}

fn base() -> AnalysisOptions {
    AnalysisOptions {
        factors: 3,
        ..Default::default()
    }
}

fn text(study: &Study, o: &AnalysisOptions) -> String {
    analyze(study, o).unwrap().methods_text
}

fn evidence(recommended: usize) -> RetentionEvidence {
    RetentionEvidence {
        recommended,
        kaiser_guttman: 5,
        humphrey: 2,
        parallel: 3,
        iterations: 1000,
        seed: 1,
        percentile: 95.0,
        reasons: vec![],
    }
}

#[test]
fn the_text_names_every_recorded_choice() {
    let study = study();
    let r = analyze(&study, &base()).unwrap();
    let t = &r.methods_text;
    assert!(!t.is_empty());
    for said in [
        "The 14 Q-sorts of 24 statements",
        &format!("qstudy {VERSION}"),
        "numerics profile pqmethod",
        "Pearson's product-moment correlation",
        "seven factors were extracted by the centroid method (Brown 1980",
        "Three factors were kept",
        "chosen by the researcher",
        "varimax (Kaiser 1958",
        "p < .05",
        "majority of its common variance",
        "No flag was changed by hand.",
        "forced distribution from −3 to +3 (2, 3, 4, 6, 4, 3, 2 statements per column)",
    ] {
        assert!(t.contains(said), "{said:?} not in {t}");
    }
    assert!(!t.contains("by hand ("), "{t}");
    assert!(r.methods_references.iter().any(|x| x.starts_with("Brown")));
    assert!(r.methods_references.iter().any(|x| x.starts_with("Kaiser")));
    assert!(!r.methods_references.iter().any(|x| x.starts_with("Horn")));
}

#[test]
fn the_text_changes_with_each_recorded_choice() {
    let study = study();
    let o = base();
    let original = text(&study, &o);
    let mut changed = Vec::new();

    // extraction
    let pca = AnalysisOptions {
        extraction: Extraction::Pca,
        ..o.clone()
    };
    let t = text(&study, &pca);
    assert!(t.contains("principal component analysis"), "{t}");
    assert!(t.contains("eight factors were extracted"), "{t}");
    changed.push(t);

    // the number kept
    let two = AnalysisOptions {
        factors: 2,
        ..o.clone()
    };
    let t = text(&study, &two);
    assert!(t.contains("Two factors were kept"), "{t}");
    changed.push(t);

    // the evidence for it: qstudy's recommendation instead of the researcher's choice
    let mut r = analyze(&study, &o).unwrap();
    r.set_retention(Some(evidence(3)));
    let t = r.methods_text.clone();
    assert!(t.contains("as qstudy recommends"), "{t}");
    assert!(
        t.contains("parallel analysis (Horn 1965; 1000 random studies"),
        "{t}"
    );
    assert!(t.contains("retained 3; the Kaiser-Guttman criterion (eigenvalues above 1) gave 5 and Humphrey's rule 2"), "{t}");
    assert!(r.methods_references.iter().any(|x| x.starts_with("Horn")));
    let answer = r
        .reporting_checklist
        .iter()
        .find(|i| i.item.starts_with("How many factors"))
        .and_then(|i| i.answer.clone())
        .unwrap();
    assert!(answer.contains("parallel analysis retained 3"), "{answer}");
    changed.push(t);

    // a hand rotation
    let rotated = AnalysisOptions {
        rotation_steps: vec![RotationStep {
            a: 1,
            b: 3,
            degrees: 12.5,
        }],
        ..o.clone()
    };
    let t = text(&study, &rotated);
    assert!(
        t.contains("then by hand (one judgmental rotation): factors 1 and 3 by 12.5°"),
        "{t}"
    );
    changed.push(t);

    // no analytic rotation
    let unrotated = AnalysisOptions {
        rotation: Rotation::None,
        ..o.clone()
    };
    let t = text(&study, &unrotated);
    assert!(t.contains("not rotated analytically"), "{t}");
    changed.push(t);

    // a manual flag and unflag
    let ids = study.sort_ids();
    let mut flagged = o.clone();
    flagged.flagging.flags.push(FlagEdit {
        sort: ids[0].clone(),
        factor: "2".into(),
    });
    flagged.flagging.unflags.push(FlagEdit {
        sort: ids[1].clone(),
        factor: "F1".into(),
    });
    let t = text(&study, &flagged);
    assert!(
        t.contains(&format!(
            "By hand, the researcher flagged {} on F2 and unflagged {} on F1.",
            ids[0], ids[1]
        )),
        "{t}"
    );
    changed.push(t);

    // the flagging rule
    let strict = AnalysisOptions {
        flagging: crate::flag::FlaggingOptions {
            p: 0.01,
            majority: false,
            ..o.flagging.clone()
        },
        ..o.clone()
    };
    let t = text(&study, &strict);
    assert!(t.contains("p < .01 (|a| > 2.576/√24"), "{t}");
    assert!(!t.contains("majority"), "{t}");
    changed.push(t);

    // an inversion and a split
    let inverted = AnalysisOptions {
        invert: vec![2],
        ..o.clone()
    };
    let t = text(&study, &inverted);
    assert!(t.contains("Factor F2 inverted"), "{t}");
    changed.push(t);
    let mut split = o.clone();
    split.flagging.split = vec![1];
    let t = text(&study, &split);
    assert!(t.contains("F1 into F1a (positive loadings) and F1b"), "{t}");
    changed.push(t);

    // the correlation
    let spearman = AnalysisOptions {
        correlation: Correlation::Spearman,
        ..o.clone()
    };
    let t = text(&study, &spearman);
    assert!(t.contains("Spearman's rank correlation"), "{t}");
    changed.push(t);

    // the profile
    let qmethod = AnalysisOptions {
        numerics: Compatibility::Qmethod,
        ..o.clone()
    };
    let r = analyze(&study, &qmethod).unwrap();
    assert!(
        r.methods_text.contains("numerics profile qmethod"),
        "{}",
        r.methods_text
    );
    assert!(r.methods_text.contains("SVD form of R's stats::varimax"));
    assert!(r.methods_references.iter().any(|x| x.starts_with("Zabala")));
    changed.push(r.methods_text);

    for (i, t) in changed.iter().enumerate() {
        assert_ne!(t, &original, "change {i} left the text as it was");
    }
}

#[test]
fn the_checklist_answers_what_was_recorded_and_leaves_the_rest() {
    let study = study();
    let r = analyze(&study, &base()).unwrap();
    let list = &r.reporting_checklist;
    assert!(list.len() >= 15);
    let answer = |start: &str| {
        list.iter()
            .find(|i| i.item.starts_with(start))
            .unwrap_or_else(|| panic!("no item {start}"))
            .answer
            .clone()
    };
    assert_eq!(
        answer("How the statements of the Q-set were collected"),
        None
    );
    assert_eq!(answer("Piloting"), None);
    assert!(answer("Number of statements").unwrap().starts_with("24"));
    assert!(answer("The P-set").unwrap().starts_with("14 Q-sorts"));
    assert!(
        answer("Factor extraction")
            .unwrap()
            .contains("centroid, 7 extracted")
    );
    assert!(
        answer("Rotation")
            .unwrap()
            .starts_with("varimax (pqmethod)")
    );
    assert!(
        answer("Flagging criteria")
            .unwrap()
            .contains("no manual changes")
    );
    assert!(answer("Software and version").unwrap().contains(VERSION));
    assert!(
        answer("Correlations between factors")
            .unwrap()
            .contains("F1–F2")
    );
}

#[test]
fn helpers_word_numbers_and_lists() {
    assert_eq!(count_word(7), "seven");
    assert_eq!(count_word(12), "12");
    assert_eq!(capital("four factors"), "Four factors");
    assert_eq!(
        and_list(&["a".into(), "b".into(), "c".into()]),
        "a, b and c"
    );
    assert_eq!(p_level(0.05), ".05");
    assert_eq!(p_level(0.001), ".001");
    assert_eq!(num(-0.0004, 2), "0.00");
    assert_eq!(num(-1.25, 1), "−1.2");
    assert_eq!(signed(-4), "−4");
}
