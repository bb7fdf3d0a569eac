//! Applying actions to the page, reversibly.
//!
//! Every element action (`replace`, `insert`, `attr`, `class`, `hide`, `show`) stays *live* for
//! the page: one `MutationObserver` for the whole [`Applier`] re-runs the live selectors after the
//! page changes, so elements that appear later (lazy sections, client-rendered lists) get the
//! change, and a change the page's own framework overwrites is re-applied — at most
//! [`MAX_REPAIRS`] times per element and action, then the element is left to the page. The check
//! is made against the DOM's state, never against mutation records, and the observer's records of
//! our own changes are discarded (`takeRecords`), so Moments never fights itself or loops.
//!
//! Each change remembers how to undo itself ([`Applier::revert_page`], [`Applier::revert_all`]):
//! the original child nodes (the very nodes, with their listeners), the original attribute
//! strings (restored byte for byte when nobody touched them since), inserted nodes removed.
//!
//! Defence in depth (the engine already rendered and sanitized the actions): text goes in with
//! `textContent`; HTML only through an inert `<template>`, with any `on*` attribute and unsafe URL
//! dropped before it reaches the page; `attr` never sets an `on*` attribute or a
//! `javascript:`/`data:` URL.

use crate::prompt::Prompts;
use crate::ui::{Sink, UiEvent};
use crate::browser::{call, dict, get, query, query_all, window, Callback, Timer};
use js_sys::Array;
use moments_engine::Value;
use moments_engine::action::{Action, Position};
use moments_engine::sanitize::{is_safe_style, safe_image_url, safe_url};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CssStyleSheet, Document, Element, MutationObserver, Node};

/// How many times a change that the page overwrote is re-applied, per element and action.
pub const MAX_REPAIRS: u8 = 3;

/// How long swap targets stay pre-hidden at most (ms), if no decision releases them earlier.
pub const PREHIDE_MS: u32 = 1500;

pub(crate) fn doc() -> Option<Document> {
    crate::browser::document(&window()?)
}

/// The attributes `hide` and `show` mark elements with; a stylesheet does the rest. Neither the
/// page's `style` attribute nor CSP (`style-src` without `'unsafe-inline'` blocks setting a
/// `style` attribute back) get in the way, and removing the marker undoes the change exactly.
const HIDE: &str = "data-moments-hide";
const SHOW: &str = "data-moments-show";
const DISPLAY_CSS: &str = "[data-moments-hide]{display:none!important}[data-moments-show]{display:revert!important}";

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

/// Parses sanitized HTML into a fragment (inert until inserted), dropping scripts, `on*`
/// attributes and unsafe URLs on the way.
fn fragment(html: &str) -> Option<Node> {
    let t = element("template")?;
    t.set_inner_html(html);
    let frag = get(&t, "content"); // a <template>'s fragment
    if frag.is_undefined() {
        return None; // not an HTML document: no <template> to parse with
    }
    if let Some(all) = query_all(&frag, "*") {
        for el in all.iter() {
            let el: Element = el.unchecked_into();
            if get(&el, "localName").as_string().as_deref() == Some("script") {
                crate::browser::remove(&el);
                continue;
            }
            let names: Array = call(&el, "getAttributeNames", &JsValue::UNDEFINED).map_or_else(|_| Array::new(), JsCast::unchecked_into);
            for name in names.iter().filter_map(|n| n.as_string()) {
                if !attr_ok(&name, &el.get_attribute(&name).unwrap_or_default(), true) {
                    remove_attr(&el, &name);
                }
            }
        }
    }
    Some(frag.unchecked_into())
}

/// A node's children, as an array (`childNodes` read by name).
fn children(node: &JsValue) -> Array {
    Array::from(&get(node, "childNodes"))
}

/// Whether a node is in the document (`isConnected` read by name).
pub(crate) fn connected(node: &JsValue) -> bool {
    get(node, "isConnected").is_truthy()
}

/// Whether two handles are the same node. (Compared as plain values, `===`: the typed `==` goes
/// through an import of its own, `Object.is`.)
fn same_node(a: &JsValue, b: &JsValue) -> bool {
    a == b
}

