//! A consultation center's edition: `content/centers/<id>.toml` holds the center's name (in
//! Japanese, and as it wants to be called in each language), address, phone and fax,
//! e-mail, web addresses, hours, the languages it serves and, optionally, a logo, every fact
//! with its source. The leaflets of a topic reach a center only through this data (the FAQ's
//! header, its "ask the center" lines and its footer; the guide's footer line), so any
//! center prints the same leaflets with its own name and contacts.
//!
//! Centers live in a folder of their own beside the topics (not in a topic): a center hands
//! out the leaflets of every topic, and a topic names only its default center
//! (`[topic] center = "hiecc"`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::facts::{EmailFact, Facts, HoursFact, Origin, PhoneFact, UrlFact, Validator, sourced};
use crate::diag::Diagnostic;
use crate::sandbox::Root;

/// The folder of the centers, in the content folder.
pub const FOLDER: &str = "centers";
/// The largest logo leafpress reads.
pub const MAX_LOGO_BYTES: u64 = 256 * 1024;

/// The ids a center's phones, e-mail addresses, URLs and hours may have, and what each is.
const PHONES: [&str; 2] = ["main", "fax"];
const EMAILS: [&str; 1] = ["main"];
/// `web` and `facebook` are printed with QR codes in the FAQ's footer; `validity-leaflet` is
/// a leaflet of the center's about the card's validity (the FAQ's "Did you know?" box).
pub const URLS: [&str; 3] = ["web", "facebook", "validity-leaflet"];
const HOURS: [&str; 1] = ["consultation"];

/// A center, validated.
#[derive(Debug, Clone)]
pub struct Center {
    pub id: String,
    pub path: PathBuf,
    /// The file's text, to point diagnostics at lines and columns.
    pub text: String,
    /// Its name in Japanese, as on its own papers.
    pub name: String,
    /// Its name in each language (by BCP 47 tag), as it wants to be called.
    pub names: BTreeMap<String, Spanned<String>>,
    /// Who runs it, in each language (optional).
    pub operated_by: BTreeMap<String, Spanned<String>>,
    pub address: Option<String>,
    /// The languages it serves (codes named by `[language-names]`, as the hotlines').
    pub languages: Vec<String>,
    /// Its logo (SVG), if it has one.
    pub logo: Option<Vec<u8>>,
    /// Its phones (`main`, `fax`), e-mail (`main`), URLs and hours, with their `as-of`.
    pub facts: Facts,
    /// How old its facts' sources may be before `check` says they must be re-checked.
    pub max_fact_age_months: Option<u32>,
}

impl Center {
    /// The center's name for a reader of `tag`: the name it gave for that language, or its
    /// Japanese name with the English one (`true`: it has none for `tag`).
    pub fn name_for(&self, tag: &str) -> (String, bool) {
        match self.names.get(tag) {
            Some(n) => (n.get_ref().clone(), false),
            None if tag == "ja" => (self.name.clone(), false),
            None => match self.names.get("en") {
                Some(en) => (format!("{} ({})", self.name, en.get_ref()), true),
                None => (self.name.clone(), true),
            },
        }
    }

    /// Who runs it, for a reader of `tag` (none when it gave none for that language).
    pub fn operated_by_for(&self, tag: &str) -> Option<&str> {
        self.operated_by.get(tag).map(|s| s.get_ref().as_str())
    }

    /// The number residents call.
    pub fn phone(&self) -> Option<&str> {
        self.facts.phones.get("main").map(|p| p.number.as_str())
    }
}

// ---- the file as written -------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct CenterFile {
    center: Spanned<CenterSection>,
    #[serde(default)]
    names: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    operated_by: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    phones: Option<Spanned<BTreeMap<Spanned<String>, PhoneFact>>>,
    #[serde(default)]
    emails: BTreeMap<Spanned<String>, EmailFact>,
    #[serde(default)]
    urls: BTreeMap<Spanned<String>, UrlFact>,
    #[serde(default)]
    hours: BTreeMap<Spanned<String>, HoursFact>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct CenterSection {
    /// Its name in Japanese.
    name: Spanned<String>,
    /// Where the name (and the center) comes from.
    source: Spanned<String>,
    as_of: Option<Spanned<String>>,
    address: Option<Spanned<String>>,
    #[serde(default)]
    languages: Vec<Spanned<String>>,
    /// An SVG file beside the center's file.
    logo: Option<Spanned<String>>,
    max_fact_age_months: Option<u32>,
}

