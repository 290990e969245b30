//! yt-dlp's `TYPES:` / `WHEN:` prefixes on `-P`, `-o` and `--exec`, recognised so that a value
//! written for yt-dlp never names a folder, a file or a program after its prefix.
//!
//! yt-dlp `yt_dlp/options.py` `_dict_from_options_callback`: a value matching
//! `(?is)KEY(,KEY)*:REST` (keys case-insensitive, several only for `-P`/`-o`) is for those keys,
//! anything else for the default key. `-o` takes the keys of `OUTTMPL_TYPES` (default `default`),
//! `-P` those and `home`/`temp` (default `home`), `--exec` one of `POSTPROCESS_WHEN` (default
//! `after_move`); both lists are in `yt_dlp/utils/_utils.py`. A value whose text before the first
//! `:` is no such key (`a:b`) is the value itself, as there.

/// yt-dlp's `OUTTMPL_TYPES`: the kinds of file a `-o`/`-P` value may be for.
const FILE_TYPES: [&str; 11] = [
    "chapter",
    "subtitle",
    "thumbnail",
    "description",
    "annotation",
    "infojson",
    "link",
    "pl_video",
    "pl_thumbnail",
    "pl_description",
    "pl_infojson",
];

/// yt-dlp's `POSTPROCESS_WHEN`: the moments an `--exec` command may run at.
const WHEN: [&str; 8] = [
    "pre_process",
    "after_filter",
    "video",
    "before_dl",
    "post_process",
    "after_move",
    "after_video",
    "playlist",
];

/// The keys of `value`'s prefix (lowercase) and the rest, if it starts with known keys and `:`.
fn split<'a>(value: &'a str, known: &[&str], several: bool) -> Option<(Vec<String>, &'a str)> {
    let (head, rest) = value.split_once(':')?;
    let keys: Vec<String> = if several {
        head.split(',').map(str::to_ascii_lowercase).collect()
    } else {
        vec![head.to_ascii_lowercase()]
    };
    keys.iter()
        .all(|k| known.contains(&k.as_str()))
        .then_some((keys, rest))
}

/// A `-P` value: `home:DIR` is `DIR`; `temp:` and the file types are refused with the reason.
pub fn paths(value: &str) -> Result<&str, String> {
    let mut known = vec!["home", "temp"];
    known.extend(FILE_TYPES);
    let Some((keys, rest)) = split(value, &known, true) else {
        return Ok(value);
    };
    if keys.iter().all(|k| k == "home") {
        return Ok(rest);
    }
    if keys.iter().any(|k| k == "temp") {
        return Err(format!(
            "{value:?}: tikdl has no temporary folder (yt-dlp's `temp:`): each file is written \
             as a .part beside its final name and renamed there; give the folder alone (-P DIR)"
        ));
    }
    Err(format!(
        "{value:?}: tikdl puts every file of a post in one folder, so a folder for one kind of \
         file (yt-dlp's `{}:`) is not supported; give the folder alone (-P DIR)",
        keys.join(",")
    ))
}

/// An `-o` value: `default:T` is `T`; a template for another kind of file is refused with the
/// reason (never the post's own file named after the prefix).
pub fn output(value: &str) -> Result<&str, String> {
    let mut known = vec!["default"];
    known.extend(FILE_TYPES);
    let Some((keys, rest)) = split(value, &known, true) else {
        return Ok(value);
    };
    if keys.iter().all(|k| k == "default") {
        return Ok(rest);
    }
    Err(format!(
        "{value:?}: tikdl names a post's other files (thumbnail, subtitles, info JSON) after its \
         media file, so a template for one kind of file (yt-dlp's `{}:`) is not supported; give \
         the template alone (-o TEMPLATE)",
        keys.join(",")
    ))
}

/// An `--exec` value: `after_move:CMD` and `after_video:CMD` are `CMD` (tikdl's one moment,
/// once the post's files are in place); the other moments are refused with the reason.
pub fn exec(value: &str) -> Result<&str, String> {
    let Some((keys, rest)) = split(value, &WHEN, false) else {
        return Ok(value);
    };
    if keys.iter().all(|k| k == "after_move" || k == "after_video") {
        return Ok(rest);
    }
    Err(format!(
        "{value:?}: tikdl runs --exec at one moment only, after each post is saved (yt-dlp's \
         `after_move:`), so `{}:` is not supported; give the command alone or with after_move:",
        keys.join(",")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_known_prefix_is_taken_off_or_refused() {
        assert_eq!(paths("home:dl"), Ok("dl"));
        assert_eq!(paths("HOME:dl"), Ok("dl"));
        assert_eq!(paths("home:"), Ok(""));
        assert!(paths("temp:/tmp").unwrap_err().contains("temporary"));
        assert!(paths("home,thumbnail:x").is_err());
        assert_eq!(output("default:%(id)s.%(ext)s"), Ok("%(id)s.%(ext)s"));
        assert!(output("thumbnail:%(id)s.%(ext)s").is_err());
        assert!(output("subtitle,infojson:x").is_err());
        assert_eq!(exec("after_move:echo {}"), Ok("echo {}"));
        assert_eq!(exec("After_Video:echo {}"), Ok("echo {}"));
        assert!(exec("before_dl:echo").unwrap_err().contains("before_dl"));
        assert!(exec("playlist:echo").is_err());
    }

    #[test]
    fn anything_else_is_the_value_itself() {
        assert_eq!(paths("a:b"), Ok("a:b"));
        assert_eq!(paths("/srv/x:y"), Ok("/srv/x:y"));
        assert_eq!(output("%(id)s:%(ext)s"), Ok("%(id)s:%(ext)s"));
        assert_eq!(output("clip:%(id)s.%(ext)s"), Ok("clip:%(id)s.%(ext)s"));
        // Only one moment per --exec, as in yt-dlp: `a,b:` is a command.
        assert_eq!(exec("echo a:b"), Ok("echo a:b"));
        assert_eq!(exec("after_move,video:x"), Ok("after_move,video:x"));
    }
}
