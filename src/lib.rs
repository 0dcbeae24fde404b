//! leafpress: multilingual, printable A4 leaflets (PDF) from one source of truth.
//!
//! The stages, each a module, data in and data out:
//!
//! ```text
//! content (TOML) ──content::load + validate──▶ model ──leaflet::build──▶ template data (JSON, QR SVGs)
//!     ──render::Engine::compile (typst)──▶ pages ──render::Engine::pdf──▶ PDF bytes ──batch──▶ output/
//! ```

pub mod batch;
pub mod breaks;
pub mod cli;
pub mod content;
pub mod diag;
pub mod fonts;
pub mod glyphs;
pub mod leaflet;
pub mod parallel;
pub mod publish;
pub mod qr;
pub mod render;
pub mod reuse;
pub mod status;
pub mod watch;

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
