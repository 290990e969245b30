//! Property tests of the file-name sanitizer and of templates rendered from hostile values:
//! a substituted value never adds a separator, never climbs out of the output folder, and
//! sanitizing is idempotent.

use std::path::{Component, Path};

use proptest::prelude::*;
use serde_json::{Map, Value};
use tikdl::disk::name_rules::NameRules;
use tikdl::disk::safe_path::{
    MAX_COMPONENT_BYTES, meta_path, part_path, resolve_in_base, sanitize_component, sidecar,
};
use tikdl::save::template::Template;
use tiktok_imitation::{HOSTILE_BASE, HOSTILE_NAMES};

use crate::support::{self, Env};

/// Strings biased towards what breaks file names: separators, dots, spaces, control and
/// bidi characters, Windows device names, multi-byte text, and long runs, mixed with fully
/// arbitrary Unicode.
fn hostile_string() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("/".to_owned()),
        Just("\\".to_owned()),
        Just(".".to_owned()),
        Just("..".to_owned()),
        Just(" ".to_owned()),
        Just("\0".to_owned()),
        Just("\n".to_owned()),
        Just("\r\n".to_owned()),
        Just("\t".to_owned()),
        Just("\u{7f}".to_owned()),
        Just("\u{85}".to_owned()),
        Just("\u{202E}".to_owned()),
        Just("\u{2066}".to_owned()),
        Just("\u{3000}".to_owned()),
        Just("CON".to_owned()),
        Just("nul".to_owned()),
        Just("COM1".to_owned()),
        Just("lpt²".to_owned()),
        Just(":".to_owned()),
        Just("*?<>|\"".to_owned()),
        Just("C:".to_owned()),
        Just("é".to_owned()),
        Just("🐱".to_owned()),
        Just("x".repeat(120)),
        Just("🐱".repeat(40)),
        "[a-z]{1,8}",
        any::<char>().prop_map(String::from),
        "\\PC{0,6}",
    ];
    prop_oneof![
        3 => prop::collection::vec(piece, 0..24).prop_map(|v| v.concat()),
        1 => any::<String>(),
    ]
}

