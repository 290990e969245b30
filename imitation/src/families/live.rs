//! LIVE rooms: the account -> room lookup, the room info, and an endless HTTP-FLV stream.
//!
//! Shapes as public code reads them, nothing more:
//! * `www.tiktok.com/api-live/user/room/?aid=1988&uniqueId=U&sourceType=54` ->
//!   `{"data": {"user": {"roomId"}, "liveRoom": {"status"}}}`, or `{"message": "user_not_found"}`
//!   (TikTokLive `TikTokLive/client/web/routes/fetch_room_id_api.py`, `fetch_is_live.py`);
//! * `webcast.tiktok.com/webcast/room/info/?aid=1988&room_id=ID` -> `{"data": {"status" (2 live,
//!   4 ended), "title", "user_count", "owner": {"display_id", "nickname", "id_str"},
//!   "create_time", "stream_url": {"flv_pull_url": {Q: URL}, "live_core_sdk_data": {"pull_data":
//!   {"stream_data": "<JSON {\"data\": {Q: {\"main\": {\"flv\", \"hls\"}}}}>"}}}}}` (yt-dlp
//!   `yt_dlp/extractor/tiktok.py` TikTokLiveIE; Michele0303/tiktok-live-recorder
//!   `src/core/tiktok_api.py`); an age-restricted room is `{"data": {"prompts": ...}}`
//!   (TikTokLive `fetch_room_info.py`). Both always carry `aid=1988` in public code, so a request
//!   without it (or without its id) is refused here.
//! * the pull URL (`pull-f5-tt04.tiktokcdn-eu.com/stage/stream-ID.flv`, the host and path shape
//!   of tiktok-live-recorder issue 210) serves FLV: header, onMetaData, AVC and AAC sequence
//!   headers, then video (a key frame every 25) and audio tags 40 ms apart, generated from the
//!   byte offset (bounded memory), paced about 14 times faster than real time. Each connection's
//!   timestamps start where a live clock would be (100 s further per earlier connection), so a
//!   client must rebase them to splice connections.
//!
//! The users: `live_on` (live, endless), `live_off` (room ended, status 4), `live_never` (no room
//! at all), `live_ends` (live until its stream has been requested once: that stream ends
//! cleanly after 3 s of media, and the room then says ended), `live_age` (age-restricted),
//! `live_garbage` (live, its pull URL serves bytes that are not FLV). Cuts and stalls come from
//! the ordinary [`crate::Fault`] rules on the pull URL.

use crate::body::Reply;
use crate::media::{FlvSpec, Source};

pub use crate::media::FRAME_MS;

/// The pull host (tiktok-live-recorder issue 210 names `pull-f5-tt04.tiktokcdn-eu.com`).
pub const PULL_HOST: &str = "pull-f5-tt04.tiktokcdn-eu.com";

/// The users and their room ids.
pub const USERS: &[(&str, u64)] = &[
    ("live_on", 7_400_000_000_000_000_001),
    ("live_off", 7_400_000_000_000_000_002),
    ("live_ends", 7_400_000_000_000_000_003),
    ("live_age", 7_400_000_000_000_000_004),
    ("live_garbage", 7_400_000_000_000_000_005),
    ("live_never", 0),
];

/// Media time of `live_ends`' stream.
pub const ENDS_AFTER_MS: u64 = 3_000;

/// The room id of `user`, when it has one.
pub fn room_of(user: &str) -> Option<u64> {
    USERS.iter().find(|(u, _)| *u == user).map(|(_, r)| *r)
}

fn user_of(room: u64) -> Option<&'static str> {
    USERS
        .iter()
        .find(|(_, r)| *r == room && *r != 0)
        .map(|(u, _)| *u)
}

