//! Extraction time per capture (criterion): `cargo bench --bench extract`.
//!
//! Each real capture in tests/fixtures is extracted from its full HTML (script search + JSON
//! decode + model), as `tikdl info` does after the page arrives.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tikdl::fetch::extract::{PageOutcome, extract_post, parse_list_page};

const PAGES: &[(&str, &str)] = &[
    (
        "web_video_universal_desktop_2026-07_bitrateinfo_subtitles.html",
        "7608826249200356630",
    ),
    (
        "web_video_universal_desktop_2025-07_subtitles2.html",
        "7526770564367748360",
    ),
    (
        "web_video_reflow_mobile_video_2026-01.html",
        "7600352599870557461",
    ),
    (
        "web_video_reflow_mobile_photo_imagepost_2026-02.html",
        "7610426235671350549",
    ),
    (
        "web_video_universal_status10204_not_exist_2025-07.html",
        "7000000000000010204",
    ),
];

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("extract");
    for (file, id) in PAGES {
        let html = fixture(file);
        group.throughput(Throughput::Bytes(html.len() as u64));
        group.bench_function(*file, |b| {
            b.iter(|| {
                let out = extract_post(black_box(&html), id, "bench");
                assert!(matches!(out, Ok(PageOutcome::Info(_))) || id.starts_with("7000"));
            })
        });
    }
    let list = fixture("api_recommend_item_list_12items_2025-01.json");
    group.throughput(Throughput::Bytes(list.len() as u64));
    group.bench_function("api_recommend_item_list_12items_2025-01.json", |b| {
        b.iter(|| parse_list_page(black_box(&list), "bench").map(|p| p.items.len()))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
