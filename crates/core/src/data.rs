//! The data model: the forced grid, the raw table of sorts as read from a file, and the
//! validated [`Study`] that every pipeline stage works on.

use ndarray::Array2;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use crate::error::GridSpecError;

/// One column of the forced distribution: a grid value and how many statements it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GridColumn {
    /// The grid value, e.g. -4.
    pub value: i32,
    /// The number of statements the column holds.
    pub count: usize,
}

/// A forced (quasi-normal) distribution: the columns in ascending order of value.
///
/// ```
/// use qstudy_core::Grid;
/// let grid: Grid = "-1:1,0:2,1:1".parse().unwrap();
/// assert_eq!(grid.cells(), 4);
/// assert_eq!(grid.expanded(), vec![-1, 0, 0, 1]);
/// assert_eq!(grid.to_string(), "-1:1,0:2,1:1");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grid {
    columns: Vec<GridColumn>,
}

impl Grid {
    /// Builds a grid from `(value, count)` pairs. Columns with a count of zero are dropped;
    /// values must be distinct; at least one cell is required.
    pub fn new(pairs: impl IntoIterator<Item = (i32, usize)>) -> Result<Self, GridSpecError> {
        let mut columns: Vec<GridColumn> = pairs
            .into_iter()
            .filter(|&(_, count)| count > 0)
            .map(|(value, count)| GridColumn { value, count })
            .collect();
        columns.sort_by_key(|c| c.value);
        if let Some(w) = columns.windows(2).find(|w| w[0].value == w[1].value) {
            return Err(GridSpecError::DuplicateValue(w[0].value));
        }
        if columns.is_empty() {
            return Err(GridSpecError::Empty);
        }
        Ok(Grid { columns })
    }

    /// The distribution of one sort's values (used to infer the grid).
    pub fn of_values(values: &[i32]) -> Self {
        let mut counts = std::collections::BTreeMap::new();
        for &v in values {
            *counts.entry(v).or_insert(0usize) += 1;
        }
        Grid {
            columns: counts
                .into_iter()
                .map(|(value, count)| GridColumn { value, count })
                .collect(),
        }
    }

    /// The columns, ascending by value.
    pub fn columns(&self) -> &[GridColumn] {
        &self.columns
    }

    /// Total number of cells (must equal the number of statements).
    pub fn cells(&self) -> usize {
        self.columns.iter().map(|c| c.count).sum()
    }

    /// Lowest grid value.
    pub fn min(&self) -> i32 {
        self.columns[0].value
    }

    /// Highest grid value.
    pub fn max(&self) -> i32 {
        self.columns[self.columns.len() - 1].value
    }

    /// How many cells the grid has for `value` (0 when the value is not a column).
    pub fn count_of(&self, value: i32) -> usize {
        self.columns
            .iter()
            .find(|c| c.value == value)
            .map_or(0, |c| c.count)
    }

    /// Every cell's value in ascending order: the values a factor array hands out.
    pub fn expanded(&self) -> Vec<i32> {
        self.columns
            .iter()
            .flat_map(|c| std::iter::repeat_n(c.value, c.count))
            .collect()
    }

    /// `[[value, count], ...]` as in `results.json`.
    pub fn pairs(&self) -> Vec<[i64; 2]> {
        self.columns
            .iter()
            .map(|c| [c.value as i64, c.count as i64])
            .collect()
    }
}

impl fmt::Display for Grid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .columns
            .iter()
            .map(|c| format!("{}:{}", c.value, c.count))
            .collect();
        f.write_str(&parts.join(","))
    }
}

impl FromStr for Grid {
    type Err = GridSpecError;

    /// Parses `VALUE:COUNT,VALUE:COUNT,...`, e.g. `-4:2,-3:3,-2:4`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut pairs = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (v, c) = part
                .split_once(':')
                .ok_or_else(|| GridSpecError::Syntax(part.to_string()))?;
            let value: i32 = v
                .trim()
                .trim_start_matches('+')
                .parse()
                .map_err(|_| GridSpecError::Syntax(part.to_string()))?;
            let count: usize = c
                .trim()
                .parse()
                .map_err(|_| GridSpecError::Syntax(part.to_string()))?;
            if pairs.iter().any(|&(pv, _)| pv == value) {
                return Err(GridSpecError::DuplicateValue(value));
            }
            pairs.push((value, count));
        }
        Grid::new(pairs)
    }
}

/// The sorts as read from a file, before any check: what every reader produces.
///
/// `values[i]` is sort `i`'s value for each statement in statement order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SortTable {
    /// Participant (sort) ids in input order.
    pub sort_ids: Vec<String>,
    /// Optional statement labels or texts, one per statement, in statement order.
    pub statement_labels: Option<Vec<String>>,
    /// One row per sort, one value per statement.
    pub values: Vec<Vec<i32>>,
    /// The cells that hold no value (an empty cell of the file): `(sort, statement)`, both
    /// 0-based, in any order. The value in `values` there is 0 and is never used: a sort with
    /// a missing cell is incomplete, refused by the checks of
    /// [`crate::validate::validate`] unless the selection leaves it out
    /// ([`crate::select::Selection::drop_incomplete`]). Empty for a complete table.
    pub missing: Vec<(usize, usize)>,
}

