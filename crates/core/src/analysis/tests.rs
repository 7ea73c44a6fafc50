//! Tests of the analysis session: stages re-run from the first one an edit affects.

use super::*;
use crate::error::Given;
use crate::flag::FlaggingOptions;
use crate::rotate::RotationStep;
use crate::synthetic::planted_study;
use crate::validate::{ValidationOptions, validate};

fn study() -> Study {
    let grid: crate::Grid = "-3:2,-2:3,-1:4,0:6,1:4,2:3,3:2".parse().unwrap();
    let sim = planted_study(&grid, 16, 3, (0.55, 0.8), 11);
    validate(&sim.table, &ValidationOptions::default()).unwrap()
}

fn three() -> AnalysisOptions {
    AnalysisOptions {
        factors: 3,
        ..Default::default()
    }
}

/// Edits the session's options with `change` and applies them ([`Analysis::set_options`]), as
/// the workbench does with each choice of the page.
fn edit(
    a: &mut Analysis,
    change: impl FnOnce(&mut AnalysisOptions),
) -> Result<Option<Stage>, AnalysisError> {
    let mut options = a.options().clone();
    change(&mut options);
    a.set_options(options)
}

#[test]
fn rotation_steps_rerun_rotation_onward_only_and_match_a_fresh_analysis() {
    let study = study();
    let mut a = Analysis::new(&study, three()).unwrap();
    let step = RotationStep {
        a: 1,
        b: 3,
        degrees: 12.5,
    };
    assert_eq!(
        edit(&mut a, |o| o.rotation_steps.push(step)).unwrap(),
        Some(Stage::Rotate)
    );
    assert_eq!(
        edit(&mut a, |o| o.rotation_steps.push(step)).unwrap(),
        Some(Stage::Rotate)
    );
    assert_eq!(a.runs(Stage::Correlate), 1);
    assert_eq!(a.runs(Stage::Extract), 1);
    assert_eq!(a.runs(Stage::Rotate), 3);
    assert_eq!(a.runs(Stage::Compare), 3);
    let fresh = analyze(&study, a.options()).unwrap();
    assert_eq!(a.options().rotation_steps, vec![step, step]);
    assert_eq!(a.results(), fresh);
    edit(&mut a, |o| o.rotation_steps.clear()).unwrap();
    assert_eq!(a.results(), analyze(&study, &three()).unwrap());
    assert_eq!(a.runs(Stage::Extract), 1);
}

#[test]
fn flag_edits_rerun_flagging_onward_only() {
    let study = study();
    let mut a = Analysis::new(&study, three()).unwrap();
    let id = study.sort_ids()[0].clone();
    let flag = FlagEdit {
        sort: id,
        factor: "F2".into(),
    };
    assert_eq!(
        edit(&mut a, |o| o.flagging.flags.push(flag.clone())).unwrap(),
        Some(Stage::Flag)
    );
    assert!(a.results().flags[0][1]);
    assert_eq!(
        edit(&mut a, |o| {
            o.flagging.flags.clear();
            o.flagging.unflags.push(flag.clone());
        })
        .unwrap(),
        Some(Stage::Flag)
    );
    assert!(!a.results().flags[0][1]);
    assert!(a.options().flagging.flags.is_empty());
    assert_eq!(a.options().flagging.unflags, vec![flag]);
    assert_eq!((a.runs(Stage::Rotate), a.runs(Stage::Flag)), (1, 3));
    assert_eq!(a.results(), analyze(&study, a.options()).unwrap());
}

#[test]
fn each_option_reruns_from_its_stage() {
    let study = study();
    let mut a = Analysis::new(&study, three()).unwrap();
    let names = |o: &mut AnalysisOptions| {
        o.factor_names.insert("F1".into(), "first".into());
    };
    assert_eq!(edit(&mut a, names).unwrap(), None);
    assert_eq!(a.results().factors[0].label.as_deref(), Some("first"));
    // 7 centroid factors are extracted for 2 or 3 kept factors: no re-extraction
    assert_eq!(
        edit(&mut a, |o| o.factors = 2).unwrap(),
        Some(Stage::Rotate)
    );
    assert_eq!(
        edit(&mut a, |o| o.extract = Some(4)).unwrap(),
        Some(Stage::Extract)
    );
    assert_eq!(
        edit(&mut a, |o| o.invert = vec![1]).unwrap(),
        Some(Stage::Rotate)
    );
    let kendall = |o: &mut AnalysisOptions| o.correlation = crate::Correlation::Kendall;
    assert_eq!(edit(&mut a, kendall).unwrap(), Some(Stage::Correlate));
    assert_eq!(a.runs(Stage::Correlate), 2);
    assert_eq!(a.runs(Stage::Extract), 3);
    assert_eq!(a.results(), analyze(&study, a.options()).unwrap());
}

