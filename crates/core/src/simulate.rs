//! A study simulator: Q-sorts generated from planted viewpoints, for reconstructions such as the
//! APSE fixture and for checking whether a study design recovers the viewpoints it expects.
//!
//! Each viewpoint is an ideal sort on the grid. Each participant holds one or more viewpoints
//! with a loading drawn uniformly from a stated range (negative for a dissenter, several for a
//! mixed participant). Their latent score on statement `j` is
//!
//! `x_j = sum_v l_v z_vj + sqrt(1 - sum_v l_v^2) e_j`
//!
//! with `z_v` the standardised ideal sort and `e_j` standard noise, and the sort is `x` cast into
//! the forced grid (lowest score gets the lowest value; equal scores by statement order).
//!
//! Determinism: one ChaCha8 stream seeded with the seed, drawn in participant order; the noise is
//! the sum of 12 uniforms minus 6 (mean 0, variance 1, no transcendental functions), so the same
//! design and seed give bit-identical sorts on any machine.

use std::collections::BTreeMap;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::data::{Grid, Participant, SortTable};
use crate::error::DesignError;

/// A planted viewpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct Viewpoint {
    /// Its name.
    pub name: String,
    /// The ideal sort: one grid value per statement, in statement order.
    pub ideal: Vec<i32>,
}

/// A participant's loading on one viewpoint, drawn uniformly from `min..=max`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LoadingRange {
    /// Index of the viewpoint in [`Design::viewpoints`].
    pub viewpoint: usize,
    /// Lowest loading.
    pub min: f64,
    /// Highest loading.
    pub max: f64,
}

/// A simulated participant.
#[derive(Debug, Clone, PartialEq)]
pub struct SimParticipant {
    /// Sort id.
    pub id: String,
    /// Attributes written to the participants file (role, council, ...).
    pub attributes: BTreeMap<String, String>,
    /// The viewpoints held (none: pure noise).
    pub loadings: Vec<LoadingRange>,
}

/// Everything the simulator needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    /// The forced grid.
    pub grid: Grid,
    /// Statement ids, in statement order (for messages).
    pub statement_ids: Vec<u32>,
    /// The planted viewpoints.
    pub viewpoints: Vec<Viewpoint>,
    /// The participants, in output order.
    pub participants: Vec<SimParticipant>,
}

/// The generated sorts and the loadings actually drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Simulated {
    /// One sort per participant, on the grid.
    pub table: SortTable,
    /// The participants with their attributes.
    pub participants: Vec<Participant>,
    /// `drawn[i][v]`: participant i's drawn loading on viewpoint v (0 when not held).
    pub drawn: Vec<Vec<f64>>,
}

/// Checks a design: the grid has one cell per statement, every ideal sort follows the grid,
/// ids are unique, every loading range lies in -1..1 with min <= max and the squared loadings
/// of a participant cannot exceed 1 in total.
pub fn check_design(design: &Design) -> Result<(), DesignError> {
    let m = design.statement_ids.len();
    if design.grid.cells() != m {
        return Err(DesignError::GridSize {
            cells: design.grid.cells(),
            statements: m,
        });
    }
    if design.viewpoints.is_empty() {
        return Err(DesignError::NoViewpoints);
    }
    if design.participants.len() < 2 {
        return Err(DesignError::TooFewParticipants(design.participants.len()));
    }
    for v in &design.viewpoints {
        if v.ideal.len() != m {
            return Err(DesignError::IdealLength {
                viewpoint: v.name.clone(),
                found: v.ideal.len(),
                expected: m,
            });
        }
        for (j, &value) in v.ideal.iter().enumerate() {
            if design.grid.count_of(value) == 0 {
                return Err(DesignError::IdealOffGrid {
                    viewpoint: v.name.clone(),
                    statement: design.statement_ids[j],
                    value,
                    grid: design.grid.to_string(),
                });
            }
        }
        let dist = Grid::of_values(&v.ideal);
        if let Some(c) = design
            .grid
            .columns()
            .iter()
            .find(|c| dist.count_of(c.value) != c.count)
        {
            return Err(DesignError::IdealBreaksGrid {
                viewpoint: v.name.clone(),
                value: c.value,
                found: dist.count_of(c.value),
                expected: c.count,
            });
        }
    }
    let mut seen = std::collections::HashSet::with_capacity(design.participants.len());
    for p in &design.participants {
        if !seen.insert(p.id.as_str()) {
            return Err(DesignError::DuplicateParticipant(p.id.clone()));
        }
        let mut max_sq = 0.0;
        for l in &p.loadings {
            if l.viewpoint >= design.viewpoints.len() {
                return Err(DesignError::UnknownViewpointIndex {
                    participant: p.id.clone(),
                    index: l.viewpoint,
                });
            }
            let ok = |x: f64| x.is_finite() && (-1.0..=1.0).contains(&x);
            if !ok(l.min) || !ok(l.max) || l.min > l.max {
                return Err(DesignError::LoadingRange {
                    participant: p.id.clone(),
                    viewpoint: design.viewpoints[l.viewpoint].name.clone(),
                    min: l.min,
                    max: l.max,
                });
            }
            max_sq += l.min.abs().max(l.max.abs()).powi(2);
        }
        if max_sq > 1.0 + 1e-12 {
            return Err(DesignError::TooMuchVariance {
                participant: p.id.clone(),
                total: max_sq,
            });
        }
    }
    Ok(())
}

