//! The look shared by every figure: the bundled font, the colour-blind-safe palette, sizes
//! that scale with the figure's width, text measurement and wrapping.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Once, OnceLock};

use ab_glyph::{Font, FontRef, Glyph, GlyphId, Outline, OutlinedGlyph, PxScale, ScaleFont, point};

use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, DrawingBackend};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, FontStyle, IntoFont, RGBColor, TextStyle};

use crate::{Drawn, PlotError};

/// The font every figure is drawn with: DejaVu Sans 2.37, bundled (see `assets/README.md`).
pub const FONT_TTF: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");

/// The font family name written into SVG `<text>` elements and registered with plotters. It is
/// a CSS font list, so a standalone SVG falls back to the viewer's sans-serif when DejaVu Sans
/// is not installed (DejaVu Sans is wide: layouts measured with it fit narrower fonts), and
/// the HTML report declares `DejaVu Sans` with an `@font-face` holding [`FONT_TTF`].
pub const FONT_FAMILY: &str = "DejaVu Sans, sans-serif";

/// Registers [`FONT_TTF`] with plotters under [`FONT_FAMILY`] (once per process).
pub(crate) fn ensure_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The bundled font is a valid TrueType file; a failure here is a build defect.
        if plotters::style::register_font(FONT_FAMILY, FontStyle::Normal, FONT_TTF).is_err() {
            panic!("the bundled DejaVu Sans font could not be parsed");
        }
    });
}

/// The Okabe-Ito palette (Okabe & Ito 2008), distinguishable with every common colour-vision
/// deficiency.
pub mod okabe_ito {
    use plotters::style::RGBColor;
    /// Black.
    pub const BLACK: RGBColor = RGBColor(0, 0, 0);
    /// Orange.
    pub const ORANGE: RGBColor = RGBColor(230, 159, 0);
    /// Sky blue.
    pub const SKY_BLUE: RGBColor = RGBColor(86, 180, 233);
    /// Bluish green.
    pub const BLUISH_GREEN: RGBColor = RGBColor(0, 158, 115);
    /// Yellow.
    pub const YELLOW: RGBColor = RGBColor(240, 228, 66);
    /// Blue.
    pub const BLUE: RGBColor = RGBColor(0, 114, 178);
    /// Vermillion.
    pub const VERMILLION: RGBColor = RGBColor(213, 94, 0);
    /// Reddish purple.
    pub const REDDISH_PURPLE: RGBColor = RGBColor(204, 121, 167);
}

/// Colours for categories (factors, attribute levels), in order: every one readable on white
/// (the palette's yellow is left out).
pub const CATEGORICAL: [RGBColor; 7] = [
    okabe_ito::BLUE,
    okabe_ito::VERMILLION,
    okabe_ito::BLUISH_GREEN,
    okabe_ito::REDDISH_PURPLE,
    okabe_ito::ORANGE,
    okabe_ito::SKY_BLUE,
    okabe_ito::BLACK,
];

/// The `i`-th categorical colour (cycling).
pub(crate) fn category(i: usize) -> RGBColor {
    CATEGORICAL[i % CATEGORICAL.len()]
}

/// Text colour.
pub(crate) const INK: RGBColor = RGBColor(33, 33, 33);
/// Secondary text.
pub(crate) const MUTED: RGBColor = RGBColor(100, 100, 100);
/// Rules, borders, grid lines.
pub(crate) const RULE: RGBColor = RGBColor(190, 190, 190);
/// Light background bands.
pub(crate) const BAND: RGBColor = RGBColor(244, 244, 244);

/// `c` mixed with white: `amount` 0 = white, 1 = `c`.
pub(crate) fn tint(c: RGBColor, amount: f64) -> RGBColor {
    let mix = |v: u8| (255.0 - (255.0 - f64::from(v)) * amount).round() as u8;
    RGBColor(mix(c.0), mix(c.1), mix(c.2))
}

/// Sizes in pixels of a figure drawn `width` pixels wide: every length is given for the
/// reference width of 1600 px and scaled.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Scale(pub f64);

impl Scale {
    pub(crate) fn for_width(width: u32) -> Scale {
        Scale(f64::from(width) / 1600.0)
    }
    /// A length in pixels, rounded.
    pub(crate) fn px(self, v: f64) -> i32 {
        (v * self.0).round() as i32
    }
    /// A font size in plotters' units.
    pub(crate) fn font(self, v: f64) -> f64 {
        v * self.0
    }
}

