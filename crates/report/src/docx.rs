//! `report.docx`: the analysis as a Word document a paper starts from. A title page (study,
//! date, qstudy version, input), a table of contents, the methods paragraph with its
//! references, the tables a paper uses (factor characteristics; factor arrays with statement
//! texts and distinguishing/consensus marks; loadings with the defining sorts marked; factor
//! correlations; distinguishing and consensus statements with z-scores and arrays; a crib sheet
//! per factor), the composite sorts and the scree plot as images, and the reporting checklist
//! as an appendix. Headings are Word's `Heading 1` / `Heading 2` styles and tables are Word
//! tables, so a user restyles them as any document's.
//!
//! The document model and the package are the `docx-rs` crate's; what is written here is
//! qstudy's: which tables, in which order, with which words. The bytes are a function of the
//! results and the figures: no clock is read (the package's dates are docx-rs's fixed ones),
//! and every identifier (images, bookmarks) is numbered here, in document order.

use docx_rs::{
    AlignmentType, BreakType, Docx, FieldCharType, Hyperlink, HyperlinkType, InstrText, InstrToC,
    LineSpacing, PageMargin, Paragraph, Pic, Run, RunFonts, Shading, ShdType, Style, StyleType,
    Table, TableCell, TableLayoutType, TableRow, WidthType,
};
use qstudy_core::AnalysisResults;
use qstudy_core::methods::NOT_RECORDED;
use qstudy_core::view::ReportView;
use qstudy_plot::view::{self, Direction, Mark};

use crate::ReportError;
use crate::html::ReportInfo;

/// A figure embedded in the document: its title (the caption), its PNG and the PNG's size in
/// pixels.
#[derive(Debug, Clone, Copy)]
pub struct DocxFigure<'a> {
    /// The caption, e.g. `F1 settled accommodation — 10 defining sorts`.
    pub title: &'a str,
    /// The file the figure is also written to, e.g. `plots/composite-F1.png`.
    pub file: &'a str,
    /// The PNG.
    pub png: &'a [u8],
    /// Width and height in pixels.
    pub size: (u32, u32),
}

/// The headings of the document in order (level 1 or 2, text), as its table of contents
/// lists them: the figures and the tables the results call for.
pub fn headings(r: &AnalysisResults, figures: &[DocxFigure]) -> Vec<(usize, String)> {
    let view = ReportView::new(r);
    let mut h = vec![
        (1, "Methods".to_string()),
        (2, "References".to_string()),
        (1, "Factors".to_string()),
        (1, "Factor arrays".to_string()),
        (1, "Loadings".to_string()),
        (1, "Correlations between factors".to_string()),
        (1, "Distinguishing statements".to_string()),
    ];
    for &f in &view.arrays {
        h.push((2, view::factor_caption(&r.factors[f])));
    }
    h.push((1, "Consensus statements".to_string()));
    h.push((1, "Crib sheets".to_string()));
    for c in &view.crib_sheets {
        h.push((2, view::factor_caption(&r.factors[c.factor])));
    }
    if !figures.is_empty() {
        h.push((1, "Figures".to_string()));
        for fig in figures {
            h.push((2, fig.title.to_string()));
        }
    }
    if !r.warnings.is_empty() {
        h.push((1, "Warnings".to_string()));
    }
    h.push((1, "Appendix: reporting checklist".to_string()));
    h
}

// ---- page and styles --------------------------------------------------------------------------

/// A4 in twentieths of a point.
const PAGE: (u32, u32) = (11906, 16838);
/// Margins of 2 cm.
const MARGIN: i32 = 1134;
/// The width of the text: 17 cm.
const TEXT_WIDTH: usize = 11906 - 2 * 1134;
/// EMU per twentieth of a point.
const EMU_PER_TWIP: u64 = 635;
/// The tallest an image is drawn: 23 cm.
const MAX_IMAGE_HEIGHT_EMU: u64 = 23 * 360_000;

