//! Figures of a qstudy analysis, drawn from its [`AnalysisResults`] (`results.json`), and a
//! self-contained HTML report.
//!
//! Every figure is a [`Plot`]: built from the results by one of the functions below, then
//! rendered as SVG ([`Plot::to_svg`]) or PNG ([`Plot::to_png`]). Text is drawn with the bundled
//! DejaVu Sans (no system fonts or fontconfig needed), colours come from the Okabe-Ito palette,
//! and the same results and options give byte-identical files.
//!
//! | figure | function | file stem |
//! |---|---|---|
//! | composite sort of a factor (its array on the grid) | [`composite_sort`] | `composite-F1` |
//! | loadings map of a pair of factors | [`loadings_map`] | `loadings-F1-F2` |
//! | scree plot (with a parallel-analysis threshold: [`scree_plot_with_threshold`]) | [`scree_plot`] | `scree` |
//! | z-scores of every statement by factor | [`zscore_plot`] | `zscores` |
//! | defining sorts per factor by participant attribute | [`group_makeup`] | `groups-role` |
//! | bootstrap of the z-scores (from `bootstrap.json`) | [`bootstrap_plot`] | `bootstrap-zscores` |
//! | scree of a retention report (from `retention.json`) | [`retention_scree`] | `scree` |
//!
//! A name from the data in a file stem (an attribute, a factor name) is kept when it is a short
//! run of ASCII letters, digits, `-` and `_`, and otherwise made safe, cut and followed by a
//! hash of the original (`groups-How_long_have_you_worked_in-1a2b3c4d5e`,
//! [`qstudy_core::view::file_part`]); the names of one set are told apart ([`unique_names`]).
//!
//! [`standard_plots`] builds the set `qstudy analyze` writes (the report page that shows them,
//! `report.html`, is built by `qstudy-report`).
//!
//! ```
//! use qstudy_core::{SortTable, validate::{validate, ValidationOptions}};
//! use qstudy_core::analysis::{analyze, AnalysisOptions};
//! let table = SortTable {
//!     missing: Vec::new(),
//!     sort_ids: vec!["A".into(), "B".into(), "C".into(), "D".into()],
//!     statement_labels: None,
//!     values: vec![
//!         vec![-2, -1, -1, 0, 0, 0, 1, 1, 2],
//!         vec![-1, -2, 0, -1, 0, 1, 0, 2, 1],
//!         vec![2, 1, 1, 0, 0, 0, -1, -1, -2],
//!         vec![0, 0, -1, 2, 1, -2, 1, -1, 0],
//!     ],
//! };
//! let study = validate(&table, &ValidationOptions::default()).unwrap();
//! let results = analyze(&study, &AnalysisOptions { factors: 2, ..Default::default() }).unwrap();
//! let plot = qstudy_plot::composite_sort(&results, 0, &Default::default()).unwrap();
//! assert_eq!(plot.name(), "composite-F1");
//! assert!(plot.to_svg().unwrap().contains("<svg"));
//! assert!(plot.to_png().unwrap().starts_with(b"\x89PNG"));
//! ```

use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;
use qstudy_core::AnalysisResults;
use qstudy_core::bootstrap::BootstrapResults;
use qstudy_core::retention::RetentionReport;

mod bootstrap;
mod chart;
mod composite;
pub mod fonts;
mod groups;
mod loadings;
mod scree;
pub mod style;
#[cfg(test)]
mod tests;
pub mod view;
mod zscores;

pub use chart::tick_label;
pub use scree::ScreeThreshold;
pub use view::{default_attribute, resolve_factor};

/// Default width of a figure in pixels (PNG width; the SVG's nominal width).
pub const DEFAULT_WIDTH: u32 = 1600;
/// Narrowest and widest figures drawn.
pub const WIDTH_RANGE: std::ops::RangeInclusive<u32> = 400..=8000;

