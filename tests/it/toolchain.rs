//! The declared minimum Rust (`rust-version` in Cargo.toml) is the real one: no locked
//! dependency asks for a newer compiler, and every crate of the workspace declares the same.
//! (The standard library calls the code makes are checked against it by clippy's
//! `incompatible_msrv`, which reads the same field; `.ci/run` builds with that toolchain when it
//! is installed.)

use serde_json::Value;

/// `1.89` or `1.88.0` as numbers, for comparing.
fn version(v: &str) -> Vec<u64> {
    v.split('.')
        .map(|n| n.parse().unwrap_or_else(|_| panic!("rust-version {v:?}")))
        .collect()
}

/// The host's target triple: the dependency graph is read for the platform being built, so that
/// crates of other platforms (Windows-only ones a fresh machine never downloaded) are not needed
/// offline.
fn host() -> String {
    let out = std::process::Command::new("rustc")
        .arg("-vV")
        .output()
        .expect("run rustc -vV");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .expect("rustc -vV names the host")
        .to_owned()
}

fn metadata(extra: &[&str]) -> Value {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = std::process::Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .args(["--filter-platform", &host()])
        .args(extra)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run cargo metadata");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("cargo metadata JSON")
}

#[test]
fn rust_version_is_what_the_locked_dependencies_need() {
    let declared = env!("CARGO_PKG_RUST_VERSION");
    assert!(!declared.is_empty(), "Cargo.toml declares no rust-version");
    let all = metadata(&[]);
    let (needed, by) = all["packages"]
        .as_array()
        .unwrap()
        .iter()
        // Registry crates only (the workspace's own have no source).
        .filter(|p| !p["source"].is_null())
        .filter_map(|p| {
            let v = p["rust_version"].as_str()?;
            Some((version(v), format!("{} {}", p["name"], p["version"])))
        })
        .max()
        .expect("some dependency declares a rust-version");
    assert!(
        version(declared) >= needed,
        "rust-version = {declared:?}, but {by} needs {needed:?}: raise it in every Cargo.toml"
    );
    // The imitation (built by the same users' `cargo test`) declares the same.
    let members = metadata(&["--no-deps"]);
    for p in members["packages"].as_array().unwrap() {
        assert_eq!(
            p["rust_version"].as_str(),
            Some(declared),
            "{} declares another rust-version",
            p["name"]
        );
    }
}
