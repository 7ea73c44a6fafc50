//! Every script in the figures: the bundled DejaVu Sans draws every character it has (so the
//! figures of a study in a Latin, Greek or Cyrillic script are the same on every machine), and
//! a character it lacks (Japanese, Chinese, Korean, Thai, Arabic, Devanagari...) is drawn with
//! the first font of the machine that has it, character by character. The machine's fonts are
//! looked up only when a text needs one: the system's font directories (fontdb, with
//! fontconfig's list), or the directories of `QSTUDY_FONT_DIRS` (`:`-separated; empty: none)
//! when it is set. A character no font has is drawn as DejaVu's empty box, and
//! [`missing_glyphs`] names its script and the statements, sorts or names it is in.
//!
//! The fonts found are a read-only cache of the machine, loaded once per process.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Mutex, OnceLock};

use ab_glyph::{Font, FontRef, FontVec};
use qstudy_core::AnalysisResults;
use unicode_script::UnicodeScript;

use crate::style::FONT_TTF;

/// The environment variable that replaces the system's font directories (`:`-separated; set
/// and empty: no font but the bundled one).
pub const FONT_DIRS_ENV: &str = "QSTUDY_FONT_DIRS";

/// A fallback face: its family name and its parsed font.
pub(crate) struct Face {
    /// The family name (the first English name).
    pub family: String,
    /// The font.
    pub font: FontVec,
    /// Pixel scale per em: (ascent - descent) / units per em.
    pub scale_per_em: f32,
}

/// The machine's fonts, in the order they are tried.
struct Fallbacks {
    db: fontdb::Database,
    /// Candidate faces, most preferred first.
    order: Vec<fontdb::ID>,
    /// Each candidate, parsed once it has drawn a character.
    loaded: Vec<OnceLock<Option<Face>>>,
    /// Which candidate draws a character (`None`: none).
    by_char: Mutex<HashMap<char, Option<usize>>>,
}

/// Families tried first, in this order (then any other sans-serif family, then the rest, by
/// name): the common Noto families, Japanese before the other CJK variants.
const PREFERRED: &[&str] = &[
    "DejaVu Sans",
    "Noto Sans",
    "Noto Sans CJK JP",
    "Noto Sans CJK SC",
    "Noto Sans CJK TC",
    "Noto Sans CJK HK",
    "Noto Sans CJK KR",
    "Noto Sans Arabic",
    "Noto Sans Hebrew",
    "Noto Sans Devanagari",
    "Noto Sans Thai",
];

fn english_family(face: &fontdb::FaceInfo) -> String {
    face.families
        .iter()
        .find(|(_, lang)| *lang == fontdb::Language::English_UnitedStates)
        .or_else(|| face.families.first())
        .map(|(name, _)| name.clone())
        .unwrap_or_default()
}

impl Fallbacks {
    fn load() -> Fallbacks {
        let mut db = fontdb::Database::new();
        match std::env::var_os(FONT_DIRS_ENV) {
            Some(dirs) => {
                for dir in std::env::split_paths(&dirs) {
                    if !dir.as_os_str().is_empty() {
                        db.load_fonts_dir(dir);
                    }
                }
            }
            None => db.load_system_fonts(),
        }
        let mut faces: Vec<&fontdb::FaceInfo> = db
            .faces()
            .filter(|f| f.style == fontdb::Style::Normal)
            .collect();
        let rank = |f: &fontdb::FaceInfo| {
            let family = english_family(f);
            let preferred = PREFERRED
                .iter()
                .position(|p| *p == family)
                .unwrap_or(PREFERRED.len());
            let sans = !family.contains("Sans");
            let weight = (i32::from(f.weight.0) - 400).abs();
            let path = match &f.source {
                fontdb::Source::File(p) => p.to_string_lossy().into_owned(),
                _ => String::new(),
            };
            (
                weight > 0,
                preferred,
                sans,
                family,
                weight,
                f.post_script_name.clone(),
                path,
                f.index,
            )
        };
        faces.sort_by_cached_key(|f| rank(f));
        let order: Vec<fontdb::ID> = faces.iter().map(|f| f.id).collect();
        let loaded = order.iter().map(|_| OnceLock::new()).collect();
        Fallbacks {
            db,
            order,
            loaded,
            by_char: Mutex::new(HashMap::new()),
        }
    }