/// Errors of building, rendering or writing figures.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    /// The factor has no array (no defining sort), so it has no composite sort.
    #[error("factor {factor} has no defining sort, so it has no factor array to draw")]
    NoArray {
        /// Factor name.
        factor: String,
    },
    /// No factor has an array.
    #[error("no factor has a factor array (no factor has a defining sort)")]
    NoArrays,
    /// A bootstrap without estimates to draw: for `factor`, or for every factor.
    #[error("{}", match factor {
        Some(f) => format!("factor {f} has no bootstrap estimates (z-scores in fewer than two replicates)"),
        None => "no factor has bootstrap estimates (every factor had z-scores in fewer than two replicates)".to_string(),
    })]
    NoBootstrap {
        /// Factor name, or `None` for every factor.
        factor: Option<String>,
    },
    /// A factor that the results do not have.
    #[error("no factor '{factor}' in the results (factors: {valid})")]
    UnknownFactor {
        /// As given.
        factor: String,
        /// The factors there are.
        valid: String,
    },
    /// The two factors of a loadings map are the same.
    #[error("a loadings map needs two different factors, got {factor} twice")]
    SameFactor {
        /// Factor name.
        factor: String,
    },
    /// A participant attribute that the results do not have.
    #[error("no participant attribute '{attribute}' in the results (attributes: {valid})")]
    UnknownAttribute {
        /// As given.
        attribute: String,
        /// The attributes there are.
        valid: String,
    },
    /// The results carry no group comparison for the attribute.
    #[error("the results have no group comparison for attribute '{attribute}' (compared: {valid})")]
    NoGroups {
        /// As asked.
        attribute: String,
        /// The attributes compared.
        valid: String,
    },
    /// Cards so wide that the composite sort is wider than [`WIDTH_RANGE`] allows.
    #[error(
        "cards {card} px wide make the composite sort of {columns} columns {width} px wide: at most 8000 pixels (narrower cards, or a smaller width)"
    )]
    CardWidth {
        /// The card width asked for (at the reference width).
        card: u32,
        /// Columns of the grid.
        columns: usize,
        /// The figure's width that would give.
        width: u32,
    },
    /// Width outside [`WIDTH_RANGE`].
    #[error("width {width} is outside 400..=8000 pixels")]
    Width {
        /// As given.
        width: u32,
    },
    /// plotters failed to draw (should not happen with the bundled font).
    #[error("drawing failed: {0}")]
    Draw(String),
    /// The PNG could not be encoded.
    #[error("PNG encoding failed: {0}")]
    Encode(String),
}

/// Turns plotters' drawing errors into [`PlotError::Draw`].
pub(crate) trait Drawn<T> {
    fn drawn(self) -> Result<T, PlotError>;
}

impl<T, E: std::error::Error + Send + Sync> Drawn<T> for Result<T, DrawingAreaErrorKind<E>> {
    fn drawn(self) -> Result<T, PlotError> {
        self.map_err(|e| PlotError::Draw(e.to_string()))
    }
}

/// The kinds of figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// Composite sort of a factor.
    Composite,
    /// Loadings map of two factors.
    Loadings,
    /// Scree plot.
    Scree,
    /// z-scores of every statement by factor.
    Zscores,
    /// Defining sorts per factor by participant attribute.
    Groups,
    /// The bootstrap of the z-scores (from `bootstrap.json`).
    Bootstrap,
}

impl Kind {
    /// Every kind: those of the report in report order, then the bootstrap's.
    pub const ALL: [Kind; 6] = [
        Kind::Composite,
        Kind::Loadings,
        Kind::Scree,
        Kind::Zscores,
        Kind::Groups,
        Kind::Bootstrap,
    ];
    /// `composite`, `loadings`, `scree`, `zscores`, `groups`, `bootstrap`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Composite => "composite",
            Kind::Loadings => "loadings",
            Kind::Scree => "scree",
            Kind::Zscores => "zscores",
            Kind::Groups => "groups",
            Kind::Bootstrap => "bootstrap",
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Kind {
    type Err = String;
    fn from_str(s: &str) -> Result<Kind, String> {
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                format!(
                    "unknown figure '{s}': expected one of {}",
                    Kind::ALL.map(Kind::as_str).join(", ")
                )
            })
    }
}

/// Image formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    /// Scalable vector graphics, text kept as `<text>`.
    Svg,
    /// 8-bit RGB PNG.
    Png,
}

impl ImageFormat {
    /// The file extension, `svg` or `png`.
    pub fn extension(self) -> &'static str {
        match self {
            ImageFormat::Svg => "svg",
            ImageFormat::Png => "png",
        }
    }
}

impl std::str::FromStr for ImageFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<ImageFormat, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "svg" => Ok(ImageFormat::Svg),
            "png" => Ok(ImageFormat::Png),
            _ => Err(format!("unknown image format '{s}': expected svg or png")),
        }
    }
}

