//! The scree plot: eigenvalues of the unrotated factors with the eigenvalue-1 line and, when
//! given, a parallel-analysis threshold.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use qstudy_core::AnalysisResults;
use qstudy_core::Extraction;
use qstudy_core::retention::{ParallelAnalysis, RetentionReport};

use crate::chart::{Frame, GridStyle, Shape, dashed, grid, heading, tick_label, ticks};
use crate::style::{INK, MUTED, Pen, Scale, TextSpec, okabe_ito, text_width};
use crate::{Drawn, Kind, Plot, PlotError, Scene};

#[derive(Debug, Clone)]
pub(crate) struct Scree {
    title: String,
    subtitle: String,
    eigenvalues: Vec<f64>,
    kept: usize,
    threshold: Option<ScreeThreshold>,
    /// The correlation-matrix eigenvalues parallel analysis compared, drawn as a second curve
    /// when the plotted ones are others (centroid).
    compared: Vec<f64>,
    s: Scale,
    width: i32,
    height: i32,
}

/// What a scree plot shows, from a `results.json` or a retention report.
struct ScreeData {
    /// The eigenvalues are those of the correlation matrix (PCA), not sums of squared loadings.
    pca: bool,
    eigenvalues: Vec<f64>,
    sorts: usize,
    kept: usize,
    /// `kept` or `recommended`.
    kept_word: &'static str,
}

impl Scree {
    pub(crate) fn build(
        r: &AnalysisResults,
        threshold: Option<&ScreeThreshold>,
        width: u32,
    ) -> Result<Plot, PlotError> {
        let pca = r.options.extraction == Extraction::Pca
            && !r.unrotated.correlation_eigenvalues.is_empty();
        let data = ScreeData {
            pca,
            eigenvalues: if pca {
                r.unrotated.correlation_eigenvalues.clone()
            } else {
                r.unrotated.eigenvalues.clone()
            },
            sorts: r.input.sorts,
            kept: r.options.factors,
            kept_word: "kept",
        };
        Ok(Self::from_data(data, threshold, width))
    }

    /// The scree of a retention report (`qstudy factors`): PCA, the eigenvalues parallel
    /// analysis compared; centroid, those of the extracted factors; the recommended number
    /// filled; the report's parallel-analysis threshold drawn.
    pub(crate) fn build_retention(r: &RetentionReport, width: u32) -> Result<Plot, PlotError> {
        let pca = r.extraction == Extraction::Pca && !r.parallel.observed.is_empty();
        let data = ScreeData {
            pca,
            eigenvalues: if pca {
                r.parallel.observed.clone()
            } else {
                r.eigenvalues.clone()
            },
            sorts: r.sorts,
            kept: r.recommended,
            kept_word: "recommended",
        };
        let threshold =
            (r.parallel.iterations > 0).then(|| ScreeThreshold::from_parallel(&r.parallel));
        Ok(Self::from_data(data, threshold.as_ref(), width))
    }

