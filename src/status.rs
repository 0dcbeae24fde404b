//! Translation status: which blocks of each language are translated, missing, or outdated
//! (translated from an older version of the source text), as translation tools report it.
//!
//! Each translated block records `translated-from = "<hash>"`: the hash of the source
//! language's block it was translated from. When the source block changes, its hash changes
//! and the translation is reported as outdated.
//!
//! Beside it, what native speakers have reviewed (`content::record`): a block is reviewed,
//! unreviewed, or changed since its review.

use std::fmt::Write as _;

use crate::content::Topic;
use crate::content::lang::{Block, Field, Lang, TRANSLATED_FROM};
use crate::content::record::{self, Level, Review};

/// A short, stable hash of a block's text (FNV-1a, 64 bits, shown as 8 hex digits): enough
/// to tell that the source text moved on. A review is bound by a longer hash
/// (`record::text_hash`).
pub fn block_hash(block: &Block) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |s: &str| {
        for b in s.bytes().chain([0xff]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    for (key, field) in &block.fields {
        eat(key);
        match field.get_ref() {
            Field::Text(s) => eat(s),
            Field::List(items) => items.iter().for_each(|i| eat(i.get_ref())),
        }
    }
    format!("{:08x}", h >> 32)
}

/// The state of one block of one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockState {
    Current,
    /// Translated from another version of the source block (or no version recorded).
    Outdated,
    Missing,
}

/// What the review records say of one block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewState {
    Unreviewed,
    Reviewed,
    /// Reviewed, but the source block or the translation has been edited since.
    ChangedSinceReview,
}

/// One language's counts, for one template's leaflet (its own blocks and the shared ones).
#[derive(Debug, Clone)]
pub struct LangStatus {
    pub template: String,
    pub tag: String,
    /// The leaflet's level: source, draft, partly reviewed or reviewed.
    pub level: Level,
    pub blocks: Vec<(String, BlockState)>,
    /// Per block, in the order of `blocks` (empty for the source language).
    pub reviews: Vec<(String, ReviewState)>,
}

impl LangStatus {
    pub fn count(&self, state: BlockState) -> usize {
        self.blocks.iter().filter(|(_, s)| *s == state).count()
    }

    pub fn count_reviews(&self, state: ReviewState) -> usize {
        self.reviews.iter().filter(|(_, s)| *s == state).count()
    }

    /// Blocks not (or no longer) reviewed: unreviewed or changed since review.
    pub fn unreviewed(&self) -> usize {
        self.reviews.len() - self.count_reviews(ReviewState::Reviewed)
    }

    /// Blocks translated and current, as a percentage of the source's blocks.
    pub fn percent_current(&self) -> f64 {
        if self.blocks.is_empty() {
            return 100.0;
        }
        100.0 * self.count(BlockState::Current) as f64 / self.blocks.len() as f64
    }
}

/// The state of a language's block against the source block.
pub fn block_state(lang: &Lang, source: &Lang, name: &str) -> BlockState {
    let src = &source.blocks[name];
    match lang.blocks.get(name) {
        None => BlockState::Missing,
        Some(b) if !src.fields.keys().all(|k| b.fields.contains_key(k)) => BlockState::Missing,
        Some(_) if lang.tag == source.tag => BlockState::Current,
        Some(b) => match &b.translated_from {
            Some(h) if *h.get_ref() == block_hash(src) => BlockState::Current,
            _ => BlockState::Outdated,
        },
    }
}

/// What the review records say of a language's block.
pub fn review_state(lang: &Lang, source: &Lang, name: &str) -> ReviewState {
    match record::block_review(lang, source, name) {
        Review::Unreviewed => ReviewState::Unreviewed,
        Review::Reviewed(_) => ReviewState::Reviewed,
        Review::Changed(_) => ReviewState::ChangedSinceReview,
    }
}

