//! The data checks that warn (methods section 1): sorts identical to an earlier one, and
//! sorts that correlate at 0.99 or above with another. Neither stops an analysis, and neither
//! changes the data: the warnings name the sorts, and leaving one out is the user's choice
//! (`exclude`).
//!
//! Linear in the size of the study for any number of sorts: identical sorts are found by
//! hashing rows; near-identical sorts that share one distribution (every pair of forced sorts)
//! by a pigeonhole on blocks of statements that finds every such pair, other pairs by comparing
//! every pair when there are at most [`EXACT_PAIRS_LIMIT`] distinct sorts (each comparison
//! stopping as soon as the pair is too far apart); see [`near_pairs`].

use std::collections::{BTreeSet, HashMap};

use ndarray::{Array2, ArrayView1};

use crate::data::Study;
use crate::warning::Warning;

/// Sorts that correlate at or above this are nearly identical.
pub const NEAR_IDENTICAL_R: f64 = 0.99;

/// Up to this many distinct sorts, every pair is compared.
pub const EXACT_PAIRS_LIMIT: usize = 2000;

/// The warnings of the data checks of `study`: identical sorts (each later one named with the
/// first it equals), then pairs of different sorts that correlate at 0.99 or above, in input
/// order.
///
/// ```
/// use qstudy_core::{SortTable, Warning, checks::data_warnings};
/// use qstudy_core::validate::{validate, ValidationOptions};
/// let t = SortTable { sort_ids: vec!["A".into(), "B".into(), "C".into()], statement_labels: None,
///     values: vec![vec![-1, 0, 0, 1], vec![0, 1, -1, 0], vec![-1, 0, 0, 1]], missing: vec![] };
/// let study = validate(&t, &ValidationOptions::default()).unwrap();
/// let w = data_warnings(&study);
/// assert_eq!(w, [Warning::IdenticalSorts { sort: "C".into(), first: "A".into() }]);
/// ```
pub fn data_warnings(study: &Study) -> Vec<Warning> {
    let ids = study.sort_ids();
    let x = study.values();
    let (reps, identical) = distinct_rows(x);
    let mut warnings: Vec<Warning> = identical
        .into_iter()
        .map(|(later, first)| Warning::IdenticalSorts {
            sort: ids[later].clone(),
            first: ids[first].clone(),
        })
        .collect();
    // a forced study's sorts all have the grid's distribution (checked by the validation)
    match near_pairs(x, &reps, !study.free_distribution()) {
        Some(pairs) => {
            warnings.extend(
                pairs
                    .into_iter()
                    .map(|(i, j, r)| Warning::NearIdenticalSorts {
                        sort: ids[i].clone(),
                        other: ids[j].clone(),
                        r,
                    }),
            )
        }
        None => warnings.push(Warning::NearIdenticalUnchecked {
            sorts: study.n_sorts(),
        }),
    }
    warnings
}

fn row_hash(row: ArrayView1<f64>) -> u64 {
    block_hash(row, 0, row.len())
}

/// The first sort of each set of identical sorts (in input order), and each later sort with
/// the first it equals (ordered by the later sort).
fn distinct_rows(x: &Array2<f64>) -> (Vec<usize>, Vec<(usize, usize)>) {
    // sorts side by side by the hash of their values, in input order within a hash
    let mut keyed: Vec<(u64, usize)> = (0..x.nrows()).map(|i| (row_hash(x.row(i)), i)).collect();
    keyed.sort_unstable();
    let mut first_of = vec![usize::MAX; x.nrows()];
    for run in keyed.chunk_by(|a, b| a.0 == b.0) {
        let mut firsts: Vec<usize> = Vec::new();
        for &(_, i) in run {
            match firsts.iter().find(|&&j| x.row(j) == x.row(i)) {
                Some(&j) => first_of[i] = j,
                None => {
                    firsts.push(i);
                    first_of[i] = i;
                }
            }
        }
    }
    let reps = (0..x.nrows()).filter(|&i| first_of[i] == i).collect();
    let identical = (0..x.nrows())
        .filter(|&i| first_of[i] != i)
        .map(|i| (i, first_of[i]))
        .collect();
    (reps, identical)
}

/// A hash of the values of statements `lo..hi` of a sort (a multiply-xor mix: equal blocks
/// hash equal, which is all the pigeonhole needs; candidates are verified).
fn block_hash(row: ArrayView1<f64>, lo: usize, hi: usize) -> u64 {
    row.iter()
        .skip(lo)
        .take(hi - lo)
        .fold(0xcbf2_9ce4_8422_2325u64, |h, v| {
            (h ^ v.to_bits())
                .wrapping_mul(0x0000_0100_0000_01b3)
                .rotate_left(29)
        })
}

/// A sort standardised: mean 0, `sum z^2 = m - 1`.
fn standardized(row: ArrayView1<f64>) -> Vec<f64> {
    let m = row.len() as f64;
    let mean = row.sum() / m;
    let ss: f64 = row.iter().map(|v| (v - mean) * (v - mean)).sum();
    let sd = (ss / (m - 1.0)).sqrt();
    row.iter().map(|v| (v - mean) / sd).collect()
}

