//! A small static server for the demo and the end-to-end tests: `www/` at `/`, the script-tag
//! build at `/moments/` (and again at `/cdn/v1/assets/`, to test loading from another path), the
//! npm build at `/npm/`, `tests/` at `/tests/`. Serves `.wasm` as `application/wasm` so the
//! browser compiles it while it downloads.

use crate::{root, Result};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};

/// `cargo xtask serve [--port N]`: serves until stopped.
pub fn main(args: &[String]) -> Result {
    let port = args
        .iter()
        .position(|a| a == "--port")
        .and_then(|i| args.get(i + 1))
        .and_then(|p| p.parse::<u16>().ok())
        .unwrap_or(8080);
    let listener = bind(port)?;
    println!("Moments demo shop: http://127.0.0.1:{port}/  (playground: /playground.html; Ctrl-C to stop)");
    serve(listener);
    Ok(())
}

/// Binds 127.0.0.1:`port` (0 = any free port).
pub fn bind(port: u16) -> Result<TcpListener> {
    TcpListener::bind(("127.0.0.1", port)).map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))
}

/// Serves forever, one thread per connection.
pub fn serve(listener: TcpListener) {
    for stream in listener.incoming().flatten() {
        std::thread::spawn(move || {
            let _ = handle(stream);
        });
    }
}

fn mime(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "txt" | "jsonl" | "md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Maps a URL path to a file, refusing anything that climbs out of its folder.
fn resolve(url_path: &str) -> Option<PathBuf> {
    let root = root();
    let path = url_path.split(['?', '#']).next().unwrap_or("/");
    let (base, rest) = if let Some(r) = path.strip_prefix("/moments/").or_else(|| path.strip_prefix("/cdn/v1/assets/")) {
        (root.join("dist/script"), r)
    } else if let Some(r) = path.strip_prefix("/npm/") {
        (root.join("dist/npm"), r)
    } else if let Some(r) = path.strip_prefix("/tests/") {
        (root.join("tests"), r)
    } else {
        (root.join("www"), path.trim_start_matches('/'))
    };
    let rel = Path::new(rest);
    if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    let mut file = base.join(rel);
    if file.is_dir() || rest.is_empty() {
        file = file.join("index.html");
    }
    file.is_file().then_some(file)
}

fn handle(mut stream: TcpStream) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? <= 2 {
            break;
        }
    }
    let target = line.split_whitespace().nth(1).unwrap_or("/");
    let target = percent_decode(target);
    match resolve(&target).and_then(|f| std::fs::read(&f).ok().map(|b| (f, b))) {
        Some((file, body)) => {
            write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n",
                mime(&file),
                body.len()
            )?;
            stream.write_all(&body)
        }
        None => {
            let body = b"not found";
            write!(stream, "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len())?;
            stream.write_all(body)
        }
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("zz"), 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
