//! Stage 0: the data checks of section 1 of the methods, turning a raw [`SortTable`] into a
//! [`Study`].

use ndarray::Array2;

use crate::data::{Grid, SortTable, Study};
use crate::error::ValidationError;

/// How the sorts are checked against the grid.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ValidationOptions {
    /// The grid to use. `None`: inferred when every sort has the same distribution.
    pub grid: Option<Grid>,
    /// Accept sorts that do not follow the grid's column counts (values must still be columns
    /// of the grid). Such a study is reported as a free distribution.
    pub free_distribution: bool,
}

/// Checks the raw table and builds a [`Study`].
///
/// Checks, in order: at least 2 sorts and 2 statements, non-empty unique ids, one value per
/// statement in every sort, no zero-variance sort, the grid (given or inferred) has one cell per
/// statement, every value is a column of the grid and every sort follows the grid's column counts
/// (unless `free_distribution`). The first failure is returned.
///
/// ```
/// use qstudy_core::{SortTable, validate::{validate, ValidationOptions}};
/// let table = SortTable {
///     missing: Vec::new(),
///     sort_ids: vec!["A".into(), "B".into()],
///     statement_labels: None,
///     values: vec![vec![-1, 0, 0, 1], vec![1, 0, -1, 0]],
/// };
/// let study = validate(&table, &ValidationOptions::default()).unwrap();
/// assert_eq!(study.grid().to_string(), "-1:1,0:2,1:1");
/// ```
pub fn validate(table: &SortTable, options: &ValidationOptions) -> Result<Study, ValidationError> {
    check(table, options).map_err(|problems| problems.into_iter().next().expect("a problem"))
}

/// [`validate`], with every problem found when there is one ([`validate_all`]; never empty).
pub fn check(
    table: &SortTable,
    options: &ValidationOptions,
) -> Result<Study, Vec<ValidationError>> {
    let problems = validate_all(table, options);
    if problems.is_empty() {
        Ok(build(table, options))
    } else {
        Err(problems)
    }
}

/// Like [`validate`] but returns every problem found (empty when the table is valid).
///
/// An incomplete sort (a cell without a value, [`SortTable::missing`]) is one problem naming
/// every statement it lacks; the checks of values (zero variance, the grid) then look at the
/// complete sorts only.
pub fn validate_all(table: &SortTable, options: &ValidationOptions) -> Vec<ValidationError> {
    let mut problems = Vec::new();
    let n = table.values.len();
    if n < 2 {
        problems.push(ValidationError::TooFewSorts { found: n });
    }
    if table.sort_ids.len() != n {
        // Readers always give one id per sort; guard anyway.
        problems.push(ValidationError::TooFewSorts {
            found: table.sort_ids.len().min(n),
        });
        return problems;
    }
    let m = table.values.first().map_or(0, Vec::len);
    if n >= 1 && m < 2 {
        problems.push(ValidationError::TooFewStatements { found: m });
    }
    // First occurrence of each id: linear in n (large online studies have 10^5 sorts).
    let mut first_seen: std::collections::HashMap<&str, usize> =
        std::collections::HashMap::with_capacity(n);
    for (i, id) in table.sort_ids.iter().enumerate() {
        if id.trim().is_empty() {
            problems.push(ValidationError::EmptyId { index: i + 1 });
        }
        let j = *first_seen.entry(id.as_str()).or_insert(i);
        if j != i {
            problems.push(ValidationError::DuplicateId {
                id: id.clone(),
                first: j + 1,
                second: i + 1,
            });
        }
    }
    if let Some(labels) = &table.statement_labels
        && labels.len() != m
    {
        problems.push(ValidationError::LabelCount {
            expected: m,
            found: labels.len(),
        });
    }
    let mut ragged = false;
    for (id, row) in table.sort_ids.iter().zip(&table.values) {
        if row.len() != m {
            ragged = true;
            problems.push(ValidationError::WrongLength {
                sort: id.clone(),
                expected: m,
                found: row.len(),
            });
        }
    }
    let mut complete = vec![true; n];
    for (sort, statements) in table.incomplete() {
        if let Some(c) = complete.get_mut(sort) {
            *c = false;
            problems.push(ValidationError::Incomplete {
                sort: table.sort_ids[sort].clone(),
                statements: statements.iter().map(|s| s + 1).collect(),
            });
        }
    }
    if ragged || n < 2 || m < 2 {
        return problems;
    }
    let rows = Rows {
        table,
        complete: &complete,
    };
    // Zero variance first: such a sort also breaks any grid, and this says why.
    let before = problems.len();
    push_zero_variance(&rows, &mut problems);
    if problems.len() > before {
        return problems;
    }
    // Grid: given, or inferred from identical distributions.
    let grid = match &options.grid {
        Some(g) => g.clone(),
        None => match inferred_grid(&rows) {
            Some(Ok(g)) => g,
            Some(Err(problem)) => {
                problems.push(problem);
                return problems;
            }
            // Every sort incomplete: nothing to infer a grid from.
            None => return problems,
        },
    };
    push_grid_problems(&rows, &grid, options.free_distribution, &mut problems);
    problems
}

