//! [`InputFormat`]: the input file formats, their names and the extensions that imply them.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

/// The input file formats.
///
/// Parsed (any case) from `csv` / `qmethod`, `csv-rows` / `rows` / `kade-csv` / `kenq-csv`,
/// `htmlq` / `flashq`, `netlify`, `sheets` / `google-sheets`, `json` / `easy-htmlq` / `eqwebsort`, `xlsx` / `kade` / `kenq`,
/// `pqmethod` / `dat` and `study`; displayed as `csv`, `csv-rows`, `htmlq`, `netlify`,
/// `sheets`, `json`, `xlsx`,
/// `pqmethod` and `study`.
///
/// ```
/// use qstudy_io::InputFormat;
/// assert_eq!("DAT".parse::<InputFormat>(), Ok(InputFormat::PqmethodDat));
/// assert_eq!(InputFormat::QmethodCsv.to_string(), "csv");
/// assert_eq!(InputFormat::from_path("x/LIPSET.DAT".as_ref()), Some(InputFormat::PqmethodDat));
/// assert_eq!("xlsx".parse::<InputFormat>(), Ok(InputFormat::Xlsx));
/// assert!("sav".parse::<InputFormat>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InputFormat {
    /// qmethod CSV: statements x sorts, header row of sort ids, optional label column.
    QmethodCsv,
    /// CSV with one row per participant: an id column, one column per statement (numbered in
    /// the header), optional attribute columns. KADE's and Ken-Q's CSV import layout.
    CsvRows,
    /// HTMLQ / FlashQ CSV export: `;`-separated, `sid`, `uid`, `s1..sN`, form and comment
    /// columns (kept as participant attributes).
    Htmlq,
    /// EQ Web Sort's Netlify form export (CSV): a `qSortData` column of
    /// `key:| value | ... | sort:| a|b|c |` texts, one row per submission.
    NetlifyCsv,
    /// EQ Web Sort's Google Sheets export (CSV): a header of column numbers, then one row per
    /// submission of `key: value` cells (`sort: a|b|c`).
    SheetsCsv,
    /// easy-htmlq / EQ Web Sort JSON (Firebase export): one object per participant with
    /// `"sort": "a|b|c"` (values in statement order); other fields become attributes.
    EasyHtmlqJson,
    /// An XLSX workbook (KADE / Ken-Q): a sorts sheet in either CSV orientation, an optional
    /// statements sheet.
    Xlsx,
    /// PQMethod `.DAT` (+ `.STA` beside it for the statement texts).
    PqmethodDat,
    /// A qstudy study directory (`study.toml` and the files it names).
    Study,
}

impl InputFormat {
    /// Every file format (not the study directory), in the order they are documented.
    pub const ALL: [InputFormat; 8] = [
        InputFormat::QmethodCsv,
        InputFormat::CsvRows,
        InputFormat::Htmlq,
        InputFormat::NetlifyCsv,
        InputFormat::SheetsCsv,
        InputFormat::EasyHtmlqJson,
        InputFormat::Xlsx,
        InputFormat::PqmethodDat,
    ];

    /// Every format name accepted by `--format`, for messages.
    pub const NAMES: &'static str =
        "csv, csv-rows, htmlq, netlify, sheets, json, xlsx, pqmethod or study";

    /// The format implied by a file's extension (any case), if any: `.csv` and `.tsv` give
    /// [`InputFormat::QmethodCsv`] (the CSV family: [`read_sorts`](crate::read_sorts) then tells
    /// the layouts apart by content), `.dat` PQMethod, `.json` easy-htmlq JSON, `.xlsx` / `.xlsm`
    /// XLSX.
    pub fn from_path(path: &Path) -> Option<InputFormat> {
        let ext = path.extension()?.to_str()?;
        let is = |e: &str| ext.eq_ignore_ascii_case(e);
        if is("csv") || is("tsv") {
            Some(InputFormat::QmethodCsv)
        } else if is("dat") {
            Some(InputFormat::PqmethodDat)
        } else if is("json") {
            Some(InputFormat::EasyHtmlqJson)
        } else if is("xlsx") || is("xlsm") {
            Some(InputFormat::Xlsx)
        } else {
            None
        }
    }