    fn from_data(d: ScreeData, threshold: Option<&ScreeThreshold>, width: u32) -> Plot {
        let ScreeData {
            pca,
            eigenvalues,
            sorts,
            kept,
            kept_word,
        } = d;
        let above = eigenvalues.iter().filter(|&&e| e > 1.0).count();
        let title = "Scree plot".to_string();
        let mut subtitle = format!(
            "{} of the {}; {kept} {kept_word} (filled); {above} above 1 (the Kaiser-Guttman criterion, dashed).",
            if pca {
                "Eigenvalues of the correlation matrix"
            } else {
                "Eigenvalues (sums of squared loadings)"
            },
            if pca {
                format!("{sorts} sorts")
            } else {
                format!("{} centroid factors extracted", eigenvalues.len())
            }
        );
        // The eigenvalues parallel analysis compares are the correlation matrix's: on a PCA
        // scree, those plotted; on a centroid scree, drawn beside them when known.
        let compared = match threshold {
            Some(t) if !pca && !t.observed.is_empty() => t.observed.clone(),
            _ => Vec::new(),
        };
        if let Some(t) = threshold {
            let observed = if compared.is_empty() {
                &eigenvalues
            } else {
                &compared
            };
            let beyond = observed
                .iter()
                .zip(&t.eigenvalues)
                .take_while(|(e, r)| e > r)
                .count();
            let source = match (t.iterations, t.seed) {
                (Some(i), Some(seed)) => format!(" ({i} random studies, seed {seed})"),
                (Some(i), None) => format!(" ({i} random studies)"),
                _ => String::new(),
            };
            if compared.is_empty() {
                subtitle.push_str(&format!(
                    " Parallel analysis{source}: {beyond} above the {} percentile of random eigenvalues (dotted).",
                    ordinal(t.percentile)
                ));
            } else {
                subtitle.push_str(&format!(
                    " Parallel analysis{source}: {beyond} eigenvalues of the correlation matrix (grey squares) above the {} percentile of random ones (dotted).",
                    ordinal(t.percentile)
                ));
            }
        }
        let s = Scale::for_width(width);
        let height = (f64::from(width) * 0.45).round() as i32;
        Plot {
            kind: Kind::Scree,
            name: "scree".to_string(),
            title: title.clone(),
            size: (width, height as u32),
            svg: Default::default(),
            scene: Scene::Scree(Scree {
                title,
                subtitle,
                eigenvalues,
                kept,
                threshold: threshold.cloned(),
                compared,
                s,
                width: width as i32,
                height,
            }),
        }
    }