/// Loads and validates a center's file (`text`, read from `path`); `root` reads its logo.
/// The center (possibly partial) and every problem found.
pub fn load(root: &Root, path: &Path, text: &str) -> (Option<Center>, Vec<Diagnostic>) {
    let file: CenterFile = match toml::from_str(text) {
        Ok(f) => f,
        Err(e) => return (None, vec![super::toml_error(path, text, &e)]),
    };
    let id = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut v = Validator::new(path, text);
    let at = |span: std::ops::Range<usize>, message: String| {
        Diagnostic::error(path, message).at(text, span)
    };
    let section_span = file.center.span();
    let c = file.center.into_inner();
    if c.name.get_ref().trim().is_empty() {
        v.diags.push(
            at(c.name.span(), "the center's name is empty".into())
                .with_hint("write its name in Japanese, as on its own papers"),
        );
    }
    v.plain_text(&c.name);
    let mut per_language = |table: BTreeMap<Spanned<String>, Spanned<String>>, what: &str| {
        let mut out = BTreeMap::new();
        for (tag, value) in table {
            if !super::is_language_tag(tag.get_ref()) {
                v.diags.push(
                    at(
                        tag.span(),
                        format!("`{}` is not a language tag", tag.get_ref()),
                    )
                    .with_hint(format!(
                        "[{what}] names the center per language: a BCP 47 tag such as en, zh-Hans or pt-BR"
                    )),
                );
            }
            if value.get_ref().trim().is_empty() {
                v.diags
                    .push(at(value.span(), format!("empty text in [{what}]")));
            }
            v.plain_text(&value);
            out.insert(tag.into_inner(), value);
        }
        out
    };
    let names = per_language(file.names, "names");
    let operated_by = per_language(file.operated_by, "operated-by");
    if let Some(a) = &c.address {
        v.plain_text(a);
    }
    for code in &c.languages {
        if !super::is_language_tag(code.get_ref()) {
            v.error(
                code,
                format!("`{}` is not a language code", code.get_ref()),
                Some("use a BCP 47 code such as en, zh or pt, as the hotlines' language groups do"),
            );
        }
    }
    let phones = match file.phones {
        Some(p) => {
            let span = p.span();
            let phones = known_ids(&mut v, p.into_inner(), &PHONES, "phones");
            if !phones.contains_key("main") {
                v.diags
                    .push(at(span, "the center has no main phone".into()).with_hint(
                        "add the number residents call: main = { number = \"…\", source = \"…\" }",
                    ));
            }
            phones
        }
        None => {
            v.diags.push(
                at(section_span.clone(), "the center has no phone".into()).with_hint(
                    "add [phones] with the number residents call: main = { number = \"…\", source = \"…\" }",
                ),
            );
            BTreeMap::new()
        }
    };
    let emails = known_ids(&mut v, file.emails, &EMAILS, "emails");
    let urls = known_ids(&mut v, file.urls, &URLS, "urls");
    let hours = known_ids(&mut v, file.hours, &HOURS, "hours");
    let mut facts = Facts::default();
    v.contacts(&mut facts, &phones, &emails, &urls, &hours);
    let name_origin = Origin {
        source: &c.source,
        as_of: c.as_of.as_ref(),
        printed: true,
    };
    let name_id = "name".to_owned();
    let origins = std::iter::once(("center", &name_id, name_origin))
        .chain(sourced("phone", &phones))
        .chain(sourced("email", &emails))
        .chain(sourced("url", &urls))
        .chain(sourced("hours", &hours));
    for (kind, id, origin) in origins {
        v.origin(&mut facts, kind, id, &origin);
    }
    let logo = c.logo.as_ref().and_then(|l| {
        let file = l.get_ref();
        let refuse = |message: String| {
            at(l.span(), message)
                .with_hint("the logo is an SVG file beside the center's file, at most 256 kB")
        };
        if file.contains(['/', '\\']) || file.starts_with('.') {
            v.diags.push(refuse(format!("`{file}` is not a file name")));
            return None;
        }
        // through the content folder's sandbox: a regular file inside it
        let bytes = match root.read(&path.with_file_name(file)) {
            Ok(b) if b.len() as u64 > MAX_LOGO_BYTES => {
                v.diags.push(refuse(format!(
                    "the logo `{file}` is {} bytes, more than {MAX_LOGO_BYTES}",
                    b.len()
                )));
                return None;
            }
            Ok(b) => b,
            Err(why) => {
                v.diags
                    .push(refuse(format!("cannot read the logo `{file}`: {why}")));
                return None;
            }
        };
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).into_owned();
        let head = head.trim_start_matches('\u{feff}').trim_start();
        if !(head.starts_with("<svg") || head.starts_with("<?xml")) {
            v.diags
                .push(refuse(format!("the logo `{file}` is not an SVG file")));
            return None;
        }
        Some(bytes)
    });
    let center = Center {
        id,
        path: path.to_path_buf(),
        text: text.to_owned(),
        name: c.name.into_inner(),
        names,
        operated_by,
        address: c.address.map(Spanned::into_inner),
        languages: c.languages.into_iter().map(Spanned::into_inner).collect(),
        logo,
        facts,
        max_fact_age_months: c.max_fact_age_months,
    };
    (Some(center), v.diags)
}

