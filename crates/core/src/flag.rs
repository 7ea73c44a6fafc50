//! Stage 4: flagging the sorts that define each factor (automatic pre-flagging, manual flags,
//! inverted and split bipolar factors).

use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, Normal};

use crate::error::{AnalysisError, Given};
use crate::warning::Warning;

/// One manual flag edit: sort `sort` on factor `factor` (`"2"`, `"F2"`, or `"F2a"`/`"2b"` for
/// a split factor).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlagEdit {
    /// The sort id.
    pub sort: String,
    /// The factor as typed.
    pub factor: String,
}

impl std::str::FromStr for FlagEdit {
    type Err = String;
    /// Parses `ID=F`, e.g. `US3=2` or `P07=F1b`. The id is everything before the last `=`.
    fn from_str(s: &str) -> Result<Self, String> {
        let (sort, factor) = s
            .rsplit_once('=')
            .ok_or_else(|| format!("'{s}' is not ID=FACTOR (e.g. US3=2)"))?;
        if sort.is_empty() || factor.trim().is_empty() {
            return Err(format!("'{s}' is not ID=FACTOR (e.g. US3=2)"));
        }
        Ok(FlagEdit {
            sort: sort.to_string(),
            factor: factor.trim().to_string(),
        })
    }
}

impl std::fmt::Display for FlagEdit {
    /// `ID=F`, as [`std::str::FromStr`] reads it (e.g. `US3=2`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}={}", self.sort, self.factor)
    }
}

/// How defining sorts are chosen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlaggingOptions {
    /// Significance level of the automatic flag (`|a| > z_p / sqrt(m)`); 0.05 by default.
    pub p: f64,
    /// Also require `a^2 > h^2 - a^2` (the factor holds the majority of the common variance).
    pub majority: bool,
    /// Apply the automatic rule at all (false: only manual flags).
    pub automatic: bool,
    /// Flags added by hand after the automatic ones.
    pub flags: Vec<FlagEdit>,
    /// Flags removed by hand after the automatic ones.
    pub unflags: Vec<FlagEdit>,
    /// Bipolar factors (1-based) split into `Fa` (positive loaders) and `Fb` (negative loaders,
    /// negated loadings).
    pub split: Vec<usize>,
}

impl Default for FlaggingOptions {
    fn default() -> Self {
        FlaggingOptions {
            p: 0.05,
            majority: true,
            automatic: true,
            flags: Vec::new(),
            unflags: Vec::new(),
            split: Vec::new(),
        }
    }
}

/// The two-sided normal deviate for significance level `p`: exactly 1.96 for .05, 2.576 for .01
/// and 3.291 for .001 (the values the anchors use), the normal quantile otherwise.
///
/// ```
/// use qstudy_core::flag::z_for_p;
/// assert_eq!(z_for_p(0.05), 1.96);
/// assert!((z_for_p(0.10) - 1.6449).abs() < 1e-4);
/// ```
pub fn z_for_p(p: f64) -> f64 {
    const TABLE: [(f64, f64); 3] = [(0.05, 1.96), (0.01, 2.576), (0.001, 3.291)];
    if let Some(&(_, z)) = TABLE.iter().find(|(tp, _)| (tp - p).abs() < 1e-12) {
        return z;
    }
    Normal::standard().inverse_cdf(1.0 - p / 2.0)
}

/// A viewpoint column: a rotated factor, whole or one pole of a split factor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactorColumn {
    /// `F1`, or `F1a` / `F1b` for a split factor.
    pub name: String,
    /// The rotated factor it comes from (0-based).
    pub source: usize,
    /// +1, or -1 for the negated pole `Fb`.
    pub sign: f64,
    /// Only sorts loading with this sign on the source factor may be flagged automatically
    /// (split factors); `None` for whole factors.
    pub pole: Option<f64>,
}

impl FactorColumn {
    /// The rotated factor it comes from, as named when whole: `F1` for `F1`, `F1a` and `F1b`.
    pub fn factor_name(&self) -> String {
        format!("F{}", self.source + 1)
    }

