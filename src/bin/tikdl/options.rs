//! Flags and the config file -> the library's option structs (ripgrep's "low-level arguments
//! -> high-level arguments" step): [`Cli`] as parsed, layered over the config file into
//! [`Settings`], then turned into [`Config`], [`DownloadOptions`], [`ListOptions`] and
//! [`BatchOptions`], and how the run prints ([`Output`]). Nothing here touches the network.

use std::io::IsTerminal;

use anyhow::Result;

use crate::cli::{BatchArgs, Cli, Command, GlobalArgs, ListArgs, SaveArgs};
use crate::output::{Mode, Output};
use tikdl::config::{FileConfig, Layer, Settings};
use tikdl::terminal::safe;
use tikdl::{
    ArchiveState, BatchMode, BatchOptions, Config, DownloadOptions, HttpConfig, ListOptions,
};

/// The config file (if any) and the flags, layered.
pub fn settings(cli: &Cli) -> Result<Settings> {
    let file = config_file(&cli.global)?;
    Ok(Settings::resolve(file.as_ref(), &flag_layer(cli)))
}

/// What the command line sets, as a configuration layer (unset flags are `None`, so the config
/// file and then the defaults fill them in).
fn flag_layer(cli: &Cli) -> Layer {
    let g = &cli.global;
    let save = match &cli.command {
        Command::Download(a) => Some(&a.save),
        Command::Batch(a) => Some(&a.save),
        _ => None,
    };
    let jobs = match &cli.command {
        Command::Info(a) => a.jobs,
        _ => save.and_then(|s| s.jobs),
    };
    let archive = match &cli.command {
        Command::Download(a) => Some(&a.archive),
        Command::Batch(a) => Some(&a.archive),
        _ => None,
    };
    // A switch given is `Some(true)`; not given, the file or the default decides.
    let on = |f: fn(&SaveArgs) -> bool| save.and_then(|s| f(s).then_some(true));
    Layer {
        enable_caching: g.no_cache.then_some(false),
        cache_dir: g.cache_dir.clone(),
        cache_ttl: g.cache_ttl,
        cache_max_size: None,
        max_concurrent_operations: jobs,
        request_timeout: g.timeout,
        retry_attempts: g.retries,
        retry_backoff: g.retry_backoff,
        requests_per_minute: g.rate_limit,
        burst_limit: g.burst,
        cooldown_period: g.cooldown,
        adaptive_limiting: g.no_adaptive_rate.then_some(false),
        proxy_urls: (!g.proxy.is_empty()).then(|| g.proxy.clone()),
        proxy_rotation: None,
        user_agent: g.user_agent.clone(),
        user_agent_rotation: None,
        rotation_interval: None,
        custom_headers: (!g.headers.is_empty()).then(|| g.headers.clone()),
        cookies_file: g.cookies.clone(),
        break_on_existing: archive.and_then(|a| a.break_on_existing.then_some(true)),
        output: save.and_then(|s| s.output.clone()),
        quality: save.and_then(|s| s.quality),
        codec: save.and_then(|s| s.codec),
        embed_metadata: save.and_then(|s| s.embed_metadata.then_some(true)),
        embed_thumbnail: save.and_then(|s| s.embed_thumbnail.then_some(true)),
        paths: save.and_then(|s| s.paths.clone()),
        limit_rate: save.and_then(|s| s.limit_rate),
        low_speed_limit: save.and_then(|s| s.low_speed_limit),
        low_speed_time: save.and_then(|s| s.low_speed_time),
        write_subs: on(|s| s.write_subs),
        sub_langs: save.and_then(|s| (!s.sub_langs.is_empty()).then(|| s.sub_langs.clone())),
        write_info_json: on(|s| s.write_info_json),
        write_thumbnail: on(|s| s.write_thumbnail),
        audio_only: on(|s| s.audio_only),
        no_audio: on(|s| s.no_audio),
        force_overwrites: on(|s| s.force_overwrites),
        no_progress: on(|s| s.no_progress),
        quiet: on(|s| s.quiet),
        download_archive: archive.and_then(|a| a.download_archive.clone()),
        failed_file: archive.and_then(|a| a.failed_file.clone()),
        break_per_input: archive.and_then(|a| a.break_per_input.then_some(true)),
        ca_cert: (!g.ca_cert.is_empty()).then(|| g.ca_cert.clone()),
        connect_to: (!g.connect_to.is_empty()).then(|| g.connect_to.clone()),
        no_check_certificate: g.no_check_certificate.then_some(true),
        sleep_interval: save.and_then(|s| s.sleep_interval),
        max_sleep_interval: save.and_then(|s| s.max_sleep_interval),
        exec: save.and_then(|s| (!s.exec.is_empty()).then(|| s.exec.clone())),
        cookies_from_browser: g.cookies_from_browser.clone(),
        restrict_filenames: save.and_then(|s| {
            (s.restrict_filenames || s.no_restrict_filenames).then_some(s.restrict_filenames)
        }),
        windows_filenames: save.and_then(|s| {
            (s.windows_filenames || s.no_windows_filenames).then_some(s.windows_filenames)
        }),
        trim_filenames: save.and_then(|s| s.trim_filenames),
        match_filter: match &cli.command {
            Command::Info(a) => Some(&a.lists),
            Command::Download(a) => Some(&a.lists),
            Command::Batch(a) => Some(&a.lists),
            _ => None,
        }
        .filter(|l| !l.match_filter.is_empty())
        .map(|l| tikdl::batch::filter::MatchFilters::new(l.match_filter.clone())),
        // `--quality` is `-f` with one quality name: given as a flag it beats the file's format.
        format: save.and_then(|s| {
            s.format
                .clone()
                .or_else(|| s.quality.map(tikdl::save::select::FormatSelector::from))
        }),
        format_sort: save.and_then(|s| s.format_sort.clone()),
    }
}

