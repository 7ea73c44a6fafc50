//! Compatibility profiles: the whole set of conventions of one anchor program (methods section 7b).
//!
//! A profile picks the centroid convention, the varimax algorithm and how rotated factors are
//! signed and ordered, so that a user gets the numbers of the program they check against.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use crate::extract::{CentroidVariant, Extraction};
use crate::rotate::{Orientation, VarimaxMethod};

/// Whose numbers an analysis reproduces.
///
/// ```
/// use qstudy_core::numerics::Compatibility;
/// use qstudy_core::{Extraction, VarimaxMethod};
/// assert_eq!(Compatibility::default(), Compatibility::Pqmethod);
/// assert_eq!(Compatibility::Qmethod.varimax(), VarimaxMethod::Svd);
/// assert_eq!("qmethod".parse::<Compatibility>().unwrap(), Compatibility::Qmethod);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Compatibility {
    /// PQMethod 2.35 / KADE / Ken-Q: PQMethod's centroid, PQMethod's varimax (skip rule,
    /// constants, stop rule), factors reflected to `sum a|a| >= 0` in their extraction order.
    #[default]
    Pqmethod,
    /// R qmethod 1.8.4: qmethod's centroid, R's `stats::varimax`; PCA components ordered and
    /// signed as psych::principal does, centroid factors as varimax leaves them.
    Qmethod,
}

impl Compatibility {
    /// The name used in options and `results.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Compatibility::Pqmethod => "pqmethod",
            Compatibility::Qmethod => "qmethod",
        }
    }

    /// The centroid convention of the profile.
    pub fn centroid(self) -> CentroidVariant {
        match self {
            Compatibility::Pqmethod => CentroidVariant::Pqmethod,
            Compatibility::Qmethod => CentroidVariant::Qmethod,
        }
    }

    /// The varimax algorithm of the profile.
    pub fn varimax(self) -> VarimaxMethod {
        match self {
            Compatibility::Pqmethod => VarimaxMethod::Pqmethod,
            Compatibility::Qmethod => VarimaxMethod::Svd,
        }
    }

    /// How rotated factors are signed and ordered for this extraction.
    pub fn orientation(self, extraction: Extraction) -> Orientation {
        match (self, extraction) {
            (Compatibility::Pqmethod, _) => Orientation::Reflect,
            (Compatibility::Qmethod, Extraction::Pca) => Orientation::Psych,
            (Compatibility::Qmethod, _) => Orientation::AsIs,
        }
    }
}

impl fmt::Display for Compatibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Compatibility {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "pqmethod" => Ok(Compatibility::Pqmethod),
            "qmethod" => Ok(Compatibility::Qmethod),
            other => Err(format!(
                "unknown numerics profile '{other}' (expected pqmethod or qmethod)"
            )),
        }
    }
}
