//! Recognition of the TikTok URLs a user pastes. Pure: no network access.
//!
//! Parsing goes through the `url` crate so that the host we check is the host a
//! client would actually connect to (userinfo tricks, IDNA, case, ports).

use std::fmt::Write as _;

use crate::model::{PostId, PostIdError};

/// Kind of a single post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostKind {
    /// `/video/{id}` (and every other post URL).
    Video,
    /// `/photo/{id}`: a slideshow.
    Photo,
}

/// What a URL points to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PostRef {
    /// A single post. `id` is all digits; `user` is without `@`, kept only when
    /// the URL's user part is a plain account name (letters, digits, `.`, `_`,
    /// `-`, as yt-dlp's `TikTokIE` matches it), `None` for anything else (empty,
    /// `_`, percent-encoded bytes, other text, overlong). Only host, kind and id
    /// decide what the post is; the user part is never trusted beyond that.
    Post {
        /// The post's id.
        id: PostId,
        /// Which path the URL took.
        kind: PostKind,
        /// The account name of the URL, when it is a plain one.
        user: Option<String>,
    },
    /// A short link that must be resolved by following its redirect.
    ShortLink {
        /// The link.
        url: url::Url,
    },
    /// A profile's posts (`/@user`).
    Profile {
        /// The account name, without `@`.
        user: String,
    },
    /// A collection's posts (`/@user/collection/{name}-{id}`).
    Collection {
        /// The owner's account name.
        user: String,
        /// The collection's name as the URL spells it.
        name: String,
        /// The collection's id.
        id: String,
    },
    /// A sound's posts (`/music/{name}-{id}`).
    Music {
        /// The sound's name as the URL spells it.
        name: String,
        /// The sound's id.
        id: String,
    },
    /// A hashtag's posts (`/tag/{name}`).
    Tag {
        /// The hashtag, decoded, without `#`.
        name: String,
    },
    /// A tab of a profile (`/@user/reposts`, `stories`, `likes`, `saved`), or a profile's posts
    /// given by its secUid (`tiktokuser:SECUID`, `/@SECUID`).
    UserTab {
        /// The account, by name or by secUid.
        account: Account,
        /// Which tab.
        tab: Tab,
    },
    /// A profile's picture at full size (`/@user/avatar`): a list of one image.
    Avatar {
        /// The account name, without `@`.
        user: String,
    },
    /// A playlist, TikTok's "mix" (`/@user/playlist/{name}-{id}`).
    Playlist {
        /// The owner's account name.
        user: String,
        /// The playlist's name as the URL spells it.
        name: String,
        /// The mix id.
        id: String,
    },
    /// A LIVE room: `/@user/live` (the account's current room) or `/share/live/{room_id}`
    /// (yt-dlp `yt_dlp/extractor/tiktok.py` TikTokLiveIE `_VALID_URL`: both forms).
    Live {
        /// The account name, when the URL names one.
        user: Option<String>,
        /// The room id, when the URL names one (room ids are numbered as posts are).
        room_id: Option<PostId>,
    },
}

/// An account as a URL names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Account {
    /// Its name (`uniqueId`), without `@`.
    Name(String),
    /// Its `secUid` (`MS4wLjABAAAA...`): what the list APIs take, so no profile page is needed.
    SecUid(String),
}

/// The tabs of a profile tikdl lists (`/@user/posts` is the profile itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    /// The account's own posts (only for an account given by secUid).
    Posts,
    /// Posts it reposted.
    Reposts,
    /// Its active stories.
    Stories,
    /// Posts it liked (when the account shows them).
    Likes,
    /// The logged-in account's own favourites ("saved").
    Saved,
}

impl Tab {
    /// The tab's path word, as in `/@user/{word}`.
    pub fn word(self) -> &'static str {
        match self {
            Tab::Posts => "posts",
            Tab::Reposts => "reposts",
            Tab::Stories => "stories",
            Tab::Likes => "likes",
            Tab::Saved => "saved",
        }
    }
}

impl Account {
    /// The `@` part of a URL: the name or the secUid.
    pub fn as_str(&self) -> &str {
        match self {
            Account::Name(s) | Account::SecUid(s) => s,
        }
    }
}

/// Why an input is not a TikTok URL we can handle.
#[derive(Debug, thiserror::Error)]
pub enum UrlError {
    #[error("empty input: expected a TikTok URL")]
    Empty,
    #[error("{input:?} is not a URL: {reason}")]
    NotUrl { input: String, reason: String },
    #[error("unsupported scheme {scheme:?}: only http and https TikTok URLs are accepted")]
    NotHttp { scheme: String },
    #[error(
        "the URL hides its real host behind a user name ({userinfo:?} before '@'); \
         it actually points to {host}, which is not a TikTok host"
    )]
    UserInfo { userinfo: String, host: String },
    #[error("{host} is an IP address, not a TikTok host")]
    IpHost { host: String },
    #[error("the URL has no host")]
    NoHost,
    #[error("{host} is not a TikTok host")]
    NotTikTok { host: String },
    #[error(
        "{host} is not a TikTok host: it only resembles one (TikTok uses tiktok.com and tiktokv.com)"
    )]
    LookAlike { host: String },
    #[error(
        "unsupported TikTok page {path:?}: expected a video, photo, short link, profile (or its \
         posts, reposts, stories, likes, saved or avatar tab), playlist, collection, music or tag URL"
    )]
    UnsupportedPage { path: String },
    #[error("the {what} URL is missing its id")]
    MissingId { what: &'static str },
    #[error("the {what} id {id:?} is not numeric")]
    NonNumericId { what: &'static str, id: String },
    #[error("the {what} id {id:?} has {len} digits; TikTok ids have 15 to 20 digits")]
    IdLength {
        what: &'static str,
        id: String,
        len: usize,
    },
    #[error("the short link is missing its code")]
    MissingShortCode,
    #[error("the short link code {code:?} contains characters TikTok never uses")]
    BadShortCode { code: String },
    #[error(
        "the {what} URL is missing the user name: a {what} is looked up through its \
         account, so the part after '@' must be the account's name (such as @scout2015)"
    )]
    MissingUser { what: &'static str },
    #[error(
        "{user:?} is not a TikTok user name (letters, digits, '.' and '_' only): a {what} is \
         looked up through its account, so the part after '@' must be the account's name"
    )]
    BadUser { user: String, what: &'static str },
    #[error("the {what} URL is missing its name")]
    MissingName { what: &'static str },
    #[error("the {what} name is not valid percent-encoded UTF-8")]
    BadEncoding { what: &'static str },
    #[error(
        "{host} is Douyin, ByteDance's Chinese app: another site with its own API, which tikdl \
         does not support (only tiktok.com and tiktokv.com)"
    )]
    Douyin { host: String },
    #[error("{what} ({path:?}) are not supported: {why}")]
    OutOfScope {
        what: &'static str,
        path: String,
        why: &'static str,
    },
    #[error(
        "{secuid:?} is not a secUid: TikTok's start with MS4wLjABAAAA followed by letters, digits, '-' and '_'"
    )]
    BadSecUid { secuid: String },
}

