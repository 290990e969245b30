//! The tabs of a profile (reposts, stories, likes, saved), playlists (mixes), a profile by its
//! secUid, and the profile picture: which API each list is paged from and with what, for the one
//! pager of `lists.rs`. Sources (docs/tiktok-protocol.md, "Profile tabs and playlists"):
//! * gallery-dl `gallery_dl/extractor/tiktok.py`: `TiktokRepostItemListRequest`
//!   (`repost/item_list`), `TiktokFavoriteItemListRequest` (`favorite/item_list`),
//!   `TiktokSavedPostItemListRequest` (`user/collect/item_list`), each with `secUid`,
//!   `post_item_list_request_type=0`, `needPinnedItemIds=false`, `count=15`, `cursor`;
//!   `TiktokStoryItemListRequest` (`story/item_list`, `authorId`, `loadBackward=false`,
//!   `count=5`, the next cursor in `MaxCursor`, more in `HasMoreAfter`); reposts page by an offset
//!   (`TiktokItemCursor`: the cursor grows by the items received); `TiktokAvatarExtractor` reads
//!   `userInfo.user.avatarLarger`, else `avatarMedium`, else `avatarThumb`.
//! * davidteather/TikTok-Api `TikTokApi/api/playlist.py`: `GET /api/mix/item_list/` with `mixId`,
//!   `count` (at most 30), `cursor`; answers `itemList`, `hasMore`, `cursor`.
//!   `TikTokApi/api/user.py` `liked()`: `/api/favorite/item_list` with `secUid`, `count`,
//!   `cursor`, "the user's likes are private" when the answer is unusable.
//! * A hidden liked list answers without `itemList` (gallery-dl `TiktokItemListRequest`
//!   `extract_items`: no `itemList` and no `hasMore` -> "could not extract any liked posts";
//!   TikTok-Api's older `user_liked` logged "User's likes are most likely private" when
//!   `itemList` was missing). **thin** for saved lists: no public code shows TikTok's answer
//!   without a login; tikdl asks only with a `sessionid` cookie and reads a missing `itemList` as
//!   "log in".

use reqwest::Url;

use crate::error::{ContentReason, Error, Operation, PlatformReason};
use crate::fetch::extract;
use crate::net::http::HttpClient;
use crate::url::{Account, PostRef, Tab};

/// Where a list's posts come from.
pub(crate) enum Source {
    /// An API paged with `count` and `cursor`.
    Api(ListApi),
    /// One page built here (the avatar: a list of one image), as a list API answer.
    Page {
        /// The list's name for messages.
        label: String,
        /// The page, in the list API's shape.
        json: String,
        /// The URL it stands for.
        url: String,
    },
}

/// A list API and how to page it.
pub(crate) struct ListApi {
    /// The list's name for messages.
    pub label: String,
    /// The API URL without `count` and `cursor`.
    pub base: Url,
    /// Posts asked for per page.
    pub page_size: usize,
    /// The next cursor is the previous one plus the items received (reposts), not the answer's.
    pub offset_cursor: bool,
    /// What an answer without `itemList` means on the first page (a hidden list).
    pub hidden: Option<ContentReason>,
}

impl ListApi {
    fn new(label: String, base: Url, page_size: usize) -> Self {
        Self {
            label,
            base,
            page_size,
            offset_cursor: false,
            hidden: None,
        }
    }
}

/// Pages of the tabs that take a secUid: gallery-dl asks for 15.
const TAB_PAGE: usize = 15;
/// gallery-dl's `TiktokStoriesExtractor` asks for 5 stories a page.
const STORY_PAGE: usize = 5;
/// TikTok-Api's `Playlist.videos` asks for at most 30.
const MIX_PAGE: usize = 30;
/// A profile's own posts by secUid, paged as `lists.rs` pages a profile.
const POSTS_PAGE: usize = 30;
/// The web app's id, sent with list API calls (as `lists.rs` does).
const WEB_AID: &str = "1988";
/// The cookie of a logged-in TikTok session (cobalt issue #1353 and public tools name
/// `sessionid`/`sessionid_ss` as the login cookie). **thin**.
const SESSION_COOKIE: &str = "sessionid";