    /// The candidate `i`, parsed.
    fn face(&self, i: usize) -> Option<&Face> {
        self.loaded[i]
            .get_or_init(|| {
                let id = self.order[i];
                let family = english_family(self.db.face(id)?);
                let font = self
                    .db
                    .with_face_data(id, |data, index| {
                        FontVec::try_from_vec_and_index(data.to_vec(), index).ok()
                    })
                    .flatten()?;
                let upem = font.units_per_em()?;
                let scale_per_em = (font.ascent_unscaled() - font.descent_unscaled()) / upem;
                Some(Face {
                    family,
                    font,
                    scale_per_em,
                })
            })
            .as_ref()
    }

    /// Whether candidate `i` has `c`, without parsing it for good when it has not drawn yet.
    fn has(&self, i: usize, c: char) -> bool {
        if let Some(Some(face)) = self.loaded[i].get() {
            return face.font.glyph_id(c).0 != 0;
        }
        self.db
            .with_face_data(self.order[i], |data, index| {
                FontRef::try_from_slice_and_index(data, index).is_ok_and(|f| f.glyph_id(c).0 != 0)
            })
            .unwrap_or(false)
    }

    /// The candidate that draws `c`: the first (in order) of those already used, else the
    /// first of all.
    fn find(&self, c: char) -> Option<usize> {
        if let Ok(cache) = self.by_char.lock()
            && let Some(found) = cache.get(&c)
        {
            return *found;
        }
        let used = (0..self.order.len()).filter(|&i| matches!(self.loaded[i].get(), Some(Some(_))));
        let found = used
            .into_iter()
            .find(|&i| self.has(i, c))
            .or_else(|| (0..self.order.len()).find(|&i| self.has(i, c)))
            .filter(|&i| self.face(i).is_some());
        if let Ok(mut cache) = self.by_char.lock() {
            cache.insert(c, found);
        }
        found
    }
}

fn fallbacks() -> &'static Fallbacks {
    static FALLBACKS: OnceLock<Fallbacks> = OnceLock::new();
    FALLBACKS.get_or_init(Fallbacks::load)
}

/// The bundled font, parsed once.
pub(crate) fn primary() -> &'static FontRef<'static> {
    static FACE: OnceLock<FontRef<'static>> = OnceLock::new();
    FACE.get_or_init(|| {
        FontRef::try_from_slice(FONT_TTF).expect("the bundled DejaVu Sans font parses")
    })
}

/// Whether the bundled font draws `c` (controls and format characters count as drawn: they
/// have no glyph anywhere).
pub(crate) fn bundled_has(c: char) -> bool {
    primary().glyph_id(c).0 != 0 || c.is_control() || is_format(c)
}

/// Zero-width format characters (joiners, direction marks, the byte order mark).
fn is_format(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}')
}

/// The fallback face that draws `c` (the bundled font lacks it), if the machine has one:
/// its index and the face.
pub(crate) fn fallback_for(c: char) -> Option<(usize, &'static Face)> {
    let f = fallbacks();
    let i = f.find(c)?;
    Some((i, f.face(i)?))
}

/// Fallback face `i` (as [`fallback_for`] gave it).
pub(crate) fn fallback(i: usize) -> Option<&'static Face> {
    fallbacks().face(i)
}

/// The family of the font that draws `c` in the figures: `DejaVu Sans` (bundled) when it has
/// it, else the machine's font that has it; `None` when no font has it (it is drawn as an
/// empty box). Whitespace and format characters count as drawn by the bundled font.
///
/// ```
/// assert_eq!(qstudy_plot::fonts::drawn_by('é').as_deref(), Some("DejaVu Sans"));
/// ```
pub fn drawn_by(c: char) -> Option<String> {
    if bundled_has(c) {
        return Some("DejaVu Sans".to_string());
    }
    fallback_for(c).map(|(_, face)| face.family.clone())
}

/// The font families that draw the characters of `s` the bundled font lacks, in order of
/// first use: what an SVG or a page names after `DejaVu Sans`. Empty for a text the bundled
/// font draws whole (no system font is looked up then).
pub fn fallback_families<'a>(texts: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut families: Vec<String> = Vec::new();
    let mut seen = BTreeSet::new();
    for s in texts {
        for c in s.chars() {
            if bundled_has(c) || !seen.insert(c) {
                continue;
            }
            if let Some((_, face)) = fallback_for(c)
                && !families.contains(&face.family)
            {
                families.push(face.family.clone());
            }
        }
    }
    families
}

/// A CSS / SVG font list: DejaVu Sans, the fallback families of `texts`, then `sans-serif`.
///
/// ```
/// assert_eq!(qstudy_plot::fonts::font_list(["Statement"]), "DejaVu Sans, sans-serif");
/// ```
pub fn font_list<'a>(texts: impl IntoIterator<Item = &'a str>) -> String {
    let families = fallback_families(texts);
    let mut list = vec!["DejaVu Sans".to_string()];
    list.extend(families);
    list.push("sans-serif".to_string());
    list.join(", ")
}