fn styles(doc: Docx) -> Docx {
    let tight = LineSpacing::new().before(0).after(0);
    doc.default_size(21)
        .default_fonts(
            RunFonts::new()
                .ascii("Calibri")
                .hi_ansi("Calibri")
                .cs("Calibri"),
        )
        .add_style(
            Style::new("Title", StyleType::Paragraph)
                .name("Title")
                .based_on("Normal")
                .next("Normal")
                .size(52)
                .color("1F3864")
                .line_spacing(LineSpacing::new().before(2400).after(240)),
        )
        .add_style(
            Style::new("Subtitle", StyleType::Paragraph)
                .name("Subtitle")
                .based_on("Normal")
                .next("Normal")
                .size(28)
                .color("595959")
                .line_spacing(LineSpacing::new().after(480)),
        )
        .add_style(
            Style::new("Heading1", StyleType::Paragraph)
                .name("heading 1")
                .based_on("Normal")
                .next("Normal")
                .q_format(true)
                .size(32)
                .bold()
                .color("1F3864")
                .outline_lvl(0)
                .line_spacing(LineSpacing::new().before(360).after(120)),
        )
        .add_style(
            Style::new("Heading2", StyleType::Paragraph)
                .name("heading 2")
                .based_on("Normal")
                .next("Normal")
                .q_format(true)
                .size(26)
                .bold()
                .color("2F5496")
                .outline_lvl(1)
                .line_spacing(LineSpacing::new().before(240).after(80)),
        )
        .add_style(
            Style::new("Caption", StyleType::Paragraph)
                .name("caption")
                .based_on("Normal")
                .next("Normal")
                .size(18)
                .italic()
                .color("595959")
                .line_spacing(LineSpacing::new().before(60).after(200)),
        )
        .add_style(
            Style::new("TableText", StyleType::Paragraph)
                .name("Table Text")
                .based_on("Normal")
                .size(17)
                .line_spacing(tight),
        )
        .add_style(
            Style::new("TOC1", StyleType::Paragraph)
                .name("toc 1")
                .based_on("Normal")
                .next("Normal")
                .line_spacing(LineSpacing::new().before(0).after(60)),
        )
        .add_style(
            Style::new("TOC2", StyleType::Paragraph)
                .name("toc 2")
                .based_on("Normal")
                .next("Normal")
                .indent(Some(300), None, None, None)
                .line_spacing(LineSpacing::new().before(0).after(40)),
        )
        .add_style(
            Style::new("TOCHeading", StyleType::Paragraph)
                .name("TOC Heading")
                .based_on("Normal")
                .next("Normal")
                .size(32)
                .bold()
                .color("1F3864")
                .line_spacing(LineSpacing::new().before(240).after(120)),
        )
}

// ---- building blocks --------------------------------------------------------------------------

/// The document being written, with the identifiers handed out so far.
struct Writer {
    doc: Docx,
    /// Bookmarks of the headings (one per heading, in order).
    bookmarks: usize,
    /// Images embedded.
    images: usize,
    /// Paragraph ids.
    ids: Ids,
}

impl Writer {
    fn paragraph(&mut self, p: Paragraph) {
        let doc = std::mem::take(&mut self.doc);
        self.doc = doc.add_paragraph(p);
    }

    fn table(&mut self, t: Table) {
        let doc = std::mem::take(&mut self.doc);
        self.doc = doc.add_table(t);
    }

    fn text(&mut self, s: &str) {
        self.paragraph(self.ids.p().add_run(Run::new().add_text(s)));
    }

    fn caption(&mut self, s: &str) {
        self.paragraph(
            self.ids
                .p()
                .style("Caption")
                .add_run(Run::new().add_text(s)),
        );
    }

    /// A heading of `level` (1 or 2), bookmarked for the table of contents.
    fn heading(&mut self, level: usize, s: &str) {
        self.bookmarks += 1;
        let id = self.bookmarks;
        self.paragraph(
            self.ids
                .p()
                .style(&format!("Heading{level}"))
                .keep_next(true)
                .add_bookmark_start(id, toc_key(id))
                .add_run(Run::new().add_text(s))
                .add_bookmark_end(id),
        );
    }

