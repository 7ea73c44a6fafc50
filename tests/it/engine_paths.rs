//! The linear-time (factored) path gives the dense path's results on every fixture, for both
//! extraction methods, to floating-point rounding; and `analyze` (Auto) is the dense path for
//! small studies, bit for bit.

use qstudy_core::analysis::{AnalysisOptions, AnalysisResults, analyze, analyze_with};
use qstudy_core::correlate::CorrelationForm;
use qstudy_core::validate::{ValidationOptions, validate};
use qstudy_core::{Correlation, Extraction, Study};
use serde_json::Value;
use support::fixture;

fn study(rel: &str) -> Study {
    let loaded = qstudy_io::read_sorts(fixture(rel).as_ref(), None).unwrap();
    let opts = ValidationOptions {
        grid: loaded.grid.clone(),
        free_distribution: false,
    };
    validate(&loaded.table, &opts).unwrap()
}

/// Every number of two results.json trees agrees within `tol`; everything else is equal.
fn assert_close(a: &Value, b: &Value, tol: f64, path: &str) {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            assert!((x - y).abs() <= tol, "{path}: {x} vs {y}");
        }
        (Value::Array(x), Value::Array(y)) => {
            assert_eq!(x.len(), y.len(), "{path}: lengths");
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                assert_close(p, q, tol, &format!("{path}[{i}]"));
            }
        }
        (Value::Object(x), Value::Object(y)) => {
            let keys: Vec<_> = x.keys().collect();
            assert_eq!(keys, y.keys().collect::<Vec<_>>(), "{path}: keys");
            for k in keys {
                assert_close(&x[k], &y[k], tol, &format!("{path}.{k}"));
            }
        }
        _ => assert_eq!(a, b, "{path}"),
    }
}

fn json(r: &AnalysisResults) -> Value {
    serde_json::to_value(r).unwrap()
}

const FIXTURES: [(&str, usize); 5] = [
    ("lipset/LIPSET.DAT", 3),
    ("redu-fut/qsorts.csv", 3),
    ("apse-2023/sorts.csv", 4),
    ("koc/KOC.DAT", 4),
    ("uhh/UHH.DAT", 1),
];

#[test]
fn factored_path_equals_dense_path_on_every_fixture() {
    for (rel, k) in FIXTURES {
        let s = study(rel);
        for extraction in [Extraction::Centroid, Extraction::Pca] {
            for correlation in [Correlation::Pearson, Correlation::Spearman] {
                let opts = AnalysisOptions {
                    extraction,
                    correlation,
                    factors: k,
                    ..Default::default()
                };
                let dense = analyze_with(&s, &opts, CorrelationForm::Dense).unwrap();
                let fact = analyze_with(&s, &opts, CorrelationForm::Factored).unwrap();
                let what = format!("{rel} {extraction} {correlation}");
                assert_close(&json(&dense), &json(&fact), 1e-10, &what);
                // the same viewpoints: flags and arrays identical
                assert_eq!(dense.flags, fact.flags, "{what}");
                for (p, q) in dense.factors.iter().zip(&fact.factors) {
                    assert_eq!(p.array, q.array, "{what} {}", p.name);
                }
            }
        }
    }
}

#[test]
fn analyze_is_the_dense_path_for_small_studies() {
    for (rel, k) in FIXTURES {
        let s = study(rel);
        for extraction in [Extraction::Centroid, Extraction::Pca] {
            let opts = AnalysisOptions {
                extraction,
                factors: k,
                ..Default::default()
            };
            let auto = analyze(&s, &opts).unwrap();
            let dense = analyze_with(&s, &opts, CorrelationForm::Dense).unwrap();
            assert_eq!(auto, dense, "{rel} {extraction}");
        }
    }
}
