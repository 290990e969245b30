//! Saving a post: choose what to fetch (format, images, audio, sidecars), name the files from the
//! output template, and hand each file to the download engine.

#[doc(hidden)]
pub mod download;
pub mod select;
#[doc(hidden)]
pub mod tags;
pub mod template;

pub(crate) mod format;

#[doc(hidden)]
pub mod prefix;
pub(crate) mod provenance;
pub mod record;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;
use serde_json::{Map, Value};
use tokio::sync::OnceCell;

use crate::disk::safe_path::{self, sidecar};
use crate::error::{ConnectionReason, ContentReason, Error, Operation};
use crate::model::{ExtKind, Format, PostKind, VideoInfo, safe_ext};
use crate::save::download::{
    EngineOptions, FileStatus, LowSpeed, MediaKind, MediaRequest, ProgressFn, TagJob,
};
use crate::save::select::{CodecPref, FormatSelector, FormatSort, Quality};
use crate::save::tags::{TagData, TagFormat};
use crate::save::template::Template;

/// How to save posts (the `download` command's options).
#[derive(Debug, Clone)]
pub struct DownloadOptions {
    pub template: Template,
    pub quality: Quality,
    pub codec: CodecPref,
    pub audio_only: bool,
    /// Slideshows: skip the audio track.
    pub no_audio: bool,
    pub write_info_json: bool,
    pub write_thumbnail: bool,
    pub write_subs: bool,
    /// Language codes or prefixes (`en` matches `eng-US`); empty or `all` = every language.
    pub sub_langs: Vec<String>,
    pub force_overwrites: bool,
    /// Bytes per second per file.
    pub rate_limit: Option<u64>,
    /// Abandon (then resume) a transfer slower than this; `None`: never.
    pub low_speed: Option<LowSpeed>,
    /// Write the post's metadata into the video / audio file (`--embed-metadata`).
    pub embed_metadata: bool,
    /// Write the post's cover into the video / audio file (`--embed-thumbnail`).
    pub embed_thumbnail: bool,
    /// The output folder as it was when the run began, links resolved (see
    /// [`settle_confinement`]): every file's folder must lie within it, so a `-P` swapped for a
    /// link during the run receives nothing. `None`: the folder named, resolved at each check.
    pub confine_to: Option<PathBuf>,
    /// `--restrict-filenames`, `--windows-filenames`, `--trim-filenames`.
    pub names: crate::disk::name_rules::NameRules,
    /// `-f`: which format, with fallbacks; `None`: [`DownloadOptions::quality`] alone.
    pub format: Option<FormatSelector>,
    /// `-S`: preferences among the formats the selector allows.
    pub format_sort: FormatSort,
    /// `-s/--simulate`: everything but writing files (and archive lines).
    pub simulate: bool,
    /// `--max-filesize`: a media file announced larger than this is not downloaded (the post
    /// fails, nothing is kept).
    pub max_filesize: Option<u64>,
}

impl DownloadOptions {
    /// The selector in effect: `-f`, else `--quality` as a selector.
    pub fn selector(&self) -> FormatSelector {
        self.format
            .clone()
            .unwrap_or_else(|| FormatSelector::from(self.quality))
    }
}

impl Default for DownloadOptions {
    fn default() -> Self {
        Self {
            template: Template::default(),
            quality: Quality::Best,
            codec: CodecPref::H264,
            audio_only: false,
            no_audio: false,
            write_info_json: false,
            write_thumbnail: false,
            write_subs: false,
            sub_langs: Vec::new(),
            force_overwrites: false,
            rate_limit: None,
            low_speed: Some(LowSpeed::default()),
            embed_metadata: false,
            embed_thumbnail: false,
            confine_to: None,
            names: Default::default(),
            format: None,
            format_sort: FormatSort::default(),
            simulate: false,
            max_filesize: None,
        }
    }
}

/// Shows the progress of the files of a run (the binary's bars): asked once per file, as its
/// download starts; and, for a run over lists, how many posts its lists have shown so far.
pub trait Progress: Send + Sync {
    /// The callback that follows the file about to be downloaded (`name`, for display), or
    /// `None` to show nothing for it.
    fn file(&self, name: &str) -> Option<ProgressFn>;

    /// As [`Self::file`], told which post the file is of (a bar names the post, not a file
    /// name every post of one creator starts alike).
    fn media(&self, label: &FileLabel<'_>) -> Option<ProgressFn> {
        self.file(label.file_name)
    }

    /// A list input began paging: its posts are counted by [`Self::listed`] as they are found,
    /// until [`Self::list_closed`].
    fn list_opened(&self) {}

    /// One more post of an open list was found.
    fn listed(&self) {}

    /// A list input has no more posts (paged to its end, cut, failed or stopped).
    fn list_closed(&self) {}
}

/// What a file's progress is shown as: its post and its part of it. The strings are TikTok's
/// (the title) and not yet neutralised for a terminal.
#[derive(Debug, Clone, Copy)]
pub struct FileLabel<'a> {
    pub post_id: &'a str,
    pub title: &'a str,
    /// `video`, `audio`, `image 3`: the file's role in the post.
    pub part: &'a str,
    pub file_name: &'a str,
}

/// A closure from a file's name to its callback is a [`Progress`].
impl<F: Fn(&str) -> Option<ProgressFn> + Send + Sync> Progress for F {
    fn file(&self, name: &str) -> Option<ProgressFn> {
        self(name)
    }
}

/// The [`Progress`] a run shares between its posts.
pub type ProgressFactory = Arc<dyn Progress>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileRole {
    Video,
    Audio,
    Image,
    Subtitle,
    Thumbnail,
    InfoJson,
}

impl FileRole {
    /// The post's own media (video, audio, images), not a sidecar: what makes a post
    /// `downloaded` rather than `already_downloaded`.
    pub fn is_media(self) -> bool {
        matches!(self, Self::Video | Self::Audio | Self::Image)
    }
}