/// The rows of a table whose values are checked: the complete sorts.
struct Rows<'a> {
    table: &'a SortTable,
    complete: &'a [bool],
}

impl Rows<'_> {
    /// `(id, values)` of every complete sort, in table order.
    fn iter(&self) -> impl Iterator<Item = (&String, &Vec<i32>)> {
        self.table
            .sort_ids
            .iter()
            .zip(&self.table.values)
            .zip(self.complete)
            .filter(|(_, complete)| **complete)
            .map(|(pair, _)| pair)
    }
}

/// The grid all complete sorts share, or the first sort whose distribution differs from the
/// first's; `None` when no sort is complete.
fn inferred_grid(rows: &Rows) -> Option<Result<Grid, ValidationError>> {
    let mut sorts = rows.iter();
    let (first_id, first_row) = sorts.next()?;
    let first = Grid::of_values(first_row);
    Some(match sorts.find(|(_, row)| Grid::of_values(row) != first) {
        Some((id, _)) => Err(ValidationError::GridNotInferable {
            sort: id.clone(),
            first: first_id.clone(),
        }),
        None => Ok(first),
    })
}

/// The problems of the sorts against `grid`: its size, values off it or between its columns,
/// and (unless `free_distribution`) column counts that break it.
fn push_grid_problems(
    rows: &Rows,
    grid: &Grid,
    free_distribution: bool,
    problems: &mut Vec<ValidationError>,
) {
    let m = rows.table.values.first().map_or(0, Vec::len);
    if grid.cells() != m {
        problems.push(ValidationError::GridSize {
            grid: grid.to_string(),
            cells: grid.cells(),
            statements: m,
        });
    }
    for (id, row) in rows.iter() {
        let mut value_problem = false;
        for (s, &v) in row.iter().enumerate() {
            if v < grid.min() || v > grid.max() {
                value_problem = true;
                problems.push(ValidationError::OffGrid {
                    sort: id.clone(),
                    statement: s + 1,
                    value: v,
                    min: grid.min(),
                    max: grid.max(),
                });
            } else if grid.count_of(v) == 0 {
                value_problem = true;
                problems.push(ValidationError::NotAColumn {
                    sort: id.clone(),
                    statement: s + 1,
                    value: v,
                    grid: grid.to_string(),
                });
            }
        }
        if value_problem || free_distribution || grid.cells() != m {
            continue;
        }
        let dist = Grid::of_values(row);
        if let Some(col) = grid
            .columns()
            .iter()
            .find(|c| dist.count_of(c.value) != c.count)
        {
            problems.push(ValidationError::BrokenGrid {
                sort: id.clone(),
                value: col.value,
                expected: col.count,
                found: dist.count_of(col.value),
            });
        }
    }
}

fn zero_variance(id: &str, row: &[i32]) -> Option<ValidationError> {
    let first = *row.first()?;
    row.iter()
        .all(|&v| v == first)
        .then(|| ValidationError::ZeroVariance {
            sort: id.to_string(),
            m: row.len(),
            value: first,
        })
}