    pub(crate) fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        pen: Pen,
    ) -> Result<(), PlotError> {
        let s = self.s;
        let margin = s.px(28.0);
        let tick_em = s.font(14.0);
        let below = heading(root, pen, s, self.width, &self.title, &self.subtitle)?;
        let n = self.eigenvalues.len().max(1);
        let top_value = self.top_value(n);
        let y_max = (top_value * 1.1 * 2.0).ceil() / 2.0;
        let frame = Frame {
            left: margin + s.px(60.0),
            top: below + s.px(30.0),
            right: self.width - margin - s.px(20.0),
            bottom: self.height - margin - s.px(60.0),
            x: (0.5, n as f64 + 0.5),
            y: (0.0, y_max),
        };
        self.draw_axes(root, pen, &frame, n)?;
        // eigenvalue 1
        let one = okabe_ito::VERMILLION.stroke_width(s.px(2.0).max(1) as u32);
        dashed(
            root,
            frame.at(0.5, 1.0),
            frame.at(n as f64 + 0.5, 1.0),
            s.px(8.0).max(2),
            one,
        )?;
        let (lx, ly) = frame.at(0.5, 1.0);
        pen.text(
            root,
            "eigenvalue 1",
            (lx + s.px(6.0), ly - s.px(4.0)),
            TextSpec::new(tick_em, okabe_ito::VERMILLION, HPos::Left, VPos::Bottom),
        )?;
        self.draw_references(root, pen, &frame, n)?;
        self.draw_curve(root, pen, &frame)?;
        Ok(())
    }

    /// The largest value drawn (at least 1): of the eigenvalues, and of the threshold's and the
    /// compared eigenvalues among the first `n`.
    fn top_value(&self, n: usize) -> f64 {
        self.eigenvalues
            .iter()
            .copied()
            .chain(
                self.threshold
                    .iter()
                    .flat_map(|t| t.eigenvalues.iter().take(n).copied()),
            )
            .chain(self.compared.iter().take(n).copied())
            .fold(1.0f64, f64::max)
            .max(1.0)
    }

    /// The grid, the factor numbers (at most about 20) and eigenvalue ticks, and the axis names.
    fn draw_axes<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        pen: Pen,
        frame: &Frame,
        n: usize,
    ) -> Result<(), PlotError> {
        let s = self.s;
        let (sub_em, tick_em) = (s.font(15.0), s.font(14.0));
        let y_max = frame.y.1;
        let step = (n as f64 / 20.0).ceil().max(1.0) as usize;
        let xs: Vec<(f64, String)> = (1..=n)
            .filter(|i| (i - 1) % step == 0)
            .map(|i| (i as f64, i.to_string()))
            .collect();
        let ys: Vec<(f64, String)> = ticks(0.0, y_max, 8)
            .into_iter()
            .map(|v| (v, tick_label(v, if y_max > 5.0 { 0 } else { 1 })))
            .collect();
        let line = s.px(1.0).max(1) as u32;
        grid(
            root,
            pen,
            frame,
            &xs,
            &ys,
            GridStyle {
                em: tick_em,
                line,
                zero: false,
            },
        )?;
        pen.text(
            root,
            "factor",
            (
                (frame.left + frame.right) / 2,
                frame.bottom + (tick_em * 1.9) as i32,
            ),
            TextSpec::new(sub_em, INK, HPos::Center, VPos::Top),
        )?;
        pen.text(
            root,
            "eigenvalue",
            (frame.left, frame.top - (sub_em * 0.6) as i32),
            TextSpec::new(sub_em, INK, HPos::Left, VPos::Bottom),
        )?;
        Ok(())
    }

    /// The parallel-analysis threshold and the correlation-matrix eigenvalues it was compared
    /// with, when there are.
    fn draw_references<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        pen: Pen,
        frame: &Frame,
        n: usize,
    ) -> Result<(), PlotError> {
        let s = self.s;
        let tick_em = s.font(14.0);
        if let Some(t) = &self.threshold {
            self.draw_threshold(root, pen, frame, n, t)?;
        }
        // the correlation-matrix eigenvalues parallel analysis compared (centroid scree)
        if !self.compared.is_empty() {
            let pts: Vec<(i32, i32)> = self
                .compared
                .iter()
                .take(n)
                .enumerate()
                .map(|(i, &e)| frame.at((i + 1) as f64, e))
                .collect();
            root.draw(&PathElement::new(
                pts.clone(),
                MUTED.stroke_width(s.px(1.5).max(1) as u32),
            ))
            .drawn()?;
            for &c in &pts {
                Shape::Square.draw(root, c, s.font(5.0), MUTED, false, s.font(2.0).max(1.0))?;
            }
            let label = "eigenvalues of the correlation matrix";
            let (lx, ly) = (
                frame.right - s.px(12.0),
                frame.top + s.px(16.0) + (tick_em * 1.6) as i32,
            );
            pen.text(
                root,
                label,
                (lx, ly),
                TextSpec::new(tick_em, MUTED, HPos::Right, VPos::Center),
            )?;
            let sx = lx - text_width(label, tick_em) as i32 - s.px(30.0);
            Shape::Square.draw(
                root,
                (sx, ly),
                s.font(5.0),
                MUTED,
                false,
                s.font(2.0).max(1.0),
            )?;
        }
        Ok(())
    }

    /// The parallel-analysis threshold `t`, dashed, named in a legend at the top right.
    fn draw_threshold<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        pen: Pen,
        frame: &Frame,
        n: usize,
        t: &ScreeThreshold,
    ) -> Result<(), PlotError> {
        let s = self.s;
        let tick_em = s.font(14.0);
        let color = okabe_ito::BLUISH_GREEN;
        let pts: Vec<(i32, i32)> = t
            .eigenvalues
            .iter()
            .take(n)
            .enumerate()
            .map(|(i, &e)| frame.at((i + 1) as f64, e))
            .collect();
        for w in pts.windows(2) {
            dashed(
                root,
                w[0],
                w[1],
                s.px(3.0).max(1),
                color.stroke_width(s.px(2.0).max(1) as u32),
            )?;
        }
        // named in a legend at the top right, where a scree leaves room
        let label = format!("random, {} percentile", ordinal(t.percentile));
        let (lx, ly) = (frame.right - s.px(12.0), frame.top + s.px(16.0));
        pen.text(
            root,
            &label,
            (lx, ly),
            TextSpec::new(tick_em, color, HPos::Right, VPos::Center),
        )?;
        let sx = lx - text_width(&label, tick_em) as i32 - s.px(10.0);
        dashed(
            root,
            (sx - s.px(40.0), ly),
            (sx, ly),
            s.px(3.0).max(1),
            color.stroke_width(s.px(2.0).max(1) as u32),
        )?;
        Ok(())
    }

    fn draw_curve<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        pen: Pen,
        frame: &Frame,
    ) -> Result<(), PlotError> {
        let s = self.s;
        // the curve
        let pts: Vec<(i32, i32)> = self
            .eigenvalues
            .iter()
            .enumerate()
            .map(|(i, &e)| frame.at((i + 1) as f64, e))
            .collect();
        root.draw(&PathElement::new(
            pts.clone(),
            okabe_ito::BLUE.stroke_width(s.px(2.5).max(1) as u32),
        ))
        .drawn()?;
        let radius = s.font(7.0);
        for (i, (&c, &e)) in pts.iter().zip(&self.eigenvalues).enumerate() {
            let kept = i < self.kept;
            Shape::Circle.draw(root, c, radius, okabe_ito::BLUE, kept, s.font(2.5).max(1.0))?;
            if kept || i < 12 {
                let color = if kept { INK } else { MUTED };
                let spec = TextSpec::new(s.font(12.5), color, HPos::Left, VPos::Bottom);
                let at = (c.0 + s.px(6.0), c.1 - s.px(8.0));
                pen.text(root, &format!("{e:.2}"), at, spec)?;
            }
        }
        Ok(())
    }
}