/// ab_glyph's pixel scale of DejaVu Sans per em: (ascender - descender) / units per em =
/// (1901 + 483) / 2048. plotters' bitmap backend draws text at that scale.
pub(crate) const SCALE_PER_EM: f64 = 2384.0 / 2048.0;
/// plotters' SVG backend writes `font-size = size / 1.24`.
const SVG_SIZE_PER_EM: f64 = 1.24;
/// x-height of DejaVu Sans in em (1120 / 2048): CSS's `ex`.
const X_HEIGHT: f64 = 1120.0 / 2048.0;

/// The bundled font, parsed once.
fn face() -> &'static FontRef<'static> {
    crate::fonts::primary()
}

/// Which font draws a glyph: the bundled one, or fallback face `i` of the machine
/// ([`crate::fonts`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum FaceId {
    /// DejaVu Sans, bundled.
    Bundled,
    /// A font of the machine.
    Fallback(usize),
}

/// `face.outline_glyph(glyph)` with the glyph's outline parsed once per thread: the same
/// curves, scale and position, so the same pixels, without reading the `glyf` table again for
/// every character drawn.
fn outlined(face: FaceId, glyph: Glyph) -> Option<OutlinedGlyph> {
    thread_local! {
        static OUTLINES: RefCell<HashMap<(FaceId, GlyphId), Option<Outline>>> = RefCell::new(HashMap::new());
    }
    let outline = OUTLINES.with(|cache| {
        cache
            .borrow_mut()
            .entry((face, glyph.id))
            .or_insert_with(|| match face {
                FaceId::Bundled => self::face().outline(glyph.id),
                FaceId::Fallback(i) => crate::fonts::fallback(i)?.font.outline(glyph.id),
            })
            .clone()
    })?;
    let scale_factor = match face {
        FaceId::Bundled => self::face().as_scaled(glyph.scale).scale_factor(),
        FaceId::Fallback(i) => crate::fonts::fallback(i)?
            .font
            .as_scaled(glyph.scale)
            .scale_factor(),
    };
    Some(OutlinedGlyph::new(glyph, outline, scale_factor))
}

/// The font and glyph that draw `c`: the bundled font's when it has it (or when no font of
/// the machine has it: its empty box), else the machine's first font that has it.
fn glyph_of(c: char) -> (FaceId, GlyphId) {
    let id = face().glyph_id(c);
    if id.0 != 0 || crate::fonts::bundled_has(c) {
        return (FaceId::Bundled, id);
    }
    match crate::fonts::fallback_for(c) {
        Some((i, f)) => (FaceId::Fallback(i), f.font.glyph_id(c)),
        None => (FaceId::Bundled, id),
    }
}

/// The advance of `glyph` of `font_id` at an em size of `em` pixels, and its pixel scale.
fn advance(font_id: FaceId, glyph: GlyphId, em: f64) -> (f32, PxScale) {
    match font_id {
        FaceId::Bundled => {
            let scale = PxScale::from((em * SCALE_PER_EM) as f32);
            (face().as_scaled(scale).h_advance(glyph), scale)
        }
        FaceId::Fallback(i) => match crate::fonts::fallback(i) {
            Some(f) => {
                let scale = PxScale::from(em as f32 * f.scale_per_em);
                (f.font.as_scaled(scale).h_advance(glyph), scale)
            }
            None => (0.0, PxScale::from(em as f32)),
        },
    }
}

/// A glyph laid out: its font, its id, its pixel scale and its caret.
type Placed = (FaceId, GlyphId, PxScale, f32);

/// The glyphs of `chars` and the caret after each (`carets[0] = 0`) at an em size of `em`:
/// bundled glyphs kerned with the bundled glyph before them, as ab_glyph lays them out.
fn advances(chars: &[char], em: f64) -> (Vec<Placed>, Vec<f32>) {
    let scale = PxScale::from((em * SCALE_PER_EM) as f32);
    let bundled = face().as_scaled(scale);
    let mut caret = 0.0f32;
    let mut carets = Vec::with_capacity(chars.len() + 1);
    carets.push(caret);
    let mut glyphs: Vec<Placed> = Vec::with_capacity(chars.len());
    for &c in chars {
        let (font_id, id) = glyph_of(c);
        if font_id == FaceId::Bundled
            && let Some(&(FaceId::Bundled, p, _, _)) = glyphs.last()
        {
            caret += bundled.kern(p, id);
        }
        let (advance, glyph_scale) = if font_id == FaceId::Bundled {
            (bundled.h_advance(id), scale)
        } else {
            advance(font_id, id, em)
        };
        glyphs.push((font_id, id, glyph_scale, caret));
        caret += advance;
        carets.push(caret);
    }
    (glyphs, carets)
}

