//! Fuzz target: bytes → a language file → load → validate → glyph check → leaflet model →
//! layout → PDF. Nothing may panic; whatever is wrong must come back as diagnostics.
//!
//! Run (see fuzz/README.md): RUSTC_BOOTSTRAP=1 cargo fuzz run content fuzz/corpus/content fuzz/seeds/content

#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use leafpress::batch;
use leafpress::content::{self, Content, lang, validate, values::Date};
use leafpress::fonts::FontSet;
use leafpress::render::Engine;

fn project() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

struct Fixture {
    content: Content,
    fonts: FontSet,
    engine: Engine,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let p = project();
        Fixture {
            content: content::load(&p.join("content")).unwrap(),
            fonts: FontSet::load(&p.join("fonts")).unwrap(),
            engine: Engine::new(FontSet::load(&p.join("fonts")).unwrap(), &p.join("templates")),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let f = fixture();
    let mut topic = f.content.topics[0].clone();
    let path = topic.dir.join("vi.toml");
    let (parsed, mut diags) = lang::load(&path, text, "vi");
    let Some(parsed) = parsed else { return };
    topic.langs.insert("vi".into(), parsed);
    let opts = validate::Options { allow_missing: true, ..validate::Options::on(Date { year: 2026, month: 11, day: 21 }) };
    diags.extend(validate::topic(&topic, "", &opts));
    diags.extend(leafpress::glyphs::check(&topic, &f.fonts));
    for d in &diags {
        let _ = d.to_string();
    }
    if diags.iter().any(|d| d.is_error()) {
        return;
    }
    if let Ok(r) = batch::render_one(&f.engine, &topic, "faq", &topic.langs["vi"], true) {
        assert!(r.pdf.starts_with(b"%PDF-"));
    }
});