/// `GET /api-live/user/room/` on the page host.
pub fn user_room(query: &dyn Fn(&str) -> Option<String>) -> Reply {
    let (Some("1988"), Some(user), Some("54")) = (
        query("aid").as_deref(),
        query("uniqueId"),
        query("sourceType").as_deref(),
    ) else {
        return Reply::new(400, "application/json", r#"{"message":"params_error"}"#);
    };
    let Some(room) = room_of(&user) else {
        return Reply::json(
            r#"{"data":{},"message":"user_not_found","statusCode":19881007}"#.into(),
        );
    };
    if room == 0 {
        return Reply::json(format!(
            r#"{{"data":{{"user":{{"uniqueId":"{user}","roomId":""}},"liveRoom":{{"status":4}}}},"message":"","statusCode":0}}"#
        ));
    }
    let status = if user == "live_off" { 4 } else { 2 };
    Reply::json(format!(
        r#"{{"data":{{"user":{{"uniqueId":"{user}","roomId":"{room}"}},"liveRoom":{{"status":{status}}}}},"message":"","statusCode":0}}"#
    ))
}

/// `GET webcast.tiktok.com/webcast/room/info/`. `streamed`: whether the room's pull URL was
/// already requested (ends `live_ends`).
pub fn room_info(query: &dyn Fn(&str) -> Option<String>, streamed: &dyn Fn(u64) -> bool) -> Reply {
    let (Some("1988"), Some(room)) = (query("aid").as_deref(), query("room_id")) else {
        return Reply::new(
            400,
            "application/json",
            r#"{"data":{"message":"params error"},"status_code":10011}"#,
        );
    };
    let Some((room, user)) = room.parse().ok().and_then(|r| Some((r, user_of(r)?))) else {
        return Reply::json(r#"{"data":{"message":"room not found"},"status_code":30003}"#.into());
    };
    if user == "live_age" {
        return Reply::json(
            r#"{"data":{"prompts":"This LIVE is not available for users under 18"},"status_code":0}"#
                .into(),
        );
    }
    let ended = user == "live_off" || (user == "live_ends" && streamed(room));
    let status = if ended { 4 } else { 2 };
    let path = if user == "live_garbage" {
        format!("stage/stream-{room}_garbage")
    } else {
        format!("stage/stream-{room}")
    };
    let flv = |q: &str| format!("https://{PULL_HOST}/{path}{q}.flv?expire=1780689074&sign=0f");
    let hls = format!("https://pull-hls-f16-tt04.tiktokcdn-eu.com/{path}/index.m3u8");
    let sdk = serde_json::json!({"data": {
        "origin": {"main": {"flv": flv(""), "hls": hls, "sdk_params": "{\"VCodec\":\"h264\"}"}},
        "hd": {"main": {"flv": flv("_hd"), "hls": ""}},
        "ld": {"main": {"flv": flv("_ld"), "hls": ""}}
    }});
    let body = serde_json::json!({
        "data": {
            "status": status,
            "title": format!("{user} is live"),
            "user_count": 1234,
            "create_time": 1_767_225_600,
            "owner": {"display_id": user, "nickname": format!("Nick {user}"), "id_str": "6621496731283095554"},
            "stream_url": {
                "flv_pull_url": {"FULL_HD1": flv(""), "SD1": flv("_ld")},
                "live_core_sdk_data": {"pull_data": {"stream_data": sdk.to_string()}}
            }
        },
        "status_code": 0
    });
    Reply::json(body.to_string())
}

/// The room a pull URL's path names (`/stage/stream-ID[_q].flv`), and whether it is the garbage
/// one.
pub fn pull_room(host: &str, path: &str) -> Option<(u64, bool)> {
    if host != PULL_HOST {
        return None;
    }
    let name = path.strip_prefix("/stage/stream-")?.strip_suffix(".flv")?;
    let (id, q) = name.split_once('_').unwrap_or((name, ""));
    let room = id.parse().ok()?;
    user_of(room)?;
    Some((room, q == "garbage"))
}

/// The FLV answer of a pull URL; `earlier`: the room's pull requests before this one.
pub fn pull(room: u64, garbage: bool, earlier: u64) -> Reply {
    if garbage {
        let junk: Vec<u8> = (0..64 * 1024u32).map(|i| (i * 7 + 3) as u8).collect();
        return Reply::new(200, "video/x-flv", junk);
    }
    let ends = user_of(room) == Some("live_ends");
    let spec = FlvSpec {
        base_ms: (earlier * 100_000 + 5_000) as u32,
        groups: ends.then_some(ENDS_AFTER_MS / FRAME_MS + 1),
    };
    let src = Source::Flv(spec);
    let end = src.len();
    Reply {
        status: 200,
        headers: vec![("content-type", "video/x-flv".to_owned())],
        src,
        start: 0,
        end,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_agree_at_any_offset() {
        let spec = FlvSpec {
            base_ms: 5000,
            groups: Some(10),
        };
        let whole = spec.read(0, spec.size());
        for (a, n) in [(0, 7), (13, 100), (200, 2000), (1000, 3)] {
            assert_eq!(spec.read(a, n), whole.slice(a as usize..(a + n) as usize));
        }
        assert!(whole.starts_with(b"FLV\x01"));
    }
}