/// The config file this run reads: `--config`, else the default location (if it exists).
fn config_file(g: &GlobalArgs) -> Result<Option<FileConfig>> {
    if g.no_config {
        return Ok(None);
    }
    let file = match (&g.config, tikdl::config::default_path()) {
        (Some(path), _) => FileConfig::load(path, true)?,
        (None, Some(path)) => FileConfig::load(&path, false)?,
        (None, None) => None,
    };
    if let Some(f) = &file {
        for u in &f.unknown_keys {
            crate::output::eprint_line(&format!("warning: {}", safe(&u.to_string())));
        }
    }
    Ok(file)
}

/// How `command` prints: its output mode, whether it is quiet and whether it draws bars. `-O`
/// implies `--quiet` (no status lines, no bars); `batch --info-only` prints JSON lines.
pub fn output(command: &Command, settings: &Settings) -> Output {
    let (save, json, print) = match command {
        Command::Info(a) => (None, a.json, &a.print),
        Command::Download(a) => (
            Some(&a.save),
            a.save.json || a.save.dump_json || a.dump_single_json,
            &a.save.print,
        ),
        Command::Batch(a) => (
            Some(&a.save),
            a.save.json || a.info_only || a.save.dump_json,
            &a.save.print,
        ),
        _ => return Output::default(),
    };
    let mode = match () {
        () if !print.is_empty() => Mode::Print(print.clone()),
        () if json => Mode::Json,
        () => Mode::Human,
    };
    // `--quiet` and `--no-progress` may come from the config file too.
    let asked_quiet = save.is_some() && settings.quiet.value;
    let quiet = asked_quiet || !print.is_empty();
    let bars =
        save.is_some() && !quiet && !settings.no_progress.value && std::io::stderr().is_terminal();
    let no_warnings = matches!(command, Command::Info(a) if a.quiet);
    Output {
        mode,
        quiet,
        bars,
        warnings: !asked_quiet && !no_warnings,
        simulate: save.is_some_and(|s| s.simulate),
        dump_json: save.is_some_and(|s| s.dump_json),
    }
}

/// The handler's configuration.
pub fn handler_config(g: &GlobalArgs, settings: &Settings) -> Result<Config> {
    let _ = g;
    let base = HttpConfig {
        connect_to: settings.connect_to.value.clone(),
        ca_certs: settings.ca_cert.value.clone(),
        insecure: settings.no_check_certificate.value,
        ..HttpConfig::default()
    };
    Ok(Config {
        http: settings.http_config(base)?,
        max_concurrent_operations: jobs(settings),
        cache: settings.cache_config(),
    })
}

