//! The library's error type: content, connection and platform failures (each with the
//! operation, the URL, and what the user can try next), local ones (this machine's disk, or a
//! refusal to use what is at a name), and bad setup.

use std::fmt;

/// What tikdl was doing when it failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// Reading the URL given.
    ParseUrl,
    /// Following a short link.
    ResolveShortLink,
    /// Fetching a post's or a list's page.
    FetchPage,
    /// Reading the metadata out of a page.
    Extract,
    /// Calling TikTok's list API.
    FetchApi,
    /// Downloading a file.
    Download,
    /// Setting up (client, folders, files).
    Setup,
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::ParseUrl => "parsing URL",
            Self::ResolveShortLink => "resolving short link",
            Self::FetchPage => "fetching page",
            Self::Extract => "extracting metadata from",
            Self::FetchApi => "calling API",
            Self::Download => "downloading",
            Self::Setup => "setting up",
        })
    }
}

/// Why a post's content cannot be had, although TikTok answered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContentReason {
    /// The input is no TikTok URL tikdl can use (why).
    #[error("not a TikTok post URL: {0}")]
    NotTikTok(String),
    /// The post is not there (with what said so).
    #[error("the post was removed or never existed{}", detail(.0))]
    Removed(Option<String>),
    /// Only the author (or their followers) may see it.
    #[error("the post is private")]
    PrivatePost,
    /// The author's account is private.
    #[error("the account is private")]
    PrivateAccount,
    /// No such account.
    #[error("the account does not exist")]
    AccountNotFound,
    /// The account was banned.
    #[error("the account is banned")]
    AccountBanned,
    /// Seen only when logged in (age-restricted, ...).
    #[error("TikTok requires a logged-in session to see this post{}", detail(.0))]
    LoginRequired(Option<String>),
    /// TikTok's own status code for the item, with its message.
    #[error("TikTok answered status {code}{}", detail(.message))]
    OtherStatus {
        /// TikTok's `statusCode`.
        code: u64,
        /// Its `statusMsg`, when it sent one.
        message: Option<String>,
    },
    /// What tikdl cannot do with this input (the text says): a URL of a kind it does not
    /// take, or not there.
    #[error("{0}")]
    Unsupported(String),
    /// The post has nothing the format options ask for (`-f`, `-x`): the text says what it has.
    #[error("{0}")]
    NoFormat(String),
    /// A list its owner keeps to themselves (what it is, e.g. "the liked list of @user").
    #[error("{0} is private")]
    PrivateList(String),
    /// A list TikTok shows only to a logged-in session (what it is).
    #[error("TikTok shows {0} only to a logged-in session")]
    ListNeedsLogin(String),
    /// The account holds no LIVE room now (its name, or the room id asked for).
    #[error("{0} is not live now")]
    NotLive(String),
    /// The LIVE room is age-restricted or followers-only: TikTok shows it to a session only.
    #[error("the LIVE room needs a logged-in session{}", detail(.0))]
    LiveRestricted(Option<String>),
}

fn detail(s: &Option<String>) -> String {
    match s {
        Some(s) if !s.is_empty() => format!(" ({s})"),
        _ => String::new(),
    }
}

