//! Recording a LIVE room's HTTP-FLV stream, natively (no ffmpeg).
//!
//! The file is playable however the recording stops, by construction: the incoming bytes are
//! split into FLV tags ([`FlvSplitter`]: the 9-byte header, then tags of an 11-byte header,
//! `DataSize` bytes and a 4-byte PreviousTagSize) and only WHOLE tags are written, each with its
//! own PreviousTagSize, so the `.part` always ends on a tag boundary. A tag cut by the network
//! is dropped; a write that fails (disk full, file size limit) is truncated back to the last
//! boundary. Then the `.part` is renamed to its final name through the download engine's
//! `finish` (same folder, same inode checks), and recorded in the folder's manifest.
//!
//! A dropped connection reconnects (at most [`MAX_TRIES`] tries in a row without a tag, with
//! backoff), re-looking up the room first: an ended room ends the recording. The new
//! connection continues INTO THE SAME FILE: its FLV header and onMetaData are skipped, its
//! sequence headers too when they equal the ones already written (else written, as an encoder
//! change mid-stream is), and its timestamps are rebased to follow the last one written, so the
//! file's timestamps stay monotonic per stream. One file per recording keeps `--live-duration`,
//! `--max-filesize` and the template's one name simple, and FLV players accept a stream whose
//! codec configuration repeats.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use futures_util::StreamExt;
use serde_json::{Map, Value};

use crate::disk::folder::Access;
use crate::disk::safe_fs::{PartLock, Place};
use crate::error::{ConnectionReason, Error, LocalReason, Operation};
use crate::fetch::live::{self, LiveRoom};
use crate::model::PostId;
use crate::net::http::HttpClient;

/// The largest tag accepted: FLV's `DataSize` is 24 bits (16 MiB); a LIVE key frame is far
/// smaller, and anything near the cap is a garbage stream, not a frame to buffer.
pub const MAX_TAG_DATA: u32 = 8 << 20;

/// Consecutive connection tries that brought no tag before the recording gives up.
pub const MAX_TRIES: u32 = 5;

/// How often `--wait-for-live` asks at least, in seconds.
pub const MIN_WAIT_INTERVAL: u64 = 10;

const TAG_AUDIO: u8 = 8;
const TAG_VIDEO: u8 = 9;
const TAG_SCRIPT: u8 = 18;

/// One whole FLV tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// 8 audio, 9 video, 18 script data.
    pub kind: u8,
    /// Milliseconds (the 24-bit field and its extension byte).
    pub timestamp: u32,
    /// The tag's body.
    pub data: Vec<u8>,
}

impl Tag {
    /// An AVC or AAC sequence header (the codec configuration a decoder needs first).
    pub fn is_sequence_header(&self) -> bool {
        match self.kind {
            TAG_VIDEO => self.data.len() >= 2 && self.data[0] & 0x0f == 7 && self.data[1] == 0,
            TAG_AUDIO => self.data.len() >= 2 && self.data[0] >> 4 == 10 && self.data[1] == 0,
            _ => false,
        }
    }

    /// The tag as it goes to the file: header, data, PreviousTagSize.
    fn encode(&self, timestamp: u32, out: &mut Vec<u8>) {
        let len = self.data.len() as u32;
        out.push(self.kind);
        out.extend_from_slice(&len.to_be_bytes()[1..]);
        out.extend_from_slice(&timestamp.to_be_bytes()[1..]);
        out.push((timestamp >> 24) as u8);
        out.extend_from_slice(&[0, 0, 0]);
        out.extend_from_slice(&self.data);
        out.extend_from_slice(&(11 + len).to_be_bytes());
    }
}

/// Why bytes are not an FLV stream.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FlvError {
    /// The first bytes are not `FLV` version 1.
    #[error("not an FLV stream (it starts with {0:02x?})")]
    NotFlv(Vec<u8>),
    /// A tag of a type FLV does not have (the stream is out of step or garbage).
    #[error("FLV tag of unknown type {0} at byte {1}")]
    BadTagType(u8, u64),
    /// A tag larger than [`MAX_TAG_DATA`].
    #[error("FLV tag of {0} bytes at byte {1}: larger than any frame, refusing to buffer it")]
    TooLarge(u32, u64),
}

