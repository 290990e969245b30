//! Output for people and for scripts: the readable `info` summary and the JSON error object.
//! Everything for people is neutralised with [`crate::terminal`] (a title cannot drive the
//! terminal); the JSON values are exact.

use std::fmt::Write;

use serde_json::json;

use crate::error::Error;
use crate::model::{PostKind, VideoInfo};
use crate::save::{DownloadResult, FileRole};
use crate::terminal::{human_bytes, safe};

/// A readable multi-line summary: title, creator, date, duration, counts, hashtags, formats.
pub fn render(info: &VideoInfo) -> String {
    let mut s = String::new();
    let kind = match info.kind {
        PostKind::Video => "video",
        PostKind::Slideshow => "photo slideshow",
    };
    let _ = writeln!(s, "{}", safe(&info.title));
    let _ = writeln!(s, "  id:        {} ({kind})", info.id);
    let creator = match (&info.channel, &info.uploader) {
        (Some(c), Some(u)) => format!("{} (@{})", safe(c), safe(u)),
        (None, Some(u)) => format!("@{}", safe(u)),
        (Some(c), None) => safe(c).into_owned(),
        (None, None) => "unknown".into(),
    };
    let _ = writeln!(s, "  creator:   {creator}");
    if let Some(d) = &info.upload_date {
        match (d.get(..4), d.get(4..6), d.get(6..)) {
            (Some(y), Some(m), Some(day)) => {
                let _ = writeln!(s, "  date:      {y}-{m}-{} (UTC)", safe(day));
            }
            _ => {
                let _ = writeln!(s, "  date:      {}", safe(d));
            }
        }
    }
    if let Some(d) = info.duration {
        let _ = writeln!(s, "  duration:  {}:{:02}", d / 60, d % 60);
    }
    let count = |n: Option<u64>| n.map_or("-".to_owned(), group);
    let _ = writeln!(
        s,
        "  views:     {}   likes: {}   comments: {}   reposts: {}   saves: {}",
        count(info.view_count),
        count(info.like_count),
        count(info.comment_count),
        count(info.repost_count),
        count(info.save_count)
    );
    if !info.hashtags.is_empty() {
        let tags: Vec<String> = info
            .hashtags
            .iter()
            .map(|t| format!("#{}", safe(t)))
            .collect();
        let _ = writeln!(s, "  hashtags:  {}", tags.join(" "));
    }
    if let Some(track) = &info.track {
        let by = if info.artists.is_empty() {
            String::new()
        } else {
            format!(" - {}", safe(&info.artists.join(", ")))
        };
        let _ = writeln!(s, "  music:     {}{by}", safe(track));
    }
    if !info.subtitles.is_empty() {
        let langs: Vec<&str> = info.subtitles.keys().map(String::as_str).collect();
        let _ = writeln!(s, "  subtitles: {}", safe(&langs.join(", ")));
    }
    let _ = writeln!(s, "  url:       {}", safe(&info.webpage_url));
    if !info.images.is_empty() {
        let _ = writeln!(s, "  images:    {}", info.images.len());
        for (i, img) in info.images.iter().enumerate() {
            let _ = writeln!(s, "    {:>2}  {}", i + 1, dims(img.width, img.height));
        }
    }
    if !info.formats.is_empty() {
        let _ = writeln!(s, "  formats:");
        let _ = writeln!(
            s,
            "    {:<22} {:>10} {:<6} {:>9} {:>10}  note",
            "ID", "RES", "CODEC", "KBPS", "SIZE"
        );
        for f in &info.formats {
            let mut note = Vec::new();
            if f.watermarked {
                note.push("watermarked");
            }
            if f.unplayable {
                note.push("unplayable");
            }
            let _ = writeln!(
                s,
                "    {:<22} {:>10} {:<6} {:>9} {:>10}  {}",
                safe(&f.format_id),
                dims(f.width, f.height),
                safe(&f.vcodec),
                f.tbr.map_or("-".into(), |t| format!("{t:.0}")),
                f.filesize.map_or("-".into(), human_bytes),
                note.join(", ")
            );
        }
    }
    s
}

