//! Fonts: loads the bundled fonts from `fonts/` (never system fonts, so every machine prints
//! the same), says which font stack each language uses, and checks that a stack covers text.

use std::fs;
use std::path::{Path, PathBuf};

use ab_glyph::{Font as _, FontRef};
use typst::foundations::Bytes;
use typst::text::{Font, FontBook, FontStyle, FontVariant, FontWeight};

/// Every face of every font file in the font folder.
#[derive(Clone)]
pub struct FontSet {
    pub fonts: Vec<Font>,
    pub book: FontBook,
}

/// The fonts and typographic language of one leaflet language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stack {
    /// Font families, first choice first; a character missing in one comes from the next.
    pub families: &'static [&'static str],
    /// ISO 639 language and region for typst's `text(lang:, region:)` (shaping, Han forms,
    /// line breaking, hyphenation).
    pub lang: &'static str,
    pub region: Option<&'static str>,
    /// Keep words whole: break lines only at spaces (Korean).
    pub keep_words: bool,
}

const LATIN: &[&str] = &["Noto Sans", "Noto Sans CJK JP"];

/// Languages written in Latin (incl. Vietnamese) or Cyrillic script.
const LATIN_LANGS: [&str; 12] = [
    "en", "es", "pt", "tl", "fil", "vi", "id", "mn", "fr", "de", "ru", "uk",
];

/// Japanese official terms are printed with this stack in every leaflet.
pub const JAPANESE: &[&str] = &["Noto Sans CJK JP", "Noto Sans"];

/// The font stack of a language tag, or None when leafpress has no fonts for its script.
pub fn stack_for(tag: &str) -> Option<Stack> {
    let stack = |families: &'static [&'static str], lang: &'static str, region| {
        Some(Stack {
            families,
            lang,
            region,
            keep_words: false,
        })
    };
    match tag {
        "ja" => stack(JAPANESE, "ja", None),
        "zh-Hans" | "zh-CN" | "zh-SG" => {
            stack(&["Noto Sans CJK SC", "Noto Sans"], "zh", Some("CN"))
        }
        "zh-Hant" | "zh-TW" => stack(&["Noto Sans CJK TC", "Noto Sans"], "zh", Some("TW")),
        "ko" => Some(Stack {
            keep_words: true,
            ..stack(&["Noto Sans CJK KR", "Noto Sans"], "ko", None)?
        }),
        "th" => stack(
            &["Noto Sans Thai", "Noto Sans", "Noto Sans CJK JP"],
            "th",
            None,
        ),
        "ne" => stack(
            &["Noto Sans Devanagari", "Noto Sans", "Noto Sans CJK JP"],
            "ne",
            None,
        ),
        "hi" => stack(
            &["Noto Sans Devanagari", "Noto Sans", "Noto Sans CJK JP"],
            "hi",
            None,
        ),
        "my" => stack(
            &["Noto Sans Myanmar", "Noto Sans", "Noto Sans CJK JP"],
            "my",
            None,
        ),
        "km" => stack(
            &["Noto Sans Khmer", "Noto Sans", "Noto Sans CJK JP"],
            "km",
            None,
        ),
        "pt-BR" => stack(LATIN, "pt", Some("BR")),
        // Latin, Vietnamese and Cyrillic scripts: Noto Sans.
        _ => LATIN_LANGS
            .iter()
            .find(|l| **l == tag)
            .and_then(|l| stack(LATIN, l, None)),
    }
}

impl FontSet {
    /// Reads every .ttf/.otf/.ttc file in `dir` once and indexes all its faces.
    pub fn load(dir: &Path) -> Result<FontSet, String> {
        FontSet::open(dir, false)
    }

    /// [`FontSet::load`], but the files are mapped into memory rather than read: a one-shot
    /// run touches a fraction of the 40 MB and starts about 60 ms sooner. Only for a process
    /// that ends after its run: a font file rewritten in place while it is mapped would
    /// change under it (`watch` reads).
    pub fn map(dir: &Path) -> Result<FontSet, String> {
        FontSet::open(dir, true)
    }

