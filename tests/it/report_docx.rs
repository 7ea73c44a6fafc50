//! `report.docx` of the APSE study: its headings (Word's Heading 1 / Heading 2 styles), the row
//! count of each table against `results.json`, the methods paragraph's stated choices against
//! `options`, every figure embedded (the composite sorts' and the scree plot's PNGs, byte for
//! byte), and LibreOffice (Debian's libreoffice-writer, installed by `.ci/run`) converting it
//! to PDF without an error: one conversion.

use std::io::Read;
use std::path::Path;

use serde_json::Value;
use support::qstudy;

/// The parts of the package: name and bytes.
fn parts(docx: &Path) -> Vec<(String, Vec<u8>)> {
    let file = std::fs::File::open(docx).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut entry = zip.by_index(i).unwrap();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            (entry.name().to_string(), bytes)
        })
        .collect()
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The text of the runs of an XML fragment.
fn text_of(xml: &str) -> String {
    let mut out = String::new();
    let mut rest = xml;
    while let Some(start) = rest.find("<w:t") {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else {
            break;
        };
        if after[..open_end].ends_with('/') || !matches!(after.as_bytes()[4], b'>' | b' ') {
            rest = &after[open_end + 1..];
            continue;
        }
        let body = &after[open_end + 1..];
        let end = body.find("</w:t>").unwrap();
        out.push_str(&unescape(&body[..end]));
        rest = &body[end..];
    }
    out
}

/// What the body holds, in order.
#[derive(Debug, PartialEq)]
enum Block {
    Heading(usize, String),
    Paragraph(String),
    /// A table and its number of rows.
    Table(usize),
}

fn blocks(document: &str) -> Vec<Block> {
    let body = &document[document.find("<w:body>").unwrap()..];
    let mut out = Vec::new();
    let mut rest = body;
    loop {
        let p = rest.find("<w:p ").or_else(|| rest.find("<w:p>"));
        let t = rest.find("<w:tbl>");
        match (p, t) {
            (Some(p), t) if t.is_none_or(|t| p < t) => {
                let end = rest[p..].find("</w:p>").map_or(rest.len(), |e| p + e + 6);
                let para = &rest[p..end];
                let text = text_of(para);
                let level = ["Heading1", "Heading2"]
                    .iter()
                    .position(|s| para.contains(&format!("<w:pStyle w:val=\"{s}\" />")));
                out.push(match level {
                    Some(l) => Block::Heading(l + 1, text),
                    None => Block::Paragraph(text),
                });
                rest = &rest[end..];
            }
            (_, Some(t)) => {
                let end = t + rest[t..].find("</w:tbl>").unwrap() + 8;
                let table = &rest[t..end];
                let rows = table.matches("<w:tr>").count() + table.matches("<w:tr ").count();
                out.push(Block::Table(rows));
                rest = &rest[end..];
            }
            _ => break,
        }
    }
    out
}

/// The rows of the first table after the heading `text`.
fn table_after(blocks: &[Block], text: &str) -> usize {
    let at = blocks
        .iter()
        .position(|b| matches!(b, Block::Heading(_, t) if t == text))
        .unwrap_or_else(|| panic!("no heading {text:?}"));
    blocks[at + 1..]
        .iter()
        .find_map(|b| match b {
            Block::Table(rows) => Some(*rows),
            Block::Heading(..) => panic!("no table under {text:?}"),
            _ => None,
        })
        .unwrap()
}

fn caption(f: &Value) -> String {
    match f["label"].as_str() {
        Some(label) => format!("{} {label}", f["name"].as_str().unwrap()),
        None => f["name"].as_str().unwrap().to_string(),
    }
}