    /// Its name after interpretation among `names` (keyed by factor name): the name given to
    /// the column itself; else, for a half of a split factor, the name given to the whole
    /// factor followed by ` (a)` or ` (b)`.
    ///
    /// ```
    /// use std::collections::BTreeMap;
    /// use qstudy_core::flag::factor_columns;
    /// let names = BTreeMap::from([
    ///     ("F1".to_string(), "Reformers".to_string()),
    ///     ("F2b".to_string(), "Sceptics".to_string()),
    /// ]);
    /// let labels: Vec<Option<String>> =
    ///     factor_columns(2, &[1, 2]).unwrap().iter().map(|c| c.label(&names)).collect();
    /// assert_eq!(labels, [
    ///     Some("Reformers (a)".to_string()),
    ///     Some("Reformers (b)".to_string()),
    ///     None,
    ///     Some("Sceptics".to_string()),
    /// ]);
    /// ```
    pub fn label(&self, names: &std::collections::BTreeMap<String, String>) -> Option<String> {
        if let Some(own) = names.get(&self.name) {
            return Some(own.clone());
        }
        let pole = self.pole?;
        let half = if pole > 0.0 { "a" } else { "b" };
        names
            .get(&self.factor_name())
            .map(|whole| format!("{whole} ({half})"))
    }
}

/// Whether `name` names a column of `columns` or a split factor whose halves are among them
/// (`F1` when `F1a` and `F1b` are): the names a factor name or a manual edit may use.
pub fn names_a_factor(columns: &[FactorColumn], name: &str) -> bool {
    columns
        .iter()
        .any(|c| c.name == name || (c.pole.is_some() && c.factor_name() == name))
}

/// The flags and the columns they refer to.
#[derive(Debug, Clone, PartialEq)]
pub struct Flagging {
    /// Viewpoint columns, in factor order (a split factor gives two adjacent columns).
    pub columns: Vec<FactorColumn>,
    /// `n x columns` loadings of the viewpoint columns.
    pub loadings: Array2<f64>,
    /// `n x columns` flags.
    pub flags: Vec<Vec<bool>>,
}

/// Builds the viewpoint columns from `k` rotated factors and the split list.
pub fn factor_columns(k: usize, split: &[usize]) -> Result<Vec<FactorColumn>, AnalysisError> {
    for (i, &f) in split.iter().enumerate() {
        if f == 0 || f > k {
            return Err(AnalysisError::UnknownFactor {
                context: Given::Split,
                factor: f.to_string(),
                valid: format!("1..{k}"),
            });
        }
        if split[..i].contains(&f) {
            return Err(AnalysisError::DuplicateSplit(f));
        }
    }
    let mut cols = Vec::new();
    for f in 0..k {
        if split.contains(&(f + 1)) {
            cols.push(FactorColumn {
                name: format!("F{}a", f + 1),
                source: f,
                sign: 1.0,
                pole: Some(1.0),
            });
            cols.push(FactorColumn {
                name: format!("F{}b", f + 1),
                source: f,
                sign: -1.0,
                pole: Some(-1.0),
            });
        } else {
            cols.push(FactorColumn {
                name: format!("F{}", f + 1),
                source: f,
                sign: 1.0,
                pole: None,
            });
        }
    }
    Ok(cols)
}

/// Resolves a factor as typed (`2`, `F2`, `f2`, `F2a`, `2b`) to a column index.
pub fn resolve_column(
    columns: &[FactorColumn],
    typed: &str,
    context: &Given,
) -> Result<usize, AnalysisError> {
    match resolve_target(columns, typed, context)? {
        Target::Column(c) => Ok(c),
        Target::Split(_) => Err(unknown_factor(columns, typed, context)),
    }
}

/// Where a manual flag edit lands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A viewpoint column (`F2`, `F2a`, `F2b`).
    Column(usize),
    /// A split factor named whole (`F2` when `F2` is split; its source, 0-based): the edit
    /// applies to the half the sort belongs to by the sign of its loading on that factor
    /// ([`half_of`]).
    Split(usize),
}

/// Resolves a factor as typed (`2`, `F2`, `f2`, `F2a`, `2b`) to a column, or to a split
/// factor named whole (`F2` when `F2` is split).
pub fn resolve_target(
    columns: &[FactorColumn],
    typed: &str,
    context: &Given,
) -> Result<Target, AnalysisError> {
    let t = typed.trim();
    let t = t.strip_prefix(['F', 'f']).unwrap_or(t);
    let wanted = format!("F{}", t.to_ascii_lowercase());
    if let Some(c) = columns.iter().position(|c| c.name == wanted) {
        return Ok(Target::Column(c));
    }
    columns
        .iter()
        .find(|c| c.pole.is_some() && c.factor_name() == wanted)
        .map(|c| Target::Split(c.source))
        .ok_or_else(|| unknown_factor(columns, typed, context))
}

