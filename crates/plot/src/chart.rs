//! What the charts (loadings map, scree, z-scores, group make-up) share: a plotting frame
//! mapping data to pixels, grid lines and tick labels drawn with the [`Pen`], and
//! point markers that render the same in SVG and PNG.

use plotters::coord::Shift;
use plotters::coord::ranged1d::{KeyPointHint, Ranged};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use crate::style::{INK, MUTED, Pen, RULE, Scale, TextSpec, fit, wrap};
use crate::{Drawn, PlotError};

/// Outer margin, title and subtitle sizes of the charts at the reference width.
const MARGIN: f64 = 28.0;
const TITLE_EM: f64 = 26.0;
const SUBTITLE_EM: f64 = 15.0;

/// The subtitle wrapped into at most two lines.
fn subtitle_lines(s: Scale, width: i32, subtitle: &str) -> Vec<String> {
    let room = f64::from(width - 2 * s.px(MARGIN));
    wrap(subtitle, s.font(SUBTITLE_EM), room, 2)
}

/// Height of the chart heading (margin, title, subtitle): where the chart's content starts.
pub(crate) fn heading_height(s: Scale, width: i32, subtitle: &str) -> i32 {
    let lines = subtitle_lines(s, width, subtitle).len() as f64;
    s.px(MARGIN) + (s.font(TITLE_EM) * 1.45 + s.font(SUBTITLE_EM) * 1.6 * lines) as i32
}

/// Draws the title and the subtitle (up to two lines) of a chart `width` pixels wide; returns
/// [`heading_height`].
pub(crate) fn heading<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    pen: Pen,
    s: Scale,
    width: i32,
    title: &str,
    subtitle: &str,
) -> Result<i32, PlotError> {
    let margin = s.px(MARGIN);
    let (title_em, sub_em) = (s.font(TITLE_EM), s.font(SUBTITLE_EM));
    let room = f64::from(width - 2 * margin);
    pen.left(
        root,
        &fit(title, title_em, room),
        (margin, margin),
        title_em,
        INK,
    )?;
    let mut y = margin + (title_em * 1.45) as i32;
    for line in subtitle_lines(s, width, subtitle) {
        pen.left(root, &line, (margin, y), sub_em, MUTED)?;
        y += (sub_em * 1.6) as i32;
    }
    Ok(heading_height(s, width, subtitle))
}

/// Nice tick values (plotters' key points) in `min..=max`, about `n` of them.
pub(crate) fn ticks(min: f64, max: f64, n: usize) -> Vec<f64> {
    RangedCoordf64::from(min..max).key_points(KeyPointHint::max_num_points(&n))
}

/// A tick label: shortest of the given decimals, typographic minus, no `-0`.
pub fn tick_label(v: f64, decimals: usize) -> String {
    let v = if v.abs() < 1e-12 { 0.0 } else { v };
    let s = format!("{v:.decimals$}");
    match s.strip_prefix('-') {
        Some(rest) => format!("−{rest}"),
        None => s,
    }
}

/// The pixel rectangle of a plot and the data ranges it shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Frame {
    /// Left, top, right, bottom in pixels.
    pub left: i32,
    pub top: i32,
    pub right: i32,
    pub bottom: i32,
    pub x: (f64, f64),
    pub y: (f64, f64),
}

impl Frame {
    /// Pixel of data point (`x`, `y`).
    pub(crate) fn at(&self, x: f64, y: f64) -> (i32, i32) {
        let fx = (x - self.x.0) / (self.x.1 - self.x.0);
        let fy = (y - self.y.0) / (self.y.1 - self.y.0);
        (
            self.left + (fx * f64::from(self.right - self.left)).round() as i32,
            self.bottom - (fy * f64::from(self.bottom - self.top)).round() as i32,
        )
    }
}

