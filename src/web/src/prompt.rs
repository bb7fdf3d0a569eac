//! Prompts (modal, banner, toast, slide-in) and guided conversations: the bridge to their renderer.
//!
//! The rendering (markup, styles, focus, keyboard, the one-per-layout queue) is JavaScript,
//! `pkg-config/prompt.js`, loaded only when a page may show a prompt (`moments-prompt.js` beside
//! `moments.js`; its own chunk in the npm package): most page views never show one, and the wasm
//! every page downloads carries none of it.
//!
//! This side sends each prompt to the renderer as JSON — every URL already vetted with
//! [`safe_url`] (an unsafe one is sent as `null`), text as text, which the renderer escapes — and
//! keeps every prompt it sent until the renderer reports it closed, so that what the shopper did
//! comes back as indices and is looked up here: the call to action's label, a flow node's id and
//! a flow button's label, `emit` and `do` actions never make the round trip through JavaScript.
//!
//! To the renderer: `emit("", json)`, the empty event name being reserved for it and the DOM
//! applier (a bundle's `emit` names are never empty; the applier's messages are JSON arrays, see
//! [`crate::dom`], the renderer's objects), with `{rule, priority, layout, title, body, image, cta?,
//! dismiss?, flow?}` (`flow`: `{start, nodes: [{text, buttons: [{label, next?, href?}]}]}`, node
//! indices for `next`) or `{"close": true}` (close all, forget the waiting ones, report nothing).
//! Back: [`Prompts::report`], through `Sdk::ui`, with `what` one of `s` (shown), `x` (closed by
//! the shopper), `z` (closed otherwise), `c` (call to action clicked), `b` (flow button `button`
//! of node `node` pressed).

use crate::runtime::obj;
use crate::ui::{Sink, UiEvent};
use moments_engine::action::{ButtonTarget, Prompt};
use moments_engine::sanitize::safe_url;
use moments_engine::Value;
use wasm_bindgen::JsValue;

/// A prompt sent to the renderer and not closed yet (open, waiting its turn, or waiting for the
/// renderer to load).
struct Sent {
    rule: String,
    p: Prompt,
}

/// The prompts of one page.
pub struct Prompts {
    sink: Sink,
    ui: Option<js_sys::Function>,
    sent: Vec<Sent>,
    /// The rules whose prompts are open, in the order they opened.
    open: Vec<String>,
    prio: Vec<(String, i32)>,
}

/// `u` if it is safe to render, else `null`.
fn url(u: Option<&str>) -> Value {
    u.and_then(safe_url).map_or(Value::Null, Value::Str)
}

/// The renderer's JSON for `rule`'s prompt.
fn message(rule: &str, priority: i32, p: &Prompt) -> String {
    let mut m = vec![
        ("rule", rule.into()),
        ("priority", f64::from(priority).into()),
        ("layout", p.layout.as_str().into()),
        ("title", p.title.as_str().into()),
        ("body", p.body.as_str().into()),
        ("image", url(p.image.as_deref())),
    ];
    if let Some(c) = &p.cta {
        m.push(("cta", obj(&[("label", c.label.as_str().into()), ("href", url(c.href.as_deref()))])));
    }
    if let Some(d) = &p.dismiss {
        m.push(("dismiss", d.as_str().into()));
    }
    if let Some(f) = &p.flow {
        let at = |id: &str| f.nodes.iter().position(|n| n.id == id).map(|i| Value::Num(i as f64));
        let nodes = f.nodes.iter().map(|n| {
            let buttons = n.buttons.iter().take(10).map(|b| {
                let label = ("label", b.label.as_str().into());
                match &b.target {
                    ButtonTarget::Next(id) => obj(&[label, ("next", at(id).unwrap_or_default())]),
                    ButtonTarget::Href(h) => obj(&[label, ("href", url(Some(h)))]),
                    _ => obj(&[label]),
                }
            });
            obj(&[("text", n.text.as_str().into()), ("buttons", Value::Arr(buttons.collect()))])
        });
        m.push(("flow", obj(&[("start", at(&f.start).unwrap_or(Value::Num(0.0))), ("nodes", Value::Arr(nodes.collect()))])));
    }
    obj(&m).to_json()
}