/// A sidecar (thumbnail, subtitles, info JSON) that could not be saved although the post's
/// media was: the post still succeeds, with a warning.
#[derive(Debug, Clone, Serialize)]
pub struct SidecarFailure {
    pub kind: FileRole,
    pub error: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SavedFile {
    pub path: PathBuf,
    pub bytes: u64,
    pub role: FileRole,
    /// `false` when the file was already complete on disk and left alone.
    pub downloaded: bool,
    /// Video / audio files: whether the metadata / the cover went into the file in this run
    /// (`None`: not a media file, or already on disk and not looked at).
    pub metadata_embedded: Option<bool>,
    pub thumbnail_embedded: Option<bool>,
}

/// What became of one post's save.
#[derive(Debug)]
pub enum Status {
    /// Some of the post's media (video, audio, images) was fetched in this run.
    Downloaded,
    /// All of the post's media was on disk already, whatever sidecars were rewritten.
    AlreadyDownloaded,
    /// Saving ended in this error; the files put in place before it are still listed.
    Failed(Error),
    /// `-s/--simulate`: nothing was fetched or written; the files are what would be saved.
    Simulated,
}

impl Status {
    /// `downloaded`, `already_downloaded`, `failed` or `simulated`, as `--json` prints it.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Downloaded => "downloaded",
            Self::AlreadyDownloaded => "already_downloaded",
            Self::Failed(_) => "failed",
            Self::Simulated => "simulated",
        }
    }

    /// The error a failed save ended in.
    pub fn error(&self) -> Option<&Error> {
        match self {
            Self::Failed(e) => Some(e),
            Self::Downloaded | Self::AlreadyDownloaded | Self::Simulated => None,
        }
    }
}

/// The outcome of saving one post.
#[derive(Debug)]
pub struct DownloadResult {
    pub url: String,
    pub id: Option<String>,
    /// Saved now, already on disk, or failed (with the error).
    pub status: Status,
    pub files: Vec<SavedFile>,
    /// Total bytes of the files.
    pub filesize: u64,
    pub seconds: f64,
    /// The format finally taken (after any fallback), for videos.
    pub format_id: Option<String>,
    pub watermarked: bool,
    /// Sidecars that failed (the post succeeded without them).
    pub sidecars_failed: Vec<SidecarFailure>,
}

impl DownloadResult {
    /// Whether the post is on disk: saved now or already there.
    pub fn is_saved(&self) -> bool {
        !matches!(self.status, Status::Failed(_))
    }
}

/// A file `-s/--simulate` would have saved at `path`.
fn simulated(path: &Path, role: FileRole) -> SavedFile {
    SavedFile {
        path: path.to_owned(),
        bytes: 0,
        role,
        downloaded: false,
        metadata_embedded: None,
        thumbnail_embedded: None,
    }
}

/// One file of the post to fetch: which of the post's files it is, and the engine's request.
struct Job {
    role: FileRole,
    req: MediaRequest,
}

/// The folder no file may be written outside of, as named: `-P`, or the root of an absolute
/// template.
fn confinement(opts: &DownloadOptions, base: &Path) -> PathBuf {
    match opts.template.absolute_split() {
        Some((root, _)) => root,
        None => base.to_owned(),
    }
}

/// The folder every file's folder is checked against when opened, links resolved: the one
/// settled at the start of the run, else [`confinement`] resolved now.
fn within(opts: &DownloadOptions, base: &Path) -> PathBuf {
    opts.confine_to.clone().unwrap_or_else(|| {
        let named = confinement(opts, base);
        named.canonicalize().unwrap_or(named)
    })
}

/// Resolves the output folder once, at the start of a run (after [`prepare_output_dir`]): from
/// then on, files go only into folders within the folder it was then.
pub fn settle_confinement(opts: &mut DownloadOptions, base: &Path) {
    opts.confine_to = confinement(opts, base).canonicalize().ok();
}

/// Everything the template can use: the JSON keys of `info` plus per-file extras.
fn fields(info_json: &Map<String, Value>, extra: &[(&str, Value)]) -> Map<String, Value> {
    let mut m = info_json.clone();
    for (k, v) in extra {
        m.insert((*k).to_owned(), v.clone());
    }
    m
}

fn render(
    opts: &DownloadOptions,
    base: &Path,
    f: &Map<String, Value>,
    url: &str,
) -> Result<PathBuf, Error> {
    // An absolute template (`-o /videos/%(id)s.%(ext)s`) is honoured as yt-dlp does: -P is not
    // prefixed, and the folder it names is the one nothing may escape.
    let (base, rel) = match opts.template.absolute_split() {
        Some((root, rest)) => (root, rest.render_with(f, &opts.names)),
        None => (base.to_owned(), opts.template.render_with(f, &opts.names)),
    };
    let rel = rel.map_err(|e| template_error(e.to_string(), url))?;
    safe_path::resolve_in_base(&base, &rel)
        .map_err(|e| template_error(format!("output template: {e}"), url))
}

/// The file `main` was rendered to with its extension replaced by `suffix` (`.info.json`,
/// `.eng-US.vtt`, ` - 01.jpg`), checked against the output folder as [`render`] checks a
/// template path. Suffixes are built from page data (language codes, extensions), so this is
/// the one way a sidecar path is made: nothing a suffix holds can take it out of `-P`.
fn sidecar_in(
    opts: &DownloadOptions,
    base: &Path,
    main: &Path,
    suffix: &str,
    url: &str,
) -> Result<PathBuf, Error> {
    let base = confinement(opts, base);
    let path = sidecar(main, suffix);
    let outside = || {
        let e = safe_path::PathError::EscapesBase {
            base: base.clone(),
            path: path.clone(),
        };
        template_error(format!("sidecar file: {e}"), url)
    };
    let rel = path.strip_prefix(&base).map_err(|_| outside())?;
    // The folder goes through the base check; the name is one plain component by then. A
    // symlink at the name itself is refused by the writer, which says so ("symbolic link").
    let (Some(dir), Some(name)) = (rel.parent(), rel.file_name()) else {
        return Err(outside());
    };
    safe_path::resolve_in_base(&base, dir)
        .map(|dir| dir.join(name))
        .map_err(|e| template_error(format!("sidecar file: {e}"), url))
}

