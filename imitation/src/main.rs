//! `tiktok-imitation [--port N] [--ca-out FILE]`: runs the imitation until killed (Ctrl-C).

use std::path::PathBuf;

use tiktok_imitation::{Imitation, Options, tour};

const USAGE: &str = "usage: tiktok-imitation [--port N] [--ca-out FILE]";

fn main() {
    let mut opts = Options::default();
    let mut ca_out: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => match args.next().and_then(|p| p.parse::<u16>().ok()) {
                Some(port) => opts.bind.set_port(port),
                None => fail("--port needs a number"),
            },
            "--ca-out" => match args.next() {
                Some(f) => ca_out = Some(PathBuf::from(f)),
                None => fail("--ca-out needs a file name"),
            },
            "-h" | "--help" => {
                println!("{USAGE}");
                return;
            }
            other => fail(&format!("unknown argument {other:?}")),
        }
    }
    // Benchmarks stream big bodies; give the server more than the test default.
    opts.worker_threads = std::thread::available_parallelism().map_or(4, |n| n.get().min(8));
    let imitation = Imitation::start_with(opts);
    let ca = ca_out.unwrap_or_else(|| std::env::temp_dir().join("tiktok-imitation-ca.pem"));
    if let Err(e) = std::fs::write(&ca, imitation.ca_pem()) {
        fail(&format!("cannot write {}: {e}", ca.display()));
    }
    let port = imitation.port();
    let ca = ca.display().to_string();
    println!("listening on 127.0.0.1:{port}");
    println!("its CA certificate: {ca} (--ca-out FILE writes it elsewhere)");
    println!();
    println!("try it: paste the first line (tikdl on PATH: cargo install --locked --path .),");
    println!("then any of the commands below it:");
    println!();
    println!("  {}", tour::function(port, &ca));
    for step in tour::STEPS {
        println!("  # {}", step.what);
        println!("  {}", tour::command(step));
    }
    println!();
    println!("more ids, codes and faults: the crate docs (imitation/src/lib.rs). Ctrl-C stops.");
    // Ctrl-C's default action ends the process; nothing needs cleaning up.
    loop {
        std::thread::park();
    }
}

fn fail(msg: &str) -> ! {
    eprintln!("tiktok-imitation: {msg}\n{USAGE}");
    std::process::exit(2);
}
