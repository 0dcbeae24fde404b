//! What a run is asked to do: where the project's folders are, which leaflets, into which
//! output folder, checked against which date. Parsed once (`main`), read by every stage.

use std::path::{Path, PathBuf};

use crate::content::values::Date;
use crate::diag::Style;

/// Where things are, and what to build.
#[derive(Debug, Clone)]
pub struct Settings {
    pub content: PathBuf,
    pub templates: PathBuf,
    pub fonts: PathBuf,
    pub out: PathBuf,
    pub langs: Vec<String>,
    pub templates_wanted: Vec<String>,
    /// The centers whose editions the run is asked for (`--center`), each into a folder of
    /// its own in `out`; none: each topic's own center, into `out`.
    pub centers: Vec<String>,
    /// The center this run prints for (one of `centers`, set per edition by `batch`).
    pub center: Option<String>,
    pub allow_missing: bool,
    pub today: Date,
    pub strict: bool,
    /// Printed facts with an older `as-of` are stale (warnings; errors when `strict`);
    /// `None`: the limit each topic sets (`max-fact-age-months`), else 12 months.
    pub max_fact_age_months: Option<u32>,
    /// How diagnostics are printed.
    pub style: Style,
    /// Where the output folder will be published (`--base-url`): the counter page then
    /// shows a QR code of each hosted PDF.
    pub base_url: Option<String>,
    /// How many leaflets are laid out at once (`--jobs`; 0: one per core).
    pub jobs: usize,
    /// Write the thumbnails, manifest, checksums and counter page beside the PDFs (`build`);
    /// `watch` writes the PDFs only.
    pub publish: bool,
    /// Also a 72-dpi preview of every page (`build --previews`).
    pub previews: bool,
    /// The process ends after this run (`build`, `check`, `export-typst`): the fonts are
    /// mapped rather than read, and typst's memoized layouts are forgotten after each
    /// leaflet, so that memory stays flat however many leaflets a run has. `watch` reads
    /// the fonts and keeps the layouts for the next save.
    pub one_shot: bool,
    /// Keep a leaflet's PDF and previews from the last build into `out` when nothing it is
    /// made from has changed since (`build`; `--rebuild` turns it off).
    pub reuse: bool,
    /// The PDFs' date (`SOURCE_DATE_EPOCH`, see [`source_date_epoch`]); `None`: each
    /// leaflet's edition date.
    pub pdf_date: Option<Date>,
}

impl Settings {
    /// Everything of the project at `root` (content/, templates/, fonts/ → output/), every
    /// language and template, statements checked against `today`.
    pub fn in_project(root: &Path, today: Date) -> Settings {
        Settings {
            content: root.join("content"),
            templates: root.join("templates"),
            fonts: root.join("fonts"),
            out: root.join("output"),
            langs: Vec::new(),
            templates_wanted: Vec::new(),
            centers: Vec::new(),
            center: None,
            allow_missing: false,
            today,
            strict: false,
            max_fact_age_months: None,
            style: Style::Short,
            base_url: None,
            jobs: 0,
            publish: true,
            previews: false,
            one_shot: true,
            reuse: true,
            pdf_date: None,
        }
    }

    /// Whether the run builds language `tag` (every language when none was asked for).
    pub fn wants_lang(&self, tag: &str) -> bool {
        self.langs.is_empty() || self.langs.iter().any(|l| l == tag)
    }

    /// One edition per center asked for (`center` set, `out` its own folder), or the run
    /// as it is when none was.
    pub fn editions(&self) -> Vec<Settings> {
        if self.centers.is_empty() {
            return vec![self.clone()];
        }
        self.centers
            .iter()
            .map(|id| Settings {
                out: self.out.join(id),
                center: Some(id.clone()),
                centers: Vec::new(),
                ..self.clone()
            })
            .collect()
    }

    /// Whether the run builds template `name` (every template when none was asked for).
    pub fn wants_template(&self, name: &str) -> bool {
        self.templates_wanted.is_empty() || self.templates_wanted.iter().any(|t| t == name)
    }
}

/// The date of `SOURCE_DATE_EPOCH` (reproducible builds: the PDFs' date), `None` when it
/// is not set (or empty). A value that is not a whole number of seconds since 1970, or
/// that is not a date from 1970 to 9999, is an error: a CI job that sets it wants it.
pub fn source_date_epoch(value: Option<&str>) -> Result<Option<Date>, String> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    const YEAR_10000: i64 = 253_402_300_800;
    match v.parse::<i64>() {
        Ok(secs) if (0..YEAR_10000).contains(&secs) => Ok(Some(Date::from_unix(secs))),
        Ok(_) => Err(format!(
            "SOURCE_DATE_EPOCH={v} is not a date from 1970 to 9999 (seconds since 1970-01-01)"
        )),
        Err(_) => Err(format!(
            "SOURCE_DATE_EPOCH=`{}` is not a number of seconds since 1970-01-01 (e.g. 1733097600)",
            crate::diag::printable(v)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_date_epoch_is_a_date_or_an_error() {
        assert_eq!(source_date_epoch(None), Ok(None));
        assert_eq!(source_date_epoch(Some(" ")), Ok(None));
        assert_eq!(
            source_date_epoch(Some("1733097600")),
            Ok(Some(Date {
                year: 2024,
                month: 12,
                day: 2
            }))
        );
        assert_eq!(
            source_date_epoch(Some("garbage")).unwrap_err(),
            "SOURCE_DATE_EPOCH=`garbage` is not a number of seconds since 1970-01-01 (e.g. 1733097600)"
        );
        assert!(source_date_epoch(Some("-1")).is_err());
        assert!(source_date_epoch(Some("99999999999999")).is_err());
    }
}