/// `message` is the whole text: template errors already start with "output template".
/// A file name the template cannot give this post (a bad template, a path outside `-P`): the
/// user's setting, not the URL, so no hint about URL kinds.
fn template_error(message: String, url: &str) -> Error {
    Error::Setup(format!("{message} (for {url})"))
}

/// The file extension a CDN URL implies.
fn image_ext(url: &str) -> &'static str {
    let path = url.split('?').next().unwrap_or(url).to_ascii_lowercase();
    if path.ends_with(".webp") || path.contains(".webp~") {
        "webp"
    } else if path.ends_with(".png") {
        "png"
    } else if path.ends_with(".heic") {
        "heic"
    } else {
        "jpg"
    }
}

fn wants_lang(want: &[String], lang: &str) -> bool {
    if want.is_empty() || want.iter().any(|w| w.eq_ignore_ascii_case("all")) {
        return true;
    }
    let lang = lang.to_ascii_lowercase();
    want.iter()
        .map(|w| w.to_ascii_lowercase())
        .any(|w| lang == w || lang.starts_with(&w))
}

/// Saves one post: fetches its metadata unless `info` carries it (list items carry full
/// metadata, so their pages are fetched only if the media needs fresh cookies), then the chosen
/// files and sidecars. A failure is the result's status, with the files saved before it.
// The post, where it goes and how, and the caller's counters and pacing: each one value.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn download_post(
    posts: &crate::fetch::posts::Posts,
    url: &str,
    info: Option<VideoInfo>,
    base: &Path,
    opts: &DownloadOptions,
    autonumber: u64,
    progress: Option<ProgressFactory>,
    pace: Option<download::DownloadTurn>,
) -> DownloadResult {
    let started = Instant::now();
    // One identity (proxy, User-Agent, cookies) for the post's page and all its media.
    let (id, saved, end) = posts
        .http()
        .post_scope(async {
            let info = match info {
                Some(info) => info,
                None => match posts.video_info(url).await {
                    Ok(info) => info,
                    Err(e) => return (None, Saved::default(), Err(e)),
                },
            };
            let mut saver =
                PostSaver::new(posts, url, &info, base, opts, autonumber, progress.as_ref());
            saver.engine.pace = pace;
            let (saved, end) = saver.save().await;
            (Some(info.id.to_string()), saved, end)
        })
        .await;
    let status = match end {
        Err(e) => Status::Failed(e),
        Ok(()) if opts.simulate => Status::Simulated,
        Ok(())
            if saved
                .files
                .iter()
                .any(|f| f.role.is_media() && f.downloaded) =>
        {
            Status::Downloaded
        }
        Ok(()) => Status::AlreadyDownloaded,
    };
    let stats = posts.http().stats();
    let fetched = saved.files.iter().filter(|f| f.downloaded).map(|f| f.bytes);
    stats.bytes(fetched.sum());
    if let (Some(id), Status::Downloaded | Status::AlreadyDownloaded) = (&id, &status) {
        stats.post_done(id);
    }
    let (format_id, watermarked) = match saved.format {
        Some((format_id, watermarked)) => (Some(format_id), watermarked),
        None => (None, false),
    };
    DownloadResult {
        url: url.to_owned(),
        id,
        status,
        filesize: saved.files.iter().map(|f| f.bytes).sum(),
        files: saved.files,
        seconds: started.elapsed().as_secs_f64(),
        format_id,
        watermarked,
        sidecars_failed: saved.sidecars_failed,
    }
}

/// What saving a post put in place, however it ended: a save that fails part-way still
/// reports the files saved before (they are on disk).
#[derive(Default)]
struct Saved {
    files: Vec<SavedFile>,
    sidecars_failed: Vec<SidecarFailure>,
    /// The video rendition finally taken, and whether it is watermarked.
    format: Option<(String, bool)>,
}

impl Saved {
    /// A sidecar's file, or its failure as a warning. The post's media is saved by then, so a
    /// sidecar that fails does not fail the post, unless the failure would hit every later post
    /// too (disk full, read-only, file size limit): that error is returned.
    fn sidecar(
        &mut self,
        id: &str,
        kind: FileRole,
        got: Result<SavedFile, Error>,
    ) -> Result<(), Error> {
        let err = match got {
            Ok(file) => {
                self.files.push(file);
                return Ok(());
            }
            Err(e) if e.is_fatal_for_run() => return Err(e),
            Err(e) => e,
        };
        let what = match kind {
            FileRole::Thumbnail => "thumbnail",
            FileRole::Subtitle => "subtitles",
            FileRole::InfoJson => "info JSON",
            _ => "sidecar file",
        };
        tracing::warn!("{id}: {what} not saved ({err}); the post itself is saved");
        self.sidecars_failed.push(SidecarFailure {
            kind,
            error: err.to_string(),
        });
        Ok(())
    }
}

/// One post being saved: what each of its steps needs, held once.
struct PostSaver<'a> {
    posts: &'a crate::fetch::posts::Posts,
    url: &'a str,
    info: &'a VideoInfo,
    /// The template's fields: the keys of the info JSON, and `autonumber`.
    info_json: Map<String, Value>,
    base: &'a Path,
    opts: &'a DownloadOptions,
    /// For the video: a 403 stops the rendition, so that the page is fetched again.
    engine: EngineOptions,
    progress: Option<&'a ProgressFactory>,
    /// The cover for `--embed-thumbnail`, fetched at most once per post.
    cover: OnceCell<Option<Vec<u8>>>,
}