fn set_attr(el: &Element, name: &str, v: &Option<String>) {
    match v {
        Some(v) => drop(el.set_attribute(name, v)),
        None => remove_attr(el, name),
    }
}

// Called by name, an import less each: `removeAttribute`, `createElement` and `classList`'s
// methods.

fn remove_attr(el: &Element, name: &str) {
    let _ = call(el, "removeAttribute", &JsValue::from_str(name));
}

/// A new element of the document.
fn element(tag: &str) -> Option<Element> {
    call(doc()?.as_ref(), "createElement", &JsValue::from_str(tag)).ok().map(JsCast::unchecked_into)
}

/// `el.classList[method](token)` (`add`, `remove`, `contains`), truthy or not.
fn class_list(el: &Element, method: &str, token: &str) -> bool {
    call(&get(el, "classList"), method, &JsValue::from_str(token)).is_ok_and(|v| v.is_truthy())
}

fn computed_display(el: &Element) -> String {
    window()
        .and_then(|w| call(&w, "getComputedStyle", el).ok())
        .and_then(|s| call(&s, "getPropertyValue", &JsValue::from_str("display")).ok())
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

fn remove_nodes(nodes: &Array) {
    for n in nodes.iter() {
        // Element, text or comment: each has `remove()` (nothing happens without a parent).
        crate::browser::remove(&n);
    }
}

/// How to undo one change on one element.
enum Undo {
    /// `replace`: the original children, and the nodes we put in.
    Content(Array, Array),
    /// `insert`: the nodes we inserted.
    Inserted(Array),
    /// `attr`, `class`: the attribute, its original value and the value we left.
    Attr(&'static str, Option<String>, Option<String>),
    /// `hide`, `show`: the marker attribute we set (if any) and the original `hidden` attribute.
    Display(Option<&'static str>, Option<String>),
}

/// The undo record of a change made over an earlier change of the same part: back to what was
/// there before the earlier one. `None` where the two cannot be folded into one.
fn merge(older: &Undo, newer: &Undo) -> Option<Undo> {
    match (older, newer) {
        (Undo::Content(orig, _), Undo::Content(_, ours)) => Some(Undo::Content(orig.clone(), ours.clone())),
        (Undo::Attr(w, orig, _), Undo::Attr(v, _, ours)) if w == v => Some(Undo::Attr(w, orig.clone(), ours.clone())),
        _ => None,
    }
}

/// One change on one element.
struct Mark {
    live: u32,
    el: Element,
    undo: Undo,
    tries: u8,
    /// Still watched for overwrites (false once superseded by a later action or given up).
    active: bool,
}

/// An element action that stays live for the page.
struct Live {
    id: u32,
    rule: Rc<str>,
    act: Action,
    /// Still matched against new elements (false once a newer firing of the rule replaced it).
    on: bool,
    /// Which [`Applier::apply`] made it live: a later firing of the rule supersedes it, another
    /// action of the same firing does not (two inserts in one slot both stay).
    firing: u32,
}

fn kind(a: &Action) -> &'static str {
    match a {
        Action::Replace { .. } => "replace",
        Action::Insert { .. } => "insert",
        Action::Attr { .. } => "attr",
        Action::Class { .. } => "class",
        Action::Hide(_) => "hide",
        Action::Show(_) => "show",
        Action::Prompt(_) => "prompt",
        Action::Emit { .. } => "emit",
    }
}

/// Which part of an element an action owns: a later action on the same part supersedes an
/// earlier one (which then stops being repaired, so two rules never fight each other).
fn part(a: &Action) -> (u8, &str) {
    match a {
        Action::Replace { .. } => (0, ""),
        Action::Insert { position: Position::Prepend | Position::Append, .. } => (0, "+"),
        Action::Insert { .. } => (1, ""),
        Action::Attr { name, .. } => (2, name),
        Action::Class { .. } => (3, ""),
        _ => (4, ""),
    }
}

/// Whether two element actions are the same (cheaper than deriving equality over every action).
fn same(a: &Action, b: &Action) -> bool {
    use Action::*;
    match (a, b) {
        (Replace { selector: s, content: c, html: h }, Replace { selector: t, content: d, html: i }) => s == t && c == d && h == i,
        (Insert { selector: s, position: p, html: h }, Insert { selector: t, position: q, html: i }) => s == t && p == q && h == i,
        (Attr { selector: s, name: n, value: v }, Attr { selector: t, name: m, value: w }) => s == t && n == m && v == w,
        (Class { selector: s, add: a, remove: r }, Class { selector: t, add: b, remove: q }) => s == t && a == b && r == q,
        (Hide(s), Hide(t)) | (Show(s), Show(t)) => s == t,
        _ => false,
    }
}

/// Applies `a` to `el`; `None` when it could not be applied.
fn apply_one(el: &Element, a: &Action) -> Option<Undo> {
    Some(match a {
        Action::Replace { content, html, .. } => {
            let orig = children(el);
            if *html {
                el.replace_children_with_node(&crate::browser::array1(&fragment(content)?.into()));
            } else {
                el.set_text_content(Some(content));
            }
            Undo::Content(orig, children(el))
        }
        Action::Insert { position, html, .. } => {
            let frag = fragment(html)?;
            let nodes = children(&frag);
            let method = match position {
                Position::Before => "before",
                Position::After => "after",
                Position::Prepend => "prepend",
                Position::Append => "append",
            };
            call(el, method, &frag).ok()?;
            Undo::Inserted(nodes)
        }
        Action::Attr { name, value, .. } => {
            if !attr_ok(name, value, false) {
                return None;
            }
            let orig = el.get_attribute(name);
            el.set_attribute(name, value).ok()?;
            // The name is kept on the action; `Attr` stores a static marker instead.
            Undo::Attr("", orig, el.get_attribute(name))
        }
        Action::Class { add, remove, .. } => {
            let orig = el.get_attribute("class");
            for c in remove {
                class_list(el, "remove", c);
            }
            for c in add {
                class_list(el, "add", c);
            }
            Undo::Attr("class", orig, el.get_attribute("class"))
        }
        Action::Hide(_) => {
            el.set_attribute(HIDE, "").ok()?;
            Undo::Display(Some(HIDE), None)
        }
        Action::Show(_) => {
            let hidden = el.get_attribute("hidden");
            remove_attr(el, "hidden");
            let mark = (computed_display(el) == "none").then_some(SHOW);
            if let Some(m) = mark {
                el.set_attribute(m, "").ok()?;
            }
            Undo::Display(mark, hidden)
        }
        Action::Prompt(_) | Action::Emit { .. } => return None,
    })
}

/// Whether the change `m` made with `a` is still in effect.
fn holds(m: &Mark, a: &Action) -> bool {
    let el = &m.el;
    match (&m.undo, a) {
        (Undo::Content(_, ours), _) => ours.iter().all(|n| call(el, "contains", &n).is_ok_and(|v| v.is_truthy())),
        (Undo::Inserted(nodes), _) => nodes.iter().all(|n| connected(&n)),
        (_, Action::Attr { name, value, .. }) => el.get_attribute(name).as_deref() == Some(value.as_str()),
        (_, Action::Class { add, remove, .. }) => {
            add.iter().all(|c| class_list(el, "contains", c)) && !remove.iter().any(|c| class_list(el, "contains", c))
        }
        (_, Action::Hide(_)) => el.get_attribute(HIDE).is_some(),
        (_, Action::Show(_)) => computed_display(el) != "none",
        _ => true,
    }
}

/// Undoes the change `m` made with `a`, leaving alone whatever the page changed since.
fn undo(m: &Mark, a: &Action) {
    let el = &m.el;
    match &m.undo {
        Undo::Content(orig, _) => {
            if holds(m, a) {
                el.replace_children_with_node(orig);
            }
        }
        Undo::Inserted(nodes) => remove_nodes(nodes),
        Undo::Attr(which, orig, ours) => {
            let name = match a {
                Action::Attr { name, .. } => name.as_str(),
                _ => which,
            };
            if el.get_attribute(name) == *ours {
                set_attr(el, name, orig);
            } else if let Action::Class { add, remove, .. } = a {
                // The page changed the classes since: take back only our own tokens.
                let had = |c: &String| orig.as_deref().unwrap_or("").split_ascii_whitespace().any(|o| o == c);
                for c in add.iter().filter(|c| !had(c)) {
                    class_list(el, "remove", c);
                }
                for c in remove.iter().filter(|c| had(c)) {
                    class_list(el, "add", c);
                }
            }
        }
        Undo::Display(mark, hidden) => {
            if let Some(m) = mark {
                remove_attr(el, m);
            }
            if hidden.is_some() && el.get_attribute("hidden").is_none() {
                set_attr(el, "hidden", hidden);
            }
        }
    }
}

/// The applier's state, shared with its `MutationObserver` callback.
struct Inner {
    live: Vec<Live>,
    marks: Vec<Mark>,
    next: u32,
    firing: u32,
    mo: Option<MutationObserver>,
}

impl Inner {
    /// Applies the live actions (or only `only`) to every matching element not yet changed, and
    /// repairs changes the page overwrote. Reports what it newly changed into `ev`.
    fn scan(&mut self, only: Option<u32>, ev: &mut Vec<UiEvent>) {
        let Some(d) = doc() else { return };
        let Inner { live, marks, .. } = self;
        // Elements the page threw away take their change with them (checked when the page's DOM
        // changed, not on every action: each check is a call into the browser).
        marks.retain(|m| {
            if only.is_some() {
                return true;
            }
            let keep = connected(&m.el);
            if !keep {
                if let Undo::Inserted(nodes) = &m.undo {
                    remove_nodes(nodes);
                }
            }
            keep
        });
        let mut pruned = false;
        for l in live.iter().filter(|l| l.on && only.unwrap_or(l.id) == l.id) {
            let Some(found) = l.act.selector().and_then(|s| query_all(&d, s)) else { continue };
            let (mut new, mut has) = (0, 0);
            for el in found.iter() {
                let el: Element = el.unchecked_into();
                if let Some(m) = marks.iter_mut().find(|m| m.live == l.id && same_node(&m.el, &el)) {
                    has += 1;
                    if m.active && !holds(m, &l.act) {
                        // Overwritten by the page: re-apply over the page's new state, a few times.
                        m.active = m.tries < MAX_REPAIRS;
                        if m.active {
                            m.tries += 1;
                            if let Undo::Inserted(nodes) = &m.undo {
                                remove_nodes(nodes);
                            }
                            match apply_one(&el, &l.act) {
                                Some(u) => m.undo = u,
                                None => m.active = false,
                            }
                        }
                    }
                } else if let Some(mut u) = apply_one(&el, &l.act) {
                    let p = part(&l.act);
                    // Every record of a change on this element and part starts from what was
                    // there before the first of them (the oldest record's original): reverting,
                    // which walks the records newest first and skips those that no longer hold,
                    // then needs only the newest. So the records of firings that are over (their
                    // rule fired again since, with new content from a template) are dropped here.
                    // Two rules taking turns on one element used to keep one record, and the
                    // replaced nodes, per firing: memory and the time of every scan grew with the
                    // page's age.
                    let mut based = false;
                    let mut k = 0;
                    while k < marks.len() {
                        let m = &mut marks[k];
                        let older = if same_node(&m.el, &el) { live.iter().find(|o| o.id == m.live) } else { None };
                        if let Some(o) = older.filter(|o| part(&o.act) == p || (p == (0, "") && part(&o.act).0 == 0)) {
                            m.active = false;
                            if let Some(merged) = merge(&m.undo, &u) {
                                if !based {
                                    u = merged;
                                    based = true;
                                }
                                if !o.on {
                                    marks.remove(k);
                                    pruned = true;
                                    continue;
                                }
                            } else if let (false, true, Undo::Inserted(nodes)) = (o.on, o.rule == l.rule, &m.undo) {
                                // What an earlier firing of this rule inserted here goes: the new
                                // firing's content takes its place instead of piling up.
                                remove_nodes(nodes);
                                marks.remove(k);
                                pruned = true;
                                continue;
                            }
                        }
                        k += 1;
                    }
                    marks.push(Mark { live: l.id, el, undo: u, tries: 0, active: true });
                    new += 1;
                }
            }
            if new > 0 || only.is_some() {
                let elements = if only.is_some() { new + has } else { new };
                ev.push(UiEvent::Applied { rule: String::from(&*l.rule), kind: kind(&l.act), elements });
            }
        }
        if pruned {
            // Superseded firings whose changes were folded into a newer one are gone for good.
            live.retain(|l| l.on || marks.iter().any(|m| m.live == l.id));
        }
        if let Some(mo) = &self.mo {
            let _ = call(mo, "takeRecords", &JsValue::UNDEFINED);
        }
    }

    /// (Re-)observes the document: new elements, and the attributes the live actions care about.
    fn observe(&self) {
        let (Some(mo), Some(d)) = (&self.mo, doc()) else { return };
        let mut want = Vec::new();
        for l in self.live.iter().filter(|l| l.on) {
            let names: &[&str] = match &l.act {
                Action::Attr { name, .. } => &[name.as_str()],
                Action::Class { .. } => &["class"],
                Action::Hide(_) => &[HIDE],
                Action::Show(_) => &[SHOW, "hidden", "class", "style"],
                _ => &[],
            };
            want.extend(names.iter().map(|n| Value::Str(String::from(*n))));
        }
        // The options as JSON: one `JSON.parse` instead of an import per option setter.
        let mut init = Value::Obj(Vec::new());
        init.set("childList", true.into());
        init.set("subtree", true.into());
        if !want.is_empty() {
            init.set("attributes", true.into());
            init.set("attributeFilter", Value::Arr(want));
        }
        let _ = mo.observe_with_options(&d, &dict(&init.to_json()));
    }
}

/// Applies rendered actions and remembers how to undo them.
pub struct Applier {
    inner: Rc<RefCell<Inner>>,
    sink: Sink,
    prompts: Prompts,
    prehide: Option<Prehide>,
    /// The stylesheet behind `hide` and `show`, while they are in use.
    display: Option<Hider>,
    callback: Option<Callback>,
}

fn emit_all(sink: &Sink, ev: Vec<UiEvent>) {
    for e in ev {
        sink(e);
    }
}

impl Applier {
    /// An applier reporting to `sink`.
    pub fn new(sink: Sink) -> Applier {
        let inner = Rc::new(RefCell::new(Inner { live: Vec::new(), marks: Vec::new(), next: 0, firing: 0, mo: None }));
        Applier { inner, prompts: Prompts::new(sink.clone()), sink, prehide: None, display: None, callback: None }
    }

    /// Hands over the pre-hide of swap targets: it is released after the next [`Applier::apply`]
    /// (or by [`Applier::release_prehide`], or by its own safety timeout).
    pub fn set_prehide(&mut self, p: Prehide) {
        self.prehide = Some(p);
    }

    /// Shows the pre-hidden elements (call once the first decisions are applied, applied or not).
    pub fn release_prehide(&mut self) {
        self.prehide = None;
    }

    /// Rule priorities, so that prompts waiting for their turn go by priority.
    pub fn set_priorities(&mut self, p: Vec<(String, i32)>) {
        self.prompts.set_priorities(p);
    }

    /// Where prompts are rendered (see [`crate::prompt`]).
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
        if let Ok(mut inner) = self.inner.try_borrow_mut() {
            inner.firing += 1;
        }
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
                _ => self.live(rule, a, &mut ev),
            }
        }
        if let Ok(inner) = self.inner.try_borrow() {
            inner.observe();
        }
        self.prehide = None;
        emit_all(&self.sink, ev);
    }

    /// Makes `a` live and applies it to the elements there now.
    fn live(&mut self, rule: &str, a: &Action, ev: &mut Vec<UiEvent>) {
        self.ensure_observer();
        if matches!(a, Action::Hide(_) | Action::Show(_)) && self.display.is_none() {
            self.display = adopt(DISPLAY_CSS);
        }
        let Ok(mut inner) = self.inner.try_borrow_mut() else { return };
        let firing = inner.firing;
        let id = if let Some(l) = inner.live.iter_mut().find(|l| l.on && &*l.rule == rule && same(&l.act, a)) {
            // The same rule fired again with the same action: nothing new to make live (and it
            // belongs to this firing now, so the firing's other actions leave it alone).
            l.firing = firing;
            l.id
        } else {
            // A new firing of the rule with new content replaces its older one on that target.
            for l in inner.live.iter_mut().filter(|l| &*l.rule == rule && l.firing != firing && l.act.selector() == a.selector() && part(&l.act) == part(a)) {
                l.on = false;
            }
            inner.next += 1;
            let id = inner.next;
            inner.live.push(Live { id, rule: rule.into(), act: a.clone(), on: true, firing });
            id
        };
        inner.scan(Some(id), ev);
    }

    fn ensure_observer(&mut self) {
        if self.callback.is_some() {
            return;
        }
        let weak: Weak<RefCell<Inner>> = Rc::downgrade(&self.inner);
        let sink = self.sink.clone();
        // The records are not read (the DOM's state is what counts): the argument is ignored.
        let cb = Callback::new(move |_| {
            let Some(inner) = weak.upgrade() else { return };
            let mut ev = Vec::new();
            if let Ok(mut i) = inner.try_borrow_mut() {
                i.scan(None, &mut ev);
            }
            emit_all(&sink, ev);
        });
        if let Ok(mut inner) = self.inner.try_borrow_mut() {
            inner.mo = crate::browser::construct("MutationObserver", &crate::browser::array1(cb.as_ref())).map(JsCast::unchecked_into);
        }
        self.callback = Some(cb);
    }

    /// Undoes page-scoped changes (a single-page-app navigation away from the page): every
    /// element change, in reverse order; open and waiting prompts close.
    pub fn revert_page(&mut self) {
        self.prompts.close_all();
        let Ok(mut inner) = self.inner.try_borrow_mut() else { return };
        if let Some(mo) = &inner.mo {
            let _ = call(mo, "disconnect", &JsValue::UNDEFINED);
        }
        let Inner { live, marks, .. } = &mut *inner;
        while let Some(m) = marks.pop() {
            if let Some(l) = live.iter().find(|l| l.id == m.live) {
                undo(&m, &l.act);
            }
        }
        live.clear();
        if let Some(h) = self.display.take() {
            unhide(h);
        }
    }

    /// How many live actions and undo records the applier holds (for tests: it must stay bounded
    /// however often rules fire).
    pub fn records(&self) -> usize {
        self.inner.try_borrow().map_or(0, |i| i.live.len() + i.marks.len())
    }

    /// Undoes everything (destroy): the page is as before.
    pub fn revert_all(&mut self) {
        self.revert_page();
        self.prehide = None;
        if let Ok(mut inner) = self.inner.try_borrow_mut() {
            inner.mo = None;
        }
        self.callback = None;
    }
}

