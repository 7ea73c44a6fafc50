//! Fitting a layer of choices to the number of factors kept: what the workbench does before
//! each analysis, so that a choice made for more factors (a name, a flag, an inversion, a split,
//! a hand rotation step on `F4`) does not refuse the analysis of fewer. Every choice dropped
//! or moved is returned, typed ([`Dropped`]), for the front end to word.

use crate::flag::FlagEdit;
use crate::rotate::RotationStep;

use super::OptionLayer;

/// Why a choice about a factor no longer applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gone {
    /// The factor is beyond the number of factors kept.
    NotKept {
        /// The number of factors kept.
        kept: usize,
    },
    /// The choice names a half (`F2a`, `F2b`) of a factor that is not split.
    NotSplit,
}

/// A choice of an [`OptionLayer`] that [`OptionLayer::fit_to`] dropped or moved. Factors are
/// 1-based; a flag edit and a factor name are as they were given.
#[derive(Debug, Clone, PartialEq)]
pub enum Dropped {
    /// A factor's name, dropped: its factor is not kept, or it names a half of a factor that
    /// is not split (the whole factor keeps its own name, if it has one).
    FactorName {
        /// The factor as named (`F4`, `F2a`).
        factor: String,
        /// The name given to it.
        name: String,
        /// Why.
        why: Gone,
    },
    /// A manual flag (or, with `unflag`, the removal of a flag) on a factor not kept, dropped.
    Flag {
        /// The edit as given.
        edit: FlagEdit,
        /// Whether it removed a flag.
        unflag: bool,
        /// The number of factors kept.
        kept: usize,
    },
    /// A manual flag (or removal) on a half of a factor that is not split, moved to the whole
    /// factor (`F2a` -> `F2`); dropped instead when the same edit on the whole factor is
    /// already given (`duplicate`).
    FlagCarried {
        /// The edit as given.
        edit: FlagEdit,
        /// Whether it removed a flag.
        unflag: bool,
        /// The whole factor it now applies to (`F2`).
        to: String,
        /// Whether the same edit on `to` was already given (and this one dropped).
        duplicate: bool,
    },
    /// The inversion of a factor not kept.
    Invert {
        /// The factor.
        factor: usize,
        /// The number of factors kept.
        kept: usize,
    },
    /// The split of a factor not kept.
    Split {
        /// The factor.
        factor: usize,
        /// The number of factors kept.
        kept: usize,
    },
    /// Hand rotation steps that turn a factor not kept, dropped together.
    RotationSteps {
        /// The steps, in their order.
        steps: Vec<RotationStep>,
        /// The factors beyond the number kept that they turn, ascending.
        factors: Vec<usize>,
        /// The number of factors kept.
        kept: usize,
    },
}

