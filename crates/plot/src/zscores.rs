//! The z-score comparison: every statement a row, one marker per factor at its z-score.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use qstudy_core::AnalysisResults;

use crate::chart::{Frame, Shape, heading, ticks, z_axis};
use crate::style::{BAND, INK, MUTED, Pen, Scale, TextSpec, category, fit, text_width};
use crate::view;
use crate::{Drawn, Kind, Plot, PlotError, Scene};

#[derive(Debug, Clone)]
struct Row {
    id: u32,
    text: Option<String>,
    consensus: bool,
    /// One per factor shown: z-score and whether it distinguishes that factor.
    z: Vec<(f64, bool)>,
}

#[derive(Debug, Clone)]
pub(crate) struct ZscorePlot {
    title: String,
    subtitle: String,
    factors: Vec<String>,
    rows: Vec<Row>,
    range: f64,
    s: Scale,
    width: i32,
    header: i32,
    row_height: i32,
}

/// The factors `factors` asks for (each must have z-scores), or every factor with z-scores
/// when it is empty; an error when there are none.
fn chosen_factors(r: &AnalysisResults, factors: &[usize]) -> Result<Vec<usize>, PlotError> {
    let chosen: Vec<usize> = if factors.is_empty() {
        (0..r.factors.len())
            .filter(|&f| r.factors[f].zscores.is_some())
            .collect()
    } else {
        for &f in factors {
            let factor = view::factor_at(r, f)?;
            if factor.zscores.is_none() {
                return Err(PlotError::NoArray {
                    factor: factor.name.clone(),
                });
            }
        }
        factors.to_vec()
    };
    if chosen.is_empty() {
        return Err(PlotError::NoArrays);
    }
    Ok(chosen)
}

/// A row per statement, most disagreement first: by the population variance of its z-scores
/// across the `chosen` factors (statement order on ties).
fn rows_by_spread(r: &AnalysisResults, chosen: &[usize]) -> Vec<Row> {
    let z = |f: usize, i: usize| r.factors[f].zscores.as_ref().map_or(0.0, |z| z[i]);
    let spread = |i: usize| {
        let k = chosen.len() as f64;
        let mean = chosen.iter().map(|&f| z(f, i)).sum::<f64>() / k;
        chosen
            .iter()
            .map(|&f| (z(f, i) - mean).powi(2))
            .sum::<f64>()
            / k
    };
    let mut order: Vec<usize> = (0..r.input.statements).collect();
    order.sort_by(|&a, &b| spread(b).total_cmp(&spread(a)).then(a.cmp(&b)));
    order
        .into_iter()
        .map(|i| Row {
            id: r.input.statement_ids[i],
            text: view::statement_caption(r, i).map(str::to_string),
            consensus: view::consensus(r, i).is_some(),
            z: chosen
                .iter()
                .map(|&f| (z(f, i), view::mark(r, f, i).is_some()))
                .collect(),
        })
        .collect()
}

