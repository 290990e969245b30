//! Rotation: several proxies take posts in turn (one post's page and media through the same
//! one), and the User-Agent moves through a set of desktop browsers every N page requests,
//! never within a post.

mod support;

use support::{Env, Imitation};

const BATCH_BASE: u64 = 7300000000000100000;
const BENCH_BASE: u64 = 7900000000000000000;

fn batch_url(n: u64) -> String {
    format!("https://www.tiktok.com/@imitation/video/{}", BATCH_BASE + n)
}

fn bench_url(n: u64) -> String {
    format!("https://www.tiktok.com/@bench/video/{}", BENCH_BASE + n)
}

/// Ids of the posts (by their page requests) an imitation served, in order.
fn posts_served(i: &Imitation) -> Vec<u64> {
    i.requests()
        .iter()
        .filter(|r| r.host == "www.tiktok.com")
        .filter_map(|r| r.path.rsplit('/').next()?.split('?').next()?.parse().ok())
        .collect()
}

#[test]
fn proxies_take_posts_in_turn_with_page_and_media_on_the_same_one() {
    let env = Env::new();
    let other = Imitation::start();
    let other_ca = env.state.path().join("other-ca.pem");
    std::fs::write(&other_ca, other.ca_pem()).unwrap();
    let urls: Vec<String> = (1..=4).map(batch_url).collect();
    // Each imitation is a CONNECT proxy that is also "TikTok", with its own CA and its own
    // record of the cookies it issued: media fetched through the other proxy than its page
    // would be refused (403), so success itself proves the pairing.
    let out = env
        .bare()
        .args(["--no-config", "--no-cache", "--retry-backoff", "0.01"])
        .args([
            "--proxy",
            &env.tiktok.proxy_url(),
            "--proxy",
            &other.proxy_url(),
        ])
        .arg("--ca-cert")
        .arg(&env.ca)
        .arg("--ca-cert")
        .arg(&other_ca)
        .args(["download", "--json", "--jobs", "1"])
        .args(&urls)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    let first: Vec<u64> = posts_served(&env.tiktok);
    let second: Vec<u64> = posts_served(&other);
    assert_eq!(
        first,
        [BATCH_BASE + 1, BATCH_BASE + 3],
        "round-robin, one post each"
    );
    assert_eq!(second, [BATCH_BASE + 2, BATCH_BASE + 4]);
    for (imitation, ids) in [(&env.tiktok, &first), (&other, &second)] {
        let reqs = imitation.requests();
        let media: Vec<_> = reqs.iter().filter(|r| r.host != "www.tiktok.com").collect();
        assert!(!media.is_empty());
        for m in media {
            assert_eq!(m.status, 200, "{m:?}");
            assert!(
                ids.iter().any(|id| m.path.contains(&format!("imt={id}"))),
                "media of a post served elsewhere went through this proxy: {m:?}"
            );
            assert!(
                m.cookie_names.iter().any(|c| c == "tt_chain_token"),
                "{m:?}"
            );
        }
    }
}

#[test]
fn without_rotation_only_the_first_proxy_is_used() {
    let env = Env::new();
    let other = Imitation::start();
    let config = env.state.path().join("config.toml");
    std::fs::write(&config, "[proxy]\nrotation_enabled = false\n").unwrap();
    let out = env
        .bare()
        .arg("--config")
        .arg(&config)
        .args([
            "--no-cache",
            "--proxy",
            &env.tiktok.proxy_url(),
            "--proxy",
            &other.proxy_url(),
        ])
        .arg("--ca-cert")
        .arg(&env.ca)
        .args([
            "info",
            "--json",
            "--jobs",
            "1",
            &bench_url(1),
            &bench_url(2),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(posts_served(&env.tiktok).len(), 2);
    assert!(other.requests().is_empty());
}

#[test]
fn proxies_from_the_config_file_rotate_too() {
    let env = Env::new();
    let other = Imitation::start();
    let other_ca = env.state.path().join("other-ca.pem");
    std::fs::write(&other_ca, other.ca_pem()).unwrap();
    let config = env.state.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "enable_caching = false\n[proxy]\nurls = [\"{}\", \"{}\"]\n",
            env.tiktok.proxy_url(),
            other.proxy_url()
        ),
    )
    .unwrap();
    let urls: Vec<String> = (1..=4).map(bench_url).collect();
    let out = env
        .bare()
        .arg("--config")
        .arg(&config)
        .arg("--ca-cert")
        .arg(&env.ca)
        .arg("--ca-cert")
        .arg(&other_ca)
        .args(["info", "--json", "--jobs", "1"])
        .args(&urls)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(posts_served(&env.tiktok), [BENCH_BASE + 1, BENCH_BASE + 3]);
    assert_eq!(posts_served(&other), [BENCH_BASE + 2, BENCH_BASE + 4]);
}

