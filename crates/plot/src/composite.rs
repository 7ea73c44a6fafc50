//! The composite sort of a factor: its array laid out on the grid, one card per statement.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use qstudy_core::AnalysisResults;
use qstudy_core::options::FigureSettings;

use crate::style::{
    BAND, INK, MUTED, Pen, RULE, Scale, TextSpec, framed, okabe_ito, text_width, tint, wrap,
};
use crate::view::{self, Direction, Mark};
use crate::{Drawn, Kind, Plot, PlotError, Scene};

/// Most lines of statement text on a card.
const MAX_LINES: usize = 6;

#[derive(Debug, Clone)]
struct Card {
    id: u32,
    lines: Vec<String>,
    mark: Option<Mark>,
    consensus: bool,
}

#[derive(Debug, Clone)]
struct Column {
    value: i64,
    cards: Vec<Card>,
}

/// Lengths in pixels (already scaled).
#[derive(Debug, Clone)]
struct Geometry {
    margin: i32,
    col_width: i32,
    gap: i32,
    head_top: i32,
    head_height: i32,
    cards_top: i32,
    card_height: i32,
    pad: i32,
    legend_top: i32,
    title_em: f64,
    subtitle_em: f64,
    head_em: f64,
    number_em: f64,
    marker_em: f64,
    text_em: f64,
    line_height: i32,
    legend_em: f64,
}

impl Geometry {
    /// The lengths of `ncols` columns across `width` pixels; the cards' height and the
    /// legend's place are left for [`Geometry::with_cards`].
    fn across(
        s: Scale,
        width: i32,
        ncols: i32,
        has_text: bool,
        settings: &FigureSettings,
    ) -> Geometry {
        let margin = s.px(28.0);
        let gap = s.px(7.0);
        let col_width = match settings.card_width {
            Some(card) => s.px(f64::from(card)).max(1),
            None => (width - 2 * margin - gap * (ncols - 1)) / ncols,
        };
        let pad = s.px(8.0).max(3);
        let text_em = s.font(match settings.font_size {
            Some(size) => size,
            None if col_width as f64 / s.0 < 120.0 => 12.5,
            None => 13.5,
        });
        let line_height = (text_em * 1.25).round() as i32;
        let number_em = s.font(if has_text { 17.0 } else { 20.0 });
        let title_em = s.font(30.0);
        let subtitle_em = s.font(16.0);
        let head_top = margin + (title_em * 1.4 + subtitle_em * 1.5 + s.font(20.0)) as i32;
        let head_height = s.px(38.0);
        Geometry {
            margin,
            col_width,
            gap,
            head_top,
            head_height,
            cards_top: head_top + head_height + gap,
            card_height: 0,
            pad,
            legend_top: 0,
            title_em,
            subtitle_em,
            head_em: s.font(21.0),
            number_em,
            marker_em: s.font(16.0),
            text_em,
            line_height,
            legend_em: s.font(15.0),
        }
    }