/// The status of every language of a topic, template by template (the source language first),
/// for the templates `wanted` (all when empty).
pub fn topic_status(topic: &Topic, wanted: &[String]) -> Vec<LangStatus> {
    let Some(source) = topic.source() else {
        return Vec::new();
    };
    let mut langs: Vec<&Lang> = topic.langs.values().collect();
    langs.sort_by_key(|l| (l.tag != source.tag, l.tag.clone()));
    let templates = topic
        .facts
        .templates
        .iter()
        .filter(|t| wanted.is_empty() || wanted.contains(t));
    templates
        .flat_map(|template| {
            langs.iter().map(move |lang| {
                let printed = source
                    .blocks
                    .keys()
                    .filter(|name| topic.prints(template, name));
                LangStatus {
                    template: template.clone(),
                    tag: lang.tag.clone(),
                    level: record::level(topic, template, lang),
                    blocks: printed
                        .clone()
                        .map(|name| (name.clone(), block_state(lang, source, name)))
                        .collect(),
                    reviews: printed
                        .filter(|_| lang.tag != source.tag)
                        .map(|name| (name.clone(), review_state(lang, source, name)))
                        .collect(),
                }
            })
        })
        .collect()
}

/// The status table as printed by `leafpress status`: one section per template.
pub fn table(topic: &Topic, rows: &[LangStatus]) -> String {
    let mut out = String::new();
    let source = topic.source().map_or("?", |s| s.tag.as_str());
    let mut template = None;
    for r in rows {
        if template != Some(&r.template) {
            template = Some(&r.template);
            if !out.is_empty() {
                out.push('\n');
            }
            let _ = writeln!(
                out,
                "{} · {} (source language: {source})",
                topic.id, r.template
            );
            let _ = writeln!(
                out,
                "{:<9} {:>10} {:>8} {:>9}  {:>7}  {:>8}  status",
                "language", "translated", "missing", "outdated", "current", "reviewed"
            );
        }
        let translated = r.blocks.len() - r.count(BlockState::Missing);
        let reviewed = match r.level {
            Level::Source => "-".to_owned(),
            _ => format!(
                "{:>2} / {:<2}",
                r.count_reviews(ReviewState::Reviewed),
                r.reviews.len()
            ),
        };
        let _ = writeln!(
            out,
            "{:<9} {:>5} / {:<2} {:>8} {:>9}  {:>6.0}%  {:>8}  {}",
            r.tag,
            translated,
            r.blocks.len(),
            r.count(BlockState::Missing),
            r.count(BlockState::Outdated),
            r.percent_current(),
            reviewed,
            r.level.name()
        );
        for (name, state) in &r.blocks {
            match state {
                BlockState::Missing => {
                    let _ = writeln!(out, "          missing:  [{name}]");
                }
                BlockState::Outdated => {
                    let _ = writeln!(out, "          outdated: [{name}]");
                }
                BlockState::Current => {}
            }
        }
        for (name, state) in &r.reviews {
            if *state == ReviewState::ChangedSinceReview {
                let _ = writeln!(out, "          changed since review: [{name}]");
            }
        }
    }
    out
}

/// Records in a language file's text that its blocks `names` are translated from the current
/// source blocks: sets `translated-from = "<hash>"` right under each block's header.
/// Returns the new file text.
pub fn stamp(text: &str, lang: &Lang, source: &Lang, names: &[String]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    for name in names {
        let (Some(src), Some(block)) = (source.blocks.get(name), lang.blocks.get(name)) else {
            continue;
        };
        let line = format!("{TRANSLATED_FROM} = \"{}\"", block_hash(src));
        let header = format!("[{name}]");
        let Some(h) = lines.iter().position(|l| l.trim() == header) else {
            continue;
        };
        if block.translated_from.is_some() {
            let end = lines[h + 1..]
                .iter()
                .position(|l| l.trim_start().starts_with('['))
                .map_or(lines.len(), |e| h + 1 + e);
            if let Some(i) =
                (h + 1..end).find(|&i| lines[i].trim_start().starts_with(TRANSLATED_FROM))
            {
                lines[i] = line;
                continue;
            }
        }
        lines.insert(h + 1, line);
    }
    let mut out = lines.join("\n");
    if text.ends_with('\n') {
        out.push('\n');
    }
    out
}