/// Splits a byte stream into whole FLV tags; holds at most one tag's bytes.
#[derive(Debug, Default)]
pub struct FlvSplitter {
    buf: Vec<u8>,
    header_done: bool,
    /// The header's flags byte (audio 4, video 1).
    pub flags: u8,
    consumed: u64,
}

impl FlvSplitter {
    /// Takes the next bytes; returns the tags they complete.
    pub fn push(&mut self, bytes: &[u8]) -> Result<Vec<Tag>, FlvError> {
        self.buf.extend_from_slice(bytes);
        let mut tags = Vec::new();
        let mut at = 0usize;
        if !self.header_done {
            // A short prefix that could still be FLV waits for more; one that cannot fails now.
            let have = self.buf.len().min(4);
            if self.buf[..have] != b"FLV\x01"[..have] {
                return Err(FlvError::NotFlv(self.buf[..have].to_vec()));
            }
            if self.buf.len() < 9 {
                return Ok(tags);
            }
            let offset = u32::from_be_bytes([self.buf[5], self.buf[6], self.buf[7], self.buf[8]]);
            if !(9..=1024).contains(&offset) {
                return Err(FlvError::NotFlv(self.buf[..9].to_vec()));
            }
            // The header, then PreviousTagSize0.
            let need = offset as usize + 4;
            if self.buf.len() < need {
                return Ok(tags);
            }
            self.flags = self.buf[4];
            self.header_done = true;
            at = need;
        }
        loop {
            let rest = &self.buf[at..];
            if rest.len() < 11 {
                break;
            }
            let kind = rest[0] & 0x1f;
            let pos = self.consumed + at as u64;
            if !matches!(kind, TAG_AUDIO | TAG_VIDEO | TAG_SCRIPT) {
                return Err(FlvError::BadTagType(rest[0], pos));
            }
            let size = u32::from_be_bytes([0, rest[1], rest[2], rest[3]]);
            if size > MAX_TAG_DATA {
                return Err(FlvError::TooLarge(size, pos));
            }
            let whole = 11 + size as usize + 4;
            if rest.len() < whole {
                break;
            }
            let timestamp = u32::from_be_bytes([rest[7], rest[4], rest[5], rest[6]]);
            tags.push(Tag {
                kind,
                timestamp,
                data: rest[11..11 + size as usize].to_vec(),
            });
            at += whole;
        }
        self.buf.drain(..at);
        self.consumed += at as u64;
        Ok(tags)
    }

    /// Whether the stream's header has arrived.
    pub fn started(&self) -> bool {
        self.header_done
    }
}

/// Why a recording ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StopCause {
    /// The room ended (its info says so, after the stream stopped).
    Ended,
    /// `--live-duration` of media was recorded.
    Duration,
    /// The next tag would pass `--max-filesize`.
    MaxFilesize,
    /// Ctrl-C or SIGTERM.
    Interrupted,
    /// The disk took no more.
    DiskFull,
    /// The file size limit (`ulimit -f`) took no more.
    FileSizeLimit,
    /// The stream kept failing ([`MAX_TRIES`] tries in a row).
    GaveUp,
}

impl StopCause {
    /// Words for people.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ended => "the LIVE ended",
            Self::Duration => "--live-duration reached",
            Self::MaxFilesize => "--max-filesize reached",
            Self::Interrupted => "interrupted",
            Self::DiskFull => "the disk is full",
            Self::FileSizeLimit => "the file size limit (ulimit -f) was reached",
            Self::GaveUp => "the stream kept failing",
        }
    }

    /// Whether the recording ended short of what was asked (the file is whole all the same):
    /// the run then exits 1, as a post that failed does.
    pub fn is_failure(self) -> bool {
        matches!(self, Self::DiskFull | Self::FileSizeLimit | Self::GaveUp)
    }
}