#[test]
fn the_word_report_of_apse_has_its_headings_tables_methods_and_figures() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("apse");
    let run = qstudy(&[
        "analyze",
        "fixtures/apse-2023",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r = support::results(&out);
    let docx = out.join("report.docx");
    let parts = parts(&docx);
    let document = parts
        .iter()
        .find(|(n, _)| n == "word/document.xml")
        .map(|(_, b)| String::from_utf8(b.clone()).unwrap())
        .unwrap();
    let blocks = blocks(&document);

    // headings, in Word's heading styles
    let h1: Vec<&str> = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading(1, t) => Some(t.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        h1,
        [
            "Methods",
            "Factors",
            "Factor arrays",
            "Loadings",
            "Correlations between factors",
            "Distinguishing statements",
            "Consensus statements",
            "Crib sheets",
            "Figures",
            "Warnings",
            "Appendix: reporting checklist"
        ]
    );
    let styles = parts
        .iter()
        .find(|(n, _)| n == "word/styles.xml")
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .unwrap();
    assert!(
        styles.contains("<w:name w:val=\"heading 1\" />"),
        "Word's own heading styles"
    );
    assert!(
        document.contains("TOC \\o &quot;1-2&quot;"),
        "a table of contents field"
    );

    // the tables' rows against results.json
    let factors = r["factors"].as_array().unwrap();
    let (k, m, n) = (
        factors.len(),
        r["input"]["statements"].as_u64().unwrap() as usize,
        r["input"]["sorts"].as_u64().unwrap() as usize,
    );
    assert_eq!(table_after(&blocks, "Factors"), k + 1);
    assert_eq!(table_after(&blocks, "Factor arrays"), m + 1);
    assert_eq!(table_after(&blocks, "Loadings"), n + 1);
    assert_eq!(table_after(&blocks, "Correlations between factors"), k + 1);
    let consensus = r["consensus"].as_array().unwrap().len();
    assert_eq!(table_after(&blocks, "Consensus statements"), consensus + 1);
    let distinguishing_at = blocks
        .iter()
        .position(|b| matches!(b, Block::Heading(1, t) if t == "Distinguishing statements"))
        .unwrap();
    let crib_at = blocks
        .iter()
        .position(|b| matches!(b, Block::Heading(1, t) if t == "Crib sheets"))
        .unwrap();
    for (f, sheet) in factors.iter().zip(r["crib_sheets"].as_array().unwrap()) {
        let name = caption(f);
        let d = f["distinguishing"].as_array().unwrap().len();
        assert_eq!(
            table_after(&blocks[distinguishing_at..], &name),
            d + 1,
            "{name}"
        );
        let statements: usize = ["top", "ranked_higher", "ranked_lower", "bottom"]
            .iter()
            .map(|g| sheet[g].as_array().unwrap().len())
            .sum();
        // a header row, a row per group, a row per statement
        assert_eq!(
            table_after(&blocks[crib_at..], &name),
            1 + 4 + statements,
            "{name}"
        );
    }
    let checklist = r["reporting_checklist"].as_array().unwrap();
    assert_eq!(
        table_after(&blocks, "Appendix: reporting checklist"),
        checklist.len() + 1
    );
    let unanswered = checklist.iter().filter(|i| i["answer"].is_null()).count();
    assert!(unanswered > 0);
    assert_eq!(
        document.matches("not recorded: state it yourself").count(),
        unanswered + 1, // and the title page's date
    );

    // the methods paragraph, as results.json has it, states the recorded choices
    let methods = r["methods_text"].as_str().unwrap();
    assert!(blocks.contains(&Block::Paragraph(methods.to_string())));
    let o = &r["options"];
    assert_eq!(o["correlation"], "pearson");
    assert!(methods.contains("Pearson's product-moment correlation"));
    assert_eq!(o["extraction"], "centroid");
    assert_eq!(o["extracted"], 7);
    assert!(methods.contains("seven factors were extracted by the centroid method"));
    assert_eq!(o["factors"], 4);
    assert!(methods.contains("Four factors were kept"));
    assert_eq!(o["rotation"], "varimax");
    assert!(methods.contains("rotated by varimax"));
    assert_eq!(o["flag_p"], 0.05);
    assert!(methods.contains("significant at p < .05"));
    assert_eq!(o["numerics"], "pqmethod");
    assert!(methods.contains("numerics profile pqmethod"));
    assert!(text_of(&document).contains("Kaiser, H. F. (1958)"));

    // every figure embedded: the composite sorts and the scree plot, as plots/ has them
    let media: Vec<&Vec<u8>> = parts
        .iter()
        .filter(|(n, _)| n.starts_with("word/media/") && n.ends_with(".png"))
        .map(|(_, b)| b)
        .collect();
    let mut expected: Vec<Vec<u8>> = factors
        .iter()
        .map(|f| {
            std::fs::read(out.join(format!(
                "plots/composite-{}.png",
                f["name"].as_str().unwrap()
            )))
            .unwrap()
        })
        .collect();
    expected.push(std::fs::read(out.join("plots/scree.png")).unwrap());
    assert_eq!(media.len(), expected.len());
    for png in &expected {
        assert!(media.contains(&png), "a figure is not embedded");
    }
    assert_eq!(document.matches("<w:drawing>").count(), expected.len());

    libreoffice_converts(&docx, dir.path());
}

/// LibreOffice converts the document to PDF without an error (required on CI, skipped with a
/// note elsewhere when it is not installed).
fn libreoffice_converts(docx: &Path, dir: &Path) {
    let present = std::process::Command::new("soffice")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !present {
        assert!(
            std::env::var_os("CI").is_none(),
            "soffice not found: .ci/run installs libreoffice-writer"
        );
        eprintln!("note: LibreOffice (soffice) not installed: the PDF conversion is not tested");
        return;
    }
    let profile = dir.join("lo-profile");
    let pdf_dir = dir.join("pdf");
    let run = std::process::Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
        ])
        .arg(&pdf_dir)
        .arg(docx)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "soffice failed: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let pdf = std::fs::read(pdf_dir.join("report.pdf")).expect("report.pdf written");
    assert!(pdf.starts_with(b"%PDF"));
    // the figures are in it
    assert!(pdf.len() > 200_000, "{} bytes", pdf.len());
}
