//! Extraction time per capture: `cargo bench --bench extract`.
//!
//! A plain harness (no extra dependency): each capture is extracted many times and the median,
//! 10th and 90th percentiles are printed. Pages are read from tests/fixtures at run time.

use std::path::Path;
use std::time::{Duration, Instant};

use tikdl::extract::{PageOutcome, extract_post};

const CASES: &[(&str, &str)] = &[
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
];

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    println!(
        "{:<66} {:>8} {:>10} {:>10} {:>10}",
        "capture", "KB", "p10", "median", "p90"
    );
    for (file, id) in CASES {
        let html = match std::fs::read_to_string(dir.join(file)) {
            Ok(h) => h,
            Err(e) => {
                eprintln!("skipping {file}: {e}");
                continue;
            }
        };
        let mut times: Vec<Duration> = Vec::with_capacity(runs);
        for _ in 0..runs {
            let t = Instant::now();
            let out = extract_post(std::hint::black_box(&html), id, "bench");
            times.push(t.elapsed());
            assert!(
                matches!(out, Ok(PageOutcome::Info(_))),
                "{file} did not extract"
            );
        }
        times.sort();
        let pick = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
        println!(
            "{:<66} {:>8} {:>10.3?} {:>10.3?} {:>10.3?}",
            file,
            html.len() / 1024,
            pick(0.1),
            pick(0.5),
            pick(0.9)
        );
    }
}
