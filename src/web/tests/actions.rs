//! Actions in a real browser (headless Chromium, via wasm-bindgen-test-runner): every action
//! applied and undone exactly, late elements, a framework that overwrites, what prompts send to
//! their renderer and how its reports come back, pre-hiding. (Prompts themselves are rendered by
//! JavaScript and tested end to end: tests/e2e/prompts.test.mjs.)
#![cfg(target_arch = "wasm32")]

use gloo_timers::callback::Timeout;
use js_sys::{Function, Reflect};
use moments_engine::action::{Action, ButtonTarget, Cta, Flow, FlowButton, FlowNode, Layout, Position, Prompt};
use moments_engine::Value;
use moments_web::dom::{prehide, Applier, MAX_REPAIRS};
use moments_web::ui::{Sink, UiEvent};
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;
use web_sys::{Document, Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

// ---------------------------------------------------------------- helpers

fn doc() -> Document {
    web_sys::window().unwrap().document().unwrap()
}

fn body() -> HtmlElement {
    doc().body().unwrap()
}

fn q(sel: &str) -> Element {
    doc().query_selector(sel).unwrap().unwrap_or_else(|| panic!("no {sel}"))
}

/// Puts `html` in a fixture container at the start of the body (the test runner keeps its own
/// output further down) and returns the body's HTML.
fn fixture(html: &str) -> String {
    let d = doc();
    let fx = d.get_element_by_id("fixture").unwrap_or_else(|| {
        let el = d.create_element("div").unwrap();
        el.set_id("fixture");
        body().prepend_with_node_1(&el).unwrap();
        el
    });
    fx.set_inner_html(html);
    body().inner_html()
}

type Log = Rc<RefCell<Vec<UiEvent>>>;

fn applier() -> (Applier, Log) {
    let log: Log = Rc::default();
    let l = log.clone();
    let sink: Sink = Rc::new(move |e| l.borrow_mut().push(e));
    (Applier::new(sink), log)
}

fn sleep(ms: u32) -> impl Future<Output = ()> {
    struct Sleep(Rc<RefCell<(bool, Option<Waker>)>>, #[allow(dead_code)] Timeout);
    impl Future for Sleep {
        type Output = ();
        fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            let mut s = self.0.borrow_mut();
            if s.0 {
                Poll::Ready(())
            } else {
                s.1 = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
    let st: Rc<RefCell<(bool, Option<Waker>)>> = Rc::default();
    let s2 = st.clone();
    let t = Timeout::new(ms, move || {
        let w = {
            let mut s = s2.borrow_mut();
            s.0 = true;
            s.1.take()
        };
        if let Some(w) = w {
            w.wake();
        }
    });
    Sleep(st, t)
}

fn js(args: &str, body: &str) -> Function {
    Function::new_with_args(args, body)
}

fn replace(sel: &str, content: &str, html: bool) -> Action {
    Action::Replace { selector: sel.into(), content: content.into(), html }
}

fn prompt(layout: Layout, title: &str) -> Action {
    Action::Prompt(Box::new(Prompt {
        layout,
        title: title.into(),
        body: format!("Body of {title} <b>not bold</b>"),
        image: None,
        cta: Some(Cta { label: "Go".into(), href: Some("#go".into()) }),
        dismiss: None,
        flow: None,
    }))
}

fn applied(log: &Log, kind: &str) -> Vec<u32> {
    log.borrow()
        .iter()
        .filter_map(|e| match e {
            UiEvent::Applied { kind: k, elements, .. } if *k == kind => Some(*elements),
            _ => None,
        })
        .collect()
}

// ---------------------------------------------------------------- actions

const PAGE: &str = r#"<div id="fx"><h1 id="a" class="x  y">Hello <b id="w">world</b></h1>
<p id="b" style="color: red">Body text</p><a id="c" href="/x">link</a>
<span id="d" hidden="">was hidden</span><ul id="e"><li>1</li></ul><div id="slot" class="slot"></div>
<em id="f">plain</em><style>.gone{display:flex}.gone{display:none}</style><div id="g" class="gone">by class</div></div>"#;

#[wasm_bindgen_test]
fn every_action_applies_and_destroy_restores_the_page_exactly() {
    let before = fixture(PAGE);
    let world = q("#w");
    let (mut ap, log) = applier();
    ap.apply(
        "r1",
        &[
            replace("#a", "New <title>", false),
            replace("#b", "<strong>Rich</strong> body", true),
            Action::Insert { selector: "#e".into(), position: Position::Before, html: "<p class=\"i1\">before</p>".into() },
            Action::Insert { selector: "#e".into(), position: Position::After, html: "<p class=\"i2\">after</p>".into() },
            Action::Insert { selector: "#e".into(), position: Position::Prepend, html: "<li class=\"i3\">0</li>".into() },
            Action::Insert { selector: "#e".into(), position: Position::Append, html: "<li class=\"i4\">2</li>".into() },
            Action::Attr { selector: "#c".into(), name: "href".into(), value: "/cart".into() },
            Action::Attr { selector: "#c".into(), name: "data-x".into(), value: "1".into() },
            Action::Class { selector: "#a".into(), add: vec!["hot".into()], remove: vec!["y".into()] },
            Action::Class { selector: "#f".into(), add: vec!["new".into()], remove: vec![] },
            Action::Hide("#b".into()),
            Action::Show("#d".into()),
            Action::Show("#g".into()),
            Action::Emit { name: "hello".into(), props: Value::Null },
        ],
    );
    assert_eq!(q("#a").text_content().unwrap(), "New <title>");
    assert_eq!(q("#a").children().length(), 0, "text is text, never markup");
    assert_eq!(q("#b strong").text_content().unwrap(), "Rich");
    assert_eq!(q("#e").previous_element_sibling().unwrap().class_name(), "i1");
    assert_eq!(q("#e").next_element_sibling().unwrap().class_name(), "i2");
    assert_eq!(q("#e").first_element_child().unwrap().class_name(), "i3");
    assert_eq!(q("#e").last_element_child().unwrap().class_name(), "i4");
    assert_eq!(q("#c").get_attribute("href").as_deref(), Some("/cart"));
    assert_eq!(q("#c").get_attribute("data-x").as_deref(), Some("1"));
    assert!(q("#a").class_list().contains("hot") && !q("#a").class_list().contains("y"));
    assert!(q("#f").class_list().contains("new"));
    let display = |sel: &str| web_sys::window().unwrap().get_computed_style(&q(sel)).unwrap().unwrap().get_property_value("display").unwrap();
    assert_eq!(display("#b"), "none");
    assert_ne!(display("#d"), "none");
    assert!(!q("#d").has_attribute("hidden"));
    assert_eq!(display("#g"), "block", "shown as the element's default display");
    let l = log.borrow();
    assert!(l.iter().any(|e| matches!(e, UiEvent::Emit { name, .. } if name == "hello")));
    drop(l);
    assert_eq!(applied(&log, "replace"), vec![1, 1]);
    assert_eq!(applied(&log, "insert").len(), 4);
    assert_eq!(applied(&log, "hide"), vec![1]);
    assert_eq!(applied(&log, "emit").len(), 1);

    ap.revert_all();
    assert_eq!(body().inner_html(), before, "undo is exact");
    assert!(q("#w") == world, "the original nodes come back, not copies");
}

#[wasm_bindgen_test]
fn revert_page_undoes_and_stops_watching() {
    let before = fixture(PAGE);
    let (mut ap, _log) = applier();
    ap.apply("r", &[replace("#a", "changed", false), Action::Class { selector: ".late".into(), add: vec!["on".into()], remove: vec![] }]);
    assert_eq!(q("#a").text_content().unwrap(), "changed");
    ap.revert_page();
    assert_eq!(body().inner_html(), before);
    ap.apply("r2", &[replace("#f", "again", false)]);
    assert_eq!(q("#f").text_content().unwrap(), "again", "the applier still works after a page change");
    ap.revert_all();
    assert_eq!(body().inner_html(), before);
}

#[wasm_bindgen_test]
fn unsafe_attributes_and_handlers_never_reach_the_page() {
    fixture(PAGE);
    let (mut ap, _log) = applier();
    ap.apply(
        "r",
        &[
            Action::Attr { selector: "#c".into(), name: "href".into(), value: "javascript:alert(1)".into() },
            Action::Attr { selector: "#c".into(), name: "HREF".into(), value: " data:text/html,x".into() },
            Action::Attr { selector: "#c".into(), name: "onclick".into(), value: "alert(1)".into() },
            Action::Insert {
                selector: "#slot".into(),
                position: Position::Append,
                html: "<img id=\"bad\" src=\"/nothing.png\" onerror=\"alert(1)\"><a id=\"bad2\" href=\"javascript:alert(1)\">x</a><script>window.__pwned=1</script>"
                    .into(),
            },
        ],
    );
    assert_eq!(q("#c").get_attribute("href").as_deref(), Some("/x"));
    assert!(!q("#c").has_attribute("onclick"));
    assert!(!q("#bad").has_attribute("onerror"));
    assert!(!q("#bad2").has_attribute("href"));
    assert!(doc().query_selector("#slot script").unwrap().is_none());
    ap.revert_all();
}

#[wasm_bindgen_test]
async fn elements_that_appear_later_get_the_change() {
    let before = fixture(r#"<ul id="list"><li class="card">1</li></ul><div id="lazy"></div>"#);
    let (mut ap, log) = applier();
    ap.apply(
        "r",
        &[
            Action::Class { selector: ".card".into(), add: vec!["sale".into()], remove: vec![] },
            replace("#late-title", "Late, but changed", false),
        ],
    );
    assert_eq!(applied(&log, "class"), vec![1]);
    assert_eq!(applied(&log, "replace"), vec![0], "0 = waiting for the element");
    // The page renders more cards and a lazy section.
    q("#list").insert_adjacent_html("beforeend", r#"<li class="card">2</li><li class="card">3</li>"#).unwrap();
    q("#lazy").set_inner_html(r#"<h2 id="late-title">Loading…</h2>"#);
    sleep(20).await;
    let cards = doc().query_selector_all(".card.sale").unwrap();
    assert_eq!(cards.length(), 3);
    assert_eq!(q("#late-title").text_content().unwrap(), "Late, but changed");
    assert_eq!(applied(&log, "class"), vec![1, 2]);
    assert_eq!(applied(&log, "replace"), vec![0, 1]);
    // Undo covers the late elements too.
    ap.revert_all();
    q("#list").set_inner_html(r#"<li class="card">1</li>"#);
    q("#lazy").set_inner_html("");
    assert_eq!(body().inner_html(), before);
}

#[wasm_bindgen_test]
async fn a_framework_that_overwrites_once_is_overridden_and_undo_gives_its_text_back() {
    fixture(r#"<p id="fw">page v1</p>"#);
    let (mut ap, _log) = applier();
    ap.apply("r", &[replace("#fw", "ours", false)]);
    // The page's framework re-renders the element once, later.
    q("#fw").set_text_content(Some("page v2"));
    sleep(20).await;
    assert_eq!(q("#fw").text_content().unwrap(), "ours", "re-applied");
    ap.revert_all();
    assert_eq!(q("#fw").text_content().unwrap(), "page v2", "the page's latest text comes back");
}

#[wasm_bindgen_test]
async fn a_framework_that_always_overwrites_wins_without_a_fight_loop() {
    let before = fixture(r#"<p id="fw">orig</p><p id="cl" class="a">c</p>"#);
    // A stubborn framework: puts its text and classes back whenever they change.
    let fw = js(
        "el,cl",
        "let n=0,m=0;const mo=new MutationObserver(()=>{if(el.textContent!=='orig'){n++;el.textContent='orig'}\
         if(cl.className!=='a'){m++;cl.className='a'}});\
         mo.observe(document.body,{childList:true,subtree:true,characterData:true,attributes:true});\
         return {n:()=>n,m:()=>m,stop:()=>mo.disconnect()}",
    )
    .call2(&JsValue::NULL, &q("#fw"), &q("#cl"))
    .unwrap();
    let count = |k: &str| Reflect::get(&fw, &k.into()).unwrap().unchecked_into::<Function>().call0(&fw).unwrap().as_f64().unwrap();
    let (mut ap, _log) = applier();
    ap.apply("r", &[replace("#fw", "ours", false), Action::Class { selector: "#cl".into(), add: vec!["b".into()], remove: vec![] }]);
    sleep(100).await;
    let (n, m) = (count("n"), count("m"));
    assert!(n >= 1.0 && n <= f64::from(MAX_REPAIRS) + 1.0, "text overwritten {n} times");
    assert!(m >= 1.0 && m <= f64::from(MAX_REPAIRS) + 1.0, "class overwritten {m} times");
    sleep(100).await;
    assert_eq!((count("n"), count("m")), (n, m), "no more fighting");
    assert_eq!(q("#fw").text_content().unwrap(), "orig", "the page keeps the element");
    Reflect::get(&fw, &"stop".into()).unwrap().unchecked_into::<Function>().call0(&fw).unwrap();
    ap.revert_all();
    assert_eq!(body().inner_html(), before);
}

#[wasm_bindgen_test]
async fn two_rules_on_the_same_element_never_fight_and_undo_in_order() {
    let before = fixture(PAGE);
    let (mut ap, _log) = applier();
    ap.apply("r1", &[replace("#a", "one", false), Action::Attr { selector: "#c".into(), name: "href".into(), value: "/one".into() }]);
    ap.apply("r2", &[replace("#a", "two", false), Action::Attr { selector: "#c".into(), name: "href".into(), value: "/two".into() }]);
    sleep(30).await;
    assert_eq!(q("#a").text_content().unwrap(), "two");
    assert_eq!(q("#c").get_attribute("href").as_deref(), Some("/two"));
    // The same rule firing again with new content replaces its own change.
    ap.apply("r2", &[replace("#a", "three", false)]);
    sleep(30).await;
    assert_eq!(q("#a").text_content().unwrap(), "three");
    ap.revert_all();
    assert_eq!(body().inner_html(), before);
}

#[wasm_bindgen_test]
async fn rules_taking_turns_on_one_element_keep_a_bounded_record_and_undo_to_the_original() {
    let before = fixture(PAGE);
    let (mut ap, _log) = applier();
    // Two rules with templated content (new text each firing) take turns on #a, one on the
    // attribute of #c: the record of changes must not grow with the number of firings.
    for i in 0..200 {
        let n = i.to_string();
        ap.apply("r1", &[replace("#a", &format!("one {n}"), false)]);
        ap.apply("r2", &[replace("#a", &format!("<b>two {n}</b>"), true)]);
        ap.apply(if i % 2 == 0 { "r3" } else { "r4" }, &[Action::Attr { selector: "#c".into(), name: "href".into(), value: format!("/p/{n}") }]);
    }
    sleep(30).await;
    assert_eq!(q("#a").inner_html(), "<b>two 199</b>");
    assert_eq!(q("#c").get_attribute("href").as_deref(), Some("/p/199"));
    assert!(ap.records() <= 12, "{} records after 600 firings", ap.records());
    ap.revert_all();
    assert_eq!(body().inner_html(), before);
}

#[wasm_bindgen_test]
async fn a_rule_firing_again_replaces_what_it_inserted_and_keeps_its_other_inserts() {
    let before = fixture(PAGE);
    let (mut ap, _log) = applier();
    let ins = |html: &str| Action::Insert { selector: "#b".into(), position: Position::After, html: html.into() };
    for i in 0..20 {
        // A static insert before and after a templated one, all in the same place.
        ap.apply("r", &[ins("<i class=\"s1\">static</i>"), ins(&format!("<i class=\"t\">{i}</i>")), ins("<i class=\"s2\">static</i>")]);
        ap.apply("other", &[ins("<i class=\"o\">other rule</i>")]);
    }
    sleep(30).await;
    let count = |sel: &str| doc().query_selector_all(sel).unwrap().length();
    assert_eq!((count("i.s1"), count("i.t"), count("i.s2"), count("i.o")), (1, 1, 1, 1));
    assert_eq!(q("i.t").text_content().unwrap(), "19");
    assert!(ap.records() <= 10, "{} records", ap.records());
    ap.revert_all();
    assert_eq!(body().inner_html(), before);
}

// ---------------------------------------------------------------- prompts (the bridge)
// Rendering, keyboard use, the queue and flows are JavaScript (pkg-config/prompt.js), tested end
// to end in tests/e2e/prompts.test.mjs. Here: what crosses to the renderer, and how its reports
// come back.

fn flow_prompt() -> Action {
    let b = |label: &str, target: ButtonTarget| FlowButton { label: label.into(), target };
    Action::Prompt(Box::new(Prompt {
        layout: Layout::Modal,
        title: "Flow".into(),
        body: String::new(),
        image: Some("javascript:alert(1)".into()),
        cta: Some(Cta { label: "Shop".into(), href: Some("javascript:alert(2)".into()) }),
        dismiss: Some("Later".into()),
        flow: Some(Flow {
            start: "q1".into(),
            nodes: vec![
                FlowNode {
                    id: "fit".into(),
                    text: "Go half a size up.".into(),
                    buttons: vec![
                        b("Thanks", ButtonTarget::Emit { name: "size_advice".into(), props: Value::Null }),
                        b("10% off", ButtonTarget::Do(vec![replace("#promo", "STAY10", false)])),
                    ],
                },
                FlowNode {
                    id: "q1".into(),
                    text: "What do you need?".into(),
                    buttons: vec![
                        b("Size help", ButtonTarget::Next("fit".into())),
                        b("Size guide", ButtonTarget::Href("/guide?a=1&b=\"2\"".into())),
                        b("Bad link", ButtonTarget::Href(" java\tscript:alert(3)".into())),
                    ],
                },
            ],
        }),
    }))
}

#[wasm_bindgen_test]
fn prompts_reach_the_renderer_vetted_and_its_reports_come_back_as_ui_events() {
    let (mut ap, log) = applier();
    let sent = js_sys::Array::new();
    let s2 = sent.clone();
    let f = Closure::<dyn FnMut(String, String)>::new(move |name: String, json: String| {
        assert_eq!(name, "", "the renderer's channel");
        s2.push(&js_sys::JSON::parse(&json).unwrap());
    });
    ap.set_prompt_ui(f.as_ref().unchecked_ref::<Function>().clone());
    ap.set_priorities(vec![("low".into(), 1), ("high".into(), 9)]);
    ap.apply("flow", &[flow_prompt()]);
    ap.apply("flow", &[flow_prompt()]);
    ap.apply("low", &[prompt(Layout::Modal, "Low")]);
    ap.apply("high", &[prompt(Layout::Modal, "High")]);
    ap.apply("toast", &[prompt(Layout::Toast, "Toast")]);
    assert_eq!(applied(&log, "prompt"), vec![1, 0, 0, 0, 1], "shown now, ignored (twice), queued, queued, shown now");
    assert_eq!(sent.length(), 4, "a rule is never sent twice");
    let json = js_sys::JSON::stringify(&sent.get(0)).unwrap().as_string().unwrap();
    assert!(!json.contains("javascript") && !json.contains("java\\tscript") && !json.contains("alert"), "no unsafe URL crosses: {json}");
    let want = r#"{"rule":"flow","priority":0,"layout":"modal","title":"Flow","body":"","image":null,"cta":{"label":"Shop","href":null},"dismiss":"Later","flow":{"start":1,"nodes":[{"text":"Go half a size up.","buttons":[{"label":"Thanks"},{"label":"10% off"}]},{"text":"What do you need?","buttons":[{"label":"Size help","next":0},{"label":"Size guide","href":"/guide?a=1&b=\"2\""},{"label":"Bad link","href":null}]}]}}"#;
    assert_eq!(json, want);
    let prio = |i: u32| Reflect::get(&sent.get(i), &"priority".into()).unwrap().as_f64().unwrap();
    assert_eq!((prio(1), prio(2)), (1.0, 9.0), "priorities go with the prompts");

    // Reports: indices only; labels, node ids and actions are looked up here.
    ap.prompt_report("s", "flow", 0, 0);
    ap.prompt_report("b", "flow", 1, 0);
    ap.prompt_report("b", "flow", 0, 1);
    ap.prompt_report("b", "flow", 0, 0);
    ap.prompt_report("b", "flow", 7, 7); // out of range: nothing
    ap.prompt_report("c", "flow", 0, 0);
    ap.prompt_report("z", "flow", 0, 0);
    ap.prompt_report("s", "high", 0, 0);
    ap.prompt_report("x", "high", 0, 0);
    ap.prompt_report("x", "nobody", 0, 0);
    let got: Vec<String> = log
        .borrow()
        .iter()
        .filter_map(|e| match e {
            UiEvent::PromptShown { rule } => Some(format!("shown {rule}")),
            UiEvent::PromptDismissed { rule } => Some(format!("dismissed {rule}")),
            UiEvent::PromptClicked { rule, label } => Some(format!("clicked {rule} {label}")),
            UiEvent::FlowAnswer { rule, node, answer } => Some(format!("answer {rule} {node} {answer}")),
            UiEvent::Emit { name, .. } => Some(format!("emit {name}")),
            UiEvent::Apply { rule, actions } => Some(format!("apply {rule} {}", actions.len())),
            _ => None,
        })
        .collect();
    assert_eq!(
        got,
        [
            "shown flow",
            "answer flow q1 Size help",
            "answer flow fit 10% off",
            "apply flow 1",
            "answer flow fit Thanks",
            "emit size_advice",
            "clicked flow Shop",
            "shown high",
            "dismissed high",
        ]
    );
    // A closed rule may show again; closing everything tells the renderer once.
    ap.apply("flow", &[flow_prompt()]);
    assert_eq!(sent.length(), 5);
    ap.revert_all();
    ap.revert_all();
    assert_eq!(sent.length(), 6);
    assert_eq!(js_sys::JSON::stringify(&sent.get(5)).unwrap().as_string().unwrap(), r#"{"close":true}"#);
}

// ---------------------------------------------------------------- styles under CSP

#[wasm_bindgen_test]
fn without_constructable_stylesheets_a_style_element_carries_the_nonce() {
    fixture(r#"<script type="text/x-none" nonce="n0nce" src="/x/moments.js"></script>"#);
    let hide = js(
        "",
        "const d=Object.getOwnPropertyDescriptor(Document.prototype,'adoptedStyleSheets');\
         delete Document.prototype.adoptedStyleSheets;\
         return ()=>{Object.defineProperty(Document.prototype,'adoptedStyleSheets',d)}",
    );
    let restore: Function = hide.call0(&JsValue::NULL).unwrap().unchecked_into();
    let p = prehide(&["#x".into()]);
    restore.call0(&JsValue::NULL).unwrap();
    assert!(p.active());
    let style: HtmlElement = q("head style[nonce]").dyn_into().unwrap();
    assert_eq!(style.nonce(), "n0nce", "pre-hide fell back to <style nonce>");
    drop(p);
    assert!(doc().query_selector("head style[nonce]").unwrap().is_none());
    fixture("");
}

// ---------------------------------------------------------------- pre-hiding

fn opacity(sel: &str) -> String {
    web_sys::window().unwrap().get_computed_style(&q(sel)).unwrap().unwrap().get_property_value("opacity").unwrap()
}

#[wasm_bindgen_test]
fn prehide_hides_until_released_by_the_first_decisions() {
    fixture(r#"<h1 id="hero">Hi</h1><p id="other">x</p>"#);
    let sheets = doc().adopted_style_sheets().length();
    let p = prehide(&["#hero".into(), "not a [valid selector".into(), "#nothing".into()]);
    assert_eq!(opacity("#hero"), "0");
    assert_eq!(opacity("#other"), "1");
    assert_eq!(doc().adopted_style_sheets().length(), sheets + 1, "one stylesheet");
    let (mut ap, _log) = applier();
    ap.set_prehide(p);
    ap.apply("r", &[replace("#hero", "Hello", false)]);
    assert_eq!(opacity("#hero"), "1", "released after applying");
    assert_eq!(doc().adopted_style_sheets().length(), sheets);
    ap.revert_all();
}

#[wasm_bindgen_test]
async fn prehide_releases_itself_after_a_safety_timeout() {
    fixture(r#"<h1 id="hero">Hi</h1>"#);
    let p = prehide(&["#hero".into()]);
    assert_eq!(opacity("#hero"), "0");
    sleep(moments_web::dom::PREHIDE_MS + 200).await;
    assert_eq!(opacity("#hero"), "1");
    assert!(!p.active());
}