/// The subtitle: how to read the plot, and the factors shown when not all are.
fn subtitle(r: &AnalysisResults, chosen: &[usize]) -> String {
    format!(
        "Statements from most disagreement (top) to most consensus. Filled marker: the statement distinguishes that factor (p < .05); ≈ consensus statement.{}",
        if chosen.len() < r.factors.len() {
            format!(
                " Factors shown: {}.",
                chosen
                    .iter()
                    .map(|&f| r.factors[f].name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else {
            String::new()
        }
    )
}

impl ZscorePlot {
    pub(crate) fn build(
        r: &AnalysisResults,
        factors: &[usize],
        width: u32,
    ) -> Result<Plot, PlotError> {
        let chosen = chosen_factors(r, factors)?;
        let m = r.input.statements;
        let rows = rows_by_spread(r, &chosen);
        let top = rows
            .iter()
            .flat_map(|row| row.z.iter().map(|x| x.0.abs()))
            .fold(2.0f64, f64::max);
        let range = (top * 2.0).ceil() / 2.0;
        let s = Scale::for_width(width);
        let row_height = s.px(25.0).max(8);
        let title = "z-scores of the statements by factor".to_string();
        let subtitle = subtitle(r, &chosen);
        let header =
            crate::chart::heading_height(s, width as i32, &subtitle) + s.px(15.0 * 2.4 + 40.0);
        let height = header + row_height * m as i32 + s.px(28.0 + 50.0);
        let name = if factors.is_empty() {
            "zscores".to_string()
        } else {
            let names: Vec<&str> = chosen.iter().map(|&f| r.factors[f].name.as_str()).collect();
            qstudy_core::view::file_stem("zscores", &names)
        };
        Ok(Plot {
            kind: Kind::Zscores,
            name,
            title: title.clone(),
            size: (width, height as u32),
            svg: Default::default(),
            scene: Scene::Zscores(ZscorePlot {
                title,
                subtitle,
                factors: chosen
                    .iter()
                    .map(|&f| view::factor_caption(&r.factors[f]))
                    .collect(),
                rows,
                range,
                s,
                width: width as i32,
                header,
                row_height,
            }),
        })
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
        self.draw_legend(root, pen, below)?;
        let radius = s.font(6.5);
        let line = s.font(2.0).max(1.0);

        let label_width = (f64::from(self.width) * 0.44) as i32;
        let frame = Frame {
            left: margin + label_width + s.px(16.0),
            top: self.header,
            right: self.width - margin - s.px(10.0),
            bottom: self.header + self.row_height * self.rows.len() as i32,
            x: (-self.range, self.range),
            y: (0.0, self.rows.len() as f64),
        };
        self.draw_rows(root, pen, &frame)?;
        // vertical grid and tick labels above and below
        let values = ticks(-self.range, self.range, 13);
        z_axis(root, pen, s, &frame, &values, tick_em)?;
        // markers
        for (k, row) in self.rows.iter().enumerate() {
            let cy = frame.top + k as i32 * self.row_height + self.row_height / 2;
            for (f, &(z, distinguishing)) in row.z.iter().enumerate() {
                let (px, _) = frame.at(z, 0.0);
                Shape::ALL[f % Shape::ALL.len()].draw(
                    root,
                    (px, cy),
                    radius,
                    category(f),
                    distinguishing,
                    line,
                )?;
            }
        }
        Ok(())
    }

    /// The legend under the heading, from `below`: one entry per factor.
    fn draw_legend<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        pen: Pen,
        below: i32,
    ) -> Result<(), PlotError> {
        let s = self.s;
        let margin = s.px(28.0);
        let legend_em = s.font(15.0);
        // legend: one entry per factor
        let radius = s.font(6.5);
        let line = s.font(2.0).max(1.0);
        let ly = below + s.px(12.0);
        let mut lx = margin;
        for (f, name) in self.factors.iter().enumerate() {
            let w = s.px(26.0) + text_width(name, legend_em) as i32 + s.px(28.0);
            if lx > margin && lx + w > self.width - margin {
                lx = margin;
            }
            Shape::ALL[f % Shape::ALL.len()].draw(
                root,
                (lx + radius as i32, ly + (legend_em * 0.62) as i32),
                radius,
                category(f),
                true,
                line,
            )?;
            pen.left(root, name, (lx + s.px(22.0), ly), legend_em, INK)?;
            lx += w;
        }
        let hollow = "hollow: does not distinguish";
        if lx + s.px(50.0) + text_width(hollow, legend_em) as i32 <= self.width - margin {
            Shape::Circle.draw(
                root,
                (lx + radius as i32, ly + (legend_em * 0.62) as i32),
                radius,
                MUTED,
                false,
                line,
            )?;
            pen.left(root, hollow, (lx + s.px(22.0), ly), legend_em, MUTED)?;
        }
        Ok(())
    }

    /// The row bands, and each row's statement number and text left of `frame`.
    fn draw_rows<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        pen: Pen,
        frame: &Frame,
    ) -> Result<(), PlotError> {
        let s = self.s;
        let margin = s.px(28.0);
        let row_em = s.font(13.5);
        // row bands and labels
        let number_width = text_width("000", row_em).ceil() as i32;
        for (k, row) in self.rows.iter().enumerate() {
            let y0 = frame.top + k as i32 * self.row_height;
            if k % 2 == 0 {
                root.draw(&Rectangle::new(
                    [(margin, y0), (frame.right, y0 + self.row_height)],
                    BAND.filled(),
                ))
                .drawn()?;
            }
            let cy = y0 + self.row_height / 2;
            let color = if row.consensus { MUTED } else { INK };
            pen.text(
                root,
                &row.id.to_string(),
                (margin + number_width, cy),
                TextSpec::new(row_em, color, HPos::Right, VPos::Center),
            )?;
            let mut label = String::new();
            if row.consensus {
                label.push_str("≈ ");
            }
            if let Some(t) = &row.text {
                label.push_str(t);
            }
            let x = margin + number_width + s.px(10.0);
            pen.text(
                root,
                &fit(&label, row_em, f64::from(frame.left - s.px(12.0) - x)),
                (x, cy),
                TextSpec::new(row_em, color, HPos::Left, VPos::Center),
            )?;
        }
        Ok(())
    }
}