/// A parallel-analysis threshold for the scree plot: the `percentile`-th percentile of the
/// eigenvalues of random studies of the same size, one per rank (e.g. the `random_percentile`
/// of a parallel analysis: [`ScreeThreshold::from_parallel`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ScreeThreshold {
    /// The percentile (e.g. 95).
    pub percentile: f64,
    /// Threshold eigenvalue of rank 1, 2, ...
    pub eigenvalues: Vec<f64>,
    /// The observed eigenvalues compared with the threshold: those of the correlation matrix.
    /// A centroid scree plots other eigenvalues (sums of squared loadings), so these are drawn
    /// beside them and counted; a PCA scree plots these already. Empty: the plotted
    /// eigenvalues are compared.
    pub observed: Vec<f64>,
    /// Random studies drawn, when known (named in the subtitle).
    pub iterations: Option<usize>,
    /// Their seed, when known.
    pub seed: Option<u64>,
}

impl ScreeThreshold {
    /// The threshold of a parallel analysis: its random percentiles, observed eigenvalues,
    /// iterations and seed.
    pub fn from_parallel(p: &ParallelAnalysis) -> ScreeThreshold {
        ScreeThreshold {
            percentile: p.percentile,
            eigenvalues: p.random_percentile.clone(),
            observed: p.observed.clone(),
            iterations: Some(p.iterations),
            seed: Some(p.seed),
        }
    }
}

/// `95th`, `50th`, `99.5th`.
fn ordinal(p: f64) -> String {
    let n = if p.fract() == 0.0 {
        format!("{p:.0}")
    } else {
        format!("{p}")
    };
    let suffix = if p.fract() != 0.0 {
        "th"
    } else {
        match ((p as i64) % 10, (p as i64) % 100) {
            (1, r) if r != 11 => "st",
            (2, r) if r != 12 => "nd",
            (3, r) if r != 13 => "rd",
            _ => "th",
        }
    };
    format!("{n}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::ordinal;

    #[test]
    fn ordinals() {
        assert_eq!(ordinal(95.0), "95th");
        assert_eq!(ordinal(91.0), "91st");
        assert_eq!(ordinal(99.5), "99.5th");
        assert_eq!(ordinal(12.0), "12th");
    }
}