/// The source of a tab, playlist or avatar list; `None` for the other lists.
pub(crate) async fn source(http: &HttpClient, list: &PostRef) -> Result<Option<Source>, Error> {
    Ok(Some(match list {
        PostRef::UserTab { account, tab } => Source::Api(tab_api(http, account, *tab).await?),
        PostRef::Playlist { name, id, .. } => {
            let mut base = api("mix/item_list/")?;
            base.query_pairs_mut()
                .append_pair("aid", WEB_AID)
                .append_pair("mixId", id);
            Source::Api(ListApi::new(format!("playlist {name:?}"), base, MIX_PAGE))
        }
        PostRef::Avatar { user } => avatar(http, user).await?,
        _ => return Ok(None),
    }))
}

async fn tab_api(http: &HttpClient, account: &Account, tab: Tab) -> Result<ListApi, Error> {
    let shown = match account {
        Account::Name(n) => format!("@{n}"),
        Account::SecUid(s) => format!("the account {s}"),
    };
    if tab == Tab::Stories {
        let Account::Name(name) = account else {
            return Err(unsupported(
                "a stories tab needs the account's name",
                account,
            ));
        };
        let user = user_detail(http, name).await?;
        let mut base = api("story/item_list/")?;
        base.query_pairs_mut()
            .append_pair("aid", WEB_AID)
            .append_pair("authorId", &user.id()?)
            .append_pair("loadBackward", "false");
        return Ok(ListApi::new(
            format!("the stories of {shown}"),
            base,
            STORY_PAGE,
        ));
    }
    let (path, label, hidden) = match tab {
        Tab::Posts => ("post/item_list/", shown.clone(), None),
        Tab::Reposts => ("repost/item_list/", format!("the reposts of {shown}"), None),
        Tab::Likes => {
            let label = format!("the liked list of {shown}");
            let hidden = ContentReason::PrivateList(label.clone());
            ("favorite/item_list/", label, Some(hidden))
        }
        Tab::Saved => {
            let label = format!("the saved list of {shown}");
            let hidden = ContentReason::ListNeedsLogin(label.clone());
            ("user/collect/item_list/", label, Some(hidden))
        }
        Tab::Stories => {
            return Err(unsupported(
                "stories are listed by the account's id",
                account,
            ));
        }
    };
    let mut base = api(path)?;
    if tab == Tab::Saved && !http.cookie_names(&base).iter().any(|n| n == SESSION_COOKIE) {
        // Only a logged-in session sees its favourites: no request without one.
        return Err(Error::content(
            ContentReason::ListNeedsLogin(label),
            Operation::FetchApi,
            &PostRef::UserTab {
                account: account.clone(),
                tab,
            }
            .canonical_url(),
        ));
    }
    let sec_uid = match account {
        Account::SecUid(s) => s.clone(),
        Account::Name(name) => {
            let page_url = format!("https://www.tiktok.com/@{name}");
            let page = http
                .get_page(&parse(&page_url)?, Operation::FetchPage)
                .await?;
            extract::profile_sec_uid(&page.body, &page_url)?
        }
    };
    {
        let mut q = base.query_pairs_mut();
        q.append_pair("aid", WEB_AID)
            .append_pair("secUid", &sec_uid);
        if tab != Tab::Posts {
            q.append_pair("post_item_list_request_type", "0")
                .append_pair("needPinnedItemIds", "false");
        }
    }
    let page_size = if tab == Tab::Posts {
        POSTS_PAGE
    } else {
        TAB_PAGE
    };
    let mut list = ListApi::new(label, base, page_size);
    list.offset_cursor = tab == Tab::Reposts;
    list.hidden = hidden;
    Ok(list)
}

fn unsupported(why: &str, account: &Account) -> Error {
    Error::content(
        ContentReason::Unsupported(why.to_owned()),
        Operation::ParseUrl,
        &format!("https://www.tiktok.com/@{}", account.as_str()),
    )
}

