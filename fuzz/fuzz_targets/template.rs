//! The output template engine.
//!
//! Input layout: `TEMPLATE \0 FIELDS`. FIELDS is either a JSON object (used as the field map)
//! or `\0`-separated raw strings given, in order, to title, uploader, id, ext, description,
//! music.title, hashtags.0 and index, so hostile values need no JSON escaping.
//!
//! Checks: parse and render never panic; a rendered path is relative, has only normal
//! components (no `..`, no root), each non-empty and at most MAX_COMPONENT_BYTES (the file name
//! at most MAX_RENDERED_NAME_BYTES); it resolves inside a base folder; `sanitize_component` is
//! idempotent and separator-free.
#![no_main]

use std::path::{Component, Path};

use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value, json};
use tikdl::disk::safe_path::{
    MAX_COMPONENT_BYTES, MAX_RENDERED_NAME_BYTES, resolve_in_base, sanitize_component,
};
use tikdl::save::template::Template;

const KEYS: [&str; 5] = ["title", "uploader", "id", "ext", "description"];

fn fields_from(rest: &str) -> Map<String, Value> {
    if let Ok(Value::Object(m)) = serde_json::from_str::<Value>(rest) {
        return m;
    }
    let mut parts = rest.split('\0');
    let mut m = Map::new();
    for key in KEYS {
        if let Some(v) = parts.next() {
            m.insert(key.to_owned(), Value::String(v.to_owned()));
        }
    }
    if let Some(v) = parts.next() {
        m.insert("music".to_owned(), json!({ "title": v, "duration": 30 }));
    }
    if let Some(v) = parts.next() {
        m.insert("hashtags".to_owned(), json!([v, "x"]));
    }
    if let Some(v) = parts.next() {
        m.insert("index".to_owned(), Value::String(v.to_owned()));
    }
    m
}

fn check_sanitized(s: &str) {
    let once = sanitize_component(s);
    assert_eq!(sanitize_component(&once), once, "not idempotent on {s:?}");
    assert!(!once.is_empty(), "{s:?} sanitized to an empty string");
    assert!(
        !once.contains(['/', '\\', '\0']) && !once.chars().any(char::is_control),
        "{s:?} -> {once:?} keeps a separator or control character"
    );
    assert!(once != "." && once != "..", "{s:?} -> {once:?}");
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (template, rest) = text.split_once('\0').unwrap_or((&text, ""));

    check_sanitized(template);
    for part in rest.split('\0') {
        check_sanitized(part);
    }

    let Ok(t) = Template::parse(template) else {
        return;
    };
    assert_eq!(t.as_str(), template);
    let fields = fields_from(rest);
    let Ok(path) = t.render(&fields) else {
        return;
    };
    assert!(path.is_relative(), "{template:?} rendered {path:?}");
    let mut count = 0;
    for c in path.components() {
        count += 1;
        let Component::Normal(name) = c else {
            panic!("{template:?} rendered {path:?} with component {c:?}");
        };
        let name = name.to_str().expect("rendered from UTF-8");
        assert!(!name.is_empty());
        assert!(
            name.len() <= MAX_COMPONENT_BYTES,
            "{template:?}: component of {} bytes in {path:?}",
            name.len()
        );
        assert!(
            name != "." && name != "..",
            "{template:?} rendered {path:?}"
        );
    }
    assert!(count > 0, "{template:?} rendered an empty path");
    // The file name leaves room for every suffix tikdl adds.
    let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    assert!(
        file_name.len() <= MAX_RENDERED_NAME_BYTES,
        "{template:?}: file name of {} bytes in {path:?}",
        file_name.len()
    );

    // Lexical containment (a base that does not exist, so no file system access).
    let base = Path::new("/nonexistent-tikdl-fuzz-base/out");
    let full = resolve_in_base(base, &path)
        .unwrap_or_else(|e| panic!("{template:?} rendered {path:?} outside the base: {e}"));
    assert!(full.starts_with(base), "{full:?}");
    assert_eq!(full.strip_prefix(base).unwrap(), path.as_path());
});
