//! Tests of the analysis session: stages re-run from the first one an edit affects.

use super::*;
use crate::error::Given;
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