/// The profile picture as a list of one image post: the user's numeric id is its id.
async fn avatar(http: &HttpClient, user: &str) -> Result<Source, Error> {
    let detail = user_detail(http, user).await?;
    let page_url = format!("https://www.tiktok.com/@{user}/avatar");
    let id = detail.id()?;
    let urls: Vec<String> = ["avatarLarger", "avatarMedium", "avatarThumb"]
        .iter()
        .filter_map(|k| detail.user[*k].as_str())
        .filter(|u| !u.is_empty())
        .map(str::to_owned)
        .collect();
    if urls.is_empty() {
        return Err(Error::platform(
            PlatformReason::NoItem,
            Operation::Extract,
            &page_url,
        ));
    }
    let name = detail.user["uniqueId"].as_str().unwrap_or(user);
    // The item goes through the one list parser, so its strings meet the same checks as any
    // post's (the id, names; the media request checks the host).
    let item = serde_json::json!({
        "id": id,
        "desc": format!("@{name} avatar"),
        "author": {
            "uniqueId": name,
            "nickname": detail.user["nickname"],
            "id": id,
            "secUid": detail.user["secUid"],
        },
        "imagePost": {"images": [{"imageURL": {"urlList": urls}}]},
    });
    Ok(Source::Page {
        label: format!("the avatar of @{user}"),
        json: serde_json::json!({"itemList": [item], "hasMore": false}).to_string(),
        url: page_url,
    })
}

/// `webapp.user-detail` of a profile page.
struct UserDetail {
    user: serde_json::Value,
    page_url: String,
}

impl UserDetail {
    /// The account's numeric id (`userInfo.user.id`).
    fn id(&self) -> Result<String, Error> {
        let id = match &self.user["id"] {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => n.to_string(),
            _ => String::new(),
        };
        if !id.is_empty() && id.len() <= 20 && id.bytes().all(|b| b.is_ascii_digit()) {
            Ok(id)
        } else {
            Err(Error::platform(
                PlatformReason::NoData {
                    markers: "webapp.user-detail userInfo.user.id".into(),
                    size: 0,
                    title: String::new(),
                },
                Operation::Extract,
                &self.page_url,
            ))
        }
    }
}

/// Fetches `/@user` and reads `userInfo.user`; a non-zero `statusCode` is its typed error.
async fn user_detail(http: &HttpClient, user: &str) -> Result<UserDetail, Error> {
    let page_url = format!("https://www.tiktok.com/@{user}");
    let page = http
        .get_page(&parse(&page_url)?, Operation::FetchPage)
        .await?;
    page.check_status(Operation::FetchPage, &page_url, false)?;
    let no_data = |size| {
        Error::platform(
            PlatformReason::NoData {
                markers: "__UNIVERSAL_DATA_FOR_REHYDRATION__ (webapp.user-detail)".into(),
                size,
                title: String::new(),
            },
            Operation::Extract,
            &page_url,
        )
    };
    let json = extract::script_by_id(&page.body, "__UNIVERSAL_DATA_FOR_REHYDRATION__")
        .ok_or_else(|| no_data(page.body.len()))?;
    let data: serde_json::Value = extract::flex::from_str(json).map_err(|e| {
        Error::platform(
            PlatformReason::BadJson(e.to_string()),
            Operation::Extract,
            &page_url,
        )
    })?;
    let detail = &data["__DEFAULT_SCOPE__"]["webapp.user-detail"];
    let status = detail["statusCode"].as_u64().unwrap_or(0);
    let message = detail["statusMsg"].as_str().map(str::to_owned);
    if let Some(reason) = extract::status_reason(status, message) {
        return Err(Error::content(reason, Operation::Extract, &page_url));
    }
    let user = detail["userInfo"]["user"].clone();
    if !user.is_object() {
        return Err(no_data(page.body.len()));
    }
    Ok(UserDetail { user, page_url })
}

fn api(path: &str) -> Result<Url, Error> {
    parse(&format!("https://www.tiktok.com/api/{path}"))
}

fn parse(u: &str) -> Result<Url, Error> {
    Url::parse(u).map_err(|e| Error::not_tiktok(e, Operation::FetchApi, u))
}