/// Why the network exchange failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectionReason {
    /// The host name did not resolve.
    #[error("could not resolve the host name")]
    Dns,
    /// The TLS handshake failed.
    #[error("TLS handshake failed (certificate not trusted or invalid)")]
    Tls,
    /// The certificate is signed by a trusted CA but for another host name.
    #[error("TLS handshake failed: the server's certificate does not match the host name {0}")]
    TlsName(String),
    /// The server's answer cannot be used as HTTP (oversized or malformed head); another try
    /// gets the same answer.
    #[error("bad response: {0}")]
    BadResponse(String),
    /// The CDN answered, but not with the file TikTok announced (wrong size, a web page, more
    /// bytes than promised). Another try or mirror may do better.
    #[error("{0}")]
    BadMedia(String),
    /// No answer in time.
    #[error("timed out")]
    Timeout,
    /// The whole answer did not arrive within this many seconds (a small fetch's deadline).
    #[error("the answer did not arrive whole within {0} s")]
    Deadline(u64),
    /// The host refused the connection.
    #[error("connection refused")]
    Refused,
    /// Any other failure to connect (the text says).
    #[error("connection failed: {0}")]
    Other(String),
    /// An HTTP status tikdl cannot use.
    #[error("HTTP status {0}")]
    Status(u16),
    /// TikTok asks to slow down (HTTP 429).
    #[error("rate-limited by TikTok (HTTP 429)")]
    RateLimited,
    /// TikTok's bot protection refused the request (HTTP 403).
    #[error("blocked by TikTok's bot protection")]
    Blocked,
    /// A redirect tikdl does not follow (the text says why).
    #[error("redirect refused: {0}")]
    Redirect(String),
    /// The answer is larger than tikdl reads.
    #[error("response too large: more than {0} bytes")]
    TooLarge(u64),
    /// A stop was asked for (Ctrl-C, SIGTERM) while it ran; what arrived is kept to resume.
    #[error("{}", crate::stop::STOPPED)]
    Interrupted,
    /// The file is larger than `--max-filesize`: announced so (not downloaded), or, with no
    /// size announced, its bytes passed it (the transfer cut there, nothing kept).
    #[error(
        "{}",
        if *announced {
            format!("the file is {size} bytes, larger than --max-filesize ({max} bytes)")
        } else {
            format!(
                "the file passed --max-filesize ({max} bytes) while downloading (no size was \
                 announced); {size} bytes had arrived"
            )
        }
    )]
    OverMaxFilesize {
        /// The file's announced size, or the bytes that had arrived when it passed the limit.
        size: u64,
        /// The limit.
        max: u64,
        /// Whether `size` was announced (else counted while downloading).
        announced: bool,
    },
}

/// TikTok answered with something tikdl does not understand: the page shape changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlatformReason {
    #[error(
        "no post data in the page (looked for {markers}; page was {size} bytes, title {title:?})"
    )]
    /// The page holds none of the places post data is looked for.
    NoData {
        /// The places looked in.
        markers: String,
        /// The page's size in bytes.
        size: usize,
        /// The page's `<title>`.
        title: String,
    },
    /// The page's post data does not parse.
    #[error("post data is not valid JSON ({0})")]
    BadJson(String),
    /// The page's data holds no item for the post.
    #[error("the page's data has no item for this post")]
    NoItem,
    /// TikTok's bot challenge could not be passed.
    #[error("could not pass TikTok's bot challenge: {0}")]
    Challenge(String),
    /// Every page asked for (desktop, with its cookies, mobile) came without post data.
    #[error("TikTok served an empty page {times} times ({tried}): {detail}")]
    EmptyPage {
        /// Pages asked for.
        times: usize,
        /// `desktop` or `desktop, mobile`.
        tried: String,
        /// What each page was.
        detail: String,
    },
}

/// What went wrong on this machine's disk (never retried: another request cannot fix it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LocalReason {
    /// No space left (ENOSPC, EDQUOT).
    #[error("no space left on the device")]
    DiskFull,
    /// A read-only file system.
    #[error("the file system is read-only")]
    ReadOnly,
    /// Permission denied.
    #[error("permission denied")]
    PermissionDenied,
    /// A file sits where a folder is needed.
    #[error("not a folder")]
    NotAFolder,
    /// Past the file size limit (`ulimit -f`).
    #[error("the file is larger than this process may write (file size limit)")]
    FileTooLarge,
    /// Too many open files.
    #[error("too many open files")]
    TooManyOpenFiles,
    /// A name too long for the file system.
    #[error("file name too long")]
    NameTooLong,
    /// A file or folder vanished meanwhile.
    #[error("no such file or folder (it vanished while tikdl worked)")]
    Vanished,
    /// A file of that name appeared meanwhile.
    #[error("a file of that name appeared at the same moment")]
    AlreadyExists,
    /// The file or device is busy.
    #[error("the file or device is busy")]
    Busy,
    /// The device reported a real I/O error (EIO).
    #[error("input/output error")]
    Io,
    /// Anything else: shown in the operating system's own words (the error's source).
    #[error("local error")]
    Other,
    /// A symbolic link sits where tikdl would write: it is never written through.
    #[error("a symbolic link is in the way")]
    SymlinkRefused,
    /// A folder, FIFO or device sits where tikdl needs a regular file.
    #[error("not a regular file")]
    NotRegularFile,
    /// The name already holds another file (another post's, or the user's): it is kept.
    #[error("the name holds another file")]
    NameTaken,
}