impl Drop for Applier {
    fn drop(&mut self) {
        self.revert_all();
    }
}

/// The page's CSP nonce for Moments' `<style>` fallback: that of the Moments `<script nonce>`
/// (the `nonce` property: browsers hide the attribute), else of any script with one.
pub(crate) fn nonce() -> String {
    let Some(d) = doc() else { return String::new() };
    ["script[nonce][src*=moments]", "script[nonce]"]
        .iter()
        .find_map(|s| query(&d, s).ok().flatten())
        .and_then(|s| s.dyn_into::<web_sys::HtmlElement>().ok())
        .and_then(|s| get(&s, "nonce").as_string())
        .unwrap_or_default()
}

/// A constructed stylesheet with `css`, where the browser has constructable stylesheets (allowed
/// by CSP without `'unsafe-inline'`).
pub(crate) fn sheet(css: &str) -> Option<CssStyleSheet> {
    let d = doc()?;
    if get(&d, "adoptedStyleSheets").is_undefined() {
        return None;
    }
    let s: CssStyleSheet = crate::browser::construct("CSSStyleSheet", &Array::new())?.unchecked_into();
    call(&s, "replaceSync", &JsValue::from_str(css)).ok()?;
    Some(s)
}

/// A `<style>` element with `css` and the page's nonce (the fallback for older browsers).
pub(crate) fn style_element(css: &str) -> Option<Element> {
    let el = element("style")?;
    let n = nonce();
    if !n.is_empty() {
        let _ = el.set_attribute("nonce", &n);
    }
    el.set_text_content(Some(css));
    Some(el)
}

