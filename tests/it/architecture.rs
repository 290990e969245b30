//! ARCHITECTURE.md stays true, and nothing imports in a loop: every module in `src/` is listed
//! once, a module names (`crate::x` / `tikdl::x`) only modules listed below it, and no two files of
//! `src/` or `imitation/src/` import each other, directly or around a loop.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

// ---------------------------------------------------------------------------------------------
// the module table
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// no import loops
// ---------------------------------------------------------------------------------------------

type Graph = BTreeMap<String, BTreeSet<String>>;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read source folder") {
        let path = entry.expect("folder entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The text without `//` comments (line and doc comments).
fn code(text: &str) -> String {
    text.lines()
        .map(|l| l.split_once("//").map_or(l, |(code, _)| code))
        .collect::<Vec<_>>()
        .join("\n")
}

fn ident_at(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

/// Module names a file refers to with `crate::`.
fn crate_refs(code: &str) -> BTreeSet<String> {
    let mut refs = BTreeSet::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // `crate::{a, b::c, d::{e, f}}`: the first name of each top-level item.
            let mut depth = 0;
            let mut item_start = true;
            for (j, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && (c.is_ascii_alphanumeric() || c == '_') => {
                        refs.insert(ident_at(&group[j..]).to_owned());
                        item_start = false;
                    }
                    c if item_start && c.is_whitespace() => {}
                    _ => item_start = false,
                }
            }
        } else {
            refs.insert(ident_at(rest).to_owned());
        }
    }
    refs
}

fn graph(src: &Path) -> Graph {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    // Node name: the file stem for a top-level file, the folder for a nested one.
    let node = |p: &Path| -> String {
        let rel = p.strip_prefix(src).expect("under src");
        let first = rel.components().next().expect("a component");
        let first = first.as_os_str().to_string_lossy();
        first.strip_suffix(".rs").unwrap_or(&first).to_owned()
    };
    let texts: Vec<(String, String)> = files
        .iter()
        .map(|p| {
            (
                node(p),
                code(&std::fs::read_to_string(p).expect("read source")),
            )
        })
        .collect();
    let nodes: BTreeSet<String> = texts.iter().map(|(n, _)| n.clone()).collect();
    let roots = ["lib", "main"];
    // `#[path = "F.rs"] mod x;` in P: F's `super::` is P.
    let mut parent: BTreeMap<String, String> = BTreeMap::new();
    for (n, text) in &texts {
        for (i, _) in text.match_indices("#[path = \"") {
            let rest = &text[i + "#[path = \"".len()..];
            if let Some(file) = rest.split('"').next().and_then(|f| f.strip_suffix(".rs")) {
                parent.insert(file.to_owned(), n.clone());
            }
        }
    }
    let mut g = Graph::new();
    for (n, text) in &texts {
        if roots.contains(&n.as_str()) {
            continue;
        }
        let edges = g.entry(n.clone()).or_default();
        for r in crate_refs(text) {
            if r != *n && nodes.contains(&r) && !roots.contains(&r.as_str()) {
                edges.insert(r);
            }
        }
        if let Some(p) = parent.get(n)
            && text.contains("super::")
            && !roots.contains(&p.as_str())
        {
            edges.insert(p.clone());
        }
    }
    g
}

/// One loop in `g`, as the list of files around it, if there is any.
fn find_cycle(g: &Graph) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit(
        g: &Graph,
        n: &str,
        marks: &mut BTreeMap<String, Mark>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match marks.get(n) {
            Some(Mark::Done) => return None,
            Some(Mark::Open) => {
                let start = path.iter().position(|p| p == n).unwrap_or(0);
                let mut cycle = path[start..].to_vec();
                cycle.push(n.to_owned());
                return Some(cycle);
            }
            None => {}
        }
        marks.insert(n.to_owned(), Mark::Open);
        path.push(n.to_owned());
        for m in g.get(n).into_iter().flatten() {
            if let Some(c) = visit(g, m, marks, path) {
                return Some(c);
            }
        }
        path.pop();
        marks.insert(n.to_owned(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    g.keys()
        .find_map(|n| visit(g, n, &mut marks, &mut Vec::new()))
}

fn assert_no_cycle(dir: &str) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let g = graph(&src);
    assert!(g.len() > 5, "{dir}: read only {} files", g.len());
    if let Some(cycle) = find_cycle(&g) {
        panic!(
            "{dir}: files import each other in a loop: {} (move the shared item down into a \
             file that imports neither)",
            cycle.join(" -> ")
        );
    }
}

#[test]
fn library_files_import_no_loop() {
    assert_no_cycle("src");
}

#[test]
fn imitation_files_import_no_loop() {
    assert_no_cycle("imitation/src");
}

#[test]
fn the_check_sees_loops() {
    let refs = crate_refs("use crate::{a, b::{c, d}, e::f};\nlet x = crate::g::h();");
    assert_eq!(
        refs.into_iter().collect::<Vec<_>>(),
        ["a", "b", "e", "g"].map(str::to_owned)
    );
    assert!(crate_refs(&code("// crate::x\nfn f() {} /// [`crate::y`]")).is_empty());
    let mut g = Graph::new();
    g.entry("a".into()).or_default().insert("b".into());
    g.entry("b".into()).or_default().insert("c".into());
    assert_eq!(find_cycle(&g), None);
    g.entry("c".into()).or_default().insert("a".into());
    assert_eq!(
        find_cycle(&g),
        Some(["a", "b", "c", "a"].map(str::to_owned).to_vec())
    );
}