impl LocalReason {
    /// Every reason, for tables keyed by reason.
    const ALL: [Self; 15] = [
        Self::DiskFull,
        Self::ReadOnly,
        Self::PermissionDenied,
        Self::NotAFolder,
        Self::FileTooLarge,
        Self::TooManyOpenFiles,
        Self::NameTooLong,
        Self::Vanished,
        Self::AlreadyExists,
        Self::Busy,
        Self::Io,
        Self::Other,
        Self::SymlinkRefused,
        Self::NotRegularFile,
        Self::NameTaken,
    ];

    /// Sorts an I/O error from a local file operation.
    pub fn of(err: &std::io::Error) -> Self {
        use std::io::ErrorKind as K;
        #[cfg(unix)]
        match err.raw_os_error() {
            Some(libc::EMFILE | libc::ENFILE) => return Self::TooManyOpenFiles,
            Some(libc::EIO) => return Self::Io,
            _ => {}
        }
        match err.kind() {
            K::StorageFull | K::QuotaExceeded => Self::DiskFull,
            K::ReadOnlyFilesystem => Self::ReadOnly,
            K::PermissionDenied => Self::PermissionDenied,
            K::NotADirectory => Self::NotAFolder,
            K::FileTooLarge => Self::FileTooLarge,
            K::InvalidFilename => Self::NameTooLong,
            K::NotFound => Self::Vanished,
            K::AlreadyExists => Self::AlreadyExists,
            K::ResourceBusy | K::ExecutableFileBusy => Self::Busy,
            _ => Self::Other,
        }
    }

    /// Whether every later write to the same place will fail the same way, so a batch should stop
    /// instead of failing each remaining post alike.
    pub fn is_fatal_for_run(self) -> bool {
        matches!(self, Self::DiskFull | Self::ReadOnly | Self::FileTooLarge)
    }
}

/// A local error as shown: a refusal's own sentence, or `{what} {path}: {reason}` with
/// [`LocalReason::Other`] in the operating system's own words.
fn local_message(e: &Error) -> String {
    let Error::Local {
        reason,
        what,
        path,
        refusal,
        source,
    } = e
    else {
        return String::new();
    };
    if let Some(message) = refusal {
        return message.clone();
    }
    match (reason, source) {
        (LocalReason::Other, Some(e)) => format!("{what} {path}: {e}"),
        _ => format!("{what} {path}: {reason}"),
    }
}

/// The kinds, as a machine-readable word (`"content"`, `"connection"`, `"platform"`, `"local"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// TikTok answered, but the post cannot be had (removed, private, not a post URL).
    Content,
    /// The network exchange failed.
    Connection,
    /// TikTok answered with something tikdl does not understand.
    Platform,
    /// A failure on this machine (disk full, read-only, permission denied).
    Local,
}

impl ErrorKind {
    /// The kind as its word in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Content => "content",
            Self::Connection => "connection",
            Self::Platform => "platform",
            Self::Local => "local",
        }
    }
}

type Source = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Every failure the library reports: its kind, what tikdl was doing, on which URL or file, and
/// what the user can try next ([`Error::suggestions`]).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// See [`ErrorKind::Content`].
    #[error("{operation} {url}: {reason}")]
    Content {
        /// Why.
        reason: ContentReason,
        /// What tikdl was doing.
        operation: Operation,
        /// The URL it was doing it on.
        url: String,
        /// What to try next.
        suggestions: Vec<String>,
    },
    /// See [`ErrorKind::Connection`].
    #[error("{operation} {url}: {reason}")]
    Connection {
        /// Why.
        reason: ConnectionReason,
        /// What tikdl was doing.
        operation: Operation,
        /// The URL it was doing it on.
        url: String,
        /// What to try next.
        suggestions: Vec<String>,
        /// The client's own error, when there is one.
        #[source]
        source: Option<Source>,
    },
    /// See [`ErrorKind::Platform`].
    #[error("{operation} {url}: {reason}")]
    Platform {
        /// Why.
        reason: PlatformReason,
        /// What tikdl was doing.
        operation: Operation,
        /// The URL it was doing it on.
        url: String,
        /// What to try next.
        suggestions: Vec<String>,
    },
    /// A local file operation failed (`{what} {path}` says which, `reason` why), or tikdl
    /// refused one (`refusal` says what is in the way and what to do).
    #[error("{}", local_message(self))]
    Local {
        /// Why.
        reason: LocalReason,
        /// What tikdl was doing (`writing`, `creating the folder`, ...).
        what: String,
        /// The file or folder.
        path: String,
        /// A refusal's whole sentence; `None` for a failed operation.
        refusal: Option<String>,
        /// The operating system's error.
        #[source]
        source: Option<std::io::Error>,
    },
    /// Bad setup: a flag or configuration value, a certificate file, a cookies file (its code is
    /// `config`).
    #[error("{0}")]
    Setup(String),
    /// The command run after a post was saved (`--exec`) failed: the post's files stay, but it is
    /// not archived, so the next run runs the command again (its code is `exec_failed`).
    #[error("{url}: the command after saving failed: {why}")]
    AfterSave {
        /// The post.
        url: String,
        /// Which command, and how it failed.
        why: String,
        /// What to try next.
        suggestions: Vec<String>,
    },
}