/// How a recording is made.
#[derive(Debug, Clone, Default)]
pub struct RecordOptions {
    /// Names, folders, sidecars, overwrite policy: as for posts.
    pub save: super::DownloadOptions,
    /// Stop after this many seconds of media timestamps.
    pub live_duration: Option<u64>,
    /// Stop before the file would pass this many bytes.
    pub max_filesize: Option<u64>,
    /// Poll this often (seconds) until the account goes live, instead of failing.
    pub wait_for_live: Option<u64>,
    /// First wait of a reconnection (doubled each try, at most 8 s).
    pub reconnect_delay: Option<Duration>,
}

/// A finished recording.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Recording {
    /// The room.
    pub room: LiveRoom,
    /// The file, under its final name.
    pub path: PathBuf,
    /// Its size.
    pub bytes: u64,
    /// Media duration: the last timestamp written, in milliseconds.
    pub duration_ms: u64,
    /// Connections after the first.
    pub reconnects: u32,
    /// Why it stopped.
    pub stopped: StopCause,
    /// The info JSON sidecar, when asked for and written.
    pub info_json: Option<PathBuf>,
    /// Problems that did not stop the recording (a reconnection's failure, a sidecar).
    pub warnings: Vec<String>,
}

/// A Ctrl-C / SIGTERM flag the caller sets.
pub type Stop = tokio::sync::watch::Receiver<bool>;