/// How figures are drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct PlotOptions {
    /// Width in pixels ([`DEFAULT_WIDTH`]); text and lines scale with it.
    pub width: u32,
    /// Participant attribute that colours the loadings map (`None`: [`default_attribute`],
    /// or the defining factor when the results have no attributes).
    pub attribute: Option<String>,
    /// A parallel-analysis threshold for the scree plot ([`scree_plot`]), when one was
    /// computed (`qstudy analyze` without a number of factors).
    pub scree_threshold: Option<ScreeThreshold>,
    /// How the composite sorts are drawn (text size, card width, numbers only, legend).
    pub composite: qstudy_core::options::FigureSettings,
}

impl Default for PlotOptions {
    fn default() -> Self {
        PlotOptions {
            width: DEFAULT_WIDTH,
            attribute: None,
            scree_threshold: None,
            composite: Default::default(),
        }
    }
}

impl PlotOptions {
    fn checked_width(&self) -> Result<u32, PlotError> {
        if WIDTH_RANGE.contains(&self.width) {
            Ok(self.width)
        } else {
            Err(PlotError::Width { width: self.width })
        }
    }
}

/// What a figure draws.
#[derive(Debug, Clone)]
enum Scene {
    Composite(composite::Composite),
    Loadings(loadings::LoadingsMap),
    Scree(scree::Scree),
    Zscores(zscores::ZscorePlot),
    Groups(groups::GroupMakeup),
    Bootstrap(bootstrap::BootstrapPlot),
}

/// A figure ready to be rendered.
#[derive(Debug, Clone)]
pub struct Plot {
    kind: Kind,
    name: String,
    title: String,
    size: (u32, u32),
    scene: Scene,
    /// The SVG once drawn: `qstudy analyze` writes it to `plots/` and inlines it in the report,
    /// and drawing it is deterministic, so it is drawn once.
    svg: OnceLock<String>,
}

impl Plot {
    /// The kind of figure.
    pub fn kind(&self) -> Kind {
        self.kind
    }
    /// The file stem, e.g. `composite-F1`, `loadings-F1-F2`, `groups-role`: at most
    /// [`qstudy_core::view::FILE_STEM_MAX`] bytes of ASCII letters, digits, `-` and `_`, the
    /// names from the data shortened with a hash where needed
    /// ([`qstudy_core::view::file_part`]).
    pub fn name(&self) -> &str {
        &self.name
    }
    /// A one-line title, e.g. `F1 settled accommodation — 10 defining sorts`.
    pub fn title(&self) -> &str {
        &self.title
    }
    /// Width and height in pixels.
    pub fn size(&self) -> (u32, u32) {
        self.size
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        pen: style::Pen,
    ) -> Result<(), PlotError> {
        style::ensure_font();
        root.fill(&WHITE).drawn()?;
        match &self.scene {
            Scene::Composite(s) => s.draw(root, pen),
            Scene::Loadings(s) => s.draw(root, pen),
            Scene::Scree(s) => s.draw(root, pen),
            Scene::Zscores(s) => s.draw(root, pen),
            Scene::Groups(s) => s.draw(root, pen),
            Scene::Bootstrap(s) => s.draw(root, pen),
        }
    }

    /// The figure as an SVG document. Text stays text (`<text>` elements in the font family
    /// [`style::FONT_FAMILY`]).
    pub fn to_svg(&self) -> Result<String, PlotError> {
        self.svg_str().map(str::to_string)
    }

    /// The SVG, drawn on first use and kept (borrowed: a page that inlines the figure copies
    /// it once).
    pub fn svg_str(&self) -> Result<&str, PlotError> {
        if let Some(svg) = self.svg.get() {
            return Ok(svg);
        }
        let mut svg = String::with_capacity(64 << 10);
        {
            let root = SVGBackend::with_string(&mut svg, self.size).into_drawing_area();
            self.draw(&root, style::Pen { png: false })?;
            root.present().drawn()?;
        }
        // Another thread may have drawn it meanwhile: the same bytes either way.
        Ok(self.svg.get_or_init(|| svg))
    }