    fn page_break(&mut self) {
        self.paragraph(self.ids.p().add_run(Run::new().add_break(BreakType::Page)));
    }

    /// The figure, as wide as the text (or less, to stay within a page), centred, with its
    /// caption.
    fn figure(&mut self, fig: &DocxFigure) {
        let (w, h) = (u64::from(fig.size.0.max(1)), u64::from(fig.size.1.max(1)));
        let mut width = TEXT_WIDTH as u64 * EMU_PER_TWIP;
        let mut height = width * h / w;
        if height > MAX_IMAGE_HEIGHT_EMU {
            height = MAX_IMAGE_HEIGHT_EMU;
            width = height * w / h;
        }
        self.images += 1;
        let pic = Pic::new_with_dimensions(fig.png.to_vec(), fig.size.0, fig.size.1)
            .id(format!("rIdQImage{}", self.images))
            .size(width as u32, height as u32);
        self.paragraph(
            self.ids
                .p()
                .align(AlignmentType::Center)
                .keep_next(true)
                .add_run(Run::new().add_image(pic)),
        );
        self.caption(&format!("{} ({})", fig.title, fig.file));
    }
}

/// The bookmark of heading `id`: Word's `_Toc` prefix keeps it hidden.
fn toc_key(id: usize) -> String {
    format!("_TocQ{id:04}")
}

/// Paragraph ids (Word's `w14:paraId`), handed out in document order from a base above the
/// ones docx-rs gives the paragraphs it makes itself while packing (the table of contents'),
/// so that the same document has the same ids whatever the thread built it before.
struct Ids(std::cell::Cell<u32>);

impl Ids {
    fn p(&self) -> Paragraph {
        let id = self.0.get();
        self.0.set(id + 1);
        Paragraph::new().id(format!("{id:08X}"))
    }
}

/// A table cell holding `s` (in the table text style), bold when asked.
fn cell(ids: &Ids, s: &str, bold: bool) -> TableCell {
    let mut run = Run::new().add_text(s);
    if bold {
        run = run.bold();
    }
    TableCell::new().add_paragraph(ids.p().style("TableText").add_run(run))
}

/// A cell of a number, right-aligned.
fn num_cell(ids: &Ids, s: &str, bold: bool) -> TableCell {
    let mut run = Run::new().add_text(s);
    if bold {
        run = run.bold();
    }
    TableCell::new().add_paragraph(
        ids.p()
            .style("TableText")
            .align(AlignmentType::Right)
            .add_run(run),
    )
}

/// A header cell: bold, shaded.
fn head_cell(ids: &Ids, s: &str) -> TableCell {
    cell(ids, s, true).shading(Shading::new().shd_type(ShdType::Clear).fill("D9E2F3"))
}

