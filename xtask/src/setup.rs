//! Installs what the build and the tests need, only when missing: the wasm32 target and the
//! standard library's source (the shipped wasm rebuilds std without panic messages), the
//! wasm-bindgen CLI at the exact version in Cargo.lock, Debian's chromium, chromium-driver and
//! brotli, and the npm tooling in `tests/` (binaryen's wasm-opt, esbuild, playwright-core).

use crate::{root, run, Result};
use std::path::Path;
use std::process::Command;

/// Everything, idempotently.
pub fn all() -> Result {
    wasm_target()?;
    rust_src()?;
    wasm_bindgen_cli()?;
    debian_packages()?;
    npm_tools()
}

fn output(cmd: &mut Command) -> Option<String> {
    cmd.output().ok().filter(|o| o.status.success()).map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
}

fn wasm_target() -> Result {
    let installed = output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed.lines().any(|l| l.trim() == "wasm32-unknown-unknown") {
        return Ok(());
    }
    run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

/// `rust-src`: `cargo xtask build` rebuilds std for the shipped wasm (see `build::wasm`).
fn rust_src() -> Result {
    let installed = output(Command::new("rustup").args(["component", "list", "--installed"])).unwrap_or_default();
    if installed.lines().any(|l| l.trim().starts_with("rust-src")) {
        return Ok(());
    }
    run(Command::new("rustup").args(["component", "add", "rust-src"]))
}

/// The wasm-bindgen version Cargo.lock pins (the CLI must match it exactly).
pub fn locked_wasm_bindgen() -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(l) = lines.next() {
        if l.trim() == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines.next().and_then(|v| v.trim().strip_prefix("version = \"")) {
                return Ok(v.trim_end_matches('"').to_string());
            }
        }
    }
    Err("wasm-bindgen is not in Cargo.lock".into())
}

fn wasm_bindgen_cli() -> Result {
    let want = locked_wasm_bindgen()?;
    let have = output(Command::new("wasm-bindgen").arg("--version")).unwrap_or_default();
    if have.split_whitespace().nth(1) == Some(want.as_str()) {
        return Ok(());
    }
    // Not --locked: the registry mirror here lacks one of the CLI's locked dependencies.
    run(Command::new("cargo").args(["install", "wasm-bindgen-cli", "--version", &want, "--force"]))
}

fn debian_packages() -> Result {
    let missing: Vec<&str> = [("chromium", "/usr/bin/chromium"), ("chromium-driver", "/usr/bin/chromedriver"), ("brotli", "/usr/bin/brotli")]
        .into_iter()
        .filter(|(_, bin)| !Path::new(bin).exists())
        .map(|(pkg, _)| pkg)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let sudo = output(Command::new("id").arg("-u")).is_some_and(|u| u.trim() != "0");
    let apt = |args: &[&str]| {
        let mut c = Command::new(if sudo { "sudo" } else { "apt-get" });
        if sudo {
            c.arg("apt-get");
        }
        c.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        run(&mut c)
    };
    apt(&["update", "-q"])?;
    let mut args = vec!["install", "-y", "-q", "--no-install-recommends"];
    args.extend(missing);
    apt(&args)
}

fn npm_tools() -> Result {
    let dir = root().join("tests");
    let stamp = dir.join("node_modules/.package-lock.json");
    let fresh = match (std::fs::metadata(&stamp), std::fs::metadata(dir.join("package-lock.json"))) {
        (Ok(s), Ok(l)) => s.modified().ok() >= l.modified().ok(),
        _ => false,
    };
    if fresh && dir.join("node_modules/.bin/wasm-opt").exists() {
        return Ok(());
    }
    run(Command::new("npm").args(["ci", "--no-audit", "--no-fund", "--loglevel=error"]).current_dir(&dir))
}
