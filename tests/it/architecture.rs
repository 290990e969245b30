//! ARCHITECTURE.md stays true, and nothing imports in a loop: every module in `src/` is listed
//! once, a module names (`crate::x` / `tikdl::x`) only modules listed below it, and no two files of
//! `src/` or `imitation/src/` import each other, directly or around a loop.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

// ---------------------------------------------------------------------------------------------
// the module table
// ---------------------------------------------------------------------------------------------

/// A row of ARCHITECTURE.md's table as a module path: `bin/tikdl/main.rs` -> `bin::main`,
/// `batch/mod.rs` -> `batch`, `fetch/extract/` -> `fetch::extract` (a folder row covers every file
/// in it), `url.rs` -> `url`.
fn row_module(cell: &str) -> (String, bool) {
    let folder = cell.ends_with('/');
    let path = cell
        .trim_end_matches('/')
        .trim_end_matches(".rs")
        .trim_end_matches("/mod")
        .replacen("bin/tikdl", "bin", 1);
    (path.replace('/', "::"), folder)
}

/// The table's modules, top-down, and which rows are folders.
fn listed(table: &str) -> Vec<(String, bool)> {
    table
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .map(row_module)
        .collect()
}

/// The module a file of `src/` belongs to (its row), given the table: a file row by its path, a
/// file inside a folder row by that folder.
fn file_module(rel: &str, table: &[(String, bool)]) -> Option<String> {
    let (own, _) = row_module(rel);
    if table.iter().any(|(m, _)| *m == own) {
        return Some(own);
    }
    table
        .iter()
        .filter(|(m, folder)| *folder && own.starts_with(&format!("{m}::")))
        .map(|(m, _)| m.clone())
        .max_by_key(String::len)
}

/// The library modules a path names (`crate::a::b::C` in the library, `tikdl::a::b::C` in the
/// binary; `crate::x` in the binary is the binary's own `bin::x`): the longest listed prefix.
fn named(source: &str, in_binary: bool, table: &[(String, bool)]) -> Vec<String> {
    let listed: Vec<&str> = table.iter().map(|(m, _)| m.as_str()).collect();
    let mut out = Vec::new();
    let roots: &[(&str, &str)] = if in_binary {
        &[("crate::", "bin::"), ("tikdl::", "")]
    } else {
        &[("crate::", ""), ("tikdl::", "")]
    };
    for line in code(source).lines() {
        for (prefix, stands_for) in roots {
            let mut rest = line;
            while let Some(i) = rest.find(prefix) {
                rest = &rest[i + prefix.len()..];
                let path: String = rest
                    .chars()
                    .take_while(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_' || *c == ':'
                    })
                    .collect();
                let full = format!("{stands_for}{}", path.trim_end_matches(':'));
                let segs: Vec<&str> = full.split("::").collect();
                if let Some(hit) = (1..=segs.len())
                    .rev()
                    .map(|n| segs[..n].join("::"))
                    .find(|m| listed.contains(&m.as_str()))
                {
                    out.push(hit);
                }
            }
        }
    }
    out
}

/// Every way the files break the table: a file no row covers, a module listed twice, a module
/// naming one listed above it. `files` are (path under `src/`, text).
fn violations(table_text: &str, files: &[(String, String)]) -> Vec<String> {
    let table = listed(table_text);
    let mut wrong = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, (m, _)) in table.iter().enumerate() {
        if index.insert(m, i).is_some() {
            wrong.push(format!("{m} is listed twice"));
        }
    }
    for (rel, text) in files {
        let Some(module) = file_module(rel, &table) else {
            wrong.push(format!("{rel} is not in ARCHITECTURE.md"));
            continue;
        };
        let at = index[module.as_str()];
        for dep in named(text, rel.starts_with("bin/"), &table) {
            if dep != module && index[dep.as_str()] < at {
                wrong.push(format!("{rel} uses {dep}, which is listed above it"));
            }
        }
    }
    wrong
}

#[test]
fn modules_use_only_modules_listed_below_them() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let table = std::fs::read_to_string(root.join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let src = root.join("src");
    let mut paths = Vec::new();
    rust_files(&src, &mut paths);
    let files: Vec<(String, String)> = paths
        .iter()
        .map(|p| {
            let rel = p.strip_prefix(&src).expect("under src");
            (
                rel.to_string_lossy().into_owned(),
                std::fs::read_to_string(p).expect("read source"),
            )
        })
        .collect();
    assert!(
        files.len() > 40,
        "the walk found the sources: {}",
        files.len()
    );
    let wrong = violations(&table, &files);
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn the_table_check_sees_a_module_out_of_place() {
    let table = "| `lib.rs` | |\n| `save/mod.rs` | |\n| `save/download.rs` | |\n\
                 | `net/http/` | |\n| `url.rs` | |\n";
    let files = |download: &str| {
        vec![
            (
                "lib.rs".to_owned(),
                "use crate::save::download::X;".to_owned(),
            ),
            (
                "save/mod.rs".to_owned(),
                "use crate::save::download::Y;".to_owned(),
            ),
            ("save/download.rs".to_owned(), download.to_owned()),
            (
                "net/http/client.rs".to_owned(),
                "use crate::url::PostRef;".to_owned(),
            ),
            ("url.rs".to_owned(), String::new()),
        ]
    };
    assert!(violations(table, &files("use crate::net::http::client::C;")).is_empty());
    // The engine naming its own folder's module (listed above it) breaks the rule.
    let up = violations(table, &files("use crate::save::Status;"));
    assert_eq!(up, ["save/download.rs uses save, which is listed above it"]);
    // A file no row covers, and the same table with two rows swapped.
    let mut extra = files("");
    extra.push(("save/tags.rs".to_owned(), String::new()));
    assert_eq!(
        violations(table, &extra),
        ["save/tags.rs is not in ARCHITECTURE.md"]
    );
    let swapped = table
        .replace("| `url.rs` | |\n", "")
        .replace("| `net/http/` | |\n", "| `url.rs` | |\n| `net/http/` | |\n");
    assert_eq!(
        violations(&swapped, &files("")),
        ["net/http/client.rs uses url, which is listed above it"]
    );
    // The binary's `crate::x` is its own module, `tikdl::x` the library's.
    let bin_table = format!("| `bin/tikdl/main.rs` | |\n| `bin/tikdl/cli.rs` | |\n{table}");
    let bin = vec![
        ("bin/tikdl/cli.rs".to_owned(), "use crate::main;".to_owned()),
        (
            "bin/tikdl/main.rs".to_owned(),
            "use tikdl::save::download;".to_owned(),
        ),
    ];
    assert_eq!(
        violations(&bin_table, &bin),
        ["bin/tikdl/cli.rs uses bin::main, which is listed above it"]
    );
}

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