async fn stopped(stop: &mut Stop) {
    // A dropped sender means nobody can ask to stop any more: wait forever.
    if stop.wait_for(|s| *s).await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// Finds the room of `user`/`room_id`, waiting for it to go live when asked; `None` when
/// stopped while waiting.
pub async fn find_room(
    http: &HttpClient,
    user: Option<&str>,
    room_id: Option<&PostId>,
    wait: Option<u64>,
    stop: &mut Stop,
) -> Result<Option<LiveRoom>, Error> {
    loop {
        match live::lookup(http, user, room_id).await {
            Ok(room) => return Ok(Some(room)),
            Err(e) if e.code() == "not_live" && wait.is_some() && user.is_some() => {
                let every = wait.unwrap_or(60).max(MIN_WAIT_INTERVAL);
                // Up to a tenth more, so many waiting tikdl processes do not ask in step.
                let jitter = rand::random_range(0..=every * 100);
                let pause = Duration::from_secs(every) + Duration::from_millis(jitter);
                tracing::info!("{e}; asking again in {} s", pause.as_secs());
                tokio::select! {
                    () = tokio::time::sleep(pause) => {}
                    () = stopped(stop) => return Ok(None),
                }
            }
            Err(e) => return Err(e),
        }
    }
}

/// The fields templates and the info JSON see for a room.
pub fn room_fields(room: &LiveRoom, epoch: i64) -> Map<String, Value> {
    let mut m = match serde_json::to_value(room) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    m.remove("streams");
    let streams: Vec<Value> = room
        .streams
        .iter()
        .map(|s| Value::from(s.quality.clone()))
        .collect();
    m.insert("qualities".into(), Value::from(streams));
    m.insert("ext".into(), Value::from("flv"));
    m.insert("webpage_url".into(), Value::from(room.webpage_url()));
    m.insert("epoch".into(), Value::from(epoch));
    let day = room
        .timestamp
        .and_then(|t| time::OffsetDateTime::from_unix_timestamp(t).ok())
        .map(|d| format!("{:04}{:02}{:02}", d.year(), u8::from(d.month()), d.day()));
    if let Some(day) = day {
        m.insert("upload_date".into(), Value::from(day));
    }
    m
}

/// Records `room` into the file the template names under `base`, until the room ends, a limit,
/// or `stop`. The file is whole and under its final name whenever this returns `Ok`.
pub async fn record(
    http: &HttpClient,
    room: LiveRoom,
    base: &Path,
    opts: &RecordOptions,
    mut stop: Stop,
) -> Result<Recording, Error> {
    let page = room.webpage_url();
    let Some(stream) = room.best().cloned() else {
        return Err(Error::platform(
            crate::error::PlatformReason::BadJson(
                "the room info names no FLV stream (stream_url)".into(),
            ),
            Operation::Extract,
            &page,
        ));
    };
    let epoch = time::OffsetDateTime::now_utc().unix_timestamp();
    let fields = room_fields(&room, epoch);
    let dest = super::render(&opts.save, base, &fields, &page)?;
    let within = super::within(&opts.save, base);
    if let Some(dir) = dest.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::local(e, "creating the folder", dir))?;
    }
    let place = Place::new(&dest, Some(&within))?;
    place.refuse_symlink(&place.part_name, &place.part)?;
    place.refuse_symlink(&place.dest_name, &dest)?;
    // A recording is never resumed nor merged into an existing file: a LIVE goes on, so an
    // earlier file under the same name is another part of it (or another file) and is kept.
    let taken = || {
        Error::refused(
            LocalReason::NameTaken,
            &dest,
            "it already exists and is kept: put %(epoch)s in -o to give each recording its own \
             name, or move the file away"
                .into(),
        )
    };
    let dest_taken = || place.folder.metadata(&place.dest_name).is_ok();
    let existed = dest_taken();
    if existed && !opts.save.force_overwrites {
        return Err(taken());
    }
    let lock = PartLock::acquire(&place, &dest).await?;
    // Looked at again with the lock held: another tikdl recording this room into this folder
    // may have finished its file while this one waited for the lock. Its file is kept, even with
    // --force-overwrites (that asks to replace an old file, not one made a moment ago).
    if !existed && dest_taken() {
        lock.remove(&place);
        return Err(taken());
    }
    // A `.part` left here is an earlier recording that was killed before it could finish: its
    // tags are someone's only copy of that LIVE, so it is never emptied, not even with
    // --force-overwrites (the lock says no other tikdl is writing it now).
    if place.folder.metadata(&place.part_name).is_ok() {
        lock.remove(&place);
        return Err(Error::refused(
            LocalReason::NameTaken,
            &place.part,
            "it holds an earlier recording that did not finish (tikdl was killed); it is kept: \
             rename it to end in .flv to play it, or put %(epoch)s in -o to record under \
             another name"
                .into(),
        ));
    }
    lock.write(&format!("live recording of room {}\n", room.id))?;
    let file = place.open_part(Access::CreateNew)?;
    let mut rec = Recorder::new(file, place.part.clone(), opts);
    let mut warnings = Vec::new();
    let outcome = pull(
        http,
        &room,
        &stream.flv_url,
        &mut rec,
        opts,
        &mut stop,
        &mut warnings,
    )
    .await;
    let (stopped_by, reconnects) = match outcome {
        Ok(v) => v,
        Err(e) => {
            // Nothing whole was received (a garbage stream, a refused URL): no file at all.
            drop(rec);
            let _ = place.remove_part();
            lock.remove(&place);
            return Err(e);
        }
    };
    if !rec.any_media {
        // A header or codec setup alone plays as nothing: not a recording.
        drop(rec);
        let _ = place.remove_part();
        lock.remove(&place);
        let why = match stopped_by {
            StopCause::MaxFilesize => format!(
                "--max-filesize {} is smaller than the stream's first tags",
                opts.max_filesize.unwrap_or(0)
            ),
            cause => format!(
                "no audio or video arrived before the recording stopped ({})",
                cause.as_str()
            ),
        };
        return Err(Error::connection(
            ConnectionReason::BadMedia(why),
            Operation::Download,
            &stream.flv_url,
        ));
    }
    let bytes = rec.written;
    let duration_ms = rec.max_ts;
    rec.file
        .set_len(bytes)
        .map_err(|e| Error::local(e, "truncating", &place.part))?;
    drop(rec);
    super::download::finish(&place, bytes).await?;
    if let Err(e) = super::provenance::record(
        &place.folder,
        &place.dest_name,
        room.id.as_str(),
        "live",
        "flv",
        bytes,
    ) {
        note(&mut warnings, e.to_string());
    }
    lock.remove(&place);
    let mut info_json = None;
    if opts.save.write_info_json {
        match write_info(&room, &fields, &dest, base, opts).await {
            Ok(p) => info_json = Some(p),
            Err(e) => note(&mut warnings, e.to_string()),
        }
    }
    Ok(Recording {
        room,
        path: dest,
        bytes,
        duration_ms,
        reconnects,
        stopped: stopped_by,
        info_json,
        warnings,
    })
}

