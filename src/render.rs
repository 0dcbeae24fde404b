//! Render stage: a typst `World` that sees only the templates folder, the bundled fonts and
//! the leaflet's data (as virtual files), compiles a template into pages, and exports PDF.
//!
//! Nothing else is readable: no system fonts, no files outside `templates/` (a link that
//! leads out, a FIFO or a device inside it is refused: `sandbox`), no packages, no network.
//! Same input, same bytes: the date, PDF identifier and creator are fixed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use typst::diag::{
    FileError, FileResult, PackageError, Severity as TypstSeverity, SourceDiagnostic, Warned,
};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::content::values::Date;
use crate::diag::{Diagnostic, Severity};
use crate::fonts::FontSet;
use crate::leaflet::Leaflet;
use crate::sandbox::{Refused, Root};
use crate::templates::MAX_TEMPLATE_BYTES;

/// The virtual folder the templates appear in, inside typst.
const TEMPLATES: &str = "/templates";

/// What stays the same across leaflets: the standard library, the fonts, the templates folder.
pub struct Engine {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    templates: Root,
}

/// A compiled leaflet and the template's warnings.
pub struct Compiled {
    pub document: PagedDocument,
    pub warnings: Vec<Diagnostic>,
}

impl Engine {
    pub fn new(fonts: FontSet, templates: &Path) -> Engine {
        Engine {
            library: LazyHash::new(Library::builder().build()),
            book: LazyHash::new(fonts.book),
            fonts: fonts.fonts,
            templates: Root::or_empty(templates, MAX_TEMPLATE_BYTES),
        }
    }

    /// The template file of a template name.
    pub fn template_path(&self, template: &str) -> PathBuf {
        self.templates.dir().join(format!("{template}.typ"))
    }

    /// The templates folder, as the sandbox typst reads it through.
    pub fn templates(&self) -> &Root {
        &self.templates
    }

    /// Lays out a leaflet with its template.
    pub fn compile(&self, leaflet: &Leaflet) -> Result<Compiled, Vec<Diagnostic>> {
        let template = self.template_path(&leaflet.template);
        if matches!(self.templates.open(&template), Err(Refused::Missing)) {
            return Err(vec![
                Diagnostic::error(
                    &template,
                    format!("template `{}` not found", leaflet.template),
                )
                .with_hint(format!(
                    "facts.toml lists it under [topic] templates; add {}",
                    template.display()
                )),
            ]);
        }
        let world = LeafWorld::new(self, leaflet);
        let Warned { output, warnings } = typst::compile::<PagedDocument>(&world);
        let warnings = warnings.iter().map(|d| world.diagnostic(d)).collect();
        match output {
            Ok(document) => Ok(Compiled { document, warnings }),
            Err(errors) => Err(errors.iter().map(|d| world.diagnostic(d)).collect()),
        }
    }

    /// Exports a compiled leaflet as PDF/UA-1 (tagged, accessible: typst checks title,
    /// language and alt text on export), with a fixed date and identifier.
    pub fn pdf(
        &self,
        leaflet: &Leaflet,
        document: &PagedDocument,
        date: Date,
    ) -> Result<Vec<u8>, Vec<Diagnostic>> {
        let timestamp = Datetime::from_ymd_hms(date.year, date.month, date.day, 0, 0, 0)
            .map(Timestamp::new_utc);
        let options = PdfOptions {
            ident: Smart::Custom(format!(
                "leafpress/{}/{}/{}",
                leaflet.topic, leaflet.template, leaflet.lang
            )),
            creator: Smart::Custom(Some("leafpress".into())),
            timestamp,
            page_ranges: None,
            standards: archival_and_accessible(),
            tagged: true,
            pretty: false,
        };
        let world = LeafWorld::new(self, leaflet);
        typst_pdf::pdf(document, &options)
            .map_err(|errors| errors.iter().map(|d| world.diagnostic(d)).collect())
    }
}

/// PDF/A-2a (archival, accessible level) together with PDF/UA-1 (universal accessibility):
/// typst checks both on export (title, language, alt text, tags, embedded fonts, a date).
fn archival_and_accessible() -> PdfStandards {
    // The pair is valid in typst 0.15 (PDF/A-4 with UA-1 is not); a test builds real PDFs.
    PdfStandards::new(&[PdfStandard::A_2a, PdfStandard::Ua_1])
        .expect("PDF/A-2a and PDF/UA-1 combine")
}

/// A page as a PNG image, `pixel_per_pt` pixels per point (1.0 = 72 dpi: 595 × 842 px
/// for A4), rendered in-process.
///
/// RGB (a page is opaque), no row filter and the fastest zlib level: rasterizing is most of
/// the cost. On these pages (flat colours, text) unfiltered rows compress better than
/// adaptive filters (about 14 % smaller) and encode faster; a higher level would double the
/// time for files about a tenth smaller.
pub fn png(page: &typst_layout::Page, pixel_per_pt: f64) -> Result<Vec<u8>, String> {
    encode(page, pixel_per_pt, false)
}