    /// The figure as a PNG file (8-bit RGB, 200 pixels per inch recorded for print).
    pub fn to_png(&self) -> Result<Vec<u8>, PlotError> {
        // The pixel buffer (several MB) is reused by the figures drawn on the same thread:
        // a fresh one costs more in page faults than drawing the figure's lines.
        thread_local! {
            static PIXELS: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        PIXELS.with(|cell| {
            let mut pixels = cell.take();
            let result = self.png_with(&mut pixels);
            cell.replace(pixels);
            result
        })
    }

    /// Draws the PNG into `pixels` (resized and whitened first) and encodes it.
    fn png_with(&self, pixels: &mut Vec<u8>) -> Result<Vec<u8>, PlotError> {
        let (w, h) = self.size;
        pixels.clear();
        pixels.resize(w as usize * h as usize * 3, 255);
        {
            let root = BitMapBackend::with_buffer(pixels, self.size).into_drawing_area();
            self.draw(&root, style::Pen { png: true })?;
            root.present().drawn()?;
        }
        let mut out = Vec::with_capacity(pixels.len() / 8);
        {
            let mut encoder = png::Encoder::new(&mut out, w, h);
            encoder.set_color(png::ColorType::Rgb);
            encoder.set_depth(png::BitDepth::Eight);
            encoder.set_compression(png::Compression::Fast);
            // 200 pixels per inch = 7874 per metre: the default 1600 px prints 8 inches wide
            encoder.set_pixel_dims(Some(png::PixelDimensions {
                xppu: 7874,
                yppu: 7874,
                unit: png::Unit::Meter,
            }));
            let mut writer = encoder
                .write_header()
                .map_err(|e| PlotError::Encode(e.to_string()))?;
            writer
                .write_image_data(pixels)
                .map_err(|e| PlotError::Encode(e.to_string()))?;
            writer
                .finish()
                .map_err(|e| PlotError::Encode(e.to_string()))?;
        }
        Ok(out)
    }

    /// The figure in `format`, as bytes.
    pub fn render(&self, format: ImageFormat) -> Result<Vec<u8>, PlotError> {
        match format {
            ImageFormat::Svg => self.to_svg().map(String::into_bytes),
            ImageFormat::Png => self.to_png(),
        }
    }
}

/// The composite sort of factor `factor` (0-based index into `results.factors`): its array on
/// the grid, one card per statement (number and wrapped text) in the column of its array
/// value, ordered by z-score within the column; distinguishing statements marked ▲ (ranked
/// higher than in every other factor), ▼ (lower) or ◆ (mixed), with ** (p < .01) or * (p < .05);
/// consensus statements marked ≈.
pub fn composite_sort(
    results: &AnalysisResults,
    factor: usize,
    options: &PlotOptions,
) -> Result<Plot, PlotError> {
    composite::Composite::build(
        results,
        factor,
        options.checked_width()?,
        &options.composite,
    )
}

/// The loadings map of factors `a` and `b` (0-based indices into `results.factors`): each sort
/// a labelled point, shape by defining status, colour by `options.attribute` (or by defining
/// factor), the flagging significance limit ±z/√m drawn.
pub fn loadings_map(
    results: &AnalysisResults,
    a: usize,
    b: usize,
    options: &PlotOptions,
) -> Result<Plot, PlotError> {
    loadings::LoadingsMap::build(results, a, b, options)
}

/// The scree plot: eigenvalues of the unrotated factors (PCA: of the correlation matrix) with
/// the eigenvalue-1 line, the factors kept highlighted, and `options.scree_threshold` when
/// given.
pub fn scree_plot(results: &AnalysisResults, options: &PlotOptions) -> Result<Plot, PlotError> {
    scree::Scree::build(
        results,
        options.scree_threshold.as_ref(),
        options.checked_width()?,
    )
}

/// The scree plot of a retention report (`qstudy factors`, `retention.json`): the eigenvalues
/// (PCA: of the correlation matrix; centroid: of the extracted factors, with the correlation
/// matrix's beside them), the recommended number filled, and the parallel-analysis threshold.
pub fn retention_scree(report: &RetentionReport, options: &PlotOptions) -> Result<Plot, PlotError> {
    scree::Scree::build_retention(report, options.checked_width()?)
}

/// The scree plot with a parallel-analysis threshold drawn as a dotted line (and counted in
/// the subtitle).
pub fn scree_plot_with_threshold(
    results: &AnalysisResults,
    threshold: &ScreeThreshold,
    options: &PlotOptions,
) -> Result<Plot, PlotError> {
    scree::Scree::build(results, Some(threshold), options.checked_width()?)
}

/// The z-scores of every statement, one marker per factor (filled where the statement
/// distinguishes that factor), statements from most disagreement (top) to consensus.
/// `factors`: 0-based indices; empty = every factor with an array.
pub fn zscore_plot(
    results: &AnalysisResults,
    factors: &[usize],
    options: &PlotOptions,
) -> Result<Plot, PlotError> {
    zscores::ZscorePlot::build(results, factors, options.checked_width()?)
}

/// Defining sorts per factor by the levels of participant `attribute`, from
/// `results.groups` (with Fisher's exact p where the attribute has two levels).
pub fn group_makeup(
    results: &AnalysisResults,
    attribute: &str,
    options: &PlotOptions,
) -> Result<Plot, PlotError> {
    groups::GroupMakeup::build(results, attribute, options.checked_width()?)
}

/// The bootstrap of the z-scores (`bootstrap.json`): per factor a panel, each statement a row
/// (in the order of [`zscore_plot`]: most disagreement first) with its full-sample z-score, its
/// bootstrap mean and percentile interval; distinguishing statements on the bootstrap estimates
/// filled (with * / **), consensus statements marked ≈. `factors`: 0-based indices; empty =
/// every factor with bootstrap estimates.
pub fn bootstrap_plot(
    bootstrap: &BootstrapResults,
    factors: &[usize],
    options: &PlotOptions,
) -> Result<Plot, PlotError> {
    bootstrap::BootstrapPlot::build(bootstrap, factors, options.checked_width()?)
}

/// Resolves a factor given as `2`, `F2`, `f2` to its index in a bootstrap's factors.
pub fn resolve_bootstrap_factor(b: &BootstrapResults, s: &str) -> Result<usize, PlotError> {
    let names: Vec<&str> = b.factors.iter().map(|f| f.name.as_str()).collect();
    view::resolve_name(&names, s)
}

/// The figures `qstudy analyze` draws, and notes on those it leaves out.
#[derive(Debug, Clone)]
pub struct Gallery {
    /// In report order: composite sorts, loadings maps, scree, z-scores, group make-up.
    pub plots: Vec<Plot>,
    /// One sentence per figure left out, e.g. a factor without an array.
    pub notes: Vec<String>,
}

/// Every figure of the results: the composite sort of each factor with an array, the loadings
/// map of each pair of factors (pairs of the two halves of one split factor left out), the
/// scree plot, the z-scores of the factors with arrays, and the group make-up for each
/// compared attribute.
pub fn standard_plots(
    results: &AnalysisResults,
    options: &PlotOptions,
) -> Result<Gallery, PlotError> {
    let mut plots = Vec::new();
    let mut notes = Vec::new();
    let composites = qstudy_core::view::composite_factors(results);
    for (f, factor) in results.factors.iter().enumerate() {
        if composites.contains(&f) {
            plots.push(composite_sort(results, f, options)?);
        } else {
            notes.push(format!(
                "{} has no defining sort: it has no factor array, so no composite sort is drawn.",
                factor.name
            ));
        }
    }
    for (a, b) in qstudy_core::view::loadings_pairs(results) {
        plots.push(loadings_map(results, a, b, options)?);
    }
    plots.push(scree_plot(results, options)?);
    if results.factors.iter().any(|f| f.zscores.is_some()) {
        plots.push(zscore_plot(results, &[], options)?);
    }
    let attributes = qstudy_core::view::group_attributes(results);
    if attributes.is_empty() {
        notes.push(
            "The participants have no attributes (such as role), so no group make-up is drawn."
                .to_string(),
        );
    }
    for attribute in attributes {
        plots.push(group_makeup(results, attribute, options)?);
    }
    unique_names(&mut plots);
    Ok(Gallery { plots, notes })
}

/// Tells apart the names of `plots`, one set of files ([`qstudy_core::view::unique_file_stems`]):
/// each name is already bounded and made from its data so that two different texts never give
/// one ([`qstudy_core::view::file_part`]); names joined from several factor names, or differing
/// in letter case alone, can still meet, and a later one gets `-2`, `-3`, ...
pub fn unique_names(plots: &mut [Plot]) {
    let names = plots.iter().map(|p| p.name.clone()).collect();
    for (plot, name) in plots
        .iter_mut()
        .zip(qstudy_core::view::unique_file_stems(names))
    {
        plot.name = name;
    }
}