fn config() -> ProptestConfig {
    // Modest so the suite stays fast in CI; the fuzz target `template` covers more ground.
    ProptestConfig {
        cases: 512,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn sanitized_component_is_one_plain_name(s in hostile_string()) {
        let out = sanitize_component(&s);
        prop_assert!(!out.is_empty());
        prop_assert!(!out.contains(['/', '\\', '\0']), "{out:?}");
        prop_assert!(!out.chars().any(char::is_control), "{out:?}");
        prop_assert!(!out.chars().any(is_bidi_control), "{out:?}");
        prop_assert!(out != "." && out != "..");
        // No hidden files, nothing Windows would silently drop.
        prop_assert!(!out.starts_with(['.', ' ']) && !out.ends_with(['.', ' ']), "{out:?}");
        // Length is the renderer's business, but sanitizing never grows a value by more than
        // the one `_` it may prepend.
        prop_assert!(out.len() <= s.len() + 1, "{} -> {} bytes", s.len(), out.len());
        // Exactly one normal path component.
        let mut parts = Path::new(&out).components();
        prop_assert!(matches!(parts.next(), Some(Component::Normal(_))), "{out:?}");
        prop_assert!(parts.next().is_none(), "{out:?}");
    }

    #[test]
    fn sanitize_component_is_idempotent(s in hostile_string()) {
        let once = sanitize_component(&s);
        prop_assert_eq!(sanitize_component(&once), once);
    }

    #[test]
    fn hostile_values_render_inside_the_base(title in hostile_string(), uploader in hostile_string()) {
        let base = tempfile::tempdir().unwrap();
        let template = Template::parse("%(title)s/%(uploader)s.%(ext)s").unwrap();
        let mut fields = Map::new();
        fields.insert("title".into(), Value::String(title.clone()));
        fields.insert("uploader".into(), Value::String(uploader.clone()));
        fields.insert("ext".into(), Value::String("mp4".into()));

        let rel = template.render(&fields).unwrap();
        prop_assert!(rel.is_relative(), "{rel:?}");
        let names: Vec<&str> = rel
            .components()
            .map(|c| match c {
                Component::Normal(n) => n.to_str().unwrap(),
                other => panic!("{title:?}/{uploader:?} rendered {rel:?} with {other:?}"),
            })
            .collect();
        // The template's one `/` gives exactly one folder: values add none.
        prop_assert_eq!(names.len(), 2, "{:?}", rel);
        for name in &names {
            prop_assert!(*name != "..", "{rel:?}");
            prop_assert!(name.len() <= MAX_COMPONENT_BYTES, "{} bytes: {rel:?}", name.len());
        }
        prop_assert!(names[1].ends_with(".mp4"), "{rel:?}");

        let full = resolve_in_base(base.path(), &rel).unwrap();
        prop_assert!(full.starts_with(base.path()), "{full:?}");
        let inside = full.strip_prefix(base.path()).unwrap();
        prop_assert!(
            inside.components().all(|c| matches!(c, Component::Normal(_))),
            "{full:?}"
        );
    }
}

/// Captions as they come: "fancy font" letters (4 bytes each), emoji with skin tones and ZWJ
/// sequences (up to 25 bytes a grapheme), a creator's recurring intro, and arbitrary Unicode.
fn caption() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("𝓗𝓮𝓵𝓵𝓸 ".to_owned()),
        Just("👩‍👩‍👧‍👦".to_owned()),
        Just("👍🏽".to_owned()),
        Just("🏳️‍🌈".to_owned()),
        Just("\u{feff}\u{200b}".to_owned()),
        Just("é".to_owned()),
        Just(" ".to_owned()),
        Just(".".to_owned()),
        "[a-z]{1,8}",
        any::<char>().prop_map(String::from),
    ];
    prop_oneof![
        3 => prop::collection::vec(piece, 0..90).prop_map(|v| v.concat()),
        1 => any::<String>(),
    ]
}

/// The default template's fields for one post, with a title cut the way extraction cuts it.
fn post_fields(id: &str, uploader: &str, caption: &str, ext: &str) -> Map<String, Value> {
    let mut fields = Map::new();
    fields.insert("id".into(), Value::String(id.into()));
    fields.insert("uploader".into(), Value::String(uploader.into()));
    fields.insert("title".into(), Value::String(caption.into()));
    fields.insert("ext".into(), Value::String(ext.into()));
    fields
}