/// A page as a thumbnail `width_px` pixels wide: a PNG as small as it gets (the page's
/// colours reduced to a palette of [`THUMBNAIL_COLOURS`], adaptive row filters, the best
/// zlib level), since a counter page loads 46 of them over a phone's connection.
pub fn thumbnail(page: &typst_layout::Page, width_px: f64) -> Result<Vec<u8>, String> {
    encode(page, width_px / page.frame.width().to_pt(), true)
}

/// The colours of a thumbnail: a leaflet's few colours and the shades of their edges.
/// (A page of 240 × 339 pixels: 15 kB instead of 50 kB in full colour.)
pub const THUMBNAIL_COLOURS: usize = 32;

/// `rgb` reduced to at most `colours` colours: the means of the most used cells of a
/// 16-level grid of the colour cube (the most used first, ties by cell: the same pixels
/// give the same palette), each pixel the nearest of them. Returns the palette and the
/// pixels' indices.
fn palette(rgb: &[u8], colours: usize) -> (Vec<[u8; 3]>, Vec<u8>) {
    let cell = |c: &[u8]| {
        (usize::from(c[0] >> 4) << 8) | (usize::from(c[1] >> 4) << 4) | usize::from(c[2] >> 4)
    };
    let mut counts = vec![(0u64, [0u64; 3]); 4096];
    for c in rgb.chunks_exact(3) {
        let (n, sum) = &mut counts[cell(c)];
        *n += 1;
        for (s, v) in sum.iter_mut().zip(c) {
            *s += u64::from(*v);
        }
    }
    let mut used: Vec<usize> = (0..counts.len()).filter(|&i| counts[i].0 > 0).collect();
    used.sort_by_key(|&i| (std::cmp::Reverse(counts[i].0), i));
    let palette: Vec<[u8; 3]> = used
        .iter()
        .take(colours.min(256))
        .map(|&i| {
            let (n, sum) = counts[i];
            sum.map(|s| ((s + n / 2) / n) as u8)
        })
        .collect();
    let mut nearest = vec![u8::MAX; 4096];
    let indices = rgb
        .chunks_exact(3)
        .map(|c| {
            // the first pixel of a cell finds its colour; the cell's others are close to it
            // and share it (a cell is 16 levels wide: a shade apart at most)
            let k = cell(c);
            if nearest[k] == u8::MAX {
                let d = |p: &[u8; 3]| -> i32 {
                    p.iter()
                        .zip(c)
                        .map(|(a, b)| (i32::from(*a) - i32::from(*b)).pow(2))
                        .sum()
                };
                let best = (0..palette.len())
                    .min_by_key(|&i| (d(&palette[i]), i))
                    .unwrap_or(0);
                nearest[k] = best as u8;
            }
            nearest[k]
        })
        .collect();
    (palette, indices)
}

fn encode(page: &typst_layout::Page, pixel_per_pt: f64, small: bool) -> Result<Vec<u8>, String> {
    let options = typst_render::RenderOptions {
        pixel_per_pt: pixel_per_pt.into(),
        render_bleed: false,
    };
    let pixmap = typst_render::render(page, &options);
    // An opaque pixel's premultiplied colour is the colour itself: copied in one pass that
    // the compiler vectorizes; the pixels that are not opaque (none on a page with a
    // background) are demultiplied after.
    let mut rgb = vec![0; pixmap.pixels().len() * 3];
    for (out, rgba) in rgb.chunks_exact_mut(3).zip(pixmap.data().chunks_exact(4)) {
        out.copy_from_slice(&rgba[..3]);
    }
    for (out, pixel) in rgb.chunks_exact_mut(3).zip(pixmap.pixels()) {
        if pixel.alpha() != u8::MAX {
            let c = pixel.demultiply();
            out.copy_from_slice(&[c.red(), c.green(), c.blue()]);
        }
    }
    let mut png = Vec::new();
    let mut encoder = png::Encoder::new(&mut png, pixmap.width(), pixmap.height());
    encoder.set_depth(png::BitDepth::Eight);
    let data = if small {
        let (colours, indices) = palette(&rgb, THUMBNAIL_COLOURS);
        encoder.set_color(png::ColorType::Indexed);
        encoder.set_palette(colours.concat());
        encoder.set_filter(png::Filter::Adaptive);
        encoder.set_deflate_compression(png::DeflateCompression::Level(9));
        indices
    } else {
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_filter(png::Filter::NoFilter);
        encoder.set_deflate_compression(png::DeflateCompression::Level(1));
        rgb
    };
    let cannot = |e: png::EncodingError| format!("cannot encode the preview as PNG: {e}");
    let mut writer = encoder.write_header().map_err(cannot)?;
    writer.write_image_data(&data).map_err(cannot)?;
    writer.finish().map_err(cannot)?;
    Ok(png)
}

