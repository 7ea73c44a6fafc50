//! Group make-up: defining sorts per factor by the levels of a participant attribute.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use qstudy_core::AnalysisResults;

use crate::chart::{Frame, GridStyle, grid, heading, tick_label, ticks};
use crate::style::{INK, MUTED, Pen, Scale, TextSpec, category, fit, text_width};
use crate::view;
use crate::{Drawn, Kind, Plot, PlotError, Scene};

#[derive(Debug, Clone)]
struct Group {
    name: String,
    defining: Vec<usize>,
    note: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct GroupMakeup {
    title: String,
    subtitle: String,
    levels: Vec<String>,
    groups: Vec<Group>,
    s: Scale,
    width: i32,
    height: i32,
}

impl GroupMakeup {
    pub(crate) fn build(
        r: &AnalysisResults,
        attribute: &str,
        width: u32,
    ) -> Result<Plot, PlotError> {
        let compared = r.groups.as_deref().unwrap_or(&[]);
        let g = compared
            .iter()
            .find(|g| g.attribute == attribute)
            .ok_or_else(|| PlotError::NoGroups {
                attribute: attribute.to_string(),
                valid: if compared.is_empty() {
                    "none: the results have no participant attributes".to_string()
                } else {
                    compared
                        .iter()
                        .map(|g| g.attribute.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                },
            })?;
        // the file name told apart from every other compared attribute's
        let part = qstudy_core::view::attribute_file_parts(r)
            .into_iter()
            .find(|(a, _)| *a == attribute)
            .map_or_else(|| qstudy_core::view::file_part(attribute), |(_, p)| p);
        let levels: Vec<String> = g
            .levels
            .iter()
            .zip(&g.sorts_per_level)
            .map(|(l, n)| format!("{l} ({n} sorts)"))
            .collect();
        let groups = g
            .factors
            .iter()
            .map(|gf| Group {
                name: r
                    .factors
                    .iter()
                    .find(|f| f.name == gf.factor)
                    .map_or_else(|| gf.factor.clone(), view::factor_caption),
                defining: gf.defining.clone(),
                note: gf.fisher_p.map(|p| format!("Fisher p = {p:.2}")),
            })
            .collect();
        let title = format!("Defining sorts by {attribute}");
        let subtitle = format!(
            "Number of defining sorts of each factor by {attribute}{}.",
            if g.levels.len() == 2 {
                "; p: two-sided Fisher's exact test of defining / not defining by level"
            } else {
                ""
            }
        );
        let s = Scale::for_width(width);
        let height = (f64::from(width) * 0.45).round() as i32;
        Ok(Plot {
            kind: Kind::Groups,
            name: format!("groups-{part}"),
            title: title.clone(),
            size: (width, height as u32),
            svg: Default::default(),
            scene: Scene::Groups(GroupMakeup {
                title,
                subtitle,
                levels,
                groups,
                s,
                width: width as i32,
                height,
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
        let (sub_em, tick_em, legend_em) = (s.font(15.0), s.font(14.0), s.font(15.0));
        let below = heading(root, pen, s, self.width, &self.title, &self.subtitle)?;
        let ly = below + s.px(12.0);
        let legend_rows = self.draw_legend(root, pen, ly)?;
        let max = self
            .groups
            .iter()
            .flat_map(|g| g.defining.iter().copied())
            .max()
            .unwrap_or(0)
            .max(1);
        let y_max = (max as f64 * 1.15).ceil().max(max as f64 + 1.0);
        let k = self.groups.len().max(1);
        let frame = Frame {
            left: margin + s.px(50.0),
            top: ly + (legend_em * 1.7) as i32 * legend_rows + (sub_em * 1.6) as i32 + s.px(16.0),
            right: self.width - margin,
            bottom: self.height - margin - s.px(64.0),
            x: (0.0, k as f64),
            y: (0.0, y_max),
        };
        let ys: Vec<(f64, String)> = ticks(0.0, y_max, 8)
            .into_iter()
            .filter(|v| v.fract().abs() < 1e-9)
            .map(|v| (v, tick_label(v, 0)))
            .collect();
        let line = s.px(1.0).max(1) as u32;
        grid(
            root,
            pen,
            &frame,
            &[],
            &ys,
            GridStyle {
                em: tick_em,
                line,
                zero: false,
            },
        )?;
        pen.text(
            root,
            "defining sorts",
            (frame.left, frame.top - (sub_em * 0.6) as i32),
            TextSpec::new(sub_em, INK, HPos::Left, VPos::Bottom),
        )?;
        self.draw_bars(root, pen, &frame)?;
        Ok(())
    }

    /// The legend row(s) from `ly`: a swatch per level; returns how many rows it took.
    fn draw_legend<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        pen: Pen,
        ly: i32,
    ) -> Result<i32, PlotError> {
        let s = self.s;
        let margin = s.px(28.0);
        let legend_em = s.font(15.0);
        let mut lx = margin;
        let mut legend_rows = 1;
        let mut y = ly;
        let sw = s.px(18.0);
        for (l, name) in self.levels.iter().enumerate() {
            let w = sw + s.px(8.0) + text_width(name, legend_em) as i32 + s.px(26.0);
            if lx > margin && lx + w > self.width - margin {
                lx = margin;
                y += (legend_em * 1.7) as i32;
                legend_rows += 1;
            }
            let top = y + (legend_em * 0.62) as i32 - sw / 2;
            root.draw(&Rectangle::new(
                [(lx, top), (lx + sw, top + sw)],
                category(l).filled(),
            ))
            .drawn()?;
            pen.left(root, name, (lx + sw + s.px(8.0), y), legend_em, INK)?;
            lx += w;
        }
        Ok(legend_rows)
    }

    /// Per factor, a bar per level (its defining sorts) with its count above, and the factor's
    /// name (and note) under them.
    fn draw_bars<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        pen: Pen,
        frame: &Frame,
    ) -> Result<(), PlotError> {
        let s = self.s;
        let tick_em = s.font(14.0);
        let k = self.groups.len().max(1);
        let slot = f64::from(frame.right - frame.left) / k as f64;
        let nl = self.levels.len().max(1);
        for (f, g) in self.groups.iter().enumerate() {
            let x0 = frame.left as f64 + slot * f as f64;
            let inner = slot * 0.8;
            let bar = inner / nl as f64;
            for (l, &count) in g.defining.iter().enumerate() {
                let bx0 = (x0 + slot * 0.1 + bar * l as f64).round() as i32;
                let bx1 = (x0 + slot * 0.1 + bar * (l + 1) as f64).round() as i32 - s.px(3.0);
                let (_, by) = frame.at(0.0, count as f64);
                if count > 0 {
                    root.draw(&Rectangle::new(
                        [(bx0, by), (bx1, frame.bottom)],
                        category(l).filled(),
                    ))
                    .drawn()?;
                }
                pen.text(
                    root,
                    &count.to_string(),
                    ((bx0 + bx1) / 2, by - s.px(4.0)),
                    TextSpec::new(tick_em, INK, HPos::Center, VPos::Bottom),
                )?;
            }
            let cx = (x0 + slot / 2.0).round() as i32;
            pen.text(
                root,
                &fit(&g.name, tick_em, slot * 0.95),
                (cx, frame.bottom + s.px(8.0)),
                TextSpec::new(tick_em, INK, HPos::Center, VPos::Top),
            )?;
            if let Some(note) = &g.note {
                pen.text(
                    root,
                    note,
                    (cx, frame.bottom + s.px(8.0) + (tick_em * 1.5) as i32),
                    TextSpec::new(tick_em, MUTED, HPos::Center, VPos::Top),
                )?;
            }
        }
        Ok(())
    }
}