    /// A human description, e.g. `qmethod CSV (statements x sorts)`.
    pub fn description(self) -> &'static str {
        match self {
            InputFormat::QmethodCsv => "qmethod CSV (statements x sorts)",
            InputFormat::CsvRows => "CSV with one row per participant",
            InputFormat::Htmlq => "HTMLQ/FlashQ CSV export",
            InputFormat::NetlifyCsv => "EQ Web Sort Netlify CSV export",
            InputFormat::SheetsCsv => "EQ Web Sort Google Sheets CSV export",
            InputFormat::EasyHtmlqJson => "easy-htmlq/EQ Web Sort JSON",
            InputFormat::Xlsx => "XLSX workbook (KADE/Ken-Q)",
            InputFormat::PqmethodDat => "PQMethod .DAT/.STA",
            InputFormat::Study => "qstudy study directory",
        }
    }
}

impl fmt::Display for InputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            InputFormat::QmethodCsv => "csv",
            InputFormat::CsvRows => "csv-rows",
            InputFormat::Htmlq => "htmlq",
            InputFormat::NetlifyCsv => "netlify",
            InputFormat::SheetsCsv => "sheets",
            InputFormat::EasyHtmlqJson => "json",
            InputFormat::Xlsx => "xlsx",
            InputFormat::PqmethodDat => "pqmethod",
            InputFormat::Study => "study",
        })
    }
}

/// An input format name that is not known.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown input format '{0}' (expected csv, csv-rows, htmlq, netlify, sheets, json, xlsx, pqmethod or study)"
)]
pub struct UnknownFormatName(pub String);

impl FromStr for InputFormat {
    type Err = UnknownFormatName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().trim_start_matches('.');
        let any = |names: &[&str]| names.iter().any(|n| t.eq_ignore_ascii_case(n));
        if any(&["csv", "qmethod", "qmethod-csv"]) {
            Ok(InputFormat::QmethodCsv)
        } else if any(&[
            "csv-rows",
            "rows",
            "participant-rows",
            "kade-csv",
            "kenq-csv",
        ]) {
            Ok(InputFormat::CsvRows)
        } else if any(&["htmlq", "flashq"]) {
            Ok(InputFormat::Htmlq)
        } else if any(&["netlify", "netlify-csv", "eqwebsort-netlify"]) {
            Ok(InputFormat::NetlifyCsv)
        } else if any(&["sheets", "google-sheets", "sheets-csv", "eqwebsort-sheets"]) {
            Ok(InputFormat::SheetsCsv)
        } else if any(&[
            "json",
            "easy-htmlq",
            "easyhtmlq",
            "eqwebsort",
            "eq-web-sort",
        ]) {
            Ok(InputFormat::EasyHtmlqJson)
        } else if any(&["xlsx", "excel", "kade", "kenq", "ken-q"]) {
            Ok(InputFormat::Xlsx)
        } else if any(&["pqmethod", "dat"]) {
            Ok(InputFormat::PqmethodDat)
        } else if any(&["study"]) {
            Ok(InputFormat::Study)
        } else {
            Err(UnknownFormatName(s.to_string()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_and_extensions() {
        for (s, f) in [
            ("csv", InputFormat::QmethodCsv),
            ("CSV", InputFormat::QmethodCsv),
            ("qmethod", InputFormat::QmethodCsv),
            ("pqmethod", InputFormat::PqmethodDat),
            ("dat", InputFormat::PqmethodDat),
            (".DAT", InputFormat::PqmethodDat),
            ("csv-rows", InputFormat::CsvRows),
            ("kenq-csv", InputFormat::CsvRows),
            ("FlashQ", InputFormat::Htmlq),
            ("easy-htmlq", InputFormat::EasyHtmlqJson),
            ("kade", InputFormat::Xlsx),
            ("study", InputFormat::Study),
        ] {
            assert_eq!(s.parse::<InputFormat>(), Ok(f), "{s}");
        }
        for f in InputFormat::ALL {
            assert_eq!(f.to_string().parse::<InputFormat>(), Ok(f));
        }
        assert_eq!(
            "sav".parse::<InputFormat>().unwrap_err().to_string(),
            "unknown input format 'sav' (expected csv, csv-rows, htmlq, netlify, sheets, json, xlsx, pqmethod or study)"
        );
        assert_eq!(
            InputFormat::from_path(Path::new("a/b.Csv")),
            Some(InputFormat::QmethodCsv)
        );
        assert_eq!(InputFormat::from_path(Path::new("a/b.sta")), None);
        assert_eq!(
            InputFormat::from_path(Path::new("a/b.XLSX")),
            Some(InputFormat::Xlsx)
        );
        assert_eq!(
            InputFormat::from_path(Path::new("a/b.json")),
            Some(InputFormat::EasyHtmlqJson)
        );
        assert_eq!(InputFormat::from_path(Path::new("a/b")), None);
    }
}
