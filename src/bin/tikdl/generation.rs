//! `tikdl generate completions DIR` / `tikdl generate man DIR` (hidden): shell completions and
//! the man pages, generated from the clap definitions so they can never disagree with `--help`.
//! The repository keeps the output in `completions/` and `doc/`; `tests/it/generate.rs` fails when
//! they are stale. Regenerate with:
//!
//! ```sh
//! cargo run -- generate completions completions && cargo run -- generate man doc
//! ```

use std::path::Path;

use anyhow::{Context, Result};
use clap_complete::Shell;

use crate::cli::GenerateCommand;

pub fn generate(what: &GenerateCommand) -> Result<()> {
    match what {
        GenerateCommand::Completions { dir } => completions(dir),
        GenerateCommand::Man { dir } => man(dir),
    }
}

fn completions(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut cmd = crate::help::command();
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::PowerShell,
        Shell::Elvish,
    ] {
        let path = clap_complete::generate_to(shell, &mut cmd, "tikdl", dir)
            .with_context(|| format!("cannot write {shell} completions into {}", dir.display()))?;
        {
            use std::io::Write as _;
            // A closed standard error is no reason to fail (or panic).
            let _ = writeln!(std::io::stderr(), "wrote {}", path.display());
        }
    }
    Ok(())
}

/// `tikdl.1` and one page per command, `tikdl-download.1`, `tikdl-cache-stats.1`, ..., which
/// the top page's SUBCOMMANDS section names (the hidden `generate` has none).
fn man(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    clap_mangen::generate_to(crate::help::command(), dir)
        .with_context(|| format!("cannot write the man pages into {}", dir.display()))?;
    {
        use std::io::Write as _;
        // A closed standard error is no reason to fail (or panic).
        let _ = writeln!(
            std::io::stderr(),
            "wrote the man pages into {}",
            dir.display()
        );
    }
    Ok(())
}
