//! The bootstrap of the z-scores (`bootstrap.json`): per factor, each statement's full-sample
//! z-score and its bootstrap mean with the percentile interval, statements in the order of the
//! z-score plot.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use qstudy_core::bootstrap::{BootstrapResults, FactorBootstrap};

use crate::chart::{Frame, Shape, heading, heading_height, ticks, z_axis};
use crate::style::{BAND, INK, MUTED, Pen, Scale, TextSpec, category, fit, text_width, tint};
use crate::view;
use crate::{Drawn, Kind, Plot, PlotError, Scene};

/// One factor in one row.
#[derive(Debug, Clone)]
struct Cell {
    /// Full-sample z-score (none when the full sample has no array for the factor).
    z: Option<f64>,
    mean: f64,
    lower: f64,
    upper: f64,
    /// Level at which the statement distinguishes the factor on the bootstrap estimates.
    distinguishing: Option<f64>,
}

#[derive(Debug, Clone)]
struct Row {
    id: u32,
    consensus: bool,
    /// One per factor shown.
    cells: Vec<Cell>,
}

#[derive(Debug, Clone)]
pub(crate) struct BootstrapPlot {
    title: String,
    subtitle: String,
    /// Panel titles, one per factor shown.
    panels: Vec<String>,
    rows: Vec<Row>,
    range: f64,
    s: Scale,
    width: i32,
    header: i32,
    row_height: i32,
}

/// Whether the factor has bootstrap estimates to draw.
fn drawable(f: &FactorBootstrap) -> bool {
    f.mean.is_some() && f.lower.is_some() && f.upper.is_some()
}

