//! `cargo xtask bench`: Moments measured against its peers on this machine, in one session, printed
//! as one table and written to BENCHMARKS.md.
//!
//! This half measures what needs Rust or the build: the native condition bench
//! (`src/engine/benches/conditions.rs`) and the shipped sizes. It installs the peers in a writable
//! copy of `../shared/peers` (`target/peers`, `npm ci` once), serves `www/` and `dist/`, and hands
//! over to `tests/bench/run.mjs`, which runs the peers' own harness, the wasm under Node and the
//! browser measurements (headless Chromium), and prints the table.
//!
//! `cargo xtask bench [--quick] [--only conditions,events,startup,scroll,memory]`

use crate::{build, root, run, serve, Result};
use std::fs;
use std::path::Path;
use std::process::Command;

/// Runs every benchmark; `args` are passed on to `tests/bench/run.mjs`.
pub fn main(args: &[String]) -> Result {
    let root = root();
    let peers_src = root.join("../shared/peers");
    let peers = root.join("target/peers");
    let out = root.join("target/bench");
    fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;

    // Others may rebuild dist/ while this runs: the bench works on a snapshot of this build.
    snapshot(&root)?;
    if let Err(e) = profiling_copy(&root) {
        eprintln!("xtask bench: no named wasm for profiles ({e}); hot spots are skipped");
    }
    bench_build(&root)?;
    let native = native(&root, &peers_src);
    let size = size(&root);
    install_peers(&peers_src, &peers)?;

    let mut json = String::from("{");
    match &native {
        Ok((rate, matches, compile_us)) => {
            json += &format!("\"native\": {{\"rate\": {rate}, \"matches\": {matches}, \"compileUs\": {compile_us}}}");
        }
        Err(e) => {
            eprintln!("xtask bench: native conditions bench: {e}");
            json += &format!("\"native\": null, \"nativeError\": {:?}", e);
        }
    }
    json += &format!(", \"size\": {{\"raw\": {}, \"gzip\": {}, \"brotli\": {}}}}}", size.0, size.1, size.2);
    let handoff = out.join("xtask.json");
    fs::write(&handoff, json).map_err(|e| format!("{}: {e}", handoff.display()))?;

    // Browser profiles (~13 MB a run) go to a scratch folder, emptied afterwards.
    let tmp = out.join("tmp");
    let _ = fs::remove_dir_all(&tmp);
    fs::create_dir_all(&tmp).map_err(|e| format!("{}: {e}", tmp.display()))?;
    let listener = serve::bind(0)?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    std::thread::spawn(move || serve::serve(listener));
    let result = run(Command::new("node")
        .arg("tests/bench/run.mjs")
        .arg("--xtask")
        .arg(&handoff)
        .args(args)
        .current_dir(&root)
        .env("MOMENTS_BASE", format!("http://127.0.0.1:{port}"))
        .env("MOMENTS_PEERS", &peers)
        .env("TMPDIR", &tmp));
    let _ = fs::remove_dir_all(&tmp);
    result?;
    println!("results: target/bench/results.json; table and notes: BENCHMARKS.md");
    Ok(())
}

