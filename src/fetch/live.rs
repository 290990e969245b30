//! A LIVE URL -> its room ([`LiveRoom`]): the account's room id, then the room's info (status,
//! title, viewers, start, FLV pull URLs per quality). Everything read from TikTok's JSON is
//! parsed here once into typed fields; nothing else looks at that JSON.
//!
//! Sources (see docs/tiktok-protocol.md, "LIVE rooms"):
//! * account -> room id: `GET https://www.tiktok.com/api-live/user/room/?aid=1988&uniqueId=USER
//!   &sourceType=54`, the id at `data.user.roomId`, `message == "user_not_found"` for no such
//!   account (TikTokLive `TikTokLive/client/web/routes/fetch_room_id_api.py`; `aid` 1988 from
//!   its `web_settings.py` defaults; Michele0303/tiktok-live-recorder `src/core/tiktok_api.py`
//!   calls the same `api-live/user/room/`).
//! * room info: `GET https://webcast.tiktok.com/webcast/room/info/?aid=1988&room_id=ID`, fields
//!   under `data` (yt-dlp `yt_dlp/extractor/tiktok.py` TikTokLiveIE `_call_api`; tiktok-live-
//!   recorder `get_live_url`; TikTokLive `fetch_room_info.py`).

use serde::Deserialize;
use serde_json::Value;

use crate::error::{ConnectionReason, ContentReason, Error, Operation};
use crate::fetch::extract::flex;
use crate::model::PostId;
use crate::net::http::HttpClient;
use crate::url::PostRef;

/// yt-dlp TikTokLiveIE `_call_api`: "status == 2 if live else 4".
const STATUS_LIVE: i64 = 2;

/// tiktok-live-recorder `get_live_url`: `status_code` 4003110 with no FLV URL is a LIVE that
/// needs a session ("Live is private, login required").
const STATUS_CODE_RESTRICTED: i64 = 4_003_110;

/// Quality names, worst first, as yt-dlp ranks them (`qualities(('SD1', 'ld', 'SD2', 'sd',
/// 'HD1', 'hd', 'FULL_HD1', 'uhd', 'ORIGION', 'origin'))`): the SDK keys of `stream_data` and
/// the keys of `flv_pull_url` mixed.
const QUALITY_RANK: &[&str] = &[
    "SD1", "ld", "SD2", "sd", "HD1", "hd", "FULL_HD1", "uhd", "ORIGION", "origin",
];

/// One FLV rendition of a room.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LiveStream {
    /// The quality name as TikTok gives it (`origin`, `hd`, `FULL_HD1`, ...).
    pub quality: String,
    /// The HTTP-FLV pull URL.
    pub flv_url: String,
    /// The HLS URL of the same quality, when TikTok gives one (shown, never recorded).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hls_url: Option<String>,
}

/// A LIVE room as tikdl uses it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LiveRoom {
    /// The room id.
    pub id: PostId,
    /// The host's account name, when known.
    pub uploader: Option<String>,
    /// The host's numeric user id.
    pub uploader_id: Option<String>,
    /// The host's display name.
    pub creator: Option<String>,
    /// The room's title.
    pub title: String,
    /// Viewers now.
    pub concurrent_view_count: Option<u64>,
    /// When the room started (Unix seconds).
    pub timestamp: Option<i64>,
    /// Whether the room is live now (status 2).
    pub is_live: bool,
    /// FLV renditions, best first.
    pub streams: Vec<LiveStream>,
}

impl LiveRoom {
    /// The best FLV rendition.
    pub fn best(&self) -> Option<&LiveStream> {
        self.streams.first()
    }

    /// The URL a person opens for this room.
    pub fn webpage_url(&self) -> String {
        match &self.uploader {
            Some(u) => format!("https://www.tiktok.com/@{u}/live"),
            None => format!("https://m.tiktok.com/share/live/{}", self.id),
        }
    }
}

/// The account name or room id a LIVE URL names (`None` for other URLs).
pub fn live_target(post: &PostRef) -> Option<(Option<String>, Option<PostId>)> {
    match post {
        PostRef::Live { user, room_id } => Some((user.clone(), room_id.clone())),
        _ => None,
    }
}

/// Looks up the room of a LIVE URL: its id (through the account when the URL names one), then
/// its info. A room that is not live is [`ContentReason::NotLive`].
pub async fn lookup(
    http: &HttpClient,
    user: Option<&str>,
    room_id: Option<&PostId>,
) -> Result<LiveRoom, Error> {
    let room_id = match (room_id, user) {
        (Some(id), _) => id.clone(),
        (None, Some(user)) => room_of_user(http, user).await?,
        (None, None) => {
            return Err(Error::content(
                ContentReason::Unsupported("a LIVE URL names an account or a room".into()),
                Operation::ParseUrl,
                "",
            ));
        }
    };
    let room = room_info(http, &room_id, user).await?;
    if !room.is_live {
        let who = match user {
            Some(u) => format!("@{u}"),
            None => format!("LIVE room {room_id}"),
        };
        return Err(Error::content(
            ContentReason::NotLive(who),
            Operation::FetchApi,
            &room.webpage_url(),
        ));
    }
    Ok(room)
}

