//! Actions and prompts in a real browser (headless Chromium, via wasm-bindgen-test-runner): every
//! action applied and undone exactly, late elements, a framework that overwrites, prompts of each
//! layout, keyboard use, the modal queue, guided conversations, pre-hiding.
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
use web_sys::{Document, Element, HtmlElement, ShadowRoot};

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

fn hosts() -> Vec<Element> {
    let list = doc().query_selector_all("moments-prompt").unwrap();
    (0..list.length()).map(|i| list.item(i).unwrap().dyn_into().unwrap()).collect()
}

fn shadow(host: &Element) -> ShadowRoot {
    host.shadow_root().expect("an open shadow root")
}

fn sq(root: &ShadowRoot, sel: &str) -> HtmlElement {
    root.query_selector(sel).unwrap().unwrap_or_else(|| panic!("no {sel} in the prompt")).dyn_into().unwrap()
}

/// The element focused inside the first prompt's shadow root, if focus is there.
fn focused_in(root: &ShadowRoot) -> Option<Element> {
    root.active_element()
}

fn key(target: &JsValue, key: &str, shift: bool) {
    js(
        "el,key,shift",
        "el.dispatchEvent(new KeyboardEvent('keydown',{key,shiftKey:shift,bubbles:true,composed:true,cancelable:true}))",
    )
    .call3(&JsValue::NULL, target, &key.into(), &shift.into())
    .unwrap();
}

/// A click that runs handlers but never navigates the test page.
fn click(el: &Element) {
    js(
        "el",
        "const f=(e)=>e.preventDefault();document.addEventListener('click',f,true);\
         try{el.dispatchEvent(new MouseEvent('click',{bubbles:true,composed:true,cancelable:true}))}\
         finally{document.removeEventListener('click',f,true)}",
    )
    .call1(&JsValue::NULL, el)
    .unwrap();
}

fn shown(log: &Log) -> Vec<String> {
    log.borrow()
        .iter()
        .filter_map(|e| match e {
            UiEvent::PromptShown { rule } => Some(rule.clone()),
            _ => None,
        })
        .collect()
}

