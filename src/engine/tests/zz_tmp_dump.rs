#[test]
fn dump() {
    for p in include_str!("../../../tests/xss/payloads.txt").lines().filter(|l| !l.starts_with('#')) {
        println!("{p}\n    => {}", moments_engine::sanitize::sanitize_html(p));
    }
}