/// How grid lines and their tick labels are drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct GridStyle {
    /// The tick labels' em size.
    pub em: f64,
    /// The lines' width in pixels.
    pub line: u32,
    /// Whether the line at 0 is darker.
    pub zero: bool,
}

/// A vertical grid line across `f` at `x`: darker at 0 when `zero` is set.
fn vertical_rule<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    f: &Frame,
    x: f64,
    line: u32,
    zero: bool,
) -> Result<i32, PlotError> {
    let (px, _) = f.at(x, 0.0);
    let color = if zero && x.abs() < 1e-12 { MUTED } else { RULE };
    root.draw(&PathElement::new(
        vec![(px, f.top), (px, f.bottom)],
        color.stroke_width(line),
    ))
    .drawn()?;
    Ok(px)
}

/// Draws vertical grid lines with labels below the frame at `xs`, and horizontal ones with
/// labels left of it at `ys`.
pub(crate) fn grid<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    pen: Pen,
    f: &Frame,
    xs: &[(f64, String)],
    ys: &[(f64, String)],
    style: GridStyle,
) -> Result<(), PlotError> {
    let GridStyle { em, line, zero } = style;
    let gap = (em * 0.5) as i32;
    let (color, h, v) = (INK, HPos::Center, VPos::Top);
    for (x, label) in xs {
        let px = vertical_rule(root, f, *x, line, zero)?;
        pen.text(
            root,
            label,
            (px, f.bottom + gap),
            TextSpec { em, color, h, v },
        )?;
    }
    let (h, v) = (HPos::Right, VPos::Center);
    for (y, label) in ys {
        let (_, py) = f.at(0.0, *y);
        let color = if zero && y.abs() < 1e-12 { MUTED } else { RULE };
        root.draw(&PathElement::new(
            vec![(f.left, py), (f.right, py)],
            color.stroke_width(line),
        ))
        .drawn()?;
        pen.text(
            root,
            label,
            (f.left - gap, py),
            TextSpec::new(em, INK, h, v),
        )?;
    }
    Ok(())
}

/// A z-score axis across `f`: a vertical grid line at each of `values` (darker at 0), each
/// labelled below and above the frame, and `z-score` under the lower labels.
pub(crate) fn z_axis<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    pen: Pen,
    s: Scale,
    f: &Frame,
    values: &[f64],
    tick_em: f64,
) -> Result<(), PlotError> {
    let grid_line = s.px(1.0).max(1) as u32;
    let (color, h) = (INK, HPos::Center);
    for &v in values {
        let px = vertical_rule(root, f, v, grid_line, true)?;
        let label = tick_label(v, if (v * 2.0).fract().abs() > 1e-9 { 2 } else { 1 });
        let below = TextSpec::new(tick_em, color, h, VPos::Top);
        pen.text(root, &label, (px, f.bottom + s.px(6.0)), below)?;
        let above = TextSpec::new(tick_em, color, h, VPos::Bottom);
        pen.text(root, &label, (px, f.top - s.px(6.0)), above)?;
    }
    let caption = TextSpec::new(s.font(SUBTITLE_EM), color, h, VPos::Top);
    let at = (
        (f.left + f.right) / 2,
        f.bottom + s.px(6.0) + (tick_em * 1.5) as i32,
    );
    pen.text(root, "z-score", at, caption)
}

/// A dashed line from `a` to `b` (pixels).
pub(crate) fn dashed<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    a: (i32, i32),
    b: (i32, i32),
    dash: i32,
    style: ShapeStyle,
) -> Result<(), PlotError> {
    let (dx, dy) = (f64::from(b.0 - a.0), f64::from(b.1 - a.1));
    let len = (dx * dx + dy * dy).sqrt();
    let steps = (len / f64::from(2 * dash.max(1))).ceil() as i32;
    for k in 0..steps {
        let t0 = f64::from(2 * k * dash) / len;
        let t1 = (f64::from((2 * k + 1) * dash) / len).min(1.0);
        let p = |t: f64| (a.0 + (dx * t).round() as i32, a.1 + (dy * t).round() as i32);
        root.draw(&PathElement::new(vec![p(t0), p(t1)], style))
            .drawn()?;
    }
    Ok(())
}