/// [`FONT_TTF`] in base64, as the report's `@font-face` embeds it (encoded once per process).
pub fn font_base64() -> &'static str {
    static B64: OnceLock<String> = OnceLock::new();
    B64.get_or_init(|| {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(FONT_TTF)
    })
}

/// Lays `s` out on one line at an em size of `em` pixels, the origin on the baseline: the
/// glyphs (advances and kerning), each with the font that draws it, and the advance width.
fn layout(s: &str, em: f64) -> (Vec<(FaceId, Glyph)>, f32) {
    let chars: Vec<char> = s.chars().collect();
    let (glyphs, carets) = advances(&chars, em);
    let width = carets.last().copied().unwrap_or(0.0);
    let glyphs = glyphs
        .into_iter()
        .map(|(f, id, scale, x)| (f, id.with_scale_and_position(scale, point(x, 0.0))))
        .collect();
    (glyphs, width)
}

/// Width in pixels of `s` at an em size of `em` pixels.
pub(crate) fn text_width(s: &str, em: f64) -> f64 {
    f64::from(layout(s, em).1)
}

/// How a text is set: its em size in pixels (the CSS `font-size`), its colour, and which point
/// of it (`h`, `v`) stands at the position it is drawn at.
#[derive(Clone, Copy)]
pub(crate) struct TextSpec {
    /// Em size in pixels.
    pub em: f64,
    /// Colour.
    pub color: RGBColor,
    /// Horizontal anchor.
    pub h: HPos,
    /// Vertical anchor.
    pub v: VPos,
}

impl TextSpec {
    /// `em` pixels of `color`, anchored at (`h`, `v`).
    pub(crate) fn new(em: f64, color: RGBColor, h: HPos, v: VPos) -> Self {
        TextSpec { em, color, h, v }
    }
}

/// Draws text the same way in SVG and PNG. Sizes are em sizes in pixels (the CSS
/// `font-size`). SVG text is plotters' `<text>` element; on PNG the text is rasterised here with
/// ab_glyph (plotters' own bitmap text drops the glyphs' side bearings) with the baseline where
/// a browser puts it for the SVG's anchors.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Pen {
    /// Drawing on the bitmap backend.
    pub png: bool,
}

impl Pen {
    /// plotters' font size for an em size of `em` pixels.
    fn size(self, em: f64) -> f64 {
        if self.png {
            em * SCALE_PER_EM
        } else {
            em * SVG_SIZE_PER_EM
        }
    }

    /// plotters' text style of `family` for `spec`.
    fn style(self, spec: TextSpec, family: &str) -> TextStyle<'_> {
        (family, self.size(spec.em))
            .into_font()
            .color(&spec.color.to_rgba())
            .pos(Pos::new(spec.h, spec.v))
    }

    /// Draws `s` at `pos` as `spec` says; its anchor (`h`, `v`): `Top` puts the baseline 0.76 em
    /// below `pos`, `Center` 0.5 ex below and `Bottom` 0.5 ex above (plotters' SVG anchors).
    pub(crate) fn text<DB: DrawingBackend>(
        self,
        area: &DrawingArea<DB, Shift>,
        s: &str,
        pos: (i32, i32),
        spec: TextSpec,
    ) -> Result<(), PlotError> {
        if !self.png {
            // a text the bundled font lacks characters of names the fonts that have them
            let family = if s.chars().all(crate::fonts::bundled_has) {
                std::borrow::Cow::Borrowed(FONT_FAMILY)
            } else {
                std::borrow::Cow::Owned(crate::fonts::font_list([s]))
            };
            return area.draw_text(s, &self.style(spec, &family), pos).drawn();
        }
        let TextSpec { em, color, h, v } = spec;
        let visual = visual_order(s);
        let (glyphs, width) = layout(&visual, em);
        let x0 = pos.0 as f32
            - match h {
                HPos::Left => 0.0,
                HPos::Center => width / 2.0,
                HPos::Right => width,
            };
        let baseline = pos.1 as f32
            + (em
                * match v {
                    VPos::Top => 0.76,
                    VPos::Center => X_HEIGHT / 2.0,
                    VPos::Bottom => -X_HEIGHT / 2.0,
                }) as f32;
        let mut failed = None;
        for (font_id, mut glyph) in glyphs {
            glyph.position = point(glyph.position.x + x0, baseline);
            let Some(outline) = outlined(font_id, glyph) else {
                continue;
            };
            let bounds = outline.px_bounds();
            outline.draw(|gx, gy, coverage| {
                if coverage > 0.0 && failed.is_none() {
                    let at = (
                        bounds.min.x as i32 + gx as i32,
                        bounds.min.y as i32 + gy as i32,
                    );
                    if let Err(e) = area.draw_pixel(at, &color.mix(f64::from(coverage.min(1.0)))) {
                        failed = Some(e.to_string());
                    }
                }
            });
        }
        match failed {
            Some(e) => Err(PlotError::Draw(e)),
            None => Ok(()),
        }
    }

    /// As [`Pen::text`], anchored top-left.
    pub(crate) fn left<DB: DrawingBackend>(
        self,
        area: &DrawingArea<DB, Shift>,
        s: &str,
        pos: (i32, i32),
        em: f64,
        color: RGBColor,
    ) -> Result<(), PlotError> {
        let (h, v) = (HPos::Left, VPos::Top);
        self.text(area, s, pos, TextSpec { em, color, h, v })
    }
}

