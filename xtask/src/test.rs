//! `cargo xtask test`: every test, in order of speed — native unit and conformance tests, the
//! browser layer under wasm-bindgen-test in headless Chromium, then end-to-end tests that drive
//! the demo shop (and the npm package) in Chromium. Stops at the first failing stage.

use crate::{build, root, run, serve, Result};
use std::path::Path;
use std::process::Command;


/// A scratch folder inside the repo for browser profiles (each run leaves ~13 MB), emptied after.
fn scratch() -> Result<std::path::PathBuf> {
    let dir = root().join(".tmp");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(dir)
}

/// Runs every stage.
pub fn all(_args: &[String]) -> Result {
    let root = root();
    let tmp = scratch()?;
    let result = native(&root).and_then(|()| browser(&root, &tmp)).and_then(|()| build::all()).and_then(|()| e2e(&root, &tmp));
    let _ = std::fs::remove_dir_all(&tmp);
    if result.is_ok() {
        println!("\nxtask test: all stages passed (native, wasm in Chromium, end-to-end)");
    }
    result
}

fn native(root: &Path) -> Result {
    println!("\n== native: engine, CLI, conformance, corpus, journeys ==");
    run(Command::new("cargo").args(["test", "-p", "moments-engine", "-p", "moments-cli", "-p", "xtask"]).current_dir(root))
}

fn browser(root: &Path, tmp: &Path) -> Result {
    println!("\n== browser: wasm-bindgen-test in headless Chromium ==");
    run(Command::new("cargo")
        .args(["test", "-p", "moments-web", "--target", "wasm32-unknown-unknown"])
        .current_dir(root)
        .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", "wasm-bindgen-test-runner")
        .env("CHROMEDRIVER", "/usr/bin/chromedriver")
        .env_remove("GECKODRIVER")
        .env_remove("SAFARIDRIVER")
        .env("WASM_BINDGEN_TEST_TIMEOUT", "180")
        .env("TMPDIR", tmp))
}

fn e2e(root: &Path, tmp: &Path) -> Result {
    println!("\n== end-to-end: the demo shop and the npm package in headless Chromium ==");
    let listener = serve::bind(0)?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    std::thread::spawn(move || serve::serve(listener));
    run(Command::new("node")
        .args(["--test", "--test-concurrency=1", "--test-reporter=spec"])
        .arg("tests/e2e/")
        .current_dir(root)
        .env("MOMENTS_BASE", format!("http://127.0.0.1:{port}"))
        .env("TMPDIR", tmp))
}

/// `cargo xtask bench`: Moments against its peers, one table; see xtask/src/bench.rs and BENCHMARKS.md.
pub fn bench(args: &[String]) -> Result {
    crate::bench::main(args)
}