struct LeafWorld<'a> {
    engine: &'a Engine,
    main: FileId,
    today: Option<Datetime>,
    /// The leaflet's data and QR codes, by virtual path.
    virtual_files: HashMap<String, Bytes>,
    sources: Mutex<HashMap<FileId, FileResult<Source>>>,
}

fn file_id(path: &str) -> Option<FileId> {
    VirtualPath::new(path)
        .ok()
        .map(|v| RootedPath::new(VirtualRoot::Project, v).intern())
}

impl<'a> LeafWorld<'a> {
    fn new(engine: &'a Engine, leaflet: &Leaflet) -> Self {
        let main_path = format!("{TEMPLATES}/{}.typ", leaflet.template);
        let main = file_id(&main_path).unwrap_or_else(|| {
            FileId::unique(RootedPath::new(
                VirtualRoot::Project,
                VirtualPath::new("/main.typ").expect("valid path"),
            ))
        });
        let mut virtual_files: HashMap<String, Bytes> = leaflet
            .files
            .iter()
            .map(|(p, b)| (p.clone(), Bytes::new(b.clone())))
            .collect();
        let data = serde_json::to_vec(&leaflet.data).unwrap_or_default();
        virtual_files.insert("/data.json".into(), Bytes::new(data));
        let e = leaflet.edition;
        LeafWorld {
            engine,
            main,
            today: Datetime::from_ymd(e.year, e.month, e.day),
            virtual_files,
            sources: Mutex::new(HashMap::new()),
        }
    }

    /// Where a typst file id lives on disk (only inside the templates folder).
    fn disk_path(&self, id: FileId) -> FileResult<PathBuf> {
        if let VirtualRoot::Package(spec) = id.root() {
            return Err(FileError::Package(PackageError::Other(Some(
                format!("{spec}: leafpress prints offline and uses no typst packages; put what the template needs in templates/").into(),
            ))));
        }
        let vpath = id.vpath().get_with_slash();
        let inside = vpath
            .strip_prefix(TEMPLATES)
            .and_then(|rest| rest.strip_prefix('/'));
        match inside {
            Some(rest) => Ok(self.engine.templates.dir().join(rest)),
            None => Err(FileError::Other(Some(
                format!("{vpath} is outside the templates folder; templates may read only templates/ and the leaflet's data").into(),
            ))),
        }
    }

    /// A file of the templates folder, through its sandbox: a regular file inside it.
    fn read(&self, id: FileId) -> FileResult<Vec<u8>> {
        let path = self.disk_path(id)?;
        self.engine.templates.read(&path).map_err(|why| match why {
            Refused::Missing | Refused::Dangling(_) => FileError::NotFound(path.clone()),
            Refused::NotAFile("a folder") => FileError::IsDirectory,
            Refused::Io(e) => FileError::from_io(e, &path),
            why => FileError::Other(Some(
                format!(
                    "{}: {why}",
                    crate::diag::printable(&path.display().to_string())
                )
                .into(),
            )),
        })
    }

    /// A typst diagnostic as ours: template file, line and column, message and hints.
    fn diagnostic(&self, d: &SourceDiagnostic) -> Diagnostic {
        let id = d.span.id();
        let path = id
            .and_then(|id| self.disk_path(id).ok())
            .unwrap_or_else(|| {
                self.engine.template_path(
                    self.main
                        .vpath()
                        .file_name()
                        .unwrap_or("")
                        .trim_end_matches(".typ"),
                )
            });
        let hints: Vec<String> = d.hints.iter().map(|h| h.v.to_string()).collect();
        let mut diag = Diagnostic::error(&path, d.message.to_string());
        if d.severity != TypstSeverity::Error {
            diag.severity = Severity::Warning;
        }
        if !hints.is_empty() {
            diag = diag.with_hint(hints.join("; "));
        }
        match id.zip(self.range(d.span)) {
            Some((id, range)) => match self.source(id) {
                Ok(source) => diag.at(source.text(), range),
                Err(_) => diag,
            },
            None => diag,
        }
    }
}

impl World for LeafWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.engine.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.engine.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        let mut sources = self.sources.lock().unwrap_or_else(|e| e.into_inner());
        sources
            .entry(id)
            .or_insert_with(|| {
                let bytes = self.read(id)?;
                let text = String::from_utf8(bytes).map_err(|_| FileError::InvalidUtf8)?;
                Ok(Source::new(id, text))
            })
            .clone()
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if let VirtualRoot::Project = id.root()
            && let Some(bytes) = self.virtual_files.get(id.vpath().get_with_slash())
        {
            return Ok(bytes.clone());
        }
        self.read(id).map(Bytes::new)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.engine.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        self.today
    }
}