/// Marker shapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    Circle,
    Square,
    Triangle,
    Diamond,
    TriangleDown,
}

impl Shape {
    /// Shapes in the order categories use them.
    pub(crate) const ALL: [Shape; 5] = [
        Shape::Circle,
        Shape::Square,
        Shape::Triangle,
        Shape::Diamond,
        Shape::TriangleDown,
    ];

    /// The outline of the shape at `c` with "radius" `r` (a polygon; circles are drawn as
    /// circles).
    fn polygon(self, (x, y): (i32, i32), r: f64) -> Vec<(i32, i32)> {
        let p = |dx: f64, dy: f64| (x + dx.round() as i32, y + dy.round() as i32);
        match self {
            Shape::Circle => Vec::new(),
            Shape::Square => {
                let h = r * 0.88;
                vec![p(-h, -h), p(h, -h), p(h, h), p(-h, h)]
            }
            Shape::Triangle => vec![
                p(0.0, -r * 1.15),
                p(r * 1.05, r * 0.7),
                p(-r * 1.05, r * 0.7),
            ],
            Shape::TriangleDown => {
                vec![
                    p(0.0, r * 1.15),
                    p(r * 1.05, -r * 0.7),
                    p(-r * 1.05, -r * 0.7),
                ]
            }
            Shape::Diamond => vec![
                p(0.0, -r * 1.2),
                p(r * 1.2, 0.0),
                p(0.0, r * 1.2),
                p(-r * 1.2, 0.0),
            ],
        }
    }

    fn fill<DB: DrawingBackend>(
        self,
        root: &DrawingArea<DB, Shift>,
        c: (i32, i32),
        r: f64,
        color: RGBColor,
    ) -> Result<(), PlotError> {
        match self {
            Shape::Circle => root
                .draw(&Circle::new(c, r.round().max(1.0) as i32, color.filled()))
                .drawn(),
            _ => root
                .draw(&Polygon::new(self.polygon(c, r), color.filled()))
                .drawn(),
        }
    }

    /// Draws the marker: filled, or hollow with an outline `line` pixels wide (drawn as a
    /// filled shape with a white one inside, the same in SVG and PNG).
    pub(crate) fn draw<DB: DrawingBackend>(
        self,
        root: &DrawingArea<DB, Shift>,
        c: (i32, i32),
        r: f64,
        color: RGBColor,
        filled: bool,
        line: f64,
    ) -> Result<(), PlotError> {
        self.fill(root, c, r, color)?;
        if !filled {
            let inner = r - line * if self == Shape::Circle { 1.0 } else { 1.6 };
            if inner > 0.5 {
                self.fill(root, c, inner, WHITE)?;
            }
        }
        Ok(())
    }
}

/// Places labels next to points without overlapping each other or the points: for each point
/// in order, the first of eight positions around it that collides with nothing placed so far,
/// or the least-overlapping one. Returns the top-left corner of each label.
///
/// The overlap of a candidate with what is placed is summed over the rectangles near it only
/// (a grid of buckets), not over every rectangle: the same integer sums as comparing with all
/// of them, so the same places, in time that grows with the crowding rather than with `n^2`.
pub(crate) fn place_labels(
    points: &[(i32, i32)],
    sizes: &[(i32, i32)],
    radius: i32,
    bounds: (i32, i32, i32, i32),
) -> Vec<(i32, i32)> {
    let taken = Buckets::new(bounds, points.len() * 2);
    place_labels_in(taken, points, sizes, radius, bounds)
}

/// The rectangles placed so far, and their overlap with a candidate.
trait Placed {
    /// Adds rectangle number `len` (markers first, then labels).
    fn push(&mut self, r: Rect);
    /// The sum of [`overlap`] of `q` with every rectangle but the one numbered `skip`.
    fn overlap_sum(&self, q: &Rect, skip: usize) -> i64;
}

