//! Applying actions to the page: the bridge to the applier, which is JavaScript
//! (`pkg-config/dom.js`, part of `moments.js` and of the npm entry: content swaps happen at
//! start-up, before first paint).
//!
//! The applier keeps every element action (`replace`, `insert`, `attr`, `class`, `hide`, `show`)
//! live for the page (one `MutationObserver` re-applies it to elements that appear later and
//! repairs what the page overwrote, at most three times per element and action, never looping),
//! undoes every change exactly (the original nodes, the original attribute strings), hides and
//! shows with marker attributes and one stylesheet, and pre-hides swap targets at start. Its
//! defence in depth asks this side: text goes in with `textContent`, HTML only through an inert
//! `<template>` with every attribute [`attr_ok`] refuses dropped, and `attr` never sets one
//! (`call` kind 14, see `lib.rs`).
//!
//! This side sends it the rendered actions, one message each, through the SDK's `emit` with the
//! empty event name (as prompts are sent, see [`crate::prompt`]; JSON arrays here, objects there):
//! `[kind, rule, selector, x, y, firing]`, answered with the number of elements it touched (reported as an
//! `action` event; no answer for a selector the browser refuses), `[0]` to undo the page's changes
//! (single-page-app navigation), `[1]` to undo everything (destroy), `[2, selectors…]` to pre-hide,
//! `[3]` to release the pre-hide. Changes it makes later (elements that appear) come back through
//! `Sdk::ui` with the action's kind as `what`. `emit` actions and prompts are handled here.

use crate::prompt::Prompts;
use crate::ui::{Sink, UiEvent};
use moments_engine::action::Action;
use moments_engine::sanitize::{is_safe_style, safe_image_url, safe_url};
use moments_engine::json::write_str;
use moments_engine::Value;

/// The element action kinds, as the applier reports them.
pub const KINDS: [&str; 6] = ["replace", "insert", "attr", "class", "hide", "show"];

/// Attributes holding URLs.
const URL_ATTRS: [&str; 9] = ["href", "src", "action", "formaction", "xlink:href", "poster", "data", "background", "cite"];

/// Whether `name="value"` is safe to put on an element: no event handler, no `srcdoc`, no unsafe
/// URL (`javascript:`, `data:`…; with `img`, `data:image/…` is let through as the sanitizer
/// does), no unsafe inline style.
pub fn attr_ok(name: &str, value: &str, img: bool) -> bool {
    let url = |u: &str| if img { safe_image_url(u).is_some() } else { safe_url(u).is_some() };
    let n = name.to_ascii_lowercase();
    if n.starts_with("on") || n == "srcdoc" {
        return false;
    }
    if n == "style" {
        return is_safe_style(value);
    }
    if n == "srcset" || n == "imagesrcset" {
        return value.split(',').all(url);
    }
    !URL_ATTRS.contains(&n.as_str()) || url(value)
}

/// The applier's message for an element action of `rule`, with the action's kind; `None` for
/// `prompt` and `emit`. (Written straight to JSON: no `Value` tree to build and drop.)
fn message(rule: &str, a: &Action, firing: u32) -> Option<(&'static str, String)> {
    let mut m = String::from("[");
    let mut put = |s: &str| {
        write_str(s, &mut m);
        m.push(',');
    };
    let (kind, selector) = match a {
        Action::Replace { selector, .. } => (KINDS[0], selector),
        Action::Insert { selector, .. } => (KINDS[1], selector),
        Action::Attr { selector, .. } => (KINDS[2], selector),
        Action::Class { selector, .. } => (KINDS[3], selector),
        Action::Hide(selector) => (KINDS[4], selector),
        Action::Show(selector) => (KINDS[5], selector),
        Action::Prompt(_) | Action::Emit { .. } => return None,
    };
    put(kind);
    put(rule);
    put(selector);
    match a {
        Action::Replace { content, html, .. } => {
            put(content);
            m.push_str(if *html { "true" } else { "false" });
        }
        Action::Insert { position, html, .. } => {
            put(html);
            write_str(position.as_str(), &mut m);
        }
        Action::Attr { name, value, .. } => {
            put(name);
            write_str(value, &mut m);
        }
        Action::Class { add, remove, .. } => {
            Value::Arr(add.iter().map(|c| Value::Str(c.clone())).collect()).write_json(&mut m);
            m.push(',');
            Value::Arr(remove.iter().map(|c| Value::Str(c.clone())).collect()).write_json(&mut m);
        }
        _ => m.push_str("null,null"),
    }
    m.push(',');
    moments_engine::json::write_num(f64::from(firing), &mut m);
    m.push(']');
    Some((kind, m))
}

