//! Which sorts an analysis keeps: the selection of sorts by id (`exclude`), by the
//! participants' attributes (`where`) and the leaving out of incomplete sorts
//! (`drop_incomplete`), applied to the table as read, before the data checks of
//! [`crate::validate`]. Every sort left out is listed with why ([`LeftOut`]); nothing is left
//! out silently.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::data::{Participant, SortTable};
use crate::error::SelectionError;

/// Which sorts an analysis keeps (part of [`crate::options::AnalysisOptions`]).
///
/// ```
/// use qstudy_core::select::{Condition, Selection};
/// let s = Selection { exclude: vec!["P7".into()], conditions: vec!["role=officer".parse().unwrap()], drop_incomplete: false };
/// assert!(!s.is_empty());
/// assert!(Selection::default().is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Selection {
    /// Sort ids left out.
    pub exclude: Vec<String>,
    /// Attribute conditions, all of which a kept sort's participant meets.
    pub conditions: Vec<Condition>,
    /// Leave incomplete sorts out (with a warning) instead of refusing the input.
    pub drop_incomplete: bool,
}

impl Selection {
    /// Whether the selection keeps every sort (incomplete sorts are then refused).
    pub fn is_empty(&self) -> bool {
        self.exclude.is_empty() && self.conditions.is_empty() && !self.drop_incomplete
    }
}

/// One attribute condition: the participant's attribute `attribute` is one of `values`.
/// Written `ATTR=VALUE[,VALUE...]`.
///
/// ```
/// use qstudy_core::select::Condition;
/// let c: Condition = "council = Cardiff, Swansea".parse().unwrap();
/// assert_eq!(c.attribute, "council");
/// assert_eq!(c.values, ["Cardiff", "Swansea"]);
/// assert_eq!(c.to_string(), "council=Cardiff,Swansea");
/// assert!("council".parse::<Condition>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Condition {
    /// The attribute (a column of the participants, `role`).
    pub attribute: String,
    /// The values kept (`officer`); a sort is kept when its participant has one of them.
    pub values: Vec<String>,
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.attribute, self.values.join(","))
    }
}

impl FromStr for Condition {
    type Err = String;

    /// `ATTR=VALUE[,VALUE...]`, blanks around each part ignored.
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("'{s}' is not ATTR=VALUE[,VALUE...] (e.g. role=officer)");
        let (attribute, values) = s.split_once('=').ok_or_else(bad)?;
        let attribute = attribute.trim();
        let values: Vec<String> = values.split(',').map(|v| v.trim().to_string()).collect();
        if attribute.is_empty() || values.iter().any(String::is_empty) {
            return Err(bad());
        }
        Ok(Condition {
            attribute: attribute.to_string(),
            values,
        })
    }
}

impl Serialize for Condition {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Condition {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// Why a sort was left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum LeftOutReason {
    /// Its id was excluded.
    Excluded,
    /// Its participant does not meet a condition: the attribute, and the participant's value
    /// (`None`: it has none).
    Where {
        /// The attribute of the condition it fails (the first, in the order given).
        attribute: String,
        /// The participant's value of it.
        value: Option<String>,
    },
    /// It is incomplete: the statements (1-based) without a value.
    Incomplete {
        /// The statements without a value.
        statements: Vec<usize>,
    },
}

/// A sort left out by the selection, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeftOut {
    /// The sort id.
    pub sort: String,
    /// Why.
    #[serde(flatten)]
    pub reason: LeftOutReason,
}

/// What a selection keeps and leaves out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selected {
    /// The indices of the sorts kept, in table order.
    pub kept: Vec<usize>,
    /// The sorts left out, in table order.
    pub left_out: Vec<LeftOut>,
}

impl Selected {
    /// Whether every sort is kept.
    pub fn keeps_all(&self) -> bool {
        self.left_out.is_empty()
    }

    /// The sorts left out as incomplete, with their missing statements (1-based).
    pub fn incomplete(&self) -> Vec<(String, Vec<usize>)> {
        self.left_out
            .iter()
            .filter_map(|l| match &l.reason {
                LeftOutReason::Incomplete { statements } => {
                    Some((l.sort.clone(), statements.clone()))
                }
                _ => None,
            })
            .collect()
    }
}

