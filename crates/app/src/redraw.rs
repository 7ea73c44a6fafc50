//! `qstudy plot`'s job: the figures asked for, drawn from a results file read back (a
//! `results.json`, `bootstrap.json` or `retention.json`).

use qstudy_core::AnalysisResults;
use qstudy_core::bootstrap::BootstrapResults;
use qstudy_core::retention::RetentionReport;
use qstudy_io::ResultsFile;
use qstudy_plot::{Kind, Plot, PlotError, PlotOptions, resolve_factor};

/// What to draw.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// The figure.
    pub kind: Option<Kind>,
    /// Factors as given (`1`, `F2`, `1,3`, `all`); `None`: the default of the figure.
    pub factors: Option<String>,
    /// A participant attribute; `None`: the default of the figure.
    pub attribute: Option<String>,
    /// Width in pixels.
    pub width: u32,
}

/// A choice of the [`Request`] (for [`RedrawError::DoesNotApply`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// The factors.
    Factors,
    /// The attribute.
    Attribute,
    /// Both the factors and the attribute.
    FactorsAndAttribute,
}

/// The figures cannot be drawn as asked. The edge words each for its users (the command line
/// names its flags); the plot's own errors name the factor or attribute concerned.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RedrawError {
    /// A figure could not be built or drawn.
    #[error(transparent)]
    Plot(#[from] PlotError),
    /// The file draws other figures (`file`: `bootstrap.json`, `retention.json`, `results.json`).
    #[error("a {file} draws only {only}, not {kind}")]
    WrongKind {
        /// The file's kind.
        file: &'static str,
        /// The figure asked for.
        kind: Kind,
        /// The figure this file draws (`None`: every figure but `bootstrap`).
        only: Kind,
    },
    /// A choice that this figure does not take.
    #[error("{choice:?} does not apply to the {kind} figure")]
    DoesNotApply {
        /// The choice given.
        choice: Choice,
        /// The figure.
        kind: Kind,
    },
    /// A loadings map needs two factors, not this many.
    #[error("a loadings map needs two factors, got {got}")]
    LoadingsPair {
        /// Factors given.
        got: usize,
    },
    /// The results have fewer than two factors for a loadings map.
    #[error("a loadings map needs two factors; the results have {factors}")]
    TooFewFactors {
        /// Factors in the results.
        factors: usize,
    },
    /// The results have no participant attributes.
    #[error("the results have no participant attributes, so there is no group make-up to draw")]
    NoAttributes,
}

/// The figures of `file` that `request` asks for, in order.
pub fn figures(file: &ResultsFile, request: &Request) -> Result<Vec<Plot>, RedrawError> {
    match file {
        ResultsFile::Analysis(r) => analysis_figures(r, request),
        ResultsFile::Bootstrap(b) => bootstrap_figures(b, request),
        ResultsFile::Retention(r) => retention_figures(r, request),
    }
}

/// The factor list as given; `None` for `all` or nothing.
fn factor_spec(request: &Request) -> Option<&str> {
    request
        .factors
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.eq_ignore_ascii_case("all"))
}

/// The figures of a bootstrap.json: the bootstrap of the z-scores only.
fn bootstrap_figures(b: &BootstrapResults, request: &Request) -> Result<Vec<Plot>, RedrawError> {
    let kind = request.kind.unwrap_or(Kind::Bootstrap);
    if kind != Kind::Bootstrap {
        return Err(RedrawError::WrongKind {
            file: "bootstrap.json",
            kind,
            only: Kind::Bootstrap,
        });
    }
    if request.attribute.is_some() {
        return Err(RedrawError::DoesNotApply {
            choice: Choice::Attribute,
            kind,
        });
    }
    let factors = match factor_spec(request) {
        None => Vec::new(),
        Some(s) => s
            .split(',')
            .map(|f| qstudy_plot::resolve_bootstrap_factor(b, f))
            .collect::<Result<Vec<_>, _>>()?,
    };
    let options = PlotOptions {
        width: request.width,
        ..Default::default()
    };
    Ok(vec![qstudy_plot::bootstrap_plot(b, &factors, &options)?])
}