fn dismissed(log: &Log) -> Vec<String> {
    log.borrow()
        .iter()
        .filter_map(|e| match e {
            UiEvent::PromptDismissed { rule } => Some(rule.clone()),
            _ => None,
        })
        .collect()
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

// ---------------------------------------------------------------- prompts

#[wasm_bindgen_test]
fn each_layout_renders_accessibly_in_a_shadow_root() {
    let before = fixture(r#"<p>page</p>"#);
    let (mut ap, log) = applier();
    for (i, layout) in [Layout::Modal, Layout::Banner, Layout::Toast, Layout::SlideIn].into_iter().enumerate() {
        ap.apply(&format!("p{i}"), &[prompt(layout, layout.as_str())]);
    }
    let hs = hosts();
    assert_eq!(hs.len(), 4, "one of each layout at once");
    assert_eq!(shown(&log), vec!["p0", "p1", "p2", "p3"]);
    for (h, layout) in hs.iter().zip(["modal", "banner", "toast", "slide-in"]) {
        let root = shadow(h);
        let panel = sq(&root, "[role=dialog]");
        assert!(panel.class_list().contains(layout));
        assert_eq!(panel.get_attribute("aria-modal").as_deref(), (layout == "modal").then_some("true"));
        let title = root.get_element_by_id(&panel.get_attribute("aria-labelledby").unwrap()).unwrap();
        assert_eq!(title.text_content().unwrap(), layout);
        let desc = root.get_element_by_id(&panel.get_attribute("aria-describedby").unwrap()).unwrap();
        assert_eq!(desc.text_content().unwrap(), format!("Body of {layout} <b>not bold</b>"), "escaped");
        assert_eq!(sq(&root, "button.x").get_attribute("aria-label").as_deref(), Some("Close"));
        assert_eq!(sq(&root, "a.c").get_attribute("href").as_deref(), Some("#go"));
        assert_eq!(sq(&root, "button.n").text_content().as_deref(), Some("No thanks"));
        assert_eq!(root.adopted_style_sheets().length(), 1, "styled by a constructed stylesheet");
        let font = web_sys::window().unwrap().get_computed_style(&panel).unwrap().unwrap().get_property_value("position").unwrap();
        assert_eq!(font, "fixed");
    }
    // The modal took focus.
    assert!(focused_in(&shadow(&hs[0])).is_some());
    ap.revert_all();
    assert!(hosts().is_empty());
    assert!(dismissed(&log).is_empty(), "closing by destroy is not a shopper's dismissal");
    assert_eq!(body().inner_html(), before);
}

#[wasm_bindgen_test]
fn prompt_image_cta_and_dismiss_label() {
    fixture("");
    let (mut ap, log) = applier();
    ap.apply(
        "img",
        &[Action::Prompt(Box::new(Prompt {
            layout: Layout::SlideIn,
            title: "T".into(),
            body: "B".into(),
            image: Some("/shoe.png".into()),
            cta: Some(Cta { label: "Shop".into(), href: Some("javascript:alert(1)".into()) }),
            dismiss: Some("Later".into()),
            flow: None,
        }))],
    );
    let root = shadow(&hosts()[0]);
    let img = sq(&root, "img");
    assert_eq!(img.get_attribute("alt").as_deref(), Some(""));
    assert_eq!(img.get_attribute("src").as_deref(), Some("/shoe.png"));
    assert!(root.query_selector("a").unwrap().is_none(), "an unsafe CTA link becomes a plain button");
    assert_eq!(sq(&root, "button.n").text_content().as_deref(), Some("Later"));
    assert!(focused_in(&root).is_none(), "a slide-in does not take focus");
    click(&sq(&root, ".c"));
    assert!(log.borrow().iter().any(|e| matches!(e, UiEvent::PromptClicked { rule, label } if rule == "img" && label == "Shop")));
    assert!(hosts().is_empty(), "the CTA closes the prompt");
    assert!(dismissed(&log).is_empty());
    ap.revert_all();
}

#[wasm_bindgen_test]
fn modal_keyboard_focus_trap_escape_and_focus_return() {
    fixture(r##"<button id="opener">open</button><a href="#x" id="other">other</a>"##);
    let opener: HtmlElement = q("#opener").dyn_into().unwrap();
    opener.focus().unwrap();
    let (mut ap, log) = applier();
    ap.apply("m", &[prompt(Layout::Modal, "Modal")]);
    let host = hosts()[0].clone();
    let root = shadow(&host);
    assert_eq!(doc().active_element().unwrap(), host, "focus moved into the prompt");
    assert_eq!(focused_in(&root).unwrap(), sq(&root, "[role=dialog]").into());
    let list = root.query_selector_all("a[href],button").unwrap();
    let (first, last): (HtmlElement, HtmlElement) =
        (list.item(0).unwrap().dyn_into().unwrap(), list.item(list.length() - 1).unwrap().dyn_into().unwrap());
    // Shift-Tab from the dialog itself goes to the last control, Tab from the last to the first.
    key(&focused_in(&root).unwrap(), "Tab", true);
    assert_eq!(focused_in(&root).unwrap(), last.clone().into());
    key(&last, "Tab", false);
    assert_eq!(focused_in(&root).unwrap(), first.clone().into());
    key(&first, "Tab", true);
    assert_eq!(focused_in(&root).unwrap(), last.into());
    // Esc closes, reports a dismissal and gives focus back.
    key(&focused_in(&root).unwrap(), "Escape", false);
    assert!(hosts().is_empty());
    assert_eq!(dismissed(&log), vec!["m"]);
    assert_eq!(doc().active_element().unwrap(), opener.clone().into(), "focus went back");
    // The close button and the backdrop dismiss too.
    ap.apply("m2", &[prompt(Layout::Modal, "Again")]);
    click(&sq(&shadow(&hosts()[0]), "button.x"));
    ap.apply("m3", &[prompt(Layout::Modal, "Backdrop")]);
    click(&sq(&shadow(&hosts()[0]), ".bd"));
    assert_eq!(dismissed(&log), vec!["m", "m2", "m3"]);
    assert!(hosts().is_empty());
    ap.revert_all();
}

#[wasm_bindgen_test]
fn never_two_modals_a_queue_by_priority_and_no_rule_twice() {
    fixture(r#"<button id="opener">open</button>"#);
    let opener: HtmlElement = q("#opener").dyn_into().unwrap();
    opener.focus().unwrap();
    let (mut ap, log) = applier();
    ap.set_priorities(vec![("low".into(), 1), ("mid".into(), 5), ("high".into(), 9)]);
    ap.apply("first", &[prompt(Layout::Modal, "First")]);
    ap.apply("first", &[prompt(Layout::Modal, "First again")]);
    ap.apply("low", &[prompt(Layout::Modal, "Low")]);
    ap.apply("mid", &[prompt(Layout::Modal, "Mid")]);
    ap.apply("high", &[prompt(Layout::Modal, "High")]);
    ap.apply("mid", &[prompt(Layout::Modal, "Mid twice")]);
    assert_eq!(hosts().len(), 1, "never two modals");
    assert_eq!(applied(&log, "prompt"), vec![1, 0, 0, 0, 0, 0]);
    let title = |h: &Element| sq(&shadow(h), "h2").text_content().unwrap();
    assert_eq!(title(&hosts()[0]), "First");
    for want in ["High", "Mid", "Low"] {
        key(&focused_in(&shadow(&hosts()[0])).unwrap(), "Escape", false);
        assert_eq!(hosts().len(), 1);
        assert_eq!(title(&hosts()[0]), want);
        assert!(focused_in(&shadow(&hosts()[0])).is_some(), "the next modal has focus");
    }
    key(&focused_in(&shadow(&hosts()[0])).unwrap(), "Escape", false);
    assert!(hosts().is_empty());
    assert_eq!(shown(&log), vec!["first", "high", "mid", "low"]);
    assert_eq!(doc().active_element().unwrap(), opener.into(), "focus back on the page after the last one");
    ap.revert_all();
}

#[wasm_bindgen_test]
async fn a_toast_goes_away_by_itself_but_not_while_hovered() {
    fixture("");
    let (mut ap, log) = applier();
    ap.apply("t", &[prompt(Layout::Toast, "Toast")]);
    let host = hosts()[0].clone();
    assert_ne!(doc().active_element(), Some(host.clone()), "a toast does not take focus");
    js("el", "el.dispatchEvent(new MouseEvent('mouseenter'))").call1(&JsValue::NULL, &host).unwrap();
    sleep(moments_web::prompt::TOAST_MS + 300).await;
    assert_eq!(hosts().len(), 1, "paused while hovered");
    js("el", "el.dispatchEvent(new MouseEvent('mouseleave'))").call1(&JsValue::NULL, &host).unwrap();
    sleep(moments_web::prompt::TOAST_MS + 300).await;
    assert!(hosts().is_empty(), "gone after the delay");
    assert!(dismissed(&log).is_empty(), "going away by itself is not a dismissal");
    ap.revert_all();
}

fn flow_prompt() -> Action {
    let b = |label: &str, target: ButtonTarget| FlowButton { label: label.into(), target };
    Action::Prompt(Box::new(Prompt {
        layout: Layout::Modal,
        title: "Did we answer your question?".into(),
        body: String::new(),
        image: None,
        cta: None,
        dismiss: None,
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
                        b("Size guide", ButtonTarget::Href("#guide".into())),
                        b("Chat", ButtonTarget::Emit { name: "chat_requested".into(), props: Value::Null }),
                    ],
                },
            ],
        }),
    }))
}