impl SortTable {
    /// The sorts with a missing cell, in sort order, each with its missing statements
    /// (0-based, ascending). Linear in the table.
    ///
    /// ```
    /// use qstudy_core::SortTable;
    /// let t = SortTable { sort_ids: vec!["A".into(), "B".into()], statement_labels: None,
    ///     values: vec![vec![1, 0, -1], vec![0, 0, 0]], missing: vec![(1, 2), (1, 0)] };
    /// assert_eq!(t.incomplete(), vec![(1, vec![0, 2])]);
    /// ```
    pub fn incomplete(&self) -> Vec<(usize, Vec<usize>)> {
        if self.missing.is_empty() {
            return Vec::new();
        }
        let mut cells = self.missing.clone();
        cells.sort_unstable();
        cells.dedup();
        let mut out: Vec<(usize, Vec<usize>)> = Vec::new();
        for (sort, statement) in cells {
            match out.last_mut() {
                Some((s, statements)) if *s == sort => statements.push(statement),
                _ => out.push((sort, vec![statement])),
            }
        }
        out
    }

    /// The sorts `kept` (indices into this table, in the order given), with their missing
    /// cells renumbered.
    pub fn subset(&self, kept: &[usize]) -> SortTable {
        let mut new_index = vec![usize::MAX; self.values.len()];
        for (new, &old) in kept.iter().enumerate() {
            if let Some(slot) = new_index.get_mut(old) {
                *slot = new;
            }
        }
        SortTable {
            sort_ids: kept.iter().map(|&i| self.sort_ids[i].clone()).collect(),
            statement_labels: self.statement_labels.clone(),
            values: kept.iter().map(|&i| self.values[i].clone()).collect(),
            missing: self
                .missing
                .iter()
                .filter_map(|&(sort, statement)| {
                    let new = *new_index.get(sort)?;
                    (new != usize::MAX).then_some((new, statement))
                })
                .collect(),
        }
    }
}

/// A validated study: `n` sorts of `m` statements on a known grid.
///
/// Built by [`crate::validate::validate`]; every invariant of section 1 of the methods holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Study {
    pub(crate) sort_ids: Vec<String>,
    pub(crate) statement_ids: Vec<u32>,
    pub(crate) statement_labels: Option<Vec<String>>,
    pub(crate) values: Array2<f64>,
    pub(crate) grid: Grid,
    pub(crate) free_distribution: bool,
}

impl Study {
    /// Participant ids, in input order.
    pub fn sort_ids(&self) -> &[String] {
        &self.sort_ids
    }
    /// Statement ids (1..m).
    pub fn statement_ids(&self) -> &[u32] {
        &self.statement_ids
    }
    /// Statement labels or texts, when the input had them.
    pub fn statement_labels(&self) -> Option<&[String]> {
        self.statement_labels.as_deref()
    }
    /// The `n x m` matrix of grid values (rows = sorts).
    pub fn values(&self) -> &Array2<f64> {
        &self.values
    }
    /// The grid used for factor arrays.
    pub fn grid(&self) -> &Grid {
        &self.grid
    }
    /// Whether the sorts were accepted as a free (non-forced) distribution.
    pub fn free_distribution(&self) -> bool {
        self.free_distribution
    }
    /// Number of sorts (persons).
    pub fn n_sorts(&self) -> usize {
        self.values.nrows()
    }
    /// Number of statements.
    pub fn n_statements(&self) -> usize {
        self.values.ncols()
    }
    /// How the sorts placed each statement, in statement order: the mean, the sample standard
    /// deviation (n - 1; 0 with one sort) and the lowest and highest value given to it.
    pub fn statement_statistics(&self) -> Vec<StatementStatistics> {
        let n = self.n_sorts();
        self.values
            .columns()
            .into_iter()
            .map(|column| {
                let mean = column.sum() / n as f64;
                let squares: f64 = column.iter().map(|v| (v - mean) * (v - mean)).sum();
                StatementStatistics {
                    mean,
                    sd: if n > 1 {
                        (squares / (n - 1) as f64).sqrt()
                    } else {
                        0.0
                    },
                    min: column.iter().copied().fold(f64::INFINITY, f64::min),
                    max: column.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                }
            })
            .collect()
    }
}

/// How the sorts placed one statement ([`Study::statement_statistics`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct StatementStatistics {
    /// The mean of its values over the sorts.
    pub mean: f64,
    /// Their sample standard deviation (divisor n - 1).
    pub sd: f64,
    /// The lowest value a sort gave it.
    pub min: f64,
    /// The highest.
    pub max: f64,
}

/// A participant: a sort id with the attributes that travel with it (role, council, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    /// The sort id.
    pub id: String,
    /// Attribute name -> value, e.g. `role` -> `councillor`.
    pub attributes: std::collections::BTreeMap<String, String>,
}

impl Study {
    /// Gives the statements the ids a study file assigns (default `1..m`). Ids must be
    /// unique and one per statement.
    ///
    /// ```
    /// use qstudy_core::{SortTable, validate::{validate, ValidationOptions}};
    /// let t = SortTable { missing: vec![], sort_ids: vec!["A".into(), "B".into()], statement_labels: None,
    ///     values: vec![vec![-1, 0, 1], vec![1, 0, -1]] };
    /// let s = validate(&t, &ValidationOptions::default()).unwrap().with_statement_ids(vec![10, 20, 30]).unwrap();
    /// assert_eq!(s.statement_ids(), &[10, 20, 30]);
    /// ```
    pub fn with_statement_ids(mut self, ids: Vec<u32>) -> Result<Study, crate::ValidationError> {
        if ids.len() != self.n_statements() {
            return Err(crate::ValidationError::StatementIds {
                why: format!(
                    "{} statement ids given for {} statements",
                    ids.len(),
                    self.n_statements()
                ),
            });
        }
        for (i, id) in ids.iter().enumerate() {
            if ids[..i].contains(id) {
                return Err(crate::ValidationError::StatementIds {
                    why: format!("statement id {id} is given twice"),
                });
            }
        }
        self.statement_ids = ids;
        Ok(self)
    }
}