/// A table of `rows` under a header row, its columns `widths` twips wide (the last, when 0,
/// takes the rest of the text width).
fn table(head: Vec<TableCell>, rows: Vec<Vec<TableCell>>, widths: &[usize]) -> Table {
    let mut grid: Vec<usize> = widths.to_vec();
    if let Some(last) = grid.last_mut()
        && *last == 0
    {
        let used: usize = widths.iter().sum();
        *last = TEXT_WIDTH.saturating_sub(used).max(600);
    }
    let total: usize = grid.iter().sum();
    // every cell as wide as its column (a row of one cell spans the table), the layout fixed:
    // Word and LibreOffice keep the widths instead of fitting them to the contents
    let sized = |cells: Vec<TableCell>| {
        let one = cells.len() == 1 && grid.len() > 1;
        let row: Vec<TableCell> = cells
            .into_iter()
            .zip(&grid)
            .map(|(c, &w)| c.width(if one { total } else { w }, WidthType::Dxa))
            .collect();
        TableRow::new(row)
    };
    let mut all = vec![sized(head)];
    all.extend(rows.into_iter().map(sized));
    Table::new(all)
        .set_grid(grid.clone())
        .width(total, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
}

/// A number with `d` decimals and a typographic minus.
fn num(v: f64, d: usize) -> String {
    qstudy_plot::tick_label(v, d)
}

/// `▲**` etc.
fn mark_text(m: Option<Mark>) -> String {
    m.map(|m| format!(" {}{}", m.symbol(), m.stars()))
        .unwrap_or_default()
}

/// The fixed columns' widths, then `k` factor columns of `each` twips, narrower when that
/// would leave less than `rest` twips of the text width (for a statement column) over.
fn factor_widths(fixed: &[usize], k: usize, each: usize, rest: usize) -> Vec<usize> {
    let free = TEXT_WIDTH.saturating_sub(fixed.iter().sum::<usize>() + rest);
    let each = each.min(free / k.max(1)).max(300);
    let mut w = fixed.to_vec();
    w.extend(std::iter::repeat_n(each, k));
    w
}

// ---- the document -----------------------------------------------------------------------------

/// The Word document of the results: `report.docx`. `figures` are embedded in order (the
/// composite sorts, then the scree plot, as `qstudy analyze` passes them).
///
/// ```
/// # fn demo(results: &qstudy_core::AnalysisResults) {
/// let bytes = qstudy_report::docx::report_docx(results, &Default::default(), &[]).unwrap();
/// assert!(bytes.starts_with(b"PK"));
/// # }
/// ```
pub fn report_docx(
    r: &AnalysisResults,
    info: &ReportInfo,
    figures: &[DocxFigure],
) -> Result<Vec<u8>, ReportError> {
    let doc = styles(
        Docx::new().page_size(PAGE.0, PAGE.1).page_margin(
            PageMargin::new()
                .top(MARGIN)
                .bottom(MARGIN)
                .left(MARGIN)
                .right(MARGIN),
        ),
    );
    let mut w = Writer {
        doc,
        bookmarks: 0,
        images: 0,
        ids: Ids(std::cell::Cell::new(0x1000_0001)),
    };
    let view = ReportView::new(r);
    title_page(&mut w, r, info);
    contents(&mut w, r, figures);
    methods(&mut w, r);
    characteristics(&mut w, r);
    arrays(&mut w, r);
    loadings(&mut w, r);
    correlations(&mut w, r);
    distinguishing(&mut w, r, &view);
    consensus(&mut w, r, &view);
    crib_sheets(&mut w, r, &view);
    if !figures.is_empty() {
        w.heading(1, "Figures");
        w.text(
            "The composite sort of each factor (its array on the grid: ▲ ranked higher and ▼ lower than in every other factor, ◆ distinguishing with higher and lower ranks among the others, ** p < .01, * p < .05; ≈ consensus statement) and the scree plot.",
        );
        for fig in figures {
            w.heading(2, fig.title);
            w.figure(fig);
        }
    }
    if !r.warnings.is_empty() {
        w.heading(1, "Warnings");
        for warning in &r.warnings {
            w.text(&warning.to_string());
        }
    }
    checklist(&mut w, r);
    let mut out = std::io::Cursor::new(Vec::new());
    w.doc
        .build()
        .pack(&mut out)
        .map_err(|e| ReportError::Docx(e.to_string()))?;
    Ok(out.into_inner())
}

fn title_page(w: &mut Writer, r: &AnalysisResults, info: &ReportInfo) {
    let title = info
        .title
        .clone()
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| "Q study".to_string());
    w.paragraph(
        w.ids
            .p()
            .style("Title")
            .add_run(Run::new().add_text(&title)),
    );
    w.paragraph(
        w.ids
            .p()
            .style("Subtitle")
            .add_run(Run::new().add_text("A Q-methodological analysis")),
    );
    let grid = &r.input.grid;
    let range = match (grid.first(), grid.last()) {
        (Some(a), Some(b)) => format!(", grid {} to {}", view::signed(a[0]), view::signed(b[0])),
        _ => String::new(),
    };
    let lines = [
        (
            "Input",
            info.source
                .clone()
                .unwrap_or_else(|| "not recorded".to_string()),
        ),
        (
            "Data",
            format!(
                "{} Q-sorts of {} statements{range}",
                r.input.sorts, r.input.statements
            ),
        ),
        (
            "Analysis",
            format!(
                "{}, {} kept, {}",
                qstudy_core::view::method_phrase(&r.options),
                r.options.factors,
                qstudy_core::view::rotation_phrase(&r.options)
            ),
        ),
        (
            "Date",
            format!(
                "{NOT_RECORDED} (qstudy writes the same document for the same input, so it records no date)"
            ),
        ),
        (
            "Software",
            format!(
                "qstudy {}, numerics profile {}",
                qstudy_core::methods::VERSION,
                r.options.numerics.as_str()
            ),
        ),
    ];
    for (label, value) in lines {
        w.paragraph(
            w.ids
                .p()
                .add_run(Run::new().add_text(format!("{label}: ")).bold())
                .add_run(Run::new().add_text(value)),
        );
    }
    w.page_break();
}

