//! The writer: the only code that writes into an output folder (and, for `stamp` and
//! `export-typst`, the only way a file is written at all).
//!
//! - **One writer at a time.** A run holds an exclusive advisory lock on the output folder
//!   (`.leafpress.lock`, `File::lock`) from reading what the last build left to writing the
//!   manifest; a second run into the same folder waits for it, and says so.
//! - **Temporaries are safe.** Every file is written to a temporary created exclusively in
//!   its folder (`tempfile`: a random name, `O_EXCL`, so a link planted there is never
//!   followed), synced, then renamed into place. What a killed run left (`.leafpress-*.tmp`)
//!   is removed by the next run, under the lock.
//! - **A leaflet is written whole or not at all.** Its PDF and previews are all staged
//!   first and renamed into place only when every one was written; when any fails, none is,
//!   and the earlier files stay byte for byte as they were.
//! - **The folder stays inside itself.** A link or a file where a folder of ours belongs
//!   (`previews/`), or a folder where a file belongs, is refused, never written through.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::Failure;
use crate::diag::{Diagnostic, printable};
use crate::publish::{FOLDERS, INDEX, MANIFEST, SHA256SUMS};
use crate::sandbox::Root;

/// The lock file in an output folder.
pub const LOCK: &str = ".leafpress.lock";
/// The start and end of a temporary file's name.
const TEMP_PREFIX: &str = ".leafpress-";
const TEMP_SUFFIX: &str = ".tmp";
/// The largest file of an output folder leafpress reads back (a PDF, a preview, the
/// manifest).
pub const MAX_OUTPUT_BYTES: u64 = 256 * 1024 * 1024;

/// An output folder, locked for this run.
pub struct Output {
    dir: PathBuf,
    root: Root,
    /// Held until the run ends (the lock goes with the file).
    _lock: File,
}

/// A path for messages: control characters escaped.
fn shown(p: &Path) -> String {
    printable(&p.display().to_string()).into_owned()
}

