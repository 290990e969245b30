//! tikdl's integration tests: one test binary, one module per feature. Each test starts its own
//! TikTok imitation and runs the real `tikdl` binary against it through [`support`] (isolated
//! HOME, XDG folders and proxy variables; `--proxy` + `--ca-cert`), as a user would.
//!
//! Run one feature with `cargo test --test it download::`, one test by its name.

mod support;

mod architecture;
mod archive;
mod bars;
mod batch;
mod browser_cookies;
mod cache;
mod campaign;
mod challenge;
mod config;
mod download;
mod download_lists;
mod faults;
mod file_names;
mod formats;
mod generate;
mod info;
mod library;
mod lists;
mod live;
mod match_filter;
mod network;
mod presentation;
mod provenance;
mod security;
mod selection;
mod storage;
mod tabs;
mod tags;
mod toolchain;
mod tour;
mod xfer;
mod yt_dlp_compat;