/// Every suffix tikdl puts after a rendered name's stem, and the temporary names after those.
const SIDECARS: [&str; 6] = [
    " - 01.jpg",
    " - 100.heic",
    ".info.json",
    ".eng-US.vtt",
    ".cmn-Hans-CN.vtt",
    ".webp",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..config() })]

    #[test]
    fn the_default_name_and_every_sidecar_keep_the_id_whole(
        title in caption(),
        uploader in prop_oneof![caption(), "[a-z0-9_.]{2,24}"],
        ext in prop_oneof![Just("mp4"), Just("mp3"), Just("jpg"), Just("webp")],
    ) {
        let id = "7500000000000005001";
        let t = Template::default();
        let rel = t.render(&post_fields(id, &uploader, &title, ext)).unwrap();
        let name = rel.file_name().unwrap().to_str().unwrap().to_owned();
        let mut names = vec![name.clone()];
        for suffix in SIDECARS {
            names.push(sidecar(&rel, suffix).file_name().unwrap().to_str().unwrap().to_owned());
        }
        for n in names.clone() {
            let p = rel.with_file_name(&n);
            for tmp in [part_path(&p), meta_path(&p)] {
                names.push(tmp.file_name().unwrap().to_str().unwrap().to_owned());
            }
        }
        for n in &names {
            prop_assert!(n.len() <= MAX_COMPONENT_BYTES, "{} bytes: {n:?}", n.len());
            prop_assert!(n.contains(&format!("[{id}]")), "{n:?}");
        }
        prop_assert!(name.ends_with(&format!("[{id}].{ext}")), "{name:?}");
        // Sidecar suffixes are appended whole, never cut into.
        for suffix in SIDECARS {
            let side = sidecar(&rel, suffix);
            prop_assert!(side.to_str().unwrap().ends_with(suffix), "{side:?}");
            let part = format!("{suffix}.part");
            let meta = format!("{suffix}.part.meta");
            prop_assert!(part_path(&side).to_str().unwrap().ends_with(&part), "{side:?}");
            prop_assert!(meta_path(&side).to_str().unwrap().ends_with(&meta), "{side:?}");
        }
    }

    #[test]
    fn a_rendered_file_name_is_never_a_bookkeeping_name(
        title in caption(),
        tail in prop_oneof![Just(".mp4.part"), Just(".PART"), Just(".part.meta"), Just(".Part.Meta  ")],
    ) {
        let t = Template::parse("%(title)s").unwrap();
        let rel = t.render(&post_fields("7500000000000005001", "u", &format!("{title}{tail}"), "mp4")).unwrap();
        let name = rel.file_name().unwrap().to_str().unwrap().to_lowercase();
        prop_assert!(!name.ends_with(".part") && !name.ends_with(".part.meta"), "{name:?}");
        prop_assert!(name != ".tikdl-manifest", "{name:?}");
    }

    #[test]
    fn two_posts_with_different_ids_never_render_alike(
        title in caption(),
        other_title in caption(),
        uploader in "[a-z0-9_.]{2,24}",
        intro in prop_oneof![Just(String::new()), Just("𝓗𝓮𝓵𝓵𝓸 ".repeat(20))],
    ) {
        let t = Template::default();
        let a = t.render(&post_fields("7500000000000005001", &uploader, &format!("{intro}{title}"), "mp4")).unwrap();
        let b = t.render(&post_fields("7500000000000005002", &uploader, &format!("{intro}{other_title}"), "mp4")).unwrap();
        prop_assert_ne!(&a, &b);
        for suffix in SIDECARS {
            prop_assert_ne!(sidecar(&a, suffix), sidecar(&b, suffix));
        }
    }
}

proptest! {
    #![proptest_config(config())]

    /// The file-name options only ever make a name stricter or shorter.
    #[test]
    fn hostile_values_stay_inside_the_base_under_every_name_option(
        title in hostile_string(),
        uploader in hostile_string(),
        restrict in any::<bool>(),
        windows in any::<bool>(),
        trim in prop_oneof![Just(0usize), 1usize..40],
    ) {
        let rules = NameRules { restrict, windows, trim: std::num::NonZeroUsize::new(trim) };
        let mut f = Map::new();
        f.insert("title".into(), Value::from(title));
        f.insert("uploader".into(), Value::from(uploader));
        f.insert("id".into(), Value::from("7500000000000005001"));
        f.insert("ext".into(), Value::from("mp4"));
        let t = Template::parse("%(uploader)s/%(title)s [%(id)s].%(ext)s").unwrap();
        let rel = t.render_with(&f, &rules).unwrap();
        let parts: Vec<&str> = rel.components().map(|c| match c {
            Component::Normal(s) => s.to_str().unwrap(),
            other => panic!("{other:?} in {rel:?}"),
        }).collect();
        prop_assert_eq!(parts.len(), 2, "{:?}", rel);
        for p in &parts {
            prop_assert!(p.len() <= MAX_COMPONENT_BYTES && *p != ".." && *p != ".");
            if restrict {
                // The template's own ` [` is kept, as yt-dlp keeps it.
                let values = p.replace(" [", "");
                prop_assert!(values.is_ascii() && !values.contains([' ', '&']), "{:?}", p);
            }
        }
        if trim > 0 {
            let stem = parts[1].strip_suffix(".mp4").unwrap_or(parts[1]);
            prop_assert!(stem.trim_start_matches('_').chars().count() <= trim, "{:?}", parts[1]);
        }
        let base = Path::new("/base");
        prop_assert!(resolve_in_base(base, &rel).unwrap().starts_with(base));
    }
}