async fn get_json(http: &HttpClient, url: &reqwest::Url) -> Result<Value, Error> {
    let page = http.get_page(url, Operation::FetchApi).await?;
    page.check_status(Operation::FetchApi, url.as_str(), false)?;
    flex::from_str::<Value>(&page.body).map_err(|e| {
        Error::connection(
            ConnectionReason::BadResponse(format!("not JSON: {e}")),
            Operation::FetchApi,
            url.as_str(),
        )
    })
}

fn url(base: &str, query: &[(&str, &str)]) -> Result<reqwest::Url, Error> {
    let mut u =
        reqwest::Url::parse(base).map_err(|e| Error::Setup(format!("cannot build {base}: {e}")))?;
    for (k, v) in query {
        u.query_pairs_mut().append_pair(k, v);
    }
    Ok(u)
}

/// The account's room id (TikTokLive `fetch_room_id_api.py`: `data.user.roomId`).
async fn room_of_user(http: &HttpClient, user: &str) -> Result<PostId, Error> {
    let api = url(
        "https://www.tiktok.com/api-live/user/room/",
        &[("aid", "1988"), ("uniqueId", user), ("sourceType", "54")],
    )?;
    let json = get_json(http, &api).await?;
    let page_url = format!("https://www.tiktok.com/@{user}/live");
    if json.get("message").and_then(Value::as_str) == Some("user_not_found") {
        return Err(Error::content(
            ContentReason::AccountNotFound,
            Operation::FetchApi,
            &page_url,
        ));
    }
    let id = json
        .pointer("/data/user/roomId")
        .and_then(|v| match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
        .filter(|s| !s.is_empty() && s != "0");
    // No room at all: an account that never went live, or not now.
    let Some(id) = id else {
        return Err(Error::content(
            ContentReason::NotLive(format!("@{user}")),
            Operation::FetchApi,
            &page_url,
        ));
    };
    PostId::try_from(id.as_str()).map_err(|e| {
        Error::connection(
            ConnectionReason::BadResponse(format!("room id: {e}")),
            Operation::FetchApi,
            api.as_str(),
        )
    })
}

/// The fields of `data` in the room info that public code reads.
#[derive(Deserialize, Default)]
#[serde(default)]
struct RoomData {
    status: Option<i64>,
    title: Option<String>,
    user_count: Option<u64>,
    /// Not read by yt-dlp; a room's `create_time` (Unix seconds) is in the webcast room object
    /// of VideoData/DY-Data `抖音直播Api/抖音直播Api.md` (the same ByteDance webcast API). Thin:
    /// shown when present, never required.
    create_time: Option<i64>,
    owner: Option<Owner>,
    stream_url: Option<StreamUrl>,
    prompts: Option<Value>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Owner {
    display_id: Option<String>,
    nickname: Option<String>,
    id_str: Option<String>,
    id: Option<Value>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct StreamUrl {
    flv_pull_url: Option<std::collections::BTreeMap<String, Value>>,
    live_core_sdk_data: Option<SdkData>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SdkData {
    pull_data: Option<PullData>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PullData {
    /// A JSON document in a string: `{"data": {QUALITY: {"main": {"flv", "hls"}}}}`.
    stream_data: Option<String>,
}

/// `webcast/room/info` for `room_id`.
async fn room_info(
    http: &HttpClient,
    room_id: &PostId,
    user: Option<&str>,
) -> Result<LiveRoom, Error> {
    let api = url(
        "https://webcast.tiktok.com/webcast/room/info/",
        &[("aid", "1988"), ("room_id", room_id.as_str())],
    )?;
    let json = get_json(http, &api).await?;
    parse_room_info(&json, room_id, user, api.as_str())
}

fn parse_room_info(
    json: &Value,
    room_id: &PostId,
    user: Option<&str>,
    api: &str,
) -> Result<LiveRoom, Error> {
    let raw = json.get("data").cloned().unwrap_or(Value::Null);
    let small = raw.as_object().is_none_or(|o| o.len() <= 1);
    let data: RoomData = serde_json::from_value(raw).unwrap_or_default();
    // TikTokLive `fetch_room_info.py`: `"prompts" in data or len(data) <= 1` is an
    // age-restricted room, whose info is shown to a session only.
    if data.prompts.is_some() || (small && data.status.is_none()) {
        return Err(Error::content(
            ContentReason::LiveRestricted(Some("age-restricted".into())),
            Operation::FetchApi,
            api,
        ));
    }
    let is_live = data.status == Some(STATUS_LIVE);
    let streams = data.stream_url.as_ref().map(streams).unwrap_or_default();
    let status_code = json.get("status_code").and_then(Value::as_i64);
    if is_live && streams.is_empty() && status_code == Some(STATUS_CODE_RESTRICTED) {
        return Err(Error::content(
            ContentReason::LiveRestricted(None),
            Operation::FetchApi,
            api,
        ));
    }
    let owner = data.owner.unwrap_or_default();
    let uploader = user.map(str::to_owned).or_else(|| {
        owner
            .display_id
            .filter(|u| crate::url::is_plain_account_name(u))
    });
    let uploader_id = owner.id_str.or(match owner.id {
        Some(Value::String(s)) => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    });
    Ok(LiveRoom {
        id: room_id.clone(),
        uploader,
        uploader_id: uploader_id.filter(|s| s.bytes().all(|b| b.is_ascii_digit())),
        creator: owner.nickname,
        title: data.title.unwrap_or_default(),
        concurrent_view_count: data.user_count,
        timestamp: data.create_time.filter(|t| *t > 0),
        is_live,
        streams,
    })
}

/// The FLV renditions, best first: the SDK's `stream_data` (yt-dlp TikTokLiveIE and
/// tiktok-live-recorder read `stream_url.live_core_sdk_data.pull_data.stream_data`, a JSON
/// string, then `data.QUALITY.main.flv` / `.hls`), else `stream_url.flv_pull_url` (QUALITY ->
/// URL; yt-dlp and tiktok-live-recorder's fallback).
fn streams(s: &StreamUrl) -> Vec<LiveStream> {
    let mut out: Vec<LiveStream> = Vec::new();
    let sdk = s
        .live_core_sdk_data
        .as_ref()
        .and_then(|d| d.pull_data.as_ref())
        .and_then(|p| p.stream_data.as_deref())
        .and_then(|text| flex::from_str::<Value>(text).ok());
    if let Some(Value::Object(qualities)) = sdk.as_ref().and_then(|v| v.get("data")) {
        for (quality, entry) in qualities {
            let main = entry.get("main");
            let text = |k: &str| {
                main.and_then(|m| m.get(k))
                    .and_then(Value::as_str)
                    .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
                    .map(str::to_owned)
            };
            if let Some(flv_url) = text("flv") {
                out.push(LiveStream {
                    quality: quality.clone(),
                    flv_url,
                    hls_url: text("hls"),
                });
            }
        }
    }
    if out.is_empty()
        && let Some(map) = &s.flv_pull_url
    {
        for (quality, v) in map {
            if let Some(u) = v.as_str().filter(|u| u.starts_with("http")) {
                out.push(LiveStream {
                    quality: quality.clone(),
                    flv_url: u.to_owned(),
                    hls_url: None,
                });
            }
        }
    }
    let rank = |q: &str| {
        QUALITY_RANK
            .iter()
            .position(|r| *r == q)
            .map_or(-1, |i| i as i64)
    };
    out.sort_by_key(|s| std::cmp::Reverse(rank(&s.quality)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id() -> PostId {
        "7210809319192726273".parse().unwrap()
    }

    #[test]
    fn room_info_fields_and_best_quality() {
        let sdk = serde_json::json!({"data": {
            "ld": {"main": {"flv": "https://pull-f5-tt04.tiktokcdn-eu.com/s_ld.flv", "hls": ""}},
            "origin": {"main": {"flv": "https://pull-f5-tt04.tiktokcdn-eu.com/s.flv",
                                "hls": "https://pull-hls-f16-tt04.tiktokcdn-eu.com/s/index.m3u8"}},
            "hd": {"main": {"flv": "https://pull-f5-tt04.tiktokcdn-eu.com/s_hd.flv"}}
        }});
        let json = serde_json::json!({"data": {
            "status": 2, "title": "hi", "user_count": 12, "create_time": 1700000000,
            "owner": {"display_id": "someone", "nickname": "Some One", "id_str": "66"},
            "stream_url": {"live_core_sdk_data": {"pull_data": {"stream_data": sdk.to_string()}}}
        }});
        let room = parse_room_info(&json, &id(), None, "api").unwrap();
        assert!(room.is_live);
        assert_eq!(room.uploader.as_deref(), Some("someone"));
        assert_eq!(room.concurrent_view_count, Some(12));
        assert_eq!(room.timestamp, Some(1_700_000_000));
        let q: Vec<&str> = room.streams.iter().map(|s| s.quality.as_str()).collect();
        assert_eq!(q, ["origin", "hd", "ld"]);
        assert!(room.best().unwrap().hls_url.is_some());
    }

    #[test]
    fn ended_restricted_and_fallback() {
        let ended = serde_json::json!({"data": {"status": 4, "title": "x"}});
        assert!(!parse_room_info(&ended, &id(), None, "api").unwrap().is_live);
        let age = serde_json::json!({"data": {"prompts": "This LIVE is 18+"}});
        let e = parse_room_info(&age, &id(), None, "api").unwrap_err();
        assert_eq!(e.code(), "live_restricted");
        let legacy = serde_json::json!({"data": {"status": 2, "stream_url": {"flv_pull_url": {
            "SD1": "https://a.tiktokcdn.com/1.flv", "FULL_HD1": "https://a.tiktokcdn.com/2.flv"}}}});
        let room = parse_room_info(&legacy, &id(), Some("u"), "api").unwrap();
        assert_eq!(room.best().unwrap().quality, "FULL_HD1");
    }
}