/// `s` in the order its characters are drawn from left to right: the text itself, unless it
/// has right-to-left characters (Arabic, Hebrew), whose runs are then reversed as the Unicode
/// bidirectional algorithm orders them on a left-to-right line.
fn visual_order(s: &str) -> std::borrow::Cow<'_, str> {
    use unicode_bidi::{BidiClass, BidiInfo, bidi_class};
    if !s
        .chars()
        .any(|c| matches!(bidi_class(c), BidiClass::R | BidiClass::AL))
    {
        return std::borrow::Cow::Borrowed(s);
    }
    let info = BidiInfo::new(s, None);
    let mut out = String::with_capacity(s.len());
    for para in &info.paragraphs {
        out.push_str(&info.reorder_line(para, para.range.clone()));
    }
    std::borrow::Cow::Owned(out)
}

/// A rectangle filled with `fill` inside a border of `border` `weight` pixels wide, drawn as
/// two filled rectangles (plotters' SVG backend ignores stroke widths of rectangles).
pub(crate) fn framed<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x0, y0): (i32, i32),
    (x1, y1): (i32, i32),
    fill: RGBColor,
    border: RGBColor,
    weight: i32,
) -> Result<(), PlotError> {
    use plotters::prelude::Rectangle;
    area.draw(&Rectangle::new([(x0, y0), (x1, y1)], border.filled()))
        .drawn()?;
    area.draw(&Rectangle::new(
        [(x0 + weight, y0 + weight), (x1 - weight, y1 - weight)],
        fill.filled(),
    ))
    .drawn()
}

/// `s` cut to fit `width` pixels at `size`, with an ellipsis when cut: the longest prefix
/// (without trailing spaces) that fits with the ellipsis.
///
/// The text is laid out once: the width of each prefix is the caret [`layout`] reaches after
/// it (the same additions in the same order, so the same `f32`), and a candidate's width adds
/// the kerning and advance of the ellipsis as [`layout`] would. The same cut as measuring
/// every candidate whole, in time linear in the length of `s` (a subtitle may list thousands
/// of sorts).
pub(crate) fn fit(s: &str, size: f64, width: f64) -> String {
    let scale = PxScale::from((size * SCALE_PER_EM) as f32);
    let font = face().as_scaled(scale);
    let chars: Vec<char> = s.chars().collect();
    let (glyphs, carets) = advances(&chars, size);
    if f64::from(carets[chars.len()]) <= width {
        return s.to_string();
    }
    let ellipsis = font.glyph_id('…');
    let ellipsis_advance = font.h_advance(ellipsis);
    for n in (1..=chars.len()).rev() {
        let mut t = n;
        while t > 0 && chars[t - 1].is_whitespace() {
            t -= 1;
        }
        let mut w = carets[t];
        if t > 0
            && let (FaceId::Bundled, id, _, _) = glyphs[t - 1]
        {
            w += font.kern(id, ellipsis);
        }
        w += ellipsis_advance;
        if f64::from(w) <= width {
            return chars[..t].iter().collect::<String>() + "…";
        }
    }
    "…".to_string()
}

