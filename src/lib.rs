//! leafpress: multilingual, printable A4 leaflets (PDF) from one source of truth.
//!
//! The stages, each a module, data in and data out:
//!
//! ```text
//! content (TOML) ──content::load + validate──▶ model ──plan──▶ jobs
//!     ──leaflet::build──▶ template data (JSON, QR SVGs)
//!     ──fit (render::Engine: typst layout, PDF)──▶ PDF bytes, pages
//!     ──writer (the only code that writes: lock, staging, temporaries)──▶ output/
//!     ──publish──▶ manifest.json, SHA256SUMS, index.html
//! ```
//!
//! `batch` runs these stages for `build` and `check`; every file read goes through
//! `sandbox` (a regular file inside its folder, never a link out or a FIFO).
//! Beside them, `review`: a language exported for a native speaker's review (a printed
//! sheet, gettext PO, XLIFF 1.2) and the review recorded in the language files.

pub mod batch;
pub mod breaks;
pub mod cli;
pub mod content;
pub mod diag;
pub mod export;
pub mod fit;
pub mod fonts;
pub mod glyphs;
pub mod leaflet;
pub mod parallel;
pub mod plan;
pub mod publish;
pub mod qr;
pub mod render;
pub mod reuse;
pub mod review;
pub mod sandbox;
pub mod settings;
pub mod status;
pub mod templates;
pub mod watch;
pub mod writer;

/// Why a command could not do its work (problems in content are reported as diagnostics).
#[derive(Debug)]
pub enum Failure {
    /// Bad arguments: exit code 2.
    Usage(String),
    /// A folder or file that cannot be read or written: exit code 2.
    Io(diag::Diagnostic),
}

/// Exit codes, as documented in `leafpress --help`.
pub mod exit {
    pub const OK: u8 = 0;
    /// Content or layout errors (or a status threshold not met).
    pub const PROBLEMS: u8 = 1;
    /// Usage, I/O, missing fonts or templates.
    pub const USAGE_OR_IO: u8 = 2;
}
