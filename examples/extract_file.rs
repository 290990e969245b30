//! Extracts a saved TikTok page and prints the metadata as JSON:
//! `cargo run --example extract_file -- PAGE.html POST_ID`.
//! Handy when checking a new capture against the extractor.

use tikdl::fetch::extract::{PageOutcome, extract_post};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(path), Some(id)) = (args.next(), args.next()) else {
        return Err("usage: extract_file PAGE.html POST_ID".into());
    };
    let html = std::fs::read_to_string(&path)?;
    match extract_post(&html, &id, &path)? {
        PageOutcome::Info(info) => println!("{}", serde_json::to_string_pretty(&info)?),
        PageOutcome::Challenge(ch) => println!("challenge page (cookie {})", ch.cookie_name),
    }
    Ok(())
}
