//! Prompts (modal, banner, toast, slide-in) and guided conversations, rendered in a shadow root.
//!
//! Each prompt is a `<moments-prompt>` host appended to `<body>` with an open shadow root, so the
//! page's styles don't reach in and ours don't leak out. The markup is built as one escaped HTML
//! string; styles come from one constructed stylesheet shared by every prompt (allowed by a CSP
//! without `'unsafe-inline'`), or a `<style nonce>` where constructable stylesheets are missing.
//!
//! Accessibility: `role="dialog"` labelled by the title and described by the body; the modal is
//! `aria-modal`, takes focus, traps Tab/Shift-Tab and gives focus back when it closes; Esc, the
//! close button (and the modal's backdrop) dismiss. Banners, toasts and slide-ins don't take or
//! trap focus. A toast goes away by itself after [`TOAST_MS`], paused while hovered or focused.
//!
//! One prompt per layout at a time (never two modals): a prompt asked for while another of its
//! layout is open waits in a queue ordered by rule priority; a rule whose prompt is open or
//! waiting is not shown twice.

use crate::dom::{doc, sheet, style_element};
use crate::ui::{Sink, UiEvent};
use crate::browser::{call, dict, get, query, query_all, Callback, Timer};
use js_sys::Array;
use moments_engine::action::{ButtonTarget, Layout, Prompt};
use moments_engine::sanitize::safe_url;
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;
use web_sys::{CssStyleSheet, Document, Element, Event, EventTarget, HtmlElement, ShadowRoot};

/// How long a toast stays (ms) when not hovered or focused.
pub const TOAST_MS: u32 = 8000;

/// The prompts' stylesheet.
///
/// Theming: set these custom properties on the page (on `:root`, `body` or `moments-prompt`);
/// they inherit into the shadow root:
///
/// - `--moments-accent`: buttons, links, focus rings (default `#0f766e`)
/// - `--moments-on-accent`: text on the accent colour (default `#fff`)
/// - `--moments-bg`: the panel's background (default `#fff`)
/// - `--moments-fg`: the panel's text (default `#1f2937`)
/// - `--moments-radius`: corner radius (default `14px`)
/// - `--moments-font`: font family (default the system UI font)
///
/// Under 600 px wide the modal becomes a bottom sheet.
pub const CSS: &str = concat!(
    ":host{all:initial}",
    ".p{--a:var(--moments-accent,#0f766e);--bg:var(--moments-bg,#fff);--r:var(--moments-radius,14px);",
    "position:fixed;z-index:2147483647;box-sizing:border-box;max-height:calc(100vh - 32px);overflow:auto;",
    "padding:20px 22px;background:var(--bg);color:var(--moments-fg,#1f2937);border-radius:var(--r);",
    "box-shadow:0 16px 48px rgba(0,0,0,.28);text-align:left;",
    "font:15px/1.5 var(--moments-font,system-ui,-apple-system,'Segoe UI',Roboto,sans-serif);animation:f .2s ease-out}",
    ".p *{box-sizing:border-box}.p:focus,.q:focus{outline:none}",
    ".bd{position:fixed;inset:0;z-index:2147483646;background:rgba(17,24,39,.5);animation:f .2s}",
    ".modal{left:50%;top:50%;width:min(440px,calc(100vw - 32px));transform:translate(-50%,-50%)}",
    ".banner{left:0;right:0;bottom:0;max-height:50vh;border-radius:0;display:flex;flex-wrap:wrap;align-items:center;",
    "gap:8px 24px;padding:14px 56px 14px 20px;animation-name:u}",
    ".banner .t{flex:1 1 260px}.banner h2,.banner p{margin:0}",
    ".banner .im{width:56px;height:56px;margin:0;border-radius:8px}",
    ".toast{top:16px;left:50%;transform:translateX(-50%);width:min(380px,calc(100vw - 32px));padding:14px 48px 14px 18px}",
    ".slide-in{right:16px;bottom:16px;width:min(360px,calc(100vw - 32px));animation-name:s}",
    "h2{margin:0 28px 6px 0;font-size:1.15em;line-height:1.3;font-weight:700}",
    "p{margin:0 0 14px}",
    ".im{display:block;width:calc(100% + 44px);max-height:200px;margin:-20px -22px 14px;object-fit:cover;",
    "border-radius:var(--r) var(--r) 0 0}",
    ".x{position:absolute;top:8px;right:8px;width:34px;height:34px;padding:0;border:0;border-radius:50%;",
    "background:var(--bg);color:inherit;font:24px/1 sans-serif;cursor:pointer;opacity:.8}",
    ".x:hover{opacity:1;background:rgba(127,127,127,.18)}",
    ".a,.bs{display:flex;flex-wrap:wrap;gap:8px;align-items:center}",
    ".c,.b,.n{display:inline-flex;align-items:center;justify-content:center;min-height:42px;padding:8px 18px;",
    "border:2px solid var(--a);border-radius:calc(var(--r)*.6);font:inherit;font-weight:600;text-decoration:none;",
    "cursor:pointer;background:transparent;color:var(--a)}",
    ".c,.b:hover{background:var(--a);color:var(--moments-on-accent,#fff)}",
    ".n{padding:8px 10px;border-color:transparent;color:inherit;font-weight:500;text-decoration:underline}",
    ".q{margin:10px 0 14px}.toast p{margin:0}",
    ":focus-visible{outline:3px solid var(--a);outline-offset:2px}",
    "@media(max-width:599px){.modal{left:0;right:0;top:auto;bottom:0;width:auto;max-height:85vh;transform:none;",
    "border-radius:var(--r) var(--r) 0 0;animation-name:u}",
    ".modal .im{border-radius:var(--r) var(--r) 0 0}}",
    "@keyframes f{from{opacity:0}}@keyframes u{from{transform:translateY(100%)}}@keyframes s{from{transform:translateX(110%)}}",
    "@media(prefers-reduced-motion:reduce){.p,.bd{animation:none}}"
);