/// The entries of a table whose ids leafpress knows (others are errors, with "did you
/// mean"), by id.
fn known_ids<T>(
    v: &mut Validator,
    table: BTreeMap<Spanned<String>, T>,
    known: &[&str],
    what: &str,
) -> BTreeMap<String, T> {
    let mut out = BTreeMap::new();
    for (id, value) in table {
        if !known.contains(&id.get_ref().as_str()) {
            let hint = super::did_you_mean_hint(id.get_ref(), known.iter().copied())
                .unwrap_or_else(|| format!("a center's [{what}] are: {}", known.join(", ")));
            v.error(
                &id,
                format!("unknown id `{}` in [{what}]", id.get_ref()),
                Some(&hint),
            );
            continue;
        }
        out.insert(id.into_inner(), value);
    }
    out
}

/// A center's file to fill in (`leafpress new-center ID`): every key, with empty values
/// that `check` refuses until they are written, and what each is for.
pub fn template(id: &str) -> String {
    format!(
        r#"# The consultation center `{id}`: the leaflets print its name and contacts (the FAQ's
# header, its "ask the center" lines and its footer; the guide's footer line).
# Fill in every empty value; `leafpress check` refuses the file until then. Every fact names
# its `source` (where it comes from: the center's own papers, its website) and, optionally,
# `as-of` (YYYY, YYYY-MM or YYYY-MM-DD: when that source stated it).
# Build its edition with `leafpress build --center {id}` (into output/{id}/).

[center]
# Its name in Japanese, as on its own papers.
name = ""
source = ""
# as-of = "2026-12"
# address = "〒000-0000 …"          (in Japanese, as on its papers)
# languages = ["en", "zh", "ko"]    (the languages it serves, as the hotlines' codes)
# logo = "{id}.svg"                 (an SVG file beside this one, at most 256 kB)

# Its name as it wants to be called in each leaflet language (BCP 47 tags of the language
# files). A language missing here prints the Japanese name with the English one.
[names]
en = ""

# Optional: who runs it, in each language ("Run by …").
[operated-by]

# The number residents call (required), and a fax.
[phones]
main = {{ number = "", source = "" }}
# fax = {{ number = "", source = "" }}

[emails]
# main = {{ address = "", source = "" }}

# web and facebook are printed with QR codes; validity-leaflet is a leaflet of the center's
# about the card's validity.
[urls]
# web = {{ url = "https://…", source = "" }}

# When it answers: days every-day | weekdays | weekends-holidays, from/to HH:MM.
[hours]
# consultation = {{ open = [{{ days = "weekdays", from = "09:00", to = "17:00" }}], source = "" }}
"#
    )
}
