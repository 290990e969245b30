//! The progress bars a person sees on a terminal (under `script`, at a set size): each names its
//! post, fits the terminal's width, shows a list's total as open while it is paged, and shows
//! this run's speed, under `--limit-rate` and after a resume.

use crate::support::{BENCH_BASE, Env, bench_url, stdout};

/// Whether `script` (util-linux) can give tikdl a pseudo-terminal here.
fn have_script() -> bool {
    std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs `tikdl ARGS` under `script` on a terminal `columns` wide; returns what it drew.
fn on_a_terminal(env: &Env, columns: u16, args: &[&str]) -> String {
    let mut tikdl = env.std_cmd();
    tikdl.args(args);
    let quote = |s: &std::ffi::OsStr| format!("'{}'", s.to_string_lossy().replace('\'', r"'\''"));
    let line: Vec<String> = std::iter::once(tikdl.get_program())
        .chain(tikdl.get_args())
        .map(quote)
        .collect();
    let shell = format!("stty cols {columns} rows 24 && exec {}", line.join(" "));
    let mut script = std::process::Command::new("script");
    script.current_dir(env.dir.path());
    for (k, v) in tikdl.get_envs() {
        match v {
            Some(v) => script.env(k, v),
            None => script.env_remove(k),
        };
    }
    let out = script.args(["-qec", &shell, "/dev/null"]).output().unwrap();
    let text = stdout(&out);
    assert!(out.status.success(), "{text:?}");
    text
}

/// The screen's text as drawn, one piece per line or redraw: escape sequences taken out.
fn drawn(screen: &str) -> Vec<String> {
    let mut plain = String::new();
    let mut chars = screen.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            plain.push(c);
            continue;
        }
        match chars.next() {
            // CSI: parameters, then one final byte in @..~; all but a colour move the cursor
            // or clear, which ends the piece drawn.
            Some('[') => {
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        if c != 'm' {
                            plain.push('\n');
                        }
                        break;
                    }
                }
            }
            // OSC: up to BEL.
            Some(']') => for _ in chars.by_ref().take_while(|c| *c != '\u{7}') {},
            _ => {}
        }
    }
    plain
        .split(['\r', '\n'])
        .map(|s| s.trim_end().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// The drawn bars: the lines with an ETA or a post count, or a finished file's line.
fn bars(screen: &str) -> Vec<String> {
    drawn(screen).into_iter().filter(|l| is_bar(l)).collect()
}

fn is_bar(l: &str) -> bool {
    l.contains(" eta ") || l.contains(" posts") || l.contains(" done: ") || l.contains('░')
}

/// The rows a terminal `columns` wide shows of the bars drawn. The bars pad every line with
/// spaces to the full width and let the terminal wrap (no newline), so a piece drawn is cut
/// into rows here as the terminal would.
fn rows(screen: &str, columns: usize) -> Vec<String> {
    let mut out = Vec::new();
    for piece in drawn(screen) {
        let (mut row, mut width) = (String::new(), 0);
        for c in piece.chars() {
            let w = console::measure_text_width(c.encode_utf8(&mut [0; 4]));
            if width + w > columns {
                out.push(std::mem::take(&mut row));
                width = 0;
            }
            row.push(c);
            width += w;
        }
        out.push(row);
    }
    out.into_iter()
        .map(|r| r.trim_end().to_owned())
        .filter(|r| !r.is_empty() && is_bar(r))
        .collect()
}

/// Whether a bar's row holds the whole bar: it ends as a bar ends (the ETA, the post count,
/// a finished file's speed), not cut off by a wrap.
fn whole(row: &str) -> bool {
    let last = row.split_whitespace().last().unwrap_or("");
    let eta = row
        .rsplit_once(" eta ")
        .is_some_and(|(_, e)| e == "?" || e.ends_with('s') || e.ends_with('m'));
    eta || row.ends_with(" posts") || (row.contains(" done: ") && last.ends_with("/s"))
}

/// Every speed shown, in bytes a second.
fn speeds(lines: &[String]) -> Vec<f64> {
    let mut out = Vec::new();
    for line in lines {
        let words: Vec<&str> = line.split_whitespace().collect();
        for w in words.windows(2) {
            let unit = match w[1].trim_end_matches(',') {
                "B/s" => 1.0,
                "KiB/s" => 1024.0,
                "MiB/s" => 1024.0 * 1024.0,
                "GiB/s" => 1024.0 * 1024.0 * 1024.0,
                _ => continue,
            };
            if let Ok(v) = w[0].trim_start_matches(',').parse::<f64>() {
                out.push(v * unit);
            }
        }
    }
    out
}

#[test]
fn a_file_bar_names_its_post_and_fits_80_columns() {
    if !have_script() {
        eprintln!("skipped: no `script` to give tikdl a terminal");
        return;
    }
    let env = Env::new();
    let (a, b) = (bench_url(3), bench_url(2));
    let screen = on_a_terminal(&env, 80, &["download", "-P", "saved", "-r", "2M", &a, &b]);
    // Each bar is one row of 80 columns, whole: none wraps onto a second.
    let rows = rows(&screen, 80);
    assert!(
        rows.iter().any(|r| r.contains(" eta ")),
        "no bars drawn: {screen:?}"
    );
    // Named by the post's id and title, not by the file name's start (the uploader).
    let id = (BENCH_BASE + 3).to_string();
    assert!(
        rows.iter()
            .any(|l| l.starts_with(&format!("{id} Benchmark video, 3 MiB"))),
        "{rows:#?}"
    );
    assert!(!rows.iter().any(|l| l.starts_with("bench - ")), "{rows:#?}");
    for row in &rows {
        assert!(
            whole(row),
            "a bar cut by the terminal's edge: {row:?} in {rows:#?}"
        );
    }
    // Two posts: the whole-run bar counts them, total known, drawn from the start (before
    // the first result, which comes once the first post is whole).
    let count = screen.find("0/2 posts").expect("the whole-run bar");
    let result = screen
        .find(&format!("{id}: "))
        .expect("the first result line");
    assert!(count < result, "{screen:?}");
}

#[test]
fn a_lists_total_is_open_until_it_is_paged() {
    if !have_script() {
        eprintln!("skipped: no `script` to give tikdl a terminal");
        return;
    }
    let env = Env::new();
    let list = env.dir.path().join("list.txt");
    std::fs::write(&list, "https://www.tiktok.com/@imitation45\n").unwrap();
    let args = ["batch", "-P", "saved", "--max", "6", "-r", "400K"];
    let screen = on_a_terminal(&env, 120, &[&args[..], &[list.to_str().unwrap()]].concat());
    let bars = bars(&screen);
    let overall: Vec<&String> = bars.iter().filter(|l| l.contains(" posts")).collect();
    assert!(
        overall.iter().any(|l| l.contains("+ posts")),
        "the total was never shown as open: {overall:#?}"
    );
    // No ETA while the total is open, and never more than the 6 posts due.
    for l in &overall {
        assert!(!l.contains("+ posts eta"), "{l:?}");
        assert!(!l.contains("/7"), "{l:?}");
    }
    // Once the list is paged (the loop asks it for a 7th post as soon as a post is done,
    // while others still download and redraw), the total is fixed, with an ETA.
    let fixed: Vec<&String> = bars.iter().filter(|l| l.contains(" posts eta ")).collect();
    assert!(!fixed.is_empty(), "{overall:#?}");
    for l in fixed {
        assert!(l.contains("/6 posts eta"), "{l:?}");
    }
}

#[test]
fn speed_stays_under_the_limit_from_the_first_bytes() {
    if !have_script() {
        eprintln!("skipped: no `script` to give tikdl a terminal");
        return;
    }
    let env = Env::new();
    let limit = 150.0 * 1024.0;
    let list = env.dir.path().join("list.txt");
    std::fs::write(&list, "https://www.tiktok.com/@imitation45\n").unwrap();
    let args = ["batch", "-P", "saved", "--max", "2", "-r", "150K"];
    let screen = on_a_terminal(&env, 120, &[&args[..], &[list.to_str().unwrap()]].concat());
    let bars = bars(&screen);
    let shown = speeds(&bars);
    assert!(!shown.is_empty(), "no speed shown: {bars:#?}");
    // The limiter lets no byte through ahead of the rate (the first ones included), so no
    // speed shown exceeds it by more than the rounding of one decimal and the scheduling of a
    // tenth of a second's slice.
    for s in &shown {
        assert!(*s <= limit * 1.25, "{s} B/s shown under -r 150K: {bars:#?}");
    }
    // Each file's average, on its finished line.
    let finished: Vec<String> = bars.into_iter().filter(|l| l.contains(" done: ")).collect();
    assert!(!finished.is_empty(), "no finished line: {screen:?}");
    for s in speeds(&finished) {
        assert!(s <= limit * 1.1, "{s} B/s: {finished:#?}");
    }
}

#[test]
fn resumed_bytes_are_not_counted_as_speed() {
    if !have_script() {
        eprintln!("skipped: no `script` to give tikdl a terminal");
        return;
    }
    let env = Env::new();
    let url = bench_url(4);
    let info = env.info_json(&url);
    let format = &info["formats"][0];
    let media = env.tiktok.media_bytes(format["url"].as_str().unwrap());
    let (id, format_id) = (
        info["id"].as_str().unwrap(),
        format["format_id"].as_str().unwrap(),
    );
    // Three of the four MiB already on disk, as an interrupted run leaves them.
    let saved = env.dir.path().join("saved");
    std::fs::create_dir_all(&saved).unwrap();
    std::fs::write(saved.join(format!("{id}.mp4.part")), &media[..3 << 20]).unwrap();
    std::fs::write(
        saved.join(format!("{id}.mp4.part.meta")),
        format!(
            "tikdl partial download\npost: {id}\nrole: video\nrendition: {format_id}\nsize: {}\n",
            media.len()
        ),
    )
    .unwrap();
    env.tiktok.clear_requests();
    let args = [
        "download",
        "-P",
        "saved",
        "-o",
        "%(id)s.%(ext)s",
        "-r",
        "1M",
        &url,
    ];
    let screen = on_a_terminal(&env, 120, &args);
    let reqs = env.tiktok.requests();
    assert!(
        reqs.iter()
            .any(|r| r.range.as_deref().is_some_and(|r| r != "bytes=0-")),
        "not resumed: {reqs:?}"
    );
    let bars = bars(&screen);
    let shown = speeds(&bars);
    assert!(!shown.is_empty(), "no speed shown: {bars:#?}");
    for s in &shown {
        assert!(
            *s <= 1.25 * 1024.0 * 1024.0,
            "{s} B/s after a resume at -r 1M: {bars:#?}"
        );
    }
    assert_eq!(
        std::fs::read(saved.join(format!("{id}.mp4"))).unwrap(),
        media
    );
}