/// Applies `selection` to the sorts of `table` (with their `participants`, in sort order,
/// when the input has attributes): the sorts kept and those left out, with why. A sort is left
/// out when its id is excluded, else when its participant fails a condition (`where`), else
/// when it is incomplete and `drop_incomplete` is set (an incomplete sort kept is refused
/// later by the data checks).
///
/// Errors, so that a typo never selects silently: an excluded id that no sort has; a
/// condition on an attribute no participant has, or with a value no participant has; a
/// selection that keeps fewer than 2 sorts. Linear in the table.
///
/// ```
/// use std::collections::BTreeMap;
/// use qstudy_core::{Participant, SortTable};
/// use qstudy_core::select::{select, Selection, LeftOutReason};
/// let table = SortTable { sort_ids: vec!["A".into(), "B".into(), "C".into()], statement_labels: None,
///     values: vec![vec![1, 0, -1]; 3], missing: vec![] };
/// let role = |r: &str| BTreeMap::from([("role".to_string(), r.to_string())]);
/// let people = vec![
///     Participant { id: "A".into(), attributes: role("officer") },
///     Participant { id: "B".into(), attributes: role("councillor") },
///     Participant { id: "C".into(), attributes: role("officer") },
/// ];
/// let s = Selection { conditions: vec!["role=officer".parse().unwrap()], ..Default::default() };
/// let selected = select(&table, Some(&people), &s).unwrap();
/// assert_eq!(selected.kept, [0, 2]);
/// assert_eq!(selected.left_out[0].sort, "B");
/// assert!(matches!(selected.left_out[0].reason, LeftOutReason::Where { .. }));
/// ```
pub fn select(
    table: &SortTable,
    participants: Option<&[Participant]>,
    selection: &Selection,
) -> Result<Selected, SelectionError> {
    let n = table.sort_ids.len();
    if selection.is_empty() {
        return Ok(Selected {
            kept: (0..n).collect(),
            left_out: Vec::new(),
        });
    }
    let excluded = excluded_ids(table, &selection.exclude)?;
    let conditions = checked_conditions(participants, &selection.conditions)?;
    let incomplete: HashMap<usize, Vec<usize>> = if selection.drop_incomplete {
        table.incomplete().into_iter().collect()
    } else {
        HashMap::new()
    };
    let mut selected = Selected::default();
    for (i, id) in table.sort_ids.iter().enumerate() {
        let reason = if excluded.contains(id.as_str()) {
            Some(LeftOutReason::Excluded)
        } else if let Some(failed) = failed_condition(participants, i, &conditions) {
            Some(failed)
        } else {
            incomplete
                .get(&i)
                .map(|statements| LeftOutReason::Incomplete {
                    statements: statements.iter().map(|s| s + 1).collect(),
                })
        };
        match reason {
            Some(reason) => selected.left_out.push(LeftOut {
                sort: id.clone(),
                reason,
            }),
            None => selected.kept.push(i),
        }
    }
    if selected.kept.len() < 2 && !selected.left_out.is_empty() {
        return Err(SelectionError::TooFew {
            kept: selected.kept.len(),
            total: n,
        });
    }
    Ok(selected)
}

/// The excluded ids, each checked to be a sort's.
fn excluded_ids<'a>(
    table: &SortTable,
    exclude: &'a [String],
) -> Result<HashSet<&'a str>, SelectionError> {
    let ids: HashSet<&str> = table.sort_ids.iter().map(String::as_str).collect();
    let mut out = HashSet::with_capacity(exclude.len());
    for id in exclude {
        let id = id.trim();
        if !ids.contains(id) {
            return Err(SelectionError::UnknownSort { id: id.to_string() });
        }
        out.insert(id);
    }
    Ok(out)
}

/// A condition with its values as a set.
struct Checked<'a> {
    attribute: &'a str,
    values: HashSet<&'a str>,
}

/// The conditions, each checked: its attribute is one some participant has, each of its
/// values one some participant has.
fn checked_conditions<'a>(
    participants: Option<&[Participant]>,
    conditions: &'a [Condition],
) -> Result<Vec<Checked<'a>>, SelectionError> {
    if conditions.is_empty() {
        return Ok(Vec::new());
    }
    let people = participants.unwrap_or(&[]);
    let mut known: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    for p in people {
        for (name, value) in &p.attributes {
            known.entry(name.as_str()).or_default().insert(value.trim());
        }
    }
    if known.is_empty() {
        return Err(SelectionError::NoAttributes {
            condition: conditions[0].to_string(),
        });
    }
    let mut out = Vec::with_capacity(conditions.len());
    for c in conditions {
        let attribute = c.attribute.trim();
        let Some(values) = known.get(attribute) else {
            let mut names: Vec<&str> = known.keys().copied().collect();
            names.sort_unstable();
            return Err(SelectionError::UnknownAttribute {
                condition: c.to_string(),
                attribute: attribute.to_string(),
                known: names.iter().map(ToString::to_string).collect(),
            });
        };
        for v in &c.values {
            if !values.contains(v.trim()) {
                return Err(SelectionError::UnknownValue {
                    condition: c.to_string(),
                    attribute: attribute.to_string(),
                    value: v.trim().to_string(),
                    known: values.iter().map(ToString::to_string).collect(),
                });
            }
        }
        out.push(Checked {
            attribute,
            values: c.values.iter().map(|v| v.trim()).collect(),
        });
    }
    Ok(out)
}