/// Posts worked on at once.
pub fn jobs(settings: &Settings) -> usize {
    usize::from(settings.max_concurrent_operations.value)
}

fn save_options(a: &SaveArgs, settings: &Settings) -> DownloadOptions {
    let s = settings;
    DownloadOptions {
        template: s.output.value.clone(),
        quality: s.quality.value,
        codec: s.codec.value,
        audio_only: s.audio_only.value,
        no_audio: s.no_audio.value,
        write_info_json: s.write_info_json.value,
        write_thumbnail: s.write_thumbnail.value,
        write_subs: s.write_subs.value,
        sub_langs: s.sub_langs.value.clone(),
        force_overwrites: s.force_overwrites.value,
        rate_limit: s.limit_rate.value,
        // 0 turns the check off.
        low_speed: (s.low_speed_limit.value > 0).then(|| tikdl::save::download::LowSpeed {
            bytes_per_sec: s.low_speed_limit.value,
            window: std::time::Duration::from_secs(s.low_speed_time.value),
        }),
        embed_metadata: settings.embed_metadata.value,
        embed_thumbnail: settings.embed_thumbnail.value,
        // Settled once the folder exists (`save::settle_confinement`).
        confine_to: None,
        names: tikdl::disk::name_rules::NameRules {
            restrict: settings.restrict_filenames.value,
            windows: settings.windows_filenames.value,
            trim: std::num::NonZeroUsize::new(settings.trim_filenames.value),
        },
        format: (settings.format.source != tikdl::config::Source::Default)
            .then(|| settings.format.value.clone()),
        format_sort: settings.format_sort.value.clone(),
        simulate: a.simulate,
        // `download` only (`commands::download`): the flag is not `batch`'s.
        max_filesize: None,
    }
}

pub fn list_options(a: &ListArgs) -> ListOptions {
    let mut list = ListOptions::default();
    list.max = a.max.map(|m| usize::try_from(m).unwrap_or(usize::MAX));
    list.after = a.after.clone();
    list.before = a.before.clone();
    list.items = a.playlist_items.clone();
    list
}

/// What clap cannot check alone: options that contradict each other (also when one of them
/// comes from the config file). An error here is a usage error (exit 2), before any request.
pub fn check(command: &Command, settings: &Settings) -> Result<()> {
    let (lists, archive, url_list) = match command {
        Command::Info(a) => (&a.lists, None, None),
        Command::Download(a) => (&a.lists, Some(&a.archive), a.batch_file.as_deref()),
        Command::Batch(a) => (&a.lists, Some(&a.archive), Some(a.file.as_path())),
        _ => return Ok(()),
    };
    if let Some(a) = archive {
        if a.break_on_existing && settings.download_archive.value.is_none() {
            anyhow::bail!(
                "--break-on-existing needs --download-archive FILE (or download_archive in the \
                 config file): it stops at the first post already in the archive"
            );
        }
        if a.break_per_input && !settings.break_on_existing.value {
            anyhow::bail!(
                "--break-per-input needs --break-on-existing (or break_on_existing = true in the \
                 config file)"
            );
        }
        // The failed-file is rewritten at the end: it must not be the archive (that would
        // erase the archive). It may be the list itself (retry in place).
        if let (Some(f), Some(arch)) = (
            &settings.failed_file.value,
            &settings.download_archive.value,
        ) && same_file(f, arch)
        {
            anyhow::bail!(
                "{} and {} name the same file ({}): the failed URLs would replace the archive; \
                 give them different files",
                crate::origin::named(settings, "download.failed_file", "--failed-file", ""),
                crate::origin::named(
                    settings,
                    "download.download_archive",
                    "--download-archive",
                    ""
                ),
                f.display()
            );
        }
        // The archive is appended to: naming the URL list, it would put archive lines among
        // the URLs (read back as bad URLs, or as posts by a later run).
        if let (Some(list), Some(arch)) = (url_list, &settings.download_archive.value)
            && list != std::path::Path::new("-")
            && same_file(list, arch)
        {
            anyhow::bail!(
                "--download-archive names the URL list itself ({}): the archive's lines would \
                 be added to the list; give the archive its own file",
                arch.display()
            );
        }
        sleep_interval(settings)?;
    }
    // Both are YYYYMMDD, so text order is date order.
    if let (Some(after), Some(before)) = (&lists.after, &lists.before)
        && after > before
    {
        anyhow::bail!(
            "--after {after} is later than --before {before}: no post can match; swap them"
        );
    }
    Ok(())
}