fn contents(w: &mut Writer, r: &AnalysisResults, figures: &[DocxFigure]) {
    w.paragraph(
        w.ids
            .p()
            .style("TOCHeading")
            .add_run(Run::new().add_text("Contents")),
    );
    // Word's TOC field over the headings (levels 1-2, entries linked to them), its result the
    // entries without page numbers; marked dirty, so that Word fills the numbers in when it
    // opens the document (LibreOffice reads it as its table of contents: Tools, Update).
    let entries = headings(r, figures);
    let last = entries.len().saturating_sub(1);
    for (i, (level, text)) in entries.into_iter().enumerate() {
        let mut p = w.ids.p().style(&format!("TOC{level}"));
        if i == 0 {
            p = p.add_run(
                Run::new()
                    .add_field_char(FieldCharType::Begin, true)
                    .add_instr_text(InstrText::TOC(
                        InstrToC::new().heading_styles_range(1, 2).hyperlink(),
                    ))
                    .add_field_char(FieldCharType::Separate, false),
            );
        }
        p = p.add_hyperlink(
            Hyperlink::new(toc_key(i + 1), HyperlinkType::Anchor)
                .add_run(Run::new().add_text(text)),
        );
        if i == last {
            p = p.add_run(Run::new().add_field_char(FieldCharType::End, false));
        }
        w.paragraph(p);
    }
    w.caption(
        "Page numbers: update the table (Word offers it when the document is opened, or right-click, Update Field; LibreOffice: Tools, Update, Update All).",
    );
    w.page_break();
}

fn methods(w: &mut Writer, r: &AnalysisResults) {
    w.heading(1, "Methods");
    w.text(&r.methods_text);
    w.caption(
        "Written by qstudy from the choices it recorded (results.json: methods_text); edit it freely.",
    );
    w.heading(2, "References");
    for reference in &r.methods_references {
        w.paragraph(
            w.ids
                .p()
                .indent(
                    Some(360),
                    Some(docx_rs::SpecialIndentType::Hanging(360)),
                    None,
                    None,
                )
                .add_run(Run::new().add_text(reference)),
        );
    }
}

