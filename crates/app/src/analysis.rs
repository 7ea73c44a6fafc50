//! One analysis, as `qstudy analyze` and the workbench run it: the options resolved from the
//! user's choices over the study's, the number of factors recommended when none was given,
//! the analysis, the participants' attributes attached; then its whole output set.

use std::path::Path;

use qstudy_core::analysis::{Analysis, AnalysisOptions, AnalysisResults};
use qstudy_core::error::AnalysisError;
use qstudy_core::options::OptionLayer;
use qstudy_core::retention::{RetentionOptions, RetentionReport, retention};
use qstudy_core::select::{LeftOut, Selection};
use qstudy_core::{Grid, Study, Warning};
use qstudy_io::output_dir::Sink;
use qstudy_io::{InputFormat, LoadError, LoadedSorts, ReadOptions};
use qstudy_report::{ReportContext, ReportInfo};

use crate::outputs::{AnalysisWritten, Figures, OutputsError, write_analysis};

/// An input, read, its sorts selected and validated: the sorts as read, those selected, and
/// the study.
#[derive(Debug, Clone)]
pub struct Input {
    /// The sorts as read, every one of them (with the study directory's manifest and
    /// participants, if any).
    pub loaded: LoadedSorts,
    /// The sorts the selection kept, when it left some out (`None`: all of `loaded`); see
    /// [`Input::sorts`].
    pub selected: Option<LoadedSorts>,
    /// The selection applied (the choices' `exclude`, `where` and `drop_incomplete`).
    pub selection: Selection,
    /// The sorts of `loaded` left out by the selection, with why, in input order.
    pub left_out: Vec<LeftOut>,
    /// The validated study of the sorts kept.
    pub study: Study,
    /// The input as the user named it (the path typed, an uploaded file's name): the source
    /// that `report.html` quotes.
    pub shown: String,
    /// How the sorts were checked: the grid given, and whether free distributions are
    /// accepted (kept to select again).
    pub checked: Checked,
}

/// How an input is read and checked, beyond the analysis options.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InputChoices {
    /// The format, when the path and content do not tell.
    pub format: Option<InputFormat>,
    /// The id column and a statements file.
    pub read: ReadOptions,
    /// How the sorts are checked.
    pub checked: Checked,
}

/// How the sorts are checked against the grid.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Checked {
    /// The grid given (else the input's, else the one its sorts share).
    pub grid: Option<Grid>,
    /// Accept sorts that do not follow the grid's column counts.
    pub free_distribution: bool,
}

/// The options of a job and, when the number of factors was not given, the retention report
/// that chose it.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The options, complete.
    pub options: AnalysisOptions,
    /// The report whose recommendation is `options.factors`, when the number was not given.
    pub retention: Option<RetentionReport>,
}

/// A finished analysis.
#[derive(Debug, Clone)]
pub struct Analyzed {
    /// The results (`results.json`).
    pub results: AnalysisResults,
    /// The options it ran with.
    pub options: AnalysisOptions,
    /// The report whose recommendation chose the number of factors, when it was not given.
    pub retention: Option<RetentionReport>,
    /// Per factor, +1 or -1: how its loadings compare with the space the rotation steps turn
    /// (`qstudy_core::rotate::Rotated::step_signs`; -1 only for an inverted factor, since no
    /// reflection follows the steps), for the workbench, which turns a plot of the loadings.
    /// Not in `results.json`.
    pub step_signs: Vec<f64>,
}

/// Which layers of options a job's choices go over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layers {
    /// The command line: its options over the study's `[analysis]` and `[factor_names]`, over
    /// the defaults.
    OverStudy,
    /// The workbench: the page's choices started from the study's and hold them all (a name or
    /// flag the user removed must stay removed), over the defaults only.
    OverDefaults,
}

impl Input {
    /// Reads `path` ([`qstudy_io::read_sorts_with`]), selects its sorts as `given` over the
    /// study's `[analysis]` say (`exclude`, `where`, `drop_incomplete`; with
    /// [`Layers::OverDefaults`], `given`'s alone), and validates them; `shown` is how the
    /// input is named (the path typed, an uploaded file's name).
    pub fn open(
        path: &Path,
        choices: &InputChoices,
        given: &OptionLayer,
        layers: Layers,
        shown: String,
    ) -> Result<Input, LoadError> {
        let loaded = qstudy_io::read_sorts_with(path, choices.format, &choices.read)?;
        Input::of(loaded, choices.checked.clone(), given, layers, shown)
    }

    /// [`Input::open`] of sorts already read.
    pub fn of(
        loaded: LoadedSorts,
        checked: Checked,
        given: &OptionLayer,
        layers: Layers,
        shown: String,
    ) -> Result<Input, LoadError> {
        let selection = selection_of(&loaded, given, layers);
        Input::selected(loaded, checked, selection, shown)
    }