/// The `download --json` line for one post.
pub fn result_json(r: &DownloadResult) -> serde_json::Value {
    json!({
        "url": r.url,
        "id": r.id,
        "status": r.status(),
        "format_id": r.format_id,
        "watermarked": r.watermarked,
        "files": r.files.iter().map(|f| {
            let mut file = json!({
                "path": f.path,
                "bytes": f.bytes,
                "role": f.role,
                "downloaded": f.downloaded,
            });
            // Video / audio files only: whether the tags went in during this run.
            if matches!(f.role, FileRole::Video | FileRole::Audio) {
                file["metadata_embedded"] = json!(f.metadata_embedded);
                file["thumbnail_embedded"] = json!(f.thumbnail_embedded);
            }
            file
        }).collect::<Vec<_>>(),
        "bytes": r.filesize,
        "seconds": (r.seconds * 1000.0).round() / 1000.0,
        "error": r.error.as_ref().map(|e| error_json(&r.url, e)["error"].clone()),
        "sidecars_failed": r.sidecars_failed,
    })
}

/// The one-line result printed per post after `download`.
pub fn result_line(r: &DownloadResult) -> String {
    let id = r.id.as_deref().unwrap_or("?");
    let main = r
        .files
        .first()
        .map(|f| f.path.display().to_string())
        .unwrap_or_default();
    let what = match r.status() {
        "already_downloaded" => "already downloaded".to_owned(),
        _ => format!("{} in {:.1}s", human_bytes(r.filesize), r.seconds),
    };
    let fmt = r
        .format_id
        .as_deref()
        .map(|f| format!(" [{f}{}]", if r.watermarked { ", watermarked" } else { "" }))
        .unwrap_or_default();
    let extra = if r.files.len() > 1 {
        format!(" (+{} files)", r.files.len() - 1)
    } else {
        String::new()
    };
    safe(&format!("{id}: {main}{extra}{fmt}: {what}")).into_owned()
}

/// The end-of-batch summary for stderr: counts, bytes, time, why it stopped early (if it did), and
/// the first failures with their reasons (the rest counted: `--failed-file` has them all).
pub fn batch_summary(s: &crate::batch::Summary) -> String {
    let mut out = format!(
        "{} done, {} skipped, {} failed; {} in {:.1}s",
        s.done,
        s.skipped,
        s.failed,
        human_bytes(s.bytes),
        s.seconds
    );
    if s.seconds > 0.0 && s.done > 0 {
        let _ = write!(out, " ({:.1} posts/s)", s.done as f64 / s.seconds);
    }
    if let Some(why) = &s.stopped {
        let _ = write!(
            out,
            "\nstopped: {}; {} not attempted (kept in --failed-file, if given)",
            safe(why),
            s.unattempted
        );
    }
    if s.other_shards > 0 {
        let _ = write!(out, "\nother shards: {}", s.other_shards);
    }
    for b in &s.breaks {
        let _ = write!(
            out,
            "\nbreak on existing: {} stopped at post {}, already in the download archive{}",
            safe(&b.input),
            safe(&b.at),
            if b.whole_run {
                "; later inputs not processed (--break-per-input goes on with them)"
            } else {
                "; went on with the next input (--break-per-input)"
            }
        );
    }
    if !s.failures.is_empty() {
        out.push_str("\nfailed:");
        // Already cut and neutralised by the batch.
        for (url, reason) in &s.failures {
            let _ = write!(out, "\n  {url}\n    {reason}");
        }
        let more = s.failed.saturating_sub(s.failures.len() as u64);
        if more > 0 {
            let _ = write!(out, "\n  ... and {more} more (see --failed-file)");
        }
    }
    out
}

/// The NDJSON line printed for a URL that failed.
/// A failed post: its download's own report with the error it ended in when saving had begun
/// (the files kept, the format tried), else the error alone. `download` and `batch` print
/// the same object.
pub fn failure_json(url: &str, err: &Error, result: Option<&DownloadResult>) -> serde_json::Value {
    match result {
        Some(r) => {
            let mut v = result_json(r);
            v["error"] = error_json(url, err)["error"].clone();
            v
        }
        None => error_json(url, err),
    }
}

pub fn error_json(url: &str, err: &Error) -> serde_json::Value {
    json!({
        "url": url,
        "error": {
            "kind": err.kind().as_str(),
            "code": err.code(),
            "message": err.to_string(),
            "suggestions": err.suggestions(),
        }
    })
}

fn dims(w: Option<u64>, h: Option<u64>) -> String {
    match (w, h) {
        (Some(w), Some(h)) => format!("{w}x{h}"),
        _ => "-".into(),
    }
}

/// 2900000 -> "2,900,000".
fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(group(0), "0");
        assert_eq!(group(999), "999");
        assert_eq!(group(2_900_000), "2,900,000");
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(8_788_538), "8.38 MiB");
    }
}