fn characteristics(w: &mut Writer, r: &AnalysisResults) {
    w.heading(1, "Factors");
    let head = [
        "Factor",
        "Name",
        "Eigenvalue",
        "% var.",
        "Sorts",
        "Rel.",
        "SE",
        "Defining sorts",
    ]
    .map(|h| head_cell(&w.ids, h))
    .to_vec();
    let rows = r
        .factors
        .iter()
        .map(|f| {
            vec![
                cell(&w.ids, &f.name, false),
                cell(&w.ids, f.label.as_deref().unwrap_or(""), false),
                num_cell(&w.ids, &num(f.eigenvalue, 2), false),
                num_cell(&w.ids, &num(f.explained_variance, 1), false),
                num_cell(&w.ids, &f.defining_sorts.len().to_string(), false),
                num_cell(
                    &w.ids,
                    &f.composite_reliability.map_or("—".into(), |v| num(v, 3)),
                    false,
                ),
                num_cell(&w.ids, &f.se.map_or("—".into(), |v| num(v, 3)), false),
                cell(&w.ids, &f.defining_sorts.join(", "), false),
            ]
        })
        .collect();
    w.table(table(head, rows, &[900, 1550, 1400, 900, 800, 850, 800, 0]));
    w.caption(
        "Factor characteristics: eigenvalue and percentage of variance explained by each factor, its defining sorts (number and ids), composite reliability (Rel.) and the standard error of its z-scores (SE).",
    );
    let unflagged: Vec<&str> = (0..r.input.sorts)
        .filter(|&i| !r.flags[i].iter().any(|&x| x))
        .map(|i| r.input.sort_ids[i].as_str())
        .collect();
    if !unflagged.is_empty() {
        w.text(&format!(
            "{} sort(s) define no factor: {}.",
            unflagged.len(),
            unflagged.join(", ")
        ));
    }
}

fn arrays(w: &mut Writer, r: &AnalysisResults) {
    w.heading(1, "Factor arrays");
    let shown = qstudy_core::view::with_array(r);
    if shown.is_empty() {
        w.text("No factor has an array.");
        return;
    }
    let mut head = vec![head_cell(&w.ids, "No."), head_cell(&w.ids, "Statement")];
    head.extend(shown.iter().map(|&f| head_cell(&w.ids, &r.factors[f].name)));
    head.push(head_cell(&w.ids, "Consensus"));
    let rows = (0..r.input.statements)
        .map(|i| {
            let mut row = vec![
                num_cell(&w.ids, &r.input.statement_ids[i].to_string(), false),
                cell(&w.ids, view::statement_caption(r, i).unwrap_or(""), false),
            ];
            for &f in &shown {
                let a = r.factors[f].array.as_ref().map_or(0, |a| a[i]);
                let m = view::mark(r, f, i);
                row.push(num_cell(
                    &w.ids,
                    &format!("{}{}", view::signed(i64::from(a)), mark_text(m)),
                    m.is_some(),
                ));
            }
            row.push(cell(
                &w.ids,
                match view::consensus(r, i) {
                    Some(p) if p >= 0.05 - 1e-12 => "≈ p ≥ .05",
                    Some(_) => "≈ p ≥ .01",
                    None => "",
                },
                false,
            ));
            row
        })
        .collect();
    let widths = factor_widths(&[550, 0], shown.len(), 900, 1250 + 2500);
    let fixed: usize = widths.iter().sum::<usize>() + 1250;
    let mut widths = widths;
    widths[1] = TEXT_WIDTH.saturating_sub(fixed).max(2000);
    widths.push(1250);
    w.table(table(head, rows, &widths));
    w.caption(
        "Factor arrays: the value of every statement in each factor's composite sort. ▲ ranked higher and ▼ lower than in every other factor, ◆ distinguishing with higher and lower ranks among the others (** p < .01, * p < .05; bold: distinguishing); ≈ consensus statement.",
    );
}

fn loadings(w: &mut Writer, r: &AnalysisResults) {
    w.heading(1, "Loadings");
    let mut head = vec![head_cell(&w.ids, "Sort")];
    head.extend(r.factors.iter().map(|f| head_cell(&w.ids, &f.name)));
    head.push(head_cell(&w.ids, "h²"));
    let rows = r
        .input
        .sort_ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let mut row = vec![cell(&w.ids, id, false)];
            for (f, &a) in r.factor_loadings[i].iter().enumerate() {
                let def = r.flags[i].get(f).copied().unwrap_or(false);
                let text = if def {
                    format!("{}*", num(a, 2))
                } else {
                    num(a, 2)
                };
                row.push(num_cell(&w.ids, &text, def));
            }
            row.push(num_cell(
                &w.ids,
                &r.rotated
                    .communalities
                    .get(i)
                    .map_or("—".into(), |v| num(*v, 2)),
                false,
            ));
            row
        })
        .collect();
    let widths = factor_widths(&[1600], r.factors.len() + 1, 900, 0);
    w.table(table(head, rows, &widths));
    w.caption(
        "Loadings of every sort on the rotated factors; bold with *: defining sort (flagged). h²: communality.",
    );
}