async fn write_info(
    room: &LiveRoom,
    fields: &Map<String, Value>,
    dest: &Path,
    base: &Path,
    opts: &RecordOptions,
) -> Result<PathBuf, Error> {
    let page = room.webpage_url();
    let side = super::sidecar_in(&opts.save, base, dest, ".info.json", &page)?;
    let mut json = fields.clone();
    json.insert(
        "streams".into(),
        serde_json::to_value(&room.streams).unwrap_or_default(),
    );
    let body = serde_json::to_vec_pretty(&json)
        .map_err(|e| Error::Setup(format!("cannot encode metadata: {e}")))?;
    let within = super::within(&opts.save, base);
    super::write_info_json(
        &side,
        &within,
        room.id.as_str(),
        &body,
        opts.save.force_overwrites,
    )
    .await?;
    Ok(side)
}

/// The connections of one recording. `Err` only when nothing was written at all.
async fn pull(
    http: &HttpClient,
    room: &LiveRoom,
    first_url: &str,
    rec: &mut Recorder,
    opts: &RecordOptions,
    stop: &mut Stop,
    warnings: &mut Vec<String>,
) -> Result<(StopCause, u32), Error> {
    let mut url = first_url.to_owned();
    let mut tries = 0u32;
    let mut connections = 0u32;
    let first_delay = opts.reconnect_delay.unwrap_or(Duration::from_secs(1));
    loop {
        connections += 1;
        let got = connection(http, &url, rec, opts, stop).await;
        let reconnects = connections - 1;
        match got {
            Ok(Some(cause)) => return Ok((cause, reconnects)),
            Ok(None) => {}
            // Bytes that are not FLV, before anything was written: no file, and the error
            // names the URL. A network failure is retried like any other cut.
            Err(
                e @ Error::Connection {
                    reason: ConnectionReason::BadMedia(_),
                    ..
                },
            ) if rec.written == 0 => {
                return Err(e);
            }
            Err(e) => note(warnings, e.to_string()),
        }
        if rec.progressed_since_last_check() {
            tries = 0;
        }
        tries += 1;
        if tries >= MAX_TRIES {
            if rec.written == 0 {
                return Err(Error::connection(
                    ConnectionReason::Other(format!(
                        "no FLV data arrived in {MAX_TRIES} connections"
                    )),
                    Operation::Download,
                    &url,
                ));
            }
            return Ok((StopCause::GaveUp, reconnects));
        }
        let delay = first_delay
            .saturating_mul(1 << (tries - 1).min(3))
            .min(Duration::from_secs(8));
        tokio::select! {
            () = tokio::time::sleep(delay) => {}
            () = stopped(stop) => return Ok((StopCause::Interrupted, reconnects)),
        }
        // Is the room still live? Its pull URL may have changed, too.
        let (user, id) = (room.uploader.as_deref(), Some(&room.id));
        match live::lookup(http, user, id).await {
            Ok(now) => {
                if let Some(s) = now.best() {
                    url = s.flv_url.clone();
                }
            }
            Err(e) if e.code() == "not_live" => {
                if rec.written == 0 {
                    return Err(e);
                }
                return Ok((StopCause::Ended, reconnects));
            }
            Err(e) => note(warnings, e.to_string()),
        }
    }
}

/// A warning: said now (a recording can last hours) and kept for the result.
fn note(warnings: &mut Vec<String>, w: String) {
    tracing::warn!("{w}");
    warnings.push(w);
}