/// The column of split factor `source` (0-based) that a sort with `loading` on it belongs to:
/// `Fa` for a loading `>= 0` (a zero loading, on neither pole for the automatic flags, goes
/// to `Fa`, where its flag weighs nothing either way), `Fb` for a negative one.
///
/// ```
/// use qstudy_core::flag::{factor_columns, half_of};
/// let columns = factor_columns(2, &[1]).unwrap(); // F1a, F1b, F2
/// assert_eq!(half_of(&columns, 0, 0.4), Some(0));
/// assert_eq!(half_of(&columns, 0, -0.4), Some(1));
/// assert_eq!(half_of(&columns, 0, 0.0), Some(0));
/// assert_eq!(half_of(&columns, 1, 0.4), None); // F2 is not split
/// ```
pub fn half_of(columns: &[FactorColumn], source: usize, loading: f64) -> Option<usize> {
    let pole = if loading >= 0.0 { 1.0 } else { -1.0 };
    columns
        .iter()
        .position(|c| c.source == source && c.pole == Some(pole))
}

fn unknown_factor(columns: &[FactorColumn], typed: &str, context: &Given) -> AnalysisError {
    AnalysisError::UnknownFactor {
        context: context.clone(),
        factor: typed.to_string(),
        valid: columns
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// Flags defining sorts on the `n x k` rotated loadings (already inverted where asked).
///
/// Automatic rule: `|a| > z_p / sqrt(m)`, and (majority rule) `a^2 > h^2 - a^2`, and, for the
/// poles of a split factor, the pole's sign; a loading with `|a| >= 1` is never flagged
/// automatically. Then the manual unflags and flags are applied, in that order. An edit that
/// names a split factor whole (`ID=F1` when `F1` is split) applies to the half the sort
/// belongs to by the sign of its loading on `F1` ([`half_of`]: `F1a` for `>= 0`, else `F1b`).
///
/// ```
/// use ndarray::array;
/// use qstudy_core::flag::{flag, FlaggingOptions};
/// let loadings = array![[0.8, 0.1], [0.2, 0.7], [0.5, 0.5]];
/// let ids: Vec<String> = ["A", "B", "C"].iter().map(|s| s.to_string()).collect();
/// let f = flag(loadings.view(), &ids, 33, &FlaggingOptions::default()).unwrap();
/// assert_eq!(f.flags, vec![vec![true, false], vec![false, true], vec![false, false]]);
/// ```
pub fn flag(
    rotated: ArrayView2<f64>,
    sort_ids: &[String],
    statements: usize,
    options: &FlaggingOptions,
) -> Result<Flagging, AnalysisError> {
    let (n, k) = rotated.dim();
    let Resolved {
        columns,
        unflags,
        flags: manual,
    } = resolve(options, sort_ids, k)?;
    let loadings = Array2::from_shape_fn((n, columns.len()), |(i, c)| {
        columns[c].sign * rotated[[i, columns[c].source]]
    });
    let threshold = z_for_p(options.p) / (statements as f64).sqrt();
    let mut flags = vec![vec![false; columns.len()]; n];
    if options.automatic {
        for i in 0..n {
            let row = rotated.row(i);
            let h2 = row.dot(&row);
            for (c, col) in columns.iter().enumerate() {
                let a = rotated[[i, col.source]];
                let significant = a.abs() > threshold;
                let majority = !options.majority || a * a > h2 - a * a;
                let pole_ok = col.pole.is_none_or(|s| s * a > 0.0);
                // A Heywood loading (|a| >= 1) has no weight: never flagged automatically
                // (the analysis warns about it).
                flags[i][c] = significant && majority && pole_ok && a.abs() < 1.0;
            }
        }
    }
    let column = |i: usize, target: Target| match target {
        Target::Column(c) => c,
        Target::Split(f) => half_of(&columns, f, rotated[[i, f]])
            .expect("a split factor has both halves among the columns"),
    };
    for (i, t) in unflags {
        flags[i][column(i, t)] = false;
    }
    for (i, t) in manual {
        flags[i][column(i, t)] = true;
    }
    Ok(Flagging {
        columns,
        loadings,
        flags,
    })
}

/// The manual edits resolved to `(sort index, target)`.
struct Resolved {
    columns: Vec<FactorColumn>,
    unflags: Vec<(usize, Target)>,
    flags: Vec<(usize, Target)>,
}

/// Checks the flagging options for `k` rotated factors and resolves the manual edits.
fn resolve(
    options: &FlaggingOptions,
    sort_ids: &[String],
    k: usize,
) -> Result<Resolved, AnalysisError> {
    if !(options.p > 0.0 && options.p < 1.0) {
        return Err(AnalysisError::BadFlagP(options.p));
    }
    let columns = factor_columns(k, &options.split)?;
    let edit = |e: &FlagEdit, context: fn(FlagEdit) -> Given| {
        let context = context(e.clone());
        let i = sort_ids.iter().position(|s| s == &e.sort).ok_or_else(|| {
            AnalysisError::UnknownSort {
                context: context.clone(),
                id: e.sort.clone(),
            }
        })?;
        Ok((i, resolve_target(&columns, &e.factor, &context)?))
    };
    let unflags = options
        .unflags
        .iter()
        .map(|e| edit(e, Given::Unflag))
        .collect::<Result<_, AnalysisError>>()?;
    let flags = options
        .flags
        .iter()
        .map(|e| edit(e, Given::Flag))
        .collect::<Result<_, AnalysisError>>()?;
    Ok(Resolved {
        columns,
        unflags,
        flags,
    })
}

/// Checks the flagging options for `k` rotated factors of the sorts `sort_ids` before any
/// computation: the p level, the split factors, and every manual flag's sort and factor.
///
/// ```
/// use qstudy_core::flag::{check, FlaggingOptions};
/// let ids = vec!["A".to_string(), "B".to_string()];
/// let ok = FlaggingOptions { flags: vec!["A=2".parse().unwrap()], ..Default::default() };
/// assert!(check(&ok, &ids, 2).is_ok());
/// let bad = FlaggingOptions { flags: vec!["C=2".parse().unwrap()], ..Default::default() };
/// assert!(check(&bad, &ids, 2).is_err());
/// ```
pub fn check(
    options: &FlaggingOptions,
    sort_ids: &[String],
    k: usize,
) -> Result<(), AnalysisError> {
    resolve(options, sort_ids, k).map(|_| ())
}

/// The flagging stage of an analysis: [`flag`], then the refusal of a defining sort whose
/// loading is a Heywood case (`|a| >= 1`: its weight is undefined).
///
/// ```
/// use ndarray::array;
/// use qstudy_core::flag::{self, FlaggingOptions};
/// let loadings = array![[0.8, 0.1], [0.2, 0.7], [0.5, 0.5]];
/// let ids: Vec<String> = ["A", "B", "C"].iter().map(|s| s.to_string()).collect();
/// let f = flag::run(loadings.view(), &ids, 33, &FlaggingOptions::default()).unwrap();
/// let warnings = flag::warnings(loadings.view(), &f, &ids);
/// assert_eq!(warnings[0].to_string(), "1 sort(s) define no factor: C");
/// ```
pub fn run(
    rotated: ArrayView2<f64>,
    sort_ids: &[String],
    statements: usize,
    options: &FlaggingOptions,
) -> Result<Flagging, AnalysisError> {
    let flagging = flag(rotated, sort_ids, statements, options)?;
    for (i, row) in flagging.flags.iter().enumerate() {
        for (c, _) in row.iter().enumerate().filter(|(_, on)| **on) {
            let a = flagging.loadings[[i, c]];
            if a.abs() >= 1.0 {
                return Err(AnalysisError::Heywood {
                    sort: sort_ids
                        .get(i)
                        .cloned()
                        .unwrap_or_else(|| (i + 1).to_string()),
                    factor: flagging.columns[c].name.clone(),
                    loading: a,
                });
            }
        }
    }
    Ok(flagging)
}

/// The warnings of the flagging: Heywood loadings among the `rotated` loadings, sorts flagged
/// on several factors or with a negative loading, sorts that define no factor.
pub fn warnings(
    rotated: ArrayView2<f64>,
    flagging: &Flagging,
    sort_ids: &[String],
) -> Vec<Warning> {
    let mut warnings = Vec::new();
    for (i, row) in rotated.rows().into_iter().enumerate() {
        for (f, &a) in row.iter().enumerate() {
            if a.abs() >= 1.0 {
                warnings.push(Warning::HeywoodLoading {
                    sort: sort_ids[i].clone(),
                    factor: f + 1,
                    loading: a,
                });
            }
        }
    }
    let mut unflagged = Vec::new();
    for (i, id) in sort_ids.iter().enumerate() {
        let on: Vec<usize> = (0..flagging.columns.len())
            .filter(|&c| flagging.flags[i][c])
            .collect();
        if on.is_empty() {
            unflagged.push(id.clone());
        }
        if on.len() > 1 {
            warnings.push(Warning::FlaggedOnSeveral {
                sort: id.clone(),
                factors: on
                    .iter()
                    .map(|&c| flagging.columns[c].name.clone())
                    .collect(),
            });
        }
        for &c in &on {
            let a = flagging.loadings[[i, c]];
            if a < 0.0 {
                warnings.push(Warning::NegativeFlag {
                    sort: id.clone(),
                    factor: flagging.columns[c].name.clone(),
                    loading: a,
                });
            }
        }
    }
    if !unflagged.is_empty() {
        warnings.push(Warning::DefineNoFactor { sorts: unflagged });
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn ids(n: usize) -> Vec<String> {
        (1..=n).map(|i| format!("S{i}")).collect()
    }

    #[test]
    fn majority_rule_and_its_absence() {
        let l = array![[0.5, 0.45], [-0.6, 0.1]];
        let with = flag(l.view(), &ids(2), 33, &FlaggingOptions::default()).unwrap();
        assert_eq!(with.flags, vec![vec![true, false], vec![true, false]]);
        let opts = FlaggingOptions {
            majority: false,
            ..Default::default()
        };
        let without = flag(l.view(), &ids(2), 33, &opts).unwrap();
        assert_eq!(without.flags, vec![vec![true, true], vec![true, false]]);
    }

    #[test]
    fn split_factor_poles() {
        let l = array![[0.7, 0.1], [-0.7, 0.1], [0.1, 0.8]];
        let opts = FlaggingOptions {
            split: vec![1],
            ..Default::default()
        };
        let f = flag(l.view(), &ids(3), 33, &opts).unwrap();
        let names: Vec<&str> = f.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["F1a", "F1b", "F2"]);
        assert_eq!(f.flags[0], vec![true, false, false]);
        assert_eq!(f.flags[1], vec![false, true, false]);
        assert!((f.loadings[[1, 1]] - 0.7).abs() < 1e-12);
    }

    #[test]
    fn manual_edits_and_errors() {
        let l = array![[0.7, 0.1], [0.1, 0.1]];
        let opts = FlaggingOptions {
            flags: vec!["S2=f2".parse().unwrap()],
            unflags: vec!["S1=1".parse().unwrap()],
            ..Default::default()
        };
        let f = flag(l.view(), &ids(2), 33, &opts).unwrap();
        assert_eq!(f.flags, vec![vec![false, false], vec![false, true]]);
        let bad = FlaggingOptions {
            flags: vec!["S9=1".parse().unwrap()],
            ..Default::default()
        };
        assert!(matches!(
            flag(l.view(), &ids(2), 33, &bad),
            Err(AnalysisError::UnknownSort { .. })
        ));
        let bad = FlaggingOptions {
            flags: vec!["S1=3".parse().unwrap()],
            ..Default::default()
        };
        assert!(matches!(
            flag(l.view(), &ids(2), 33, &bad),
            Err(AnalysisError::UnknownFactor { .. })
        ));
    }

    #[test]
    fn edits_naming_a_split_factor_land_on_the_sorts_half() {
        // S1 +0.7 and S2 -0.7 on F1 (flagged automatically on F1a and F1b), S3 +0.2 and
        // S4 -0.2 (flagged nowhere), S5 exactly 0.
        let l = array![[0.7, 0.1], [-0.7, 0.1], [0.2, 0.1], [-0.2, 0.1], [0.0, 0.1]];
        let split = |flags: &[&str], unflags: &[&str]| FlaggingOptions {
            split: vec![1],
            flags: flags.iter().map(|e| e.parse().unwrap()).collect(),
            unflags: unflags.iter().map(|e| e.parse().unwrap()).collect(),
            ..Default::default()
        };
        let f = flag(l.view(), &ids(5), 33, &split(&[], &[])).unwrap();
        assert_eq!(f.flags[0], [true, false, false]);
        assert_eq!(f.flags[1], [false, true, false]);
        // unflag by the whole factor's name, in each of its spellings
        for whole in ["F1", "f1", "1"] {
            let unflags = [format!("S1={whole}"), format!("S2={whole}")];
            let unflags: Vec<&str> = unflags.iter().map(String::as_str).collect();
            let f = flag(l.view(), &ids(5), 33, &split(&[], &unflags)).unwrap();
            assert_eq!(f.flags[0], [false, false, false], "{whole}");
            assert_eq!(f.flags[1], [false, false, false], "{whole}");
        }
        // flag by the whole factor's name: by the sign of the loading, zero on F1a
        let f = flag(
            l.view(),
            &ids(5),
            33,
            &split(&["S3=F1", "S4=F1", "S5=F1"], &[]),
        )
        .unwrap();
        assert_eq!(f.flags[2], [true, false, false]);
        assert_eq!(f.flags[3], [false, true, false]);
        assert_eq!(f.flags[4], [true, false, false]);
        // the halves named directly keep working, against the sign too
        let f = flag(l.view(), &ids(5), 33, &split(&["S3=F1b"], &["S1=1a"])).unwrap();
        assert_eq!(f.flags[0], [false, false, false]);
        assert_eq!(f.flags[2], [false, true, false]);
        // the same edits without the split name the whole factor
        let whole = FlaggingOptions {
            flags: vec!["S4=F1".parse().unwrap()],
            ..Default::default()
        };
        let f = flag(l.view(), &ids(5), 33, &whole).unwrap();
        assert_eq!(f.flags[3], [true, false]);
    }

    #[test]
    fn unknown_factors_keep_their_error() {
        let l = array![[0.7, 0.1], [-0.7, 0.1]];
        // F2 is not split: F2a does not exist; F3 does not exist at all
        for (typed, valid) in [("F2a", "F1a, F1b, F2"), ("3", "F1a, F1b, F2")] {
            let opts = FlaggingOptions {
                split: vec![1],
                flags: vec![format!("S1={typed}").parse().unwrap()],
                ..Default::default()
            };
            match check(&opts, &ids(2), 2) {
                Err(AnalysisError::UnknownFactor {
                    context,
                    factor,
                    valid: v,
                }) => {
                    assert_eq!(context, Given::Flag(opts.flags[0].clone()));
                    assert_eq!(factor, typed);
                    assert_eq!(v, valid);
                }
                other => panic!("{typed}: {other:?}"),
            }
            assert!(flag(l.view(), &ids(2), 33, &opts).is_err());
        }
        // without the split, F1a is unknown and F1 known
        let cols = factor_columns(2, &[]).unwrap();
        assert!(resolve_target(&cols, "F1a", &Given::Split).is_err());
        assert_eq!(
            resolve_target(&cols, "F1", &Given::Split).unwrap(),
            Target::Column(0)
        );
        let cols = factor_columns(2, &[1]).unwrap();
        assert_eq!(
            resolve_target(&cols, "F1", &Given::Split).unwrap(),
            Target::Split(0)
        );
        // a column is wanted: the whole of a split factor is not one
        assert!(resolve_column(&cols, "F1", &Given::Split).is_err());
        assert!(names_a_factor(&cols, "F1") && names_a_factor(&cols, "F1b"));
        assert!(!names_a_factor(&cols, "F2a") && !names_a_factor(&cols, "F3"));
    }

    #[test]
    fn a_half_takes_its_own_name_over_the_whole_factors() {
        let names = std::collections::BTreeMap::from([
            ("F1".to_string(), "Reformers".to_string()),
            ("F1b".to_string(), "Sceptics".to_string()),
            ("F2".to_string(), "Second".to_string()),
        ]);
        let labels: Vec<Option<String>> = factor_columns(2, &[1])
            .unwrap()
            .iter()
            .map(|c| c.label(&names))
            .collect();
        assert_eq!(
            labels,
            [
                Some("Reformers (a)".to_string()),
                Some("Sceptics".to_string()),
                Some("Second".to_string())
            ]
        );
        let whole = factor_columns(2, &[]).unwrap();
        assert_eq!(whole[0].label(&names).as_deref(), Some("Reformers"));
    }
}
