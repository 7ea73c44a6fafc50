//! Synthetic studies: random sorts on a forced grid (the null model of parallel analysis) and
//! studies of any size with planted viewpoints (benchmarks, retention and bootstrap tests).
//! For designed studies with attributes and loading ranges per participant, see
//! [`crate::simulate`].
//!
//! Randomness comes from ChaCha8 streams: [`rng`] gives stream `s` of a seed, so work split
//! into numbered units (iterations, replicates) draws the same numbers whatever the thread
//! that runs each unit.

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use rand::Rng;

use crate::data::{Grid, SortTable};

/// Stream `stream` of the ChaCha8 generator seeded with `seed`: independent streams for
/// numbered units of work, identical on every machine and thread count.
pub fn rng(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut r = ChaCha8Rng::seed_from_u64(seed);
    r.set_stream(stream);
    r
}

/// A uniformly random sort on the grid: the grid's values (`grid.expanded()`) shuffled.
pub fn random_sort<R: rand::Rng + ?Sized>(cells: &[i32], rng: &mut R) -> Vec<i32> {
    let mut v = cells.to_vec();
    v.shuffle(rng);
    v
}

/// `n` uniformly random sorts on the grid (ids `R1..Rn`) from stream 0 of `seed`.
///
/// ```
/// use qstudy_core::{Grid, synthetic::random_sorts};
/// let grid: Grid = "-1:1,0:2,1:1".parse().unwrap();
/// let t = random_sorts(&grid, 5, 7);
/// assert_eq!(t.values.len(), 5);
/// assert!(t.values.iter().all(|s| Grid::of_values(s) == grid));
/// assert_eq!(t, random_sorts(&grid, 5, 7));
/// ```
pub fn random_sorts(grid: &Grid, n: usize, seed: u64) -> SortTable {
    let cells = grid.expanded();
    let mut r = rng(seed, 0);
    SortTable {
        missing: Vec::new(),
        sort_ids: (1..=n).map(|i| format!("R{i}")).collect(),
        statement_labels: None,
        values: (0..n).map(|_| random_sort(&cells, &mut r)).collect(),
    }
}

/// A synthetic study with planted viewpoints.
#[derive(Debug, Clone, PartialEq)]
pub struct Planted {
    /// The sorts (ids `P1..Pn`).
    pub table: SortTable,
    /// The ideal sort of each viewpoint.
    pub ideals: Vec<Vec<i32>>,
    /// The viewpoint each participant holds (`i mod viewpoints`).
    pub viewpoint: Vec<usize>,
    /// Each participant's drawn loading on it.
    pub loading: Vec<f64>,
}

/// `n` sorts on the grid from `viewpoints` planted viewpoints, as the study simulator makes
/// them (`docs/methods.md`, "Simulation") but for any size in time linear in `n`: the ideal
/// sorts are random sorts on the grid (stream 1 of `seed`); participant `i` holds viewpoint
/// `i mod viewpoints` with a loading `l` drawn uniformly from `loading` (min, max), and their
/// sort is `l z + sqrt(1 - l^2) e` (z the standardised ideal sort, e the sum of 12 uniforms
/// minus 6) cast into the grid (stream 2 of `seed`).
///
/// ```
/// use qstudy_core::{Grid, synthetic::planted_study};
/// let grid: Grid = "-2:1,-1:2,0:3,1:2,2:1".parse().unwrap();
/// let s = planted_study(&grid, 12, 2, (0.6, 0.8), 1);
/// assert_eq!(s.table.values.len(), 12);
/// assert_eq!(s.viewpoint[3], 1);
/// assert!(s.table.values.iter().all(|v| Grid::of_values(v) == grid));
/// ```
pub fn planted_study(
    grid: &Grid,
    n: usize,
    viewpoints: usize,
    loading: (f64, f64),
    seed: u64,
) -> Planted {
    let cells = grid.expanded();
    let m = cells.len();
    let views = viewpoints.max(1);
    let mut r = rng(seed, 1);
    let ideals: Vec<Vec<i32>> = (0..views).map(|_| random_sort(&cells, &mut r)).collect();
    let standardized: Vec<Vec<f64>> = ideals
        .iter()
        .map(|ideal| crate::simulate::standardized(ideal))
        .collect();
    let mut r = rng(seed, 2);
    let mut values = Vec::with_capacity(n);
    let mut drawn = Vec::with_capacity(n);
    let mut scores = vec![0.0; m];
    for i in 0..n {
        let l = loading.0 + (loading.1 - loading.0) * r.random::<f64>();
        let noise = (1.0 - l * l).max(0.0).sqrt();
        for (j, s) in scores.iter_mut().enumerate() {
            let e: f64 = (0..12).map(|_| r.random::<f64>()).sum::<f64>() - 6.0;
            *s = l * standardized[i % views][j] + noise * e;
        }
        values.push(cast(&scores, &cells));
        drawn.push(l);
    }
    Planted {
        table: SortTable {
            missing: Vec::new(),
            sort_ids: (1..=n).map(|i| format!("P{i}")).collect(),
            statement_labels: None,
            values,
        },
        ideals,
        viewpoint: (0..n).map(|i| i % views).collect(),
        loading: drawn,
    }
}

/// Scores cast into the grid (`cells` ascending): the lowest score gets the lowest value,
/// equal scores by statement order.
fn cast(scores: &[f64], cells: &[i32]) -> Vec<i32> {
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    idx.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]).then(a.cmp(&b)));
    let mut out = vec![0; scores.len()];
    for (&value, i) in cells.iter().zip(idx) {
        out[i] = value;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_independent_and_reproducible() {
        let a: u64 = rng(5, 0).random();
        let b: u64 = rng(5, 1).random();
        assert_ne!(a, b);
        assert_eq!(a, rng(5, 0).random::<u64>());
    }

    #[test]
    fn planted_sorts_follow_the_grid() {
        let grid: Grid = "-3:1,-2:2,-1:3,0:4,1:3,2:2,3:1".parse().unwrap();
        let s = planted_study(&grid, 20, 3, (0.5, 0.7), 9);
        assert!(s.table.values.iter().all(|v| Grid::of_values(v) == grid));
        assert!(s.loading.iter().all(|l| (0.5..=0.7).contains(l)));
        assert_eq!(s, planted_study(&grid, 20, 3, (0.5, 0.7), 9));
    }
}