/// Pearson's r of two standardised sorts when it is at least [`NEAR_IDENTICAL_R`]: the sum of
/// squared differences `2 (m - 1) (1 - r)` is accumulated and the pair given up as soon as it
/// passes `0.02 (m - 1)`.
fn near_r(a: &[f64], b: &[f64]) -> Option<f64> {
    let dof = (a.len() - 1) as f64;
    let limit = 2.0 * dof * (1.0 - NEAR_IDENTICAL_R) * (1.0 + 1e-12);
    let mut d = 0.0;
    for (x, y) in a.iter().zip(b) {
        d += (x - y) * (x - y);
        if d > limit {
            return None;
        }
    }
    let r = a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>() / dof;
    (r >= NEAR_IDENTICAL_R).then_some(r)
}

/// The pairs `(i, j, r)` (`i < j`, rows of `x`) among `reps` that correlate at
/// [`NEAR_IDENTICAL_R`] or above, ascending; `None` when the check could not be completed.
///
/// Sorts with the same distribution of values (every pair of forced sorts) are compared by a
/// pigeonhole; pairs of other sorts only up to [`EXACT_PAIRS_LIMIT`] sorts, where every pair is
/// compared (also when the pigeonhole cannot be used). Sorts of one distribution share the mean and
/// the variance `s^2`, so `r >= 0.99` exactly when the sum of squared differences of their
/// values `D <= 0.02 (m - 1) s^2`; as values are integers, such sorts differ in at most
/// `floor(that)` statements, so cut into one more block of statements than that, they agree on
/// every statement of at least one block (pigeonhole). Sorts are bucketed by each block's
/// values and only sorts sharing a bucket are compared. Gives up (`None`) when the blocks
/// would be shorter than 2 statements or the candidate pairs exceed `50 n + 10^6`. With
/// `same_distribution` (a forced study) the sorts are known to share one distribution.
pub fn near_pairs(
    x: &Array2<f64>,
    reps: &[usize],
    same_distribution: bool,
) -> Option<Vec<(usize, usize, f64)>> {
    if x.ncols() < 2 {
        return Some(Vec::new());
    }
    let all: Vec<usize> = (0..reps.len()).collect();
    if same_distribution && let Some(pairs) = pigeonhole(x, reps, &[all]) {
        return Some(pairs);
    }
    if reps.len() <= EXACT_PAIRS_LIMIT {
        let z: Vec<Vec<f64>> = reps.iter().map(|&i| standardized(x.row(i))).collect();
        let mut found = Vec::new();
        for a in 0..reps.len() {
            for b in a + 1..reps.len() {
                if let Some(r) = near_r(&z[a], &z[b]) {
                    found.push((reps[a], reps[b], r));
                }
            }
        }
        found.sort_by_key(|p| (p.0, p.1));
        return Some(found);
    }
    // Groups of one distribution (the sorted values).
    let mut groups: HashMap<Vec<u64>, Vec<usize>> = HashMap::new();
    for (k, &i) in reps.iter().enumerate() {
        let mut sorted: Vec<f64> = x.row(i).to_vec();
        sorted.sort_by(f64::total_cmp);
        groups
            .entry(sorted.iter().map(|v| v.to_bits()).collect())
            .or_default()
            .push(k);
    }
    let groups: Vec<Vec<usize>> = groups.into_values().collect();
    pigeonhole(x, reps, &groups)
}