/// One connection: `Some(cause)` when the recording is over, `None` to reconnect.
async fn connection(
    http: &HttpClient,
    url: &str,
    rec: &mut Recorder,
    opts: &RecordOptions,
    stop: &mut Stop,
) -> Result<Option<StopCause>, Error> {
    let op = Operation::Download;
    let parsed = reqwest::Url::parse(url).map_err(|_| {
        Error::connection(ConnectionReason::Other("invalid FLV URL".into()), op, url)
    })?;
    // A stream URL off TikTok's CDN is refused before any connection, and not retried: the
    // room info named it, and asking again names it again.
    if let Err(why) = crate::hosts::check_media_url(&parsed) {
        return Err(Error::connection(ConnectionReason::BadMedia(why), op, url));
    }
    let send = http.media_request(parsed).send();
    let resp = tokio::select! {
        r = send => r.map_err(|e| {
            Error::connection(ConnectionReason::Other(e.to_string()), op, url).with_source(e)
        })?,
        () = stopped(stop) => return Ok(Some(StopCause::Interrupted)),
    };
    let status = resp.status().as_u16();
    if !(200..300).contains(&status) {
        return Err(Error::connection(ConnectionReason::Status(status), op, url));
    }
    let mut body = resp.bytes_stream();
    let mut split = FlvSplitter::default();
    // A stream slower than --low-speed-limit is cut (and reconnected) as a post's transfer is:
    // a LIVE is paced by the broadcast, so a healthy one stays far above the 1 KiB/s default.
    let mut speed = crate::net::http::SpeedCheck::new(opts.save.low_speed);
    rec.new_connection();
    loop {
        let chunk = tokio::select! {
            c = body.next() => Some(c),
            () = tokio::time::sleep(SPEED_POLL) => None,
            () = stopped(stop) => return Ok(Some(StopCause::Interrupted)),
        };
        let got = chunk.as_ref().map_or(0, |c| match c {
            Some(Ok(b)) => b.len() as u64,
            _ => 0,
        });
        if let Some(msg) = speed.record(got) {
            return Err(Error::connection(ConnectionReason::Other(msg), op, url));
        }
        let Some(chunk) = chunk else { continue };
        let chunk = match chunk {
            None => return Ok(None),
            Some(Err(e)) => {
                let reason = ConnectionReason::Other(format!("the stream broke: {e}"));
                return Err(Error::connection(reason, op, url));
            }
            Some(Ok(c)) => c,
        };
        let tags = split
            .push(&chunk)
            .map_err(|e| Error::connection(ConnectionReason::BadMedia(e.to_string()), op, url))?;
        if !rec.header_written && split.started() {
            rec.write_header(split.flags)?;
        }
        for tag in tags {
            if let Some(cause) = rec.tag(&tag)? {
                return Ok(Some(cause));
            }
        }
    }
}

/// How far one media tag's time may be from the file's latest before it counts as the stream
/// restarting its clock.
const MAX_JUMP_MS: u64 = 5_000;

/// FLV timestamps are signed 32-bit milliseconds (24 days).
const MAX_TIMESTAMP: u64 = 0x7FFF_FFFF;

/// How often a quiet stream is looked at by the low-speed check.
const SPEED_POLL: Duration = Duration::from_secs(1);

/// The `.part` being written: whole tags only, timestamps rebased per connection.
struct Recorder {
    file: std::fs::File,
    part: PathBuf,
    /// Bytes on disk, always at a tag boundary.
    written: u64,
    /// `written` when the connection loop last looked (did a connection bring anything?).
    checked: u64,
    header_written: bool,
    /// Whether the file has its onMetaData (the first connection's).
    has_script: bool,
    /// This connection's shift from its timestamps to the file's, set by its first media tag
    /// (one shift for audio and video alike, so they stay in sync).
    offset: Option<i64>,
    /// The last file timestamp per stream (audio, video).
    last: [u64; 2],
    /// The sequence headers written (to skip a reconnection's identical ones).
    seq: Vec<Tag>,
    /// Whether any media tag is written (the next connection then starts after `max_ts`).
    any_media: bool,
    max_ts: u64,
    limit_ms: Option<u64>,
    max_filesize: Option<u64>,
}

impl Recorder {
    fn new(file: std::fs::File, part: PathBuf, opts: &RecordOptions) -> Self {
        Self {
            file,
            part,
            written: 0,
            checked: 0,
            header_written: false,
            has_script: false,
            offset: None,
            last: [0; 2],
            seq: Vec::new(),
            any_media: false,
            max_ts: 0,
            limit_ms: opts.live_duration.map(|s| s.saturating_mul(1000)),
            max_filesize: opts.max_filesize,
        }
    }

    fn new_connection(&mut self) {
        self.offset = None;
    }

