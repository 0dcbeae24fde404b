//! Keeping what an earlier build wrote: a leaflet whose inputs are those it was built from
//! last time is not laid out again, as long as its PDF and images are still the files
//! that build wrote (checked against the manifest and SHA256SUMS).
//!
//! A leaflet's input key is the SHA-256 of everything its layout can depend on: the
//! leaflet's data and QR codes, every file of the templates folder, the font files (name,
//! size, modification time: the only files typst may read besides those), the leafpress
//! program itself (its size and modification time: a new build of it changes both) and
//! `SOURCE_DATE_EPOCH` (the PDF's date when set). A leaflet whose layout gave warnings gets
//! no key, so that they are printed every time.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::content::values::Date;
use crate::leaflet::Leaflet;
use crate::publish::{Entry, MANIFEST, SHA256SUMS, read_sha256sums, sha256_hex};
use crate::sandbox::Root;

/// What a build may keep of the last one in its output folder, and the keys it records for
/// the next.
#[derive(Default)]
pub struct LastBuild {
    inputs: Option<Inputs>,
    previous: Previous,
    /// Leaflets whose inputs have not changed may be kept (not with `--rebuild`).
    reuse: bool,
}

impl LastBuild {
    /// For a build that records keys (`inputs`: when it publishes a manifest), with what
    /// the output folder holds from the last build (`previous`); leaflets whose inputs have
    /// not changed are kept when `reuse` (not with `--rebuild`).
    pub fn new(inputs: Option<Inputs>, previous: Previous, reuse: bool) -> LastBuild {
        LastBuild {
            inputs,
            previous,
            reuse,
        }
    }

    /// Whether any leaflet may be kept: the output folder records a build with input keys.
    pub fn may_keep(&self) -> bool {
        self.reuse
            && self.inputs.is_some()
            && self.previous.leaflets.values().any(|r| r.input.is_some())
    }

    /// The input key of a leaflet (none if the run's inputs could not all be read).
    pub fn key(&self, leaflet: &Leaflet) -> Option<String> {
        Some(self.inputs.as_ref()?.key(leaflet))
    }

    /// The earlier build of `file`, if it was built from the inputs `key` and is still on
    /// disk as written.
    pub fn kept(&self, file: &str, key: &str) -> Option<Kept> {
        if !self.reuse {
            return None;
        }
        let r = self.previous.leaflets.get(file)?;
        if r.input.as_deref() != Some(key) {
            return None;
        }
        self.previous.verified(r)
    }

    /// The sums of the images `wanted` of `file` of the last build, if its PDF was `pdf`
    /// (the same PDF renders the same images), it had those images, and they are still on
    /// disk as written.
    pub fn same_images(&self, file: &str, pdf: &[u8], wanted: &[String]) -> Option<Vec<String>> {
        let r = self.previous.leaflets.get(file)?;
        if self.previous.sums.get(file) != Some(&sha256_hex(pdf)) || r.images() != wanted {
            return None;
        }
        Some(self.previous.verified(r)?.image_sums)
    }

    /// What the last build published of `file`, if its files are still on disk as written:
    /// a leaflet this run did not make stays published.
    pub fn earlier(&self, file: &str) -> Option<Kept> {
        self.previous.verified(self.previous.leaflets.get(file)?)
    }
}

/// What every leaflet of a run is laid out with: the program, the templates, the fonts.
pub struct Inputs(Sha256);

impl Inputs {
    /// The inputs of a run with these templates and fonts, and this PDF date; `None` if one
    /// of them cannot be read (the run then builds everything and records no keys).
    pub fn of(templates: &Root, fonts: &Path, pdf_date: Option<Date>) -> Option<Inputs> {
        let mut h = Sha256::new();
        h.update(b"leafpress inputs 2\0");
        let program = fs::metadata(std::env::current_exe().ok()?).ok()?;
        stamp(&mut h, "program", &program);
        // the PDFs' date when set (SOURCE_DATE_EPOCH)
        field(
            &mut h,
            pdf_date
                .map(|d| d.to_string())
                .unwrap_or_default()
                .as_bytes(),
        );
        for path in files_under(fonts).ok()? {
            stamp(
                &mut h,
                &path.strip_prefix(fonts).ok()?.to_string_lossy(),
                &fs::metadata(&path).ok()?,
            );
        }
        for (path, ok) in templates.walk().ok()? {
            ok.ok()?;
            let bytes = templates.read(&path).ok()?;
            field(
                &mut h,
                path.strip_prefix(templates.dir())
                    .ok()?
                    .to_string_lossy()
                    .as_bytes(),
            );
            field(&mut h, &bytes);
        }
        Some(Inputs(h))
    }

