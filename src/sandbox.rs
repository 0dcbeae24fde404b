//! The folders leafpress reads, as sandboxes: every file read under `content/`, `templates/`,
//! `fonts/` (and, for what an earlier build left, the output folder) is resolved (symlinks
//! followed), checked to lie inside its folder, checked to be a regular file, and read with
//! a size limit. A link that leads out, a FIFO, a device or a folder where a file belongs is
//! refused before it is opened, with a message that names the path as the user wrote it.
//!
//! typst reads the templates through this too (`render`), so a template cannot read
//! `/etc/passwd` through a link in `templates/`, nor hang on a FIFO.

use std::fmt;
use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// A folder whose files may be read, and no others.
#[derive(Debug, Clone)]
pub struct Root {
    /// As given (for messages).
    dir: PathBuf,
    /// Resolved, absolute: every file read must resolve to a path under it (`None`: the
    /// folder does not exist, and nothing can be read from it).
    real: Option<PathBuf>,
    /// The largest file read from it.
    limit: u64,
}

/// Why a file was not read.
#[derive(Debug)]
pub enum Refused {
    /// Does not exist.
    Missing,
    /// A symbolic link to something that does not exist (where it points).
    Dangling(PathBuf),
    /// A symbolic link (somewhere on the way) resolves outside the root: where to.
    Outside(PathBuf),
    /// Not a regular file: "a folder", "a FIFO", "a device", …
    NotAFile(&'static str),
    /// Larger than the root's limit (its size).
    TooLarge(u64),
    Io(io::Error),
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refused::Missing => write!(f, "there is no such file"),
            Refused::Dangling(to) => write!(
                f,
                "it is a link to {}, which does not exist",
                crate::diag::printable(&to.display().to_string())
            ),
            Refused::Outside(to) => write!(
                f,
                "it is a link that leads outside its folder (to {}); leafpress reads only the project's folders",
                crate::diag::printable(&to.display().to_string())
            ),
            Refused::NotAFile(what) => write!(f, "it is {what}, not a regular file"),
            Refused::TooLarge(size) => write!(f, "it is {size} bytes, more than leafpress reads"),
            Refused::Io(e) => write!(f, "{e}"),
        }
    }
}

/// What kind of thing a file type is, for "it is a FIFO, not a regular file".
fn kind(t: &fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        "a folder"
    } else if t.is_symlink() {
        "a symbolic link"
    } else {
        "not a regular file"
    }
}

impl Root {
    /// The folder `dir`, whose files may be up to `limit` bytes. An error if `dir` itself
    /// cannot be resolved (it does not exist).
    pub fn new(dir: &Path, limit: u64) -> io::Result<Root> {
        Ok(Root {
            dir: dir.to_path_buf(),
            real: Some(fs::canonicalize(dir)?),
            limit,
        })
    }

    /// [`Root::new`], or, if `dir` does not exist, a root from which nothing can be read
    /// (every file is missing).
    pub fn or_empty(dir: &Path, limit: u64) -> Root {
        Root::new(dir, limit).unwrap_or(Root {
            dir: dir.to_path_buf(),
            real: None,
            limit,
        })
    }