impl<'a> PostSaver<'a> {
    fn new(
        posts: &'a crate::fetch::posts::Posts,
        url: &'a str,
        info: &'a VideoInfo,
        base: &'a Path,
        opts: &'a DownloadOptions,
        autonumber: u64,
        progress: Option<&'a ProgressFactory>,
    ) -> Self {
        let mut info_json = match serde_json::to_value(info) {
            Ok(Value::Object(m)) => m,
            _ => Map::new(),
        };
        info_json.insert("autonumber".into(), Value::from(autonumber));
        let engine = EngineOptions {
            rate_limit: opts.rate_limit,
            force_overwrite: opts.force_overwrites,
            stop_on_forbidden: true,
            low_speed: opts.low_speed,
            max_filesize: opts.max_filesize,
            pace: None,
        };
        Self {
            posts,
            url,
            info,
            info_json,
            base,
            opts,
            engine,
            progress,
            cover: OnceCell::new(),
        }
    }

    /// For the files with no page refresh on a 403 (a slideshow's images and sound, the
    /// sidecars): their other mirrors are tried instead.
    fn every_mirror(&self) -> EngineOptions {
        EngineOptions {
            stop_on_forbidden: false,
            ..self.engine.clone()
        }
    }

    /// The post's media (its sound, images or video), then the sidecars beside its main file.
    async fn save(&self) -> (Saved, Result<(), Error>) {
        let mut saved = Saved::default();
        let selector = self.opts.selector();
        let slideshow = self.info.kind == PostKind::Slideshow;
        // The format is chosen before anything is fetched: a selector the post cannot meet is
        // its error, naming the formats it has. A photo post has no renditions to rank: the
        // selector only says whether its sound alone is wanted.
        let picked = if self.opts.audio_only {
            Ok(None)
        } else if slideshow {
            selector.choose_for_photos(&self.info.formats).map(|audio| {
                Some(select::Picked {
                    audio,
                    ranked: Vec::new(),
                })
            })
        } else {
            selector
                .choose(&self.info.formats, self.opts.codec, &self.opts.format_sort)
                .map(Some)
        };
        let audio_only = self.opts.audio_only
            || picked
                .as_ref()
                .is_ok_and(|p| p.as_ref().is_some_and(|p| p.audio));
        let end = async {
            let ranked = match picked {
                Err(why) => {
                    return Err(Error::content(
                        ContentReason::NoFormat(why),
                        Operation::Download,
                        self.url,
                    ));
                }
                Ok(Some(p)) if !p.audio => p.ranked,
                _ => Vec::new(),
            };
            let mut main = None;
            if (audio_only || slideshow)
                && let Some(audio) = self.audio(audio_only).await?
            {
                main = Some(audio.path.clone());
                saved.files.push(audio);
            }
            if !audio_only && slideshow {
                let (images, end) = self.images().await;
                saved.files.extend(images);
                end?;
                // Sidecars are named from the post's own name (the one its sound gets), never
                // from an image's: the cover would land on image 1's name.
                if main.is_none() {
                    main =
                        Some(self.dest(&[("ext", "mp3".into()), ("format_id", "audio".into())])?);
                }
            }
            if !audio_only && self.info.kind == PostKind::Video {
                let (video, format) = self.video(ranked).await?;
                main = Some(video.path.clone());
                saved.files.push(video);
                saved.format = Some((format.format_id.clone(), format.watermarked));
            }
            let Some(main) = main else {
                return Err(Error::content(
                    ContentReason::NoFormat("nothing to download in this post".into()),
                    Operation::Download,
                    self.url,
                ));
            };
            let (sidecars, end) = self.sidecars(&main).await;
            saved.files.extend(sidecars.files);
            saved.sidecars_failed = sidecars.sidecars_failed;
            end
        }
        .await;
        (saved, end)
    }

    /// The path the template gives this post with the per-file fields `extra`.
    fn dest(&self, extra: &[(&str, Value)]) -> Result<PathBuf, Error> {
        render(
            self.opts,
            self.base,
            &fields(&self.info_json, extra),
            self.url,
        )
    }

    /// The path of a sidecar of `main` (see [`sidecar_in`]).
    fn side(&self, main: &Path, suffix: &str) -> Result<PathBuf, Error> {
        sidecar_in(self.opts, self.base, main, suffix, self.url)
    }

    /// A file of this post to fetch into `dest`: `what` is its role in the manifest,
    /// `rendition` what writes it (see [`MediaRequest`]).
    fn job(
        &self,
        role: FileRole,
        kind: MediaKind,
        what: String,
        rendition: &str,
        dest: PathBuf,
        urls: Vec<String>,
    ) -> Job {
        let req = MediaRequest {
            urls,
            dest,
            expected_size: None,
            kind,
            rendition: rendition.to_owned(),
            role: what,
            tag: None,
            post_id: self.info.id.to_string(),
            within: Some(within(self.opts, self.base)),
        };
        Job { role, req }
    }

    /// The post's sound: the whole point with --audio-only, the soundtrack of a slideshow (unless
    /// --no-audio). The audio-only rendition, chosen by the same selection code as video.
    async fn audio(&self, audio_only: bool) -> Result<Option<SavedFile>, Error> {
        let audio = select::rank(&self.info.formats, Quality::Audio, self.opts.codec)
            .into_iter()
            .next();
        let Some(audio) = audio.filter(|_| audio_only || !self.opts.no_audio) else {
            if audio_only {
                return Err(Error::content(
                    ContentReason::NoFormat("this post has no separate audio track".into()),
                    Operation::Download,
                    self.url,
                ));
            }
            return Ok(None);
        };
        let ext = safe_ext(ExtKind::Audio, &audio.ext);
        let dest = self.dest(&[
            ("ext", ext.into()),
            ("format_id", audio.format_id.clone().into()),
        ])?;
        let tag = self.tag_job(ext, &dest).await;
        let urls = with_mirrors(&audio.url, &audio.mirrors);
        let mut job = self.job(
            FileRole::Audio,
            MediaKind::Audio,
            "audio".into(),
            &audio.format_id,
            dest,
            urls,
        );
        job.req.tag = tag;
        let (file, _) = self.fetch(&job, &self.every_mirror()).await?;
        Ok(Some(file))
    }