/// A stylesheet added to the document.
enum Hider {
    Sheet(CssStyleSheet),
    Element(Element),
}

/// Adds `css` to the document: a constructed stylesheet appended to `adoptedStyleSheets`, or a
/// `<style nonce>` in the head.
fn adopt(css: &str) -> Option<Hider> {
    let d = doc()?;
    if let Some(s) = sheet(css) {
        let all = Array::from(&get(&d, "adoptedStyleSheets"));
        all.push(&s);
        d.set_adopted_style_sheets(&all);
        return Some(Hider::Sheet(s));
    }
    let el = style_element(css)?;
    let parent = query(&d, "head").ok().flatten().or_else(|| Some(get(&d, "documentElement")).filter(|e| !e.is_null()).map(JsCast::unchecked_into))?;
    call(&parent, "appendChild", &el).ok()?;
    Some(Hider::Element(el))
}

/// Removes a stylesheet [`adopt`] added.
fn unhide(h: Hider) {
    match h {
        Hider::Sheet(s) => {
            if let Some(d) = doc() {
                let s: &JsValue = s.as_ref();
                let keep: Array = Array::from(&get(&d, "adoptedStyleSheets")).iter().filter(|x| x != s).collect();
                d.set_adopted_style_sheets(&keep);
            }
        }
        Hider::Element(e) => crate::browser::remove(&e),
    }
}