impl Error {
    /// An error of kind content, with the hints that go with `reason`.
    pub fn content(reason: ContentReason, operation: Operation, url: &str) -> Self {
        let suggestions = content_suggestions(&reason);
        Self::Content {
            reason,
            operation,
            url: url.to_owned(),
            suggestions,
        }
    }

    /// An error of kind content with its own hints, for a reason whose usual ones do not fit
    /// (an [`ContentReason::Unsupported`] that is not about the kind of URL).
    pub fn content_hinted(
        reason: ContentReason,
        operation: Operation,
        url: &str,
        suggestions: &[&str],
    ) -> Self {
        Self::Content {
            reason,
            operation,
            url: url.to_owned(),
            suggestions: suggestions.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// `url` is not a TikTok URL tikdl can use (`why` says what is wrong with it).
    pub fn not_tiktok(why: impl fmt::Display, operation: Operation, url: &str) -> Self {
        Self::content(ContentReason::NotTikTok(why.to_string()), operation, url)
    }

    /// An error of kind connection, with the hints that go with `reason`.
    pub fn connection(reason: ConnectionReason, operation: Operation, url: &str) -> Self {
        let suggestions = connection_suggestions(&reason);
        Self::Connection {
            reason,
            operation,
            url: url.to_owned(),
            suggestions,
            source: None,
        }
    }

    /// An error of kind platform, with its hints.
    pub fn platform(reason: PlatformReason, operation: Operation, url: &str) -> Self {
        let suggestions = match reason {
            // A challenge that solving does not lift is a block, not a layout change.
            PlatformReason::Challenge(_) => vec![
                "TikTok is blocking automated requests from this network: retry later".to_owned(),
                "pass --cookies from a browser where the post plays, or try --proxy".to_owned(),
            ],
            _ => vec![
                "TikTok may have changed its page layout: update tikdl".to_owned(),
                "retry later; if it persists, report it with the output of -vv".to_owned(),
            ],
        };
        Self::Platform {
            reason,
            operation,
            url: url.to_owned(),
            suggestions,
        }
    }

    /// A failed local file operation: `what` is the action ("writing", "creating the folder"),
    /// `path` the file or folder it was done to.
    pub fn local(err: std::io::Error, what: &str, path: &std::path::Path) -> Self {
        Self::Local {
            reason: LocalReason::of(&err),
            what: what.to_owned(),
            path: path.display().to_string(),
            refusal: None,
            source: Some(err),
        }
    }

    /// tikdl refused to use `path` (a link, a folder or device, another file at the name):
    /// `message` is the whole sentence, naming the path and what to do.
    pub fn refused(reason: LocalReason, path: &std::path::Path, message: String) -> Self {
        Self::Local {
            reason,
            what: "refusing".to_owned(),
            path: path.display().to_string(),
            refusal: Some(message),
            source: None,
        }
    }

    /// The command after saving `url` failed (`why`: which command and how).
    pub fn after_save(url: &str, why: String) -> Self {
        Self::AfterSave {
            url: url.to_owned(),
            why,
            suggestions: vec![
                "fix the command: the post's files are kept and it is not archived, so the next \
                 run (or a retry from --failed-file) runs it again"
                    .to_owned(),
            ],
        }
    }

    /// Whether this is a local failure that every later post would meet too (disk full,
    /// read-only file system, file size limit).
    pub fn is_fatal_for_run(&self) -> bool {
        matches!(self, Self::Local { reason, .. } if reason.is_fatal_for_run())
    }

    pub(crate) fn with_source(
        mut self,
        err: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        if let Self::Connection { source, .. } = &mut self {
            *source = Some(Box::new(err));
        }
        self
    }

    /// Content, connection, platform or local.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Content { .. } | Self::Setup(_) => ErrorKind::Content,
            Self::Connection { .. } => ErrorKind::Connection,
            Self::Platform { .. } => ErrorKind::Platform,
            Self::Local { .. } | Self::AfterSave { .. } => ErrorKind::Local,
        }
    }