impl Output {
    /// Creates the folder if it is not there, takes its lock (waiting, with a message, while
    /// another run holds it), and removes the temporaries a killed run left. An error (exit
    /// 2) if the folder cannot be created or written.
    pub fn open(dir: &Path) -> Result<Output, Failure> {
        let io = |e: io::Error, what: &str| {
            Failure::Io(
                Diagnostic::error(dir, format!("{what}: {e}"))
                    .with_hint("pass a writable folder with --out DIR"),
            )
        };
        if fs::metadata(dir).is_ok_and(|m| !m.is_dir()) {
            return Err(io(
                io::Error::other("it is not a folder"),
                "cannot write to the output folder",
            ));
        }
        fs::create_dir_all(dir).map_err(|e| io(e, "cannot create the output folder"))?;
        let mut options = fs::OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC);
        }
        let lock = options
            .open(dir.join(LOCK))
            .map_err(|e| io(e, "cannot write to the output folder"))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                eprintln!(
                    "note: another leafpress run is writing to {}; waiting for it to finish",
                    shown(dir)
                );
                lock.lock()
                    .map_err(|e| io(e, "cannot lock the output folder"))?;
            }
            Err(fs::TryLockError::Error(e)) => {
                return Err(io(e, "cannot lock the output folder"));
            }
        }
        let root =
            Root::new(dir, MAX_OUTPUT_BYTES).map_err(|e| io(e, "cannot read the output folder"))?;
        let out = Output {
            dir: dir.to_path_buf(),
            root,
            _lock: lock,
        };
        let swept = out.sweep();
        if swept > 0 {
            eprintln!(
                "note: removed {swept} temporary file(s) an interrupted run left in {}",
                shown(dir)
            );
        }
        Ok(out)
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The folder as a sandbox to read what an earlier build wrote (regular files only).
    pub fn root(&self) -> &Root {
        &self.root
    }

    /// Removes the temporaries of interrupted runs (ours, and the `.<name>.<pid>.tmp` of
    /// leafpress before 0.2): only files and links, only in the folder and its previews.
    fn sweep(&self) -> usize {
        let mut removed = 0;
        let dirs = std::iter::once(self.dir.clone()).chain(FOLDERS.map(|f| self.dir.join(f)));
        for dir in dirs {
            let Ok(entries) = fs::read_dir(&dir) else {
                continue;
            };
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                let ours = name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX);
                let older = name.starts_with('.')
                    && name
                        .strip_suffix(TEMP_SUFFIX)
                        .and_then(|n| n.rsplit_once('.'))
                        .is_some_and(|(_, pid)| {
                            !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit())
                        });
                let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
                if (ours || older) && !is_dir && fs::remove_file(e.path()).is_ok() {
                    removed += 1;
                }
            }
        }
        removed
    }

    /// The folder `rel` of the output folder (`""` or `previews`), created if missing;
    /// refused if something else is there (a file, or a link that could lead anywhere).
    fn folder(&self, rel: &Path) -> io::Result<PathBuf> {
        let dir = self.dir.join(rel);
        if rel.as_os_str().is_empty() {
            return Ok(dir);
        }
        match fs::symlink_metadata(&dir) {
            Ok(m) if m.is_dir() => Ok(dir),
            Ok(_) => Err(io::Error::other(format!(
                "{} is not a folder (a file or a link is in its place)",
                shown(&dir)
            ))),
            Err(e) if e.kind() == io::ErrorKind::NotFound => match fs::create_dir(&dir) {
                // another leaflet of the run made it first
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => self.folder(rel),
                Err(e) => Err(e),
                Ok(()) => Ok(dir),
            },
            Err(e) => Err(e),
        }
    }

    /// Writes the files of one leaflet (paths relative to the output folder, the PDF first)
    /// whole or not at all: every one to a temporary in its folder first, then, once all are
    /// written and synced, renamed into place, the PDF last. On an error nothing is
    /// renamed, the temporaries are removed, and the earlier files stay as they were.
    pub fn commit(&self, files: &[(&str, &[u8])]) -> Result<(), Diagnostic> {
        let mut staged = Vec::with_capacity(files.len());
        for (rel, bytes) in files {
            let rel = Path::new(rel);
            let target = self.dir.join(rel);
            let fail = |e: io::Error| {
                Diagnostic::error(&target, format!("cannot write it: {e}"))
                    .with_hint("check that the output folder is writable and the disk is not full")
            };
            if fs::symlink_metadata(&target).is_ok_and(|m| m.is_dir()) {
                return Err(fail(io::Error::other(
                    "a folder is in its place; move it out of the output folder",
                )));
            }
            let folder = self
                .folder(rel.parent().unwrap_or(Path::new("")))
                .map_err(fail)?;
            let tmp = temporary(&folder, bytes).map_err(fail)?;
            staged.push((tmp, target));
        }
        for (tmp, target) in staged.into_iter().rev() {
            tmp.persist(&target).map_err(|e| {
                Diagnostic::error(&target, format!("cannot write it: {}", e.error))
                    .with_hint("check that the output folder is writable and the disk is not full")
            })?;
        }
        Ok(())
    }

    /// Writes what goes out beside the leaflets: the counter page's images, the manifest,
    /// the counter page and the checksums, staged together and renamed into place together,
    /// SHA256SUMS last.
    pub fn publish(
        &self,
        manifest: &str,
        index: &str,
        sums: &str,
        images: &[(String, Vec<u8>)],
    ) -> Result<(), Failure> {
        let mut files: Vec<(&str, &[u8])> = vec![
            (SHA256SUMS, sums.as_bytes()),
            (INDEX, index.as_bytes()),
            (MANIFEST, manifest.as_bytes()),
        ];
        files.extend(images.iter().map(|(p, b)| (p.as_str(), b.as_slice())));
        self.commit(&files).map_err(Failure::Io)?;
        // the renames, durable
        if let Ok(d) = File::open(&self.dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }

    /// The images (files in thumbnails/, previews/ and qr/, relative paths as the manifest
    /// gives them) that `pick` picks; links and folders are never picked.
    pub fn images(&self, pick: impl Fn(&str) -> bool) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for folder in FOLDERS {
            let Ok(rd) = fs::read_dir(self.dir.join(folder)) else {
                continue;
            };
            for e in rd.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                let file = e.file_type().is_ok_and(|t| t.is_file());
                let image = name.ends_with(".png") || name.ends_with(".svg");
                if file && image && pick(&format!("{folder}/{name}")) {
                    out.push(e.path());
                }
            }
        }
        out.sort();
        out
    }

    /// Files in the folder (and its previews) that `produced` does not claim: what a removed
    /// language or template left behind. Reported, never deleted.
    pub fn strays(&self, produced: impl Fn(&str) -> bool) -> Vec<PathBuf> {
        let mut out = Vec::new();
        let dirs = std::iter::once(self.dir.clone()).chain(FOLDERS.map(|f| self.dir.join(f)));
        for dir in dirs {
            let Ok(rd) = fs::read_dir(&dir) else { continue };
            for e in rd.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                let ours = name.ends_with(".pdf")
                    || name.ends_with(".png")
                    || name.ends_with(".svg")
                    || [MANIFEST, INDEX, SHA256SUMS].contains(&name.as_str());
                let file = e.file_type().is_ok_and(|t| t.is_file());
                if file && ours && !produced(&name) {
                    out.push(e.path());
                }
            }
        }
        out.sort();
        out
    }
}

/// A temporary file in `folder` holding `bytes`, synced: created exclusively (a random name,
/// never an existing file or link), readable as a published file is (0644 before the
/// umask), removed when dropped unless persisted.
fn temporary(folder: &Path, bytes: &[u8]) -> io::Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX).suffix(TEMP_SUFFIX);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o644));
    }
    // the error as the system gave it ("File too large"), not the temporary's random name
    let plain = |e: io::Error| e.raw_os_error().map_or(e, io::Error::from_raw_os_error);
    let mut tmp = builder.tempfile_in(folder).map_err(plain)?;
    tmp.write_all(bytes).map_err(plain)?;
    tmp.as_file().sync_all().map_err(plain)?;
    Ok(tmp)
}

/// Writes `bytes` to `path` (outside an output folder: a language file `stamp` updates, a
/// project `export-typst` writes) through a temporary in the same folder and a rename, so
/// that readers see the old file or the new one, never a partial one. An existing file
/// keeps its permissions.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = temporary(dir, bytes)?;
    if let Ok(m) = fs::metadata(path) {
        fs::set_permissions(tmp.path(), m.permissions())?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