/// Appends `s` to `out`, escaped for HTML text and attribute values.
pub fn esc(out: &mut String, s: &str) {
    let mut from = 0;
    for (i, b) in s.bytes().enumerate() {
        let r = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(s.get(from..i).unwrap_or_default());
        out.push_str(r);
        from = i + 1;
    }
    out.push_str(s.get(from..).unwrap_or_default());
}

/// The prompt's markup (flow at node `node`, with a Back button when `back`).
fn markup(p: &Prompt, node: usize, back: bool) -> String {
    let mut s = String::with_capacity(640);
    let modal = p.layout == Layout::Modal;
    if modal {
        s.push_str(r#"<div class="bd" data-a="x"></div>"#);
    }
    s.push_str(r#"<div class="p "#);
    s.push_str(p.layout.as_str());
    s.push_str(r#"" role="dialog" tabindex="-1" aria-labelledby="t""#);
    if !p.body.is_empty() {
        s.push_str(r#" aria-describedby="d""#);
    } else if p.flow.is_some() {
        s.push_str(r#" aria-describedby="q""#);
    }
    if modal {
        s.push_str(r#" aria-modal="true""#);
    }
    s.push_str(r#"><button type="button" class="x" data-a="x" aria-label="Close">&times;</button>"#);
    if let Some(src) = p.image.as_deref().and_then(safe_url) {
        s.push_str(r#"<img class="im" alt="" src=""#);
        esc(&mut s, &src);
        s.push_str(r#"">"#);
    }
    s.push_str(r#"<div class="t"><h2 id="t">"#);
    esc(&mut s, &p.title);
    s.push_str("</h2>");
    if !p.body.is_empty() {
        s.push_str(r#"<p id="d">"#);
        esc(&mut s, &p.body);
        s.push_str("</p>");
    }
    s.push_str("</div>");
    if p.flow.is_some() {
        s.push_str(r#"<div class="f">"#);
        flow_markup(&mut s, p, node, back);
        s.push_str("</div>");
    }
    let dismiss = p.dismiss.as_deref().or(p.cta.as_ref().map(|_| "No thanks"));
    if p.cta.is_some() || dismiss.is_some() {
        s.push_str(r#"<div class="a">"#);
        if let Some(c) = &p.cta {
            let href = c.href.as_deref().and_then(safe_url);
            match &href {
                Some(h) => {
                    s.push_str(r#"<a class="c" data-a="c" href=""#);
                    esc(&mut s, h);
                }
                None => s.push_str(r#"<button type="button" class="c" data-a="c"#),
            }
            s.push_str(r#"">"#);
            esc(&mut s, &c.label);
            s.push_str(if href.is_some() { "</a>" } else { "</button>" });
        }
        if let Some(d) = dismiss {
            s.push_str(r#"<button type="button" class="n" data-a="x">"#);
            esc(&mut s, d);
            s.push_str("</button>");
        }
        s.push_str("</div>");
    }
    s.push_str("</div>");
    s
}

/// The flow node `node`: its text (focusable, `#q`) and its buttons.
fn flow_markup(s: &mut String, p: &Prompt, node: usize, back: bool) {
    let Some(n) = p.flow.as_ref().and_then(|f| f.nodes.get(node)) else { return };
    s.push_str(r#"<p class="q" id="q" tabindex="-1">"#);
    esc(s, &n.text);
    s.push_str(r#"</p><div class="bs">"#);
    for (i, b) in n.buttons.iter().enumerate().take(10) {
        let link = match &b.target {
            ButtonTarget::Href(h) => safe_url(h),
            _ => None,
        };
        match &link {
            Some(h) => {
                s.push_str(r#"<a class="b" href=""#);
                esc(s, h);
                s.push('"');
            }
            None => s.push_str(r#"<button type="button" class="b""#),
        }
        s.push_str(r#" data-a="b" data-i=""#);
        s.push(char::from(b'0' + i as u8));
        s.push_str(r#"">"#);
        esc(s, &b.label);
        s.push_str(if link.is_some() { "</a>" } else { "</button>" });
    }
    if back {
        s.push_str(r#"<button type="button" class="n" data-a="k">Back</button>"#);
    }
    s.push_str("</div>");
}

/// An open prompt.
struct Open {
    rule: String,
    p: Prompt,
    host: Element,
    root: ShadowRoot,
    /// The flow node shown, and the nodes before it (for Back).
    node: usize,
    trail: Vec<usize>,
    /// Where focus was when the prompt opened.
    prev: Option<HtmlElement>,
    /// Listeners: `act` for clicks and keys, `watch` for focus and hover (two closures, so that
    /// moving focus from a key handler never re-enters the closure that is running).
    act: Callback,
    watch: Callback,
    timer: Option<Timer>,
    hover: bool,
    focus: bool,
}

impl Open {
    fn panel(&self) -> Option<HtmlElement> {
        query(&self.root, ".p").ok().flatten().map(JsCast::unchecked_into)
    }

    /// Adds (or removes) the listeners of [`EVENTS`] this layout needs.
    fn listen(&self, add: bool) {
        let Some(d) = doc() else { return };
        let (modal, toast) = (self.p.layout == Layout::Modal, self.p.layout == Layout::Toast);
        for (i, (at, k)) in EVENTS.iter().enumerate() {
            if add && !(i < 2 || (modal && i == 2) || (toast && i > 2)) {
                continue;
            }
            let t: &EventTarget = match at {
                0 => self.root.as_ref(),
                1 => self.host.as_ref(),
                _ => d.as_ref(),
            };
            let f = if i < 2 { &self.act } else { &self.watch };
            let f = f.as_ref().unchecked_ref();
            // (The same imports as `Listener`'s, not listening passively: keydown may prevent Tab.)
            let _ = if add {
                t.add_event_listener_with_callback_and_add_event_listener_options(k, f, &dict(r#"{"capture":false}"#))
            } else {
                t.remove_event_listener_with_callback_and_bool(k, f, false)
            };
        }
    }
}

/// The listeners a prompt may have: (where: 0 its shadow root, 1 its host, 2 the document; event).
/// The first two (every prompt) go to `act`; the document's `focusin` keeps focus in a modal; the
/// last four pause a toast while it is hovered or focused.
const EVENTS: [(u8, &str); 7] =
    [(0, "click"), (0, "keydown"), (2, "focusin"), (1, "mouseenter"), (1, "mouseleave"), (0, "focusin"), (0, "focusout")];

/// What a step produced, carried out once the state is no longer borrowed.
#[derive(Default)]
struct Out {
    ev: Vec<UiEvent>,
    focus: Option<HtmlElement>,
}

struct St {
    sink: Sink,
    me: Weak<RefCell<St>>,
    open: Vec<Open>,
    /// Waiting prompts: (priority, rule, prompt), highest priority first, then first come.
    queue: Vec<(i32, String, Prompt)>,
    prio: Vec<(String, i32)>,
    sheet: Option<CssStyleSheet>,
}

/// Runs `f` on the state, then moves focus and reports, with the state released (so whatever the
/// sink or a focus handler does can come back here).
/// (Not generic, so that it is compiled once.)
fn run(st: &Rc<RefCell<St>>, f: &mut dyn FnMut(&mut St, &mut Out)) {
    let mut out = Out::default();
    let sink = match st.try_borrow_mut() {
        Ok(mut s) => {
            f(&mut s, &mut out);
            s.sink.clone()
        }
        Err(_) => return,
    };
    if let Some(el) = out.focus {
        let _ = el.focus();
    }
    for e in out.ev {
        sink(e);
    }
}

impl St {
    fn show(&mut self, rule: &str, p: &Prompt, out: &mut Out) -> bool {
        if self.open.iter().any(|o| o.rule == rule) || self.queue.iter().any(|q| q.1 == rule) {
            return false;
        }
        if self.open.iter().any(|o| o.p.layout == p.layout) {
            let prio = self.prio.iter().find(|(r, _)| r == rule).map_or(0, |x| x.1);
            let at = self.queue.iter().position(|q| q.0 < prio).unwrap_or(self.queue.len());
            self.queue.insert(at, (prio, rule.to_string(), p.clone()));
            return false;
        }
        self.render(rule, p, out).is_some()
    }

    fn render(&mut self, rule: &str, p: &Prompt, out: &mut Out) -> Option<()> {
        let d = doc()?;
        let body = Some(get(&d, "body")).filter(|b| !b.is_null())?.unchecked_into::<Element>();
        let host = d.create_element("moments-prompt").ok()?;
        let root: ShadowRoot = call(&host, "attachShadow", &dict::<JsValue>(r#"{"mode":"open"}"#)).ok()?.unchecked_into();
        let node = p.flow.as_ref().and_then(|f| f.nodes.iter().position(|n| n.id == f.start)).unwrap_or(0);
        // A shadow root is driven through Element's and Document's imports where the two have the
        // same member (`innerHTML`, `adoptedStyleSheets`, `activeElement`): fewer imports.
        root.unchecked_ref::<Element>().set_inner_html(&markup(p, node, false));
        if self.sheet.is_none() {
            self.sheet = sheet(CSS);
        }
        match &self.sheet {
            Some(s) => root.unchecked_ref::<Document>().set_adopted_style_sheets(&Array::of1(s)),
            None => {
                root.append_child(&style_element(CSS)?.into()).ok()?;
            }
        }
        body.append_child(&host).ok()?;
        let handler = |rule: String, w: Weak<RefCell<St>>| {
            Callback::new(move |e: Event| {
                if let Some(st) = w.upgrade() {
                    run(&st, &mut |s, out| s.on_event(&rule, &e, out));
                }
            })
        };
        let mut o = Open {
            rule: rule.to_string(),
            p: p.clone(),
            host,
            root,
            node,
            trail: Vec::new(),
            prev: d.active_element().and_then(|e| e.dyn_into().ok()),
            act: handler(rule.to_string(), self.me.clone()),
            watch: handler(rule.to_string(), self.me.clone()),
            timer: None,
            hover: false,
            focus: false,
        };
        o.listen(true);
        if p.layout == Layout::Modal {
            out.focus = o.panel();
        }
        if p.layout == Layout::Toast {
            self.arm(&mut o);
        }
        self.open.push(o);
        out.ev.push(UiEvent::PromptShown { rule: rule.to_string() });
        Some(())
    }

    /// (Re)starts a toast's timer unless it is hovered or focused.
    fn arm(&self, o: &mut Open) {
        o.timer = (!o.hover && !o.focus).then(|| {
            let (w, rule) = (self.me.clone(), o.rule.clone());
            Timer::once(TOAST_MS, move || {
                if let Some(st) = w.upgrade() {
                    run(&st, &mut |s, out| s.close(&rule, false, out));
                }
            })
        });
    }

    fn flow_to(&self, o: &mut Open, node: usize, out: &mut Out) {
        o.node = node;
        let mut s = String::new();
        flow_markup(&mut s, &o.p, node, !o.trail.is_empty());
        if let Ok(Some(f)) = query(&o.root, ".f") {
            f.set_inner_html(&s);
        }
        out.focus = query(&o.root, "#q").ok().flatten().map(JsCast::unchecked_into);
    }

    /// Closes `rule`'s prompt: reported as dismissed when the shopper closed it. Focus goes back
    /// where it was if it was inside; the next waiting prompt of that layout opens.
    fn close(&mut self, rule: &str, dismissed: bool, out: &mut Out) {
        let Some(i) = self.open.iter().position(|o| o.rule == rule) else { return };
        let o = self.open.remove(i);
        o.listen(false);
        if o.root.unchecked_ref::<Document>().active_element().is_some() || o.p.layout == Layout::Modal {
            out.focus = o.prev.clone().filter(|p| crate::dom::connected(p));
        }
        o.host.remove();
        if dismissed {
            out.ev.push(UiEvent::PromptDismissed { rule: o.rule.clone() });
        }
        if let Some(q) = self.queue.iter().position(|q| !self.open.iter().any(|o| o.p.layout == q.2.layout)) {
            let (_, r, p) = self.queue.remove(q);
            let back = out.focus.take();
            let shown = self.render(&r, &p, out).is_some();
            match (shown && out.focus.is_some(), self.open.last_mut()) {
                // The next modal takes focus, and gives it back where the first one would have.
                (true, Some(n)) if back.is_some() => n.prev = back,
                (true, _) => {}
                (false, _) => out.focus = back,
            }
        }
    }

    fn on_event(&mut self, rule: &str, e: &Event, out: &mut Out) {
        let Some(i) = self.open.iter().position(|o| o.rule == rule) else { return };
        let kind = get(e, "type").as_string().unwrap_or_default();
        match kind.as_str() {
            "click" => {
                let Some(t) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) else { return };
                let Some(b) = t.closest("[data-a]").ok().flatten() else { return };
                match b.get_attribute("data-a").as_deref() {
                    Some("x") => self.close(rule, true, out),
                    Some("c") => {
                        let label = self.open[i].p.cta.as_ref().map(|c| c.label.clone()).unwrap_or_default();
                        out.ev.push(UiEvent::PromptClicked { rule: rule.to_string(), label });
                        self.close(rule, false, out);
                    }
                    Some("k") => {
                        let mut o = self.open.remove(i);
                        if let Some(n) = o.trail.pop() {
                            self.flow_to(&mut o, n, out);
                        }
                        self.open.insert(i, o);
                    }
                    Some("b") => {
                        let k = b.get_attribute("data-i").and_then(|k| k.bytes().next()).map_or(99, |d| usize::from(d.wrapping_sub(b'0')));
                        self.press(i, k, out);
                    }
                    _ => {}
                }
            }
            "keydown" => {
                // A keyboard event's `key`, read by name (no `KeyboardEvent` check and getter).
                let Some(key) = get(e, "key").as_string() else { return };
                match key.as_str() {
                    "Escape" | "Esc" => {
                        let _ = call(e, "stopPropagation", &JsValue::UNDEFINED);
                        self.close(rule, true, out);
                    }
                    "Tab" if self.open[i].p.layout == Layout::Modal => self.trap(i, e),
                    _ => {}
                }
            }
            "focusin" if self.open[i].p.layout == Layout::Modal => {
                // Focus went outside the modal (a page script, the browser's UI): bring it back,
                // after this event (focusing here would re-enter this very listener).
                let o = &mut self.open[i];
                let host: &JsValue = o.host.as_ref();
                // (`===` on plain values: the typed `!=` would import `Object.is`.)
                if e.target().is_some_and(|t| JsValue::from(t) != *host) {
                    if let Some(p) = o.panel() {
                        o.timer = Some(Timer::once(0, move || drop(p.focus())));
                    }
                }
            }
            "mouseenter" | "mouseleave" | "focusin" | "focusout" => {
                let mut o = self.open.remove(i);
                match kind.as_str() {
                    "mouseenter" | "mouseleave" => o.hover = kind == "mouseenter",
                    _ => o.focus = kind == "focusin",
                }
                self.arm(&mut o);
                self.open.insert(i, o);
            }
            _ => {}
        }
    }

    /// Keeps Tab and Shift-Tab inside the modal, cycling.
    fn trap(&self, i: usize, k: &Event) {
        let o = &self.open[i];
        let Some(list) = query_all(&o.root, "a[href],button") else { return };
        let n = list.length();
        if n == 0 {
            let _ = call(k, "preventDefault", &JsValue::UNDEFINED);
            return;
        }
        let (first, last) = (list.iter().next().unwrap_or_default(), list.iter().nth(n as usize - 1).unwrap_or_default());
        let active: JsValue = o.root.unchecked_ref::<Document>().active_element().map_or(JsValue::NULL, Into::into);
        let panel: JsValue = o.panel().map_or(JsValue::NULL, Into::into);
        let inside = !active.is_null() && active != panel;
        let to = if get(k, "shiftKey").is_truthy() { (!inside || active == first).then_some(last) } else { (active == last).then_some(first) };
        if let Some(t) = to {
            let _ = call(k, "preventDefault", &JsValue::UNDEFINED);
            // Links and buttons of our own markup: HTML elements.
            let _ = t.unchecked_into::<HtmlElement>().focus();
        }
    }

    /// A flow button: reports the answer, then goes to the next node, follows the link, emits or
    /// hands the actions to the runtime.
    fn press(&mut self, i: usize, k: usize, out: &mut Out) {
        let o = &self.open[i];
        let Some(node) = o.p.flow.as_ref().and_then(|f| f.nodes.get(o.node)) else { return };
        let Some(b) = node.buttons.get(k) else { return };
        let rule = o.rule.clone();
        out.ev.push(UiEvent::FlowAnswer { rule: rule.clone(), node: node.id.clone(), answer: b.label.clone() });
        match b.target.clone() {
            ButtonTarget::Next(id) => {
                let Some(n) = o.p.flow.as_ref().and_then(|f| f.nodes.iter().position(|n| n.id == id)) else { return };
                let mut o = self.open.remove(i);
                o.trail.push(o.node);
                self.flow_to(&mut o, n, out);
                self.open.insert(i, o);
            }
            ButtonTarget::Href(_) => self.close(&rule, false, out),
            ButtonTarget::Emit { name, props } => {
                self.close(&rule, false, out);
                out.ev.push(UiEvent::Emit { name, props });
            }
            ButtonTarget::Do(actions) => {
                self.close(&rule, false, out);
                out.ev.push(UiEvent::Apply { rule, actions });
            }
        }
    }

    fn close_all(&mut self, out: &mut Out) {
        self.queue.clear();
        while let Some(r) = self.open.last().map(|o| o.rule.clone()) {
            self.close(&r, false, out);
        }
    }
}

/// The prompts of one page.
pub struct Prompts {
    st: Rc<RefCell<St>>,
}

impl Prompts {
    /// Prompts reporting to `sink`.
    pub fn new(sink: Sink) -> Prompts {
        let st = Rc::new_cyclic(|me| {
            RefCell::new(St { sink, me: me.clone(), open: Vec::new(), queue: Vec::new(), prio: Vec::new(), sheet: None })
        });
        Prompts { st }
    }

    /// Rule priorities for the queue.
    pub fn set_priorities(&self, p: Vec<(String, i32)>) {
        if let Ok(mut s) = self.st.try_borrow_mut() {
            s.prio = p;
        }
    }

    /// Shows `rule`'s prompt now (true), or queues it behind an open one of its layout, or
    /// ignores it when that rule's prompt is already open or waiting (false).
    pub fn show(&self, rule: &str, p: &Prompt) -> bool {
        let mut shown = false;
        run(&self.st, &mut |s, out| shown = s.show(rule, p, out));
        shown
    }

    /// Closes every prompt and forgets the waiting ones (not reported as dismissed).
    pub fn close_all(&self) {
        run(&self.st, &mut |s, out| s.close_all(out));
    }

    /// The rules whose prompts are open, in the order they opened.
    pub fn open(&self) -> Vec<String> {
        self.st.try_borrow().map(|s| s.open.iter().map(|o| o.rule.clone()).collect()).unwrap_or_default()
    }
}

impl Drop for Prompts {
    fn drop(&mut self) {
        self.close_all();
    }
}