impl Prompts {
    /// Prompts reporting to `sink`. Nothing is rendered until [`Prompts::set_ui`] gives the renderer.
    pub fn new(sink: Sink) -> Prompts {
        Prompts { sink, ui: None, sent: Vec::new(), open: Vec::new(), prio: Vec::new() }
    }

    /// Where prompts go: a function called as `f("", json)` (the SDK's `emit`; see the module docs).
    pub fn set_ui(&mut self, f: js_sys::Function) {
        self.ui = Some(f);
    }

    /// Sends `json` to the renderer's channel (the DOM applier's too, see [`crate::dom`]); its
    /// answer, `undefined` when there is none.
    pub(crate) fn send(&self, json: &str) -> JsValue {
        match &self.ui {
            Some(f) => f.call2(&JsValue::NULL, &JsValue::from_str(""), &JsValue::from_str(json)).unwrap_or_default(),
            None => JsValue::UNDEFINED,
        }
    }

    /// Rule priorities for the queue.
    pub fn set_priorities(&mut self, p: Vec<(String, i32)>) {
        self.prio = p;
    }

    /// Shows `rule`'s prompt now (true), or queues it behind an open one of its layout, or
    /// ignores it when that rule's prompt is already open or waiting (false).
    pub fn show(&mut self, rule: &str, p: &Prompt) -> bool {
        if self.sent.iter().any(|s| s.rule == rule) {
            return false;
        }
        let now = !self.sent.iter().any(|s| s.p.layout == p.layout);
        let prio = self.prio.iter().find(|(r, _)| r == rule).map_or(0, |x| x.1);
        self.sent.push(Sent { rule: rule.to_string(), p: p.clone() });
        self.send(&message(rule, prio, p));
        now
    }

    /// What the renderer reported about `rule`'s prompt (see the module docs), as UI events.
    pub fn report(&mut self, what: &str, rule: &str, node: u32, button: u32) {
        let Some(i) = self.sent.iter().position(|s| s.rule == rule) else { return };
        let rule = rule.to_string();
        let p = &self.sent[i].p;
        let mut ev = Vec::new();
        match what {
            "s" => {
                self.open.push(rule.clone());
                ev.push(UiEvent::PromptShown { rule });
            }
            "c" => {
                let label = p.cta.as_ref().map(|c| c.label.clone()).unwrap_or_default();
                ev.push(UiEvent::PromptClicked { rule, label });
            }
            "b" => {
                let Some(n) = p.flow.as_ref().and_then(|f| f.nodes.get(node as usize)) else { return };
                let Some(b) = n.buttons.get(button as usize) else { return };
                ev.push(UiEvent::FlowAnswer { rule: rule.clone(), node: n.id.clone(), answer: b.label.clone() });
                match &b.target {
                    ButtonTarget::Emit { name, props } => ev.push(UiEvent::Emit { name: name.clone(), props: props.clone() }),
                    ButtonTarget::Do(actions) => ev.push(UiEvent::Apply { rule, actions: actions.clone() }),
                    _ => {}
                }
            }
            "x" | "z" => {
                self.sent.remove(i);
                self.open.retain(|r| *r != rule);
                if what == "x" {
                    ev.push(UiEvent::PromptDismissed { rule });
                }
            }
            _ => {}
        }
        for e in ev {
            (self.sink)(e);
        }
    }

    /// Closes every prompt and forgets the waiting ones (not reported as dismissed).
    pub fn close_all(&mut self) {
        if !self.sent.is_empty() {
            self.sent.clear();
            self.open.clear();
            self.send(r#"{"close":true}"#);
        }
    }

    /// The rules whose prompts are open, in the order they opened.
    pub fn open(&self) -> Vec<String> {
        self.open.clone()
    }
}

impl Drop for Prompts {
    fn drop(&mut self) {
        self.close_all();
    }
}
