//! The templates folder, read only through its sandbox: which `.typ` files are leaflets
//! (those that declare a page limit), the sources the content check searches for the facts
//! a template prints, and the entries that must not be read (a link out, a FIFO).

use std::path::Path;

use crate::Failure;
use crate::diag::Diagnostic;
use crate::sandbox::Root;

/// The largest file a template may read (a template, a module, an image).
pub const MAX_TEMPLATE_BYTES: u64 = 4 * 1024 * 1024;

/// The templates folder as a sandbox: an error (exit 2) if it cannot be read.
pub fn root(dir: &Path) -> Result<Root, Failure> {
    Root::new(dir, MAX_TEMPLATE_BYTES).map_err(|e| {
        Failure::Io(
            Diagnostic::error(dir, format!("cannot read the templates folder: {e}"))
                .with_hint("run leafpress from the project folder, or pass --templates DIR"),
        )
    })
}

/// The most pages a template allows: its `// leafpress: max-pages = N` line.
pub fn max_pages(template_source: &str) -> Option<usize> {
    template_source.lines().take(20).find_map(|l| {
        l.trim()
            .strip_prefix("// leafpress: max-pages =")
            .and_then(|n| n.trim().parse().ok())
    })
}

/// Whether a template prints a center's name and contacts and cannot do without one: its
/// `// leafpress: center = required` line (`optional`, or none: it can).
pub fn needs_center(template_source: &str) -> bool {
    template_source.lines().take(20).any(|l| {
        l.trim()
            .strip_prefix("// leafpress: center =")
            .is_some_and(|v| v.trim() == "required")
    })
}

/// The `.typ` files directly in the folder, by name, with their text (those that can be
/// read as UTF-8 text), sorted.
pub fn sources(root: &Root) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for (path, ok) in root.walk().unwrap_or_default() {
        let top = path.parent() == Some(root.dir());
        if ok.is_err() || !top || path.extension().is_none_or(|e| e != "typ") {
            continue;
        }
        let Some(stem) = path.file_stem().map(|s| s.to_string_lossy().into_owned()) else {
            continue;
        };
        if let Some(text) = root
            .read(&path)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
        {
            found.push((stem, text));
        }
    }
    found
}

/// The leaflet templates of the folder: its `.typ` files that declare their page limit
/// (shared modules do not), by name.
pub fn leaflet_templates(root: &Root) -> Vec<String> {
    sources(root)
        .into_iter()
        .filter(|(_, text)| max_pages(text).is_some())
        .map(|(name, _)| name)
        .collect()
}

/// Every template source, for the "fact used by a template" check.
pub fn text(root: &Root) -> String {
    sources(root).into_iter().map(|(_, t)| t).collect()
}

/// The entries of the folder a template must never read: a link that leads out of it, a
/// FIFO, a device. Errors, each naming the entry.
pub fn problems(root: &Root) -> Vec<Diagnostic> {
    root.walk()
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(path, r)| {
            let why = r.err()?;
            Some(
                Diagnostic::error(&path, format!("cannot be read by a template: {why}")).with_hint(
                    "a template reads only regular files inside the templates folder: remove it",
                ),
            )
        })
        .collect()
}
