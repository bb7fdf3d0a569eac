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
    // owns its memory, which starts zeroed. --flatten --rereloop -Oz: rebuild the control flow of
    // every function from scratch and shrink again (-0.6 KB gzip; condition evaluation in Node
    // measured 31.7 M/s before, 34.7 after, within the noise).
    run(Command::new(bin("wasm-opt"))
        .args(["-Oz", "--converge", "--low-memory-unused", "--zero-filled-memory", "--strip-debug", "--strip-producers", "--flatten", "--rereloop", "-Oz"])
        .arg(&wasm)
        .arg("-o")
        .arg(&wasm))?;
    minify_names(&wasm, &out.join("moments_wasm.js"), &[])
}

/// Renames the wasm's imports and exports to one or two letters (and its import module to `a`),
/// then rewrites the wasm-bindgen glue to match. The names wasm-bindgen gives are long and carry
/// a random-looking hash (`__wbg_addEventListener_f2d27251d333a631`, a 127-character closure
/// shim), and each is written twice: in the wasm and in `moments.js`. Saves ~1.3 KB gzip.
///
/// The glue is generated code of a known shape: import functions are the keys of one object
/// literal (`name: function(…)`), the module is `"./moments_wasm_bg.js": import0`, and exports
/// are read as `wasm.name`. Every rename must apply exactly where expected, and no old export
/// name may be left, or the build fails: a new wasm-bindgen that writes the glue differently
/// stops here instead of shipping a module that cannot be instantiated.
/// `extra` are more `wasm-opt` flags (`-g` keeps function names for profiling).
pub fn minify_names(wasm: &Path, glue: &Path, extra: &[&str]) -> Result {
    let mut cmd = Command::new(bin("wasm-opt"));
    cmd.args(extra).arg("--minify-imports-and-exports-and-modules").arg(wasm).arg("-o").arg(wasm);
    eprintln!("$ {}", crate::show(&cmd));
    let out = cmd.output().map_err(|e| format!("wasm-opt: {e}"))?;
    if !out.status.success() {
        return Err(format!("wasm-opt --minify-imports-and-exports-and-modules failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    let map = String::from_utf8_lossy(&out.stdout).into_owned();
    let text = fs::read_to_string(glue).map_err(|e| format!("{}: {e}", glue.display()))?;
    let text = rename_in_glue(&text, &map).map_err(|e| format!("{}: {e}", glue.display()))?;
    fs::write(glue, text).map_err(|e| format!("{}: {e}", glue.display()))
}

/// The quoted strings of one line of the map `wasm-opt` prints: `["./m.js", "__wbg_x", "a"],`.
fn quoted(line: &str) -> Vec<&str> {
    line.split('"').skip(1).step_by(2).collect()
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

/// Replaces `from` with `to` where it stands as a whole identifier between `before` and `after`
/// (either may be empty); returns how many were replaced.
fn replace_token(text: &mut String, before: &str, from: &str, after: &str, to: &str) -> usize {
    let pat = format!("{before}{from}{after}");
    let src = std::mem::take(text);
    let (mut n, mut last) = (0, 0);
    for (i, _) in src.match_indices(&pat) {
        let starts = !before.starts_with(is_ident) && !before.is_empty() || !src[..i].ends_with(is_ident);
        let ends = !after.is_empty() || !src[i + pat.len()..].starts_with(is_ident);
        if starts && ends {
            text.push_str(&src[last..i]);
            text.push_str(before);
            text.push_str(to);
            text.push_str(after);
            last = i + pat.len();
            n += 1;
        }
    }
    text.push_str(&src[last..]);
    n
}

fn rename_in_glue(glue: &str, map: &str) -> Result<String> {
    let mut text = glue.to_string();
    let mut section = "";
    let mut modules: Vec<String> = Vec::new();
    let (mut imports, mut exports) = (0, 0);
    for line in map.lines() {
        if line.contains("\"imports\"") {
            section = "imports";
        } else if line.contains("\"exports\"") {
            section = "exports";
        }
        let q = quoted(line);
        match (section, q.as_slice()) {
            ("imports", [module, old, new]) if *old != "imports" => {
                if replace_token(&mut text, "", old, ": function", new) != 1 {
                    return Err(format!("the import {old} is not defined once in the glue"));
                }
                if !modules.iter().any(|m| m == module) {
                    modules.push(module.to_string());
                }
                imports += 1;
            }
            ("exports", [old, new]) => {
                // Unused exports (wasm-bindgen's abort handler) are in no glue.
                replace_token(&mut text, "wasm.", old, "", new);
                exports += 1;
            }
            _ => {}
        }
    }
    if imports == 0 || exports == 0 {
        return Err(format!("wasm-opt printed no name map:\n{map}"));
    }
    for m in &modules {
        if replace_token(&mut text, "\"", m, "\": import0", "a") != 1 {
            return Err(format!("the import module {m} is not in the glue"));
        }
    }
    Ok(text)
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
    for f in ["api.js", "dom.js", "trusted.js", "empty-context.js", "prompt-bridge.js", "prompt.js", "index.js", "node.js", "index.d.ts", "README.md"] {
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
    fs::copy(bound.join("moments_wasm.js"), root.join("pkg-config/moments_wasm.js")).map_err(|e| e.to_string())?;
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
    // itself as `Moments.__prompt` (pkg-config/prompt-script.js), which the loader takes back.
    run(Command::new(bin("esbuild"))
        .arg(root.join("pkg-config/prompt-script.js"))
        .args(["--bundle", "--minify", "--format=iife", "--target=es2019", "--legal-comments=none", "--log-level=warning"])
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