fn rotating(env: &Env, interval: u32) -> std::path::PathBuf {
    let config = env.state.path().join("config.toml");
    std::fs::write(
        &config,
        format!("[headers]\nuser_agent_rotation = true\nrotation_interval = {interval}\n"),
    )
    .unwrap();
    config
}

#[test]
fn user_agent_changes_every_n_page_requests() {
    let env = Env::new();
    let config = rotating(&env, 2);
    let urls: Vec<String> = (1..=6).map(bench_url).collect();
    let out = env
        .cmd_with_config(&config)
        .args(["info", "--json", "--jobs", "1"])
        .args(&urls)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let agents: Vec<String> = env
        .tiktok
        .requests()
        .iter()
        .map(|r| r.user_agent.clone().unwrap_or_default())
        .collect();
    assert_eq!(agents.len(), 6);
    assert_eq!(agents[0], agents[1]);
    assert_eq!(agents[2], agents[3]);
    assert_eq!(agents[4], agents[5]);
    assert!(
        agents[0] != agents[2] && agents[2] != agents[4] && agents[0] != agents[4],
        "{agents:#?}"
    );
    assert!(
        agents[0].contains("Chrome/"),
        "starts from the default: {}",
        agents[0]
    );
    for a in &agents {
        assert!(a.starts_with("Mozilla/5.0 ("), "a desktop browser: {a}");
    }

    // Without rotation every request has the same one.
    env.tiktok.clear_requests();
    let out = env
        .cmd()
        .args(["--no-cache", "info", "--json", "--jobs", "1"])
        .args(&urls)
        .output()
        .unwrap();
    assert!(out.status.success());
    let agents: std::collections::HashSet<_> = env
        .tiktok
        .requests()
        .into_iter()
        .map(|r| r.user_agent)
        .collect();
    assert_eq!(agents.len(), 1);
}

#[test]
fn a_post_keeps_its_user_agent_for_its_media() {
    let env = Env::new();
    let config = rotating(&env, 1);
    let urls: Vec<String> = (1..=3).map(batch_url).collect();
    let out = env
        .cmd_with_config(&config)
        .args(["download", "--json", "--jobs", "1"])
        .args(&urls)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let reqs = env.tiktok.requests();
    let mut page_agents = Vec::new();
    for n in 1..=3 {
        let id = (BATCH_BASE + n).to_string();
        let page = reqs
            .iter()
            .find(|r| r.host == "www.tiktok.com" && r.path.contains(&id))
            .unwrap();
        let media: Vec<_> = reqs
            .iter()
            .filter(|r| r.host != "www.tiktok.com" && r.path.contains(&format!("imt={id}")))
            .collect();
        assert!(!media.is_empty());
        for m in media {
            assert_eq!(m.user_agent, page.user_agent, "post {n}: {m:?}");
        }
        page_agents.push(page.user_agent.clone());
    }
    assert!(
        page_agents[0] != page_agents[1] && page_agents[1] != page_agents[2],
        "interval 1: every post a new one: {page_agents:#?}"
    );
}
