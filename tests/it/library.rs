//! The library API used directly (as an embedding program would), against the imitation.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::support::{DESKTOP_ID, DESKTOP_URL, Env};
use tikdl::save::DownloadOptions;
use tikdl::{Config, HttpConfig, TikTokHandler};

fn handler(env: &Env) -> TikTokHandler {
    let http = HttpConfig {
        proxies: vec![env.tiktok.proxy_url().parse().unwrap()],
        ca_certs: vec![env.ca.clone()],
        ..HttpConfig::default()
    };
    TikTokHandler::new(Config {
        http,
        cache: None,
        ..Config::default()
    })
    .unwrap()
}

#[tokio::test]
async fn capabilities_validation_info_and_download_with_progress() {
    let env = Env::new();
    let h = handler(&env);
    assert!(h.capabilities().post_kinds.contains(&"slideshow"));
    assert!(h.is_valid_url(DESKTOP_URL));
    assert!(!h.is_valid_url("https://evil-tiktok.com/@a/video/7608826249200356630"));

    let info = h
        .video_info("https://vm.tiktok.com/ZMdesk1/")
        .await
        .unwrap();
    assert_eq!(info.id, DESKTOP_ID);

    let seen = Arc::new(AtomicU64::new(0));
    let total = Arc::new(AtomicU64::new(0));
    let (s, t) = (seen.clone(), total.clone());
    let progress: tikdl::save::download::ProgressFn = Arc::new(move |done, all| {
        s.store(done, Ordering::Relaxed);
        t.store(all.unwrap_or(0), Ordering::Relaxed);
    });
    let opts = DownloadOptions {
        quality: "720p".parse().unwrap(),
        ..DownloadOptions::default()
    };
    let result = h
        .download(DESKTOP_URL, env.dir.path(), &opts, Some(progress))
        .await;
    assert!(result.is_saved(), "{:?}", result.status);
    assert_eq!(result.format_id.as_deref(), Some("adapt_lower_720_1"));
    assert_eq!(result.files.len(), 1);
    assert_eq!(result.filesize, 5084196);
    assert_eq!(
        seen.load(Ordering::Relaxed),
        5084196,
        "progress reached the end"
    );
    assert_eq!(total.load(Ordering::Relaxed), 5084196);
    let fmt = info
        .formats
        .iter()
        .find(|f| f.format_id == "adapt_lower_720_1")
        .unwrap();
    assert!(std::fs::read(&result.files[0].path).unwrap() == env.tiktok.media_bytes(&fmt.url));

    let err = h
        .video_info("https://www.tiktok.com/@x/video/7000000000000010216")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), tikdl::ErrorKind::Content);
    assert!(!err.suggestions().is_empty());
}