    /// The cards' height, from the most lines of text on a card, and the legend's place under
    /// the deepest column.
    fn with_cards(mut self, s: Scale, columns: &[Column], has_text: bool) -> Geometry {
        let lines = columns
            .iter()
            .flat_map(|c| &c.cards)
            .map(|c| c.lines.len())
            .max()
            .unwrap_or(0);
        self.card_height = if has_text {
            self.pad * 2 + (self.number_em * 1.3).round() as i32 + self.line_height * lines as i32
        } else {
            self.pad * 2 + (self.number_em * 1.4).round() as i32
        };
        let deepest = columns.iter().map(|c| c.cards.len()).max().unwrap_or(0) as i32;
        self.legend_top = self.cards_top + deepest * (self.card_height + self.gap) + s.px(14.0);
        self
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Composite {
    title: String,
    subtitle: String,
    columns: Vec<Column>,
    has_text: bool,
    any_mixed: bool,
    legend: bool,
    width: i32,
    g: Geometry,
}

impl Composite {
    pub(crate) fn build(
        r: &AnalysisResults,
        f: usize,
        width: u32,
        settings: &FigureSettings,
    ) -> Result<Plot, PlotError> {
        let factor = view::factor_at(r, f)?;
        let (Some(array), Some(z)) = (&factor.array, &factor.zscores) else {
            return Err(PlotError::NoArray {
                factor: factor.name.clone(),
            });
        };
        let s = Scale::for_width(width);
        let mut values: Vec<i64> = r.input.grid.iter().map(|p| p[0]).collect();
        values.extend(array.iter().map(|&v| i64::from(v)));
        values.sort_unstable();
        values.dedup();
        let has_text = !settings.numbers_only
            && (0..array.len()).any(|i| view::statement_caption(r, i).is_some());
        let ncols = values.len() as i32;
        let g = Geometry::across(s, width as i32, ncols, has_text, settings);
        // with a card width, the figure is as wide as its columns
        let width = match settings.card_width {
            Some(card) => {
                let wide = 2 * g.margin + ncols * g.col_width + (ncols - 1) * g.gap;
                if !(1..=*crate::WIDTH_RANGE.end() as i32).contains(&wide) {
                    return Err(PlotError::CardWidth {
                        card,
                        columns: values.len(),
                        width: wide.max(0) as u32,
                    });
                }
                wide as u32
            }
            None => width,
        };
        let inner = f64::from(g.col_width - 2 * g.pad);
        let columns = cards_by_column(
            r,
            f,
            array,
            z,
            &values,
            has_text.then_some(g.text_em),
            inner,
        );
        let any_mixed = columns
            .iter()
            .flat_map(|c| &c.cards)
            .any(|c| c.mark.is_some_and(|m| m.direction == Direction::Mixed));
        let g = g.with_cards(s, &columns, has_text);
        let height = if settings.legend {
            g.legend_top + (g.legend_em * 2.0 * 1.6) as i32 + g.margin
        } else {
            g.legend_top - s.px(14.0) + g.margin
        };
        let title = format!(
            "{} — {}",
            view::factor_caption(factor),
            view::defining_count(factor.defining_sorts.len())
        );
        let grid = format!(
            "{}..{}",
            view::signed(values[0]),
            view::signed(values[values.len() - 1])
        );
        let subtitle = format!(
            "Composite sort: {} statements on the grid {grid}, by z-score within each column. Defining sorts: {}.",
            array.len(),
            factor.defining_sorts.join(", ")
        );
        Ok(Plot {
            kind: Kind::Composite,
            name: qstudy_core::view::file_stem("composite", &[&factor.name]),
            title: title.clone(),
            size: (width, height as u32),
            svg: Default::default(),
            scene: Scene::Composite(Composite {
                title,
                subtitle,
                columns,
                has_text,
                any_mixed,
                legend: settings.legend,
                width: width as i32,
                g,
            }),
        })
    }

    pub(crate) fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        pen: Pen,
    ) -> Result<(), PlotError> {
        let g = &self.g;
        let right = self.width - g.margin;
        let text_width_px = f64::from(right - g.margin);
        pen.left(
            root,
            &crate::style::fit(&self.title, g.title_em, text_width_px),
            (g.margin, g.margin),
            g.title_em,
            INK,
        )?;
        pen.left(
            root,
            &crate::style::fit(&self.subtitle, g.subtitle_em, text_width_px),
            (g.margin, g.margin + (g.title_em * 1.4) as i32),
            g.subtitle_em,
            MUTED,
        )?;
        // ends of the scale, just above the column heads
        let ends_y = g.head_top - (g.subtitle_em * 0.3) as i32;
        pen.text(
            root,
            "◀ most disagree",
            (g.margin, ends_y),
            TextSpec::new(g.subtitle_em, MUTED, HPos::Left, VPos::Bottom),
        )?;
        pen.text(
            root,
            "most agree ▶",
            (right, ends_y),
            TextSpec::new(g.subtitle_em, MUTED, HPos::Right, VPos::Bottom),
        )?;
        for (c, column) in self.columns.iter().enumerate() {
            let x0 = g.margin + c as i32 * (g.col_width + g.gap);
            let x1 = x0 + g.col_width;
            root.draw(&Rectangle::new(
                [(x0, g.head_top), (x1, g.head_top + g.head_height)],
                BAND.filled(),
            ))
            .drawn()?;
            pen.text(
                root,
                &view::signed(column.value),
                ((x0 + x1) / 2, g.head_top + g.head_height / 2),
                TextSpec::new(g.head_em, INK, HPos::Center, VPos::Center),
            )?;
            for (k, card) in column.cards.iter().enumerate() {
                let y0 = g.cards_top + k as i32 * (g.card_height + g.gap);
                self.draw_card(root, pen, card, (x0, y0))?;
            }
        }
        if self.legend {
            self.draw_legend(root, pen)?;
        }
        Ok(())
    }

    fn draw_card<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        pen: Pen,
        card: &Card,
        (x0, y0): (i32, i32),
    ) -> Result<(), PlotError> {
        let g = &self.g;
        let (x1, y1) = (x0 + g.col_width, y0 + g.card_height);
        let style = CardStyle::of(card.mark, card.consensus);
        let weight = (f64::from(g.pad) / 5.0 * style.weight).round().max(1.0) as i32;
        framed(root, (x0, y0), (x1, y1), style.fill, style.border, weight)?;
        let number = card.id.to_string();
        if self.has_text {
            pen.left(root, &number, (x0 + g.pad, y0 + g.pad), g.number_em, INK)?;
        } else {
            pen.text(
                root,
                &number,
                ((x0 + x1) / 2, (y0 + y1) / 2),
                TextSpec::new(g.number_em, INK, HPos::Center, VPos::Center),
            )?;
        }
        let marker = marker_text(card.mark, card.consensus);
        if !marker.is_empty() {
            pen.text(
                root,
                &marker,
                (x1 - g.pad, y0 + g.pad),
                TextSpec::new(g.marker_em, style.ink, HPos::Right, VPos::Top),
            )?;
        }
        let mut y = y0 + g.pad + (g.number_em * 1.3).round() as i32;
        for line in &card.lines {
            pen.left(root, line, (x0 + g.pad, y), g.text_em, INK)?;
            y += g.line_height;
        }
        Ok(())
    }