    /// The input with `selection` applied to `loaded`.
    fn selected(
        loaded: LoadedSorts,
        checked: Checked,
        selection: Selection,
        shown: String,
    ) -> Result<Input, LoadError> {
        let (selected, left_out) = qstudy_io::select_sorts(&loaded, &selection)?;
        let study = qstudy_io::validate_loaded(
            selected.as_ref().unwrap_or(&loaded),
            checked.grid.clone(),
            checked.free_distribution,
        )?;
        Ok(Input {
            loaded,
            selected,
            selection,
            left_out,
            study,
            shown,
            checked,
        })
    }

    /// This input with another selection of its sorts (the workbench, when the page's
    /// choices select other sorts): read once, selected and validated again.
    pub fn reselect(&self, selection: &Selection) -> Result<Input, LoadError> {
        Input::selected(
            self.loaded.clone(),
            self.checked.clone(),
            selection.clone(),
            self.shown.clone(),
        )
    }

    /// The sorts analysed: those the selection kept (all of them, as read, when it left none
    /// out).
    pub fn sorts(&self) -> &LoadedSorts {
        self.selected.as_ref().unwrap_or(&self.loaded)
    }

    /// The analysis options: `given` (the command line's or the page's choices) over `layers`,
    /// ending with the defaults of [`AnalysisOptions::default`]. The number of factors is 0
    /// when none of them gives it.
    pub fn options(&self, given: &OptionLayer, layers: Layers) -> AnalysisOptions {
        self.layer(given, layers).resolve()
    }

    /// `given` over the study's `[analysis]` and `[factor_names]` (with
    /// [`Layers::OverStudy`]): the choices before the defaults fill the rest.
    fn layer(&self, given: &OptionLayer, layers: Layers) -> OptionLayer {
        layer_over(&self.loaded, given, layers)
    }