    /// A short stable word for scripts (`removed`, `private_post`, `timeout`, ...).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Content { reason, .. } => match reason {
                ContentReason::NotTikTok(_) => "not_tiktok",
                ContentReason::Removed(_) => "removed",
                ContentReason::PrivatePost => "private_post",
                ContentReason::PrivateAccount => "private_account",
                ContentReason::AccountNotFound => "account_not_found",
                ContentReason::AccountBanned => "account_banned",
                ContentReason::LoginRequired(_) => "login_required",
                ContentReason::OtherStatus { .. } => "status",
                ContentReason::Unsupported(_) => "unsupported",
                ContentReason::NoFormat(_) => "no_format",
                ContentReason::PrivateList(_) => "private_list",
                ContentReason::ListNeedsLogin(_) => "login_required",
                ContentReason::NotLive(_) => "not_live",
                ContentReason::LiveRestricted(_) => "live_restricted",
            },
            Self::Connection { reason, .. } => match reason {
                ConnectionReason::Dns => "dns",
                ConnectionReason::Tls | ConnectionReason::TlsName(_) => "tls",
                ConnectionReason::BadResponse(_) => "bad_response",
                ConnectionReason::BadMedia(_) => "bad_media",
                ConnectionReason::Timeout | ConnectionReason::Deadline(_) => "timeout",
                ConnectionReason::Refused => "refused",
                ConnectionReason::Other(_) => "connection",
                ConnectionReason::Status(_) => "http_status",
                ConnectionReason::RateLimited => "rate_limited",
                ConnectionReason::Blocked => "blocked",
                ConnectionReason::Redirect(_) => "redirect",
                ConnectionReason::TooLarge(_) => "too_large",
                ConnectionReason::Interrupted => "interrupted",
                ConnectionReason::OverMaxFilesize { .. } => "max_filesize",
            },
            Self::Platform { reason, .. } => match reason {
                PlatformReason::NoData { .. } => "no_data",
                PlatformReason::BadJson(_) => "bad_json",
                PlatformReason::NoItem => "no_item",
                PlatformReason::Challenge(_) => "challenge",
                PlatformReason::EmptyPage { .. } => "empty_page",
            },
            Self::Local { reason, .. } => match reason {
                LocalReason::DiskFull => "disk_full",
                LocalReason::ReadOnly => "read_only",
                LocalReason::PermissionDenied => "permission_denied",
                LocalReason::NotAFolder => "not_a_folder",
                LocalReason::FileTooLarge => "file_too_large",
                LocalReason::TooManyOpenFiles => "too_many_open_files",
                LocalReason::NameTooLong => "name_too_long",
                LocalReason::Vanished => "vanished",
                LocalReason::AlreadyExists => "already_exists",
                LocalReason::Busy => "busy",
                LocalReason::Io => "io_error",
                LocalReason::Other => "local_io",
                LocalReason::SymlinkRefused => "symlink_refused",
                LocalReason::NotRegularFile => "not_regular_file",
                LocalReason::NameTaken => "name_taken",
            },
            Self::Setup(_) => "config",
            Self::AfterSave { .. } => "exec_failed",
        }
    }

    /// The URL the error is about (none for a local or configuration error).
    pub fn url(&self) -> Option<&str> {
        match self {
            Self::Content { url, .. }
            | Self::Connection { url, .. }
            | Self::Platform { url, .. }
            | Self::AfterSave { url, .. } => Some(url),
            Self::Local { .. } | Self::Setup(_) => None,
        }
    }

    /// What the user can try next.
    pub fn suggestions(&self) -> &[String] {
        match self {
            Self::Content { suggestions, .. }
            | Self::Connection { suggestions, .. }
            | Self::Platform { suggestions, .. }
            | Self::AfterSave { suggestions, .. } => suggestions,
            Self::Local { reason, .. } => local_suggestions(*reason),
            Self::Setup(_) => &[],
        }
    }

    /// Whether trying the same request again may help (used by the retry policy).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Self::Connection {
                reason: ConnectionReason::Timeout
                    | ConnectionReason::Deadline(_)
                    | ConnectionReason::Refused
                    | ConnectionReason::Other(_)
                    | ConnectionReason::BadMedia(_)
                    | ConnectionReason::RateLimited,
                ..
            }
        ) || matches!(self, Self::Connection { reason: ConnectionReason::Status(s), .. } if *s == 408 || *s >= 500)
    }
}