/// How long the page may keep swap targets hidden from its start (`PREHIDE_MS` in `dom.js`, and
/// the loader's safety timeout).
pub const PREHIDE_MS: f64 = 1500.0;

/// Applies rendered actions (through the JavaScript applier) and reports what it applied.
pub struct Applier {
    sink: Sink,
    prompts: Prompts,
    /// Something was sent to the JavaScript applier (so there may be something to undo).
    used: bool,
    /// Counts [`Applier::apply`] calls: the applier tells a rule's new firing (which supersedes
    /// what its earlier firings did on the same target) from another action of the same one.
    firing: u32,
}

impl Applier {
    /// An applier reporting to `sink`. Nothing reaches the page until [`Applier::set_prompt_ui`].
    pub fn new(sink: Sink) -> Applier {
        Applier { prompts: Prompts::new(sink.clone()), sink, used: false, firing: 0 }
    }

    fn send(&mut self, json: &str) -> wasm_bindgen::JsValue {
        self.used = true;
        self.prompts.send(json)
    }

    /// Pre-hides the elements matching `selectors` (invalid ones are skipped) until the next
    /// [`Applier::apply`] of an element action, [`Applier::release_prehide`], or 1.5 s.
    ///
    /// Only in the page's first [`PREHIDE_MS`]: a page that has shown its content since (a slow
    /// bundle, an app that starts the SDK later) is not hidden again.
    pub fn prehide(&mut self, selectors: &[String]) {
        let age = crate::browser::window()
            .and_then(|w| crate::browser::call(&crate::browser::get(&w, "performance"), "now", &wasm_bindgen::JsValue::UNDEFINED).ok())
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0);
        if !selectors.is_empty() && age < PREHIDE_MS {
            let mut m = vec![Value::Num(2.0)];
            m.extend(selectors.iter().map(|s| Value::Str(s.clone())));
            self.send(&Value::Arr(m).to_json());
        }
    }

    /// Shows the pre-hidden elements (call once the first decisions are applied, applied or not).
    pub fn release_prehide(&mut self) {
        if self.used {
            self.send("[3]");
        }
    }

    /// Rule priorities, so that prompts waiting for their turn go by priority.
    pub fn set_priorities(&mut self, p: Vec<(String, i32)>) {
        self.prompts.set_priorities(p);
    }

    /// Where prompts and element actions go: the SDK's `emit`, called as `f("", json)` (see the
    /// module docs and [`crate::prompt`]).
    pub fn set_prompt_ui(&mut self, f: js_sys::Function) {
        self.prompts.set_ui(f);
    }

    /// What the prompt renderer reported (see [`Prompts::report`]).
    pub fn prompt_report(&mut self, what: &str, rule: &str, node: u32, button: u32) {
        self.prompts.report(what, rule, node, button);
    }

    /// Applies `actions` of `rule` in order.
    pub fn apply(&mut self, rule: &str, actions: &[Action]) {
        let mut ev = Vec::new();
        self.firing = self.firing.wrapping_add(1);
        for a in actions {
            match a {
                Action::Emit { name, props } => {
                    ev.push(UiEvent::Applied { rule: rule.to_string(), kind: "emit", elements: 0 });
                    ev.push(UiEvent::Emit { name: name.clone(), props: props.clone() });
                }
                Action::Prompt(p) => {
                    let shown = self.prompts.show(rule, p);
                    ev.push(UiEvent::Applied { rule: rule.to_string(), kind: "prompt", elements: u32::from(shown) });
                }
                _ => {
                    if let Some((kind, json)) = message(rule, a, self.firing) {
                        if let Some(n) = self.send(&json).as_f64() {
                            ev.push(UiEvent::Applied { rule: rule.to_string(), kind, elements: n as u32 });
                        }
                    }
                }
            }
        }
        for e in ev {
            (self.sink)(e);
        }
    }

    /// Undoes page-scoped changes (a single-page-app navigation away from the page): every
    /// element change, in reverse order; open and waiting prompts close.
    pub fn revert_page(&mut self) {
        self.prompts.close_all();
        if self.used {
            self.send("[0]");
        }
    }

    /// Undoes everything (destroy): the page is as before.
    pub fn revert_all(&mut self) {
        self.prompts.close_all();
        if self.used {
            self.send("[1]");
        }
    }
}

impl Drop for Applier {
    fn drop(&mut self) {
        self.revert_all();
    }
}
