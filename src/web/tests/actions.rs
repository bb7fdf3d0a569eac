//! The bridges to the page's JavaScript, in a real browser (headless Chromium, via
//! wasm-bindgen-test-runner): what element actions send to the DOM applier and how its answers
//! become `action` events, what `attr_ok` (which the applier asks) lets through, what prompts send
//! to their renderer and how its reports come back. The applier and the renderer themselves are
//! JavaScript, tested end to end: tests/e2e/dom.test.mjs, actions.test.mjs, prompts.test.mjs.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Function, Reflect};
use moments_engine::action::{Action, ButtonTarget, Cta, Flow, FlowButton, FlowNode, Layout, Position, Prompt};
use moments_engine::Value;
use moments_web::dom::{attr_ok, Applier};
use moments_web::ui::{Sink, UiEvent};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

// ---------------------------------------------------------------- helpers

type Log = Rc<RefCell<Vec<UiEvent>>>;

fn applier() -> (Applier, Log) {
    let log: Log = Rc::default();
    let l = log.clone();
    let sink: Sink = Rc::new(move |e| l.borrow_mut().push(e));
    (Applier::new(sink), log)
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

/// An `emit` stand-in that records the messages of the empty channel as JSON text, and answers
/// those to the DOM applier (arrays) with `answer(message)`.
fn channel(sent: &Array, answer: &str) -> Function {
    let make = format!("return (name,json)=>{{if(name!=='')throw 'wrong channel';sent.push(json);if(json[0]==='[')return ({answer})(JSON.parse(json))}}");
    Function::new_with_args("sent", &make).call1(&JsValue::NULL, sent).unwrap().unchecked_into()
}

fn texts(sent: &Array) -> Vec<String> {
    sent.iter().filter_map(|v| v.as_string()).collect()
}

// ---------------------------------------------------------------- element actions (the bridge)

#[wasm_bindgen_test]
fn element_actions_reach_the_applier_in_order_and_its_answers_become_action_events() {
    let (mut ap, log) = applier();
    let sent = Array::new();
    // Answers with the selector's length, and nothing for "bad" (a selector the browser refused).
    ap.set_prompt_ui(channel(&sent, "m=>m[2]==='bad'?undefined:m[2].length"));
    ap.prehide(&[]);
    assert_eq!(sent.length(), 0, "nothing to pre-hide: nothing sent");
    ap.prehide(&["#hero".into(), "a[x=\"}\"]".into()]);
    ap.apply(
        "r1",
        &[
            replace("#a", "New <title>", false),
            Action::Emit { name: "hello".into(), props: Value::Null },
            replace("#bb", "<b>Rich</b>", true),
            Action::Insert { selector: "#ccc".into(), position: Position::Before, html: "<p>x</p>".into() },
            Action::Attr { selector: "#dddd".into(), name: "href".into(), value: "/cart".into() },
            Action::Class { selector: "#eeeee".into(), add: vec!["hot".into()], remove: vec!["y".into(), "z".into()] },
            Action::Hide("bad".into()),
            Action::Show("#f".into()),
        ],
    );
    // The next firing has the next number (the applier tells a rule's new firing from its own).
    ap.apply("r1", &[replace("#a", "Again", false)]);
    ap.release_prehide();
    ap.revert_page();
    ap.revert_all();
    assert_eq!(
        texts(&sent),
        [
            r##"[2,"#hero","a[x=\"}\"]"]"##,
            r##"["replace","r1","#a","New <title>",false,1]"##,
            r##"["replace","r1","#bb","<b>Rich</b>",true,1]"##,
            r##"["insert","r1","#ccc","<p>x</p>","before",1]"##,
            r##"["attr","r1","#dddd","href","/cart",1]"##,
            r##"["class","r1","#eeeee",["hot"],["y","z"],1]"##,
            r##"["hide","r1","bad",null,null,1]"##,
            r##"["show","r1","#f",null,null,1]"##,
            r##"["replace","r1","#a","Again",false,2]"##,
            "[3]",
            "[0]",
            "[1]",
        ]
    );
    let got: Vec<String> = log
        .borrow()
        .iter()
        .map(|e| match e {
            UiEvent::Applied { rule, kind, elements } => format!("{rule} {kind} {elements}"),
            UiEvent::Emit { name, .. } => format!("emit {name}"),
            e => format!("{e:?}"),
        })
        .collect();
    assert_eq!(
        got,
        ["r1 replace 2", "r1 emit 0", "emit hello", "r1 replace 3", "r1 insert 4", "r1 attr 5", "r1 class 6", "r1 show 2", "r1 replace 2"],
        "in the actions' order; no event for the refused selector"
    );
}

#[wasm_bindgen_test]
fn without_element_actions_nothing_is_sent_to_the_applier() {
    let (mut ap, log) = applier();
    let sent = Array::new();
    ap.set_prompt_ui(channel(&sent, "m=>1"));
    ap.apply("e", &[Action::Emit { name: "x".into(), props: Value::Null }]);
    ap.release_prehide();
    ap.revert_page();
    ap.revert_all();
    assert_eq!(sent.length(), 0, "{:?}", texts(&sent));
    assert_eq!(applied(&log, "emit"), vec![0]);
}

#[wasm_bindgen_test]
fn attr_ok_refuses_handlers_srcdoc_and_unsafe_urls_and_styles() {
    for (name, value, img) in [
        ("href", "/cart", false),
        ("HREF", "https://shop.example/x?a=1", false),
        ("title", "javascript:alert(1)", false),
        ("data-x", "1", false),
        ("src", "data:image/png;base64,AAAA", true),
        ("srcset", "/a.png 1x, /b.png 2x", false),
        ("style", "color: red", false),
        ("style", "background: url(/a.png)", false),
    ] {
        assert!(attr_ok(name, value, img), "{name}={value} is fine");
    }
    for (name, value, img) in [
        ("onclick", "alert(1)", false),
        ("ONerror", "x", true),
        ("srcdoc", "<b>x</b>", false),
        ("href", "javascript:alert(1)", false),
        ("HREF", " data:text/html,x", false),
        ("href", "java\tscript:alert(1)", false),
        ("href", "&#106;avascript:alert(1)", false),
        ("src", "data:image/png;base64,AAAA", false),
        ("src", "data:image/svg+xml,<svg onload=alert(1)>", true),
        ("formaction", "javascript:x", false),
        ("xlink:href", "vbscript:x", false),
        ("srcset", "/a.png 1x, javascript:x 2x", true),
        ("style", "background: url(javascript:alert(1))", false),
        ("style", "width: expression(alert(1))", false),
        ("style", "x: \\61", false),
    ] {
        assert!(!attr_ok(name, value, img), "{name}={value} is refused");
    }
    // The same, as JavaScript asks it (`call` kind 14).
    assert_eq!(moments_web::call(0, 14, "href", "/x", 0, 0), "1");
    assert_eq!(moments_web::call(0, 14, "href", "javascript:x", 0, 0), "");
    assert_eq!(moments_web::call(0, 14, "src", "data:image/gif;base64,R0", 1, 0), "1");
    assert_eq!(moments_web::call(0, 14, "src", "data:image/gif;base64,R0", 0, 0), "");
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
    let sent = Array::new();
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