    /// A slideshow's images in post order; on a failure, the images saved before it.
    async fn images(&self) -> (Vec<SavedFile>, Result<(), Error>) {
        let mut files = Vec::new();
        for (i, img) in self.info.images.iter().enumerate() {
            let got = match self.image_job(i + 1, img) {
                Ok(job) => self.fetch(&job, &self.every_mirror()).await,
                Err(e) => Err(e),
            };
            match got {
                Ok((file, _)) => files.push(file),
                Err(e) => return (files, Err(e)),
            }
        }
        (files, Ok(()))
    }

    /// Image `n` (from 1) of the slideshow.
    fn image_job(&self, n: usize, img: &crate::model::Image) -> Result<Job, Error> {
        let ext = image_ext(&img.url);
        let mut dest = self.dest(&[
            ("ext", ext.into()),
            ("index", Value::from(n)),
            ("format_id", "image".into()),
        ])?;
        if !self.opts.template.as_str().contains("%(index") {
            // Without %(index)s every image would get the same name: number them so they
            // sort in post order and never collide.
            let width = self.info.images.len().to_string().len().max(2);
            dest = self.side(&dest, &format!(" - {n:0width$}.{ext}"))?;
        }
        let urls = with_mirrors(&img.url, &img.mirrors);
        let what = format!("image {n}");
        Ok(self.job(FileRole::Image, MediaKind::Image, what, "image", dest, urls))
    }

    /// The video: the best rendition that can be had, the next one after a failure. Returns the
    /// file and the format it holds (a better rendition kept from an earlier run is reported as
    /// what it is).
    async fn video(&self, ranked: Vec<&'a Format>) -> Result<(SavedFile, &'a Format), Error> {
        if ranked.is_empty() {
            return Err(Error::content(
                ContentReason::NoFormat("no playable video format in this post".into()),
                Operation::Download,
                self.url,
            ));
        }
        let mut last_err = None;
        let mut refreshed = false;
        for format in ranked {
            if format.watermarked {
                tracing::warn!(
                    "{}: only a watermarked rendition is available; taking {}",
                    self.info.id,
                    format.format_id
                );
            }
            let mut job = self.video_job(format).await?;
            let mut outcome = self.fetch(&job, &self.engine).await;
            if !refreshed && is_forbidden(&outcome) {
                // Media URLs and the cookie they need expire together: fetch the page again once.
                refreshed = true;
                if let Some(urls) = self.fresh_urls(format).await {
                    job.req.urls = urls;
                }
                outcome = self.fetch(&job, &self.every_mirror()).await;
            }
            match outcome {
                Ok((file, kept)) => {
                    let taken = kept
                        .and_then(|id| self.info.formats.iter().find(|f| f.format_id == id))
                        .unwrap_or(format);
                    return Ok((file, taken));
                }
                Err(e) if download::is_local(&e) => {
                    // Disk full, read-only, a symlink in the way: every rendition would fail alike.
                    return Err(e);
                }
                Err(e) => {
                    tracing::warn!(
                        "{}: format {} failed ({e}); trying the next rendition",
                        self.info.id,
                        format.format_id
                    );
                    last_err = Some(e);
                }
            }
        }
        Err(last_err.unwrap_or_else(|| {
            Error::connection(
                ConnectionReason::Other("no format could be downloaded".into()),
                Operation::Download,
                self.url,
            )
        }))
    }

    /// The video in rendition `format`.
    async fn video_job(&self, format: &Format) -> Result<Job, Error> {
        let resolution = match (format.width, format.height) {
            (Some(w), Some(h)) => format!("{w}x{h}"),
            _ => "unknown".into(),
        };
        let ext = safe_ext(ExtKind::Video, &format.ext);
        let dest = self.dest(&[
            ("ext", ext.into()),
            ("format_id", format.format_id.clone().into()),
            ("resolution", resolution.into()),
        ])?;
        let tag = self.tag_job(ext, &dest).await;
        let urls = with_mirrors(&format.url, &format.mirrors);
        // Any rendition of this post already saved here is this post's video (the manifest's
        // role), so a better one on disk is kept.
        let what = "video".into();
        let mut job = self.job(
            FileRole::Video,
            MediaKind::Video,
            what,
            &format.format_id,
            dest,
            urls,
        );
        job.req.expected_size = format.filesize;
        job.req.tag = tag;
        Ok(job)
    }

    /// The URLs of `format` on the post's page fetched again (fresh: the cached entry is what
    /// was just refused); `None` when the page or the format is not to be had.
    async fn fresh_urls(&self, format: &Format) -> Option<Vec<String>> {
        tracing::info!(
            "{}: media refused (403); refreshing the page for new cookies and URLs",
            self.info.id
        );
        let fresh = self.posts.video_info_fresh(self.url).await.ok()?;
        let nf = fresh
            .formats
            .iter()
            .find(|f| f.format_id == format.format_id)?;
        Some(with_mirrors(&nf.url, &nf.mirrors))
    }

    /// Fetches one file of the post through the engine (with a progress bar for the post's
    /// media, none for sidecars). Returns the file, and the rendition the file on disk holds
    /// when that is another one (a better rendition kept).
    async fn fetch(
        &self,
        job: &Job,
        engine: &EngineOptions,
    ) -> Result<(SavedFile, Option<String>), Error> {
        let dest = &job.req.dest;
        if self.opts.simulate {
            // Named as a real run would name it; nothing is fetched or written.
            return Ok((simulated(dest, job.role), None));
        }
        if let Some(dir) = dest.parent()
            && !dir.as_os_str().is_empty()
        {
            create_folder(dir)?;
        }
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let progress = self.progress.filter(|_| job.role.is_media());
        let post_id = self.info.id.to_string();
        let label = FileLabel {
            post_id: &post_id,
            title: &self.info.title,
            part: &job.req.role,
            file_name: &name,
        };
        let cb = progress.and_then(|p| p.media(&label));
        let out = download::fetch(self.posts.http(), &job.req, engine, cb.as_ref()).await?;
        if let Some(reason) = out.tags.as_ref().and_then(|t| t.skip_reason()) {
            // Not a failure: the file is what TikTok served, and the archive records the post.
            tracing::warn!(
                "{}: tagging skipped for {}: {reason}; the file is kept as downloaded",
                self.info.id,
                out.path.display()
            );
        }
        let media = matches!(job.role, FileRole::Video | FileRole::Audio);
        let embedded = |f: fn(&crate::save::tags::EmbedOutcome) -> bool| match &out.tags {
            Some(t) => Some(f(t)),
            None if out.status == FileStatus::Downloaded && media => Some(false),
            None => None,
        };
        let file = SavedFile {
            metadata_embedded: embedded(|t| t.metadata_embedded()),
            thumbnail_embedded: embedded(|t| t.thumbnail_embedded()),
            path: out.path,
            bytes: out.bytes,
            role: job.role,
            downloaded: out.status == FileStatus::Downloaded,
        };
        Ok((file, out.other_rendition))
    }

