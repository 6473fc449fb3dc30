//! Extraction speed over many articles, on one core: `cargo bench --bench extract`
//! prints articles per second and megabytes per second (best of three rounds, wall
//! clock). To skip an optimised build of every dependency, optimise only this crate:
//! `cargo bench --bench extract --profile dev --config 'profile.dev.package.claimgraph.opt-level=3'`
//! (plain `--profile dev` measures unoptimised code, about ten times slower).
//!
//! The corpus: the seed articles and the second test set, each varied many times
//! (sentences rotated, company names swapped for other known ones) so that no two
//! articles are the same text.

use std::time::Instant;

use claimgraph::extract::{ArticleInfo, Dictionary, Extractor, Rules};

const ARTICLES: usize = 4_000;
const SOURCES: [(&str, &str); 4] = [
    (
        "de",
        include_str!("../data/articles/us-tech-entity-list.txt"),
    ),
    ("de", include_str!("../data/articles/alibaba-pla-memo.txt")),
    (
        "en",
        include_str!("../tests/fixtures/extract/uk-zte-ban.txt"),
    ),
    (
        "de",
        include_str!("../tests/fixtures/extract/tiktok-dpc-fine.txt"),
    ),
];
const SWAPS: [(&str, &str); 6] = [
    ("Google", "Microsoft"),
    ("Alibaba", "Huawei"),
    ("ZTE", "Hikvision"),
    ("TikTok", "Megvii"),
    ("Amazon", "Apple"),
    ("Oracle", "Qualcomm"),
];

fn corpus() -> Vec<(&'static str, String)> {
    (0..ARTICLES)
        .map(|i| {
            let (lang, text) = SOURCES[i % SOURCES.len()];
            let mut paragraphs: Vec<&str> = text.split('\n').collect();
            let n = paragraphs.len();
            paragraphs.rotate_left((i / SOURCES.len()) % n);
            let mut t = paragraphs.join("\n");
            let (a, b) = SWAPS[i % SWAPS.len()];
            if (i / 7) % 2 == 1 {
                t = t.replace(a, b);
            }
            (lang, t)
        })
        .collect()
}

fn main() {
    let mut dict = Dictionary::bundled();
    let extra = claimgraph::model::sheet::Sheet::parse(
        std::path::Path::new("tests/fixtures/extract/entities.toml"),
        include_str!("../tests/fixtures/extract/entities.toml").to_owned(),
    )
    .expect("fixture entities parse");
    dict.add_sheet(&extra);
    let extractor = Extractor::new(dict, Rules::bundled());
    let corpus = corpus();
    let bytes: usize = corpus.iter().map(|(_, t)| t.len()).sum();

    // Warm up, then three timed rounds; report the best.
    let mut best = f64::MAX;
    let mut claims = 0;
    for round in 0..4 {
        let started = Instant::now();
        claims = 0;
        for (i, (lang, text)) in corpus.iter().enumerate() {
            let info = ArticleInfo {
                id: format!("bench-{i}"),
                language: (*lang).into(),
                ..ArticleInfo::default()
            };
            let draft = extractor.draft(text, info).expect("corpus articles draft");
            let sheet = extractor.sheet(
                &draft,
                text,
                claimgraph::extract::sheet_writer::TextSource::Inline,
            );
            claims += draft.claims.len();
            std::hint::black_box(sheet);
        }
        let secs = started.elapsed().as_secs_f64();
        if round > 0 {
            best = best.min(secs);
        }
    }
    println!(
        "extract: {ARTICLES} articles ({:.1} MB, {claims} claims drafted) in {best:.3}s on one core: {:.0} articles/s, {:.1} MB/s (draft + sheet)",
        bytes as f64 / 1e6,
        ARTICLES as f64 / best,
        bytes as f64 / 1e6 / best
    );
}
