//! `tikdl generate completions DIR` / `tikdl generate man DIR` (hidden): shell completions and
//! the man page, generated from the clap definitions so they can never disagree with `--help`.
//! The repository keeps the output in `completions/` and `doc/`; `tests/it/generate.rs` fails when
//! they are stale. Regenerate with:
//!
//! ```sh
//! cargo run -- generate completions completions && cargo run -- generate man doc
//! ```

use std::path::Path;

use anyhow::{Context, Result};
use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::{Cli, GenerateCommand};

pub fn generate(what: &GenerateCommand) -> Result<()> {
    match what {
        GenerateCommand::Completions { dir } => completions(dir),
        GenerateCommand::Man { dir } => man(dir),
    }
}

fn completions(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut cmd = Cli::command();
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

fn man(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut page)
        .context("cannot render the man page")?;
    let path = dir.join("tikdl.1");
    std::fs::write(&path, page).with_context(|| format!("cannot write {}", path.display()))?;
    {
        use std::io::Write as _;
        // A closed standard error is no reason to fail (or panic).
        let _ = writeln!(std::io::stderr(), "wrote {}", path.display());
    }
    Ok(())
}