fn push_zero_variance(rows: &Rows, problems: &mut Vec<ValidationError>) {
    for (id, row) in rows.iter() {
        if let Some(e) = zero_variance(id, row) {
            problems.push(e);
        }
    }
}

fn build(table: &SortTable, options: &ValidationOptions) -> Study {
    let n = table.values.len();
    let m = table.values[0].len();
    let grid = options
        .grid
        .clone()
        .unwrap_or_else(|| Grid::of_values(&table.values[0]));
    let values = Array2::from_shape_fn((n, m), |(i, j)| f64::from(table.values[i][j]));
    Study {
        sort_ids: table.sort_ids.clone(),
        statement_ids: (1..=m as u32).collect(),
        statement_labels: table.statement_labels.clone(),
        values,
        grid,
        free_distribution: options.free_distribution,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(values: Vec<Vec<i32>>) -> SortTable {
        SortTable {
            missing: Vec::new(),
            sort_ids: (1..=values.len()).map(|i| format!("S{i}")).collect(),
            statement_labels: None,
            values,
        }
    }

    #[test]
    fn infers_shared_grid() {
        let t = table(vec![vec![-1, 0, 0, 1], vec![0, -1, 1, 0]]);
        let s = validate(&t, &ValidationOptions::default()).unwrap();
        assert_eq!(s.grid().pairs(), vec![[-1, 1], [0, 2], [1, 1]]);
        assert_eq!(s.statement_ids(), &[1, 2, 3, 4]);
    }

    #[test]
    fn different_distributions_need_a_grid() {
        let t = table(vec![vec![-1, 0, 0, 1], vec![0, 0, 1, 0]]);
        let e = validate(&t, &ValidationOptions::default()).unwrap_err();
        assert!(matches!(e, ValidationError::GridNotInferable { .. }), "{e}");
        assert!(e.to_string().contains("give the grid (VALUE:COUNT,...)"));
    }

    #[test]
    fn off_grid_and_broken_grid() {
        let grid: Grid = "-1:1,0:2,1:1".parse().unwrap();
        let opts = ValidationOptions {
            grid: Some(grid),
            free_distribution: false,
        };
        let e = validate(&table(vec![vec![-1, 0, 0, 1], vec![0, 2, -1, 0]]), &opts).unwrap_err();
        assert_eq!(
            e,
            ValidationError::OffGrid {
                sort: "S2".into(),
                statement: 2,
                value: 2,
                min: -1,
                max: 1
            }
        );
        let e = validate(&table(vec![vec![-1, 0, 0, 1], vec![0, 1, 1, 0]]), &opts).unwrap_err();
        assert!(
            matches!(e, ValidationError::BrokenGrid { ref sort, value: -1, expected: 1, found: 0 } if sort == "S2"),
            "{e}"
        );
    }

    #[test]
    fn zero_variance_and_duplicates() {
        let t = SortTable {
            missing: Vec::new(),
            sort_ids: vec!["A".into(), "A".into()],
            statement_labels: None,
            values: vec![vec![0, 0, 0], vec![0, 0, 0]],
        };
        let all = validate_all(&t, &ValidationOptions::default());
        assert!(
            all.iter()
                .any(|e| matches!(e, ValidationError::DuplicateId { .. }))
        );
        assert!(
            all.iter()
                .any(|e| matches!(e, ValidationError::ZeroVariance { .. }))
        );
    }

    #[test]
    fn free_distribution_accepts_other_counts() {
        let grid: Grid = "-1:1,0:2,1:1".parse().unwrap();
        let opts = ValidationOptions {
            grid: Some(grid),
            free_distribution: true,
        };
        let s = validate(&table(vec![vec![-1, 0, 0, 1], vec![0, 1, 1, 0]]), &opts).unwrap();
        assert!(s.free_distribution());
    }

    #[test]
    fn grid_spec_parses_and_rejects() {
        assert!("-4:2,-3:3".parse::<Grid>().is_ok());
        assert!("+1:2,0:1".parse::<Grid>().is_ok());
        assert!("-4=2".parse::<Grid>().is_err());
        assert!("1:2,1:3".parse::<Grid>().is_err());
        assert!("".parse::<Grid>().is_err());
    }
}