    fn progressed_since_last_check(&mut self) -> bool {
        let moved = self.written != self.checked;
        self.checked = self.written;
        moved
    }

    fn write_header(&mut self, flags: u8) -> Result<(), Error> {
        // Only the audio/video flags carry over; the data offset is the standard 9.
        let h = [b'F', b'L', b'V', 1, flags & 0x05, 0, 0, 0, 9, 0, 0, 0, 0];
        self.append(&h)?;
        self.header_written = true;
        Ok(())
    }

    fn append(&mut self, bytes: &[u8]) -> Result<(), Error> {
        if let Err(e) = self.file.write_all(bytes) {
            // Back to the last whole tag: a half-written one would end the file badly.
            let _ = self.file.set_len(self.written);
            let _ = std::io::Seek::seek(&mut self.file, std::io::SeekFrom::Start(self.written));
            return Err(Error::local(e, "writing", &self.part));
        }
        self.written += bytes.len() as u64;
        Ok(())
    }

    /// Writes `tag` (rebased), or says why the recording ends before it.
    fn tag(&mut self, tag: &Tag) -> Result<Option<StopCause>, Error> {
        let media = matches!(tag.kind, TAG_AUDIO | TAG_VIDEO) && !tag.is_sequence_header();
        let ts = if tag.kind == TAG_SCRIPT {
            if self.has_script {
                // A reconnection's onMetaData: the file has its own at the start.
                return Ok(None);
            }
            self.has_script = true;
            0
        } else if !media {
            if self.seq.iter().any(|s| s == tag) {
                return Ok(None);
            }
            self.seq.push(tag.clone());
            // A codec configuration goes where the stream is now.
            if self.any_media { self.max_ts + 1 } else { 0 }
        } else {
            let stream = usize::from(tag.kind == TAG_VIDEO);
            let start = if self.any_media {
                self.max_ts as i64 + 1
            } else {
                0
            };
            let offset = *self.offset.get_or_insert(start - i64::from(tag.timestamp));
            let raw = i64::from(tag.timestamp) + offset;
            let mut t = raw.max(0) as u64;
            if self.any_media && raw.abs_diff(self.max_ts as i64) > MAX_JUMP_MS {
                // A jump no broadcast makes (minutes ahead, or far back): the stream restarted
                // its clock. It goes on from where the file is, as after a reconnection, so the
                // file's time stays the media's time (and --live-duration means it).
                let rebased = self.max_ts as i64 + 1;
                self.offset = Some(rebased - i64::from(tag.timestamp));
                t = rebased as u64;
            }
            t.max(self.last[stream]).min(MAX_TIMESTAMP)
        };
        if media && self.limit_ms.is_some_and(|l| ts > l) {
            return Ok(Some(StopCause::Duration));
        }
        let size = 11 + tag.data.len() as u64 + 4;
        if self.max_filesize.is_some_and(|m| self.written + size > m) {
            return Ok(Some(StopCause::MaxFilesize));
        }
        let mut out = Vec::with_capacity(size as usize);
        tag.encode(u32::try_from(ts).unwrap_or(u32::MAX), &mut out);
        match self.append(&out) {
            Ok(()) => {}
            Err(e) => match full_cause(&e) {
                Some(cause) => return Ok(Some(cause)),
                None => return Err(e),
            },
        }
        if media {
            self.last[usize::from(tag.kind == TAG_VIDEO)] = ts;
            self.max_ts = self.max_ts.max(ts);
            self.any_media = true;
        }
        Ok(None)
    }
}