/// `--sleep-interval` / `--max-sleep-interval` (flags or config file); a maximum without a
/// minimum is an error, as in yt-dlp.
fn sleep_interval(settings: &Settings) -> Result<Option<tikdl::batch::sleep::SleepInterval>> {
    let (min, max) = (
        settings.sleep_interval.value,
        settings.max_sleep_interval.value,
    );
    let name = |key: &str, flag: &str, v: Option<f64>| {
        let v = v.map_or_else(String::new, |v| v.to_string());
        crate::origin::named(settings, key, flag, &v)
    };
    let max_name = name("download.max_sleep_interval", "--max-sleep-interval", max);
    match (min, max) {
        (None, None) => Ok(None),
        (None, Some(_)) => anyhow::bail!(
            "{max_name} needs --sleep-interval (the least of the random wait; config: \
             download.sleep_interval)"
        ),
        (Some(min), max) => {
            let min_name = name("download.sleep_interval", "--sleep-interval", Some(min));
            let max_name = match max {
                Some(_) => max_name,
                None => min_name.clone(),
            };
            tikdl::batch::sleep::SleepInterval::named(min, max, [&min_name, &max_name])
                .map(Some)
                .map_err(anyhow::Error::msg)
        }
    }
}

/// Whether two paths name one file: by identity (device and inode: also through `..`,
/// symlinks, hard links or another spelling) when both exist, else by their resolved names.
fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) {
        return tikdl::disk::folder::same_file(&x, &y);
    }
    // A name not made yet: its folder resolved, then the name in it.
    let resolved = |p: &std::path::Path| {
        std::fs::canonicalize(p).ok().or_else(|| {
            let name = p.file_name()?;
            let dir = match p.parent().filter(|d| !d.as_os_str().is_empty()) {
                Some(d) => d,
                None => std::path::Path::new("."),
            };
            std::fs::canonicalize(dir).ok().map(|d| d.join(name))
        })
    };
    match (resolved(a), resolved(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// `download URL...`: every post in input order, each saved even if listed twice. Opens the
/// download archive (an archive that cannot be read is an error before any work).
pub fn download_options(
    save: &SaveArgs,
    lists: &ListArgs,
    settings: &Settings,
) -> Result<BatchOptions> {
    let archive = match &settings.download_archive.value {
        // `-s` creates nothing: an archive not yet made is simply empty.
        Some(path) if save.simulate && std::fs::symlink_metadata(path).is_err() => None,
        Some(path) => Some(crate::origin::late(
            settings,
            "download.download_archive",
            ArchiveState::open(path, settings.break_on_existing.value),
        )?),
        None => None,
    };
    Ok(BatchOptions {
        download: save_options(save, settings),
        base: settings.paths.value.clone(),
        info_only: false,
        jobs: jobs(settings),
        list: list_options(lists),
        mode: BatchMode::Download,
        archive,
        break_per_input: settings.break_per_input.value,
        shard: None,
        // `-O` and `--exec` templates may name any field of the post.
        keep_info: !save.print.is_empty() || !settings.exec.value.is_empty(),
        sleep: sleep_interval(settings)?,
        // Set by the run, which knows whether commands may run (not under --json).
        after_save: None,
        filter: settings.match_filter.value.clone(),
    })
}

/// `batch FILE`: outcomes as posts finish, repeats and archived posts skipped.
pub fn batch_options(args: &BatchArgs, settings: &Settings) -> Result<BatchOptions> {
    let opts = download_options(&args.save, &args.lists, settings)?;
    // `-j` is `--info-only`, as yt-dlp's -j prints and downloads nothing.
    let info_only = args.info_only || args.save.dump_json;
    Ok(BatchOptions {
        info_only,
        mode: BatchMode::Batch,
        shard: args.shard,
        ..opts
    })
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, Parser};

    use crate::output::Mode;

    fn output(args: &[&str]) -> crate::output::Output {
        let cli = crate::cli::Cli::try_parse_from(args).unwrap();
        let settings = tikdl::config::Settings::resolve(None, &super::flag_layer(&cli));
        super::output(&cli.command, &settings)
    }

    #[test]
    fn output_is_decided_once_from_the_flags() {
        let print = output(&["tikdl", "download", "-O", "%(id)s", "u"]);
        assert!(matches!(print.mode, Mode::Print(_)));
        // -O implies --quiet (no status lines, no bars) but keeps the warnings.
        assert!(print.quiet && !print.bars && print.warnings);
        let quiet = output(&["tikdl", "batch", "--quiet", "list.txt"]);
        assert!(quiet.quiet && !quiet.bars && !quiet.warnings);
        assert!(matches!(quiet.mode, Mode::Human));
        let info_only = output(&["tikdl", "batch", "--info-only", "list.txt"]);
        assert!(matches!(info_only.mode, Mode::Json));
        let printed_info = output(&["tikdl", "batch", "--info-only", "-O", "%(id)s", "l"]);
        assert!(matches!(printed_info.mode, Mode::Print(_)));
        let json = output(&["tikdl", "info", "--json", "u"]);
        assert!(matches!(json.mode, Mode::Json) && json.warnings && !json.bars);
        assert!(output(&["tikdl", "cache", "path"]).warnings);
    }

    /// Every `[default: X] (config: KEY)` in the help of every command, as (flag, X, KEY).
    fn help_defaults() -> Vec<(String, String, String)> {
        fn walk(cmd: &clap::Command, out: &mut Vec<(String, String, String)>) {
            for arg in cmd.get_arguments() {
                let help = arg
                    .get_long_help()
                    .or(arg.get_help())
                    .map(|h| h.to_string())
                    .unwrap_or_default();
                let mut rest = help.as_str();
                while let Some(start) = rest.find("[default: ") {
                    let after = &rest[start + "[default: ".len()..];
                    // The value may hold `]` (a template): it ends where the key's name starts.
                    let Some(end) = after.find("] (config: ") else {
                        break;
                    };
                    let key: String = after[end + "] (config: ".len()..]
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
                        .collect();
                    let key = key.trim_end_matches('.').to_owned();
                    out.push((arg.get_id().to_string(), after[..end].to_owned(), key));
                    rest = &after[end..];
                }
            }
            for sub in cmd.get_subcommands() {
                walk(sub, out);
            }
        }
        let mut out = Vec::new();
        walk(&crate::cli::Cli::command(), &mut out);
        out
    }

    #[test]
    fn help_defaults_are_the_config_tables() {
        let found = help_defaults();
        // Every flag that has a config key and a value default names it.
        for key in [
            "cache_ttl",
            "max_concurrent_operations",
            "request_timeout",
            "retry_attempts",
            "retry_backoff",
            "rate_limit.requests_per_minute",
            "rate_limit.burst_limit",
            "rate_limit.cooldown_period",
            "download.output",
            "download.quality",
            "download.codec",
            "download.embed_metadata",
            "download.embed_thumbnail",
        ] {
            assert!(
                found.iter().any(|(_, _, k)| k == key),
                "no [default: ...] (config: {key}) in --help: {found:?}"
            );
        }
        for (flag, shown, key) in found {
            // Described in words, since it depends on the system.
            if key == "cache_dir" {
                continue;
            }
            let code = tikdl::config::default_text(&key)
                .unwrap_or_else(|| panic!("--{flag}: no config key {key}"));
            let shown = shown.trim_matches('"');
            let same = match (shown.parse::<f64>(), code.parse::<f64>()) {
                (Ok(a), Ok(b)) => a == b,
                _ => shown == code,
            };
            assert!(
                same,
                "--{flag}: help says [default: {shown}], the code's default for {key} is {code}"
            );
        }
    }
}
