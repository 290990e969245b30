//! Output for people and for scripts: the readable `info` summary, the per-post and batch
//! lines, and the JSON lines as types ([`ResultLine`], [`ErrorLine`], [`SkippedLine`]).
//! Everything for people is neutralised with [`tikdl::terminal`] (a title cannot drive the
//! terminal); the JSON values are exact.

use std::fmt::Write;
use std::path::Path;

use serde::Serialize;

use tikdl::error::Error;
use tikdl::model::{PostKind, VideoInfo};
use tikdl::save::{DownloadResult, FileRole, SavedFile, SidecarFailure, Status};
use tikdl::terminal::{human_bytes, safe};

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
        formats(&mut s, &info.formats);
    }
    s
}

// The JSON lines scripts read. Their keys print in alphabetical order, as they always have
// (`jq` does not care, line-by-line comparisons do): keep the fields so when adding one.

/// The `download --json` / `batch --json` line for one post that went to be saved, downloaded
/// or failed (the README's "JSON output" names its keys).
#[derive(Debug, Serialize)]
pub struct ResultLine<'a> {
    bytes: u64,
    error: Option<ErrorBody<'a>>,
    files: Vec<FileLine<'a>>,
    format_id: Option<&'a str>,
    id: Option<&'a str>,
    /// Rounded to milliseconds.
    seconds: f64,
    sidecars_failed: Vec<SidecarLine<'a>>,
    /// `downloaded`, `already_downloaded` or `failed`.
    status: &'static str,
    url: &'a str,
    watermarked: bool,
}

impl<'a> ResultLine<'a> {
    /// The line for `r`.
    pub fn new(r: &'a DownloadResult) -> Self {
        Self {
            bytes: r.filesize,
            error: r.status.error().map(ErrorBody::new),
            files: r.files.iter().map(FileLine::new).collect(),
            format_id: r.format_id.as_deref(),
            id: r.id.as_deref(),
            seconds: (r.seconds * 1000.0).round() / 1000.0,
            sidecars_failed: r.sidecars_failed.iter().map(SidecarLine::new).collect(),
            status: r.status.as_str(),
            url: &r.url,
            watermarked: r.watermarked,
        }
    }
}

/// One file of a [`ResultLine`].
#[derive(Debug, Serialize)]
pub struct FileLine<'a> {
    bytes: u64,
    downloaded: bool,
    /// Video / audio files only: whether the metadata went in during this run (`null`: the
    /// file was on disk already and not looked at).
    #[serde(skip_serializing_if = "Option::is_none")]
    metadata_embedded: Option<Option<bool>>,
    path: &'a Path,
    role: FileRole,
    /// Video / audio files only: whether the cover went in during this run.
    #[serde(skip_serializing_if = "Option::is_none")]
    thumbnail_embedded: Option<Option<bool>>,
}

impl<'a> FileLine<'a> {
    fn new(f: &'a SavedFile) -> Self {
        let media = matches!(f.role, FileRole::Video | FileRole::Audio);
        Self {
            bytes: f.bytes,
            downloaded: f.downloaded,
            metadata_embedded: media.then_some(f.metadata_embedded),
            path: &f.path,
            role: f.role,
            thumbnail_embedded: media.then_some(f.thumbnail_embedded),
        }
    }
}

/// A sidecar that failed, in a [`ResultLine`].
#[derive(Debug, Serialize)]
pub struct SidecarLine<'a> {
    error: &'a str,
    kind: FileRole,
}

impl<'a> SidecarLine<'a> {
    fn new(f: &'a SidecarFailure) -> Self {
        Self {
            error: &f.error,
            kind: f.kind,
        }
    }
}

/// The error object of a failed post: what kind, its stable code, the message and what to try.
#[derive(Debug, Serialize)]
pub struct ErrorBody<'a> {
    code: &'static str,
    kind: &'static str,
    message: String,
    suggestions: &'a [String],
}

impl<'a> ErrorBody<'a> {
    /// The object for `err`.
    pub fn new(err: &'a Error) -> Self {
        Self {
            code: err.code(),
            kind: err.kind().as_str(),
            message: err.to_string(),
            suggestions: err.suggestions(),
        }
    }
}

/// The line for a URL that failed before saving began (`info --json`, a bad line, a short link
/// that leads nowhere, a failed archive write).
#[derive(Debug, Serialize)]
pub struct ErrorLine<'a> {
    error: ErrorBody<'a>,
    url: &'a str,
}

impl<'a> ErrorLine<'a> {
    /// The line for `err` on `url`.
    pub fn new(url: &'a str, err: &'a Error) -> Self {
        Self {
            error: ErrorBody::new(err),
            url,
        }
    }
}

/// The `batch --json` line for a post not attempted (in the archive, listed twice).
#[derive(Debug, Serialize)]
pub struct SkippedLine<'a> {
    id: &'a str,
    reason: &'a str,
    /// Always `skipped`.
    status: &'static str,
    url: &'a str,
}

impl<'a> SkippedLine<'a> {
    /// The line for post `id` at `url`, skipped for `reason`.
    pub fn new(url: &'a str, id: &'a str, reason: &'a str) -> Self {
        Self {
            id,
            reason,
            status: "skipped",
            url,
        }
    }
}

