//! ARCHITECTURE.md stays true: every module in `src/` is listed once, and a module names
//! (`crate::x` / `tikdl::x`) only modules listed below it.

use std::collections::HashMap;
use std::path::Path;

/// The module names of ARCHITECTURE.md's table, top-down (`extract/` -> `extract`).
fn listed() -> Vec<String> {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("ARCHITECTURE.md"))
            .expect("ARCHITECTURE.md");
    text.lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .map(|m| m.trim_end_matches('/').trim_end_matches(".rs").to_owned())
        .collect()
}

/// The module names a source text refers to through `crate::` or `tikdl::`, comments left out.
fn named(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in source.lines().filter(|l| !l.trim_start().starts_with("//")) {
        for prefix in ["crate::", "tikdl::"] {
            let mut rest = line;
            while let Some(i) = rest.find(prefix) {
                rest = &rest[i + prefix.len()..];
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.push(name);
                }
            }
        }
    }
    out
}

#[test]
fn modules_use_only_modules_listed_below_them() {
    let order = listed();
    let index: HashMap<&str, usize> = order
        .iter()
        .enumerate()
        .map(|(i, m)| (m.as_str(), i))
        .collect();
    assert_eq!(
        index.len(),
        order.len(),
        "a module is listed twice: {order:?}"
    );
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    for e in std::fs::read_dir(&src).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            for f in std::fs::read_dir(&p).unwrap() {
                files.push((
                    p.file_name().unwrap().to_string_lossy().into_owned(),
                    f.unwrap().path(),
                ));
            }
        } else {
            files.push((p.file_stem().unwrap().to_string_lossy().into_owned(), p));
        }
    }
    let mut wrong = Vec::new();
    for (module, path) in &files {
        let Some(&at) = index.get(module.as_str()) else {
            wrong.push(format!("{module} is not in ARCHITECTURE.md"));
            continue;
        };
        for dep in named(&std::fs::read_to_string(path).unwrap()) {
            if let Some(&d) = index.get(dep.as_str())
                && d < at
            {
                wrong.push(format!(
                    "{} uses {dep}, which is listed above it",
                    path.display()
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}