// ---- Through the binary: the file-name options and the template's formatting ----------------

/// The hostile posts' URLs.
fn hostile_urls() -> Vec<String> {
    (1..=HOSTILE_NAMES.len() as u64)
        .map(|n| format!("https://www.tiktok.com/@x/video/{}", HOSTILE_BASE + n))
        .collect()
}

/// Every file under `base` as its components below it (each one checked to be plain).
fn names_below(base: &Path) -> Vec<Vec<String>> {
    support::files_under(base)
        .iter()
        .map(|p| {
            let rel = p.strip_prefix(base).expect("under the base");
            rel.components()
                .map(|c| match c {
                    Component::Normal(c) => c.to_str().expect("UTF-8 name").to_owned(),
                    other => panic!("{other:?} in {}", p.display()),
                })
                .collect()
        })
        .collect()
}

/// `download --json -P BASE -q worst ARGS URLS` in the test's folder: every post downloaded.
fn download_all(env: &Env, base: &Path, args: &[&str], urls: &[String]) -> Vec<Value> {
    let mut all = vec!["-P", support::s(base), "-f", "worst"];
    all.extend(args);
    all.extend(urls.iter().map(String::as_str));
    let run = support::download(env, &all);
    assert_eq!(run.code, 0, "{}\n{:?}", run.stderr, run.lines);
    assert_eq!(run.lines.len(), urls.len());
    for l in &run.lines {
        assert_eq!(l["status"], "downloaded", "{l}");
    }
    // Nothing beside the base.
    let top: Vec<String> = support::names_in(env.dir.path());
    assert!(
        top.iter()
            .all(|n| n == "ca.pem" || n == "base" || n.starts_with('.')),
        "{top:?}"
    );
    run.lines
}

#[test]
fn restrict_filenames_makes_hostile_captions_ascii_without_spaces() {
    let env = Env::new();
    let base = env.dir.path().join("base");
    let urls = hostile_urls();
    let lines = download_all(
        &env,
        &base,
        &[
            "--restrict-filenames",
            "--write-info-json",
            "-o",
            "%(uploader)s/%(title)s-%(id)s.%(ext)s",
        ],
        &urls,
    );
    let names = names_below(&base);
    assert_eq!(names.len(), 2 * urls.len(), "{names:?}");
    for parts in &names {
        assert_eq!(parts.len(), 2, "{parts:?}");
        for p in parts {
            assert!(p.is_ascii(), "{p:?}");
            assert!(!p.contains([' ', '&', '\\', ':']), "{p:?}");
            assert!(p != "." && p != ".." && !p.starts_with('.'), "{p:?}");
            assert!(p.len() <= MAX_COMPONENT_BYTES);
        }
    }
    for (line, n) in lines.iter().zip(1..) {
        let id = (HOSTILE_BASE + n).to_string();
        let video = support::files(line, "video");
        let name = video[0].file_name().unwrap().to_str().unwrap().to_owned();
        assert!(name.ends_with(&format!("-{id}.mp4")), "{name}");
    }
    // The "fancy" letters of the last captions are plain ones after NFKC, as in yt-dlp.
    let last = support::files(&lines[lines.len() - 1], "video");
    let last = last[0].file_name().unwrap().to_str().unwrap();
    assert!(last.starts_with("Hello_Hello_"), "{last}");
    // Without the flag the same template keeps the letters.
    let plain = env.dir.path().join("plain");
    let run = support::download(
        &env,
        &[
            "-P",
            support::s(&plain),
            "-f",
            "worst",
            "-o",
            "%(title)s.%(ext)s",
            &urls[urls.len() - 1],
        ],
    )
    .ok();
    let name = support::files(run.result(), "video")[0].clone();
    assert!(name.to_str().unwrap().contains("𝓗𝓮𝓵𝓵𝓸 𝓗𝓮𝓵𝓵𝓸"), "{name:?}");
}