    fn open(dir: &Path, mapped: bool) -> Result<FontSet, String> {
        let entries = fs::read_dir(dir)
            .map_err(|e| format!("cannot read the font folder {}: {e}", dir.display()))?;
        let mut paths: Vec<_> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                    matches!(
                        e.to_ascii_lowercase().as_str(),
                        "ttf" | "otf" | "ttc" | "otc"
                    )
                })
            })
            .collect();
        paths.sort();
        // Indexing a face reads its character map (the CJK collections have 10 faces of
        // 65 000 characters each): the files are indexed on every core, largest first.
        let faces = |path: &PathBuf| -> Result<Vec<Font>, String> {
            let cannot = |e: std::io::Error| format!("cannot read font {}: {e}", path.display());
            // One shared buffer per file: every face of a .ttc borrows it.
            let data = if mapped {
                let file = fs::File::open(path).map_err(cannot)?;
                // SAFETY: the map is read-only and lives as long as the fonts; the fonts
                // folder is not written while a one-shot run uses it (see `map`).
                Bytes::new(unsafe { memmap2::Mmap::map(&file) }.map_err(cannot)?)
            } else {
                Bytes::new(fs::read(path).map_err(cannot)?)
            };
            let faces: Vec<Font> = Font::iter(data).collect();
            if faces.is_empty() {
                return Err(format!(
                    "{} is not a font file typst can read",
                    path.display()
                ));
            }
            Ok(faces)
        };
        let size = |p: &PathBuf| fs::metadata(p).map_or(0, |m| m.len() as usize);
        let mut fonts = Vec::new();
        for file in crate::parallel::longest_first(0, &paths, size, faces) {
            fonts.extend(file?);
        }
        if fonts.is_empty() {
            return Err(format!("no font files in {}", dir.display()));
        }
        let book = FontBook::from_fonts(&fonts);
        Ok(FontSet { fonts, book })
    }

    /// The families of `stack` that are missing from the font folder.
    pub fn missing_families(&self, families: &[&str]) -> Vec<String> {
        families
            .iter()
            .filter(|f| !self.book.contains_family(&f.to_lowercase()))
            .map(|f| f.to_string())
            .collect()
    }

    /// The regular face of each family of the stack, as ab_glyph fonts.
    pub fn coverage(&self, families: &[&str]) -> Coverage<'_> {
        let regular = FontVariant::new(FontStyle::Normal, FontWeight::REGULAR, Default::default());
        let faces = families
            .iter()
            .filter_map(|f| self.book.select(&f.to_lowercase(), regular))
            .filter_map(|i| self.fonts.get(i))
            .filter_map(|font| {
                FontRef::try_from_slice_and_index(font.data().as_slice(), font.index()).ok()
            })
            .collect();
        Coverage { faces }
    }
}

/// Answers "does any font of this stack have a glyph for this character?".
pub struct Coverage<'a> {
    faces: Vec<FontRef<'a>>,
}

impl Coverage<'_> {
    pub fn covers(&self, c: char) -> bool {
        // Layout controls and spaces need no glyph.
        if c.is_whitespace()
            || c.is_control()
            || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FE00}'..='\u{FE0F}')
        {
            return true;
        }
        self.faces.iter().any(|f| f.glyph_id(c).0 != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::FontSet;
    use std::path::Path;

    #[test]
    fn mapped_and_read_fonts_are_the_same_faces_in_the_same_order() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts");
        let (read, mapped) = (FontSet::load(&dir).unwrap(), FontSet::map(&dir).unwrap());
        assert_eq!(read.fonts.len(), mapped.fonts.len());
        for (a, b) in read.fonts.iter().zip(&mapped.fonts) {
            assert_eq!((a.info(), a.index()), (b.info(), b.index()));
            assert_eq!(a.data().as_slice(), b.data().as_slice());
        }
        for family in [
            "noto sans",
            "noto sans cjk jp",
            "noto sans thai",
            "noto sans khmer",
        ] {
            assert!(mapped.book.contains_family(family), "{family}");
        }
    }

    #[test]
    fn a_file_that_is_no_font_is_an_error_read_or_mapped() {
        let dir = std::env::temp_dir().join(format!("leafpress-fonts-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (name, bytes) in [("Empty.ttf", &b""[..]), ("Text.otf", &b"not a font"[..])] {
            let path = dir.join(name);
            std::fs::write(&path, bytes).unwrap();
            for set in [FontSet::load(&dir), FontSet::map(&dir)] {
                let e = set.err().expect("an error");
                assert_eq!(
                    e,
                    format!("{} is not a font file typst can read", path.display())
                );
            }
            std::fs::remove_file(&path).unwrap();
        }
        std::fs::remove_dir(&dir).unwrap();
    }
}