/// A factor as a choice names it (`2`, `F2`, `f2`, `F2a`, `2B`): its number and, for a half of
/// a split factor, `'a'` or `'b'`. `None` for anything else (left for the analysis to refuse).
fn factor_ref(typed: &str) -> Option<(usize, Option<char>)> {
    let t = typed.trim();
    let t = t.strip_prefix(['F', 'f']).unwrap_or(t);
    let (digits, half) = match t.char_indices().last() {
        Some((i, c)) if c.eq_ignore_ascii_case(&'a') || c.eq_ignore_ascii_case(&'b') => {
            (&t[..i], Some(c.to_ascii_lowercase()))
        }
        _ => (t, None),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().map(|n| (n, half))
}

impl OptionLayer {
    /// This layer fitted to `kept` factors: the choices that name a factor beyond `kept` are
    /// dropped (factor names, manual flags and removals, inversions, splits, hand rotation
    /// steps); a flag or removal on a half (`F2a`, `F2b`) of a factor that is not split is
    /// moved to the whole factor (`F2`; dropped when the same edit is already given there),
    /// and a name of such a half is dropped. A name or flag of a split factor as a whole
    /// (`F2` when `F2` is split) is kept. References that name no factor at all are left for
    /// the analysis to refuse. Returns what was dropped or moved, in the order of the layer's
    /// fields.
    ///
    /// ```
    /// use qstudy_core::options::{Dropped, OptionLayer};
    /// let mut layer = OptionLayer {
    ///     factors: Some(3),
    ///     invert: vec![1, 4],
    ///     rotate: vec!["1,2,10".parse().unwrap(), "3,4,5".parse().unwrap()],
    ///     ..Default::default()
    /// };
    /// layer.factor_names.insert("F4".into(), "Reformers".into());
    /// let dropped = layer.fit_to(3);
    /// assert_eq!(layer.invert, [1]);
    /// assert_eq!(layer.rotate.len(), 1);
    /// assert!(layer.factor_names.is_empty());
    /// assert_eq!(dropped.len(), 3);
    /// assert!(matches!(&dropped[0], Dropped::FactorName { factor, .. } if factor == "F4"));
    /// ```
    pub fn fit_to(&mut self, kept: usize) -> Vec<Dropped> {
        let mut dropped = Vec::new();
        let not_kept = Gone::NotKept { kept };
        // splits first: whether a half names a split factor depends on them
        let mut split = Vec::new();
        for &f in &self.split {
            if f > kept {
                dropped.push(Dropped::Split { factor: f, kept });
            } else {
                split.push(f);
            }
        }
        self.split = split;
        let split = self.split.clone();

        let names = std::mem::take(&mut self.factor_names);
        for (factor, name) in names {
            let why = match factor_ref(&factor) {
                Some((f, _)) if f > kept => Some(not_kept),
                Some((f, Some(_))) if !split.contains(&f) => Some(Gone::NotSplit),
                _ => None,
            };
            match why {
                Some(why) => dropped.push(Dropped::FactorName { factor, name, why }),
                None => {
                    self.factor_names.insert(factor, name);
                }
            }
        }

        for unflag in [false, true] {
            let edits = std::mem::take(if unflag {
                &mut self.unflag
            } else {
                &mut self.flag
            });
            // the edits on a whole factor kept: a moved edit already given there is dropped
            let wholes: Vec<(&str, usize)> = edits
                .iter()
                .filter_map(|e| match factor_ref(&e.factor) {
                    Some((f, None)) if f <= kept => Some((e.sort.as_str(), f)),
                    _ => None,
                })
                .collect();
            let mut moved: Vec<(String, usize)> = Vec::new();
            let mut fitted: Vec<FlagEdit> = Vec::with_capacity(edits.len());
            for edit in &edits {
                match factor_ref(&edit.factor) {
                    Some((f, _)) if f > kept => dropped.push(Dropped::Flag {
                        edit: edit.clone(),
                        unflag,
                        kept,
                    }),
                    Some((f, Some(_))) if !split.contains(&f) => {
                        let to = format!("F{f}");
                        let duplicate = wholes.contains(&(edit.sort.as_str(), f))
                            || moved.iter().any(|(s, g)| s == &edit.sort && *g == f);
                        if !duplicate {
                            moved.push((edit.sort.clone(), f));
                            fitted.push(FlagEdit {
                                sort: edit.sort.clone(),
                                factor: to.clone(),
                            });
                        }
                        dropped.push(Dropped::FlagCarried {
                            edit: edit.clone(),
                            unflag,
                            to,
                            duplicate,
                        });
                    }
                    _ => fitted.push(edit.clone()),
                }
            }
            *(if unflag {
                &mut self.unflag
            } else {
                &mut self.flag
            }) = fitted;
        }

        let mut invert = Vec::new();
        for &f in &self.invert {
            if f > kept {
                dropped.push(Dropped::Invert { factor: f, kept });
            } else {
                invert.push(f);
            }
        }
        self.invert = invert;

        let (keep, gone): (Vec<RotationStep>, Vec<RotationStep>) =
            self.rotate.iter().partition(|s| s.a <= kept && s.b <= kept);
        if !gone.is_empty() {
            let mut factors: Vec<usize> = gone
                .iter()
                .flat_map(|s| [s.a, s.b])
                .filter(|&f| f > kept)
                .collect();
            factors.sort_unstable();
            factors.dedup();
            dropped.push(Dropped::RotationSteps {
                steps: gone,
                factors,
                kept,
            });
        }
        self.rotate = keep;
        dropped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edits(list: &[&str]) -> Vec<FlagEdit> {
        list.iter().map(|e| e.parse().unwrap()).collect()
    }

    #[test]
    fn factors_are_read_as_choices_name_them() {
        assert_eq!(factor_ref("F4"), Some((4, None)));
        assert_eq!(factor_ref(" 2 "), Some((2, None)));
        assert_eq!(factor_ref("f2A"), Some((2, Some('a'))));
        assert_eq!(factor_ref("2b"), Some((2, Some('b'))));
        assert_eq!(factor_ref("F12"), Some((12, None)));
        for other in ["", "F", "Fb", "x", "F2c", "F-1", "F2ab"] {
            assert_eq!(factor_ref(other), None, "{other}");
        }
    }

    #[test]
    fn choices_beyond_the_factors_kept_are_dropped() {
        let mut layer = OptionLayer {
            factors: Some(2),
            flag: edits(&["A=F1", "B=F3", "C=3a"]),
            unflag: edits(&["D=4"]),
            invert: vec![3, 1],
            split: vec![2, 3],
            rotate: vec![
                "1,3,10".parse().unwrap(),
                "1,2,5".parse().unwrap(),
                "4,3,-5".parse().unwrap(),
            ],
            ..Default::default()
        };
        layer.factor_names.insert("F1".into(), "one".into());
        layer.factor_names.insert("F3".into(), "three".into());
        let dropped = layer.fit_to(2);
        assert_eq!(layer.flag, edits(&["A=F1"]));
        assert!(layer.unflag.is_empty());
        assert_eq!(layer.invert, [1]);
        assert_eq!(layer.split, [2]);
        assert_eq!(layer.rotate, ["1,2,5".parse().unwrap()]);
        assert_eq!(layer.factor_names.keys().collect::<Vec<_>>(), ["F1"]);
        let gone = Gone::NotKept { kept: 2 };
        assert_eq!(
            dropped,
            [
                Dropped::Split { factor: 3, kept: 2 },
                Dropped::FactorName {
                    factor: "F3".into(),
                    name: "three".into(),
                    why: gone,
                },
                Dropped::Flag {
                    edit: "B=F3".parse().unwrap(),
                    unflag: false,
                    kept: 2,
                },
                Dropped::Flag {
                    edit: "C=3a".parse().unwrap(),
                    unflag: false,
                    kept: 2,
                },
                Dropped::Flag {
                    edit: "D=4".parse().unwrap(),
                    unflag: true,
                    kept: 2,
                },
                Dropped::Invert { factor: 3, kept: 2 },
                Dropped::RotationSteps {
                    steps: vec!["1,3,10".parse().unwrap(), "4,3,-5".parse().unwrap()],
                    factors: vec![3, 4],
                    kept: 2,
                },
            ]
        );
        // fitted again: nothing more to drop
        let again = layer.clone();
        assert!(layer.fit_to(2).is_empty());
        assert_eq!(layer, again);
    }

    #[test]
    fn a_half_of_a_factor_not_split_is_the_whole_factor() {
        let mut layer = OptionLayer {
            factors: Some(3),
            split: vec![3],
            flag: edits(&["A=F2a", "B=2", "B=F2b", "C=F2a", "C=F2b", "D=F3a", "E=F2"]),
            unflag: edits(&["A=f1B"]),
            ..Default::default()
        };
        for (f, n) in [
            ("F2a", "pro"),
            ("F2", "whole"),
            ("F3b", "contra"),
            ("F3", "bipolar"),
        ] {
            layer.factor_names.insert(f.into(), n.into());
        }
        let dropped = layer.fit_to(3);
        // moved in place, once per sort; the halves of the split F3 and a name of a split F3
        // as a whole stay
        assert_eq!(layer.flag, edits(&["A=F2", "B=2", "C=F2", "D=F3a", "E=F2"]));
        assert_eq!(layer.unflag, edits(&["A=F1"]));
        assert_eq!(
            layer.factor_names.keys().collect::<Vec<_>>(),
            ["F2", "F3", "F3b"]
        );
        let carried = |e: &str, to: &str, duplicate: bool, unflag: bool| Dropped::FlagCarried {
            edit: e.parse().unwrap(),
            unflag,
            to: to.into(),
            duplicate,
        };
        assert_eq!(
            dropped,
            [
                Dropped::FactorName {
                    factor: "F2a".into(),
                    name: "pro".into(),
                    why: Gone::NotSplit,
                },
                carried("A=F2a", "F2", false, false),
                carried("B=F2b", "F2", true, false),
                carried("C=F2a", "F2", false, false),
                carried("C=F2b", "F2", true, false),
                carried("A=f1B", "F1", false, true),
            ]
        );
    }

    #[test]
    fn references_to_no_factor_are_left_for_the_analysis() {
        let mut layer = OptionLayer {
            flag: edits(&["A=x", "B=F0"]),
            ..Default::default()
        };
        layer.factor_names.insert("Reformers".into(), "?".into());
        let before = layer.clone();
        assert!(layer.fit_to(1).is_empty());
        assert_eq!(layer, before);
    }
}
