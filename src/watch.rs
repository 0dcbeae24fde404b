//! `leafpress watch`: the authoring loop. Rebuilds the leaflets a saved change affects,
//! with the fonts and the typst engine kept warm, prints what it wrote or the diagnostics,
//! and never stops on an error: a broken save keeps the last good PDF (writes are atomic as
//! ever). What changed is found by comparing modification times (every file of the
//! content, templates and fonts folders, a few dozen). On Linux an inotify event on one of
//! their folders says when to look, so a save is seen at once and an idle watch costs
//! nothing; elsewhere it looks every 20 ms. Ctrl-C stops it after the build in progress, so
//! no file is left half written.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime};

use crate::batch;
use crate::fonts::FontSet;
use crate::render::Engine;
use crate::reuse::files_under;
use crate::settings::Settings;
use crate::{Failure, content};

/// How often the folders are looked at without inotify.
const POLL: Duration = Duration::from_millis(20);

/// How often they are looked at with inotify all the same (a folder created since the last
/// look is not watched yet).
#[cfg(target_os = "linux")]
const FALLBACK: Duration = Duration::from_secs(1);

static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_interrupt(_: libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

/// Every file under the watched folders, with its modification time.
type Snapshot = BTreeMap<PathBuf, Option<SystemTime>>;

fn snapshot(dirs: &[&Path]) -> Snapshot {
    let mut files = Snapshot::new();
    for dir in dirs {
        for path in files_under(dir).unwrap_or_default() {
            // editors' swap and backup files, and interrupted atomic writes
            let hidden = path
                .strip_prefix(dir)
                .is_ok_and(|rel| rel.iter().any(|c| c.to_string_lossy().starts_with('.')));
            if !hidden {
                let modified = fs::metadata(&path).and_then(|m| m.modified()).ok();
                files.insert(path, modified);
            }
        }
    }
    files
}

/// Waits until something under the watched folders may have changed, or a while. The
/// snapshot decides what changed: a missed event delays a rebuild, never loses one.
struct Wakeup {
    #[cfg(target_os = "linux")]
    inotify: Option<inotify::Inotify>,
}

impl Wakeup {
    fn new() -> Wakeup {
        Wakeup {
            #[cfg(target_os = "linux")]
            inotify: inotify::Inotify::new(),
        }
    }

    /// Watches the folders that hold the files of `seen` (and `dirs`), as far as it can.
    fn watch(&mut self, dirs: &[&Path], seen: &Snapshot) {
        #[cfg(target_os = "linux")]
        if let Some(inotify) = &mut self.inotify {
            let folders: BTreeSet<&Path> = dirs
                .iter()
                .copied()
                .chain(seen.keys().filter_map(|p| p.parent()))
                .collect();
            for folder in folders {
                inotify.watch(folder);
            }
        }
        #[cfg(not(target_os = "linux"))]
        let _ = (dirs, seen);
    }

    fn wait(&mut self) {
        #[cfg(target_os = "linux")]
        if let Some(inotify) = &mut self.inotify {
            if inotify.wait(FALLBACK) {
                // an editor may write a file in more than one step: let it finish
                std::thread::sleep(Duration::from_millis(2));
                inotify.drain();
            }
            return;
        }
        std::thread::sleep(POLL);
    }
}

/// Linux's inotify, through libc: events on folders, waited for with `poll`.
#[cfg(target_os = "linux")]
mod inotify {
    use std::collections::BTreeSet;
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    use std::path::{Path, PathBuf};
    use std::time::Duration;

    /// A file written and closed, moved in or out, deleted, or touched.
    const EVENTS: u32 = libc::IN_CLOSE_WRITE
        | libc::IN_MOVED_TO
        | libc::IN_MOVED_FROM
        | libc::IN_DELETE
        | libc::IN_ATTRIB;

    pub struct Inotify {
        fd: libc::c_int,
        watched: BTreeSet<PathBuf>,
    }

    impl Inotify {
        /// `None` where inotify is not available (then the folders are polled).
        pub fn new() -> Option<Inotify> {
            // SAFETY: no pointers; the descriptor is owned by the value and closed on drop.
            let fd = unsafe { libc::inotify_init1(libc::IN_NONBLOCK | libc::IN_CLOEXEC) };
            (fd >= 0).then(|| Inotify {
                fd,
                watched: BTreeSet::new(),
            })
        }

        /// Watches `folder` from now on (a folder that cannot be watched is looked at
        /// every FALLBACK).
        pub fn watch(&mut self, folder: &Path) {
            if self.watched.contains(folder) {
                return;
            }
            let Ok(path) = CString::new(folder.as_os_str().as_bytes()) else {
                return;
            };
            // SAFETY: `path` is a NUL-terminated string that lives across the call.
            let wd = unsafe { libc::inotify_add_watch(self.fd, path.as_ptr(), EVENTS) };
            if wd >= 0 {
                self.watched.insert(folder.to_owned());
            }
        }

        /// Waits for an event, at most `timeout`; true if there was one (or a signal, such
        /// as Ctrl-C, interrupted the wait).
        pub fn wait(&mut self, timeout: Duration) -> bool {
            let mut fds = libc::pollfd {
                fd: self.fd,
                events: libc::POLLIN,
                revents: 0,
            };
            let ms = libc::c_int::try_from(timeout.as_millis()).unwrap_or(libc::c_int::MAX);
            // SAFETY: one valid pollfd, for the length given.
            let ready = unsafe { libc::poll(&mut fds, 1, ms) };
            ready != 0
        }

        /// Reads away the events waiting (what changed is found by the snapshot).
        pub fn drain(&mut self) {
            let mut buf = [0u8; 4096];
            loop {
                // SAFETY: reads at most `buf.len()` bytes into `buf`.
                let n = unsafe { libc::read(self.fd, buf.as_mut_ptr().cast(), buf.len()) };
                if n <= 0 {
                    break;
                }
            }
        }
    }

    impl Drop for Inotify {
        fn drop(&mut self) {
            // SAFETY: the descriptor was opened by `new` and is closed once, here.
            unsafe { libc::close(self.fd) };
        }
    }
}

/// The files that differ between two snapshots (changed, added or removed).
fn changes(before: &Snapshot, now: &Snapshot) -> Vec<PathBuf> {
    let mut changed: Vec<PathBuf> = now
        .iter()
        .filter(|(p, t)| before.get(*p) != Some(*t))
        .map(|(p, _)| p.clone())
        .collect();
    changed.extend(before.keys().filter(|p| !now.contains_key(*p)).cloned());
    changed.sort();
    changed
}

/// The languages a change affects: `None` means all (facts, the source language, a center,
/// a template or a font); otherwise the tags of the language files that changed.
fn affected(changed: &[PathBuf], s: &Settings, sources: &[String]) -> Option<Vec<String>> {
    let mut tags = Vec::new();
    let centers = s.content.join(crate::content::center::FOLDER);
    for path in changed {
        // a center's file: every leaflet that prints a center (all, to keep it simple)
        if path.starts_with(&centers) {
            return None;
        }
        let in_content = path.starts_with(&s.content);
        let stem = path.file_stem().map(|n| n.to_string_lossy().into_owned());
        match stem {
            Some(tag)
                if in_content
                    && path.extension().is_some_and(|e| e == "toml")
                    && tag != "facts"
                    && !sources.contains(&tag) =>
            {
                tags.push(tag)
            }
            _ => return None,
        }
    }
    tags.sort();
    tags.dedup();
    Some(tags)
}

/// Watches until Ctrl-C. Returns the exit code (0 when stopped by Ctrl-C).
pub fn run(s: &Settings) -> Result<u8, Failure> {
    // SAFETY: the handler only stores to an atomic flag, which is async-signal-safe.
    unsafe {
        libc::signal(
            libc::SIGINT,
            on_interrupt as extern "C" fn(libc::c_int) as libc::sighandler_t,
        );
    }
    let dirs = [
        s.content.as_path(),
        s.templates.as_path(),
        s.fonts.as_path(),
    ];
    let mut fonts = batch::load_fonts(s)?;
    let mut engine = Engine::new(fonts.clone(), &s.templates);
    let mut seen = snapshot(&dirs);
    let mut wakeup = Wakeup::new();
    wakeup.watch(&dirs, &seen);
    let mut sources = source_languages(s);
    rebuild(&engine, &fonts, s, "first build");
    eprintln!(
        "watching {}, {} and {} (Ctrl-C stops)",
        s.content.display(),
        s.templates.display(),
        s.fonts.display()
    );
    while !STOP.load(Ordering::SeqCst) {
        wakeup.wait();
        let now = snapshot(&dirs);
        wakeup.watch(&dirs, &now);
        let changed = changes(&seen, &now);
        if changed.is_empty() {
            continue;
        }
        seen = now;
        if changed.iter().any(|p| p.starts_with(&s.fonts)) {
            match batch::load_fonts(s) {
                Ok(f) => {
                    fonts = f;
                    engine = Engine::new(fonts.clone(), &s.templates);
                }
                Err(Failure::Io(d)) => eprintln!("{}", d.render(s.style)),
                Err(Failure::Usage(m)) => eprintln!("error: {m}"),
            }
        }
        let names: Vec<String> = changed.iter().map(|p| p.display().to_string()).collect();
        let mut run = s.clone();
        if let Some(tags) = affected(&changed, s, &sources) {
            run.langs = tags
                .into_iter()
                .filter(|t| s.langs.is_empty() || s.langs.contains(t))
                .collect();
            if run.langs.is_empty() {
                continue;
            }
        }
        rebuild(
            &engine,
            &fonts,
            &run,
            &format!("changed: {}", names.join(", ")),
        );
        sources = source_languages(s);
    }
    eprintln!("watch: stopped");
    Ok(crate::exit::OK)
}

/// Builds and says how long it took; problems are printed, never fatal.
fn rebuild(engine: &Engine, fonts: &FontSet, s: &Settings, why: &str) {
    eprintln!("-- {why}");
    let start = Instant::now();
    match batch::build_editions(engine, fonts, s) {
        Ok(_) => eprintln!("-- done in {} ms", start.elapsed().as_millis()),
        Err(Failure::Io(d)) => eprintln!("{}", d.render(s.style)),
        Err(Failure::Usage(m)) => eprintln!("error: {m}"),
    }
    // Keep what the last saves used (the next save reuses most of it), not every version
    // of a long session.
    batch::forget_unused_layouts();
}

/// The source language of every topic (a change there affects every language).
fn source_languages(s: &Settings) -> Vec<String> {
    content::load(&s.content)
        .map(|c| {
            c.topics
                .iter()
                .map(|t| t.facts.source_language.clone())
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_language_file_affects_its_language_only() {
        let s = Settings::in_project(Path::new("p"), crate::content::values::Date::EPOCH);
        let en = vec!["en".to_owned()];
        let file = |f: &str| PathBuf::from(format!("p/content/topic/{f}"));
        assert_eq!(
            affected(&[file("vi.toml"), file("ko.toml")], &s, &en),
            Some(vec!["ko".into(), "vi".into()])
        );
        assert_eq!(affected(&[file("facts.toml")], &s, &en), None);
        assert_eq!(affected(&[file("en.toml")], &s, &en), None);
        assert_eq!(
            affected(&[PathBuf::from("p/templates/faq.typ")], &s, &en),
            None
        );
        // a center's file is not a language file named after the center
        assert_eq!(
            affected(&[PathBuf::from("p/content/centers/hiecc.toml")], &s, &en),
            None
        );
    }
}