impl PostRef {
    /// Whether this URL names a list of posts (profile, collection, sound, hashtag) that
    /// the list stage (`lists::stream`) turns into its posts.
    pub fn is_list(&self) -> bool {
        matches!(
            self,
            PostRef::Profile { .. }
                | PostRef::Collection { .. }
                | PostRef::Music { .. }
                | PostRef::Tag { .. }
                | PostRef::UserTab { .. }
                | PostRef::Avatar { .. }
                | PostRef::Playlist { .. }
        )
    }

    /// The URL to fetch (or, for short links, to resolve).
    pub fn canonical_url(&self) -> String {
        match self {
            PostRef::Post { id, kind, user } => {
                let kind = match kind {
                    PostKind::Video => "video",
                    PostKind::Photo => "photo",
                };
                // yt-dlp 2026.10.26 (`tiktok.py`, `_create_url`) asks for
                // `https://www.tiktok.com/@{user or '_'}/video/{id}`: the id decides, and `user`
                // is only ever a plain name here (see `post_user`), so nothing odd is sent.
                let user = user.as_deref().unwrap_or("_");
                format!("https://www.tiktok.com/@{user}/{kind}/{id}")
            }
            PostRef::ShortLink { url } => url.to_string(),
            PostRef::Profile { user } => format!("https://www.tiktok.com/@{user}"),
            PostRef::Collection { user, name, id } => {
                www_url(&[&format!("@{user}"), "collection", &format!("{name}-{id}")])
            }
            PostRef::Music { name, id } => www_url(&["music", &format!("{name}-{id}")]),
            PostRef::Tag { name } => www_url(&["tag", name]),
            // yt-dlp's form: it holds any secUid, however long.
            PostRef::UserTab {
                account: Account::SecUid(sec),
                tab: Tab::Posts,
            } => format!("tiktokuser:{sec}"),
            PostRef::UserTab {
                account,
                tab: Tab::Posts,
            } => www_url(&[&format!("@{}", account.as_str())]),
            PostRef::UserTab { account, tab } => {
                www_url(&[&format!("@{}", account.as_str()), tab.word()])
            }
            PostRef::Avatar { user } => www_url(&[&format!("@{user}"), "avatar"]),
            PostRef::Playlist { user, name, id } => {
                www_url(&[&format!("@{user}"), "playlist", &format!("{name}-{id}")])
            }
            PostRef::Live {
                user: Some(user), ..
            } => {
                format!("https://www.tiktok.com/@{user}/live")
            }
            PostRef::Live { room_id, .. } => {
                let id = room_id.as_ref().map_or("", |id| id.as_str());
                format!("https://m.tiktok.com/share/live/{id}")
            }
        }
    }
}