/// The figure of a retention.json: its scree plot with the parallel-analysis threshold.
fn retention_figures(r: &RetentionReport, request: &Request) -> Result<Vec<Plot>, RedrawError> {
    let kind = request.kind.unwrap_or(Kind::Scree);
    if kind != Kind::Scree {
        return Err(RedrawError::WrongKind {
            file: "retention.json",
            kind,
            only: Kind::Scree,
        });
    }
    if request.factors.is_some() || request.attribute.is_some() {
        return Err(RedrawError::DoesNotApply {
            choice: Choice::FactorsAndAttribute,
            kind,
        });
    }
    let options = PlotOptions {
        width: request.width,
        ..Default::default()
    };
    Ok(vec![qstudy_plot::retention_scree(r, &options)?])
}

/// The figures of a results.json.
fn analysis_figures(r: &AnalysisResults, request: &Request) -> Result<Vec<Plot>, RedrawError> {
    let options = PlotOptions {
        width: request.width,
        attribute: request.attribute.clone(),
        ..Default::default()
    };
    let factors = factor_spec(request)
        .map(|s| {
            s.split(',')
                .map(|f| resolve_factor(r, f))
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?;
    let kind = request.kind.unwrap_or(Kind::Composite);
    let no_factors = |factors: &Option<Vec<usize>>| match factors {
        Some(_) => Err(RedrawError::DoesNotApply {
            choice: Choice::Factors,
            kind,
        }),
        None => Ok(()),
    };
    let plots = match kind {
        Kind::Composite => {
            let chosen = factors.unwrap_or_else(|| qstudy_core::view::composite_factors(r));
            if chosen.is_empty() {
                return Err(PlotError::NoArrays.into());
            }
            chosen
                .into_iter()
                .map(|f| qstudy_plot::composite_sort(r, f, &options))
                .collect::<Result<Vec<_>, _>>()
        }
        Kind::Loadings => loadings_maps(r, factors, &options)?,
        Kind::Scree => {
            no_factors(&factors)?;
            qstudy_plot::scree_plot(r, &options).map(|p| vec![p])
        }
        Kind::Zscores => {
            qstudy_plot::zscore_plot(r, &factors.unwrap_or_default(), &options).map(|p| vec![p])
        }
        Kind::Groups => {
            no_factors(&factors)?;
            let attributes: Vec<&str> = match &request.attribute {
                Some(at) => vec![at.as_str()],
                None => qstudy_core::view::group_attributes(r),
            };
            if attributes.is_empty() {
                return Err(RedrawError::NoAttributes);
            }
            attributes
                .iter()
                .map(|&at| qstudy_plot::group_makeup(r, at, &options))
                .collect()
        }
        Kind::Bootstrap => {
            return Err(RedrawError::WrongKind {
                file: "results.json",
                kind,
                only: Kind::Composite,
            });
        }
    };
    let mut plots = plots?;
    qstudy_plot::unique_names(&mut plots);
    Ok(plots)
}

/// The loadings maps of the pair chosen, or of every pair.
fn loadings_maps(
    r: &AnalysisResults,
    factors: Option<Vec<usize>>,
    options: &PlotOptions,
) -> Result<Result<Vec<Plot>, PlotError>, RedrawError> {
    let pairs: Vec<(usize, usize)> = match factors {
        Some(f) if f.len() == 2 => vec![(f[0], f[1])],
        Some(f) => return Err(RedrawError::LoadingsPair { got: f.len() }),
        None => qstudy_core::view::loadings_pairs(r),
    };
    if pairs.is_empty() {
        return Err(RedrawError::TooFewFactors {
            factors: r.factors.len(),
        });
    }
    Ok(pairs
        .into_iter()
        .map(|(x, y)| qstudy_plot::loadings_map(r, x, y, options))
        .collect())
}