/// The stop a write error means when the disk (or the file size limit) took no more.
fn full_cause(e: &Error) -> Option<StopCause> {
    match e {
        Error::Local {
            reason: LocalReason::DiskFull,
            ..
        } => Some(StopCause::DiskFull),
        Error::Local {
            reason: LocalReason::FileTooLarge,
            ..
        } => Some(StopCause::FileSizeLimit),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream() -> Vec<u8> {
        let mut s = b"FLV\x01\x05\0\0\0\x09\0\0\0\0".to_vec();
        let tags = [
            Tag {
                kind: 18,
                timestamp: 0,
                data: b"\x02\0\x0aonMetaData".to_vec(),
            },
            Tag {
                kind: 9,
                timestamp: 0,
                data: vec![0x17, 0, 0, 0, 0, 1, 2],
            },
            Tag {
                kind: 8,
                timestamp: 0,
                data: vec![0xaf, 0, 0x12, 0x10],
            },
            Tag {
                kind: 9,
                timestamp: 40,
                data: vec![0x17, 1, 0, 0, 0, 9, 9, 9],
            },
            Tag {
                kind: 8,
                timestamp: 23,
                data: vec![0xaf, 1, 5, 5],
            },
            Tag {
                kind: 9,
                timestamp: 0x0100_0010,
                data: vec![0x27, 1, 0, 0, 0],
            },
        ];
        for t in &tags {
            t.encode(t.timestamp, &mut s);
        }
        s
    }

    #[test]
    fn every_split_point_gives_the_same_tags() {
        let s = stream();
        let whole = FlvSplitter::default().push(&s).unwrap();
        assert_eq!(whole.len(), 6);
        assert_eq!(whole[5].timestamp, 0x0100_0010);
        assert!(whole[1].is_sequence_header() && whole[2].is_sequence_header());
        for i in 0..=s.len() {
            for j in i..=s.len() {
                let mut sp = FlvSplitter::default();
                let mut got = sp.push(&s[..i]).unwrap();
                got.extend(sp.push(&s[i..j]).unwrap());
                got.extend(sp.push(&s[j..]).unwrap());
                assert_eq!(got, whole, "split at {i}, {j}");
            }
        }
    }

    #[test]
    fn a_cut_stream_gives_only_whole_tags() {
        let s = stream();
        for cut in 0..s.len() {
            let tags = FlvSplitter::default().push(&s[..cut]).unwrap();
            let mut again = Vec::new();
            for t in &tags {
                t.encode(t.timestamp, &mut again);
            }
            assert!(s[13..].starts_with(&again));
        }
    }

    #[test]
    fn a_clock_jump_is_rebased_and_the_time_stays_the_medias() {
        let dir = tempfile::tempdir().unwrap();
        let part = dir.path().join("r.flv.part");
        let file = std::fs::File::create(&part).unwrap();
        let mut rec = Recorder::new(file, part, &RecordOptions::default());
        let media = |ts| Tag {
            kind: TAG_AUDIO,
            timestamp: ts,
            data: vec![0xaf, 1, 0],
        };
        // Minutes ahead, near the 32-bit end, then far back: each goes on from the file's time.
        for ts in [0, 40, 80, 600_000, 600_040, 0xFFFF_FFF0, 5, 45] {
            assert!(rec.tag(&media(ts)).unwrap().is_none());
        }
        assert_eq!(rec.max_ts, 80 + 1 + 40 + 1 + 1 + 40);
        let mut limited = Recorder::new(
            tempfile::tempfile().unwrap(),
            dir.path().join("x"),
            &RecordOptions {
                live_duration: Some(1),
                ..RecordOptions::default()
            },
        );
        // A jump does not end --live-duration early: only a second of media does.
        for ts in [0, 40, 9_000_000, 9_000_040] {
            assert!(limited.tag(&media(ts)).unwrap().is_none());
        }
    }

    #[test]
    fn garbage_is_refused_not_buffered() {
        assert!(matches!(
            FlvSplitter::default().push(b"<html>"),
            Err(FlvError::NotFlv(_))
        ));
        assert!(FlvSplitter::default().push(b"FL").unwrap().is_empty());
        let mut s = b"FLV\x01\x05\0\0\0\x09\0\0\0\0".to_vec();
        s.extend_from_slice(&[9, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0]);
        assert!(matches!(
            FlvSplitter::default().push(&s),
            Err(FlvError::TooLarge(..))
        ));
        let mut s = b"FLV\x01\x05\0\0\0\x09\0\0\0\0".to_vec();
        s.extend_from_slice(&[0x55; 11]);
        assert!(matches!(
            FlvSplitter::default().push(&s),
            Err(FlvError::BadTagType(..))
        ));
    }
}
