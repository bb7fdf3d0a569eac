//! Builds what sites use: `dist/script/` (the script tag: `moments.js` + `moments.wasm`) and
//! `dist/npm/` (the `moments-sdk` package), and measures what a page downloads.

use crate::{root, run, Result};
use std::fs;
use std::path::Path;
use std::process::Command;

fn copy(from: &Path, to: &Path) -> Result {
    fs::copy(from, to).map(|_| ()).map_err(|e| format!("copy {} -> {}: {e}", from.display(), to.display()))
}

fn bin(name: &str) -> String {
    root().join("tests/node_modules/.bin").join(name).to_string_lossy().into_owned()
}

/// The flags `.cargo/config.toml` gives wasm32 builds; `RUSTFLAGS` replaces them, so they are
/// repeated here.
const WASM_RUSTFLAGS: &str = "-C link-arg=--initial-memory=4194304";

/// Builds `moments-web` for the browser with the `wasm` profile (opt-level z, LTO, one codegen
/// unit) and a standard library rebuilt with `panic=immediate-abort`: a panic then traps at once,
/// so no panic message, location or `core::fmt` code is shipped (7.3 KB gzip of 125 KB when
/// measured); `location-detail=none` drops the file/line records `#[track_caller]` still keeps
/// (-0.3 KB). The profile already had `panic = "abort"`, so a panic (a bug) was a trap before
/// too; now it traps without formatting a message nobody could read.
///
/// `-Z build-std` is unstable; `RUSTC_BOOTSTRAP=1` lets the stable toolchain use it, scoped to
/// this one cargo invocation. `features` are extra cargo features of `moments-web`.
pub fn wasm(root: &Path, features: &[&str]) -> Result {
    let mut cmd = Command::new("cargo");
    cmd.args(["build", "--quiet", "-p", "moments-web", "--target", "wasm32-unknown-unknown", "--profile", "wasm"])
        .args(["-Z", "build-std=std,panic_abort"])
        .env("RUSTC_BOOTSTRAP", "1")
        .env("RUSTFLAGS", format!("{WASM_RUSTFLAGS} -Z unstable-options -C panic=immediate-abort -Z location-detail=none"))
        .current_dir(root);
    if !features.is_empty() {
        cmd.arg("--features").arg(features.join(","));
    }
    run(&mut cmd)
}

/// Binds the last `wasm` build into `out` (`moments_wasm.js` glue + `moments_wasm_bg.wasm`) and
/// shrinks the wasm with `wasm-opt -Oz`.
pub fn bind(root: &Path, out: &Path) -> Result {
    let _ = fs::remove_dir_all(out);
    run(Command::new("wasm-bindgen")
        .args(["--target", "web", "--out-name", "moments_wasm", "--no-typescript", "--out-dir"])
        .arg(out)
        .arg(std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), Into::into).join("wasm32-unknown-unknown/wasm/moments_web.wasm")))?;
    let wasm = out.join("moments_wasm_bg.wasm");
    // --converge: repeat -Oz while it still shrinks (-0.5 KB gzip). --low-memory-unused: the first
    // 1 KB of memory is the far end of Rust's 1 MB stack (stack-first layout), never reached, so
    // small constant offsets may fold into loads (-0.6 KB gzip). --zero-filled-memory: the module
    // owns its memory, which starts zeroed.
    run(Command::new(bin("wasm-opt"))
        .args(["-Oz", "--converge", "--low-memory-unused", "--zero-filled-memory", "--strip-debug", "--strip-producers"])
        .arg(&wasm)
        .arg("-o")
        .arg(&wasm))
}

