//! Keeping what an earlier build wrote: a leaflet whose inputs are those it was built from
//! last time is not laid out again, as long as its PDF and previews are still the files
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

use crate::batch::{MANIFEST, SHA256SUMS, Settings};
use crate::leaflet::Leaflet;
use crate::publish::sha256_hex;

/// What a build may keep of the last one in its output folder, and the keys it records for
/// the next.
#[derive(Default)]
pub struct LastBuild {
    inputs: Option<Inputs>,
    previous: Previous,
}

impl LastBuild {
    /// For a build with these settings: keys for the leaflets it writes (when it publishes a
    /// manifest), and what it may keep (unless `s.reuse` is off: `--rebuild`).
    pub fn of(s: &Settings) -> LastBuild {
        LastBuild {
            inputs: s
                .publish
                .then(|| Inputs::of(&s.templates, &s.fonts))
                .flatten(),
            previous: if s.reuse && s.publish {
                Previous::read(&s.out)
            } else {
                Previous::default()
            },
        }
    }

    /// Whether any leaflet may be kept: the output folder records a build with input keys.
    pub fn may_keep(&self) -> bool {
        self.inputs.is_some() && self.previous.leaflets.values().any(|r| r.input.is_some())
    }

    /// The input key of a leaflet (none if the run's inputs could not all be read).
    pub fn key(&self, leaflet: &Leaflet) -> Option<String> {
        Some(self.inputs.as_ref()?.key(leaflet))
    }

    /// The earlier build of `file` in `out`, if it was built from the inputs `key` and is
    /// still on disk as written.
    pub fn kept(&self, out: &Path, file: &str, key: &str) -> Option<Kept> {
        self.previous.kept(out, file, key)
    }
}

/// What every leaflet of a run is laid out with: the program, the templates, the fonts.
pub struct Inputs(Sha256);

impl Inputs {
    /// The inputs of a run with these templates and fonts; `None` if one of them cannot
    /// be read (the run then builds everything and records no keys).
    pub fn of(templates: &Path, fonts: &Path) -> Option<Inputs> {
        let mut h = Sha256::new();
        h.update(b"leafpress inputs 1\0");
        let program = fs::metadata(std::env::current_exe().ok()?).ok()?;
        stamp(&mut h, "program", &program);
        // the PDF's date when set (see `batch::pdf_date`)
        field(
            &mut h,
            std::env::var("SOURCE_DATE_EPOCH")
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
        for path in files_under(templates).ok()? {
            let bytes = fs::read(&path).ok()?;
            field(
                &mut h,
                path.strip_prefix(templates)
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
    leaflets: HashMap<String, Recorded>,
    sums: HashMap<String, String>,
}

/// A leaflet as the manifest records it.
#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Recorded {
    file: String,
    input: Option<String>,
    pages: usize,
    type_scale: f64,
    previews: Vec<String>,
}

/// An earlier build of a leaflet, still on disk as it was written.
pub struct Kept {
    pub bytes: usize,
    pub sha256: String,
    pub pages: usize,
    pub type_scale: f64,
    pub previews: Vec<String>,
    /// The SHA-256 of each preview, in the order of `previews`.
    pub preview_sums: Vec<String>,
}

impl Previous {
    /// What `out` holds from the last build; nothing if it has no readable manifest.
    pub fn read(out: &Path) -> Previous {
        #[derive(Deserialize)]
        struct Manifest {
            leaflets: Vec<Recorded>,
        }
        let manifest = fs::read(out.join(MANIFEST))
            .ok()
            .and_then(|m| serde_json::from_slice::<Manifest>(&m).ok());
        let sums = fs::read_to_string(out.join(SHA256SUMS)).unwrap_or_default();
        Previous {
            leaflets: manifest
                .map(|m| {
                    m.leaflets
                        .into_iter()
                        .map(|r| (r.file.clone(), r))
                        .collect()
                })
                .unwrap_or_default(),
            sums: sums
                .lines()
                .filter_map(|l| l.split_once("  "))
                .map(|(sum, file)| (file.to_owned(), sum.to_owned()))
                .collect(),
        }
    }

    /// The earlier build of `file` (in `out`) if it was built from the inputs `key` and its
    /// PDF and previews are the files that build wrote.
    pub fn kept(&self, out: &Path, file: &str, key: &str) -> Option<Kept> {
        let r = self.leaflets.get(file)?;
        if r.input.as_deref() != Some(key) {
            return None;
        }
        let unchanged = |name: &str| {
            let bytes = fs::read(out.join(name)).ok()?;
            let sum = sha256_hex(&bytes);
            (self.sums.get(name) == Some(&sum)).then_some((bytes.len(), sum))
        };
        let (bytes, sha256) = unchanged(&r.file)?;
        let preview_sums = r
            .previews
            .iter()
            .map(|p| unchanged(p).map(|(_, sum)| sum))
            .collect::<Option<Vec<_>>>()?;
        Some(Kept {
            bytes,
            sha256,
            pages: r.pages,
            type_scale: r.type_scale,
            previews: r.previews.clone(),
            preview_sums,
        })
    }
}