    /// The tag job for a video / audio file at `dest`, or `None` when nothing is to be embedded
    /// or the container is not one tikdl tags. The cover is fetched only when the file will be
    /// written.
    async fn tag_job(&self, ext: &str, dest: &Path) -> Option<TagJob> {
        let opts = self.opts;
        if opts.simulate || (!opts.embed_metadata && !opts.embed_thumbnail) {
            return None;
        }
        let format = TagFormat::from_ext(ext)?;
        let exists = !opts.force_overwrites && tokio::fs::symlink_metadata(dest).await.is_ok();
        let cover = if opts.embed_thumbnail && !exists {
            let fetch = || fetch_cover(self.posts, self.info, opts.low_speed);
            self.cover.get_or_init(fetch).await.clone()
        } else {
            None
        };
        Some(TagJob {
            format,
            // A cover alone still carries tikdl's mark and the post URL, so that a later run knows
            // the (now bigger) file as this post's.
            meta: Some(if opts.embed_metadata {
                TagData::from_info(self.info)
            } else {
                TagData::identity(self.info)
            }),
            cover,
        })
    }
}

/// A 403 from the media CDN.
fn is_forbidden<T>(outcome: &Result<T, Error>) -> bool {
    matches!(
        outcome,
        Err(Error::Connection {
            reason: ConnectionReason::Status(403),
            ..
        })
    )
}

/// The preferred URL, then its mirrors, in the order to try them.
fn with_mirrors(url: &str, mirrors: &[String]) -> Vec<String> {
    std::iter::once(url.to_owned())
        .chain(mirrors.iter().cloned())
        .collect()
}

/// Creates a folder and its parents; a file standing where a folder must be is named as such
/// (`create_dir_all` would only say "File exists").
fn create_folder(dir: &Path) -> Result<(), Error> {
    for anc in dir.ancestors() {
        if anc.as_os_str().is_empty() {
            continue;
        }
        match std::fs::metadata(anc) {
            Ok(m) if m.is_dir() => break,
            Ok(_) => {
                return Err(Error::local(
                    not_a_folder(),
                    "cannot use as a folder the file",
                    anc,
                ));
            }
            Err(_) => continue,
        }
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::local(e, "creating the folder", dir))
}

fn not_a_folder() -> std::io::Error {
    #[cfg(unix)]
    {
        std::io::Error::from_raw_os_error(libc::ENOTDIR)
    }
    #[cfg(not(unix))]
    {
        std::io::Error::from(std::io::ErrorKind::NotADirectory)
    }
}

/// Creates the output folder (`-P`) and checks that it can be written, before any download:
/// a read-only folder and a missing folder under a read-only place fail alike, and a file given
/// as the folder is called "not a folder".
pub fn prepare_output_dir(base: &Path) -> Result<(), Error> {
    create_folder(base)?;
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let dir = if base.as_os_str().is_empty() {
            Path::new(".")
        } else {
            base
        };
        if let Ok(c) = std::ffi::CString::new(dir.as_os_str().as_bytes()) {
            // SAFETY: `c` is a valid NUL-terminated path for the duration of the call.
            if unsafe { libc::access(c.as_ptr(), libc::W_OK | libc::X_OK) } != 0 {
                return Err(Error::local(
                    std::io::Error::last_os_error(),
                    "cannot write in the output folder",
                    dir,
                ));
            }
        }
    }
    Ok(())
}

/// The most a cover may weigh (as an image sidecar of unknown size).
const COVER_MAX: u64 = download::MAX_UNKNOWN_IMAGE;

/// The post's cover as JPEG or PNG bytes, trying the covers whose URL names JPEG first (TikTok
/// often serves WebP or HEIC, which MP4 `covr` cannot hold). `None`, with one warning, when no
/// cover could be had in a type that can be embedded. Through `media_request`, so from TikTok's
/// CDN only.
async fn fetch_cover(
    posts: &crate::fetch::posts::Posts,
    info: &VideoInfo,
    low_speed: Option<LowSpeed>,
) -> Option<Vec<u8>> {
    let named_jpeg = |u: &str| {
        let path = u.split('?').next().unwrap_or(u).to_ascii_lowercase();
        path.contains(".jpeg") || path.contains(".jpg")
    };
    let mut urls: Vec<&str> = info.thumbnails.iter().map(|t| t.url.as_str()).collect();
    // Stable: within each group the page's order (the plain covers before the animated one).
    urls.sort_by_key(|u| !named_jpeg(u));
    urls.dedup();
    let mut why = "the post lists no cover".to_owned();
    for u in urls {
        match fetch_small(posts, u, low_speed).await {
            Ok(b) if b.starts_with(&[0xff, 0xd8, 0xff]) || b.starts_with(b"\x89PNG\r\n\x1a\n") => {
                return Some(b);
            }
            Ok(_) => why = "the cover is not JPEG or PNG (only those can be embedded)".into(),
            Err(e) => why = format!("the cover could not be fetched ({e})"),
        }
    }
    tracing::warn!("{}: cover not embedded: {why}", info.id);
    None
}

