//! The config file parser (`tikdl::config::FileConfig::parse`) on arbitrary text.
//!
//! Checks: no panic; for a file that parses, the effective settings resolve, convert to the
//! HTTP and cache configs, and `Settings::render` (what `tikdl config show` prints) is itself a
//! config file that parses and renders to the same text (ignoring the source comments).
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use tikdl::config::{FileConfig, Layer, Settings};

/// The rendered lines without the trailing `# default` / `# file` / `# flag` source comment.
fn without_sources(rendered: &str) -> Vec<String> {
    rendered
        .lines()
        .map(|l| {
            for source in [" # default", " # file", " # flag"] {
                if let Some(rest) = l.strip_suffix(source) {
                    return rest.trim_end().to_owned();
                }
            }
            l.to_owned()
        })
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let path = Path::new("/fuzz/tikdl/config.toml");
    let file = match FileConfig::parse(&text, path) {
        Ok(f) => f,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    for u in &file.unknown_keys {
        let _ = u.to_string();
    }
    let settings = Settings::resolve(Some(&file), &Layer::default());
    let _ = settings.http_config(tikdl::HttpConfig::default());
    let _ = settings.cache_config();
    let rendered = settings.render();

    let again = FileConfig::parse(&rendered, path).unwrap_or_else(|e| {
        panic!(
            "`config show` output does not parse back: {e}\ninput:\n{text}\nrendered:\n{rendered}"
        )
    });
    let rerendered = Settings::resolve(Some(&again), &Layer::default()).render();
    assert_eq!(
        without_sources(&rerendered),
        without_sources(&rendered),
        "render is not stable\ninput:\n{text}"
    );
});