    /// [`Input::options`], with the number of factors, when neither `given` nor the study
    /// gives it, the recommendation of `qstudy factors` (parallel analysis with its defaults:
    /// 1000 random studies, seed 1, 95th percentile; `progress` is told of each study done).
    pub fn resolve(
        &self,
        given: &OptionLayer,
        layers: Layers,
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<Resolved, AnalysisError> {
        let layer = self.layer(given, layers);
        let mut options = layer.resolve();
        let mut recommended = None;
        if layer.factors.is_none() {
            let report = self.retention(&options, progress)?;
            options.factors = report.recommended;
            recommended = Some(report);
        }
        // A study's names are for its own factors: those of a factor not kept (fewer factors
        // asked for, a subset of the sorts) are left aside; the names given are checked.
        if let Ok(columns) =
            qstudy_core::flag::factor_columns(options.factors, &options.flagging.split)
        {
            options.factor_names.retain(|name, _| {
                given.factor_names.contains_key(name)
                    || qstudy_core::flag::names_a_factor(&columns, name)
            });
        }
        Ok(Resolved {
            options,
            retention: recommended,
        })
    }

    /// The `qstudy factors` report of the study with `options` (parallel analysis with its
    /// defaults: 1000 random studies, seed 1, 95th percentile).
    pub fn retention(
        &self,
        options: &AnalysisOptions,
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<RetentionReport, AnalysisError> {
        retention(&self.study, options, &RetentionOptions::default(), progress)
    }

    /// Runs the analysis with `resolved` options and attaches the participants' attributes.
    /// The options' selection of sorts must be the input's ([`Input::reselect`] otherwise):
    /// `results.json` records the one applied.
    pub fn analyze(&self, resolved: Resolved) -> Result<Analyzed, AnalysisError> {
        let analysis = Analysis::new(&self.study, resolved.options.clone())?;
        Ok(self.finish(&analysis, resolved))
    }

    /// [`Input::analyze`] keeping the analysis in `kept` between runs, as the workbench does
    /// with each choice of the page: a run with other options re-runs only from the first stage
    /// they affect (a rotation step re-runs rotation onward; the correlation and extraction are
    /// kept). `kept` must belong to this input (empty for its first run); a run that fails
    /// leaves it as it was.
    pub fn analyze_kept(
        &self,
        kept: &mut Option<Analysis<'static>>,
        resolved: Resolved,
    ) -> Result<Analyzed, AnalysisError> {
        let options = resolved.options.clone();
        let analysis = match kept {
            Some(analysis) => {
                analysis.set_options(options)?;
                analysis
            }
            None => kept.insert(Analysis::owned(self.study.clone(), options)?),
        };
        Ok(self.finish(analysis, resolved))
    }

    /// The results of `analysis`, with the warning of a recommended number of factors and the
    /// participants' attributes.
    fn finish(&self, analysis: &Analysis, resolved: Resolved) -> Analyzed {
        let Resolved { options, retention } = resolved;
        let mut results = analysis.results();
        // the selection applied to this input, and what it left out
        results.options.exclude = self.selection.exclude.clone();
        results.options.where_ = self
            .selection
            .conditions
            .iter()
            .map(|c| qstudy_core::analysis::ConditionSummary {
                attribute: c.attribute.clone(),
                values: c.values.clone(),
            })
            .collect();
        results.options.drop_incomplete = self.selection.drop_incomplete;
        results.options.left_out = self.left_out.clone();
        let incomplete: Vec<(String, Vec<usize>)> = self
            .left_out
            .iter()
            .filter_map(|l| match &l.reason {
                qstudy_core::select::LeftOutReason::Incomplete { statements } => {
                    Some((l.sort.clone(), statements.clone()))
                }
                _ => None,
            })
            .collect();
        if !incomplete.is_empty() {
            results
                .warnings
                .insert(0, Warning::IncompleteLeftOut { sorts: incomplete });
        }
        if let Some(report) = &retention {
            results.warnings.push(Warning::FactorsRecommended {
                kept: options.factors,
            });
            results.set_retention(Some(qstudy_core::methods::RetentionEvidence::of(report)));
        }
        if let Some(participants) = self.sorts().participants() {
            results.attach_participants(participants.to_vec());
        }
        Analyzed {
            results,
            options,
            retention,
            step_signs: analysis.rotated().step_signs.clone(),
        }
    }

    /// The one-line notes saying how many sorts the selection left out and why (none when it
    /// kept them all): `12 of 32 sorts left out: 10 not role = officer (C01, C02, ...), 2
    /// excluded (O05, O06)`.
    pub fn left_out_notes(&self) -> Vec<String> {
        left_out_notes(
            &self.left_out,
            self.loaded.table.sort_ids.len(),
            &self.selection.conditions,
        )
    }

    /// What the reports say of the study: its title and the sorts' values.
    pub fn report_context(&self) -> ReportContext {
        ReportContext::from_study(self.sorts().study_title(), &self.study)
    }
}

/// The selection of sorts `given` over the study's `[analysis]` of `loaded` says (with
/// [`Layers::OverStudy`]; `given`'s alone with [`Layers::OverDefaults`]).
pub fn selection_of(loaded: &LoadedSorts, given: &OptionLayer, layers: Layers) -> Selection {
    layer_over(loaded, given, layers).resolve().selection
}

/// `given` over the study's `[analysis]` and `[factor_names]` of `loaded` (with
/// [`Layers::OverStudy`]).
fn layer_over(loaded: &LoadedSorts, given: &OptionLayer, layers: Layers) -> OptionLayer {
    let study = match (&loaded.study, layers) {
        (Some(info), Layers::OverStudy) => OptionLayer {
            factor_names: info.factor_names.clone(),
            ..info.defaults.clone()
        },
        _ => OptionLayer::default(),
    };
    given.clone().over(study)
}

/// The notes of [`Input::left_out_notes`] for `left_out` among `total` sorts, by the
/// `conditions` of the selection.
pub fn left_out_notes(
    left_out: &[LeftOut],
    total: usize,
    conditions: &[qstudy_core::select::Condition],
) -> Vec<String> {
    use qstudy_core::select::LeftOutReason;
    if left_out.is_empty() {
        return Vec::new();
    }
    let ids = |sorts: &[&LeftOut]| -> String {
        let shown: Vec<&str> = sorts.iter().take(8).map(|l| l.sort.as_str()).collect();
        let more = sorts.len().saturating_sub(8);
        if more > 0 {
            format!("{}, ... and {more} more", shown.join(", "))
        } else {
            shown.join(", ")
        }
    };
    let mut parts = Vec::new();
    let excluded: Vec<&LeftOut> = left_out
        .iter()
        .filter(|l| l.reason == LeftOutReason::Excluded)
        .collect();
    if !excluded.is_empty() {
        parts.push(format!("{} excluded ({})", excluded.len(), ids(&excluded)));
    }
    let mut attributes: Vec<&str> = Vec::new();
    for l in left_out {
        if let LeftOutReason::Where { attribute, .. } = &l.reason
            && !attributes.contains(&attribute.as_str())
        {
            attributes.push(attribute);
        }
    }
    for a in attributes {
        let sorts: Vec<&LeftOut> = left_out
            .iter()
            .filter(
                |l| matches!(&l.reason, LeftOutReason::Where { attribute, .. } if attribute == a),
            )
            .collect();
        let values: Vec<&str> = conditions
            .iter()
            .filter(|c| c.attribute.trim() == a)
            .flat_map(|c| c.values.iter().map(String::as_str))
            .collect();
        parts.push(format!(
            "{} whose {a} is not {} ({})",
            sorts.len(),
            values.join(" or "),
            ids(&sorts)
        ));
    }
    let incomplete: Vec<&LeftOut> = left_out
        .iter()
        .filter(|l| matches!(l.reason, LeftOutReason::Incomplete { .. }))
        .collect();
    if !incomplete.is_empty() {
        parts.push(format!(
            "{} incomplete ({})",
            incomplete.len(),
            ids(&incomplete)
        ));
    }
    vec![format!(
        "{} of {total} sorts left out: {}",
        left_out.len(),
        parts.join(", ")
    )]
}

impl Analyzed {
    /// How the figures of this analysis are drawn: the composites' settings of its options,
    /// the scree with the parallel-analysis threshold when a retention report chose k.
    fn plot_options(&self) -> qstudy_plot::PlotOptions {
        qstudy_plot::PlotOptions {
            scree_threshold: self
                .retention
                .as_ref()
                .map(|r| qstudy_plot::ScreeThreshold::from_parallel(&r.parallel)),
            composite: self.options.figures.clone(),
            ..Default::default()
        }
    }

    /// The composite sorts of this analysis, as `analyze` writes them under `plots/` (same
    /// options, same names: `composite-F1`), to be drawn on request as SVG or PNG.
    pub fn composites(&self) -> Result<Vec<qstudy_plot::Plot>, qstudy_plot::PlotError> {
        self.figures_of(qstudy_plot::Kind::Composite)
    }

    /// The figures of this analysis of one kind, as `analyze` writes them under `plots/` (same
    /// options, same names).
    pub fn figures_of(
        &self,
        kind: qstudy_plot::Kind,
    ) -> Result<Vec<qstudy_plot::Plot>, qstudy_plot::PlotError> {
        let gallery = qstudy_plot::standard_plots(&self.results, &self.plot_options())?;
        Ok(gallery
            .plots
            .into_iter()
            .filter(|p| p.kind() == kind)
            .collect())
    }

    /// Writes the whole output set ([`write_analysis`]) into `sink`, with the figures and
    /// `report.html` when `figures` (the scree plot then shows the parallel-analysis
    /// threshold when a retention report chose the number of factors). `shown` is the output
    /// directory named in errors.
    pub fn write(
        &self,
        input: &Input,
        sink: &(impl Sink + ?Sized),
        shown: &Path,
        figures: bool,
    ) -> Result<AnalysisWritten, OutputsError> {
        let figures = figures.then(|| Figures {
            info: ReportInfo {
                title: input.loaded.study_title(),
                source: Some(input.shown.clone()),
            },
            options: self.plot_options(),
        });
        write_analysis(
            sink,
            shown,
            &self.results,
            &input.report_context(),
            figures.as_ref(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use qstudy_core::RotationStep;

    fn lipset() -> Input {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/lipset/LIPSET.DAT"
        );
        Input::open(
            path.as_ref(),
            &InputChoices::default(),
            &OptionLayer::default(),
            Layers::OverStudy,
            "LIPSET.DAT".into(),
        )
        .unwrap()
    }

    #[test]
    fn a_kept_analysis_gives_the_results_of_a_fresh_one_after_every_choice() {
        let input = lipset();
        let mut kept = None;
        let mut given = OptionLayer {
            factors: Some(3),
            ..Default::default()
        };
        let choices: [&dyn Fn(&mut OptionLayer); 4] = [
            &|_| {},
            &|g| {
                g.rotate.push(RotationStep {
                    a: 1,
                    b: 2,
                    degrees: 10.0,
                })
            },
            &|g| g.flag_p = Some(0.01),
            &|g| g.factors = Some(2),
        ];
        for choose in choices {
            choose(&mut given);
            let resolved = input.resolve(&given, Layers::OverStudy, &|_| {}).unwrap();
            let fresh = input.analyze(resolved.clone()).unwrap();
            let again = input.analyze_kept(&mut kept, resolved).unwrap();
            assert_eq!(again.results, fresh.results);
        }
        // an impossible choice is refused and leaves the kept analysis as it was
        let before = kept.as_ref().unwrap().results();
        given.factors = Some(40);
        let resolved = input.resolve(&given, Layers::OverStudy, &|_| {}).unwrap();
        assert!(input.analyze_kept(&mut kept, resolved).is_err());
        assert_eq!(kept.as_ref().unwrap().results(), before);
    }
}