/// What to try after a local failure; a refusal's sentence already says it.
fn local_hint(reason: LocalReason) -> Option<&'static str> {
    Some(match reason {
        LocalReason::DiskFull => "free space on that disk or choose another folder with -P",
        LocalReason::ReadOnly => "choose a writable folder with -P",
        LocalReason::PermissionDenied => {
            "check the folder's permissions or choose another folder with -P"
        }
        LocalReason::NotAFolder => {
            "a file sits where a folder is needed: move it or choose another -P"
        }
        LocalReason::FileTooLarge => {
            "raise the file size limit (ulimit -f) or choose another folder with -P"
        }
        LocalReason::TooManyOpenFiles => {
            "raise the limit of open files (ulimit -n) or lower --jobs"
        }
        LocalReason::NameTooLong => {
            "shorten -P or the output template -o (a name may have at most 255 bytes)"
        }
        LocalReason::Vanished => {
            "another program (or another tikdl) removed it meanwhile: run the same command again"
        }
        LocalReason::AlreadyExists => {
            "another program (or another tikdl) wrote the same name: run the same command again"
        }
        LocalReason::Busy => {
            "another program is using it: run the same command again once it is done"
        }
        LocalReason::Io => "check the disk (dmesg) or choose another folder with -P",
        LocalReason::Other => "choose another folder with -P",
        LocalReason::SymlinkRefused | LocalReason::NotRegularFile | LocalReason::NameTaken => {
            return None;
        }
    })
}

/// [`local_hint`] as the `&'static [String]` that [`Error::suggestions`] hands out.
fn local_suggestions(reason: LocalReason) -> &'static [String] {
    use std::sync::OnceLock;
    static TABLE: OnceLock<Vec<(LocalReason, Vec<String>)>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        LocalReason::ALL
            .iter()
            .map(|&r| (r, local_hint(r).map(str::to_owned).into_iter().collect()))
            .collect()
    });
    table
        .iter()
        .find(|(r, _)| *r == reason)
        .map_or(&[], |(_, hints)| hints.as_slice())
}

fn content_suggestions(reason: &ContentReason) -> Vec<String> {
    let s: &[&str] = match reason {
        ContentReason::NotTikTok(_) => {
            &["pass a post URL such as https://www.tiktok.com/@user/video/1234567890123456789"]
        }
        ContentReason::Removed(_) => &[
            "check the URL in a browser; the post may have been deleted",
            "if it plays in your browser, TikTok may be blocking this IP: retry later or use --proxy",
        ],
        ContentReason::PrivatePost | ContentReason::PrivateAccount => &[
            "pass --cookies from an account that follows the author (Netscape cookies.txt), or \
             --cookies-from-browser firefox (or chrome, ...) logged in as it",
        ],
        ContentReason::AccountNotFound | ContentReason::AccountBanned => {
            &["check the user name in the URL"]
        }
        ContentReason::LoginRequired(_) => &[
            "pass --cookies exported from a browser where you are logged in to TikTok, or read \
             that browser directly: --cookies-from-browser firefox (or chrome, ...)",
        ],
        ContentReason::OtherStatus { .. } => &["retry later; run with -vv to see TikTok's answer"],
        ContentReason::Unsupported(_) => {
            &["tikdl supports post, short-link, profile, collection, music and tag URLs"]
        }
        ContentReason::NoFormat(_) => &[
            "`tikdl info URL` lists the post's formats (`--json`: formats[].format_id and ext); \
             give -f one it has, or a fallback: -f mp4/best, -f ba/best",
        ],
        ContentReason::PrivateList(_) => &[
            "only its owner can list it: pass --cookies FILE with that account's logged-in \
             session, or ask them to make it public",
        ],
        ContentReason::ListNeedsLogin(_) => &[
            "pass --cookies FILE with your logged-in session (a cookies.txt holding sessionid), \
             or --cookies-from-browser firefox (or chrome, ...)",
        ],
        ContentReason::NotLive(_) => {
            &["--wait-for-live waits until the account goes live, then records"]
        }
        ContentReason::LiveRestricted(_) => &[
            "pass --cookies exported from a browser where you are logged in and can watch it, or \
             --cookies-from-browser firefox (or chrome, ...)",
        ],
    };
    s.iter().map(|s| (*s).to_owned()).collect()
}