/// The pigeonhole of [`near_pairs`] within each group (indices into `reps`) of sorts sharing
/// one distribution; `None` when it cannot be completed.
fn pigeonhole(
    x: &Array2<f64>,
    reps: &[usize],
    groups: &[Vec<usize>],
) -> Option<Vec<(usize, usize, f64)>> {
    let m = x.ncols();
    let cap = 50 * reps.len() + 1_000_000;
    let mut candidates: Vec<(usize, usize)> = Vec::new();
    for members in groups.iter().filter(|g| g.len() > 1) {
        let row = x.row(reps[members[0]]);
        let mean = row.sum() / m as f64;
        let variance = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (m - 1) as f64;
        // D <= 2 (1 - R) (m - 1) s^2, and each differing statement adds at least 1 to D.
        let differing = (2.0 * (1.0 - NEAR_IDENTICAL_R) * (m - 1) as f64 * variance * (1.0 + 1e-9))
            .floor() as usize;
        let blocks = differing + 1;
        if m < 2 * blocks {
            return None;
        }
        // each sort's block hashes, in one pass over its values
        let bounds: Vec<(usize, usize)> = (0..blocks)
            .map(|b| (b * m / blocks, (b + 1) * m / blocks))
            .collect();
        let hashes: Vec<u64> = members
            .iter()
            .flat_map(|&k| {
                let row = x.row(reps[k]);
                bounds.iter().map(move |&(lo, hi)| block_hash(row, lo, hi))
            })
            .collect();
        for b in 0..blocks {
            // the sorts by the hash of their values in the block: equal blocks side by side
            let mut keyed: Vec<(u64, usize)> = members
                .iter()
                .enumerate()
                .map(|(p, &k)| (hashes[p * blocks + b], k))
                .collect();
            keyed.sort_unstable();
            for run in keyed.chunk_by(|a, b| a.0 == b.0).filter(|r| r.len() > 1) {
                for (p, &(_, a)) in run.iter().enumerate() {
                    for &(_, c) in &run[p + 1..] {
                        candidates.push((a.min(c), a.max(c)));
                        if candidates.len() > cap {
                            return None;
                        }
                    }
                }
            }
        }
    }
    candidates.sort_unstable();
    candidates.dedup();
    let mut found = BTreeSet::new();
    for (a, b) in candidates {
        let (za, zb) = (standardized(x.row(reps[a])), standardized(x.row(reps[b])));
        if let Some(r) = near_r(&za, &zb) {
            found.insert((reps[a].min(reps[b]), reps[a].max(reps[b]), r.to_bits()));
        }
    }
    Some(
        found
            .into_iter()
            .map(|(i, j, r)| (i, j, f64::from_bits(r)))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{Grid, SortTable};
    use crate::validate::{ValidationOptions, validate};
    use rand::seq::SliceRandom;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// `n` random forced sorts on `grid`, with `twins` of them repeated with one pair of
    /// adjacent values swapped (r >= 0.99 for 40 statements or more).
    fn sorts(grid: &Grid, n: usize, twins: &[usize], seed: u64) -> Array2<f64> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let cells = grid.expanded();
        let mut rows: Vec<Vec<i32>> = (0..n)
            .map(|_| {
                let mut v = cells.clone();
                v.shuffle(&mut rng);
                v
            })
            .collect();
        for &t in twins {
            let mut twin = rows[t].clone();
            // swap a statement at value 0 with one at value 1
            let a = twin.iter().position(|&v| v == 0).unwrap();
            let b = twin.iter().position(|&v| v == 1).unwrap();
            twin.swap(a, b);
            let at = rng.random_range(0..=rows.len());
            rows.insert(at, twin);
        }
        Array2::from_shape_fn((rows.len(), cells.len()), |(i, j)| f64::from(rows[i][j]))
    }

    fn exact(x: &Array2<f64>) -> Vec<(usize, usize, f64)> {
        let z: Vec<Vec<f64>> = (0..x.nrows()).map(|i| standardized(x.row(i))).collect();
        let mut out = Vec::new();
        for i in 0..x.nrows() {
            for j in i + 1..x.nrows() {
                let r = z[i].iter().zip(&z[j]).map(|(a, b)| a * b).sum::<f64>()
                    / (x.ncols() - 1) as f64;
                if r >= NEAR_IDENTICAL_R {
                    out.push((i, j, r));
                }
            }
        }
        out
    }

    #[test]
    fn the_pigeonhole_finds_every_pair_the_exact_check_finds() {
        let grid: Grid = "-4:2,-3:3,-2:5,-1:6,0:8,1:6,2:5,3:3,4:2".parse().unwrap();
        let x = sorts(&grid, 2100, &[3, 70, 700, 1999], 5);
        let reps: Vec<usize> = (0..x.nrows()).collect();
        let fast = near_pairs(&x, &reps, true).unwrap();
        assert_eq!(near_pairs(&x, &reps, false).unwrap(), fast);
        // and under the exact limit, the pigeonhole and every pair agree
        let few: Vec<usize> = (0..400).collect();
        let x400 = x.slice(ndarray::s![..400, ..]).to_owned();
        assert_eq!(
            near_pairs(&x400, &few, true),
            near_pairs(&x400, &few, false)
        );
        let slow = exact(&x);
        assert_eq!(fast.len(), 4);
        assert_eq!(
            fast.iter().map(|p| (p.0, p.1)).collect::<Vec<_>>(),
            slow.iter().map(|p| (p.0, p.1)).collect::<Vec<_>>()
        );
        for (f, s) in fast.iter().zip(&slow) {
            assert!((f.2 - s.2).abs() < 1e-12);
        }
    }

    #[test]
    fn identical_and_near_identical_sorts_are_named() {
        let grid: Grid = "-4:2,-3:3,-2:5,-1:6,0:8,1:6,2:5,3:3,4:2".parse().unwrap();
        let x = sorts(&grid, 6, &[1], 9);
        let mut values: Vec<Vec<i32>> = x
            .rows()
            .into_iter()
            .map(|r| r.iter().map(|&v| v as i32).collect())
            .collect();
        values.push(values[0].clone());
        let table = SortTable {
            sort_ids: (1..=values.len()).map(|i| format!("S{i}")).collect(),
            statement_labels: None,
            values,
            missing: Vec::new(),
        };
        let study = validate(&table, &ValidationOptions::default()).unwrap();
        let w = data_warnings(&study);
        assert_eq!(w.len(), 2, "{w:?}");
        assert_eq!(
            w[0],
            Warning::IdenticalSorts {
                sort: "S8".into(),
                first: "S1".into()
            }
        );
        assert!(matches!(w[1], Warning::NearIdenticalSorts { r, .. } if (0.99..1.0).contains(&r)));
        assert_eq!(w[1].group(), "near_identical_sorts");
        assert_eq!(w[1].sorts().len(), 2);
    }
}
