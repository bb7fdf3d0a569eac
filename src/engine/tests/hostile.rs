//! Hostile input through the whole engine: random strings made of the characters that break
//! byte/char arithmetic (multi-byte letters, combining marks, U+2028/2029, emoji, `%`, `+`, `.`,
//! `-`, `?`, `&`, `=`, `#`, `/`, `:`, quotes, `<`, `{{`) as URLs, referrers, titles, searches,
//! product fields, custom events, `set()` attributes, dataLayer entries and flow answers, fed to
//! engines running every bundle the project ships. Nothing may panic (a panic is a trap in the
//! page), and the profile and explanations must stay valid JSON.

mod common;
use common::Rng;
use moments_engine::input::{DeviceKind, Input, Item, Source, Time};
use moments_engine::{ga4, Engine, Value};
use std::path::Path;

impl Rng {
    fn num(&mut self) -> f64 {
        const ODD: [f64; 9] = [0.0, -0.0, -1.0, 1e300, -1e300, f64::NAN, f64::INFINITY, 0.1, 25.0];
        if self.below(3) == 0 {
            ODD[self.below(ODD.len())]
        } else {
            (self.next() % 100_000) as f64 / 7.0
        }
    }
    fn text(&mut self) -> String {
        const PIECES: [&str; 32] = [
            "a", "Z", "0", "9", "đ", "ư", "ế", "\u{301}", "\u{2028}", "\u{2029}", "\u{feff}", "😀", "%", "%E0%A4",
            "+", ".", "-", "?", "&", "=", "#", "/", ":", "\"", "'", "<", "{{", "}}", " ", "\n", "mua", "giá",
        ];
        let len = self.below(24);
        (0..len).map(|_| PIECES[self.below(PIECES.len())]).collect()
    }
    fn url(&mut self) -> String {
        const HEADS: [&str; 5] = ["https://shop.vn/", "/", "", "http://x/?utm_source=", "https://a.b/c?q="];
        let head = HEADS[self.below(HEADS.len())];
        format!("{head}{}", self.text())
    }
    fn value(&mut self, depth: u32) -> Value {
        match if depth > 2 { self.below(4) } else { self.below(6) } {
            0 => Value::Null,
            1 => Value::Num(self.num()),
            2 | 3 => Value::Str(self.text()),
            4 => Value::Arr((0..self.below(4)).map(|_| self.value(depth + 1)).collect()),
            _ => Value::Obj((0..self.below(4)).map(|_| (self.key(), self.value(depth + 1))).collect()),
        }
    }
    fn key(&mut self) -> String {
        const KEYS: [&str; 12] = ["value", "currency", "items", "item_id", "price", "quantity", "search_term", "event", "ecommerce", "id", "tier", "q"];
        if self.below(3) == 0 {
            self.text()
        } else {
            KEYS[self.below(KEYS.len())].to_string()
        }
    }
    fn item(&mut self) -> Item {
        Item { id: self.text(), name: self.text(), price: self.num(), quantity: self.num(), category: self.text() }
    }
    fn input(&mut self) -> Input {
        const SIGNALS: [&str; 6] = ["exit_intent", "page_view", "cart_abandoned", "moment_changed", "size_finder_used", "x"];
        const COMMERCE: [&str; 6] = ["add_to_cart", "remove_from_cart", "view_item", "view_cart", "begin_checkout", "purchase"];
        match self.below(16) {
            0 => Input::PageView { url: self.url(), referrer: self.url(), page_type: Some(self.text()).filter(|_| self.below(2) == 0), title: self.text(), spa: self.below(2) == 0 },
            1 => Input::Device { kind: [DeviceKind::Mobile, DeviceKind::Tablet, DeviceKind::Desktop][self.below(3)], touch: self.below(2) == 0 },
            2 => Input::Scroll { y: self.num(), max_y: self.num() },
            3 => Input::Activity,
            4 => Input::Tick,
            5 => Input::PointerLeave { y: self.num() },
            6 => Input::Visibility { hidden: self.below(2) == 0 },
            7 => Input::BackAttempt,
            8 => Input::Search { query: self.text(), source: [Source::Dom, Source::Url, Source::Api][self.below(3)] },
            9 => {
                let items = (0..self.below(3)).map(|_| self.item()).collect();
                let currency = Some(self.text()).filter(|_| self.below(2) == 0);
                Input::Commerce { name: COMMERCE[self.below(COMMERCE.len())].into(), items, value: Some(self.num()), currency, source: Source::Api }
            }
            10 => Input::Track { name: if self.below(2) == 0 { self.text() } else { COMMERCE[self.below(6)].into() }, props: self.value(0) },
            11 => Input::Set { attrs: self.value(0) },
            12 => Input::FlowAnswer { node: self.text(), answer: self.text() },
            13 => Input::Prompt { rule: self.text(), what: ["shown", "dismissed", "clicked", ""][self.below(4)].into() },
            14 => Input::Fire { name: SIGNALS[self.below(SIGNALS.len())].into() },
            _ => {
                let mut entry = self.value(0);
                if let Value::Obj(m) = &mut entry {
                    m.push(("event".into(), Value::Str(COMMERCE[self.below(6)].into())));
                }
                ga4::from_datalayer(&entry).unwrap_or(Input::Tick)
            }
        }
    }
}

fn bundles() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../www/bundles");
    let mut out = Vec::new();
    for dir in [root.clone(), root.join("examples")] {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "json") {
                out.push((p.display().to_string(), std::fs::read_to_string(&p).unwrap()));
            }
        }
    }
    assert!(out.len() >= 6, "the shipped bundles: {out:?}");
    out
}

#[test]
fn hostile_inputs_never_panic_and_state_stays_valid_json() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for (name, text) in bundles() {
        let mut t = Time { ms: 1_773_136_800_000.0, offset_min: 420 };
        let (mut engine, _) = Engine::new(&text, None, t, 7).unwrap_or_else(|p| panic!("{name}: {p:?}"));
        let mut effects = 0;
        for step in 0..4000 {
            t.ms += (rng.next() % 5000) as f64;
            let input = rng.input();
            effects += engine.handle(&input, t).len();
            if step % 500 == 0 {
                let profile = engine.profile_json();
                assert!(Value::parse(&profile).is_ok(), "{name}: profile after {input:?}");
                assert!(Value::parse(&engine.explain_json(None)).is_ok(), "{name}: explain after {input:?}");
                assert!(Value::parse(&engine.context().to_json()).is_ok(), "{name}: context");
                // A reload: the stored profile comes back.
                let (again, _) = Engine::new(&text, Some(&profile), t, 8).unwrap();
                engine = again;
            }
        }
        assert!(effects > 100, "{name}: the journey reached the rules ({effects} effects)");
    }
}
