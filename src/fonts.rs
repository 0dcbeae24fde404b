//! Fonts: loads the bundled fonts from `fonts/` (never system fonts, so every machine prints
//! the same), says which font stack each language uses, and checks that a stack covers text.

use std::path::{Path, PathBuf};

use ab_glyph::{Font as _, FontRef};

use crate::sandbox::Root;
use typst::foundations::Bytes;
use typst::text::{Font, FontBook, FontStyle, FontVariant, FontWeight};

/// The largest font file leafpress reads (a CJK collection is about 20 MB).
pub const MAX_FONT_BYTES: u64 = 64 * 1024 * 1024;

/// The faces the stacks need, (family, weight, the file it comes in): regular text and bold
/// (the templates use both). A font folder without one of them is refused.
#[rustfmt::skip]
pub const FACES: &[(&str, u16, &str)] = &[
    ("Noto Sans", 400, "NotoSans-Regular.ttf"),
    ("Noto Sans", 700, "NotoSans-Bold.ttf"),
    ("Noto Sans CJK JP", 400, "NotoSansCJK-Regular.ttc"),
    ("Noto Sans CJK JP", 700, "NotoSansCJK-Bold.ttc"),
    ("Noto Sans CJK KR", 400, "NotoSansCJK-Regular.ttc"),
    ("Noto Sans CJK KR", 700, "NotoSansCJK-Bold.ttc"),
    ("Noto Sans CJK SC", 400, "NotoSansCJK-Regular.ttc"),
    ("Noto Sans CJK SC", 700, "NotoSansCJK-Bold.ttc"),
    ("Noto Sans CJK TC", 400, "NotoSansCJK-Regular.ttc"),
    ("Noto Sans CJK TC", 700, "NotoSansCJK-Bold.ttc"),
    ("Noto Sans Thai", 400, "NotoSansThai-Regular.ttf"),
    ("Noto Sans Thai", 700, "NotoSansThai-Bold.ttf"),
    ("Noto Sans Devanagari", 400, "NotoSansDevanagari-Regular.ttf"),
    ("Noto Sans Devanagari", 700, "NotoSansDevanagari-Bold.ttf"),
    ("Noto Sans Myanmar", 400, "NotoSansMyanmar-Regular.ttf"),
    ("Noto Sans Myanmar", 700, "NotoSansMyanmar-Bold.ttf"),
    ("Noto Sans Khmer", 400, "NotoSansKhmer-Regular.ttf"),
    ("Noto Sans Khmer", 700, "NotoSansKhmer-Bold.ttf"),
    ("Noto Sans Sinhala", 400, "NotoSansSinhala-Regular.ttf"),
    ("Noto Sans Sinhala", 700, "NotoSansSinhala-Bold.ttf"),
    ("Noto Sans Bengali", 400, "NotoSansBengali-Regular.ttf"),
    ("Noto Sans Bengali", 700, "NotoSansBengali-Bold.ttf"),
    // Nastaliq has one face (see fonts/README.md): Urdu bold text is set in it too.
    ("Noto Nastaliq Urdu", 400, "NotoNastaliqUrdu-Regular.ttf"),
];

/// The faces of the font folder whose family some language's stack names (see [`STACKS`]).
#[derive(Clone)]
pub struct FontSet {
    pub fonts: Vec<Font>,
    pub book: FontBook,
    /// Each font file once (its faces share it).
    files: Vec<Bytes>,
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
    /// Keep words whole: break lines only at spaces (Korean, やさしい日本語).
    pub keep_words: bool,
    /// Written right to left (Urdu): the pages mirror.
    pub rtl: bool,
}

/// The languages written right to left, of those leafpress has fonts for.
const RIGHT_TO_LEFT: &[&str] = &["ur"];

const LATIN: &[&str] = &["Noto Sans", "Noto Sans CJK JP"];

/// Japanese official terms are printed with this stack in every leaflet.
pub const JAPANESE: &[&str] = &["Noto Sans CJK JP", "Noto Sans"];