/// A small file into memory through the one bounded reader: at most [`COVER_MAX`] bytes,
/// within the page deadline, and cut at the low-speed limit (a cover is fetched before the
/// video starts, so a slow one would hold the post).
async fn fetch_small(
    posts: &crate::fetch::posts::Posts,
    url: &str,
    low_speed: Option<LowSpeed>,
) -> Result<Vec<u8>, Error> {
    let op = Operation::Download;
    let parsed = reqwest::Url::parse(url).map_err(|_| {
        Error::connection(ConnectionReason::Other("invalid cover URL".into()), op, url)
    })?;
    let http = posts.http();
    let body = http.small_body(COVER_MAX).low_speed(low_speed);
    let resp = body.send(http.media_request(parsed), op, url).await?;
    if !resp.status().is_success() {
        let code = resp.status().as_u16();
        return Err(Error::connection(ConnectionReason::Status(code), op, url));
    }
    if let Some(enc) = crate::net::http::unrequested_encoding(resp.headers()) {
        let msg = format!("server sent the cover {enc}-encoded although identity was asked for");
        return Err(Error::connection(ConnectionReason::BadMedia(msg), op, url));
    }
    body.read(resp, op, url).await
}

impl<'a> PostSaver<'a> {
    /// Thumbnail, subtitles and info JSON, beside the post's main file (see
    /// [`Saved::sidecar`]); on a failure every later post would meet too, the sidecars saved
    /// before it.
    async fn sidecars(&self, main: &Path) -> (Saved, Result<(), Error>) {
        let id = &self.info.id;
        let mut saved = Saved::default();
        let end = async {
            if self.opts.write_info_json {
                saved.sidecar(id, FileRole::InfoJson, self.info_json(main).await)?;
            }
            if self.opts.write_thumbnail
                && let Some(thumb) = self.info.thumbnails.first()
            {
                saved.sidecar(id, FileRole::Thumbnail, self.thumbnail(main, thumb).await)?;
            }
            if self.opts.write_subs {
                let mut used = std::collections::HashSet::new();
                for (lang, sub) in self.wanted_subtitles() {
                    let Some(job) = self.subtitle_job(main, lang, sub, &mut used) else {
                        continue;
                    };
                    let got = match job {
                        Ok(job) => self.fetch(&job, &self.every_mirror()).await.map(|(f, _)| f),
                        Err(e) => Err(e),
                    };
                    saved.sidecar(id, FileRole::Subtitle, got)?;
                }
            }
            Ok(())
        }
        .await;
        (saved, end)
    }

    /// The post's cover as `NAME.jpg` (or the extension its URL names).
    async fn thumbnail(
        &self,
        main: &Path,
        thumb: &crate::model::Thumbnail,
    ) -> Result<SavedFile, Error> {
        let dest = self.side(main, &format!(".{}", image_ext(&thumb.url)))?;
        let urls = vec![thumb.url.clone()];
        let (role, kind) = (FileRole::Thumbnail, MediaKind::Image);
        let job = self.job(role, kind, "thumbnail".into(), "thumbnail", dest, urls);
        self.fetch(&job, &self.every_mirror()).await.map(|(f, _)| f)
    }

    /// `NAME.info.json`: the post's metadata as `info --json` prints it.
    async fn info_json(&self, main: &Path) -> Result<SavedFile, Error> {
        let dest = self.side(main, ".info.json")?;
        let body = crate::json::to_pretty(self.info)
            .map_err(|e| Error::Setup(format!("cannot encode metadata: {e}")))?;
        if self.opts.simulate {
            return Ok(simulated(&dest, FileRole::InfoJson));
        }
        let within = within(self.opts, self.base);
        let force = self.opts.force_overwrites;
        let n = write_info_json(&dest, &within, &self.info.id, &body, force).await?;
        Ok(SavedFile {
            path: dest,
            bytes: n as u64,
            role: FileRole::InfoJson,
            downloaded: true,
            metadata_embedded: None,
            thumbnail_embedded: None,
        })
    }

    /// The first subtitle file of each language asked for (`--sub-langs`); a warning when
    /// none is there.
    fn wanted_subtitles(&self) -> Vec<(&'a String, &'a crate::model::Subtitle)> {
        let (info, want) = (self.info, &self.opts.sub_langs);
        if !info.subtitles.keys().any(|l| wants_lang(want, l)) {
            // Say so, as yt-dlp does: a silent "success" would hide a language-code typo.
            let have: Vec<&str> = info.subtitles.keys().map(String::as_str).collect();
            tracing::warn!(
                "{}: no subtitles in the requested languages (available: {})",
                info.id,
                if have.is_empty() {
                    "none".to_owned()
                } else {
                    have.join(", ")
                }
            );
        }
        let wanted = info.subtitles.iter().filter(|(l, _)| wants_lang(want, l));
        wanted
            .filter_map(|(l, subs)| Some((l, subs.first()?)))
            .collect()
    }

    /// The subtitle file of `lang` beside `main`, or the reason it cannot be named; `None`
    /// (with a warning) when another language's file, in `used`, already takes its name.
    fn subtitle_job(
        &self,
        main: &Path,
        lang: &str,
        sub: &crate::model::Subtitle,
        used: &mut std::collections::HashSet<PathBuf>,
    ) -> Option<Result<Job, Error>> {
        // Both parts of the suffix come from the page: the language is sanitized into plain
        // text, the extension taken from the allow-list.
        let safe_lang = safe_path::sanitize_component(lang);
        let ext = safe_ext(ExtKind::Subtitle, &sub.ext);
        let dest = self.side(main, &format!(".{safe_lang}.{ext}"));
        if let Ok(d) = &dest
            && !used.insert(d.clone())
        {
            // Two languages whose codes clean up alike ("a/b", "a_b"): one file.
            tracing::warn!(
                "{}: subtitles {:?} would be saved as {}, which another language's \
                 subtitles take; skipped",
                self.info.id,
                crate::terminal::safe(lang),
                d.display()
            );
            return None;
        }
        let (role, kind) = (FileRole::Subtitle, MediaKind::Subtitle);
        // The language as the page gives it (made safe to print), not its file-name form: a
        // later run's `en_US` must not take the file of an earlier run's `en/US` for its own.
        let what = format!("subtitle {}", crate::terminal::safe(lang));
        let urls = vec![sub.url.clone()];
        Some(dest.map(|dest| self.job(role, kind, what, &sub.ext, dest, urls)))
    }
}

