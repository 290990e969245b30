//! The by-hand tour: ready commands against a running imitation, one per kind of thing to try,
//! printed by the binary at startup (and run, each of them, by tikdl's tests).

/// One command of the tour.
#[derive(Debug, Clone)]
pub struct Step {
    /// What it shows, in a few words.
    pub what: &'static str,
    /// tikdl's arguments after the imitation's `--proxy` and `--ca-cert`.
    pub args: &'static [&'static str],
    /// Whether tikdl ends in success (exit 0); the error case ends in 1.
    pub succeeds: bool,
}

/// A video whose media are valid MP4s (playable, taggable) with CDN URLs that expire in 2100,
/// so `info` caches it.
pub const VIDEO: &str = "https://www.tiktok.com/@emthenutritionist/video/7910000000000000002";

/// The steps, in the order they are best tried.
pub const STEPS: &[Step] = &[
    Step {
        what: "a video's metadata (cached: `cache stats` counts it)",
        args: &["info", VIDEO],
        succeeds: true,
    },
    Step {
        what: "the same video saved, a playable MP4 with its metadata embedded",
        args: &["download", "-P", "tour", "--embed-metadata", VIDEO],
        succeeds: true,
    },
    Step {
        what: "the metadata cache",
        args: &["cache", "stats"],
        succeeds: true,
    },
    Step {
        what: "a photo slideshow through a short link (4 images and the sound)",
        args: &["download", "-P", "tour", "https://vm.tiktok.com/ZMphoto1/"],
        succeeds: true,
    },
    Step {
        what: "a profile's newest 5 posts (45 in all), with the whole-run bar",
        args: &[
            "download",
            "-P",
            "tour",
            "--max",
            "5",
            "https://www.tiktok.com/@imitation45",
        ],
        succeeds: true,
    },
    Step {
        what: "a collection (33 posts), the first 3",
        args: &[
            "info",
            "--max",
            "3",
            "https://www.tiktok.com/@imitation45/collection/imitation-7400000000000000033",
        ],
        succeeds: true,
    },
    Step {
        what: "a hashtag's posts, the first 3",
        args: &[
            "info",
            "--max",
            "3",
            "https://www.tiktok.com/tag/imitationtag",
        ],
        succeeds: true,
    },
    Step {
        what: "a LIVE room that is live now",
        args: &["info", "https://www.tiktok.com/@live_on/live"],
        succeeds: true,
    },
    Step {
        what: "a LIVE room recorded until it ends (about 3 s)",
        args: &[
            "download",
            "-P",
            "tour",
            "https://www.tiktok.com/@live_ends/live",
        ],
        succeeds: true,
    },
    Step {
        what: "a 64 MiB file under -r 16M (16 MiB a second), to watch the bars",
        args: &[
            "download",
            "-P",
            "tour",
            "-r",
            "16M",
            "https://www.tiktok.com/@bench/video/7900000000000000064",
        ],
        succeeds: true,
    },
    Step {
        what: "an error: a private post (exit 1, with a hint)",
        args: &[
            "info",
            "https://www.tiktok.com/@imitation/video/7000000000000010216",
        ],
        succeeds: false,
    },
];

/// The shell function the steps call: tikdl through the imitation on `port`, trusting `ca`.
pub fn function(port: u16, ca: &str) -> String {
    let ca = ca.replace('\'', r"'\''");
    format!("tt() {{ tikdl --proxy http://127.0.0.1:{port} --ca-cert '{ca}' \"$@\"; }}")
}

/// A step as it is typed after [`function`]: `tt ARGS`.
pub fn command(step: &Step) -> String {
    std::iter::once("tt")
        .chain(step.args.iter().copied())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_is_one_pasteable_line() {
        for step in STEPS {
            let line = command(step);
            assert!(line.starts_with("tt "), "{line}");
            // Nothing a shell would read as more than words.
            assert!(
                !line.contains(['\'', '"', '$', ';', '&', '|', '`', '\n', '*', '?']),
                "{line}"
            );
        }
        assert_eq!(
            function(8080, "ca dir/it's.pem"),
            r#"tt() { tikdl --proxy http://127.0.0.1:8080 --ca-cert 'ca dir/it'\''s.pem' "$@"; }"#
        );
    }
}