/// A row of [`STACKS`]: the tags, their families, typst's language (None: the tag itself),
/// the region, and whether words are kept whole.
type StackRow = (
    &'static [&'static str],
    &'static [&'static str],
    Option<&'static str>,
    Option<&'static str>,
    bool,
);

/// Which tags use which stack. [`stack_for`] answers from it, and the font folder loads only
/// the families it names.
#[rustfmt::skip]
const STACKS: &[StackRow] = &[
    (&["ja"], JAPANESE, None, None, false),
    (&["zh-Hans", "zh-CN", "zh-SG"], &["Noto Sans CJK SC", "Noto Sans"], Some("zh"), Some("CN"), false),
    (&["zh-Hant", "zh-TW"], &["Noto Sans CJK TC", "Noto Sans"], Some("zh"), Some("TW"), false),
    (&["ko"], &["Noto Sans CJK KR", "Noto Sans"], None, None, true),
    (&["th"], &["Noto Sans Thai", "Noto Sans", "Noto Sans CJK JP"], None, None, false),
    (&["ne", "hi"], &["Noto Sans Devanagari", "Noto Sans", "Noto Sans CJK JP"], None, None, false),
    (&["my"], &["Noto Sans Myanmar", "Noto Sans", "Noto Sans CJK JP"], None, None, false),
    (&["km"], &["Noto Sans Khmer", "Noto Sans", "Noto Sans CJK JP"], None, None, false),
    (&["si"], &["Noto Sans Sinhala", "Noto Sans", "Noto Sans CJK JP"], None, None, false),
    (&["bn"], &["Noto Sans Bengali", "Noto Sans", "Noto Sans CJK JP"], None, None, false),
    (&["ur"], &["Noto Nastaliq Urdu", "Noto Sans", "Noto Sans CJK JP"], None, None, false),
    // やさしい日本語 (easy Japanese): Japanese, with furigana; written with spaces between
    // phrases (分かち書き), and, as easy-Japanese print does, broken at those spaces only
    (&["ja-x-easy"], JAPANESE, Some("ja"), None, true),
    (&["pt-BR"], LATIN, Some("pt"), Some("BR"), false),
    // Latin (incl. Vietnamese) and Cyrillic scripts: Noto Sans.
    (&["en", "es", "pt", "tl", "fil", "vi", "id", "mn", "fr", "de", "ru", "uk", "uz"], LATIN, None, None, false),
];

/// The font stack of a language tag, or None when leafpress has no fonts for its script.
pub fn stack_for(tag: &str) -> Option<Stack> {
    let (tags, families, lang, region, keep_words) = STACKS.iter().find(|s| s.0.contains(&tag))?;
    Some(Stack {
        families,
        lang: lang.unwrap_or(tags.iter().find(|t| **t == tag)?),
        region: *region,
        keep_words: *keep_words,
        rtl: RIGHT_TO_LEFT.contains(&tag),
    })
}

/// Every family some stack names (lower case, as typst's font book keys them): the faces
/// of other families in the font folder are not loaded.
pub fn stacked_families() -> Vec<String> {
    let mut families: Vec<String> = STACKS
        .iter()
        .flat_map(|s| s.1.iter().map(|f| f.to_lowercase()))
        .collect();
    families.sort();
    families.dedup();
    families
}