/// Builds the wasm (release, size-optimised), binds it, shrinks it, and lays out `dist/`.
pub fn all() -> Result {
    let root = root();
    wasm(&root, &[])?;
    let bound = root.join("target/bindgen");
    bind(&root, &bound)?;
    let wasm = bound.join("moments_wasm_bg.wasm");

    // The npm package: ES modules + the wasm as a separate asset.
    let npm = root.join("dist/npm");
    let _ = fs::remove_dir_all(&npm);
    fs::create_dir_all(&npm).map_err(|e| e.to_string())?;
    copy(&bound.join("moments_wasm.js"), &npm.join("moments_wasm.js"))?;
    copy(&wasm, &npm.join("moments_wasm_bg.wasm"))?;
    for f in ["api.js", "dom.js", "prompt-bridge.js", "prompt.js", "index.js", "node.js", "index.d.ts", "README.md"] {
        let src = root.join("pkg-config").join(f);
        if src.exists() {
            copy(&src, &npm.join(f))?;
        }
    }
    let version = env!("CARGO_PKG_VERSION");
    let pkg = fs::read_to_string(root.join("pkg-config/package.json")).map_err(|e| format!("pkg-config/package.json: {e}"))?;
    fs::write(npm.join("package.json"), pkg.replace("0.0.0-dev", version)).map_err(|e| e.to_string())?;

    // The script tag: one minified classic script + the wasm beside it.
    let script = root.join("dist/script");
    let _ = fs::remove_dir_all(&script);
    fs::create_dir_all(&script).map_err(|e| e.to_string())?;
    fs::copy(&bound.join("moments_wasm.js"), root.join("pkg-config/moments_wasm.js")).map_err(|e| e.to_string())?;
    let bundled = run(Command::new(bin("esbuild"))
        .arg(root.join("pkg-config/script.js"))
        .args(["--bundle", "--minify", "--format=iife", "--target=es2019", "--legal-comments=none", "--log-level=warning", "--log-override:empty-import-meta=silent"])
        .arg(format!("--outfile={}", script.join("moments.js").display())));
    let _ = fs::remove_file(root.join("pkg-config/moments_wasm.js"));
    bundled?;
    // The debug overlay: a separate file that moments.js loads only when debugging is asked for.
    run(Command::new(bin("esbuild"))
        .arg(root.join("pkg-config/overlay.js"))
        .args(["--bundle", "--minify", "--format=iife", "--target=es2019", "--legal-comments=none", "--log-level=warning"])
        .arg(format!("--outfile={}", script.join("moments-debug.js").display())))?;
    // Prompts: a separate file that moments.js loads only when a page may show one. It registers
    // itself as `Moments.__prompt`, which the loader takes back.
    run(Command::new(bin("esbuild"))
        .arg(root.join("pkg-config/prompt.js"))
        .args(["--bundle", "--minify", "--format=iife", "--global-name=Moments.__prompt", "--target=es2019", "--legal-comments=none", "--log-level=warning"])
        .arg(format!("--outfile={}", script.join("moments-prompt.js").display())))?;
    copy(&wasm, &script.join("moments.wasm"))
}

fn compressed(path: &Path, cmd: &str, args: &[&str]) -> Option<u64> {
    let out = Command::new(cmd).args(args).arg(path).output().ok()?;
    out.status.success().then_some(out.stdout.len() as u64)
}

/// Raw, gzip -9 and brotli -q 11 bytes of a file.
pub fn sizes(path: &Path) -> (u64, u64, u64) {
    let raw = fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let gz = compressed(path, "gzip", &["-9", "-c"]).unwrap_or(0);
    let br = compressed(path, "brotli", &["-q", "11", "-c"]).unwrap_or(0);
    (raw, gz, br)
}

/// Prints what a page loading the script tag downloads, next to the peers' shipped sizes.
pub fn size() -> Result {
    let root = root();
    println!("| what a page downloads | raw | gzip | brotli |");
    println!("|---|---:|---:|---:|");
    let mut total = (0, 0, 0);
    for f in ["dist/script/moments.js", "dist/script/moments.wasm"] {
        let (r, g, b) = sizes(&root.join(f));
        total = (total.0 + r, total.1 + g, total.2 + b);
        println!("| Moments {f} | {r} | {g} | {b} |");
    }
    println!("| **Moments, total (script tag)** | **{}** | **{}** | **{}** |", total.0, total.1, total.2);
    let (r, g, b) = sizes(&root.join("dist/script/moments-prompt.js"));
    println!("| Moments dist/script/moments-prompt.js (fetched after start-up, at idle, only when the bundle has a prompt) | {r} | {g} | {b} |");
    println!("| **Moments, total with prompts** | **{}** | **{}** | **{}** |", total.0 + r, total.1 + g, total.2 + b);
    let budget = 60 * 1024;
    println!(
        "\nbudget 60 KB gzip: {} ({} bytes {}); goal 45 KB gzip: {}",
        if total.1 <= budget { "met" } else { "MISSED" },
        total.1.abs_diff(budget),
        if total.1 <= budget { "to spare" } else { "over" },
        if total.1 <= 45 * 1024 { "met" } else { "not yet" }
    );
    let peers = root.join("../shared/peers/SIZES.md");
    if let Ok(text) = fs::read_to_string(&peers) {
        println!("\n| peer (../shared/peers/SIZES.md) | gzip | Moments total / peer |");
        println!("|---|---:|---:|");
        for line in text.lines().skip(2) {
            let cols: Vec<&str> = line.split('|').map(str::trim).collect();
            if let (Some(name), Some(gz)) = (cols.get(1), cols.get(4).and_then(|g| g.parse::<f64>().ok())) {
                println!("| {name} | {gz} | {:.2}× |", total.1 as f64 / gz);
            }
        }
    }
    Ok(())
}