/// Casts scores into the grid: ascending scores get ascending grid values; equal scores go by
/// statement order.
pub fn cast_to_grid(scores: &[f64], grid: &Grid) -> Vec<i32> {
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    idx.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]).then(a.cmp(&b)));
    let mut out = vec![0; scores.len()];
    for (value, i) in grid.expanded().into_iter().zip(idx) {
        out[i] = value;
    }
    out
}

/// An ideal sort standardised ([`crate::score::standardize`]); all 0 when it has no variance.
pub(crate) fn standardized(values: &[i32]) -> Vec<f64> {
    let x: ndarray::Array1<f64> = values.iter().map(|&v| f64::from(v)).collect();
    crate::score::standardize(x.view()).unwrap_or_else(|| vec![0.0; values.len()])
}

/// Generates the sorts of a design with a seed.
///
/// ```
/// use qstudy_core::simulate::{simulate, Design, Viewpoint, SimParticipant, LoadingRange};
/// let grid: qstudy_core::Grid = "-1:1,0:2,1:1".parse().unwrap();
/// let design = Design {
///     grid,
///     statement_ids: vec![1, 2, 3, 4],
///     viewpoints: vec![Viewpoint { name: "A".into(), ideal: vec![-1, 0, 0, 1] }],
///     participants: (1..=3).map(|i| SimParticipant {
///         id: format!("P{i}"),
///         attributes: Default::default(),
///         loadings: vec![LoadingRange { viewpoint: 0, min: 0.6, max: 0.8 }],
///     }).collect(),
/// };
/// let a = simulate(&design, 7).unwrap();
/// assert_eq!(a, simulate(&design, 7).unwrap());
/// assert!(a.drawn.iter().all(|d| (0.6..=0.8).contains(&d[0])));
/// ```
pub fn simulate(design: &Design, seed: u64) -> Result<Simulated, DesignError> {
    check_design(design)?;
    let m = design.statement_ids.len();
    let ideals: Vec<Vec<f64>> = design
        .viewpoints
        .iter()
        .map(|v| standardized(&v.ideal))
        .collect();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut values = Vec::with_capacity(design.participants.len());
    let mut drawn = Vec::with_capacity(design.participants.len());
    for p in &design.participants {
        let mut lam = vec![0.0; design.viewpoints.len()];
        for l in &p.loadings {
            let u: f64 = rng.random();
            lam[l.viewpoint] += l.min + (l.max - l.min) * u;
        }
        let common: f64 = lam.iter().map(|l| l * l).sum();
        let noise_weight = (1.0 - common).max(0.0).sqrt();
        let scores: Vec<f64> = (0..m)
            .map(|j| {
                let e: f64 = (0..12).map(|_| rng.random::<f64>()).sum::<f64>() - 6.0;
                let planted: f64 = lam.iter().zip(&ideals).map(|(l, z)| l * z[j]).sum();
                planted + noise_weight * e
            })
            .collect();
        values.push(cast_to_grid(&scores, &design.grid));
        drawn.push(lam);
    }
    Ok(Simulated {
        table: SortTable {
            missing: Vec::new(),
            sort_ids: design.participants.iter().map(|p| p.id.clone()).collect(),
            statement_labels: None,
            values,
        },
        participants: design
            .participants
            .iter()
            .map(|p| Participant {
                id: p.id.clone(),
                attributes: p.attributes.clone(),
            })
            .collect(),
        drawn,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The standardisation gives, bit for bit, an in-order mean and sum of squares, also when
    /// the mean is not exact: integer sums are exact in any order.
    #[test]
    fn standardized_is_bit_identical_to_in_order_sums() {
        let in_order = |values: &[i32]| -> Vec<f64> {
            let m = values.len() as f64;
            let mean = values.iter().map(|&v| f64::from(v)).sum::<f64>() / m;
            let var = values
                .iter()
                .map(|&v| (f64::from(v) - mean).powi(2))
                .sum::<f64>()
                / (m - 1.0);
            let sd = var.sqrt();
            values.iter().map(|&v| (f64::from(v) - mean) / sd).collect()
        };
        let mut s: u64 = 7;
        for m in 2..120 {
            let v: Vec<i32> = (0..m)
                .map(|_| {
                    s = s
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    ((s >> 33) % 13) as i32 - 4
                })
                .collect();
            if v.iter().all(|&x| x == v[0]) {
                continue;
            }
            let (a, b) = (standardized(&v), in_order(&v));
            assert!(
                a.iter().zip(&b).all(|(p, q)| p.to_bits() == q.to_bits()),
                "m {m}"
            );
        }
    }

    fn design() -> Design {
        let grid: Grid = "-2:1,-1:2,0:3,1:2,2:1".parse().unwrap();
        Design {
            grid,
            statement_ids: (1..=9).collect(),
            viewpoints: vec![
                Viewpoint {
                    name: "A".into(),
                    ideal: vec![-2, -1, -1, 0, 0, 0, 1, 1, 2],
                },
                Viewpoint {
                    name: "B".into(),
                    ideal: vec![0, 2, -1, 1, -2, 0, -1, 0, 1],
                },
            ],
            participants: (0..6)
                .map(|i| SimParticipant {
                    id: format!("P{i}"),
                    attributes: BTreeMap::new(),
                    loadings: vec![LoadingRange {
                        viewpoint: i % 2,
                        min: 0.5,
                        max: 0.7,
                    }],
                })
                .collect(),
        }
    }

    #[test]
    fn sorts_follow_the_grid_and_loadings_their_ranges() {
        let d = design();
        let s = simulate(&d, 42).unwrap();
        for row in &s.table.values {
            assert_eq!(Grid::of_values(row), d.grid);
        }
        for (i, lam) in s.drawn.iter().enumerate() {
            let l = lam[i % 2];
            assert!((0.5..=0.7).contains(&l), "{l}");
            assert_eq!(lam[1 - i % 2], 0.0);
        }
        assert_ne!(simulate(&d, 43).unwrap().table, s.table);
    }

    #[test]
    fn bad_designs_are_rejected() {
        let mut d = design();
        d.viewpoints[0].ideal[0] = 3;
        assert!(matches!(
            check_design(&d),
            Err(DesignError::IdealOffGrid {
                statement: 1,
                value: 3,
                ..
            })
        ));
        let mut d = design();
        d.viewpoints[0].ideal[0] = 2;
        assert!(matches!(
            check_design(&d),
            Err(DesignError::IdealBreaksGrid { .. })
        ));
        let mut d = design();
        d.participants[0].loadings[0].max = 1.2;
        assert!(matches!(
            check_design(&d),
            Err(DesignError::LoadingRange { .. })
        ));
        let mut d = design();
        d.participants[0].loadings.push(LoadingRange {
            viewpoint: 1,
            min: 0.8,
            max: 0.8,
        });
        assert!(matches!(
            check_design(&d),
            Err(DesignError::TooMuchVariance { .. })
        ));
        let mut d = design();
        d.participants[3].id = "P1".into();
        assert_eq!(
            check_design(&d),
            Err(DesignError::DuplicateParticipant("P1".into()))
        );
    }
}
