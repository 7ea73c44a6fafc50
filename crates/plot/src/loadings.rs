//! The loadings map of a pair of factors: each sort a labelled point.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use qstudy_core::AnalysisResults;
use qstudy_core::analysis::FactorResult;
use qstudy_core::flag::z_for_p;

use crate::chart::{
    Frame, GridStyle, Shape, dashed, grid, heading, place_labels, tick_label, ticks,
};
use crate::style::{INK, MUTED, Pen, Scale, TextSpec, category, fit, okabe_ito, text_width};
use crate::view;
use crate::{Kind, Plot, PlotError, PlotOptions, Scene};

#[derive(Debug, Clone)]
struct Point {
    id: String,
    x: f64,
    y: f64,
    shape: Shape,
    color: RGBColor,
    filled: bool,
}

#[derive(Debug, Clone)]
enum LegendEntry {
    Heading(String),
    Marker {
        shape: Shape,
        color: RGBColor,
        filled: bool,
        label: String,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct LoadingsMap {
    title: String,
    subtitle: String,
    x_name: String,
    y_name: String,
    points: Vec<Point>,
    legend: Vec<LegendEntry>,
    limit: f64,
    range: f64,
    s: Scale,
    width: i32,
    height: i32,
}

/// A sort's relation to the two factors of the map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    A,
    B,
    Both,
    Other,
    None,
}

impl Status {
    /// A sort's status from its flags (one per factor) on the map's factors `a` and `b`.
    fn of(flags: &[bool], a: usize, b: usize) -> Status {
        match (flags[a], flags[b]) {
            (true, true) => Status::Both,
            (true, false) => Status::A,
            (false, true) => Status::B,
            _ if flags.iter().any(|&x| x) => Status::Other,
            _ => Status::None,
        }
    }
    fn shape(self) -> Shape {
        match self {
            Status::A | Status::None => Shape::Circle,
            Status::B => Shape::Square,
            Status::Both => Shape::Diamond,
            Status::Other => Shape::Triangle,
        }
    }
    fn filled(self) -> bool {
        matches!(self, Status::A | Status::B | Status::Both)
    }
    fn color(self) -> RGBColor {
        match self {
            Status::A => okabe_ito::BLUE,
            Status::B => okabe_ito::VERMILLION,
            Status::Both => okabe_ito::REDDISH_PURPLE,
            Status::Other => okabe_ito::BLUISH_GREEN,
            Status::None => MUTED,
        }
    }
}

/// Factors `a` and `b` must be two different factors of the results.
fn check_pair(r: &AnalysisResults, a: usize, b: usize) -> Result<(), PlotError> {
    for f in [a, b] {
        view::factor_at(r, f)?;
    }
    if a == b {
        return Err(PlotError::SameFactor {
            factor: r.factors[a].name.clone(),
        });
    }
    Ok(())
}

/// The map's subtitle: the sorts, what is filled, the significance limit `limit`, and the
/// attribute that colours the points, if one does.
fn subtitle(
    r: &AnalysisResults,
    (fa, fb): (&FactorResult, &FactorResult),
    limit: f64,
    attribute: Option<&str>,
) -> String {
    format!(
        "{} sorts. Filled: defining sorts of {} or {}. Dashed: significance limit ±{:.2} (p < {}, {:.2}/√{}).{}",
        r.input.sorts,
        fa.name,
        fb.name,
        limit,
        p_text(r.options.flag_p),
        z_for_p(r.options.flag_p),
        r.input.statements,
        match attribute {
            Some(at) => format!(" Colour: {at}."),
            None => String::new(),
        }
    )
}

impl LoadingsMap {
    pub(crate) fn build(
        r: &AnalysisResults,
        a: usize,
        b: usize,
        options: &PlotOptions,
    ) -> Result<Plot, PlotError> {
        let width = options.checked_width()?;
        check_pair(r, a, b)?;
        let (fa, fb) = (&r.factors[a], &r.factors[b]);
        let attribute = match &options.attribute {
            Some(at) => Some(at.clone()),
            None => view::default_attribute(r),
        };
        let levels = match &attribute {
            Some(at) => Some(view::levels_of(r, at)?),
            None => None,
        };
        let statuses: Vec<Status> = (0..r.input.sorts)
            .map(|i| Status::of(&r.flags[i], a, b))
            .collect();
        let points: Vec<Point> = (0..r.input.sorts)
            .map(|i| {
                let st = statuses[i];
                let color = match &levels {
                    Some((_, of)) => of[i].map_or(MUTED, category),
                    None => st.color(),
                };
                Point {
                    id: r.input.sort_ids[i].clone(),
                    x: r.factor_loadings[i][a],
                    y: r.factor_loadings[i][b],
                    shape: st.shape(),
                    color,
                    filled: st.filled(),
                }
            })
            .collect();
        let range = points
            .iter()
            .map(|p| p.x.abs().max(p.y.abs()))
            .fold(1.0f64, f64::max)
            .ceil();

        let legend = legend_entries(fa, fb, attribute.as_deref(), levels.as_ref(), &statuses);

        let m = r.input.statements as f64;
        let limit = z_for_p(r.options.flag_p) / m.sqrt();
        let s = Scale::for_width(width);
        let height = (f64::from(width) * 0.7).round() as i32;
        let title = format!(
            "Loadings on {} and {}",
            view::factor_caption(fa),
            view::factor_caption(fb)
        );
        let subtitle = subtitle(r, (fa, fb), limit, attribute.as_deref());
        Ok(Plot {
            kind: Kind::Loadings,
            name: qstudy_core::view::file_stem("loadings", &[&fa.name, &fb.name]),
            title: title.clone(),
            size: (width, height as u32),
            svg: Default::default(),
            scene: Scene::Loadings(LoadingsMap {
                title,
                subtitle,
                x_name: view::factor_caption(fa),
                y_name: view::factor_caption(fb),
                points,
                legend,
                limit,
                range,
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
        let (sub_em, tick_em) = (s.font(15.0), s.font(14.0));
        let below = heading(root, pen, s, self.width, &self.title, &self.subtitle)?;
        let top = below + s.px(40.0);
        let bottom = self.height - margin - s.px(56.0);
        let side = bottom - top;
        let left = margin + s.px(64.0);
        let frame = Frame {
            left,
            top,
            right: left + side,
            bottom,
            x: (-self.range, self.range),
            y: (-self.range, self.range),
        };
        let tv = ticks(-self.range, self.range, 11);
        let labels: Vec<(f64, String)> = tv.iter().map(|&v| (v, tick_label(v, 1))).collect();
        let line = s.px(1.0).max(1) as u32;
        grid(
            root,
            pen,
            &frame,
            &labels,
            &labels,
            GridStyle {
                em: tick_em,
                line,
                zero: true,
            },
        )?;
        // axis names
        pen.text(
            root,
            &format!("{} →", self.x_name),
            (frame.right, frame.bottom + (tick_em * 1.9) as i32),
            TextSpec::new(sub_em, INK, HPos::Right, VPos::Top),
        )?;
        pen.text(
            root,
            &format!("↑ {}", self.y_name),
            (frame.left, frame.top - (sub_em * 0.6) as i32),
            TextSpec::new(sub_em, INK, HPos::Left, VPos::Bottom),
        )?;
        self.draw_limits(root, &frame)?;
        self.draw_points(root, pen, &frame)?;
        self.draw_legend(root, pen, &frame)?;
        Ok(())
    }

    /// The significance limits: dashed lines at ± the limit on both axes.
    fn draw_limits<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        frame: &Frame,
    ) -> Result<(), PlotError> {
        let s = self.s;
        let dash = s.px(7.0).max(2);
        let limit_style = LIMIT.stroke_width(s.px(1.5).max(1) as u32);
        for v in [-self.limit, self.limit] {
            dashed(
                root,
                frame.at(v, -self.range),
                frame.at(v, self.range),
                dash,
                limit_style,
            )?;
            dashed(
                root,
                frame.at(-self.range, v),
                frame.at(self.range, v),
                dash,
                limit_style,
            )?;
        }
        Ok(())
    }

    /// The points, then their labels placed around them.
    fn draw_points<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        pen: Pen,
        frame: &Frame,
    ) -> Result<(), PlotError> {
        let s = self.s;
        let label_em = s.font(13.0);
        let radius = s.font(7.5);
        let marker_line = s.font(2.2).max(1.0);
        let pixels: Vec<(i32, i32)> = self.points.iter().map(|p| frame.at(p.x, p.y)).collect();
        for (p, &c) in self.points.iter().zip(&pixels) {
            p.shape
                .draw(root, c, radius, p.color, p.filled, marker_line)?;
        }
        let sizes: Vec<(i32, i32)> = self
            .points
            .iter()
            .map(|p| {
                (
                    text_width(&p.id, label_em).ceil() as i32,
                    (label_em * 1.2) as i32,
                )
            })
            .collect();
        let corners = place_labels(
            &pixels,
            &sizes,
            radius.ceil() as i32,
            (frame.left, frame.top, frame.right, frame.bottom),
        );
        for (p, &(x, y)) in self.points.iter().zip(&corners) {
            let color = if p.filled { INK } else { MUTED };
            pen.left(
                root,
                &p.id,
                (x, y - (label_em * 0.05) as i32),
                label_em,
                color,
            )?;
        }
        Ok(())
    }

    /// The legend right of the frame: the colours and shapes, then the significance limit.
    fn draw_legend<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        pen: Pen,
        frame: &Frame,
    ) -> Result<(), PlotError> {
        let s = self.s;
        let margin = s.px(28.0);
        let legend_em = s.font(15.0);
        let radius = s.font(7.5);
        let marker_line = s.font(2.2).max(1.0);
        let dash = s.px(7.0).max(2);
        let limit_style = LIMIT.stroke_width(s.px(1.5).max(1) as u32);
        // legend
        let lx = frame.right + s.px(48.0);
        let mut ly = frame.top;
        let row = (legend_em * 1.9) as i32;
        let legend_width = f64::from(self.width - margin - lx - s.px(30.0));
        for entry in &self.legend {
            match entry {
                LegendEntry::Heading(h) => {
                    if ly > frame.top {
                        ly += row / 2;
                    }
                    pen.left(
                        root,
                        &fit(h, legend_em, legend_width),
                        (lx, ly),
                        legend_em,
                        MUTED,
                    )?;
                }
                LegendEntry::Marker {
                    shape,
                    color,
                    filled,
                    label,
                } => {
                    let cy = ly + (legend_em * 0.62) as i32;
                    shape.draw(
                        root,
                        (lx + radius.round() as i32, cy),
                        radius,
                        *color,
                        *filled,
                        marker_line,
                    )?;
                    pen.left(
                        root,
                        &fit(label, legend_em, legend_width),
                        (lx + s.px(30.0), ly),
                        legend_em,
                        INK,
                    )?;
                }
            }
            ly += row;
        }
        let note_y = ly + row / 2;
        dashed(
            root,
            (lx, note_y + (legend_em * 0.62) as i32),
            (lx + s.px(22.0), note_y + (legend_em * 0.62) as i32),
            dash / 2 + 1,
            limit_style,
        )?;
        pen.left(
            root,
            &format!("±{:.2} significance limit", self.limit),
            (lx + s.px(30.0), note_y),
            legend_em,
            INK,
        )?;
        Ok(())
    }
}

/// The legend of a loadings map: the levels of the attribute that colours the points (when
/// there is one), then the defining statuses present.
fn legend_entries(
    fa: &FactorResult,
    fb: &FactorResult,
    attribute: Option<&str>,
    levels: Option<&(Vec<String>, Vec<Option<usize>>)>,
    statuses: &[Status],
) -> Vec<LegendEntry> {
    let mut legend = Vec::new();
    let present = |s: Status| statuses.contains(&s);
    let status_label = |s: Status| match s {
        Status::A => format!("defines {}", fa.name),
        Status::B => format!("defines {}", fb.name),
        Status::Both => format!("defines {} and {}", fa.name, fb.name),
        Status::Other => "defines another factor".to_string(),
        Status::None => "defines no factor".to_string(),
    };
    let all = [
        Status::A,
        Status::B,
        Status::Both,
        Status::Other,
        Status::None,
    ];
    match (attribute, levels) {
        (Some(at), Some((names, of))) => {
            legend.push(LegendEntry::Heading(at.to_string()));
            for (l, name) in names.iter().enumerate() {
                let n = of.iter().filter(|x| **x == Some(l)).count();
                legend.push(LegendEntry::Marker {
                    shape: Shape::Circle,
                    color: category(l),
                    filled: true,
                    label: format!("{name} ({n})"),
                });
            }
            let missing = of.iter().filter(|x| x.is_none()).count();
            if missing > 0 {
                legend.push(LegendEntry::Marker {
                    shape: Shape::Circle,
                    color: MUTED,
                    filled: true,
                    label: format!("not given ({missing})"),
                });
            }
            legend.push(LegendEntry::Heading("sort".to_string()));
            for s in all.into_iter().filter(|&s| present(s)) {
                legend.push(LegendEntry::Marker {
                    shape: s.shape(),
                    color: INK,
                    filled: s.filled(),
                    label: status_label(s),
                });
            }
        }
        _ => {
            legend.push(LegendEntry::Heading("sort".to_string()));
            for s in all.into_iter().filter(|&s| present(s)) {
                legend.push(LegendEntry::Marker {
                    shape: s.shape(),
                    color: s.color(),
                    filled: s.filled(),
                    label: status_label(s),
                });
            }
        }
    }
    legend
}

/// Colour of the significance limits: dark grey, apart from every category colour.
const LIMIT: RGBColor = RGBColor(70, 70, 70);

/// `.05`, `.01`, `.001`.
fn p_text(p: f64) -> String {
    let s = format!("{p}");
    s.strip_prefix('0').map_or(s.clone(), str::to_string)
}