#[wasm_bindgen_test]
fn a_flow_navigates_reports_answers_and_hands_actions_back() {
    fixture(r#"<p id="promo">none</p>"#);
    let (mut ap, log) = applier();
    ap.apply("flow", &[flow_prompt()]);
    let root = shadow(&hosts()[0]);
    assert_eq!(sq(&root, "#q").text_content().unwrap(), "What do you need?", "starts at `start`");
    assert_eq!(sq(&root, "[role=dialog]").get_attribute("aria-describedby").as_deref(), Some("q"));
    let buttons = root.query_selector_all(".bs .b").unwrap();
    assert_eq!(buttons.length(), 3);
    assert_eq!(sq(&root, "a.b").get_attribute("href").as_deref(), Some("#guide"), "an href button is a real link");
    // `next`: the new node's text, focused; a Back button.
    click(&buttons.item(0).unwrap().dyn_into().unwrap());
    assert_eq!(sq(&root, "#q").text_content().unwrap(), "Go half a size up.");
    assert_eq!(focused_in(&root).unwrap(), sq(&root, "#q").into());
    assert!(log.borrow().iter().any(|e| matches!(e, UiEvent::FlowAnswer { rule, node, answer } if rule == "flow" && node == "q1" && answer == "Size help")));
    click(&sq(&root, "[data-a=k]"));
    assert_eq!(sq(&root, "#q").text_content().unwrap(), "What do you need?");
    assert!(root.query_selector("[data-a=k]").unwrap().is_none(), "no Back at the start");
    click(&sq(&root, "button[data-i='0']"));
    // `do`: the prompt closes, the actions go back to the runtime.
    click(&sq(&root, "button[data-i='1']"));
    assert!(hosts().is_empty());
    let apply = log.borrow().iter().find_map(|e| match e {
        UiEvent::Apply { rule, actions } => Some((rule.clone(), actions.clone())),
        _ => None,
    });
    assert_eq!(apply, Some(("flow".to_string(), vec![replace("#promo", "STAY10", false)])));
    assert!(log.borrow().iter().any(|e| matches!(e, UiEvent::FlowAnswer { node, answer, .. } if node == "fit" && answer == "10% off")));
    // `emit`.
    ap.apply("flow2", &[flow_prompt()]);
    click(&sq(&shadow(&hosts()[0]), "button[data-i='2']"));
    assert!(log.borrow().iter().any(|e| matches!(e, UiEvent::Emit { name, .. } if name == "chat_requested")));
    assert!(hosts().is_empty());
    assert!(dismissed(&log).is_empty());
    ap.revert_all();
}

#[wasm_bindgen_test]
fn keyboard_tab_inside_a_flow_modal() {
    fixture("");
    let (mut ap, _log) = applier();
    ap.apply("flow", &[flow_prompt()]);
    let root = shadow(&hosts()[0]);
    click(&sq(&root, "button[data-i='0']"));
    // Focus is on the node text; the last control is Back, and Tab from it wraps to the first.
    assert_eq!(focused_in(&root).unwrap().id(), "q");
    let back = sq(&root, "[data-a=k]");
    back.focus().unwrap();
    key(&back, "Tab", false);
    assert_eq!(focused_in(&root).unwrap().get_attribute("aria-label").as_deref(), Some("Close"));
    ap.revert_all();
}

// ---------------------------------------------------------------- styles under CSP

#[wasm_bindgen_test]
fn without_constructable_stylesheets_a_style_element_carries_the_nonce() {
    fixture(r#"<script type="text/x-none" nonce="n0nce" src="/x/moments.js"></script>"#);
    let hide = js(
        "",
        "const d=Object.getOwnPropertyDescriptor(Document.prototype,'adoptedStyleSheets'),\
         s=Object.getOwnPropertyDescriptor(ShadowRoot.prototype,'adoptedStyleSheets');\
         delete Document.prototype.adoptedStyleSheets;delete ShadowRoot.prototype.adoptedStyleSheets;\
         return ()=>{Object.defineProperty(Document.prototype,'adoptedStyleSheets',d);Object.defineProperty(ShadowRoot.prototype,'adoptedStyleSheets',s)}",
    );
    let restore: Function = hide.call0(&JsValue::NULL).unwrap().unchecked_into();
    let (mut ap, _log) = applier();
    ap.apply("p", &[prompt(Layout::Banner, "Fallback")]);
    let root = shadow(&hosts()[0]);
    let style = sq(&root, "style");
    let p = prehide(&["#x".into()]);
    restore.call0(&JsValue::NULL).unwrap();
    assert_eq!(style.nonce(), "n0nce");
    assert!(style.text_content().unwrap().contains(":host{all:initial}"));
    assert!(p.active());
    assert!(doc().query_selector("head style[nonce]").unwrap().is_some(), "pre-hide fell back to <style nonce>");
    drop(p);
    assert!(doc().query_selector("head style[nonce]").unwrap().is_none());
    ap.revert_all();
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
