//! `cargo xtask <command>` — the project's own build tool (no make, no shell scripts).
//!
//! - `demo`  — set up, build, and serve the demo shop on http://127.0.0.1:8080
//! - `test`  — set up, then every test: native, wasm in headless Chromium, end-to-end
//! - `build` — `dist/script/` (script tag) and `dist/npm/` (the `moments-sdk` package)
//! - `size`  — raw / gzip / brotli bytes of what a page downloads, next to the peers
//! - `bench` — benchmarks side by side with the peers
//! - `serve` — serve `www/` and `dist/` without building (`--port N`)
//! - `setup` — install what is missing (idempotent); every other command runs it first

mod bench;
mod build;
mod serve;
mod setup;
mod test;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// A failed step, with what to do about it.
pub type Result<T = ()> = std::result::Result<T, String>;

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Runs a command, echoing it; fails with its exit status.
pub fn run(cmd: &mut Command) -> Result {
    eprintln!("$ {}", show(cmd));
    let status = cmd.status().map_err(|e| format!("{}: {e}", show(cmd)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{} failed ({status})", show(cmd)))
    }
}

pub(crate) fn show(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for a in cmd.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rest = &args.get(1..).unwrap_or(&[]);
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup::all(),
        Some("build") => setup::all().and_then(|()| build::all()),
        Some("size") => setup::all().and_then(|()| build::all()).and_then(|()| build::size()),
        Some("serve") => serve::main(rest),
        Some("demo") => setup::all().and_then(|()| build::all()).and_then(|()| serve::main(rest)),
        Some("test") => setup::all().and_then(|()| test::all(rest)),
        Some("bench") => setup::all().and_then(|()| build::all()).and_then(|()| test::bench(rest)),
        _ => {
            eprintln!(
                "usage: cargo xtask <demo | test | build | size | bench | serve [--port N] | setup>\n\n\
                 demo   build and serve the demo shop on http://127.0.0.1:8080\n\
                 test   every test: native, wasm in headless Chromium, end-to-end\n\
                 build  dist/script (script tag) and dist/npm (moments-sdk)\n\
                 size   raw/gzip/brotli bytes of what a page downloads, next to the peers\n\
                 bench  benchmarks side by side with the peers"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}
