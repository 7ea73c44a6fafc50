//! Every script in every output: the Japanese statements of Ken-Q's iPad demo
//! (`fixtures/kenq-web-demo/ipad-survey-japanese`, with its `statements.txt` as the label
//! column of a qmethod CSV) are drawn in the composite sorts with a font that has each
//! character (Debian's fonts-noto-cjk, installed by `.ci/run`), `report.lis` lines them up by
//! display width, and without a CJK font the run warns and names the scripts.

use std::path::{Path, PathBuf};

use support::qstudy;
use unicode_width::UnicodeWidthStr;

const DEMO: &str = "fixtures/kenq-web-demo/ipad-survey-japanese";

/// The demo's sorts with their statement texts as one qmethod CSV in `dir`.
fn japanese_csv(dir: &Path) -> PathBuf {
    let sorts = std::fs::read_to_string(format!("{DEMO}/sorts.csv")).unwrap();
    let texts = std::fs::read_to_string(format!("{DEMO}/statements.txt")).unwrap();
    let texts: Vec<&str> = texts.lines().filter(|l| !l.trim().is_empty()).collect();
    let mut lines = sorts.lines().filter(|l| !l.trim().is_empty());
    let mut out = format!(
        ",{}\n",
        lines.next().unwrap().trim_start_matches('\u{feff}')
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), texts.len());
    for (text, row) in texts.iter().zip(rows) {
        out.push_str(&format!("\"{}\",{row}\n", text.replace('"', "\"\"")));
    }
    let path = dir.join("ipad.csv");
    std::fs::write(&path, out).unwrap();
    path
}

/// Whether the machine has a CJK font; on CI (`CI` set) it must.
fn cjk_font_present() -> bool {
    let present = qstudy_plot::fonts::drawn_by('授').is_some();
    if !present {
        assert!(
            std::env::var_os("CI").is_none(),
            "no CJK font: .ci/run installs fonts-noto-cjk"
        );
        eprintln!("note: no CJK font on this machine (Debian: fonts-noto-cjk): test skipped");
    }
    present
}

#[test]
fn japanese_statements_are_drawn_with_a_font_that_has_every_character() {
    if !cjk_font_present() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let csv = japanese_csv(dir.path());
    let out = dir.path().join("out");
    let run = qstudy(&[
        "analyze",
        csv.to_str().unwrap(),
        "--factors",
        "2",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("no font"), "{}", run.stderr);
    let warnings = std::fs::read_to_string(out.join("warnings.txt")).unwrap();
    assert!(!warnings.contains("no font"), "{warnings}");
    let r = support::results(&out);
    let labels = r["input"]["statement_labels"].as_array().unwrap();
    assert_eq!(labels.len(), 60);
    // every character of every statement (what the composite cards draw, wrapped or cut) has
    // a glyph in the font that draws it: none is the empty box (.notdef)
    let mut families = std::collections::BTreeSet::new();
    for label in labels {
        for c in label.as_str().unwrap().chars() {
            let family = qstudy_plot::fonts::drawn_by(c)
                .unwrap_or_else(|| panic!("{c:?} ({:04X}) is drawn as an empty box", c as u32));
            families.insert(family);
        }
    }
    assert!(families.len() >= 2, "{families:?}");
    for f in ["F1", "F2"] {
        let png = std::fs::read(out.join(format!("plots/composite-{f}.png"))).unwrap();
        assert!(png.starts_with(b"\x89PNG"));
        // the SVG names the fallback families after DejaVu Sans
        let svg = std::fs::read_to_string(out.join(format!("plots/composite-{f}.svg"))).unwrap();
        let named = families
            .iter()
            .filter(|f| *f != "DejaVu Sans")
            .all(|family| {
                svg.contains(&format!("font-family=\"DejaVu Sans, {family}"))
                    || svg.contains(&format!(", {family}, "))
            });
        assert!(named, "{families:?} not named in the SVG");
    }
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.contains("html { font-family: \"DejaVu Sans\", \""),
        "page names the fallback"
    );

    // report.lis: the statement rows of "Factor Scores with Corresponding Ranks" are one
    // display width (a Japanese character takes two columns) and the number after the text
    // starts in the same column on every row
    let lis = std::fs::read_to_string(out.join("report.lis")).unwrap();
    let section = lis
        .split("Factor Scores with Corresponding Ranks")
        .nth(1)
        .unwrap();
    let rows: Vec<&str> = section
        .lines()
        .filter(|l| l.len() > 4 && l[..4].trim().parse::<u32>().is_ok())
        .take(60)
        .collect();
    assert_eq!(rows.len(), 60);
    let widths: std::collections::BTreeSet<usize> = rows.iter().map(|l| l.width()).collect();
    assert_eq!(widths.len(), 1, "{widths:?}");
    for row in &rows {
        let id = row[..4].trim();
        // `   1 TEXT(55 columns)    1   ...`: the id again right after the text column
        let mut columns = 0;
        let mut at = 0;
        for (i, c) in row.char_indices() {
            if columns >= 5 + 55 {
                at = i;
                break;
            }
            columns += unicode_width::UnicodeWidthChar::width(c).unwrap_or(1);
        }
        assert_eq!(columns, 60, "{row}");
        assert_eq!(row[at..].split_whitespace().next(), Some(id), "{row}");
    }
}

/// The child process of [`without_a_cjk_font_the_run_warns_and_names_the_scripts`].
#[test]
fn analyze_child() {
    if let Some(code) = support::run_as_child() {
        std::process::exit(code);
    }
}

#[test]
fn without_a_cjk_font_the_run_warns_and_names_the_scripts() {
    let dir = tempfile::tempdir().unwrap();
    let csv = japanese_csv(dir.path());
    let out = dir.path().join("out");
    let args = [
        "analyze",
        csv.to_str().unwrap(),
        "--factors",
        "2",
        "--out",
        out.to_str().unwrap(),
    ];
    // no font but the bundled one
    let run = support::child_command("scripts::analyze_child", &args, None)
        .env(qstudy_plot::fonts::FONT_DIRS_ENV, "")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    for script in ["Han", "Hiragana", "Katakana"] {
        assert!(
            stderr.contains(&format!(
                "no font on this machine draws the {script} script"
            )),
            "{script} not named: {stderr}"
        );
    }
    assert!(stderr.contains("in statements 1, 2, 3"), "{stderr}");
    let warnings = std::fs::read_to_string(out.join("warnings.txt")).unwrap();
    assert!(warnings.contains("the Han script"), "{warnings}");
    assert!(out.join("plots/composite-F1.png").exists());
}