/// Swap targets hidden before first paint (`opacity: 0`, so the layout does not move). Released
/// by [`Prehide::release`], on drop, or after [`PREHIDE_MS`] whatever happens.
#[must_use = "the elements show again as soon as the Prehide is dropped"]
pub struct Prehide {
    hider: Rc<RefCell<Option<Hider>>>,
    _timer: Option<Timer>,
}

/// Hides the elements matching `selectors` (invalid selectors are skipped) with one stylesheet.
pub fn prehide(selectors: &[String]) -> Prehide {
    let mut css = String::new();
    if let Some(d) = doc() {
        for s in selectors {
            // A selector the browser accepts cannot end the rule early (braces only in strings).
            if !s.is_empty() && query(&d, s).is_ok() {
                css.push_str(s);
                css.push_str("{opacity:0!important}");
            }
        }
    }
    let hider = Rc::new(RefCell::new(if css.is_empty() { None } else { adopt(&css) }));
    if css.is_empty() {
        return Prehide { hider, _timer: None };
    }
    let timer = {
        let hider = hider.clone();
        Timer::once(PREHIDE_MS, move || {
            if let Some(h) = hider.try_borrow_mut().ok().and_then(|mut h| h.take()) {
                unhide(h);
            }
        })
    };
    Prehide { hider, _timer: Some(timer) }
}

impl Prehide {
    /// Shows the elements again.
    pub fn release(&mut self) {
        if let Some(h) = self.hider.try_borrow_mut().ok().and_then(|mut h| h.take()) {
            unhide(h);
        }
        self._timer = None;
    }

    /// Whether the elements are still hidden.
    pub fn active(&self) -> bool {
        self.hider.try_borrow().is_ok_and(|h| h.is_some())
    }
}

impl Drop for Prehide {
    fn drop(&mut self) {
        self.release();
    }
}