/// The info JSON at `dest`, never over a file the manifest says is another post's, and recorded
/// as this post's once written.
/// A file at that name with no manifest line (an older tikdl's, or the user's) is replaced only
/// when it is an info JSON of this same post (its `id`): the content is the proof, as bytes are
/// for media (the metadata itself changes between runs, so bytes cannot be compared).
async fn write_info_json(
    dest: &Path,
    within: &Path,
    post_id: &str,
    body: &[u8],
    force: bool,
) -> Result<usize, Error> {
    let folder = crate::disk::safe_fs::open_folder_within(dest, Some(within))?;
    let name = dest.file_name().unwrap_or_default();
    // Even with --force-overwrites, a file the manifest gives to another post (or to another
    // of this post's roles) is kept: forcing re-saves this post's own file only.
    match crate::save::provenance::lookup(&folder, name)? {
        Some(e) if *e.post_id != *post_id || &*e.role != "info_json" => {
            let whose = format!("post {}'s {}", e.post_id, e.role);
            return Err(crate::disk::safe_fs::not_this_posts(dest, &whose));
        }
        Some(_) => {}
        None if !force => {
            if let Some(whose) = info_json_owner(dest, post_id).await {
                return Err(crate::disk::safe_fs::not_this_posts(dest, &whose));
            }
        }
        None => {}
    }
    write_atomic(dest, body).await?;
    let n = body.len();
    let recorded =
        crate::save::provenance::record(&folder, name, post_id, "info_json", "info_json", n as u64);
    if let Err(e) = recorded {
        tracing::warn!("{e}");
    }
    Ok(n)
}

/// The most of an existing info JSON read to learn whose it is.
const INFO_JSON_MAX: u64 = 16 << 20;

/// `None` when nothing is at `dest` or it is this post's info JSON; else who it is, for the error.
async fn info_json_owner(dest: &Path, post_id: &str) -> Option<String> {
    use std::io::Read;
    let (dest, post_id) = (dest.to_owned(), post_id.to_owned());
    tokio::task::spawn_blocking(move || {
        let f = match crate::disk::safe_fs::nofollow().read(true).open(&dest) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
            // A link, FIFO or folder: the writer refuses it with its own message.
            Err(_) => return None,
        };
        if !f.metadata().is_ok_and(|m| m.is_file()) {
            return None;
        }
        let mut text = Vec::new();
        let read = f.take(INFO_JSON_MAX).read_to_end(&mut text);
        let id = read
            .ok()
            .and_then(|_| serde_json::from_slice::<Value>(&text).ok())
            .and_then(|v| v.get("id").and_then(Value::as_str).map(str::to_owned));
        match id {
            Some(id) if id == post_id => None,
            Some(id) => Some(format!("post {id}'s info JSON")),
            None => Some("a file that is not an info JSON of this post".to_owned()),
        }
    })
    .await
    .unwrap_or_else(|_| Some("a file that could not be read".to_owned()))
}

/// Small files (metadata) are written whole through [`crate::disk::owned_file`]: a temporary name of
/// this process's own, fsynced, then renamed over a regular file only (a link, FIFO or device
/// at the name is refused and left alone).
async fn write_atomic(dest: &Path, body: &[u8]) -> Result<(), Error> {
    let (dest, body) = (dest.to_owned(), body.to_owned());
    let written = tokio::task::spawn_blocking(move || {
        crate::disk::owned_file::write(&dest, &body, crate::disk::owned_file::Options::DURABLE)
            .map_err(|e| Error::local(e, "writing", &dest))
    })
    .await;
    written.unwrap_or_else(|e| {
        Err(Error::local(
            std::io::Error::other(e),
            "writing",
            Path::new("a sidecar"),
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_sidecar_suffix_leaves_the_output_folder() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().join("out");
        std::fs::create_dir(&base).unwrap();
        let opts = DownloadOptions::default();
        let main = base.join("sub").join("a [1].mp4");
        let ok = sidecar_in(&opts, &base, &main, ".eng-US.vtt", "u").unwrap();
        assert_eq!(ok, base.join("sub").join("a [1].eng-US.vtt"));
        for bad in [
            ".webvtt/../../../x",
            "/../../../x",
            ".x/../../../../etc/passwd",
        ] {
            let err = sidecar_in(&opts, &base, &main, bad, "u").unwrap_err();
            assert!(
                err.to_string().contains("outside the output folder"),
                "{bad}: {err}"
            );
        }
        // A suffix that stays inside after its `..` is still one name in the post's folder.
        let inside = sidecar_in(&opts, &base, &main, ".x/../y.vtt", "u").unwrap();
        assert!(inside.starts_with(&base), "{}", inside.display());
        // An absolute template's folder is the base nothing may leave.
        let abs = DownloadOptions {
            template: format!("{}/%(id)s.%(ext)s", base.display())
                .parse()
                .unwrap(),
            ..DownloadOptions::default()
        };
        let main = base.join("a.mp4");
        assert!(sidecar_in(&abs, Path::new("elsewhere"), &main, ".vtt", "u").is_ok());
        assert!(sidecar_in(&abs, Path::new("elsewhere"), &main, "/../../x", "u").is_err());
    }

    #[test]
    fn extensions() {
        assert_eq!(
            image_ext("https://p16/x~tplv-photomode-image.jpeg?x=1"),
            "jpg"
        );
        assert_eq!(image_ext("https://p16/x.webp?y"), "webp");
        assert_eq!(
            image_ext("https://p16/x~tplv-tiktokx-origin.image?dr=1"),
            "jpg"
        );
    }

    #[test]
    fn languages() {
        let want = vec!["en".to_owned()];
        assert!(wants_lang(&want, "eng-US"));
        assert!(!wants_lang(&want, "vie-VN"));
        assert!(wants_lang(&[], "vie-VN"));
        assert!(wants_lang(&["all".into()], "vie-VN"));
    }
}