fn connection_suggestions(reason: &ConnectionReason) -> Vec<String> {
    let s: &[&str] = match reason {
        ConnectionReason::Dns | ConnectionReason::Refused | ConnectionReason::Other(_) => &[
            "check your network connection or --proxy setting",
            "retry later",
        ],
        ConnectionReason::Tls => &[
            "if you use an intercepting proxy, pass its CA with --ca-cert FILE",
            "--no-check-certificate disables verification (unsafe)",
        ],
        ConnectionReason::TlsName(_) => &[
            "something between you and TikTok answers with another site's certificate: check \
             --connect-to, --proxy and your DNS",
        ],
        ConnectionReason::BadMedia(_) => &[
            "TikTok's CDN sent something other than the announced file, on every try and \
             mirror: retry later; if it persists, report it with the output of -vv",
        ],
        ConnectionReason::BadResponse(_) => &[
            "the server sent oversized or malformed headers, which a retry would not change: \
             check --proxy / --connect-to, or retry much later",
        ],
        ConnectionReason::Status(431) => &[
            "the server refused the request's headers as too large (HTTP 431): the cookies \
             (--cookies) or --header values are too big",
        ],
        ConnectionReason::Timeout => &["retry later or raise --timeout"],
        ConnectionReason::Deadline(_) => &[
            "the server sends too slowly to finish within twice --timeout: retry later, raise \
             --timeout, or check --proxy",
        ],
        ConnectionReason::Status(s) if *s == 403 => {
            &["TikTok refused the request: retry later, or pass --cookies"]
        }
        ConnectionReason::Status(404 | 410) => &[
            "TikTok says this address is gone (HTTP 404/410): the post, list or room it \
               named may have changed since; retry later, or from its page's URL",
        ],
        ConnectionReason::Status(_) => &["retry later"],
        ConnectionReason::RateLimited | ConnectionReason::Blocked => &[
            "retry later or lower --rate-limit",
            "a different network or --proxy may help",
        ],
        ConnectionReason::Redirect(_) => &["the link may be broken or not point to TikTok"],
        ConnectionReason::TooLarge(_) => {
            &["the server sent far more than a TikTok page; check --proxy"]
        }
        ConnectionReason::Interrupted => &["run the same command again to resume"],
        ConnectionReason::OverMaxFilesize { .. } => {
            &["raise --max-filesize, or choose a smaller rendition with -f"]
        }
    };
    s.iter().map(|s| (*s).to_owned()).collect()
}

/// Classifies a reqwest failure into the connection reasons users can act on.
pub(crate) fn from_reqwest(err: reqwest::Error, operation: Operation, url: &str) -> Error {
    let cause = tidy_cause(&err);
    // A request tikdl refused before sending (`http::HttpClient::media_request`).
    if err.is_builder() && cause.ends_with("; refusing") {
        return Error::Content {
            reason: ContentReason::Unsupported(cause),
            operation,
            url: url.to_owned(),
            suggestions: vec![
                "the page names a media URL outside TikTok's CDN (https on the hosts listed in \
                 the README's \"Trusted hosts\"); report it if TikTok moved its CDN"
                    .to_owned(),
            ],
        };
    }
    let chain = error_chain_text(&err);
    if chain.contains("message head is too large") || chain.contains("headers too large") {
        return Error::connection(
            ConnectionReason::BadResponse("the server sent oversized response headers".into()),
            operation,
            url,
        );
    }
    if chain.contains("notvalidforname") || chain.contains("not valid for name") {
        let host = reqwest::Url::parse(url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_default();
        return Error::connection(ConnectionReason::TlsName(host), operation, url).with_source(err);
    }
    let reason = if err.is_timeout() {
        ConnectionReason::Timeout
    } else if err.is_body() || err.is_decode() {
        // Cut off mid-body (rustls reports a close without close_notify, which mentions "tls"):
        // not a certificate problem, and worth resuming.
        ConnectionReason::Other(cause)
    } else {
        // The server hung up after the handshake (curl's "Empty reply from server"): rustls
        // names TLS in that message, but the certificate was fine, so it must not be blamed.
        if chain.contains("close_notify")
            || chain.contains("connection closed")
            || chain.contains("unexpected eof")
            || chain.contains("connection reset")
        {
            ConnectionReason::Other(cause)
        } else if chain.contains("certificate")
            || chain.contains("tls")
            || chain.contains("handshake")
        {
            ConnectionReason::Tls
        } else if chain.contains("dns error")
            || chain.contains("failed to lookup")
            || chain.contains("resolve")
        {
            ConnectionReason::Dns
        } else if chain.contains("refused") {
            ConnectionReason::Refused
        } else {
            ConnectionReason::Other(cause)
        }
    };
    Error::connection(reason, operation, url).with_source(err)
}

/// The innermost cause of `err`, in words for a user: a rustls manual link is dropped, and an
/// early close says so plainly.
pub(crate) fn tidy_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let cause = last_cause(err);
    if cause.contains("close_notify") {
        return "the server closed the connection before the end of the answer".to_owned();
    }
    match cause.find(": https://docs.rs/") {
        Some(i) => cause[..i].to_owned(),
        None => cause,
    }
}