#[test]
fn windows_filenames_cleans_the_templates_own_text() {
    let env = Env::new();
    let base = env.dir.path().join("base");
    let template = "a:b?/%(id)s|<x>.%(ext)s";
    download_all(
        &env,
        &base,
        &["--windows-filenames", "-o", template],
        &[support::DESKTOP_URL.into()],
    );
    assert_eq!(
        names_below(&base),
        [vec![
            "a#b#".to_owned(),
            format!("{}##x#.mp4", support::DESKTOP_ID)
        ]]
    );
    // Without it, text typed in the template is kept as typed (only values are cleaned).
    let plain = env.dir.path().join("plain");
    let run = support::download(
        &env,
        &[
            "-P",
            support::s(&plain),
            "-f",
            "worst",
            "-o",
            template,
            support::DESKTOP_URL,
        ],
    )
    .ok();
    assert!(
        run.result()["files"][0]["path"]
            .as_str()
            .unwrap()
            .contains("a:b?/")
    );
    // A device name in the template's text is guarded either way.
    let dev = env.dir.path().join("dev");
    let run = support::download(
        &env,
        &[
            "-P",
            support::s(&dev),
            "-f",
            "worst",
            "--windows-filenames",
            "-o",
            "nul/%(id)s.%(ext)s",
            support::DESKTOP_URL,
        ],
    )
    .ok();
    assert!(
        run.result()["files"][0]["path"]
            .as_str()
            .unwrap()
            .contains("_nul/")
    );
}

#[test]
fn trim_filenames_counts_characters_and_keeps_the_id_and_extension() {
    let env = Env::new();
    let base = env.dir.path().join("base");
    let urls = hostile_urls();
    let lines = download_all(
        &env,
        &base,
        &["--trim-filenames", "30", "--write-info-json"],
        &urls,
    );
    for (line, n) in lines.iter().zip(1..) {
        let id = HOSTILE_BASE + n;
        let video = &support::files(line, "video")[0];
        let name = video.file_name().unwrap().to_str().unwrap();
        let stem = name.strip_suffix(".mp4").expect("the extension is kept");
        assert!(
            stem.chars().count() <= 30,
            "{} characters: {name}",
            stem.chars().count()
        );
        assert!(stem.ends_with(&format!("[{id}]")), "{name}");
        // The info JSON beside it keeps the same stem.
        let info = &support::files(line, "info_json")[0];
        assert_eq!(
            info.file_name().unwrap().to_str().unwrap(),
            format!("{stem}.info.json")
        );
    }
    // The 4-byte letters count one each: more bytes than 30, at most 30 characters.
    let fancy = &support::files(&lines[lines.len() - 1], "video")[0];
    let fancy = fancy.file_name().unwrap().to_str().unwrap();
    assert!(fancy.len() > 34, "{fancy}");
    // 0 is no limit (as yt-dlp's default).
    let whole = env.dir.path().join("whole");
    let run = support::download(
        &env,
        &[
            "-P",
            support::s(&whole),
            "-f",
            "worst",
            "--trim-filenames",
            "0",
            &urls[urls.len() - 1],
        ],
    )
    .ok();
    let name = support::files(run.result(), "video")[0].clone();
    let name = name.file_name().unwrap().to_str().unwrap();
    assert!(name.chars().count() > 60, "{name:?}");
}