/// The area two rectangles share.
fn overlap(a: &Rect, b: &Rect) -> i64 {
    let w = (a.2.min(b.2) - a.0.max(b.0)).max(0);
    let h = (a.3.min(b.3) - a.1.max(b.1)).max(0);
    i64::from(w) * i64::from(h)
}

/// [`place_labels`] with the placed rectangles kept in `taken`.
fn place_labels_in(
    mut taken: impl Placed,
    points: &[(i32, i32)],
    sizes: &[(i32, i32)],
    radius: i32,
    bounds: (i32, i32, i32, i32),
) -> Vec<(i32, i32)> {
    for &(x, y) in points {
        taken.push((x - radius, y - radius, x + radius, y + radius));
    }
    let mut out = Vec::with_capacity(points.len());
    for (i, (&(x, y), &(w, h))) in points.iter().zip(sizes).enumerate() {
        let d = radius + 3;
        let candidates = [
            (x + d, y - h / 2),
            (x - d - w, y - h / 2),
            (x - w / 2, y - d - h),
            (x - w / 2, y + d),
            (x + d, y - d - h + 2),
            (x + d, y + d - 2),
            (x - d - w, y - d - h + 2),
            (x - d - w, y + d - 2),
        ];
        let mut best = (i64::MAX, candidates[0]);
        for &(cx, cy) in &candidates {
            let rect = (cx, cy, cx + w, cy + h);
            let outside =
                rect.0 < bounds.0 || rect.1 < bounds.1 || rect.2 > bounds.2 || rect.3 > bounds.3;
            // every rectangle but the point's own marker (rectangle `i`)
            let mut cost: i64 = taken.overlap_sum(&rect, i);
            if outside {
                cost += i64::from(w) * i64::from(h) * 4;
            }
            if cost < best.0 {
                best = (cost, (cx, cy));
            }
            if cost == 0 {
                break;
            }
        }
        let (cx, cy) = best.1;
        taken.push((cx, cy, cx + w, cy + h));
        out.push((cx, cy));
    }
    out
}

/// A rectangle: left, top, right, bottom.
type Rect = (i32, i32, i32, i32);

/// Rectangles, each listed in every bucket (a square of [`Buckets::CELL`] pixels of the
/// plot) it touches; coordinates outside the plot fall in the edge buckets.
struct Buckets {
    rects: Vec<Rect>,
    lists: Vec<Vec<u32>>,
    origin: (i32, i32),
    cols: i32,
    rows: i32,
}

impl Buckets {
    const CELL: i32 = 48;

    fn new(bounds: Rect, capacity: usize) -> Self {
        let cols = ((bounds.2 - bounds.0).max(0) / Self::CELL + 1).min(1024);
        let rows = ((bounds.3 - bounds.1).max(0) / Self::CELL + 1).min(1024);
        Buckets {
            rects: Vec::with_capacity(capacity),
            lists: vec![Vec::new(); (cols * rows) as usize],
            origin: (bounds.0, bounds.1),
            cols,
            rows,
        }
    }

    fn col(&self, x: i32) -> i32 {
        ((x - self.origin.0).div_euclid(Self::CELL)).clamp(0, self.cols - 1)
    }

    fn row(&self, y: i32) -> i32 {
        ((y - self.origin.1).div_euclid(Self::CELL)).clamp(0, self.rows - 1)
    }
}

impl Placed for Buckets {
    fn push(&mut self, r: Rect) {
        let id = self.rects.len() as u32;
        self.rects.push(r);
        for row in self.row(r.1)..=self.row(r.3) {
            for col in self.col(r.0)..=self.col(r.2) {
                self.lists[(row * self.cols + col) as usize].push(id);
            }
        }
    }