/// Whether a line may break before and after `c` without a space: the ideographs, kana and
/// other characters of scripts written without spaces between words (Chinese, Japanese).
fn breaks_around(c: char) -> bool {
    matches!(c,
        '\u{2E80}'..='\u{2FDF}'   // CJK radicals, Kangxi
        | '\u{3040}'..='\u{30FF}' // Hiragana, Katakana
        | '\u{3100}'..='\u{312F}' // Bopomofo
        | '\u{3190}'..='\u{31FF}' // Kanbun, Katakana extensions
        | '\u{3400}'..='\u{4DBF}' // CJK extension A
        | '\u{4E00}'..='\u{9FFF}' // CJK unified ideographs
        | '\u{F900}'..='\u{FAFF}' // CJK compatibility ideographs
        | '\u{FF66}'..='\u{FF9F}' // half-width Katakana
        | '\u{20000}'..='\u{3134F}'
    ) || no_break_before(c)
}

/// Punctuation that never starts a line (kinsoku): it stays with the character before it.
fn no_break_before(c: char) -> bool {
    matches!(
        c,
        '、' | '。'
            | '，'
            | '．'
            | '・'
            | '：'
            | '；'
            | '？'
            | '！'
            | '）'
            | '」'
            | '』'
            | '】'
            | '〕'
            | '〉'
            | '》'
            | '〙'
            | '〗'
            | '｝'
            | '］'
            | 'ー'
            | 'ぁ'
            | 'ぃ'
            | 'ぅ'
            | 'ぇ'
            | 'ぉ'
            | 'っ'
            | 'ゃ'
            | 'ゅ'
            | 'ょ'
            | 'ァ'
            | 'ィ'
            | 'ゥ'
            | 'ェ'
            | 'ォ'
            | 'ッ'
            | 'ャ'
            | 'ュ'
            | 'ョ'
            | '々'
            | '〜'
            | '…'
    )
}

/// Punctuation that never ends a line: it stays with the character after it.
fn no_break_after(c: char) -> bool {
    matches!(
        c,
        '（' | '「' | '『' | '【' | '〔' | '〈' | '《' | '〘' | '〖' | '｛' | '［'
    )
}

/// The pieces a line may break between, each with whether a space joins it to the one
/// before: the words between spaces, and, inside a word, each character of a script written
/// without spaces (a word without one is one piece, so Latin text wraps as on spaces alone).
fn pieces(s: &str) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = Vec::new();
    for word in s.split_whitespace() {
        if !word.chars().any(breaks_around) {
            out.push((word.to_string(), true));
            continue;
        }
        let mut first = true;
        let mut current = String::new();
        let mut prev: Option<char> = None;
        for c in word.chars() {
            let break_here = prev.is_some_and(|p| {
                (breaks_around(p) || breaks_around(c)) && !no_break_before(c) && !no_break_after(p)
            });
            if break_here && !current.is_empty() {
                out.push((std::mem::take(&mut current), first));
                first = false;
            }
            current.push(c);
            prev = Some(c);
        }
        if !current.is_empty() {
            out.push((current, first));
        }
    }
    out
}