/// Characters of one script that no font of the machine draws, and where they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingGlyphs {
    /// The script (Unicode's name: `Han`, `Hiragana`, `Arabic`; `Common` for symbols).
    pub script: String,
    /// The statements (ids) whose texts have such characters.
    pub statements: Vec<u32>,
    /// Other texts the figures draw that have them (sort ids, factor names, attributes).
    pub names: Vec<String>,
    /// Up to 10 of the characters, in order of first appearance.
    pub sample: Vec<char>,
}

impl std::fmt::Display for MissingGlyphs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sample: String = self.sample.iter().collect();
        write!(
            f,
            "no font on this machine draws the {} script ({sample}): the figures show empty boxes for it",
            self.script
        )?;
        let mut places = Vec::new();
        if !self.statements.is_empty() {
            let ids: Vec<String> = self.statements.iter().map(u32::to_string).collect();
            places.push(format!(
                "in statement{} {}",
                if ids.len() == 1 { "" } else { "s" },
                ids.join(", ")
            ));
        }
        if !self.names.is_empty() {
            places.push(format!("in {}", self.names.join(", ")));
        }
        if !places.is_empty() {
            write!(f, " ({})", places.join("; "))?;
        }
        write!(
            f,
            "; install a font that has it (Debian: fonts-noto-cjk for Chinese, Japanese and Korean, fonts-noto-core for the others)"
        )
    }
}

/// The scripts of the texts the figures draw (statements, factor names, sort ids, participant
/// attributes) that neither the bundled font nor any font of the machine draws, each with the
/// statements and names it is in. Empty when every character can be drawn (always, for a
/// study in a script DejaVu Sans covers: no system font is looked up then).
pub fn missing_glyphs(r: &AnalysisResults) -> Vec<MissingGlyphs> {
    let mut by_script: BTreeMap<String, MissingGlyphs> = BTreeMap::new();
    let mut check = |text: &str, statement: Option<u32>, name: Option<&str>| {
        for c in text.chars() {
            if bundled_has(c) || c.is_whitespace() || fallback_for(c).is_some() {
                continue;
            }
            let script = c.script().full_name().replace('_', " ");
            let entry = by_script
                .entry(script.clone())
                .or_insert_with(|| MissingGlyphs {
                    script,
                    statements: Vec::new(),
                    names: Vec::new(),
                    sample: Vec::new(),
                });
            if let Some(id) = statement
                && !entry.statements.contains(&id)
            {
                entry.statements.push(id);
            }
            if let Some(name) = name
                && !entry.names.iter().any(|n| n == name)
            {
                entry.names.push(name.to_string());
            }
            if entry.sample.len() < 10 && !entry.sample.contains(&c) {
                entry.sample.push(c);
            }
        }
    };
    if let Some(labels) = &r.input.statement_labels {
        for (label, &id) in labels.iter().zip(&r.input.statement_ids) {
            check(label, Some(id), None);
        }
    }
    for id in &r.input.sort_ids {
        check(id, None, Some(&format!("sort '{id}'")));
    }
    for f in &r.factors {
        if let Some(label) = &f.label {
            check(label, None, Some(&format!("the name of {}", f.name)));
        }
    }
    for p in r.participants.iter().flatten() {
        for (attribute, value) in &p.attributes {
            check(attribute, None, Some(&format!("attribute '{attribute}'")));
            check(value, None, Some(&format!("attribute '{attribute}'")));
        }
    }
    let mut missing: Vec<MissingGlyphs> = by_script.into_values().collect();
    // the scripts of letters first, symbols (Common) last
    missing.sort_by_key(|m| {
        (
            m.script == "Common" || m.script == "Inherited",
            m.script.clone(),
        )
    });
    missing
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_needs_no_system_font() {
        assert!(fallback_families(["Councillors decide — “officers” ≈ ▲"]).is_empty());
        assert_eq!(font_list(["Zürich"]), "DejaVu Sans, sans-serif");
    }

    #[test]
    fn the_warning_names_the_script_and_the_places() {
        let m = MissingGlyphs {
            script: "Han".into(),
            statements: vec![1, 4],
            names: vec!["sort 'P1'".into()],
            sample: vec!['授', '業'],
        };
        let s = m.to_string();
        assert!(s.contains("Han script (授業)"), "{s}");
        assert!(s.contains("statements 1, 4"), "{s}");
        assert!(s.contains("sort 'P1'"), "{s}");
    }
}
