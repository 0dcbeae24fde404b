//! Benchmarks of the stages a counter or CI waits for: loading fonts, loading and validating
//! the content, laying out and exporting one leaflet, and a full build of every language.
//! Run: `cargo bench` (figures are reported in the closing notes and the README).

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use leafpress::batch;
use leafpress::content::{self, values::Date};
use leafpress::fonts::FontSet;
use leafpress::render::Engine;
use leafpress::settings::Settings;

fn project() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn benches(c: &mut Criterion) {
    let p = project();
    c.bench_function("fonts: load fonts/ (read, as watch does)", |b| {
        b.iter(|| black_box(FontSet::load(&p.join("fonts")).unwrap()))
    });
    c.bench_function("fonts: map fonts/ (as build does)", |b| {
        b.iter(|| black_box(FontSet::map(&p.join("fonts")).unwrap()))
    });
    c.bench_function("content: load + validate", |b| {
        b.iter(|| {
            let content = content::load(&p.join("content")).unwrap();
            let opts = content::validate::Options::on(Date {
                year: 2026,
                month: 11,
                day: 21,
            });
            black_box(content::validate::topic(&content.topics[0], "", &opts))
        })
    });
    let engine = Engine::new(
        FontSet::load(&p.join("fonts")).unwrap(),
        &p.join("templates"),
    );
    let content = content::load(&p.join("content")).unwrap();
    let topic = &content.topics[0];
    for (template, tag) in [
        ("faq", "en"),
        ("faq", "ja"),
        ("faq", "th"),
        ("guide", "en"),
        ("guide", "ja"),
    ] {
        let name = format!("render: one leaflet ({template}-{tag}), layout + PDF");
        c.bench_function(&name, |b| {
            b.iter(|| {
                black_box(
                    leafpress::fit::render_one(&engine, topic, template, &topic.langs[tag], false)
                        .ok()
                        .unwrap()
                        .pdf
                        .len(),
                )
            })
        });
    }
    let out = std::env::temp_dir().join("leafpress-bench-output");
    let settings = Settings {
        out,
        ..Settings::in_project(
            &p,
            Date {
                year: 2026,
                month: 11,
                day: 21,
            },
        )
    };
    let en = leafpress::fit::render_one(&engine, topic, "faq", &topic.langs["en"], false)
        .ok()
        .unwrap();
    c.bench_function("preview: one page as PNG (en, page 1, 72 dpi)", |b| {
        b.iter(|| {
            black_box(
                leafpress::render::png(&en.document.pages()[0], batch::PREVIEW_PIXELS_PER_PT)
                    .unwrap()
                    .len(),
            )
        })
    });
    let mut group = c.benchmark_group("batch");
    group.sample_size(10);
    // Into an empty output folder: every PDF, every preview, manifest, index.
    group.bench_function(
        "build: every language, cold, empty output folder (fonts + content + PDFs + previews + index)",
        |b| {
            b.iter_batched(
                || drop(std::fs::remove_dir_all(&settings.out)),
                |_| black_box(batch::build(&settings).unwrap()),
                criterion::BatchSize::PerIteration,
            )
        },
    );
    // Again over its own output, laying out everything (--rebuild): unchanged PDFs keep
    // their previews.
    let rebuild = Settings {
        reuse: false,
        ..settings.clone()
    };
    group.bench_function(
        "build --rebuild: every language, over its own output (previews kept)",
        |b| b.iter(|| black_box(batch::build(&rebuild).unwrap())),
    );
    // Over its own output with nothing changed: every leaflet kept.
    group.bench_function(
        "build: every language, up to date (every leaflet kept)",
        |b| b.iter(|| black_box(batch::build(&settings).unwrap())),
    );
    group.finish();
}

criterion_group!(leafpress_benches, benches);
criterion_main!(leafpress_benches);
