//! qmethod's centroid on exactly tied column sums (issue 24): the KADE iPad demo holds sorts
//! identical to earlier ones, whose column sums tie exactly; R qmethod 1.8.4's `centroid()`
//! reflects tied columns at once with `tmat[, oo] <- vec`, which R fills column by column, and
//! its residual matrix is scrambled from there on. No R here: the test carries a transcription
//! of `centroid.R` with R's semantics (exact column sums, `which(min(...) == ...)`, column-major
//! recycling of the assignment), and checks that `--numerics qmethod` warns of it, names the
//! tied sorts, equals qmethod's first factor to 1e-12, and keeps the correct reflection.

use serde_json::Value;
use support::fixture;

use crate::eqwebsort::analyze_raw;

/// An exact sum of f64 values (Shewchuk's partials, as Python's `math.fsum`), rounded once:
/// it does not depend on the order of the values, as R's long-double `colSums` in practice
/// does not for these ties.
fn fsum(values: impl Iterator<Item = f64>) -> f64 {
    let mut partials: Vec<f64> = Vec::new();
    for mut x in values {
        let mut i = 0;
        for j in 0..partials.len() {
            let mut y = partials[j];
            if x.abs() < y.abs() {
                std::mem::swap(&mut x, &mut y);
            }
            let hi = x + y;
            let lo = y - (hi - x);
            if lo != 0.0 {
                partials[i] = lo;
                i += 1;
            }
            x = hi;
        }
        partials.truncate(i);
        partials.push(x);
    }
    partials.iter().sum()
}

/// qmethod 1.8.4's `centroid(tmat, nfactors, spc)` on the correlation matrix `r` (`n x n`,
/// rows), transcribed; with `scrambled`, the reflection of the tied columns `oo` as R does it
/// (`tmat[oo, ] <- vec; tmat[, oo] <- vec` with `vec` the `|oo| x n` negated rows, recycled
/// column-major into the `n x |oo|` columns); without, the correct reflection of the same
/// columns at once (rows then columns negated in place, so that an entry between two of them
/// keeps its sign). Returns the loadings by factor. (qstudy's `--numerics qmethod` uses the
/// tolerance `qmethod()` passes, 1e-5; so does this.)
fn qmethod_centroid(r: &[Vec<f64>], nfactors: usize, scrambled: bool) -> Vec<Vec<f64>> {
    let n = r.len();
    let spc = 1e-5;
    let mut tmat: Vec<Vec<f64>> = r.to_vec();
    let col_sums =
        |t: &Vec<Vec<f64>>| -> Vec<f64> { (0..n).map(|j| fsum((0..n).map(|i| t[i][j]))).collect() };
    let mut out = Vec::new();
    for _ in 0..nfactors {
        for (i, row) in tmat.iter_mut().enumerate() {
            row[i] = 0.0;
        }
        let mut refvec: Vec<usize> = Vec::new();
        let mut guard = 0;
        loop {
            let sums = col_sums(&tmat);
            if sums.iter().all(|&s| s > 0.0) || guard > 10 * n {
                break;
            }
            guard += 1;
            let min = sums.iter().copied().fold(f64::INFINITY, f64::min);
            let oo: Vec<usize> = (0..n).filter(|&j| sums[j] == min).collect();
            if scrambled {
                let vec: Vec<Vec<f64>> = oo
                    .iter()
                    .map(|&o| tmat[o].iter().map(|v| -v).collect())
                    .collect();
                for (k, &o) in oo.iter().enumerate() {
                    tmat[o] = vec[k].clone();
                }
                let p = oo.len();
                for (c, &o) in oo.iter().enumerate() {
                    for (row, t) in tmat.iter_mut().enumerate() {
                        let j = c * n + row;
                        t[o] = vec[j % p][j / p];
                    }
                }
            } else {
                for &o in &oo {
                    for v in tmat[o].iter_mut() {
                        *v = -*v;
                    }
                    for t in tmat.iter_mut() {
                        t[o] = -t[o];
                    }
                }
            }
            refvec.extend(oo);
        }
        let sums = col_sums(&tmat);
        let mut rmean: Vec<f64> = sums.iter().map(|s| s / (n - 1) as f64).collect();
        let t1: Vec<f64> = rmean.iter().zip(&sums).map(|(a, b)| a + b).collect();
        let root = fsum(t1.iter().copied()).sqrt();
        let mut f1: Vec<f64> = t1.iter().map(|t| t / root).collect();
        while !rmean.iter().zip(&f1).all(|(r, f)| (r - f * f).abs() < spc) {
            rmean = f1.iter().map(|f| f * f).collect();
            let t2: Vec<f64> = sums.iter().zip(&f1).map(|(s, f)| s + f * f).collect();
            let root = fsum(t2.iter().copied()).sqrt();
            f1 = t2.iter().map(|t| t / root).collect();
        }
        let mut tfac = f1.clone();
        for &o in &refvec {
            tfac[o] = -tfac[o];
        }
        out.push(tfac);
        let mut residual: Vec<Vec<f64>> = (0..n)
            .map(|i| (0..n).map(|j| tmat[i][j] - f1[i] * f1[j]).collect())
            .collect();
        for &o in refvec.iter().rev() {
            for v in residual[o].iter_mut() {
                *v = -*v;
            }
            for row in residual.iter_mut() {
                row[o] = -row[o];
            }
        }
        tmat = residual;
    }
    out
}