#[test]
fn invalid_options_are_refused_before_any_computation() {
    let study = study();
    // Only one factor is extracted: were the stages run first, this would fail there
    // (too few factors extracted); the bad inverted factor is found before.
    let bad = AnalysisOptions {
        extract: Some(1),
        invert: vec![4],
        ..three()
    };
    match Analysis::new(&study, bad) {
        Err(AnalysisError::UnknownFactor { context, .. }) => assert_eq!(context, Given::Invert),
        other => panic!("expected an inverted factor error, got {other:?}"),
    }
    let mut a = Analysis::new(&study, three()).unwrap();
    let before = a.results();
    assert!(edit(&mut a, |o| o.invert = vec![4]).is_err());
    let ghost = FlagEdit {
        sort: "nobody".into(),
        factor: "1".into(),
    };
    assert!(matches!(
        edit(&mut a, |o| o.flagging.flags.push(ghost)),
        Err(AnalysisError::UnknownSort { .. })
    ));
    assert!(edit(&mut a, |o| o.flagging.p = 1.5).is_err());
    let same = RotationStep {
        a: 2,
        b: 2,
        degrees: 5.0,
    };
    assert!(edit(&mut a, |o| o.rotation_steps.push(same)).is_err());
    assert_eq!(a.runs(Stage::Rotate), 1);
    assert_eq!(a.results(), before);
}

#[test]
fn split_carries_names_flags_and_inversion_to_the_halves() {
    let study = study();
    let ids = study.sort_ids();
    let mut a = Analysis::new(&study, three()).unwrap();
    let plain = a.results();
    // the sort loading most positively on F1 among its defining sorts, and the one loading
    // most negatively among the others
    let f1: Vec<f64> = plain.rotated.loadings.iter().map(|row| row[0]).collect();
    let on_f1 = |i: &usize| plain.flags[*i][0];
    let positive = (0..ids.len())
        .filter(on_f1)
        .max_by(|&i, &j| f1[i].total_cmp(&f1[j]))
        .unwrap();
    let negative = (0..ids.len())
        .filter(|i| !on_f1(i))
        .min_by(|&i, &j| f1[i].total_cmp(&f1[j]))
        .unwrap();
    assert!(f1[positive] > 0.0 && f1[negative] < 0.0, "{f1:?}");
    // inverted and split without edits: the positive sort defines F1b, the negative one
    // does not define F1a
    let bare = AnalysisOptions {
        invert: vec![1],
        flagging: FlaggingOptions {
            split: vec![1],
            ..Default::default()
        },
        ..three()
    };
    let bare = analyze(&study, &bare).unwrap();
    assert!(bare.flags[positive][1] && !bare.flags[negative][0]);
    let edit_on = |i: usize, factor: &str| FlagEdit {
        sort: ids[i].clone(),
        factor: factor.into(),
    };
    // named, hand-flagged, unflagged and inverted before the split, as the workbench does
    edit(&mut a, |o| {
        o.factor_names.insert("F1".into(), "Reformers".into());
        o.factor_names.insert("F2".into(), "Others".into());
        o.flagging.flags.push(edit_on(negative, "F1"));
        o.flagging.unflags.push(edit_on(positive, "F1"));
        o.invert = vec![1];
    })
    .unwrap();
    assert_eq!(
        edit(&mut a, |o| o.flagging.split = vec![1]).unwrap(),
        Some(Stage::Flag)
    );
    let r = a.results();
    assert_eq!(r, analyze(&study, a.options()).unwrap());
    let names: Vec<&str> = r.factors.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["F1a", "F1b", "F2", "F3"]);
    let labels: Vec<Option<&str>> = r.factors.iter().map(|f| f.label.as_deref()).collect();
    assert_eq!(
        labels,
        [
            Some("Reformers (a)"),
            Some("Reformers (b)"),
            Some("Others"),
            None
        ]
    );
    // inverted before the split: the negative sort (on F1 as rotated) is on the positive
    // half of the inverted F1, and its flag by the whole name lands there; the positive one
    // is on F1b, and its unflag lands there
    assert!(r.flags[negative][0] && !r.flags[negative][1]);
    assert!(!r.flags[positive][0] && !r.flags[positive][1]);
    let others = |f: &[bool]| f[2..].to_vec();
    assert_eq!(others(&r.flags[negative]), others(&bare.flags[negative]));
    assert_eq!(others(&r.flags[positive]), others(&bare.flags[positive]));
    assert!(r.factor_loadings[negative][0] > 0.0);
    assert!(r.factor_loadings[positive][1] > 0.0);
    // F1a of the inverted factor is F1b of the factor as rotated (and the other way round)
    let split_only = analyze(
        &study,
        &AnalysisOptions {
            flagging: FlaggingOptions {
                split: vec![1],
                ..Default::default()
            },
            ..three()
        },
    )
    .unwrap();
    for i in 0..ids.len() {
        assert_eq!(r.factor_loadings[i][0], split_only.factor_loadings[i][1]);
        assert_eq!(r.factor_loadings[i][1], split_only.factor_loadings[i][0]);
    }
    // a half's own name wins over the whole factor's
    edit(&mut a, |o| {
        o.factor_names.insert("F1b".into(), "Sceptics".into());
    })
    .unwrap();
    let r = a.results();
    assert_eq!(r.factors[0].label.as_deref(), Some("Reformers (a)"));
    assert_eq!(r.factors[1].label.as_deref(), Some("Sceptics"));
    // a name for a half of a factor that is not split, or for no factor, is still refused
    for unknown in ["F2a", "F4"] {
        match edit(&mut a, |o| {
            o.factor_names.insert(unknown.into(), "x".into());
        }) {
            Err(AnalysisError::UnknownFactor { context, valid, .. }) => {
                assert_eq!(context, Given::FactorName);
                assert_eq!(valid, "F1a, F1b, F2, F3");
            }
            other => panic!("{unknown}: {other:?}"),
        }
    }
}