/// The one-line result printed per post after `download`.
pub fn result_line(r: &DownloadResult) -> String {
    let id = r.id.as_deref().unwrap_or("?");
    let main = r
        .files
        .first()
        .map(|f| f.path.display().to_string())
        .unwrap_or_default();
    let what = match r.status {
        Status::AlreadyDownloaded => "already downloaded".to_owned(),
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
pub fn batch_summary(s: &tikdl::batch::Summary) -> String {
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
        let kept = if s.failed_file_lost {
            "NOT kept: the --failed-file could not be written, they are listed above"
        } else {
            "kept in --failed-file, if given"
        };
        let _ = write!(
            out,
            "\nstopped: {}; {} not attempted ({kept})",
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
            let where_ = if s.failed_file_lost {
                "listed above: the --failed-file could not be written"
            } else {
                "see --failed-file"
            };
            let _ = write!(out, "\n  ... and {more} more ({where_})");
        }
    }
    out
}

/// The formats table of the summary: one row per rendition.
fn formats(s: &mut String, formats: &[tikdl::model::Format]) {
    let _ = writeln!(s, "  formats:");
    let _ = writeln!(
        s,
        "    {:<22} {:>10} {:<6} {:>9} {:>10}  note",
        "ID", "RES", "CODEC", "KBPS", "SIZE"
    );
    for f in formats {
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
    use serde_json::Value;
    use std::collections::BTreeSet;
    use std::path::PathBuf;

    /// The keys the README's "JSON output" names in the code span after `after`.
    fn readme_keys(after: &str) -> BTreeSet<String> {
        let readme = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"));
        let at = readme.find(after).expect(after) + after.len();
        let span = readme[at..].split('`').nth(1).expect("a code span");
        span.split('"')
            .skip(1)
            .step_by(2)
            .filter(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
            .map(str::to_owned)
            .collect()
    }

    /// Every key of every object in `v`.
    fn keys(v: &Value, out: &mut BTreeSet<String>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    out.insert(k.clone());
                    keys(v, out);
                }
            }
            Value::Array(a) => a.iter().for_each(|v| keys(v, out)),
            _ => {}
        }
    }

    fn result(status: Status) -> DownloadResult {
        DownloadResult {
            url: "https://www.tiktok.com/@u/video/7000000000000000001".into(),
            id: Some("7000000000000000001".into()),
            status,
            files: vec![SavedFile {
                path: PathBuf::from("out/a.mp4"),
                bytes: 10,
                role: FileRole::Video,
                downloaded: true,
                metadata_embedded: Some(false),
                thumbnail_embedded: None,
            }],
            filesize: 10,
            seconds: 1.23456,
            format_id: Some("h264_540p".into()),
            watermarked: false,
            sidecars_failed: vec![SidecarFailure {
                kind: FileRole::Thumbnail,
                error: "HTTP status 404".into(),
            }],
        }
    }

    #[test]
    fn a_lost_failed_file_is_never_said_to_keep_the_lines() {
        let mut s = tikdl::batch::Summary {
            stopped: Some("disk full".into()),
            unattempted: 3,
            ..Default::default()
        };
        assert!(batch_summary(&s).contains("(kept in --failed-file, if given)"));
        s.failed_file_lost = true;
        let text = batch_summary(&s);
        assert!(text.contains("3 not attempted (NOT kept"), "{text}");
    }

    #[test]
    fn json_lines_are_the_readme_schema_in_the_printed_order() {
        let saved = result(Status::Downloaded);
        assert_eq!(
            serde_json::to_string(&ResultLine::new(&saved)).unwrap(),
            r#"{"bytes":10,"error":null,"files":[{"bytes":10,"downloaded":true,"metadata_embedded":false,"path":"out/a.mp4","role":"video","thumbnail_embedded":null}],"format_id":"h264_540p","id":"7000000000000000001","seconds":1.235,"sidecars_failed":[{"error":"HTTP status 404","kind":"thumbnail"}],"status":"downloaded","url":"https://www.tiktok.com/@u/video/7000000000000000001","watermarked":false}"#
        );
        let skipped = SkippedLine::new("u", "7000000000000000001", "listed more than once");
        assert_eq!(
            serde_json::to_string(&skipped).unwrap(),
            r#"{"id":"7000000000000000001","reason":"listed more than once","status":"skipped","url":"u"}"#
        );
        let err = Error::Setup("bad".into());
        let line = serde_json::to_string(&ErrorLine::new("u", &err)).unwrap();
        let at = |k: &str| line.find(&format!("\"{k}\":")).expect(k);
        let order = ["error", "code", "kind", "message", "suggestions", "url"];
        assert!(order.windows(2).all(|w| at(w[0]) < at(w[1])), "{line}");

        // The keys are the README's (plus the tag fields of video / audio files).
        let schema = readme_keys("`download --json` and `batch --json` print per post:");
        let error_schema = readme_keys("A URL that fails prints instead:");
        let failed = result(Status::Failed(err));
        let mut printed = BTreeSet::new();
        keys(
            &serde_json::to_value(ResultLine::new(&failed)).unwrap(),
            &mut printed,
        );
        let mut expected: BTreeSet<String> = schema.union(&error_schema).cloned().collect();
        expected.extend(["metadata_embedded".into(), "thumbnail_embedded".into()]);
        assert_eq!(printed, expected);
        let mut printed = BTreeSet::new();
        let err = Error::Setup("bad".into());
        keys(
            &serde_json::to_value(ErrorLine::new("u", &err)).unwrap(),
            &mut printed,
        );
        assert_eq!(printed, error_schema);
    }

    #[test]
    fn numbers() {
        assert_eq!(group(0), "0");
        assert_eq!(group(999), "999");
        assert_eq!(group(2_900_000), "2,900,000");
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(8_788_538), "8.38 MiB");
    }
}