fn matrix(v: &Value) -> Vec<Vec<f64>> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r.as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect()
        })
        .collect()
}

fn largest_difference(ours: &[Vec<f64>], factor: usize, theirs: &[f64]) -> f64 {
    ours.iter()
        .zip(theirs)
        .map(|(row, t)| (row[factor] - t).abs())
        .fold(0.0, f64::max)
}

#[test]
fn qmethod_numerics_on_the_ipad_demo_warn_of_qmethods_own_corrupted_centroid() {
    let ipad = fixture("kade-demo/ipad-survey-japanese/sorts.csv");
    let (text, _) = analyze_raw(&[
        &ipad,
        "--numerics",
        "qmethod",
        "--method",
        "centroid",
        "--factors",
        "5",
        "--rotation",
        "none",
    ]);
    let r: Value = serde_json::from_str(&text).unwrap();
    let warnings: Vec<&str> = r["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    let ties: Vec<&&str> = warnings
        .iter()
        .filter(|w| w.contains("reflects exactly tied column sums"))
        .collect();
    assert!(!ties.is_empty(), "{warnings:?}");
    assert!(ties[0].starts_with("centroid factor 2: "), "{}", ties[0]);
    assert!(
        ties[0].ends_with("tied sorts: 'participant_16', 'participant_21' and 'participant_24'"),
        "{}",
        ties[0]
    );
    assert!(ties[0].contains("from 2 on are corrupted"), "{}", ties[0]);
    assert!(!ties.iter().any(|w| w.starts_with("centroid factor 1:")));

    let correlation = matrix(&r["correlation"]);
    let ours = matrix(&r["unrotated"]["loadings"]);
    let theirs = qmethod_centroid(&correlation, 5, true);
    // F1: no tie yet; qmethod's own factor, to 1e-12
    let d1 = largest_difference(&ours, 0, &theirs[0]);
    assert!(d1 < 1e-12, "F1 differs from qmethod's by {d1:e}");
    // from factor 2 on, qmethod's residual is scrambled: its factors are not the data's
    let d2 = largest_difference(&ours, 1, &theirs[1]);
    assert!(d2 > 0.1, "F2 differs from qmethod's by only {d2:e}");
    // with the tied columns reflected correctly, qmethod's centroid gives qstudy's factors
    let correct = qmethod_centroid(&correlation, 5, false);
    for (f, theirs) in correct.iter().enumerate() {
        let d = largest_difference(&ours, f, theirs);
        assert!(d < 1e-9, "F{}: {d:e}", f + 1);
    }
}