    /// The folder as given.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where `path` (under the root, as given) really is, if it exists and lies inside the
    /// root; its metadata (of the target, links followed).
    pub fn resolve(&self, path: &Path) -> Result<(PathBuf, fs::Metadata), Refused> {
        let real = match fs::canonicalize(path) {
            Ok(r) => r,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(match fs::read_link(path) {
                    Ok(to) => Refused::Dangling(to),
                    Err(_) => Refused::Missing,
                });
            }
            Err(e) => return Err(Refused::Io(e)),
        };
        let Some(root) = &self.real else {
            return Err(Refused::Missing);
        };
        if !real.starts_with(root) {
            return Err(Refused::Outside(real));
        }
        let meta = fs::metadata(&real).map_err(Refused::Io)?;
        Ok((real, meta))
    }

    /// Opens `path` for reading if it is a regular file inside the root, within the size
    /// limit; its length.
    pub fn open(&self, path: &Path) -> Result<(File, u64), Refused> {
        let (real, meta) = self.resolve(path)?;
        if !meta.is_file() {
            return Err(Refused::NotAFile(kind(&meta.file_type())));
        }
        if meta.len() > self.limit {
            return Err(Refused::TooLarge(meta.len()));
        }
        let file = open_no_follow(&real).map_err(Refused::Io)?;
        // What was opened is what was checked (a file swapped in between is refused).
        let opened = file.metadata().map_err(Refused::Io)?;
        if !opened.is_file() {
            return Err(Refused::NotAFile(kind(&opened.file_type())));
        }
        if opened.len() > self.limit {
            return Err(Refused::TooLarge(opened.len()));
        }
        Ok((file, opened.len()))
    }

    /// The bytes of `path`, a regular file inside the root.
    pub fn read(&self, path: &Path) -> Result<Vec<u8>, Refused> {
        let (file, len) = self.open(path)?;
        let mut bytes = Vec::with_capacity(len as usize);
        // never more than the limit, even if the file grows while it is read
        file.take(self.limit + 1)
            .read_to_end(&mut bytes)
            .map_err(Refused::Io)?;
        if bytes.len() as u64 > self.limit {
            return Err(Refused::TooLarge(bytes.len() as u64));
        }
        Ok(bytes)
    }

    /// Every entry under the root, sorted, with what it is: the files leafpress may read, and
    /// the entries it must refuse (a link out, a FIFO, …). Links to folders inside the root
    /// are followed once (a link loop is reported, not followed).
    pub fn walk(&self) -> io::Result<Vec<(PathBuf, Result<(), Refused>)>> {
        let mut found = Vec::new();
        let mut todo = vec![self.dir.clone()];
        let mut seen: Vec<PathBuf> = self.real.iter().cloned().collect();
        let mut first = true;
        while let Some(dir) = todo.pop() {
            let entries = match fs::read_dir(&dir) {
                Ok(e) => e,
                Err(e) if first => return Err(e),
                Err(e) => {
                    found.push((dir, Err(Refused::Io(e))));
                    continue;
                }
            };
            first = false;
            for e in entries.flatten() {
                let path = e.path();
                match self.resolve(&path) {
                    Ok((real, meta)) if meta.is_dir() => {
                        if !seen.contains(&real) {
                            seen.push(real);
                            todo.push(path);
                        }
                    }
                    Ok((_, meta)) if meta.is_file() => found.push((path, Ok(()))),
                    Ok((_, meta)) => {
                        found.push((path, Err(Refused::NotAFile(kind(&meta.file_type())))))
                    }
                    // an entry that vanished while it was read (an editor's swap file)
                    Err(Refused::Missing) if fs::symlink_metadata(&path).is_err() => {}
                    Err(r) => found.push((path, Err(r))),
                }
            }
        }
        found.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(found)
    }
}

/// Opens a file for reading without following a link in its last component and without
/// blocking on a FIFO (its type is checked after opening).
fn open_no_follow(path: &Path) -> io::Result<File> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_regular_files_inside_and_refuses_the_rest() {
        let tmp = tempfile::tempdir().unwrap();
        let root_dir = tmp.path().join("root");
        fs::create_dir_all(root_dir.join("sub")).unwrap();
        fs::write(root_dir.join("a.txt"), "a").unwrap();
        fs::write(root_dir.join("big.txt"), "0123456789").unwrap();
        fs::write(tmp.path().join("secret"), "s").unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(tmp.path().join("secret"), root_dir.join("out")).unwrap();
            std::os::unix::fs::symlink("a.txt", root_dir.join("in")).unwrap();
            std::os::unix::fs::symlink("nowhere", root_dir.join("dangling")).unwrap();
            std::os::unix::fs::symlink("/dev/zero", root_dir.join("zero")).unwrap();
            let fifo = std::ffi::CString::new(root_dir.join("fifo").to_str().unwrap()).unwrap();
            // SAFETY: a NUL-terminated path that lives across the call.
            assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
        }
        let root = Root::new(&root_dir, 5).unwrap();
        assert_eq!(root.read(&root_dir.join("a.txt")).unwrap(), b"a");
        assert!(matches!(
            root.read(&root_dir.join("big.txt")),
            Err(Refused::TooLarge(10))
        ));
        assert!(matches!(
            root.read(&root_dir.join("sub")),
            Err(Refused::NotAFile("a folder"))
        ));
        assert!(matches!(
            root.read(&root_dir.join("nothing")),
            Err(Refused::Missing)
        ));
        #[cfg(unix)]
        {
            assert_eq!(root.read(&root_dir.join("in")).unwrap(), b"a");
            assert!(matches!(
                root.read(&root_dir.join("out")),
                Err(Refused::Outside(_))
            ));
            assert!(matches!(
                root.read(&root_dir.join("zero")),
                Err(Refused::Outside(_))
            ));
            assert!(matches!(
                root.read(&root_dir.join("dangling")),
                Err(Refused::Dangling(_))
            ));
            assert!(matches!(
                root.read(&root_dir.join("fifo")),
                Err(Refused::NotAFile("a FIFO (named pipe)"))
            ));
            let walked: Vec<(String, bool)> = root
                .walk()
                .unwrap()
                .into_iter()
                .map(|(p, r)| {
                    (
                        p.strip_prefix(&root_dir).unwrap().display().to_string(),
                        r.is_ok(),
                    )
                })
                .collect();
            assert_eq!(
                walked,
                [
                    ("a.txt".into(), true),
                    ("big.txt".into(), true),
                    ("dangling".into(), false),
                    ("fifo".into(), false),
                    ("in".into(), true),
                    ("out".into(), false),
                    ("zero".into(), false),
                ]
            );
        }
    }
}