    /// The input key of a leaflet (before it is fitted to its pages: the type size it is
    /// set at follows from the rest).
    pub fn key(&self, leaflet: &Leaflet) -> String {
        let mut h = self.0.clone();
        let Leaflet {
            topic,
            template,
            lang,
            title,
            author,
            edition,
            fallbacks,
            data,
            files,
        } = leaflet;
        for text in [topic, template, lang, title, author, &edition.to_string()] {
            field(&mut h, text.as_bytes());
        }
        field(&mut h, fallbacks.join("\n").as_bytes());
        field(&mut h, data.to_string().as_bytes());
        for (path, bytes) in files {
            field(&mut h, path.as_bytes());
            field(&mut h, bytes);
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// A length-prefixed field, so that two different inputs never hash as one.
fn field(h: &mut Sha256, bytes: &[u8]) {
    h.update((bytes.len() as u64).to_le_bytes());
    h.update(bytes);
}

/// A file known by its name, size and modification time.
fn stamp(h: &mut Sha256, name: &str, meta: &fs::Metadata) {
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok());
    field(h, name.as_bytes());
    field(h, format!("{} {:?}", meta.len(), modified).as_bytes());
}

/// The files under `dir` and its sub-folders, sorted (what a build reads of the templates
/// and fonts folders; `watch` looks at the same files). An error if `dir` cannot be read;
/// an entry that vanishes while it is read (an editor's swap file) is passed over.
pub fn files_under(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut todo = vec![fs::read_dir(dir)?];
    while let Some(entries) = todo.pop() {
        for e in entries.flatten() {
            match e.file_type() {
                Ok(t) if t.is_dir() => todo.extend(fs::read_dir(e.path())),
                Ok(_) => found.push(e.path()),
                Err(_) => {}
            }
        }
    }
    found.sort();
    Ok(found)
}

/// What the last build wrote into an output folder, as its manifest and SHA256SUMS say.
#[derive(Default)]
pub struct Previous {
    /// Its files are read through the output folder's sandbox (regular files only).
    out: Option<Root>,
    leaflets: HashMap<String, Entry>,
    sums: HashMap<String, String>,
}

/// An earlier build of a leaflet, still on disk as it was written.
pub struct Kept {
    /// As that build published it.
    pub entry: Entry,
    /// The SHA-256 of each image, in the order of `entry.images()`.
    pub image_sums: Vec<String>,
}

impl Previous {
    /// What `out` holds from the last build; nothing if it has no readable manifest (one of
    /// another version of leafpress counts as none).
    pub fn read(out: &Root) -> Previous {
        #[derive(Deserialize)]
        struct Manifest {
            leaflets: Vec<Entry>,
        }
        let read = |name: &str| out.read(&out.dir().join(name)).ok();
        let manifest = read(MANIFEST).and_then(|m| serde_json::from_slice::<Manifest>(&m).ok());
        let sums = read(SHA256SUMS).unwrap_or_default();
        Previous {
            out: Some(out.clone()),
            leaflets: manifest
                .map(|m| {
                    m.leaflets
                        .into_iter()
                        .map(|r| (r.file.clone(), r))
                        .collect()
                })
                .unwrap_or_default(),
            sums: read_sha256sums(&String::from_utf8_lossy(&sums))
                .into_iter()
                .collect(),
        }
    }

    /// The earlier build `r` if its PDF and images are the files that build wrote.
    fn verified(&self, r: &Entry) -> Option<Kept> {
        let out = self.out.as_ref()?;
        let unchanged = |name: &str| {
            let bytes = out.read(&out.dir().join(name)).ok()?;
            let sum = sha256_hex(&bytes);
            (self.sums.get(name) == Some(&sum)).then_some((bytes.len(), sum))
        };
        let (bytes, sha256) = unchanged(&r.file)?;
        if bytes != r.bytes || sha256 != r.sha256 {
            return None;
        }
        let image_sums = r
            .images()
            .iter()
            .map(|p| unchanged(p).map(|(_, sum)| sum))
            .collect::<Option<Vec<_>>>()?;
        Some(Kept {
            entry: r.clone(),
            image_sums,
        })
    }
}
