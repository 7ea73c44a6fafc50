//! What can go wrong in the workbench, typed; each is worded for the page's user (no command
//! line flags: the page's own controls) and answered with an HTTP status.

use std::path::PathBuf;

use qstudy_core::error::AnalysisError;

/// A workbench failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// The input could not be read or is not a valid study (the readers' message, naming the
    /// file and place).
    #[error(transparent)]
    Load(#[from] qstudy_io::LoadError),
    /// The page's choices select sorts the input cannot give (a sort, attribute or value it
    /// does not have; too few sorts; an incomplete sort kept), in the page's words.
    #[error("{}", crate::words::load_error(.0))]
    Selection(qstudy_io::LoadError),
    /// An uploaded input could not be read or is not a valid study: the readers' message in
    /// the page's words ([`crate::words::load_error`]), its paths those of the files as
    /// uploaded.
    #[error("{}", crate::words::load_error(.0))]
    Upload(qstudy_io::LoadError),
    /// An uploaded file name is not a plain relative name.
    #[error("'{}': an uploaded file name must be a plain relative name", .name.escape_debug())]
    UploadName {
        /// The name as uploaded.
        name: String,
    },
    /// One name given twice in one upload (or a file and a folder of the same name).
    #[error("'{name}' is uploaded twice: give each file once")]
    UploadTwice {
        /// The name as uploaded.
        name: String,
    },
    /// Nothing was uploaded.
    #[error("no file was uploaded")]
    NoUpload,
    /// Too many files in one upload.
    #[error("{count} files uploaded: at most {max} (a study directory, or one file)")]
    TooManyFiles {
        /// Files uploaded.
        count: usize,
        /// The most accepted.
        max: usize,
    },
    /// Several files but neither a study nor a `.DAT`.
    #[error(
        "{count} files uploaded without a study.toml: give one file, one file with its statements (.txt or .xml), a .DAT with its .STA, or a study directory"
    )]
    NoStudy {
        /// Files uploaded.
        count: usize,
    },
    /// A streamed upload whose files hold more than the cap.
    #[error("the files are larger than {max_mib} MiB together: open a smaller study")]
    UploadTooLarge {
        /// The cap, in MiB.
        max_mib: u64,
    },
    /// A streamed upload that is not in the page's framing (or ended early).
    #[error("the upload is broken: {why}; choose the files again")]
    UploadBroken {
        /// What is wrong.
        why: String,
    },
    /// A PQMethod `.STA` (statements) uploaded without the `.DAT` (the sorts).
    #[error(
        "'{}' holds the statements of a PQMethod study: open it together with its .DAT (the sorts), choosing both files at once",
        .name.escape_debug()
    )]
    LoneSta {
        /// The name as uploaded.
        name: String,
    },
    /// A zip that is not a study saved by the workbench (or cannot be unpacked within the
    /// limits).
    #[error("'{}': {why}", .name.escape_debug())]
    UploadZip {
        /// The name as uploaded.
        name: String,
        /// What is wrong, in the page's words.
        why: String,
    },
    /// A file or directory of the workbench's own could not be written.
    #[error("{}: {source}", path.display().to_string().escape_debug())]
    Disk {
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The analysis cannot be done with these choices (worded with the page's labels).
    #[error("{input}: {}", crate::words::analysis_error(source))]
    Analysis {
        /// The input as shown.
        input: String,
        /// The cause (boxed: the error's size is that of its largest variant).
        source: Box<AnalysisError>,
    },
    /// The output set could not be built.
    #[error(transparent)]
    Outputs(#[from] qstudy_app::outputs::OutputsError),
    /// A zip archive could not be built.
    #[error("cannot build the archive: {0}")]
    Zip(#[from] zip::result::ZipError),
    /// The server could not listen.
    #[error("cannot listen on 127.0.0.1:{port}: {reason}")]
    Listen {
        /// The port asked for.
        port: u16,
        /// Why.
        reason: String,
    },
    /// The server's runtime could not start, or stopped accepting connections.
    #[error("the workbench server stopped: {0}")]
    Server(String),
    /// No random numbers for the session token.
    #[error("no random numbers for the token: {0}")]
    Token(getrandom::Error),
}

impl ServeError {
    /// The HTTP status of the answer: a bad input or an impossible choice is an answer (200,
    /// `{"error": ...}`), the server's own failures are 500.
    pub fn status(&self) -> u16 {
        match self {
            ServeError::Load(_)
            | ServeError::Selection(_)
            | ServeError::Upload(_)
            | ServeError::UploadName { .. }
            | ServeError::UploadTwice { .. }
            | ServeError::NoUpload
            | ServeError::TooManyFiles { .. }
            | ServeError::NoStudy { .. }
            | ServeError::LoneSta { .. }
            | ServeError::UploadTooLarge { .. }
            | ServeError::UploadBroken { .. }
            | ServeError::UploadZip { .. }
            | ServeError::Analysis { .. } => 200,
            _ => 500,
        }
    }
}