/// `s` wrapped greedily on spaces into at most `max_lines` lines of at most `width` pixels at
/// `size`; a word wider than a line is cut; the last line ends with an ellipsis when text is
/// left over.
pub(crate) fn wrap(s: &str, size: f64, width: f64, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let words = pieces(s);
    let mut i = 0;
    while i < words.len() {
        let (word, spaced) = &words[i];
        let candidate = if current.is_empty() {
            word.to_string()
        } else if *spaced {
            format!("{current} {word}")
        } else {
            format!("{current}{word}")
        };
        if text_width(&candidate, size) <= width {
            current = candidate;
            i += 1;
            continue;
        }
        if current.is_empty() {
            // a single word wider than the line
            current = fit(word, size, width);
            i += 1;
        }
        lines.push(std::mem::take(&mut current));
        if lines.len() == max_lines {
            break;
        }
    }
    if !current.is_empty() && lines.len() < max_lines {
        lines.push(current);
    }
    let consumed_all = i >= words.len();
    if !consumed_all && let Some(last) = lines.last_mut() {
        *last = fit(&format!("{last}…"), size, width);
        if !last.ends_with('…') {
            last.push('…');
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`fit`] as it was: every candidate laid out whole.
    fn fit_by_measuring_each(s: &str, size: f64, width: f64) -> String {
        if text_width(s, size) <= width {
            return s.to_string();
        }
        let chars: Vec<char> = s.chars().collect();
        let mut n = chars.len();
        while n > 0 {
            let candidate: String =
                chars[..n].iter().collect::<String>().trim_end().to_string() + "…";
            if text_width(&candidate, size) <= width {
                return candidate;
            }
            n -= 1;
        }
        "…".to_string()
    }

    #[test]
    fn fit_cuts_where_measuring_every_candidate_cuts() {
        let texts = [
            "Defining sorts: P01, P02, P03, P04, P05, P06, P07, P08, P09, P10, P11, P12",
            "AVAVAVA To Ty Wa LT   spaces   at the end     ",
            "Ünïcödé — “quotes” and ‘more’ 12345.678 −0.42",
            "",
            "W",
        ];
        for text in texts {
            for size in [9.0, 11.5, 14.0, 20.0] {
                for width in [0.0, 3.0, 10.0, 35.5, 80.0, 150.0, 400.0, 1000.0] {
                    assert_eq!(
                        fit(text, size, width),
                        fit_by_measuring_each(text, size, width),
                        "{text:?} at {size} px in {width} px"
                    );
                }
            }
        }
    }

    #[test]
    fn wrapping_keeps_lines_within_width_and_marks_truncation() {
        let s = "Councillors should decide policy and officers should implement it.";
        let lines = wrap(s, 13.0, 120.0, 10);
        assert!(lines.len() > 2);
        assert!(lines.iter().all(|l| text_width(l, 13.0) <= 120.0));
        assert_eq!(lines.join(" "), s);
        let cut = wrap(s, 13.0, 120.0, 2);
        assert_eq!(cut.len(), 2);
        assert!(cut[1].ends_with('…'));
        assert!(cut.iter().all(|l| text_width(l, 13.0) <= 120.0));
    }

    #[test]
    fn a_word_wider_than_the_line_is_cut() {
        let lines = wrap("Supercalifragilisticexpialidocious", 13.0, 60.0, 3);
        assert_eq!(lines.len(), 1);
        assert!(lines[0].ends_with('…'));
        assert!(text_width(&lines[0], 13.0) <= 60.0);
    }

    #[test]
    fn the_font_has_every_glyph_the_figures_use() {
        use ab_glyph::Font;
        let font = ab_glyph::FontRef::try_from_slice(FONT_TTF).unwrap();
        for c in "▲▼◆≈…—−–·●■○□×≤<>→↑√±◀▶".chars() {
            assert_ne!(
                font.glyph_id(c).0,
                0,
                "{c} is missing from the bundled font"
            );
        }
    }

    #[test]
    fn font_metrics_match_the_constants() {
        use ab_glyph::Font;
        let font = ab_glyph::FontRef::try_from_slice(FONT_TTF).unwrap();
        let upem = f64::from(font.units_per_em().unwrap());
        let height = f64::from(font.ascent_unscaled() - font.descent_unscaled());
        assert!((height / upem - SCALE_PER_EM).abs() < 1e-9);
        let x = font.outline(font.glyph_id('x')).unwrap().bounds;
        let top = f64::from(x.min.y.abs().max(x.max.y.abs()));
        assert!((top / upem - X_HEIGHT).abs() < 0.01, "{x:?}");
    }

    #[test]
    fn right_to_left_runs_are_drawn_in_visual_order() {
        assert_eq!(visual_order("plain text"), "plain text");
        assert_eq!(visual_order("F1 שלום"), "F1 םולש");
    }

    #[test]
    fn japanese_breaks_between_characters_but_not_before_closing_punctuation() {
        let p = pieces("私は、iPadが好き です");
        let texts: Vec<&str> = p.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(texts, ["私", "は、", "iPad", "が", "好", "き", "で", "す"]);
        assert!(p[0].1 && !p[1].1 && p[6].1);
        // Latin words stay whole, joined by spaces
        let latin = pieces("well-known views, both");
        assert_eq!(latin.len(), 3);
        assert!(latin.iter().all(|(_, spaced)| *spaced));
    }

    #[test]
    fn tint_mixes_with_white() {
        assert_eq!(tint(RGBColor(0, 0, 0), 0.0), RGBColor(255, 255, 255));
        assert_eq!(tint(RGBColor(0, 100, 200), 1.0), RGBColor(0, 100, 200));
    }
}