    fn draw_legend<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        pen: Pen,
    ) -> Result<(), PlotError> {
        let g = &self.g;
        let mark = |direction, p| Some(Some(Mark { direction, p }));
        let mut entries: Vec<(Option<Option<Mark>>, &str)> = vec![
            (
                mark(Direction::Higher, 0.01),
                "ranked higher than in every other factor",
            ),
            (
                mark(Direction::Lower, 0.05),
                "ranked lower than in every other factor",
            ),
        ];
        if self.any_mixed {
            entries.push((
                mark(Direction::Mixed, 0.05),
                "differs from every other factor, higher than some and lower than others",
            ));
        }
        // the consensus swatch: no mark, consensus
        entries.push((Some(None), "consensus: no two factors differ at p < .01"));
        entries.push((None, "** p < .01, * p < .05"));
        let em = g.legend_em;
        let swatch_w = (em * 3.4) as i32;
        let swatch_h = (em * 1.5) as i32;
        let row_h = (em * 1.9) as i32;
        let right = self.width - g.margin;
        let (mut x, mut y) = (g.margin, g.legend_top);
        for (swatch, label) in entries {
            let label_w = text_width(label, em) as i32;
            let item_w = match swatch {
                Some(_) => swatch_w + (em * 0.5) as i32 + label_w,
                None => label_w,
            };
            if x > g.margin && x + item_w > right {
                x = g.margin;
                y += row_h;
            }
            if let Some(mark) = swatch {
                let consensus = mark.is_none();
                let style = CardStyle::of(mark, consensus);
                let weight = (em / 9.0 * style.weight).round().max(1.0) as i32;
                framed(
                    root,
                    (x, y),
                    (x + swatch_w, y + swatch_h),
                    style.fill,
                    style.border,
                    weight,
                )?;
                pen.text(
                    root,
                    &marker_text(mark, consensus),
                    (x + swatch_w / 2, y + swatch_h / 2),
                    TextSpec::new(em, style.ink, HPos::Center, VPos::Center),
                )?;
                x += swatch_w + (em * 0.5) as i32;
            }
            pen.text(
                root,
                label,
                (x, y + swatch_h / 2),
                TextSpec::new(em, INK, HPos::Left, VPos::Center),
            )?;
            x += label_w + (em * 2.0) as i32;
        }
        Ok(())
    }
}

/// The statements of factor `f` in the grid's columns (`values`), highest z-score first, their
/// texts wrapped to `inner` pixels at `text_em` (no text when `None`: numbers only).
fn cards_by_column(
    r: &AnalysisResults,
    f: usize,
    array: &[i32],
    z: &[f64],
    values: &[i64],
    text_em: Option<f64>,
    inner: f64,
) -> Vec<Column> {
    // statements in each column, highest z first
    let mut order: Vec<usize> = (0..array.len()).collect();
    order.sort_by(|&a, &b| z[b].total_cmp(&z[a]).then(a.cmp(&b)));
    let mut columns: Vec<Column> = values
        .iter()
        .map(|&value| Column {
            value,
            cards: Vec::new(),
        })
        .collect();
    for i in order {
        let c = values
            .iter()
            .position(|&v| v == i64::from(array[i]))
            .expect("every array value is a column");
        let lines = view::statement_caption(r, i)
            .zip(text_em)
            .map(|(t, em)| wrap(t, em, inner, MAX_LINES))
            .unwrap_or_default();
        columns[c].cards.push(Card {
            id: r.input.statement_ids[i],
            lines,
            mark: view::mark(r, f, i),
            consensus: view::consensus(r, i).is_some(),
        });
    }
    columns
}

/// `▲**`, `▼*`, `◆*`, with ` ≈` for a consensus statement.
fn marker_text(mark: Option<Mark>, consensus: bool) -> String {
    let mut s = mark
        .map(|m| format!("{}{}", m.symbol(), m.stars()))
        .unwrap_or_default();
    if consensus {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push('≈');
    }
    s
}

struct CardStyle {
    fill: RGBColor,
    border: RGBColor,
    ink: RGBColor,
    weight: f64,
}

impl CardStyle {
    fn of(mark: Option<Mark>, consensus: bool) -> CardStyle {
        match mark.map(|m| m.direction) {
            Some(d) => {
                let c = match d {
                    Direction::Higher => okabe_ito::BLUE,
                    Direction::Lower => okabe_ito::VERMILLION,
                    Direction::Mixed => okabe_ito::REDDISH_PURPLE,
                };
                CardStyle {
                    fill: tint(c, 0.16),
                    border: c,
                    ink: c,
                    weight: 2.0,
                }
            }
            None if consensus => CardStyle {
                fill: RGBColor(232, 232, 232),
                border: MUTED,
                ink: INK,
                weight: 1.0,
            },
            None => CardStyle {
                fill: WHITE,
                border: RULE,
                ink: INK,
                weight: 1.0,
            },
        }
    }
}
