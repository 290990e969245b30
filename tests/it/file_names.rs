//! Property tests of the file-name sanitizer and of templates rendered from hostile values:
//! a substituted value never adds a separator, never climbs out of the output folder, and
//! sanitizing is idempotent.

use std::path::{Component, Path};

use proptest::prelude::*;
use serde_json::{Map, Value};
use tikdl::disk::safe_path::{
    MAX_COMPONENT_BYTES, meta_path, part_path, resolve_in_base, sanitize_component, sidecar,
};
use tikdl::save::template::Template;

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