/// `95`, `90`, `97.5`: an interval level as a percentage.
fn percent(level: f64) -> String {
    let p = level * 100.0;
    if (p - p.round()).abs() < 1e-9 {
        format!("{p:.0}")
    } else {
        let s = format!("{p:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// The factors of `b` as a list for error messages.
fn names(b: &BootstrapResults) -> String {
    b.factors
        .iter()
        .map(|f| f.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

impl BootstrapPlot {
    pub(crate) fn build(
        b: &BootstrapResults,
        factors: &[usize],
        width: u32,
    ) -> Result<Plot, PlotError> {
        let chosen = chosen_factors(b, factors)?;
        let m = b.input.statements;
        let rows = statement_rows(b, &chosen);
        let top = rows
            .iter()
            .flat_map(|r| r.cells.iter())
            .flat_map(|c| {
                [
                    c.lower.abs(),
                    c.upper.abs(),
                    c.mean.abs(),
                    c.z.unwrap_or(0.0).abs(),
                ]
            })
            .filter(|v| v.is_finite())
            .fold(2.0f64, f64::max);
        let range = (top * 2.0).ceil() / 2.0;
        let s = Scale::for_width(width);
        let row_height = s.px(25.0).max(8);
        let o = &b.options;
        let title = "Bootstrap of the z-scores".to_string();
        let subtitle = format!(
            "Per factor, each statement's full-sample z-score (black tick) and its bootstrap mean (circle) with the {}% percentile interval, over {} of {} replicates (seed {}, {} alignment). Filled: distinguishing on the bootstrap estimates (* p < .05, ** p < .01); ≈ consensus statement. Statements from most disagreement (top) to most consensus.",
            percent(o.interval),
            b.replicates_used,
            o.replicates,
            o.seed,
            o.alignment
        );
        let header = heading_height(s, width as i32, &subtitle) + s.px(15.0 * 2.4 + 40.0 + 34.0);
        let height = header + row_height * m as i32 + s.px(28.0 + 50.0);
        let name = if factors.is_empty() {
            "bootstrap-zscores".to_string()
        } else {
            let names: Vec<&str> = chosen.iter().map(|&f| b.factors[f].name.as_str()).collect();
            qstudy_core::view::file_stem("bootstrap-zscores", &names)
        };
        let panels = chosen
            .iter()
            .map(|&f| view::caption(&b.factors[f].name, b.factors[f].label.as_deref()))
            .collect();
        Ok(Plot {
            kind: Kind::Bootstrap,
            name,
            title: title.clone(),
            size: (width, height as u32),
            svg: Default::default(),
            scene: Scene::Bootstrap(BootstrapPlot {
                title,
                subtitle,
                panels,
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
        let row_em = s.font(13.5);
        let below = heading(root, pen, s, self.width, &self.title, &self.subtitle)?;

        self.draw_legend(root, pen, below)?;

        // panels
        let number_width = text_width("≈ 000", row_em).ceil() as i32;
        let label_width = number_width + s.px(14.0);
        let k = self.panels.len().max(1) as i32;
        let panel_gap = s.px(22.0);
        let left0 = margin + label_width;
        let right_end = self.width - margin;
        let panel_width = ((right_end - left0) - panel_gap * (k - 1)) / k;
        let top = self.header;
        let bottom = top + self.row_height * self.rows.len() as i32;
        let frames: Vec<Frame> = (0..k)
            .map(|p| {
                let left = left0 + p * (panel_width + panel_gap);
                Frame {
                    left: left + s.px(6.0),
                    top,
                    right: left + panel_width - s.px(6.0),
                    bottom,
                    x: (-self.range, self.range),
                    y: (0.0, self.rows.len() as f64),
                }
            })
            .collect();

        // row bands and statement numbers
        for (r, row) in self.rows.iter().enumerate() {
            let y0 = top + r as i32 * self.row_height;
            if r % 2 == 0 {
                root.draw(&Rectangle::new(
                    [(margin, y0), (right_end, y0 + self.row_height)],
                    BAND.filled(),
                ))
                .drawn()?;
            }
            let label = if row.consensus {
                format!("≈ {}", row.id)
            } else {
                row.id.to_string()
            };
            let color = if row.consensus { MUTED } else { INK };
            let spec = TextSpec::new(row_em, color, HPos::Right, VPos::Center);
            let at = (margin + number_width, y0 + self.row_height / 2);
            pen.text(root, &label, at, spec)?;
        }

        self.draw_panel_titles(root, pen, &frames, top, panel_width)?;
        self.draw_intervals(root, pen, &frames, top)?;
        Ok(())
    }

    /// The legend under the heading, from `below`.
    fn draw_legend<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        pen: Pen,
        below: i32,
    ) -> Result<(), PlotError> {
        let s = self.s;
        let radius = s.font(5.5);
        let line = s.font(2.0).max(1.0);
        let bar = s.px(2.5).max(1) as u32;
        let tick_half = (f64::from(self.row_height) * 0.36).round() as i32;
        let tick_stroke = s.px(2.0).max(1) as u32;
        let margin = s.px(28.0);
        let legend_em = s.font(15.0);
        // legend
        let ly = below + s.px(12.0);
        let cy = ly + (legend_em * 0.62) as i32;
        let gap = s.px(30.0);
        let mut lx = margin;
        let interval_label = "percentile interval";
        let c0 = category(0);
        root.draw(&PathElement::new(
            vec![(lx, cy), (lx + s.px(36.0), cy)],
            c0.stroke_width(bar),
        ))
        .drawn()?;
        pen.left(root, interval_label, (lx + s.px(44.0), ly), legend_em, INK)?;
        lx += s.px(44.0) + text_width(interval_label, legend_em) as i32 + gap;
        let entries = [
            (true, "bootstrap mean, distinguishing"),
            (false, "bootstrap mean"),
        ];
        for (filled, label) in entries {
            Shape::Circle.draw(root, (lx + radius as i32, cy), radius, c0, filled, line)?;
            pen.left(root, label, (lx + s.px(18.0), ly), legend_em, INK)?;
            lx += s.px(18.0) + text_width(label, legend_em) as i32 + gap;
        }
        let full = "full-sample z-score";
        if lx + s.px(14.0) + text_width(full, legend_em) as i32 <= self.width - margin {
            root.draw(&PathElement::new(
                vec![
                    (lx + s.px(3.0), cy - tick_half),
                    (lx + s.px(3.0), cy + tick_half),
                ],
                INK.stroke_width(tick_stroke),
            ))
            .drawn()?;
            pen.left(root, full, (lx + s.px(14.0), ly), legend_em, INK)?;
        }
        Ok(())
    }

    /// Each panel's title, grid lines and tick labels.
    fn draw_panel_titles<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        pen: Pen,
        frames: &[Frame],
        top: i32,
        panel_width: i32,
    ) -> Result<(), PlotError> {
        let s = self.s;
        let (tick_em, panel_em) = (s.font(13.0), s.font(16.0));
        let n_ticks = ((panel_width / s.px(60.0).max(1)) as usize).clamp(3, 13);
        for (p, (f, name)) in frames.iter().zip(&self.panels).enumerate() {
            let centre = (f.left + f.right) / 2;
            let swatch = s.px(12.0);
            let title = fit(
                name,
                panel_em,
                f64::from(f.right - f.left - swatch - s.px(8.0)),
            );
            let title_width = text_width(&title, panel_em) as i32;
            let tx = centre - (title_width + swatch + s.px(8.0)) / 2;
            let ty = top - s.px(34.0) - (tick_em * 1.2) as i32;
            root.draw(&Rectangle::new(
                [
                    (tx, ty + (panel_em * 0.2) as i32),
                    (tx + swatch, ty + (panel_em * 0.2) as i32 + swatch),
                ],
                category(p).filled(),
            ))
            .drawn()?;
            pen.left(root, &title, (tx + swatch + s.px(8.0), ty), panel_em, INK)?;
            let values = ticks(-self.range, self.range, n_ticks);
            z_axis(root, pen, s, f, &values, tick_em)?;
        }
        Ok(())
    }

    /// Per row and panel: the interval, the bootstrap mean and the full-sample z-score.
    fn draw_intervals<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        pen: Pen,
        frames: &[Frame],
        top: i32,
    ) -> Result<(), PlotError> {
        let s = self.s;
        let radius = s.font(5.5);
        let line = s.font(2.0).max(1.0);
        let bar = s.px(2.5).max(1) as u32;
        let tick_half = (f64::from(self.row_height) * 0.36).round() as i32;
        let tick_stroke = s.px(2.0).max(1) as u32;
        // intervals, bootstrap means, full-sample z-scores
        let cap = (f64::from(self.row_height) * 0.2).round() as i32;
        let star_em = s.font(12.0);
        for (r, row) in self.rows.iter().enumerate() {
            let cy = top + r as i32 * self.row_height + self.row_height / 2;
            for (p, (cell, f)) in row.cells.iter().zip(frames).enumerate() {
                let strong = cell.distinguishing.is_some();
                let color = if strong {
                    category(p)
                } else {
                    tint(category(p), 0.55)
                };
                let (x0, _) = f.at(cell.lower, 0.0);
                let (x1, _) = f.at(cell.upper, 0.0);
                let style = color.stroke_width(bar);
                root.draw(&PathElement::new(vec![(x0, cy), (x1, cy)], style))
                    .drawn()?;
                for x in [x0, x1] {
                    root.draw(&PathElement::new(vec![(x, cy - cap), (x, cy + cap)], style))
                        .drawn()?;
                }
                let (mx, _) = f.at(cell.mean, 0.0);
                Shape::Circle.draw(root, (mx, cy), radius, category(p), strong, line)?;
                if let Some(z) = cell.z {
                    let (zx, _) = f.at(z, 0.0);
                    root.draw(&PathElement::new(
                        vec![(zx, cy - tick_half), (zx, cy + tick_half)],
                        INK.stroke_width(tick_stroke),
                    ))
                    .drawn()?;
                }
                if let Some(level) = cell.distinguishing {
                    let stars = if level <= 0.01 + 1e-12 { "**" } else { "*" };
                    pen.text(
                        root,
                        stars,
                        (x1 + s.px(5.0), cy),
                        TextSpec::new(star_em, category(p), HPos::Left, VPos::Center),
                    )?;
                }
            }
        }
        Ok(())
    }
}

/// The factors drawn: `factors` (0-based), checked, or every factor with estimates.
fn chosen_factors(b: &BootstrapResults, factors: &[usize]) -> Result<Vec<usize>, PlotError> {
    let chosen: Vec<usize> = if factors.is_empty() {
        (0..b.factors.len())
            .filter(|&f| drawable(&b.factors[f]))
            .collect()
    } else {
        for &f in factors {
            let factor = b.factors.get(f).ok_or_else(|| PlotError::UnknownFactor {
                factor: (f + 1).to_string(),
                valid: names(b),
            })?;
            if !drawable(factor) {
                return Err(PlotError::NoBootstrap {
                    factor: Some(factor.name.clone()),
                });
            }
        }
        factors.to_vec()
    };
    if chosen.is_empty() {
        return Err(PlotError::NoBootstrap { factor: None });
    }
    Ok(chosen)
}

/// One row per statement, most disagreement first, with a cell per chosen factor.
fn statement_rows(b: &BootstrapResults, chosen: &[usize]) -> Vec<Row> {
    let m = b.input.statements;
    let at = |v: &Option<Vec<f64>>, i: usize| v.as_ref().and_then(|v| v.get(i).copied());
    // The full-sample z-score, or the bootstrap mean where the full sample has none.
    let z = |f: usize, i: usize| {
        let factor = &b.factors[f];
        at(&factor.zscores, i)
            .or_else(|| at(&factor.mean, i))
            .unwrap_or(0.0)
    };
    // As the z-score plot: most disagreement first (population variance of the z-scores
    // across the factors shown), ties in statement order.
    let spread = |i: usize| {
        let k = chosen.len() as f64;
        let mean = chosen.iter().map(|&f| z(f, i)).sum::<f64>() / k;
        chosen
            .iter()
            .map(|&f| (z(f, i) - mean).powi(2))
            .sum::<f64>()
            / k
    };
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&x, &y| spread(y).total_cmp(&spread(x)).then(x.cmp(&y)));
    order
        .into_iter()
        .map(|i| {
            let id = b.input.statement_ids[i];
            Row {
                id,
                consensus: b.consensus.iter().any(|c| c.statement == id),
                cells: chosen
                    .iter()
                    .map(|&f| {
                        let factor = &b.factors[f];
                        Cell {
                            z: at(&factor.zscores, i),
                            mean: at(&factor.mean, i).unwrap_or(0.0),
                            lower: at(&factor.lower, i).unwrap_or(0.0),
                            upper: at(&factor.upper, i).unwrap_or(0.0),
                            distinguishing: factor
                                .distinguishing
                                .iter()
                                .find(|d| d.statement == id)
                                .map(|d| d.p),
                        }
                    })
                    .collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::percent;

    #[test]
    fn interval_levels_print_as_percentages() {
        assert_eq!(percent(0.95), "95");
        assert_eq!(percent(0.975), "97.5");
        assert_eq!(percent(0.9), "90");
    }
}