fn correlations(w: &mut Writer, r: &AnalysisResults) {
    w.heading(1, "Correlations between factors");
    let mut head = vec![head_cell(&w.ids, "")];
    head.extend(r.factors.iter().map(|f| head_cell(&w.ids, &f.name)));
    let rows = r
        .factor_correlations
        .iter()
        .enumerate()
        .map(|(a, row)| {
            let mut cells = vec![cell(&w.ids, &r.factors[a].name, true)];
            cells.extend(
                row.iter()
                    .map(|v| num_cell(&w.ids, &v.map_or("—".into(), |v| num(v, 2)), false)),
            );
            cells
        })
        .collect();
    let widths = factor_widths(&[900], r.factors.len(), 900, 0);
    w.table(table(head, rows, &widths));
    w.caption("Correlations between the factors' z-scores.");
}

/// A row of a statement: number, text, then per factor with an array its value (with its
/// mark) and z-score.
fn statement_row(
    ids: &Ids,
    r: &AnalysisResults,
    shown: &[usize],
    i: usize,
    bold_factor: Option<usize>,
) -> Vec<TableCell> {
    let mut row = vec![
        num_cell(ids, &r.input.statement_ids[i].to_string(), false),
        cell(ids, view::statement_caption(r, i).unwrap_or(""), false),
    ];
    for &f in shown {
        let a = r.factors[f].array.as_ref().map_or(0, |a| a[i]);
        let z = r.factors[f].zscores.as_ref().map_or(0.0, |z| z[i]);
        let m = if bold_factor == Some(f) {
            view::mark(r, f, i)
        } else {
            None
        };
        row.push(num_cell(
            ids,
            &format!(
                "{}{} ({})",
                view::signed(i64::from(a)),
                mark_text(m),
                num(z, 2)
            ),
            bold_factor == Some(f),
        ));
    }
    row
}

fn statement_head(ids: &Ids, r: &AnalysisResults, shown: &[usize]) -> (Vec<TableCell>, Vec<usize>) {
    let mut head = vec![head_cell(ids, "No."), head_cell(ids, "Statement")];
    head.extend(shown.iter().map(|&f| head_cell(ids, &r.factors[f].name)));
    let mut widths = factor_widths(&[500, 0], shown.len(), 1150, 2500);
    let fixed: usize = widths.iter().sum();
    widths[1] = TEXT_WIDTH.saturating_sub(fixed).max(2000);
    (head, widths)
}

fn distinguishing(w: &mut Writer, r: &AnalysisResults, v: &ReportView) {
    w.heading(1, "Distinguishing statements");
    w.text(
        "Statements whose z-score in a factor differs from their z-score in every other factor (p < .05; ** p < .01), by descending z-score: each factor's array value and z-score.",
    );
    for &f in &v.arrays {
        w.heading(2, &view::factor_caption(&r.factors[f]));
        let rows: Vec<Vec<TableCell>> = v.distinguishing[f]
            .iter()
            .map(|d| statement_row(&w.ids, r, &v.arrays, d.statement, Some(f)))
            .collect();
        if rows.is_empty() {
            w.text("No distinguishing statement.");
            continue;
        }
        let n = rows.len();
        let (head, widths) = statement_head(&w.ids, r, &v.arrays);
        w.table(table(head, rows, &widths));
        let higher = v.distinguishing[f]
            .iter()
            .filter(|d| d.direction == Direction::Higher)
            .count();
        w.caption(&format!(
            "{n} distinguishing statement(s) of {} ({higher} ranked higher than in every other factor); array value (z-score).",
            r.factors[f].name
        ));
    }
}