    /// Each rectangle that overlaps `q` is counted once: in the bucket of the top-left corner
    /// of their intersection (in both rectangles' buckets, as the buckets are monotone).
    fn overlap_sum(&self, q: &Rect, skip: usize) -> i64 {
        let mut sum = 0;
        for row in self.row(q.1)..=self.row(q.3) {
            for col in self.col(q.0)..=self.col(q.2) {
                for &id in &self.lists[(row * self.cols + col) as usize] {
                    let t = &self.rects[id as usize];
                    if id as usize == skip
                        || self.col(q.0.max(t.0)) != col
                        || self.row(q.1.max(t.1)) != row
                    {
                        continue;
                    }
                    sum += overlap(q, t);
                }
            }
        }
        sum
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_labels_use_a_minus_and_no_negative_zero() {
        assert_eq!(tick_label(-0.5, 1), "−0.5");
        assert_eq!(tick_label(-0.0, 1), "0.0");
        assert_eq!(tick_label(2.0, 0), "2");
    }

    #[test]
    fn ticks_are_nice() {
        let t = ticks(-1.0, 1.0, 11);
        assert!(t.iter().any(|v| v.abs() < 1e-12));
        assert!(t.len() >= 5 && t.len() <= 11, "{t:?}");
    }

    #[test]
    fn labels_avoid_each_other() {
        let points = [(100, 100), (104, 100), (100, 104)];
        let sizes = [(40, 14); 3];
        let at = place_labels(&points, &sizes, 5, (0, 0, 400, 400));
        for i in 0..3 {
            for j in i + 1..3 {
                let (a, b) = (at[i], at[j]);
                let disjoint =
                    a.0 + 40 <= b.0 || b.0 + 40 <= a.0 || a.1 + 14 <= b.1 || b.1 + 14 <= a.1;
                assert!(disjoint, "{at:?}");
            }
        }
    }

    /// The store of before the buckets: every rectangle compared with every other.
    impl Placed for Vec<Rect> {
        fn push(&mut self, r: Rect) {
            Vec::push(self, r);
        }
        fn overlap_sum(&self, q: &Rect, skip: usize) -> i64 {
            self.iter()
                .enumerate()
                .filter(|&(j, _)| j != skip)
                .map(|(_, t)| overlap(q, t))
                .sum()
        }
    }

    fn place_labels_quadratic(
        points: &[(i32, i32)],
        sizes: &[(i32, i32)],
        radius: i32,
        bounds: (i32, i32, i32, i32),
    ) -> Vec<(i32, i32)> {
        place_labels_in(Vec::<Rect>::new(), points, sizes, radius, bounds)
    }

    #[test]
    fn bucketed_placement_is_the_quadratic_one() {
        // crowded and sparse points, some near and beyond the edges, labels of many sizes
        let mut state = 12345u64;
        let mut next = |m: i32| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 33) % m as u64) as i32
        };
        for (n, spread) in [(50, 400), (400, 200), (600, 900), (300, 60)] {
            let points: Vec<(i32, i32)> = (0..n)
                .map(|_| (next(spread) - 20, next(spread) - 20))
                .collect();
            let sizes: Vec<(i32, i32)> = (0..n).map(|_| (10 + next(90), 8 + next(10))).collect();
            let bounds = (0, 0, 400, 380);
            assert_eq!(
                place_labels(&points, &sizes, 5, bounds),
                place_labels_quadratic(&points, &sizes, 5, bounds),
                "{n} points over {spread} px"
            );
        }
    }

    #[test]
    fn frame_maps_corners() {
        let f = Frame {
            left: 10,
            top: 20,
            right: 110,
            bottom: 220,
            x: (-1.0, 1.0),
            y: (0.0, 2.0),
        };
        assert_eq!(f.at(-1.0, 0.0), (10, 220));
        assert_eq!(f.at(1.0, 2.0), (110, 20));
        assert_eq!(f.at(0.0, 1.0), (60, 120));
    }
}
