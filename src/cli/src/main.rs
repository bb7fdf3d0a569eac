//! `moments` — STUB, being written by the bundle owner.
fn main() {
    eprintln!("moments: not implemented yet");
    std::process::exit(2);
}