#[test]
fn the_config_file_sets_the_name_options() {
    let env = Env::new();
    let config = env.dir.path().join("config.toml");
    std::fs::write(
        &config,
        "[download]\nrestrict_filenames = true\nwindows_filenames = true\ntrim_filenames = 12\n",
    )
    .unwrap();
    let base = env.dir.path().join("base");
    let url = format!(
        "https://www.tiktok.com/@x/video/{}",
        HOSTILE_BASE + HOSTILE_NAMES.len() as u64
    );
    let out = env
        .cmd_with_config(&config)
        .args([
            "download",
            "--json",
            "-P",
            support::s(&base),
            "-f",
            "worst",
            "-o",
            "?%(title)s.%(ext)s",
            &url,
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", support::stderr(&out));
    assert_eq!(names_below(&base), [vec!["#Hello_Hello.mp4".to_owned()]]);
    // The flags' `--no-` forms undo the file's for one run.
    let plain = env.dir.path().join("plain");
    let out = env
        .cmd_with_config(&config)
        .args([
            "download",
            "--json",
            "-P",
            support::s(&plain),
            "-f",
            "worst",
        ])
        .args([
            "--no-restrict-filenames",
            "--no-windows-filenames",
            "-o",
            "?%(title)s.%(ext)s",
            &url,
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", support::stderr(&out));
    assert_eq!(names_below(&plain), [vec!["?𝓗𝓮𝓵𝓵𝓸 𝓗𝓮𝓵𝓵𝓸.mp4".to_owned()]]);
    let shown = env
        .cmd_with_config(&config)
        .args(["config", "show"])
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&shown.stdout);
    for line in [
        "restrict_filenames = true",
        "windows_filenames = true",
        "trim_filenames = 12",
    ] {
        assert!(shown.contains(line), "{line}: {shown}");
    }
}

#[test]
fn dates_numbers_and_byte_cuts_in_output_and_print_templates() {
    let env = Env::new();
    let info = env.info_json(support::DESKTOP_URL);
    let id: u64 = support::DESKTOP_ID.parse().unwrap();
    let ts = info["timestamp"].as_i64().unwrap();
    let day = info["upload_date"].as_str().unwrap();
    let views = info["view_count"].as_u64().unwrap();
    let duration = info["duration"].as_u64().unwrap();
    let title = info["title"].as_str().unwrap();
    let base = env.dir.path().join("base");
    let lines = download_all(
        &env,
        &base,
        &[
            "-o",
            "%(upload_date>%Y-%m-%d)s_%(view_count)012d_%(duration).2f_%(id)x_%(title).9B.%(ext)s",
        ],
        &[support::DESKTOP_URL.into()],
    );
    let video = &support::files(&lines[0], "video")[0];
    let name = video.file_name().unwrap().to_str().unwrap();
    let want = format!(
        "{}-{}-{}_{views:012}_{duration}.00_{id:x}_",
        &day[..4],
        &day[4..6],
        &day[6..]
    );
    assert!(name.starts_with(&want), "{name} vs {want}");
    let cut = name[want.len()..].strip_suffix(".mp4").unwrap();
    assert!(cut.len() <= 9 && cut.len() >= 6, "{cut:?}");
    assert!(title.starts_with(cut), "{cut:?} of {title:?}");

    // -O: the same language, not sanitized; the time of day from the timestamp (UTC).
    let hm = format!(
        "{:02}:{:02}",
        ts.rem_euclid(86400) / 3600,
        ts.rem_euclid(3600) / 60
    );
    let out = env
        .cmd()
        .args(["info", "-O", "%(timestamp>%Y%m%d %H:%M)s|%(view_count)+d|%(view_count)#x|%(nope&x|none)s|%(id&[{}])s", support::DESKTOP_URL])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", support::stderr(&out));
    assert_eq!(
        support::stdout(&out).trim_end(),
        format!("{day} {hm}|+{views}|{views:#x}|none|[{id}]")
    );
    // An unknown directive is a usage error naming the template.
    let out = env
        .cmd()
        .args(["info", "-O", "%(timestamp>%Q)s", support::DESKTOP_URL])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        support::stderr(&out).contains("date format"),
        "{}",
        support::stderr(&out)
    );
}