/// Whether the face `index` of `data` may belong to one of `families`, read from its name
/// table alone (cheap: no character map). typst's family is the font's family name (name
/// ID 1) with style words trimmed from its end, so a face whose name is not one of
/// `families` followed by separators and style words is not one of them. Which words
/// typst trims is its own; this list holds them all (and more), so the test never drops a
/// face typst would file under a wanted family. (typst's exceptions by PostScript name
/// rename no face to a family of ours.)
fn may_be_one_of(data: &[u8], index: u32, families: &[String]) -> bool {
    const SEPARATORS: [char; 3] = [' ', '-', '_'];
    #[rustfmt::skip]
    const STYLE: &[&str] = &[
        "normal", "italic", "oblique", "slanted", "thin", "th", "hairline", "light", "lt",
        "regular", "medium", "med", "md", "bold", "bd", "demi", "extb", "black", "blk", "bk",
        "heavy", "narrow", "condensed", "cond", "cn", "cd", "compressed", "expanded", "exp",
        "vf", "var", "variable", "extra", "ext", "ex", "x", "semi", "sem", "sm", "dem", "ultra",
        "book", "it",
    ];
    fn is_style(mut word: &str) -> bool {
        while !word.is_empty() {
            match STYLE.iter().find_map(|s| word.strip_suffix(s)) {
                Some(rest) => word = rest,
                None => return false,
            }
        }
        true
    }
    let Ok(face) = ttf_parser::Face::parse(data, index) else {
        return true; // let typst judge it (and report it)
    };
    let mut names = face
        .names()
        .into_iter()
        .filter(|n| n.name_id == ttf_parser::name_id::FAMILY)
        .filter_map(|n| n.to_string())
        .peekable();
    if names.peek().is_none() {
        return true;
    }
    names.any(|name| {
        let name = name.trim().trim_start_matches('.').to_lowercase();
        families.iter().any(|family| {
            name.strip_prefix(family.as_str())
                .is_some_and(|rest| rest.split(SEPARATORS).all(is_style))
        })
    })
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
        let shown = |p: &Path| crate::diag::printable(&p.display().to_string()).into_owned();
        let cannot = |e: std::io::Error| format!("cannot read the font folder {}: {e}", shown(dir));
        let root = Root::new(dir, MAX_FONT_BYTES).map_err(cannot)?;
        let is_font = |p: &Path| {
            p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                matches!(
                    e.to_ascii_lowercase().as_str(),
                    "ttf" | "otf" | "ttc" | "otc"
                )
            })
        };
        let mut paths = Vec::new();
        for (path, ok) in root.walk().map_err(cannot)? {
            if path.parent() != Some(dir) || !is_font(&path) {
                continue;
            }
            if let Err(why) = ok {
                return Err(format!("cannot read font {}: {why}", shown(&path)));
            }
            paths.push(path);
        }
        // Indexing a face reads its character map (the CJK collections have 10 faces of
        // 65 000 characters each): only the faces of the families some stack names are
        // indexed (4 of each CJK collection's 10), the files on every core, largest first.
        let wanted = stacked_families();
        let faces = |path: &PathBuf| -> Result<Vec<Font>, String> {
            let cannot = |e: String| format!("cannot read font {}: {e}", shown(path));
            // One shared buffer per file: every face of a .ttc borrows it.
            let data = if mapped {
                let (file, _) = root.open(path).map_err(|e| cannot(e.to_string()))?;
                // SAFETY: the map is read-only and lives as long as the fonts; the fonts
                // folder is not written while a one-shot run uses it (see `map`).
                let map = unsafe { memmap2::Mmap::map(&file) };
                Bytes::new(map.map_err(|e| cannot(e.to_string()))?)
            } else {
                Bytes::new(root.read(path).map_err(|e| cannot(e.to_string()))?)
            };
            let (mut faces, mut readable) = (Vec::new(), false);
            for index in 0..ttf_parser::fonts_in_collection(&data).unwrap_or(1) {
                if !may_be_one_of(&data, index, &wanted) {
                    readable = true; // a face of a family no stack uses: not indexed
                } else if let Some(font) = Font::new(data.clone(), index) {
                    readable = true;
                    if wanted.contains(&font.info().family.to_lowercase()) {
                        faces.push(font);
                    }
                }
            }
            if !readable {
                return Err(format!("{} is not a font file typst can read", shown(path)));
            }
            Ok(faces)
        };
        let size = |p: &PathBuf| root.resolve(p).map_or(0, |(_, m)| m.len() as usize);
        let mut fonts = Vec::new();
        let mut files = Vec::new();
        for file in crate::parallel::longest_first(0, &paths, size, faces) {
            let file = file?;
            files.extend(file.first().map(|f| f.data().clone()));
            fonts.extend(file);
        }
        if fonts.is_empty() {
            return Err(if paths.is_empty() {
                format!("no font files in {}", shown(dir))
            } else {
                format!(
                    "no font in {} is of a family leafpress uses ({})",
                    shown(dir),
                    stacked_families().join(", ")
                )
            });
        }
        // Every face a stack needs must be there: typst would otherwise set the text in
        // whatever face it finds (Latin in the CJK font), without a word.
        let missing: Vec<String> = FACES
            .iter()
            .filter(|(family, weight, _)| {
                !fonts.iter().any(|f| {
                    let i = f.info();
                    i.family.eq_ignore_ascii_case(family)
                        && i.variant.weight == FontWeight::from_number(*weight)
                        && i.variant.style == FontStyle::Normal
                })
            })
            .map(|(family, weight, file)| {
                let style = if *weight >= 700 { "Bold" } else { "Regular" };
                format!("{family} {style} ({file})")
            })
            .collect();
        if !missing.is_empty() {
            return Err(format!(
                "the font folder {} lacks {}: every language's text needs its faces (see fonts/README.md)",
                shown(dir),
                missing.join(", ")
            ));
        }
        let book = FontBook::from_fonts(&fonts);
        Ok(FontSet { fonts, book, files })
    }

    /// typst hashes a font's whole file the first time a layout uses one of its faces (a
    /// memo key): 6 ms for each 20 MB CJK collection, and its pages read in, in the way of
    /// the first leaflet. This hashes the files on a thread of its own, to be called before
    /// work that needs no fonts (the hash is kept in the file's `Bytes`; a layout that
    /// comes first hashes it itself).
    pub fn hash_in_background(&self) {
        let files = self.files.clone();
        std::thread::spawn(move || {
            for data in files {
                typst::utils::hash128(&data);
            }
        });
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

/// The text whose ink the templates measure (`measure-ink` in templates/ink.typ) to space lines by
/// how far this leaflet's glyphs really reach above and below the baseline: every string
/// of `printed` (the parts of a leaflet's data that it prints), each grapheme cluster once
/// (the syllables of scripts written without spaces whole, as `breaks` marked them: their
/// stacks are shaped together), in lower case (a capital's accent, Vietnamese Ở, is rare
/// and only needs to clear the line above, which the tests check), sorted, joined with
/// word joiners: one line that cannot break, so that measuring it costs a shaping and no
/// line breaking.
pub fn ink_sample<'a>(printed: impl IntoIterator<Item = &'a serde_json::Value>) -> String {
    use crate::breaks::{BREAK, JOIN};
    fn strings<'a>(v: &'a serde_json::Value, out: &mut Vec<&'a str>) {
        match v {
            serde_json::Value::String(s) => out.push(s),
            serde_json::Value::Array(a) => a.iter().for_each(|v| strings(v, out)),
            serde_json::Value::Object(m) => m.values().for_each(|v| strings(v, out)),
            _ => {}
        }
    }
    let mut texts = Vec::new();
    printed.into_iter().for_each(|v| strings(v, &mut texts));
    let graphemes = icu_segmenter::GraphemeClusterSegmenter::new();
    let mut pieces = std::collections::BTreeSet::new();
    for piece in texts
        .iter()
        .flat_map(|t| t.split(|c: char| c.is_whitespace() || c == JOIN || c == BREAK))
    {
        if piece.contains(crate::breaks::is_unspaced) {
            pieces.insert(piece.to_lowercase());
            continue;
        }
        let bounds: Vec<usize> = graphemes.segment_str(piece).collect();
        for w in bounds.windows(2) {
            pieces.insert(piece[w[0]..w[1]].to_lowercase());
        }
    }
    pieces
        .into_iter()
        .collect::<Vec<_>>()
        .join(&crate::breaks::JOIN.to_string())
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
    use typst::foundations::Bytes;
    use typst::text::Font;

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
    fn the_faces_loaded_are_those_of_the_stacked_families_all_of_them() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts");
        let wanted = super::stacked_families();
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "ttf" || e == "ttc"))
            .collect();
        files.sort();
        // every face of every file, indexed by typst itself
        let all: Vec<_> = files
            .iter()
            .flat_map(|p| Font::iter(Bytes::new(std::fs::read(p).unwrap())))
            .map(|f| (f.info().clone(), f.index()))
            .collect();
        let expected: Vec<_> = all
            .iter()
            .filter(|(info, _)| wanted.contains(&info.family.to_lowercase()))
            .cloned()
            .collect();
        let loaded: Vec<_> = FontSet::load(&dir)
            .unwrap()
            .fonts
            .iter()
            .map(|f| (f.info().clone(), f.index()))
            .collect();
        assert_eq!(loaded, expected);
        // the collections' Hong Kong and monospaced faces are left out, and only they
        let left_out: Vec<&str> = all
            .iter()
            .filter(|f| !expected.contains(f))
            .map(|(info, _)| info.family.as_str())
            .collect();
        assert_eq!(left_out.len(), 12, "{left_out:?}");
        assert!(
            left_out
                .iter()
                .all(|f| f.ends_with("CJK HK") || f.starts_with("Noto Sans Mono CJK")),
            "{left_out:?}"
        );
        for tag in [
            "ja", "ko", "zh-Hans", "zh-Hant", "th", "ne", "my", "km", "en", "pt-BR",
        ] {
            let stack = super::stack_for(tag).unwrap();
            for family in stack.families {
                assert!(wanted.contains(&family.to_lowercase()), "{tag}: {family}");
            }
        }
    }

    #[test]
    fn every_stacked_family_declares_its_regular_and_bold_faces() {
        for family in super::stacked_families() {
            // Nastaliq has one face (fonts/README.md)
            let weights: &[u16] = if family == "noto nastaliq urdu" {
                &[400]
            } else {
                &[400, 700]
            };
            for &weight in weights {
                assert!(
                    super::FACES
                        .iter()
                        .any(|(f, w, _)| f.to_lowercase() == family && *w == weight),
                    "{family} {weight}"
                );
            }
        }
    }

    #[test]
    fn a_missing_face_is_an_error_never_a_fallback() {
        let dir = tempfile::tempdir().unwrap();
        let fonts = Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts");
        for e in std::fs::read_dir(&fonts).unwrap() {
            let p = e.unwrap().path();
            if p.file_name().is_some_and(|n| n != "NotoSans-Regular.ttf") {
                std::os::unix::fs::symlink(&p, dir.path().join(p.file_name().unwrap())).ok();
            }
        }
        // the links lead out of the folder: refused as such
        let e = FontSet::map(dir.path()).err().unwrap();
        assert!(e.contains("a link that leads outside its folder"), "{e}");
        for e in std::fs::read_dir(dir.path()).unwrap() {
            let p = e.unwrap().path();
            std::fs::remove_file(&p).unwrap();
            std::fs::copy(fonts.join(p.file_name().unwrap()), &p).unwrap();
        }
        let e = FontSet::map(dir.path()).err().unwrap();
        assert_eq!(
            e,
            format!(
                "the font folder {} lacks Noto Sans Regular (NotoSans-Regular.ttf): every language's text needs its faces (see fonts/README.md)",
                dir.path().display()
            )
        );
    }

    #[test]
    fn stacks_by_tag() {
        let s =
            |tag| super::stack_for(tag).map(|s| (s.families[0], s.lang, s.region, s.keep_words));
        assert_eq!(s("ja"), Some(("Noto Sans CJK JP", "ja", None, false)));
        assert_eq!(
            s("zh-TW"),
            Some(("Noto Sans CJK TC", "zh", Some("TW"), false))
        );
        assert_eq!(
            s("zh-SG"),
            Some(("Noto Sans CJK SC", "zh", Some("CN"), false))
        );
        assert_eq!(s("ko"), Some(("Noto Sans CJK KR", "ko", None, true)));
        assert_eq!(s("hi"), Some(("Noto Sans Devanagari", "hi", None, false)));
        assert_eq!(s("pt-BR"), Some(("Noto Sans", "pt", Some("BR"), false)));
        assert_eq!(s("uk"), Some(("Noto Sans", "uk", None, false)));
        assert_eq!(s("ar"), None);
        assert_eq!(s("pt-PT"), None);
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