fn consensus(w: &mut Writer, r: &AnalysisResults, v: &ReportView) {
    w.heading(1, "Consensus statements");
    if v.consensus.is_empty() {
        w.text("No consensus statement: every statement differs between some pair of factors at p < .01.");
        return;
    }
    let rows: Vec<Vec<TableCell>> = v
        .consensus
        .iter()
        .map(|c| statement_row(&w.ids, r, &v.arrays, c.statement, None))
        .collect();
    let (head, widths) = statement_head(&w.ids, r, &v.arrays);
    w.table(table(head, rows, &widths));
    let at05 = v.consensus.iter().filter(|c| c.at_05()).count();
    w.caption(&format!(
        "Statements on which no pair of factors differs at p < .01 ({at05} of them not even at p < .05); each factor's array value (z-score)."
    ));
}

fn crib_sheets(w: &mut Writer, r: &AnalysisResults, v: &ReportView) {
    w.heading(1, "Crib sheets");
    w.text(
        "For each factor (Watts & Stenner 2012): the statements at the top and at the bottom of its array, and those it ranks higher or lower than every other factor does; array value (z-score).",
    );
    let groups = [
        "Ranked highest",
        "Ranked higher than in every other factor",
        "Ranked lower than in every other factor",
        "Ranked lowest",
    ];
    for sheet in &v.crib_sheets {
        let f = sheet.factor;
        w.heading(2, &view::factor_caption(&r.factors[f]));
        let mut rows: Vec<Vec<TableCell>> = Vec::new();
        for (label, statements) in groups.iter().zip(&sheet.groups) {
            rows.push(vec![
                cell(&w.ids, &format!("{label} ({})", statements.len()), true)
                    .grid_span(3)
                    .shading(Shading::new().shd_type(ShdType::Clear).fill("F2F2F2")),
            ]);
            for &i in statements {
                let a = r.factors[f].array.as_ref().map_or(0, |a| a[i]);
                let z = r.factors[f].zscores.as_ref().map_or(0.0, |z| z[i]);
                rows.push(vec![
                    num_cell(&w.ids, &r.input.statement_ids[i].to_string(), false),
                    cell(&w.ids, view::statement_caption(r, i).unwrap_or(""), false),
                    num_cell(
                        &w.ids,
                        &format!("{} ({})", view::signed(i64::from(a)), num(z, 2)),
                        false,
                    ),
                ]);
            }
        }
        let head = vec![
            head_cell(&w.ids, "No."),
            head_cell(&w.ids, "Statement"),
            head_cell(&w.ids, &r.factors[f].name),
        ];
        let widths = [500, TEXT_WIDTH - 500 - 1300, 1300];
        w.table(table(head, rows, &widths));
    }
}

fn checklist(w: &mut Writer, r: &AnalysisResults) {
    w.heading(1, "Appendix: reporting checklist");
    w.text(
        "What a report of a Q study should say (after the checklist of Churruca et al. 2021, Table 4, and the analytic choices it asks for), with what qstudy recorded of this analysis. Items qstudy cannot know are left for you.",
    );
    let rows = r
        .reporting_checklist
        .iter()
        .enumerate()
        .map(|(i, item)| {
            vec![
                num_cell(&w.ids, &(i + 1).to_string(), false),
                cell(&w.ids, &item.item, false),
                match &item.answer {
                    Some(a) => cell(&w.ids, a, false),
                    None => cell(&w.ids, NOT_RECORDED, false)
                        .shading(Shading::new().shd_type(ShdType::Clear).fill("FFF2CC")),
                },
            ]
        })
        .collect();
    let head = vec![
        head_cell(&w.ids, "#"),
        head_cell(&w.ids, "Item"),
        head_cell(&w.ids, "Recorded answer"),
    ];
    w.table(table(head, rows, &[450, 3400, 0]));
    w.caption(
        "Churruca, K., Ludlow, K., Wu, W., Gibbons, K., Nguyen, H. M., Ellis, L. A., & Braithwaite, J. (2021). A scoping review of Q-methodology in healthcare research. BMC Medical Research Methodology, 21, 125.",
    );
}