/// The engine's native condition bench on the peers' rules × contexts: (evaluations/s, matches,
/// compile µs for all rules).
fn native(root: &Path, peers: &Path) -> Result<(f64, u64, f64)> {
    println!("\n== conditions, native (cargo bench -p moments-engine --bench conditions) ==");
    eprintln!("$ cargo bench -p moments-engine --bench conditions");
    let out = Command::new("cargo")
        .args(["bench", "--quiet", "-p", "moments-engine", "--bench", "conditions"])
        .current_dir(root)
        .env("MOMENTS_PEERS_DIR", peers)
        .output()
        .map_err(|e| format!("cargo bench: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    print!("{text}");
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(format!("cargo bench failed ({}): {}", out.status, err.lines().rev().take(8).collect::<Vec<_>>().join(" | ")));
    }
    // "moments-engine Condition::eval: 18024190 (rule, context) evaluations/s, median of 5"
    let number_after = |marker: &str| -> Option<f64> {
        let line = text.lines().find(|l| l.contains(marker))?;
        let rest = &line[line.find(marker)? + marker.len()..];
        rest.trim_start().split(|c: char| !(c.is_ascii_digit() || c == '.')).next()?.parse().ok()
    };
    let rate = number_after("Condition::eval:").ok_or("no `Condition::eval: N` line in the bench output")?;
    let matches = number_after("matches:").unwrap_or(0.0) as u64;
    let compile = number_after("compile:").unwrap_or(0.0);
    Ok((rate, matches, compile))
}

/// What a page loading the script tag downloads: raw, gzip -9, brotli -q 11 (as `cargo xtask size`).
fn size(root: &Path) -> (u64, u64, u64) {
    let mut total = (0, 0, 0);
    for f in ["www/bench/vendor/sdk/moments.js", "www/bench/vendor/sdk/moments.wasm"] {
        let (r, g, b) = build::sizes(&root.join(f));
        total = (total.0 + r, total.1 + g, total.2 + b);
    }
    total
}

/// Copies `../shared/peers` (read-only) to `target/peers` and runs `npm ci` there, unless the
/// copy is already installed from the same lockfile.
fn install_peers(src: &Path, dst: &Path) -> Result {
    let lock = |d: &Path| fs::read(d.join("package-lock.json")).ok();
    if lock(src).is_none() {
        return Err(format!("no peers at {} (expected ../shared/peers beside the repository)", src.display()));
    }
    let installed = dst.join("node_modules/@growthbook/growthbook").is_dir() && lock(src) == lock(dst);
    fs::create_dir_all(dst).map_err(|e| format!("{}: {e}", dst.display()))?;
    for entry in fs::read_dir(src).map_err(|e| format!("{}: {e}", src.display()))?.flatten() {
        let path = entry.path();
        if path.is_file() {
            let to = dst.join(entry.file_name());
            let _ = fs::remove_file(&to); // the source files are read-only, and so are old copies
            fs::copy(&path, &to).map_err(|e| format!("copy {} -> {}: {e}", path.display(), to.display()))?;
            if let Ok(meta) = fs::metadata(&to) {
                let mut perm = meta.permissions();
                #[allow(clippy::permissions_set_readonly_false)]
                perm.set_readonly(false);
                let _ = fs::set_permissions(&to, perm);
            }
        }
    }
    if !installed {
        println!("\n== peers: npm ci in {} ==", dst.display());
        run(Command::new("npm").args(["ci", "--no-audit", "--no-fund", "--loglevel=error"]).current_dir(dst))?;
    }
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) -> Result {
    let _ = fs::remove_dir_all(to);
    fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    for entry in fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))?.flatten() {
        if entry.path().is_file() {
            fs::copy(entry.path(), to.join(entry.file_name())).map_err(|e| format!("copy {}: {e}", entry.path().display()))?;
        }
    }
    Ok(())
}

/// The script-tag build as the bench pages load it (`www/bench/vendor/sdk/`, served at
/// `/bench/vendor/sdk/`) and the npm build as Node loads it (`target/bench/npm/`).
fn snapshot(root: &Path) -> Result {
    copy_dir(&root.join("dist/script"), &root.join("www/bench/vendor/sdk"))?;
    copy_dir(&root.join("dist/npm"), &root.join("target/bench/npm"))
}

/// Node's condition bench calls `bench_conditions`, an export the shipped wasm leaves out (the
/// `bench` feature of moments-web): `target/bench/npm/` gets a build with it, otherwise the same.
fn bench_build(root: &Path) -> Result {
    build::wasm(root, &["bench"])?;
    let bound = root.join("target/bench/bindgen-bench");
    build::bind(root, &bound)?;
    let npm = root.join("target/bench/npm");
    for f in ["moments_wasm.js", "moments_wasm_bg.wasm"] {
        fs::copy(bound.join(f), npm.join(f)).map_err(|e| format!("{f}: {e}"))?;
    }
    // Leave target/ with the shipped build, so that the next `cargo xtask build` is a no-op.
    build::wasm(root, &[])
}

/// The shipped script with a wasm that keeps its function names (the same code before `wasm-opt`
/// strips them), in `www/bench/vendor/prof/`, so that CPU profiles name the engine's functions.
fn profiling_copy(root: &Path) -> Result {
    let bound = root.join("target/bench/bindgen");
    let _ = fs::remove_dir_all(&bound);
    let out = Command::new("wasm-bindgen")
        .args(["--target", "web", "--out-name", "moments_wasm", "--no-typescript", "--out-dir"])
        .arg(&bound)
        .arg(root.join("target/wasm32-unknown-unknown/wasm/moments_web.wasm"))
        .output()
        .map_err(|e| format!("wasm-bindgen: {e}"))?;
    if !out.status.success() {
        return Err(format!("wasm-bindgen failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    // The same short import and export names as the shipped build (`-g` keeps function names).
    build::minify_names(&bound.join("moments_wasm_bg.wasm"), &bound.join("moments_wasm.js"), &["-g"])?;
    // moments.js embeds the glue of the shipped build: it must be the same glue.
    let glue = |p: &Path| fs::read(p).map_err(|e| format!("{}: {e}", p.display()));
    if glue(&bound.join("moments_wasm.js"))? != glue(&root.join("target/bindgen/moments_wasm.js"))? {
        return Err("the glue differs from the shipped build's".into());
    }
    let prof = root.join("www/bench/vendor/prof");
    fs::create_dir_all(&prof).map_err(|e| format!("{}: {e}", prof.display()))?;
    fs::copy(root.join("www/bench/vendor/sdk/moments.js"), prof.join("moments.js")).map_err(|e| format!("moments.js: {e}"))?;
    fs::copy(bound.join("moments_wasm_bg.wasm"), prof.join("moments.wasm")).map_err(|e| format!("moments.wasm: {e}"))?;
    Ok(())
}