/// Builds `https://www.tiktok.com/{segments}` with each segment percent-encoded,
/// since names may hold spaces, '/', '?' or non-ASCII text.
fn www_url(segments: &[&str]) -> String {
    let mut out = String::from("https://www.tiktok.com");
    for seg in segments {
        out.push('/');
        for b in seg.bytes() {
            // RFC 3986 unreserved characters plus '@' stay as they are.
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'@') {
                out.push(b as char);
            } else {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

/// True for `tiktok.com`, `tiktokv.com` and their subdomains (case-insensitive,
/// one trailing dot allowed). Used to vet redirect targets, so it is strict:
/// every label must be a plausible DNS label.
pub fn is_tiktok_host(host: &str) -> bool {
    ["tiktok.com", "tiktokv.com"]
        .iter()
        .any(|domain| crate::hosts::in_domain(host, domain))
}

/// Parses a pasted TikTok URL.
pub fn parse(input: &str) -> Result<PostRef, UrlError> {
    let input = input.trim();
    if input.is_empty() {
        return Err(UrlError::Empty);
    }
    // yt-dlp's `TikTokUserIE` accepts `tiktokuser:SECUID` (`yt_dlp/extractor/tiktok.py`,
    // `_VALID_URL`): a profile by its secUid, for accounts whose page does not give it.
    if let Some(sec) = input
        .get(..11)
        .filter(|p| p.eq_ignore_ascii_case("tiktokuser:"))
        .map(|_| &input[11..])
    {
        return Ok(PostRef::UserTab {
            account: Account::SecUid(check_sec_uid(sec)?),
            tab: Tab::Posts,
        });
    }
    let url = parse_with_default_scheme(input)?;
    let host = vet_host(&url)?;
    route(&host, &url)
}

fn parse_with_default_scheme(input: &str) -> Result<url::Url, UrlError> {
    let not_url = |e: url::ParseError| UrlError::NotUrl {
        input: shorten(input),
        reason: e.to_string(),
    };
    let with_https = || url::Url::parse(&format!("https://{input}")).map_err(not_url);
    let url = match url::Url::parse(input) {
        Ok(u) => u,
        // "www.tiktok.com/@a/video/1": users often paste without a scheme.
        Err(url::ParseError::RelativeUrlWithoutBase) => with_https()?,
        Err(e) => return Err(not_url(e)),
    };
    match url.scheme() {
        "http" | "https" => Ok(url),
        // "tiktok.com:443/..." parses with scheme "tiktok.com"; a real scheme
        // never contains a dot, so it was a host without a scheme.
        s if s.contains('.') && !input.contains("://") => with_https(),
        s => Err(UrlError::NotHttp {
            scheme: s.to_owned(),
        }),
    }
}

fn shorten(s: &str) -> String {
    const MAX: usize = 100;
    match s.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}...", &s[..i]),
        None => s.to_owned(),
    }
}

/// Returns the lowercase host without trailing dot if it belongs to TikTok.
fn vet_host(url: &url::Url) -> Result<String, UrlError> {
    let host = match url.host() {
        None => return Err(UrlError::NoHost),
        Some(url::Host::Ipv4(ip)) => {
            return Err(UrlError::IpHost {
                host: ip.to_string(),
            });
        }
        Some(url::Host::Ipv6(ip)) => {
            return Err(UrlError::IpHost {
                host: ip.to_string(),
            });
        }
        Some(url::Host::Domain(d)) => d.to_ascii_lowercase(),
    };
    // "www.tiktok.com@evil.example" makes www.tiktok.com a user name and
    // evil.example the host; TikTok links never carry credentials.
    if !url.username().is_empty() || url.password().is_some() {
        let mut userinfo = url.username().to_owned();
        if url.password().is_some() {
            userinfo.push_str(":...");
        }
        return Err(UrlError::UserInfo { userinfo, host });
    }
    if is_tiktok_host(&host) {
        return Ok(host.strip_suffix('.').unwrap_or(&host).to_owned());
    }
    // yt-dlp has a separate `DouyinIE` for douyin.com (`yt_dlp/extractor/tiktok.py`): another
    // site, refused by name rather than as "not TikTok".
    if ["douyin.com", "iesdouyin.com"]
        .iter()
        .any(|d| crate::hosts::in_domain(&host, d))
    {
        return Err(UrlError::Douyin { host });
    }
    if host.contains("tiktok") {
        Err(UrlError::LookAlike { host })
    } else {
        Err(UrlError::NotTikTok { host })
    }
}

fn route(host: &str, url: &url::Url) -> Result<PostRef, UrlError> {
    // Trailing slashes give empty segments; "//" inside paths too. Neither matters.
    let segs: Vec<&str> = url
        .path_segments()
        .map(|s| s.filter(|s| !s.is_empty()).collect())
        .unwrap_or_default();
    let kw = |i: usize, word: &str| segs.get(i).is_some_and(|s| s.eq_ignore_ascii_case(word));

    if matches!(host, "vm.tiktok.com" | "vt.tiktok.com") {
        return match segs.as_slice() {
            [] => Err(UrlError::MissingShortCode),
            [code] => short_link(host, None, code),
            _ => Err(unsupported(url)),
        };
    }

    match segs.as_slice() {
        [] => Err(unsupported(url)),
        [_, ..] if kw(0, "t") => match &segs[1..] {
            [] => Err(UrlError::MissingShortCode),
            [code] => short_link("www.tiktok.com", Some("t"), code),
            _ => Err(unsupported(url)),
        },
        [first, rest @ ..] if first.starts_with('@') => user_page(&first[1..], rest, url),
        // m.tiktok.com/v/{id}.html
        [_, id] if kw(0, "v") => {
            let id = id.strip_suffix(".html").unwrap_or(id);
            video_post(id)
        }
        [_] if kw(0, "v") => Err(UrlError::MissingId { what: "video" }),
        // www.tiktok.com/share/video/{id}, www.tiktokv.com/share/video/{id}
        [_, _, id] if kw(0, "share") && kw(1, "video") => video_post(id),
        [_, _] if kw(0, "share") && kw(1, "video") => Err(UrlError::MissingId { what: "video" }),
        // m.tiktok.com/share/live/{room_id}/?language=en (yt-dlp TikTokLiveIE's `_TESTS`)
        [_, _, id, ..] if kw(0, "share") && kw(1, "live") => Ok(PostRef::Live {
            user: None,
            room_id: Some(check_id(id, "live room")?),
        }),
        [_, _] if kw(0, "share") && kw(1, "live") => Err(UrlError::MissingId { what: "live room" }),
        // www.tiktok.com/embed/v2/{id} and /embed/{id}
        [_, _, id] if kw(0, "embed") && kw(1, "v2") => video_post(id),
        [_, id] if kw(0, "embed") && !kw(1, "v2") => video_post(id),
        [_] | [_, _] if kw(0, "embed") => Err(UrlError::MissingId { what: "video" }),
        [_, name_id] if kw(0, "music") => {
            let (name, id) = split_name_id(name_id, "music")?;
            Ok(PostRef::Music { name, id })
        }
        [_] if kw(0, "music") => Err(UrlError::MissingId { what: "music" }),
        [_, name] if kw(0, "tag") => {
            let name = percent_decode(name, "tag")?;
            if name.is_empty() {
                return Err(UrlError::MissingName { what: "tag" });
            }
            Ok(PostRef::Tag { name })
        }
        [_] if kw(0, "tag") => Err(UrlError::MissingName { what: "tag" }),
        [_, ..] if kw(0, "sticker") || kw(0, "effect") => Err(out_of_scope(
            url,
            "effect and sticker pages",
            "they list an effect's posts through an API no public downloader documents for the \
             web; pass the posts' own URLs",
        )),
        [_, ..] if kw(0, "following") || kw(0, "followers") => Err(following(url)),
        _ => Err(unsupported(url)),
    }
}

fn out_of_scope(url: &url::Url, what: &'static str, why: &'static str) -> UrlError {
    UrlError::OutOfScope {
        what,
        path: url.path().to_owned(),
        why,
    }
}

fn following(url: &url::Url) -> UrlError {
    out_of_scope(
        url,
        "following and followers pages",
        "they list accounts, not posts; pass each account's profile URL",
    )
}

/// A secUid as TikTok writes them: `MS4wLjABAAAA` and then letters, digits, `-`, `_` (gallery-dl
/// `gallery_dl/extractor/tiktok.py` `_extract_sec_uid` matches `MS4wLjABAAAA[\w-]{32,64}`,
/// yt-dlp's `TikTokUserIE` `MS4wLjABAAAA[\w-]{64}`). Lenient on the length after the prefix.
fn check_sec_uid(raw: &str) -> Result<String, UrlError> {
    let ok = raw.len() <= 128
        && raw.strip_prefix(SEC_UID_PREFIX).is_some_and(|rest| {
            !rest.is_empty()
                && rest
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        });
    if ok {
        Ok(raw.to_owned())
    } else {
        Err(UrlError::BadSecUid {
            secuid: shorten(raw),
        })
    }
}

const SEC_UID_PREFIX: &str = "MS4wLjABAAAA";

/// Whether the `@` part of a URL is a secUid rather than a name: the prefix and at least 32
/// more characters (gallery-dl's rule; TikTok names have at most 24 characters).
fn is_sec_uid(raw: &str) -> bool {
    raw.strip_prefix(SEC_UID_PREFIX)
        .is_some_and(|rest| rest.len() >= 32)
        && check_sec_uid(raw).is_ok()
}

/// `/@user`, `/@user/video/{id}` (or `photo`), `/@user/collection/{name}-{id}`: `rest` is the
/// path after the user part.
fn user_page(raw_user: &str, rest: &[&str], url: &url::Url) -> Result<PostRef, UrlError> {
    let is = |word: &str| rest.first().is_some_and(|s| s.eq_ignore_ascii_case(word));
    // The tabs of a profile: gallery-dl `gallery_dl/extractor/tiktok.py` (`TiktokPostsExtractor`
    // `/@USER/posts`, `TiktokRepostsExtractor`, `TiktokStoriesExtractor`, `TiktokLikesExtractor`
    // `/like[sd]`, `TiktokSavedExtractor`, `TiktokAvatarExtractor`).
    let tab = match rest.first() {
        Some(_) if is("posts") => Some(Tab::Posts),
        Some(_) if is("reposts") => Some(Tab::Reposts),
        Some(_) if is("stories") => Some(Tab::Stories),
        Some(_) if is("likes") || is("liked") => Some(Tab::Likes),
        Some(_) if is("saved") => Some(Tab::Saved),
        _ => None,
    };
    if is_sec_uid(raw_user) && (rest.is_empty() || tab.is_some()) {
        let account = Account::SecUid(raw_user.to_owned());
        return match tab.unwrap_or(Tab::Posts) {
            // Stories take the account's numeric id, read from its page by name.
            Tab::Stories => Err(UrlError::MissingUser {
                what: "stories tab",
            }),
            tab => Ok(PostRef::UserTab { account, tab }),
        };
    }
    if rest.len() == 1 && (is("following") || is("followers")) {
        return Err(following(url));
    }
    match rest {
        [] => Ok(PostRef::Profile {
            user: required_user(raw_user, "profile")?,
        }),
        [_] if tab == Some(Tab::Posts) => Ok(PostRef::Profile {
            user: required_user(raw_user, "profile")?,
        }),
        [_] if tab.is_some() => Ok(PostRef::UserTab {
            account: Account::Name(required_user(raw_user, "profile tab")?),
            tab: tab.unwrap_or(Tab::Posts),
        }),
        [_] if is("avatar") => Ok(PostRef::Avatar {
            user: required_user(raw_user, "avatar")?,
        }),
        [_, tail @ ..] if is("playlist") => match tail {
            [] => Err(UrlError::MissingId { what: "playlist" }),
            [name_id] => {
                let user = required_user(raw_user, "playlist")?;
                let (name, id) = split_name_id(name_id, "playlist")?;
                Ok(PostRef::Playlist { user, name, id })
            }
            _ => Err(unsupported(url)),
        },
        [_, tail @ ..] if is("video") || is("photo") => {
            let (kind, what) = if is("photo") {
                (PostKind::Photo, "photo")
            } else {
                (PostKind::Video, "video")
            };
            match tail {
                [] => Err(UrlError::MissingId { what }),
                [id] => Ok(PostRef::Post {
                    id: check_id(id, what)?,
                    kind,
                    user: post_user(raw_user),
                }),
                _ => Err(unsupported(url)),
            }
        }
        // `/@user/live` (yt-dlp TikTokLiveIE); nothing after `live` but a trailing slash.
        [_] if is("live") => Ok(PostRef::Live {
            user: Some(required_user(raw_user, "live")?),
            room_id: None,
        }),
        [_, tail @ ..] if is("collection") => match tail {
            [] => Err(UrlError::MissingId { what: "collection" }),
            [name_id] => {
                let user = required_user(raw_user, "collection")?;
                let (name, id) = split_name_id(name_id, "collection")?;
                Ok(PostRef::Collection { user, name, id })
            }
            _ => Err(unsupported(url)),
        },
        _ => Err(unsupported(url)),
    }
}

fn unsupported(url: &url::Url) -> UrlError {
    UrlError::UnsupportedPage {
        path: url.path().to_owned(),
    }
}

fn video_post(id: &str) -> Result<PostRef, UrlError> {
    Ok(PostRef::Post {
        id: check_id(id, "video")?,
        kind: PostKind::Video,
        user: None,
    })
}

fn short_link(host: &str, prefix: Option<&str>, code: &str) -> Result<PostRef, UrlError> {
    let valid = code.len() <= 64
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !valid {
        return Err(UrlError::BadShortCode {
            code: shorten(code),
        });
    }
    let path = match prefix {
        Some(p) => format!("{p}/{code}/"),
        None => format!("{code}/"),
    };
    // Only validated ASCII goes in, so this cannot fail; still map rather than unwrap.
    url::Url::parse(&format!("https://{host}/{path}"))
        .map(|url| PostRef::ShortLink { url })
        .map_err(|_| UrlError::BadShortCode {
            code: shorten(code),
        })
}

/// A post, collection or sound id: the one rule of [`PostId`] (TikTok numbers them all alike).
fn check_id(id: &str, what: &'static str) -> Result<PostId, UrlError> {
    PostId::try_from(id).map_err(|e| match e {
        PostIdError::Empty => UrlError::MissingId { what },
        PostIdError::NotNumeric(_) => UrlError::NonNumericId {
            what,
            id: shorten(id),
        },
        PostIdError::Length { len, .. } => UrlError::IdLength {
            what,
            id: shorten(id),
            len,
        },
    })
}

fn valid_user(user: &str) -> bool {
    user.len() <= 64
        && user
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_')
}

/// The user part of a post URL, kept only when it is a plain account name. Any other user part
/// (empty, `_`, `..%2F..%2Fetc%2Fpasswd`, unicode, 300 characters) is accepted and dropped: the
/// id is all TikTok needs (yt-dlp's `TikTokIE` takes `/@/video/ID` too and requests `@_`), and
/// dropping it keeps it out of every request and file name.
fn post_user(raw: &str) -> Option<String> {
    is_plain_account_name(raw).then(|| raw.to_owned())
}

/// A plain account name: at most 64 ASCII letters, digits, `.`, `_`, `-`, at least one letter
/// or digit. Anything else (from a URL or a page) never goes into a URL or a path.
pub fn is_plain_account_name(raw: &str) -> bool {
    raw.len() <= 64
        && raw.bytes().any(|b| b.is_ascii_alphanumeric())
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// Lists (profiles, collections) are looked up through the account, so they need its real name.
fn required_user(raw: &str, what: &'static str) -> Result<String, UrlError> {
    match raw {
        "" | "_" => Err(UrlError::MissingUser { what }),
        u if valid_user(u) => Ok(u.to_owned()),
        u => Err(UrlError::BadUser {
            user: shorten(u),
            what,
        }),
    }
}

/// Splits "{name}-{id}" at the last '-'; the name may contain '-' itself.
fn split_name_id(seg: &str, what: &'static str) -> Result<(String, String), UrlError> {
    let (name, id) = seg.rsplit_once('-').unwrap_or(("", seg));
    let id = check_id(id, what)?.into();
    let name = percent_decode(name, what)?;
    if name.is_empty() {
        return Err(UrlError::MissingName { what });
    }
    Ok((name, id))
}

/// Decodes %XX escapes into UTF-8 text. A '%' not followed by two hex digits
/// is kept literally, as browsers do.
fn percent_decode(s: &str, what: &'static str) -> Result<String, UrlError> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let hex = bytes.get(i + 1..i + 3).and_then(|h| {
                let hi = (h[0] as char).to_digit(16)?;
                let lo = (h[1] as char).to_digit(16)?;
                u8::try_from(hi * 16 + lo).ok()
            });
            if let Some(v) = hex {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8(out).map_err(|_| UrlError::BadEncoding { what })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "7234567890123456789";

    fn post(id: &str, kind: PostKind, user: Option<&str>) -> PostRef {
        PostRef::Post {
            id: id.parse().unwrap(),
            kind,
            user: user.map(str::to_owned),
        }
    }
    fn video(user: Option<&str>) -> PostRef {
        post(ID, PostKind::Video, user)
    }
    fn short(url: &str) -> PostRef {
        PostRef::ShortLink {
            url: url::Url::parse(url).unwrap(),
        }
    }
    fn profile(user: &str) -> PostRef {
        PostRef::Profile {
            user: user.to_owned(),
        }
    }

    enum Want {
        Ok(PostRef),
        Err(&'static str),
    }
    use Want::{Err as E, Ok as O};

    #[test]
    fn table() {
        let cases: Vec<(String, Want)> = vec![
            // --- accepted single posts ---
            (
                format!("https://www.tiktok.com/@scout2015/video/{ID}"),
                O(video(Some("scout2015"))),
            ),
            (
                format!("HTTPS://WWW.TikTok.com/@scout2015/video/{ID}"),
                O(video(Some("scout2015"))),
            ),
            (
                format!("tiktok.com:443/@scout2015/video/{ID}"),
                O(video(Some("scout2015"))),
            ),
            (
                format!("  https://www.tiktok.com/@scout2015/video/{ID}\n"),
                O(video(Some("scout2015"))),
            ),
            (
                format!("http://www.tiktok.com/@scout2015/video/{ID}"),
                O(video(Some("scout2015"))),
            ),
            (
                format!("www.tiktok.com/@scout2015/video/{ID}"),
                O(video(Some("scout2015"))),
            ),
            (
                format!("tiktok.com/@scout2015/video/{ID}"),
                O(video(Some("scout2015"))),
            ),
            (
                format!("https://tiktok.com/@scout2015/video/{ID}"),
                O(video(Some("scout2015"))),
            ),
            (
                format!("https://WWW.TIKTOK.COM/@scout2015/video/{ID}"),
                O(video(Some("scout2015"))),
            ),
            (
                format!("https://www.tiktok.com./@scout2015/video/{ID}"),
                O(video(Some("scout2015"))),
            ),
            (
                format!("https://www.tiktok.com:443/@scout2015/video/{ID}"),
                O(video(Some("scout2015"))),
            ),
            (
                format!(
                    "https://www.tiktok.com/@scout2015/video/{ID}?is_from_webapp=1&sender_device=pc"
                ),
                O(video(Some("scout2015"))),
            ),
            (
                format!("https://www.tiktok.com/@scout2015/video/{ID}/"),
                O(video(Some("scout2015"))),
            ),
            (
                format!("https://www.tiktok.com/@scout2015/video/{ID}/?lang=en#comments"),
                O(video(Some("scout2015"))),
            ),
            (
                format!("https://www.tiktok.com/@scout2015/video/{ID}#top"),
                O(video(Some("scout2015"))),
            ),
            (
                format!("https://www.tiktok.com/@/video/{ID}"),
                O(video(None)),
            ),
            (
                format!("https://www.tiktok.com/@_/video/{ID}"),
                O(video(None)),
            ),
            (
                format!("https://www.tiktok.com/@the.real_user.01/video/{ID}"),
                O(video(Some("the.real_user.01"))),
            ),
            (
                format!("https://www.tiktok.com/@user/photo/{ID}"),
                O(post(ID, PostKind::Photo, Some("user"))),
            ),
            (
                format!("https://www.tiktok.com/@user/video/{}", "123456789012345"),
                O(post("123456789012345", PostKind::Video, Some("user"))),
            ),
            (
                format!(
                    "https://www.tiktok.com/@user/video/{}",
                    "12345678901234567890"
                ),
                O(post("12345678901234567890", PostKind::Video, Some("user"))),
            ),
            (format!("https://m.tiktok.com/v/{ID}.html"), O(video(None))),
            (
                format!("https://m.tiktok.com/v/{ID}.html?u_code=abc&preview_pb=0"),
                O(video(None)),
            ),
            (
                format!("https://www.tiktok.com/share/video/{ID}"),
                O(video(None)),
            ),
            (
                format!("https://www.tiktokv.com/share/video/{ID}"),
                O(video(None)),
            ),
            (
                format!("https://www.tiktokv.com/share/video/{ID}/"),
                O(video(None)),
            ),
            (
                format!("https://www.tiktok.com/embed/v2/{ID}"),
                O(video(None)),
            ),
            (format!("https://www.tiktok.com/embed/{ID}"), O(video(None))),
            // --- short links ---
            (
                "https://vm.tiktok.com/ZMeAbC123/".into(),
                O(short("https://vm.tiktok.com/ZMeAbC123/")),
            ),
            (
                "http://vm.tiktok.com/ZMeAbC123".into(),
                O(short("https://vm.tiktok.com/ZMeAbC123/")),
            ),
            (
                "vt.tiktok.com/ZSabc-_9/?share=1".into(),
                O(short("https://vt.tiktok.com/ZSabc-_9/")),
            ),
            (
                "https://www.tiktok.com/t/ZTRabcdef/".into(),
                O(short("https://www.tiktok.com/t/ZTRabcdef/")),
            ),
            (
                "tiktok.com/t/ZTRabcdef".into(),
                O(short("https://www.tiktok.com/t/ZTRabcdef/")),
            ),
            // --- lists ---
            (
                "https://www.tiktok.com/@scout2015".into(),
                O(profile("scout2015")),
            ),
            (
                "https://www.tiktok.com/@scout2015/?lang=en".into(),
                O(profile("scout2015")),
            ),
            (
                format!("https://www.tiktok.com/@scout2015/collection/best-of-2024-{ID}"),
                O(PostRef::Collection {
                    user: "scout2015".into(),
                    name: "best-of-2024".into(),
                    id: ID.into(),
                }),
            ),
            (
                format!("https://www.tiktok.com/@u/collection/Caf%C3%A9%20%26%20Tee-{ID}?s=1"),
                O(PostRef::Collection {
                    user: "u".into(),
                    name: "Café & Tee".into(),
                    id: ID.into(),
                }),
            ),
            (
                format!("https://www.tiktok.com/music/original-sound-{ID}"),
                O(PostRef::Music {
                    name: "original-sound".into(),
                    id: ID.into(),
                }),
            ),
            (
                "https://www.tiktok.com/tag/funny".into(),
                O(PostRef::Tag {
                    name: "funny".into(),
                }),
            ),
            (
                "https://www.tiktok.com/tag/%E6%97%A5%E6%9C%AC/".into(),
                O(PostRef::Tag {
                    name: "日本".into(),
                }),
            ),
            // --- rejected: not a URL / wrong scheme ---
            ("".into(), E("empty input")),
            ("   ".into(), E("empty input")),
            (
                "javascript:alert(1)".into(),
                E("unsupported scheme \"javascript\""),
            ),
            (
                format!("ftp://www.tiktok.com/@a/video/{ID}"),
                E("unsupported scheme \"ftp\""),
            ),
            ("https://".into(), E("is not a URL")),
            ("hello world".into(), E("is not a URL")),
            // --- rejected: hosts ---
            (
                format!("https://tiktok.com.evil.example/@a/video/{ID}"),
                E("tiktok.com.evil.example is not a TikTok host: it only resembles"),
            ),
            (
                format!("https://evil-tiktok.com/@a/video/{ID}"),
                E("evil-tiktok.com is not a TikTok host"),
            ),
            (
                format!("https://tiktok.co/@a/video/{ID}"),
                E("tiktok.co is not a TikTok host"),
            ),
            (
                format!("https://nottiktok.com/@a/video/{ID}"),
                E("nottiktok.com is not a TikTok host"),
            ),
            (
                format!("https://www.tiktok.com@evil.example/@a/video/{ID}"),
                E("points to evil.example"),
            ),
            (
                format!("www.tiktok.com@evil.example/@a/video/{ID}"),
                E("hides its real host"),
            ),
            (
                format!("https://93.184.216.34/@a/video/{ID}"),
                E("93.184.216.34 is an IP address"),
            ),
            (
                format!("https://[::1]/@a/video/{ID}"),
                E("is an IP address"),
            ),
            (
                "https://www.youtube.com/watch?v=dQw4w9WgXcQ".into(),
                E("www.youtube.com is not a TikTok host"),
            ),
            (
                "https://www.instagram.com/p/Cabc/".into(),
                E("www.instagram.com is not a TikTok host"),
            ),
            // --- rejected: TikTok pages we do not handle ---
            (
                "https://www.tiktok.com/foryou".into(),
                E("unsupported TikTok page \"/foryou\""),
            ),
            // `/@user/live` is a LIVE room (see `live_urls`); nothing is known below it.
            (
                "https://www.tiktok.com/@user/live/replay".into(),
                E("unsupported TikTok page \"/@user/live/replay\""),
            ),
            (
                "https://www.tiktok.com/".into(),
                E("unsupported TikTok page \"/\""),
            ),
            // --- rejected: ids ---
            (
                "https://www.tiktok.com/@user/video/abc".into(),
                E("id \"abc\" is not numeric"),
            ),
            (
                "https://www.tiktok.com/@user/video/".into(),
                E("video URL is missing its id"),
            ),
            (
                "https://www.tiktok.com/@user/photo".into(),
                E("photo URL is missing its id"),
            ),
            (
                "https://www.tiktok.com/@user/video/123".into(),
                E("has 3 digits; TikTok ids have 15 to 20"),
            ),
            (
                "https://www.tiktok.com/@user/video/123456789012345678901".into(),
                E("has 21 digits"),
            ),
            (
                format!("https://www.tiktok.com/@user/video/{ID}x"),
                E("is not numeric"),
            ),
            ("https://m.tiktok.com/v/.html".into(), E("missing its id")),
            (
                "https://www.tiktok.com/share/video/".into(),
                E("missing its id"),
            ),
            (
                "https://www.tiktok.com/embed/v2/".into(),
                E("missing its id"),
            ),
            (
                "https://www.tiktok.com/@u/collection/nameonly".into(),
                E("not numeric"),
            ),
            (
                format!("https://www.tiktok.com/@u/collection/-{ID}"),
                E("collection URL is missing its name"),
            ),
            (
                format!("https://www.tiktok.com/@/collection/x-{ID}"),
                E("collection URL is missing the user name"),
            ),
            (
                "https://www.tiktok.com/@".into(),
                E("profile URL is missing the user name"),
            ),
            (
                format!("https://www.tiktok.com/@bad%20name/video/{ID}"),
                O(video(None)),
            ),
            (
                format!("https://www.tiktok.com/@..%2F..%2Fetc%2Fpasswd/video/{ID}"),
                O(video(None)),
            ),
            (
                format!("https://www.tiktok.com/@{}/photo/{ID}", "a".repeat(300)),
                O(post(ID, PostKind::Photo, None)),
            ),
            (
                format!("https://www.tiktok.com/@日本語/video/{ID}"),
                O(video(None)),
            ),
            (
                format!("https://www.tiktok.com/@a-b.c_d/video/{ID}"),
                O(video(Some("a-b.c_d"))),
            ),
            (
                format!("https://www.tiktok.com/@.../video/{ID}"),
                O(video(None)),
            ),
            (
                "https://www.tiktok.com/@bad%20name".into(),
                E("profile is looked up through its account"),
            ),
            (
                format!("https://www.tiktok.com/@..%2Fx/collection/x-{ID}"),
                E("not a TikTok user name"),
            ),
            // --- rejected: short links ---
            (
                "https://vm.tiktok.com/".into(),
                E("short link is missing its code"),
            ),
            (
                "https://vt.tiktok.com".into(),
                E("short link is missing its code"),
            ),
            (
                "https://www.tiktok.com/t/".into(),
                E("short link is missing its code"),
            ),
            ("https://vm.tiktok.com/ab%20c/".into(), E("short link code")),
        ];
        assert!(cases.len() >= 45, "only {} cases", cases.len());
        for (input, want) in cases {
            let got = parse(&input);
            match (want, got) {
                (O(w), Ok(g)) => assert_eq!(g, w, "input {input:?}"),
                (E(sub), Err(e)) => {
                    let msg = e.to_string();
                    assert!(
                        msg.contains(sub),
                        "input {input:?}: error {msg:?} lacks {sub:?}"
                    );
                }
                (O(w), Err(e)) => panic!("input {input:?}: expected {w:?}, got error {e}"),
                (E(sub), Ok(g)) => panic!("input {input:?}: expected error {sub:?}, got {g:?}"),
            }
        }
    }

    #[test]
    fn profile_tabs_playlists_and_sec_uids() {
        let sec = format!("MS4wLjABAAAA{}", "a1-_".repeat(16));
        let tab = |account: Account, tab: Tab| PostRef::UserTab { account, tab };
        let name = |n: &str| Account::Name(n.to_owned());
        let ok: Vec<(String, PostRef)> = vec![
            (
                "https://www.tiktok.com/@scout2015/posts".into(),
                profile("scout2015"),
            ),
            (
                "https://www.tiktok.com/@scout2015/reposts/".into(),
                tab(name("scout2015"), Tab::Reposts),
            ),
            (
                "tiktok.com/@a.b/stories?lang=en".into(),
                tab(name("a.b"), Tab::Stories),
            ),
            (
                "https://www.tiktok.com/@u/likes".into(),
                tab(name("u"), Tab::Likes),
            ),
            (
                "https://www.tiktok.com/@u/liked".into(),
                tab(name("u"), Tab::Likes),
            ),
            (
                "https://www.tiktok.com/@u/SAVED".into(),
                tab(name("u"), Tab::Saved),
            ),
            (
                "https://www.tiktok.com/@u/avatar".into(),
                PostRef::Avatar { user: "u".into() },
            ),
            (
                format!("https://www.tiktok.com/@u/playlist/My%20Mix-{ID}"),
                PostRef::Playlist {
                    user: "u".into(),
                    name: "My Mix".into(),
                    id: ID.into(),
                },
            ),
            (
                format!("tiktokuser:{sec}"),
                tab(Account::SecUid(sec.clone()), Tab::Posts),
            ),
            (
                "TikTokUser:MS4wLjABAAAA_short".into(),
                tab(Account::SecUid("MS4wLjABAAAA_short".into()), Tab::Posts),
            ),
            (
                format!("https://www.tiktok.com/@{sec}"),
                tab(Account::SecUid(sec.clone()), Tab::Posts),
            ),
            (
                format!("https://www.tiktok.com/@{sec}/likes"),
                tab(Account::SecUid(sec.clone()), Tab::Likes),
            ),
            // Short enough to be a name: a name it is.
            (
                "https://www.tiktok.com/@MS4wLjABAAAA_x".into(),
                profile("MS4wLjABAAAA_x"),
            ),
        ];
        for (input, want) in ok {
            assert_eq!(parse(&input).unwrap(), want, "{input}");
            let back = parse(&want.canonical_url()).unwrap();
            assert_eq!(back, want, "{input}: round trip");
            assert!(want.is_list(), "{input}");
        }
        let refused = [
            ("https://www.douyin.com/video/6961737553342991651", "Douyin"),
            ("https://v.douyin.com/abc/", "Douyin"),
            ("https://www.iesdouyin.com/share/video/1/", "Douyin"),
            (
                "https://www.douyin.com.evil.example/video/1",
                "not a TikTok host",
            ),
            (
                "https://www.tiktok.com/sticker/cat-ears-123456789012345",
                "effect and sticker",
            ),
            (
                "https://www.tiktok.com/effect/x-123456789012345",
                "effect and sticker",
            ),
            (
                "https://www.tiktok.com/@u/following",
                "following and followers",
            ),
            (
                "https://www.tiktok.com/@u/followers/",
                "following and followers",
            ),
            (
                "https://www.tiktok.com/following",
                "following and followers",
            ),
            (
                "https://www.tiktok.com/@u/playlist/",
                "playlist URL is missing its id",
            ),
            ("https://www.tiktok.com/@u/playlist/mix-abc", "not numeric"),
            ("https://www.tiktok.com/@/likes", "missing the user name"),
            ("https://www.tiktok.com/@_/avatar", "missing the user name"),
            (
                "https://www.tiktok.com/@u/likes/more",
                "unsupported TikTok page",
            ),
            (
                "https://www.tiktok.com/@u/favorites",
                "unsupported TikTok page",
            ),
            (
                "https://www.tiktok.com/@u/live/replay",
                "unsupported TikTok page",
            ),
            ("tiktokuser:", "is not a secUid"),
            ("tiktokuser:scout2015", "is not a secUid"),
            ("tiktokuser:MS4wLjABAAAA/../x", "is not a secUid"),
            ("tiktokuserx:MS4wLjABAAAA_a", "unsupported scheme"),
        ];
        for (input, want) in refused {
            let e = parse(input).unwrap_err().to_string();
            assert!(e.contains(want), "{input}: {e}");
        }
        let stories = format!("https://www.tiktok.com/@{sec}/stories");
        assert!(
            parse(&stories)
                .unwrap_err()
                .to_string()
                .contains("stories tab")
        );
    }

    #[test]
    fn canonical_urls() {
        let cases = [
            (
                video(Some("scout2015")),
                format!("https://www.tiktok.com/@scout2015/video/{ID}"),
            ),
            (video(None), format!("https://www.tiktok.com/@_/video/{ID}")),
            (
                post(ID, PostKind::Photo, Some("u")),
                format!("https://www.tiktok.com/@u/photo/{ID}"),
            ),
            (
                short("https://vm.tiktok.com/ZMeAbC123/"),
                "https://vm.tiktok.com/ZMeAbC123/".to_owned(),
            ),
            (profile("a.b_c"), "https://www.tiktok.com/@a.b_c".to_owned()),
            (
                PostRef::Collection {
                    user: "u".into(),
                    name: "Café & Tee".into(),
                    id: ID.into(),
                },
                format!("https://www.tiktok.com/@u/collection/Caf%C3%A9%20%26%20Tee-{ID}"),
            ),
            (
                PostRef::Music {
                    name: "original-sound".into(),
                    id: ID.into(),
                },
                format!("https://www.tiktok.com/music/original-sound-{ID}"),
            ),
            (
                PostRef::Tag {
                    name: "a/b?c".into(),
                },
                "https://www.tiktok.com/tag/a%2Fb%3Fc".to_owned(),
            ),
        ];
        for (r, want) in cases {
            assert_eq!(r.canonical_url(), want);
        }
    }

    #[test]
    fn canonical_url_round_trips() {
        for input in [
            format!("tiktok.com/@x/photo/{ID}/?a=1"),
            format!("https://www.tiktok.com/@u/collection/Caf%C3%A9%20%26%20Tee-{ID}"),
            "https://www.tiktok.com/tag/%E6%97%A5%E6%9C%AC".to_owned(),
            "vm.tiktok.com/ZMeAbC123".to_owned(),
        ] {
            let r = parse(&input).unwrap();
            assert_eq!(parse(&r.canonical_url()).unwrap(), r, "{input}");
        }
    }

    #[test]
    fn tiktok_hosts() {
        for h in [
            "tiktok.com",
            "www.tiktok.com",
            "WWW.TikTok.COM",
            "vm.tiktok.com",
            "v16-webapp-prime.tiktok.com",
            "tiktokv.com",
            "www.tiktokv.com",
            "www.tiktok.com.",
            "a.b.tiktok.com",
        ] {
            assert!(is_tiktok_host(h), "{h} should be TikTok");
        }
        for h in [
            "",
            ".",
            "evil-tiktok.com",
            "nottiktok.com",
            "tiktok.co",
            "tiktok.com.evil.example",
            "tiktokv.com.evil.example",
            "tiktok.comm",
            ".tiktok.com",
            "a..tiktok.com",
            "www.tiktok.com..",
            "evil.example/tiktok.com",
            "evil.example#.tiktok.com",
            "youtube.com",
            "93.184.216.34",
        ] {
            assert!(!is_tiktok_host(h), "{h:?} should not be TikTok");
        }
    }

    #[test]
    fn live_urls() {
        let live = |u: Option<&str>, r: Option<&str>| PostRef::Live {
            user: u.map(str::to_owned),
            room_id: r.map(|r| r.parse().unwrap()),
        };
        for (input, want) in [
            (
                "https://www.tiktok.com/@weathernewslive/live",
                live(Some("weathernewslive"), None),
            ),
            (
                "https://tiktok.com/@iris04201/live/",
                live(Some("iris04201"), None),
            ),
            (
                "www.tiktok.com/@a.b_c/LIVE?lang=en",
                live(Some("a.b_c"), None),
            ),
            (
                "https://m.tiktok.com/share/live/7209423610325322522/?language=en",
                live(None, Some("7209423610325322522")),
            ),
        ] {
            assert_eq!(parse(input).unwrap(), want, "{input}");
            assert!(!want.is_list());
        }
        assert!(matches!(
            parse("https://m.tiktok.com/share/live/"),
            Err(UrlError::MissingId { .. })
        ));
        assert!(parse("https://m.tiktok.com/share/live/12ab").is_err());
        assert!(parse("https://www.tiktok.com/@_/live").is_err());
        assert_eq!(
            live(Some("x"), None).canonical_url(),
            "https://www.tiktok.com/@x/live"
        );
    }
}
