//! The figures of an analysis and the report page that shows them, rendered as files.

use qstudy_core::AnalysisResults;
use qstudy_plot::{Gallery, Plot, PlotError};
use qstudy_report::{ReportInfo, report_html};

/// A file of the figures or the report, rendered: its path relative to the results directory
/// (`/`-separated: `plots/composite-F1.svg`, `report.html`) and its bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedFile {
    /// Relative path.
    pub path: String,
    /// Content.
    pub bytes: Vec<u8>,
}

/// Every figure of `gallery` as `plots/NAME.svg` and `plots/NAME.png`, then `report.html`, in
/// that order (figures in gallery order, SVG before PNG). The figures are drawn in parallel on
/// rayon's pool; each is a pure function of the results, and the files are collected in this
/// fixed order, so the bytes do not depend on the number of threads.
pub fn render_outputs(
    results: &AnalysisResults,
    gallery: &Gallery,
    info: &ReportInfo,
) -> Result<Vec<RenderedFile>, PlotError> {
    use rayon::prelude::*;
    let plots = &gallery.plots;
    // The PNGs (most of the work) on one side; the SVGs, then the report that inlines them
    // (each SVG is drawn once, see `Plot::svg`), on the other.
    let (pngs, rest) = rayon::join(
        || {
            plots
                .par_iter()
                .map(Plot::to_png)
                .collect::<Result<Vec<_>, _>>()
        },
        || -> Result<_, PlotError> {
            let svgs = plots
                .par_iter()
                .map(Plot::to_svg)
                .collect::<Result<Vec<_>, _>>()?;
            Ok((svgs, report_html(results, gallery, info)?))
        },
    );
    let (pngs, (svgs, html)) = (pngs?, rest?);
    let mut files = Vec::with_capacity(2 * plots.len() + 1);
    for ((plot, svg), png) in plots.iter().zip(svgs).zip(pngs) {
        files.push(RenderedFile {
            path: format!("plots/{}.svg", plot.name()),
            bytes: svg.into_bytes(),
        });
        files.push(RenderedFile {
            path: format!("plots/{}.png", plot.name()),
            bytes: png,
        });
    }
    files.push(RenderedFile {
        path: "report.html".to_string(),
        bytes: html.into_bytes(),
    });
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use qstudy_plot::{PlotOptions, standard_plots};

    /// The Lipset study (9 sorts, 33 statements), 3 factors.
    fn results() -> AnalysisResults {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/lipset/LIPSET.DAT"
        );
        let (_, study) = qstudy_io::load_study(path.as_ref(), None, None, false).unwrap();
        let options = qstudy_core::AnalysisOptions {
            factors: 3,
            ..Default::default()
        };
        qstudy_core::analyze(&study, &options).unwrap()
    }

    #[test]
    fn render_outputs_gives_svg_png_and_the_report_in_order() {
        let r = results();
        let gallery = standard_plots(&r, &PlotOptions::default()).unwrap();
        let files = render_outputs(&r, &gallery, &ReportInfo::default()).unwrap();
        assert_eq!(files.len(), gallery.plots.len() * 2 + 1);
        assert_eq!(files[0].path, "plots/composite-F1.svg");
        assert_eq!(files[1].path, "plots/composite-F1.png");
        assert_eq!(files[files.len() - 1].path, "report.html");
        for f in &files {
            assert!(f.bytes.len() > 1000, "{}", f.path);
        }
    }

    #[test]
    fn rendered_outputs_are_the_same_on_any_number_of_threads() {
        let r = results();
        let info = ReportInfo::default();
        let render = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| {
                let gallery = standard_plots(&r, &PlotOptions::default()).unwrap();
                render_outputs(&r, &gallery, &info).unwrap()
            })
        };
        let one = render(1);
        assert_eq!(one.last().unwrap().path, "report.html");
        assert_eq!(one, render(3));
        // each SVG is the figure's own, and the report inlines it
        let gallery = standard_plots(&r, &PlotOptions::default()).unwrap();
        let svg = gallery.plots[0].to_svg().unwrap();
        assert_eq!(one[0].bytes, svg.as_bytes());
        let html = String::from_utf8(one.last().unwrap().bytes.clone()).unwrap();
        assert!(html.contains(svg.trim_end().trim_start_matches("<svg ")));
    }
}