fn error_chain_text(err: &(dyn std::error::Error + 'static)) -> String {
    let mut out = String::new();
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        out.push_str(&e.to_string().to_ascii_lowercase());
        out.push('\n');
        cur = e.source();
    }
    out
}

fn last_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut cur: &(dyn std::error::Error + 'static) = err;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(errno: i32) -> (String, &'static str, String) {
        let e = Error::local(
            std::io::Error::from_raw_os_error(errno),
            "writing",
            std::path::Path::new("./x"),
        );
        let hint = e.suggestions().join(" ");
        (e.to_string(), e.code(), hint)
    }

    #[test]
    fn local_errors_are_named_by_their_real_cause() {
        let (text, code, hint) = shown(libc::EMFILE);
        assert_eq!(text, "writing ./x: too many open files");
        assert_eq!(code, "too_many_open_files");
        assert!(hint.contains("ulimit -n"), "{hint}");
        assert_eq!(shown(libc::ENFILE).1, "too_many_open_files");
        let (text, _, hint) = shown(libc::ENAMETOOLONG);
        assert!(text.ends_with("file name too long"), "{text}");
        assert!(hint.contains("shorten -P"), "{hint}");
        assert!(shown(libc::ENOENT).0.contains("vanished"));
        assert_eq!(shown(libc::EEXIST).1, "already_exists");
        assert_eq!(shown(libc::EBUSY).1, "busy");
    }

    #[test]
    fn only_a_real_io_error_sends_people_to_the_disk() {
        let (text, code, hint) = shown(libc::EIO);
        assert!(text.ends_with("input/output error"), "{text}");
        assert_eq!(code, "io_error");
        assert!(hint.contains("check the disk"), "{hint}");
        for errno in [libc::EMFILE, libc::ENAMETOOLONG, libc::ENOENT, libc::EINVAL] {
            let (text, _, hint) = shown(errno);
            assert!(!hint.contains("check the disk"), "{text}: {hint}");
        }
        // Unmapped: the operating system's own words.
        let (text, code, _) = shown(libc::EINVAL);
        assert!(text.contains("Invalid argument"), "{text}");
        assert_eq!(code, "local_io");
    }

    #[test]
    fn a_post_without_the_format_asked_is_hinted_at_formats_not_url_kinds() {
        let e = Error::content(
            ContentReason::NoFormat("no format matches -f m4a; this post has: audio".into()),
            Operation::Download,
            "https://www.tiktok.com/@u/video/7608826249200356630",
        );
        assert_eq!(e.code(), "no_format");
        let hint = e.suggestions().join(" ");
        assert!(
            hint.contains("tikdl info URL") && hint.contains("-f"),
            "{hint}"
        );
        assert!(!hint.contains("URLs"), "{hint}");
        // The kinds of URL stay the hint of an unsupported URL.
        let url = Error::content(
            ContentReason::Unsupported("not a list".into()),
            Operation::ParseUrl,
            "https://www.tiktok.com/foo",
        );
        assert!(url.suggestions().join(" ").contains("short-link"));
    }
}