/// The first condition participant `i` fails, as the reason it is left out.
fn failed_condition(
    participants: Option<&[Participant]>,
    i: usize,
    conditions: &[Checked],
) -> Option<LeftOutReason> {
    let attributes = participants.and_then(|p| p.get(i)).map(|p| &p.attributes);
    conditions.iter().find_map(|c| {
        let value = attributes
            .and_then(|a| a.get(c.attribute))
            .map(|v| v.trim());
        let kept = value.is_some_and(|v| c.values.contains(v));
        (!kept).then(|| LeftOutReason::Where {
            attribute: c.attribute.to_string(),
            value: value.map(str::to_string),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn table(n: usize) -> SortTable {
        SortTable {
            sort_ids: (1..=n).map(|i| format!("P{i}")).collect(),
            statement_labels: None,
            values: vec![vec![-1, 0, 1]; n],
            missing: Vec::new(),
        }
    }

    fn people(roles: &[(&str, &str)]) -> Vec<Participant> {
        roles
            .iter()
            .enumerate()
            .map(|(i, (role, council))| {
                let mut attributes = BTreeMap::new();
                if !role.is_empty() {
                    attributes.insert("role".to_string(), role.to_string());
                }
                attributes.insert("council".to_string(), council.to_string());
                Participant {
                    id: format!("P{}", i + 1),
                    attributes,
                }
            })
            .collect()
    }

    #[test]
    fn exclude_where_and_incomplete_each_say_why() {
        let mut t = table(6);
        t.missing = vec![(3, 2), (3, 0)];
        let p = people(&[
            ("officer", "A"),
            ("officer", "B"),
            ("councillor", "A"),
            ("officer", "A"),
            ("", "A"),
            ("officer", "B"),
        ]);
        let s = Selection {
            exclude: vec!["P2".into()],
            conditions: vec!["role=officer".parse().unwrap()],
            drop_incomplete: true,
        };
        let out = select(&t, Some(&p), &s).unwrap();
        assert_eq!(out.kept, [0, 5]);
        let why: Vec<(&str, &LeftOutReason)> = out
            .left_out
            .iter()
            .map(|l| (l.sort.as_str(), &l.reason))
            .collect();
        assert_eq!(
            why,
            [
                ("P2", &LeftOutReason::Excluded),
                (
                    "P3",
                    &LeftOutReason::Where {
                        attribute: "role".into(),
                        value: Some("councillor".into())
                    }
                ),
                (
                    "P4",
                    &LeftOutReason::Incomplete {
                        statements: vec![1, 3]
                    }
                ),
                (
                    "P5",
                    &LeftOutReason::Where {
                        attribute: "role".into(),
                        value: None
                    }
                ),
            ]
        );
    }

    #[test]
    fn conditions_are_anded_across_attributes_and_ored_within() {
        let t = table(4);
        let p = people(&[
            ("officer", "A"),
            ("officer", "B"),
            ("councillor", "A"),
            ("officer", "C"),
        ]);
        let s = Selection {
            conditions: vec![
                "role=officer".parse().unwrap(),
                "council=A,C".parse().unwrap(),
            ],
            ..Default::default()
        };
        assert_eq!(select(&t, Some(&p), &s).unwrap().kept, [0, 3]);
    }

    #[test]
    fn typos_are_refused() {
        let t = table(3);
        let p = people(&[("officer", "A"), ("officer", "B"), ("councillor", "A")]);
        let ex = |ids: &[&str]| Selection {
            exclude: ids.iter().map(ToString::to_string).collect(),
            ..Default::default()
        };
        assert_eq!(
            select(&t, Some(&p), &ex(&["P9"])).unwrap_err(),
            SelectionError::UnknownSort { id: "P9".into() }
        );
        let wh = |c: &str| Selection {
            conditions: vec![c.parse().unwrap()],
            ..Default::default()
        };
        let e = select(&t, Some(&p), &wh("rank=officer")).unwrap_err();
        assert!(
            e.to_string()
                .contains("no participant has the attribute 'rank' (attributes: council, role)"),
            "{e}"
        );
        let e = select(&t, Some(&p), &wh("role=oficer")).unwrap_err();
        assert!(
            e.to_string()
                .contains("no participant has role 'oficer' (values: councillor, officer)"),
            "{e}"
        );
        let e = select(&t, None, &wh("role=officer")).unwrap_err();
        assert!(matches!(e, SelectionError::NoAttributes { .. }), "{e}");
        let e = select(&t, Some(&p), &ex(&["P1", "P2"])).unwrap_err();
        assert_eq!(e, SelectionError::TooFew { kept: 1, total: 3 });
    }

    #[test]
    fn an_empty_selection_keeps_everything() {
        let mut t = table(3);
        t.missing = vec![(1, 1)];
        let out = select(&t, None, &Selection::default()).unwrap();
        assert_eq!(out.kept, [0, 1, 2]);
        assert!(out.keeps_all());
    }

    #[test]
    fn left_out_is_written_with_its_reason() {
        let l = LeftOut {
            sort: "P3".into(),
            reason: LeftOutReason::Where {
                attribute: "role".into(),
                value: None,
            },
        };
        assert_eq!(
            serde_json::to_string(&l).unwrap(),
            r#"{"sort":"P3","reason":"where","attribute":"role","value":null}"#
        );
        let l = LeftOut {
            sort: "P4".into(),
            reason: LeftOutReason::Incomplete {
                statements: vec![2],
            },
        };
        let json = serde_json::to_string(&l).unwrap();
        assert_eq!(
            json,
            r#"{"sort":"P4","reason":"incomplete","statements":[2]}"#
        );
        assert_eq!(serde_json::from_str::<LeftOut>(&json).unwrap(), l);
    }
}
