//! `report.html`: one self-contained page (inline SVG and CSS, the font embedded, no scripts,
//! no network) with the study summary, the main tables and every figure.

use std::fmt::Write as _;

use qstudy_core::AnalysisResults;

use qstudy_plot::view::{self, Direction, Mark};
use qstudy_plot::{Gallery, Kind, Plot, PlotError};

/// What the report says about where the results come from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportInfo {
    /// The study's title (a study directory's `title`, a PQMethod `.DAT` title), if any.
    pub title: Option<String>,
    /// The input as given on the command line, if any.
    pub source: Option<String>,
}

/// `s` with `& < > " '` escaped for HTML text and attribute values.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A number with `d` decimals and a typographic minus.
fn num(v: f64, d: usize) -> String {
    qstudy_plot::tick_label(v, d)
}

const CSS: &str = r#"
:root { --ink: #212121; --muted: #646464; --rule: #d6d6d6; --band: #f4f4f4;
  --blue: #0072b2; --vermillion: #d55e00; --purple: #cc79a7; }
* { box-sizing: border-box; }
html { font-family: "DejaVu Sans", sans-serif; color: var(--ink); background: #fff; }
body { margin: 0 auto; max-width: 1500px; padding: 1.5rem 1.5rem 4rem; font-size: 15px; line-height: 1.45; }
h1 { font-size: 1.7rem; font-weight: normal; margin: 0 0 .3rem; }
h2 { font-size: 1.3rem; font-weight: normal; margin: 2.2rem 0 .6rem; padding-bottom: .2rem; border-bottom: 2px solid var(--rule); }
h3 { font-size: 1.05rem; margin: 1.4rem 0 .4rem; }
p { margin: .4rem 0; max-width: 60rem; }
.meta, .note, figcaption, caption { color: var(--muted); }
.note { font-style: italic; }
nav ol { columns: 2; margin: .6rem 0; padding-left: 1.4rem; }
nav a { color: var(--blue); }
table { border-collapse: collapse; margin: .6rem 0 1rem; font-variant-numeric: tabular-nums; font-size: .9rem; }
caption { text-align: left; padding: .2rem 0 .4rem; font-size: .85rem; }
th, td { padding: .22rem .55rem; border-bottom: 1px solid var(--rule); text-align: right; vertical-align: top; }
th { font-weight: bold; border-bottom: 2px solid var(--muted); }
th.l, td.l { text-align: left; }
td.text { text-align: left; min-width: 18rem; }
tbody tr:nth-child(even) { background: var(--band); }
td.def { font-weight: bold; background: #d9eaf4; }
.up { color: var(--blue); } .down { color: var(--vermillion); } .mixed { color: var(--purple); }
.z { color: var(--muted); font-size: .8em; }
.wide { overflow-x: auto; }
figure { margin: 1.2rem 0 2rem; }
figure svg { display: block; width: 100%; height: auto; }
figcaption { font-size: .85rem; margin-top: .3rem; }
ul.warnings li { margin: .2rem 0; }
footer { margin-top: 3rem; color: var(--muted); font-size: .8rem; }
@media print {
  body { max-width: none; padding: 0; font-size: 9.5pt; }
  nav { display: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  figure, table { break-inside: avoid; page-break-inside: avoid; }
  tbody tr:nth-child(even) { background: none; }
  .wide { overflow: visible; }
  a { color: inherit; text-decoration: none; }
}
@page { size: A4; margin: 14mm; }
"#;

/// The report page.
pub fn report_html(
    results: &AnalysisResults,
    gallery: &Gallery,
    info: &ReportInfo,
) -> Result<String, PlotError> {
    let r = results;
    let mut h = String::with_capacity(2 << 20);
    page_head(&mut h, r, info);
    contents(&mut h, r);
    methods(&mut h, r);
    summary(&mut h, r);
    viewpoints(&mut h, r, gallery)?;
    arrays(&mut h, r);
    crib_sheets(&mut h, r);
    loadings(&mut h, r);
    figures(&mut h, gallery, Kind::Loadings)?;
    h.push_str("</section>\n");
    correlations(&mut h, r);
    groups(&mut h, r, gallery)?;
    h.push_str("<section id=\"scree\">\n<h2>Scree plot</h2>\n");
    figures(&mut h, gallery, Kind::Scree)?;
    h.push_str("</section>\n<section id=\"zscores\">\n<h2>z-scores</h2>\n");
    if !gallery.plots.iter().any(|p| p.kind() == Kind::Zscores) {
        h.push_str("<p class=\"note\">No factor has z-scores.</p>\n");
    }
    figures(&mut h, gallery, Kind::Zscores)?;
    h.push_str("</section>\n");
    warnings(&mut h, r);
    let _ = write!(
        h,
        "<footer>Written by qstudy {}. Every number is in results.json beside this file; the figures are also in plots/ as SVG and PNG.</footer>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION")
    );
    Ok(h)
}

/// Every figure of `kind` in the gallery, in order.
fn figures(h: &mut String, gallery: &Gallery, kind: Kind) -> Result<(), PlotError> {
    for p in gallery.plots.iter().filter(|p| p.kind() == kind) {
        figure(h, p)?;
    }
    Ok(())
}

/// The table of contents.
fn contents(h: &mut String, r: &AnalysisResults) {
    let mut sections: Vec<(&str, &str)> = vec![
        ("methods", "Methods"),
        ("summary", "Factors"),
        ("viewpoints", "Viewpoints: composite sorts"),
        ("arrays", "Factor arrays"),
        ("cribs", "Crib sheets"),
        ("loadings", "Loadings"),
        ("correlations", "Correlations between factors"),
        ("groups", "Group make-up"),
        ("scree", "Scree plot"),
        ("zscores", "z-scores"),
    ];
    if !r.warnings.is_empty() {
        sections.push(("warnings", "Warnings"));
    }
    h.push_str("<nav><ol>");
    for (id, name) in &sections {
        let _ = write!(h, "<li><a href=\"#{id}\">{name}</a></li>");
    }
    h.push_str("</ol></nav>\n");
}

/// The methods paragraph and its references (`methods_text`, `methods_references`).
fn methods(h: &mut String, r: &AnalysisResults) {
    h.push_str("<section id=\"methods\">\n<h2>Methods</h2>\n");
    let _ = writeln!(h, "<p>{}</p>", esc(&r.methods_text));
    h.push_str(
        "<p class=\"note\">Written by qstudy from the choices it recorded (results.json: <code>methods_text</code>); paste and edit it.</p>\n",
    );
    if !r.methods_references.is_empty() {
        h.push_str("<h3>References</h3>\n<ul class=\"refs\">\n");
        for reference in &r.methods_references {
            let _ = writeln!(h, "<li>{}</li>", esc(reference));
        }
        h.push_str("</ul>\n");
    }
    h.push_str("</section>\n");
}

/// The crib sheet of every factor with an array: its top and bottom statements, and those it
/// ranks higher or lower than every other factor, each with its array value and z-score.
fn crib_sheets(h: &mut String, r: &AnalysisResults) {
    let view = qstudy_core::view::ReportView::new(r);
    h.push_str("<section id=\"cribs\">\n<h2>Crib sheets</h2>\n");
    if view.crib_sheets.is_empty() {
        h.push_str("<p class=\"note\">No factor has an array.</p>\n</section>\n");
        return;
    }
    h.push_str(
        "<p>For each factor (Watts &amp; Stenner 2012): the statements at the top and at the bottom of its array, and those it ranks higher or lower than every other factor does.</p>\n",
    );
    let groups = [
        "Ranked highest",
        "Ranked higher than in every other factor",
        "Ranked lower than in every other factor",
        "Ranked lowest",
    ];
    for sheet in &view.crib_sheets {
        let f = &r.factors[sheet.factor];
        let _ = write!(
            h,
            "<h3>{}</h3>\n<div class=\"wide\"><table>\n<thead><tr><th>No.</th><th class=\"l\">Statement</th><th>{}</th></tr></thead>\n",
            esc(&view::factor_caption(f)),
            esc(&f.name)
        );
        for (label, statements) in groups.iter().zip(&sheet.groups) {
            let _ = writeln!(
                h,
                "<tbody><tr><th class=\"l\" colspan=\"3\">{label} ({})</th></tr>",
                statements.len()
            );
            for &i in statements {
                let a = f.array.as_ref().map_or(0, |a| a[i]);
                let z = f.zscores.as_ref().map_or(0.0, |z| z[i]);
                let _ = writeln!(
                    h,
                    "<tr><td>{}</td><td class=\"text\">{}</td><td>{} <span class=\"z\">{}</span></td></tr>",
                    r.input.statement_ids[i],
                    esc(view::statement_caption(r, i).unwrap_or("")),
                    view::signed(i64::from(a)),
                    num(z, 2)
                );
            }
            h.push_str("</tbody>\n");
        }
        h.push_str("</table></div>\n");
    }
    h.push_str("</section>\n");
}

/// The composite sorts, with the key to their marks.
fn viewpoints(h: &mut String, r: &AnalysisResults, gallery: &Gallery) -> Result<(), PlotError> {
    h.push_str("<section id=\"viewpoints\">\n<h2>Viewpoints: composite sorts</h2>\n");
    h.push_str(
        "<p>Each factor's array laid out on the grid: one card per statement, in the column of its \
         array value and by z-score within the column. ▲ ranked higher and ▼ lower than in every \
         other factor, ◆ distinguishing with higher and lower ranks among the other factors \
         (** p &lt; .01, * p &lt; .05); ≈ consensus statement.</p>\n",
    );
    for f in r.factors.iter().filter(|f| f.array.is_none()) {
        let _ = writeln!(
            h,
            "<p class=\"note\">{} has no defining sort: it has no factor array, so no composite sort is drawn.</p>",
            esc(&f.name)
        );
    }
    figures(h, gallery, Kind::Composite)?;
    h.push_str("</section>\n");
    Ok(())
}

/// The group make-up: tables and figures, or why there is none.
fn groups(h: &mut String, r: &AnalysisResults, gallery: &Gallery) -> Result<(), PlotError> {
    h.push_str("<section id=\"groups\">\n<h2>Group make-up</h2>\n");
    match r.groups.as_deref() {
        Some(groups) if !groups.is_empty() => {
            groups_tables(h, r);
            figures(h, gallery, Kind::Groups)?;
        }
        _ => h.push_str(
            "<p class=\"note\">The participants have no attributes (such as role or organisation), so \
             there is no group make-up to show. A study directory with a participants file adds them.</p>\n",
        ),
    }
    h.push_str("</section>\n");
    Ok(())
}

/// The warnings of the analysis, when there are any.
fn warnings(h: &mut String, r: &AnalysisResults) {
    if r.warnings.is_empty() {
        return;
    }
    h.push_str("<section id=\"warnings\">\n<h2>Warnings</h2>\n<ul class=\"warnings\">\n");
    for w in &r.warnings {
        let _ = writeln!(h, "<li>{}</li>", esc(&w.to_string()));
    }
    h.push_str("</ul>\n</section>\n");
}

/// The document's head (style and the embedded font) and the page header: title, source, the
/// data and the options in one line.
fn page_head(h: &mut String, r: &AnalysisResults, info: &ReportInfo) {
    let title = info
        .title
        .clone()
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| "Q study".to_string());
    let font = qstudy_plot::style::font_base64();
    // the fonts of the machine that drew the characters DejaVu Sans lacks, named for the page
    let families = qstudy_plot::fonts::fallback_families(report_texts(r));
    let fallback_css = if families.is_empty() {
        String::new()
    } else {
        let list: Vec<String> = families.iter().map(|f| format!("\"{}\"", esc(f))).collect();
        format!(
            "html {{ font-family: \"DejaVu Sans\", {}, sans-serif; }}\n",
            list.join(", ")
        )
    };
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"qstudy {}\">\n<title>{} — qstudy report</title>\n\
         <style>\n@font-face {{ font-family: \"DejaVu Sans\"; font-style: normal; font-weight: normal; \
         src: url(data:font/ttf;base64,{font}) format(\"truetype\"); }}{CSS}{fallback_css}</style>\n</head>\n<body>\n",
        env!("CARGO_PKG_VERSION"),
        esc(&title)
    );
    // header
    let grid = &r.input.grid;
    let (lo, hi) = (grid[0][0], grid[grid.len() - 1][0]);
    let _ = write!(h, "<header>\n<h1>{}</h1>\n<p class=\"meta\">", esc(&title));
    if let Some(source) = &info.source {
        let _ = write!(h, "{} · ", esc(source));
    }
    let _ = writeln!(
        h,
        "{} sorts × {} statements, grid {}..{}{} · {}, {} kept, {} · flagging p &lt; {}{}</p>\n</header>",
        r.input.sorts,
        r.input.statements,
        view::signed(lo),
        view::signed(hi),
        if r.input.free_distribution {
            " (free distribution)"
        } else {
            ""
        },
        qstudy_core::view::method_phrase(&r.options),
        r.options.factors,
        qstudy_core::view::rotation_phrase(&r.options),
        r.options.flag_p,
        if r.options.flag_majority {
            ", majority rule"
        } else {
            ""
        }
    );
}

/// Every text of the results the page shows: statements, sort ids, factor names, attributes.
fn report_texts(r: &AnalysisResults) -> impl Iterator<Item = &str> {
    r.input
        .statement_labels
        .iter()
        .flatten()
        .map(String::as_str)
        .chain(r.input.sort_ids.iter().map(String::as_str))
        .chain(r.factors.iter().filter_map(|f| f.label.as_deref()))
        .chain(r.participants.iter().flatten().flat_map(|p| {
            p.attributes
                .iter()
                .flat_map(|(k, v)| [k.as_str(), v.as_str()])
        }))
}

/// The figure as inline SVG with its title as caption.
fn figure(h: &mut String, p: &Plot) -> Result<(), PlotError> {
    let svg = p.svg_str()?.replacen(
        "<svg ",
        &format!("<svg role=\"img\" aria-label=\"{}\" ", esc(p.title())),
        1,
    );
    let _ = write!(
        h,
        "<figure id=\"fig-{}\">\n{}<figcaption>{} (plots/{}.svg, .png)</figcaption>\n</figure>\n",
        esc(p.name()),
        svg.trim_end(),
        esc(p.title()),
        esc(p.name())
    );
    Ok(())
}

fn summary(h: &mut String, r: &AnalysisResults) {
    h.push_str("<section id=\"summary\">\n<h2>Factors</h2>\n<div class=\"wide\"><table>\n");
    h.push_str(
        "<thead><tr><th class=\"l\">Factor</th><th class=\"l\">Name</th><th>Eigenvalue</th>\
         <th>% variance</th><th>Defining sorts</th><th>Reliability</th><th>SE</th>\
         <th class=\"l\">Defining sorts</th></tr></thead>\n<tbody>\n",
    );
    for f in &r.factors {
        let _ = writeln!(
            h,
            "<tr><td class=\"l\">{}</td><td class=\"l\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"l\">{}</td></tr>",
            esc(&f.name),
            esc(f.label.as_deref().unwrap_or("")),
            num(f.eigenvalue, 2),
            num(f.explained_variance, 1),
            f.defining_sorts.len(),
            f.composite_reliability.map_or("—".into(), |v| num(v, 3)),
            f.se.map_or("—".into(), |v| num(v, 3)),
            esc(&f.defining_sorts.join(", "))
        );
    }
    h.push_str("</tbody>\n</table></div>\n");
    let unflagged: Vec<&str> = (0..r.input.sorts)
        .filter(|&i| !r.flags[i].iter().any(|&x| x))
        .map(|i| r.input.sort_ids[i].as_str())
        .collect();
    if !unflagged.is_empty() {
        let _ = writeln!(
            h,
            "<p>{} sort(s) define no factor: {}.</p>",
            unflagged.len(),
            esc(&unflagged.join(", "))
        );
    }
    h.push_str("</section>\n");
}

fn mark_html(m: Option<Mark>) -> String {
    match m {
        None => String::new(),
        Some(m) => {
            let class = match m.direction {
                Direction::Higher => "up",
                Direction::Lower => "down",
                Direction::Mixed => "mixed",
            };
            format!(
                " <span class=\"{class}\">{}{}</span>",
                m.symbol(),
                m.stars()
            )
        }
    }
}

fn arrays(h: &mut String, r: &AnalysisResults) {
    let shown: Vec<usize> = (0..r.factors.len())
        .filter(|&f| r.factors[f].array.is_some())
        .collect();
    h.push_str("<section id=\"arrays\">\n<h2>Factor arrays</h2>\n");
    if shown.is_empty() {
        h.push_str("<p class=\"note\">No factor has an array.</p>\n</section>\n");
        return;
    }
    h.push_str(
        "<div class=\"wide\"><table>\n<caption>Array value (z-score) of every statement. ▲ ▼ ◆ \
         distinguishing (** p &lt; .01, * p &lt; .05); ≈ consensus.</caption>\n<thead><tr><th>No.</th>\
         <th class=\"l\">Statement</th>",
    );
    for &f in &shown {
        let _ = write!(h, "<th>{}</th>", esc(&r.factors[f].name));
    }
    h.push_str("<th class=\"l\">Consensus</th></tr></thead>\n<tbody>\n");
    for i in 0..r.input.statements {
        let _ = write!(
            h,
            "<tr><td>{}</td><td class=\"text\">{}</td>",
            r.input.statement_ids[i],
            esc(view::statement_caption(r, i).unwrap_or(""))
        );
        for &f in &shown {
            let a = r.factors[f].array.as_ref().map_or(0, |a| a[i]);
            let z = r.factors[f].zscores.as_ref().map_or(0.0, |z| z[i]);
            let _ = write!(
                h,
                "<td>{}{} <span class=\"z\">{}</span></td>",
                view::signed(i64::from(a)),
                mark_html(view::mark(r, f, i)),
                num(z, 2)
            );
        }
        let c = match view::consensus(r, i) {
            Some(p) if p >= 0.05 - 1e-12 => "≈ (p ≥ .05)",
            Some(_) => "≈ (p ≥ .01)",
            None => "",
        };
        let _ = writeln!(h, "<td class=\"l\">{c}</td></tr>");
    }
    h.push_str("</tbody>\n</table></div>\n</section>\n");
}

/// Opens the loadings section (closed by the caller after the maps).
fn loadings(h: &mut String, r: &AnalysisResults) {
    let attributes = view::attributes(r);
    h.push_str("<section id=\"loadings\">\n<h2>Loadings</h2>\n<div class=\"wide\"><table>\n");
    let _ = write!(
        h,
        "<caption>Loadings of every sort{}; bold: defining sort (flagged).</caption>\n<thead><tr><th class=\"l\">Sort</th>",
        if attributes.is_empty() {
            ""
        } else {
            " with its participant attributes"
        }
    );
    for a in &attributes {
        let _ = write!(h, "<th class=\"l\">{}</th>", esc(a));
    }
    for f in &r.factors {
        let _ = write!(h, "<th>{}</th>", esc(&f.name));
    }
    h.push_str("<th>h²</th></tr></thead>\n<tbody>\n");
    let participants = r.participants.as_deref().unwrap_or(&[]);
    for (i, id) in r.input.sort_ids.iter().enumerate() {
        let _ = write!(h, "<tr><td class=\"l\">{}</td>", esc(id));
        let p = participants.iter().find(|p| &p.id == id);
        for a in &attributes {
            let v = p
                .and_then(|p| p.attributes.get(a))
                .map_or("", |v| v.as_str());
            let _ = write!(h, "<td class=\"l\">{}</td>", esc(v));
        }
        for (f, &a) in r.factor_loadings[i].iter().enumerate() {
            let def = r.flags[i].get(f).copied().unwrap_or(false);
            let _ = write!(
                h,
                "<td{}>{}</td>",
                if def { " class=\"def\"" } else { "" },
                num(a, 2)
            );
        }
        let _ = writeln!(
            h,
            "<td>{}</td></tr>",
            r.rotated
                .communalities
                .get(i)
                .map_or("—".into(), |v| num(*v, 2))
        );
    }
    h.push_str("</tbody>\n</table></div>\n");
}

fn correlations(h: &mut String, r: &AnalysisResults) {
    h.push_str("<section id=\"correlations\">\n<h2>Correlations between factors</h2>\n");
    h.push_str(
        "<table>\n<caption>Correlations between the factors' z-scores.</caption>\n<thead><tr><th></th>",
    );
    for f in &r.factors {
        let _ = write!(h, "<th>{}</th>", esc(&f.name));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for (a, row) in r.factor_correlations.iter().enumerate() {
        let _ = write!(h, "<tr><th class=\"l\">{}</th>", esc(&r.factors[a].name));
        for v in row {
            let _ = write!(h, "<td>{}</td>", v.map_or("—".into(), |v| num(v, 2)));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
}

fn groups_tables(h: &mut String, r: &AnalysisResults) {
    for g in r.groups.iter().flatten() {
        let _ = write!(
            h,
            "<h3>By {}</h3>\n<div class=\"wide\"><table>\n<caption>Defining sorts of each factor by {} \
             (of the sorts at each level); mean loading of all sorts of the level in brackets{}.</caption>\n\
             <thead><tr><th class=\"l\">Factor</th>",
            esc(&g.attribute),
            esc(&g.attribute),
            if g.levels.len() == 2 {
                "; p: two-sided Fisher's exact test"
            } else {
                ""
            }
        );
        for (l, n) in g.levels.iter().zip(&g.sorts_per_level) {
            let _ = write!(h, "<th>{} (n = {n})</th>", esc(l));
        }
        if g.levels.len() == 2 {
            h.push_str("<th>p</th>");
        }
        h.push_str("</tr></thead>\n<tbody>\n");
        for gf in &g.factors {
            let _ = write!(h, "<tr><td class=\"l\">{}</td>", esc(&gf.factor));
            for (d, m) in gf.defining.iter().zip(&gf.mean_loading) {
                let _ = write!(
                    h,
                    "<td>{d} <span class=\"z\">({})</span></td>",
                    m.map_or("—".into(), |v| num(v, 2))
                );
            }
            if g.levels.len() == 2 {
                let _ = write!(
                    h,
                    "<td>{}</td>",
                    gf.fisher_p.map_or("—".into(), |p| num(p, 2))
                );
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</tbody>\n</table></div>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<b>\"a\" & 'b'</b>"),
            "&lt;b&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/b&gt;"
        );
    }

    #[test]
    fn the_report_is_one_self_contained_page() {
        let (mut r, _) = crate::testdata::sample();
        if let Some(labels) = &mut r.input.statement_labels {
            labels[0] = "About <policy> & practice".to_string();
        }
        let options = qstudy_plot::PlotOptions::default();
        let gallery = qstudy_plot::standard_plots(&r, &options).unwrap();
        let info = ReportInfo {
            title: Some("Councils <test>".into()),
            source: Some("study".into()),
        };
        let html = report_html(&r, &gallery, &info).unwrap();
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("<h1>Councils &lt;test&gt;</h1>"));
        assert_eq!(html.matches("<svg ").count(), gallery.plots.len());
        assert!(html.contains("@font-face"));
        assert!(html.contains("data:font/ttf;base64,"));
        let lower = html.to_lowercase();
        assert!(!lower.contains("<script"));
        for remote in ["src=\"http", "href=\"http", "url(http", "@import"] {
            assert!(!lower.contains(remote), "{remote}");
        }
        assert!(html.contains("&lt;policy&gt; &amp; practice"));
        assert!(html.contains("id=\"groups\""));
        assert_eq!(html, report_html(&r, &gallery, &info).unwrap());
    }
}
