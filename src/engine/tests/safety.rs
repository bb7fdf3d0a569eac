//! Safety of what actions put on the page: every payload of `tests/xss/payloads.txt` through the
//! sanitizer and through every text, HTML and URL field of the actions, checked by an independent
//! strict re-tokenizer of the output; positive cases; a fuzzer.

mod common;
use common::Rng;
use moments_engine::action::{Action, ButtonTarget, Cta, Flow, FlowButton, FlowNode, Layout, Position, Prompt};
use moments_engine::json::Value;
use moments_engine::sanitize::{is_safe_style, safe_image_url, sanitize_html};
use moments_engine::template::{escape_html, escape_value, render_actions, render_html, render_text, safe_url};

const CORPUS: &str = include_str!("../../../tests/xss/payloads.txt");

fn payloads() -> Vec<&'static str> {
    CORPUS.lines().filter(|l| !l.starts_with('#')).collect()
}

// ---------------------------------------------------------------- the independent checker

const KEPT: &[&str] = &[
    "a",
    "abbr",
    "article",
    "aside",
    "b",
    "blockquote",
    "br",
    "button",
    "caption",
    "code",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "nav",
    "ol",
    "p",
    "picture",
    "pre",
    "q",
    "s",
    "section",
    "small",
    "source",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
];
const VOID: &[&str] = &["br", "hr", "img", "source"];
const URL_ATTRS: &[&str] =
    &["href", "src", "srcset", "action", "formaction", "xlink:href", "data", "poster", "background", "cite", "ping"];

/// Decodes character references the way a browser would, and then some (repeatedly).
fn decode(s: &str) -> String {
    let mut cur = s.to_string();
    for _ in 0..4 {
        let mut out = String::new();
        let mut rest = cur.as_str();
        while let Some(p) = rest.find('&') {
            out.push_str(&rest[..p]);
            rest = &rest[p + 1..];
            if let Some(r) = rest.strip_prefix('#') {
                let (hex, r) = match r.strip_prefix(['x', 'X']) {
                    Some(r) => (true, r),
                    None => (false, r),
                };
                let n = r.chars().take_while(|c| c.is_digit(if hex { 16 } else { 10 })).count();
                if n > 0 {
                    let v = u32::from_str_radix(&r[..n.min(8)], if hex { 16 } else { 10 }).unwrap_or(0xfffd);
                    out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
                    rest = r[n..].strip_prefix(';').unwrap_or(&r[n..]);
                    continue;
                }
            }
            let named = [
                ("amp;", '&'),
                ("lt;", '<'),
                ("gt;", '>'),
                ("quot;", '"'),
                ("apos;", '\''),
                ("colon;", ':'),
                ("tab;", '\t'),
                ("newline;", '\n'),
                ("lpar;", '('),
                ("rpar;", ')'),
                ("sol;", '/'),
                ("bsol;", '\\'),
            ];
            if let Some((k, c)) =
                named.iter().find(|(k, _)| rest.get(..k.len()).is_some_and(|r| r.eq_ignore_ascii_case(k)))
            {
                out.push(*c);
                rest = &rest[k.len()..];
                continue;
            }
            out.push('&');
        }
        out.push_str(rest);
        if out == cur {
            break;
        }
        cur = out;
    }
    cur
}

/// Lowercased, entity-decoded, with whitespace, control and invisible characters removed.
fn squash(s: &str) -> String {
    decode(s)
        .chars()
        .filter(|c| {
            !c.is_whitespace()
                && !c.is_control()
                && !matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{feff}')
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether a browser would run (or render as a document) this URL: its scheme, as browsers read it.
fn dangerous_url(v: &str, image: bool) -> bool {
    let k = squash(v);
    let data_image = ["data:image/png", "data:image/gif", "data:image/jpeg", "data:image/webp"];
    k.starts_with("javascript:")
        || k.starts_with("vbscript:")
        || k.starts_with("livescript:")
        || (k.starts_with("data:") && !(image && data_image.iter().any(|d| k.starts_with(d))))
}

fn dangerous_style(v: &str) -> bool {
    let k = squash(v).replace("/*", "").replace("*/", "");
    ["expression", "javascript", "vbscript", "binding", "behavior", "@import", "\\"].iter().any(|w| k.contains(w))
}

/// Checks sanitized HTML with a strict re-tokenizer: only `<name( attr="value")*>` and `</name>`
/// of kept elements, properly nested; no handlers, no `srcdoc`, no unsafe URL or style; plus
/// plain substring checks.
fn check_html(out: &str) -> Result<(), String> {
    let low = out.to_ascii_lowercase();
    for bad in [
        "<script",
        "<iframe",
        "<object",
        "<embed",
        "<svg",
        "<math",
        "<style",
        "<base",
        "<meta",
        "<form",
        "<link",
        "<!",
        "<?",
        "<noscript",
        "<template",
        "<textarea",
        "<xmp",
        "<title",
        "<input",
        "<body",
        "<frame",
    ] {
        if low.contains(bad) {
            return Err(format!("contains {bad}"));
        }
    }
    let mut stack: Vec<String> = Vec::new();
    let mut rest = out;
    while let Some(p) = rest.find(['<', '>']) {
        if rest[p..].starts_with('>') {
            return Err("bare > in text".into());
        }
        rest = &rest[p + 1..];
        let end = rest.find('>').ok_or("unterminated tag")?;
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            if stack.pop().as_deref() != Some(name) {
                return Err(format!("misnested </{name}>"));
            }
            continue;
        }
        let (name, mut attrs) = tag.split_once(' ').map_or((tag, ""), |(n, a)| (n, a));
        if !KEPT.contains(&name) {
            return Err(format!("element <{name}> not allowed"));
        }
        let mut seen = Vec::new();
        let (mut new_window, mut rel) = (false, String::new());
        while !attrs.is_empty() {
            let eq = attrs.find("=\"").ok_or(format!("attribute without a quoted value in <{tag}>"))?;
            let an = &attrs[..eq];
            let close = attrs[eq + 2..].find('"').ok_or("unterminated value")? + eq + 2;
            let v = &attrs[eq + 2..close];
            attrs = attrs[close + 1..].strip_prefix(' ').unwrap_or(&attrs[close + 1..]);
            if an.is_empty()
                || !an.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || b"-_.:".contains(&c))
            {
                return Err(format!("bad attribute name {an:?}"));
            }
            if v.contains(['<', '>']) {
                return Err(format!("unescaped < or > in attribute {an}"));
            }
            if seen.contains(&an) {
                return Err(format!("duplicate attribute {an}"));
            }
            seen.push(an);
            if an.starts_with("on") || an == "srcdoc" || an == "formaction" || an == "action" {
                return Err(format!("attribute {an} not allowed"));
            }
            let image = name == "img" || name == "source";
            if URL_ATTRS.contains(&an)
                && (dangerous_url(v, image) || an == "srcset" && v.split(',').any(|p| dangerous_url(p, image)))
            {
                return Err(format!("unsafe URL {an}={v:?}"));
            }
            if an == "style" && dangerous_style(v) {
                return Err(format!("unsafe style {v:?}"));
            }
            if an == "target" && !matches!(v, "_self" | "_top" | "_parent" | "") {
                new_window = true;
            }
            if an == "rel" {
                rel = v.to_string();
            }
        }
        if new_window && !(rel.contains("noopener") && rel.contains("noreferrer")) {
            return Err(format!("new window without rel=noopener noreferrer in <{tag}>"));
        }
        if !VOID.contains(&name) {
            stack.push(name.to_string());
        }
    }
    if !stack.is_empty() {
        return Err(format!("unclosed {stack:?}"));
    }
    Ok(())
}

fn assert_safe_html(out: &str, what: &str) {
    if let Err(e) = check_html(out) {
        panic!("{what}: {e}\noutput: {out}");
    }
}

// ---------------------------------------------------------------- corpus through the sanitizer

#[test]
fn corpus_is_large_and_well_formed() {
    let p = payloads();
    assert!(p.len() >= 80, "only {} payloads", p.len());
    assert!(CORPUS.lines().all(|l| !l.is_empty()), "blank line in the corpus");
}

#[test]
fn every_payload_is_sanitized() {
    for p in payloads() {
        let out = sanitize_html(p);
        assert_safe_html(&out, p);
        assert_eq!(sanitize_html(&out), out, "not idempotent for {p}");
        // The same payload inside allowed markup, and in attribute positions.
        for wrapped in [
            format!("<div class=\"x\"><p>{p}</p></div>"),
            format!("<a href=\"{p}\" title=\"{p}\">t</a><img src=\"{p}\" srcset=\"{p}\" alt='{p}'>"),
            format!("<span style=\"{p}\">s</span><a href={p}>u</a>"),
        ] {
            let out = sanitize_html(&wrapped);
            assert_safe_html(&out, &wrapped);
            assert_eq!(sanitize_html(&out), out, "not idempotent for {wrapped}");
        }
    }
}

// ---------------------------------------------------------------- corpus through the templates

fn ctx_with(q: &str) -> Value {
    let mut ctx = Value::Obj(Vec::new());
    let mut search = Value::Obj(Vec::new());
    search.set("query", Value::Str(q.to_string()));
    ctx.set("search", search);
    ctx
}

/// What a text field must show: the value itself, minus control and bidi-override characters.
fn plain(q: &str) -> String {
    q.chars()
        .filter(|&c| {
            !(c.is_control() && c != '\n' && c != '\t'
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
        })
        .collect()
}

const HTML_T: &str = "<p>You searched <b>{{search.query}}</b></p>";
const HTML_ATTR_T: &str = "<a href=\"/search?q={{search.query}}\" title=\"{{search.query}}\">{{search.query}}</a>\
    <img src=\"{{search.query}}\" alt=\"{{search.query}}\" srcset=\"{{search.query}} 2x\"><a href=\"{{search.query}}\" \
    style=\"color: {{search.query}}\">go</a><a href={{search.query}}>u</a>";

fn all_fields() -> Vec<Action> {
    let q = "{{search.query}}".to_string();
    let you = "You searched {{search.query}}".to_string();
    let inner = vec![
        Action::Replace { selector: "#r".into(), content: HTML_T.into(), html: true },
        Action::Attr { selector: "a".into(), name: "href".into(), value: q.clone() },
    ];
    let attr = |name: &str, value: &str| Action::Attr { selector: "#a".into(), name: name.into(), value: value.into() };
    vec![
        Action::Replace { selector: "#t".into(), content: you.clone(), html: false },
        Action::Replace { selector: "#h".into(), content: HTML_T.into(), html: true },
        Action::Insert { selector: "#i".into(), position: Position::Append, html: HTML_ATTR_T.into() },
        attr("title", &q),
        attr("href", &q),
        attr("href", "/search?q={{search.query}}"),
        attr("src", &q),
        attr("srcset", &q),
        attr("action", &q),
        attr("xlink:href", &q),
        attr("poster", &q),
        attr("style", "color: {{search.query}}"),
        Action::Prompt(Box::new(Prompt {
            layout: Layout::Modal,
            title: you.clone(),
            body: you.clone(),
            image: Some(q.clone()),
            cta: Some(Cta { label: you.clone(), href: Some(q.clone()) }),
            dismiss: Some(you.clone()),
            flow: Some(Flow {
                start: "n".into(),
                nodes: vec![FlowNode {
                    id: "n".into(),
                    text: you.clone(),
                    buttons: vec![
                        FlowButton { label: you.clone(), target: ButtonTarget::Href(q.clone()) },
                        FlowButton { label: you.clone(), target: ButtonTarget::Href("/s?q={{search.query}}".into()) },
                        FlowButton { label: you.clone(), target: ButtonTarget::Do(inner) },
                        FlowButton { label: you.clone(), target: ButtonTarget::Next("n".into()) },
                    ],
                }],
            }),
        })),
        Action::Prompt(Box::new(Prompt {
            layout: Layout::Toast,
            title: q.clone(),
            body: String::new(),
            image: Some("/img/{{search.query}}.png".into()),
            cta: Some(Cta { label: q.clone(), href: Some("/search?q={{search.query}}".into()) }),
            dismiss: None,
            flow: None,
        })),
    ]
}

/// Checks every field of rendered actions: text fields are exactly the plain value, HTML fields
/// pass the checker, URLs are safe, attribute actions never set handlers.
fn check_rendered(actions: &[Action], q: &str) {
    let text = format!("You searched {}", plain(q));
    let text_ok = |s: &str| assert!(s == text || s == plain(q), "text field {s:?} for {q:?}");
    let url_ok = |u: &str, image: bool| assert!(!dangerous_url(u, image), "unsafe URL {u:?} for {q:?}");
    for a in actions {
        match a {
            Action::Replace { content, html: false, .. } => text_ok(content),
            Action::Replace { content, html: true, .. } | Action::Insert { html: content, .. } => {
                assert_safe_html(content, q);
                if !content.contains("<a") {
                    assert!(content.contains(&escape_value(&plain(q))), "value lost in {content:?} for {q:?}");
                }
            }
            Action::Attr { name, value, .. } => {
                let n = name.to_ascii_lowercase();
                assert!(!n.starts_with("on") && n != "srcdoc" && n != "formaction");
                if URL_ATTRS.contains(&n.as_str()) || n == "xlink:href" {
                    url_ok(value, n == "src" || n == "srcset" || n == "poster");
                } else if n == "style" {
                    assert!(!dangerous_style(value), "unsafe style {value:?}");
                } else {
                    assert_eq!(value, &plain(q));
                }
            }
            Action::Prompt(p) => {
                text_ok(&p.title);
                if !p.body.is_empty() {
                    text_ok(&p.body);
                }
                if let Some(i) = &p.image {
                    url_ok(i, true);
                }
                if let Some(c) = &p.cta {
                    text_ok(&c.label);
                    url_ok(c.href.as_deref().unwrap_or("#"), false);
                }
                if let Some(d) = &p.dismiss {
                    text_ok(d);
                }
                for n in p.flow.iter().flat_map(|f| &f.nodes) {
                    text_ok(&n.text);
                    for b in &n.buttons {
                        text_ok(&b.label);
                        match &b.target {
                            ButtonTarget::Href(u) => url_ok(u, false),
                            ButtonTarget::Do(inner) => check_rendered(inner, q),
                            _ => {}
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

#[test]
fn every_payload_in_every_field_is_inert() {
    let actions = all_fields();
    for p in payloads() {
        let ctx = ctx_with(p);
        let out = render_actions(&actions, &ctx);
        check_rendered(&out, p);
        // Text fields hold the value exactly; the URL-encoded one is encoded.
        assert_eq!(
            out[0],
            Action::Replace { selector: "#t".into(), content: format!("You searched {}", plain(p)), html: false }
        );
        // The payload as the template itself (a bundle author's mistake) is sanitized too.
        assert_safe_html(&render_html(p, &ctx), p);
        assert_eq!(render_text(p, &Value::Null), without_placeholders(p));
    }
}

/// `render_text` with an empty context: placeholders vanish (or become their fallback), the rest
/// stays. Written independently of the engine.
fn without_placeholders(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(close) = rest.find("}}") {
        match rest[..close].rfind("{{") {
            Some(open) => {
                out.push_str(&rest[..open]);
                let inner = &rest[open + 2..close];
                out.push_str(inner.split_once('|').map_or("", |(_, f)| f.trim()));
            }
            None => out.push_str(&rest[..close + 2]),
        }
        rest = &rest[close + 2..];
    }
    out.push_str(rest);
    out
}

#[test]
fn unsafe_attribute_actions_are_dropped() {
    let ctx = ctx_with("javascript:alert(1)");
    let attr = |name: &str, value: &str| Action::Attr { selector: "a".into(), name: name.into(), value: value.into() };
    for a in [
        attr("onclick", "alert(1)"),
        attr("ONERROR", "alert(1)"),
        attr(" onmouseover", "x"),
        attr("srcdoc", "<script>alert(1)</script>"),
        attr("formaction", "/x"),
        attr("href", "{{search.query}}"),
        attr("href", "java\tscript:alert(1)"),
        attr("src", "data:text/html,x"),
        attr("style", "width: expression(alert(1))"),
        attr("style", "background: url(javascript:alert(1))"),
        attr("srcset", "/a.png 1x, javascript:alert(1) 2x"),
        attr("on\"x", "1"),
        attr("", "1"),
    ] {
        assert_eq!(render_actions(std::slice::from_ref(&a), &ctx), vec![], "{a:?} kept");
    }
    let ok = [
        attr("href", "/cart"),
        attr("style", "color: red"),
        attr("src", "data:image/png;base64,AAAA"),
        attr("title", "{{search.query}}"),
    ];
    let out = render_actions(&ok, &ctx);
    assert_eq!(out.len(), 4);
    assert_eq!(out[3], attr("title", "javascript:alert(1)"));
}

#[test]
fn unsafe_urls_become_hash_or_are_dropped() {
    let ctx = ctx_with("JaVaScRiPt:alert(1)");
    let p = Prompt {
        layout: Layout::Banner,
        title: "t".into(),
        body: "b".into(),
        image: Some("{{search.query}}".into()),
        cta: Some(Cta { label: "go".into(), href: Some("{{search.query}}".into()) }),
        dismiss: None,
        flow: None,
    };
    let out = render_actions(&[Action::Prompt(Box::new(p))], &ctx);
    let Action::Prompt(p) = &out[0] else { panic!() };
    assert_eq!(p.image, None);
    assert_eq!(p.cta.as_ref().and_then(|c| c.href.as_deref()), Some("#"));
}

// ---------------------------------------------------------------- safe_url

#[test]
fn safe_url_cases() {
    for bad in [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        " \u{1}javascript:alert(1)",
        "&#106;avascript:alert(1)",
        "&#x6A;avascript:alert(1)",
        "&#0000106avascript:alert(1)",
        "javascript&colon;alert(1)",
        "java&Tab;script:alert(1)",
        "&amp;#106;avascript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html,<script>alert(1)</script>",
        "data:image/png;base64,AAAA",
        "jav\u{200b}ascript:alert(1)",
        "file:///etc/passwd",
        "blob:https://x/1",
        ":x",
    ] {
        assert_eq!(safe_url(bad), None, "{bad:?}");
    }
    assert_eq!(safe_image_url("data:image/svg+xml,<svg onload=alert(1)>"), None);
    assert_eq!(safe_image_url("data:image/pngx,1"), None);
    for good in [
        "https://example.com/a?b=c#d",
        "http://example.com",
        "mailto:hi@example.com",
        "tel:+84123456789",
        "/cart",
        "cart?x=1",
        "#top",
        "//cdn.example.com/x.png",
        "?q=javascript:alert(1)",
        "/p/javascript:1",
        "",
    ] {
        assert_eq!(safe_url(good).as_deref(), Some(good), "{good:?}");
    }
    assert_eq!(safe_url("  https://x.com/a\tb\n "), Some("https://x.com/ab".into()));
    assert_eq!(safe_image_url("data:image/png;base64,AAAA").as_deref(), Some("data:image/png;base64,AAAA"));
    assert!(safe_image_url("DATA:IMAGE/WEBP,AAAA").is_some());
    assert!(is_safe_style("color: red; background: url(/a.png)"));
    assert!(!is_safe_style("x: exp/**/ression(alert(1))"));
    assert!(!is_safe_style("background: url( 'javascript:alert(1)' )"));
}

// ---------------------------------------------------------------- what survives

#[test]
fn allowed_markup_survives_intact() {
    for keep in [
        "<p class=\"x\"><strong>Hi</strong> <a href=\"/cart\">cart</a></p>",
        "Giảm giá 10% cho đơn hàng",
        "<p>Giảm giá <b>10%</b> cho đơn hàng — áo sơ mi, giày thể thao</p>",
        "<p>Tom &amp; Jerry &lt;3 &copy; 2026 &#8364; &#x20AC; &nbsp;ok</p>",
        "<ul><li>a</li><li data-id=\"7\" aria-label=\"x\">b</li></ul>",
        "<table><thead><tr><th scope=\"col\">A</th></tr></thead><tbody><tr><td colspan=\"2\">1</td></tr></tbody></table>",
        "<img src=\"/a.png\" alt=\"A\" width=\"10\" height=\"10\" loading=\"lazy\">",
        "<img src=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"\">",
        "<picture><source srcset=\"/a.webp 1x, /a@2x.webp 2x\" type=\"image/webp\"><img src=\"/a.png\"></picture>",
        "<span style=\"color: red; font-weight: bold\">sale</span>",
        "<a href=\"https://example.com/?a=1&amp;b=2\" title=\"Caf&eacute;\">x</a>",
        "<h2 id=\"t\" lang=\"vi\" dir=\"ltr\" role=\"note\">Khuyến mãi</h2><hr><br>",
        "<a href=\"mailto:hi@example.com\">mail</a> <a href=\"tel:+84123\">call</a> <a href=\"#top\">top</a>",
    ] {
        assert_eq!(sanitize_html(keep), keep);
    }
}

#[test]
fn sanitizer_rewrites() {
    let cases = [
        (
            "<a href=\"/x\" target=\"_blank\">x</a>",
            "<a href=\"/x\" target=\"_blank\" rel=\"noopener noreferrer\">x</a>",
        ),
        ("<a target=_blank rel=nofollow>x</a>", "<a target=\"_blank\" rel=\"nofollow noopener noreferrer\">x</a>"),
        ("<p><b>x", "<p><b>x</b></p>"),
        ("</b>x</p>", "x"),
        ("<p><b>x</p>y", "<p><b>x</b></p>y"),
        ("a<!-- c -->b<!DOCTYPE html><?php x ?>c", "abc"),
        ("<blink>hi</blink> <custom-el x=1>there</custom-el>", "hi there"),
        ("<script>alert(1)</script>ok", "ok"),
        ("<svg><g><svg></svg><text>x</text></g></svg>ok", "ok"),
        ("<img src=x onerror=alert(1)>", "<img src=\"x\">"),
        ("<IMG SRC=\"/a.png\" ALT=A>", "<img src=\"/a.png\" alt=\"A\">"),
        ("<a href=\"javascript:alert(1)\">x</a>", "<a>x</a>"),
        ("<button onclick=x type=submit formaction=/y>b</button>", "<button type=\"button\">b</button>"),
        ("<br/><hr />", "<br><hr>"),
        ("1 < 2 > 0 & \"q\" 'a'", "1 &lt; 2 &gt; 0 &amp; &quot;q&quot; 'a'"),
        ("<p title='a\"b'>x</p>", "<p title=\"a&quot;b\">x</p>"),
        ("<p title=\"a\" title=\"b\">x</p>", "<p title=\"a\">x</p>"),
        ("<img src=\"x\" onerror=\"alert(1)\"", ""),
        ("<span style=\"width: expression(alert(1))\">x</span>", "<span>x</span>"),
        ("<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">", "<img src=\"x\">&quot;&gt;"),
        ("<div>\u{0}x</div>", "<div>x</div>"),
    ];
    for (input, want) in cases {
        assert_eq!(sanitize_html(input), want, "for {input:?}");
    }
}

#[test]
fn deep_nesting_and_huge_inputs_are_fine() {
    let deep = "<div>".repeat(10_000) + "x" + &"</div>".repeat(10_000);
    let out = sanitize_html(&deep);
    assert_safe_html(&out, "deep");
    let many_attrs = format!("<p {}>x</p>", "a=1 ".repeat(50_000));
    assert_eq!(sanitize_html(&many_attrs), "<p>x</p>");
    let lts = "<".repeat(100_000);
    assert_eq!(sanitize_html(&lts).len(), 400_000);
}

// ---------------------------------------------------------------- templates

#[test]
fn template_values() {
    let ctx = Value::parse(
        r#"{"cart": {"items": 3, "value": 25.5, "open": true, "tags": ["a", 2, null], "o": {"k": 1}},
            "search": {"query": "a b&c/d", "empty": "", "ctl": "x\u0001y\u202ez"}}"#,
    )
    .unwrap();
    let cases = [
        ("{{cart.items}} items", "3 items"),
        ("{{ cart.items }}/{{cart.value}}", "3/25.5"),
        ("{{cart.open}} {{cart.tags}}", "true a, 2, "),
        ("[{{cart.o}}]", "[]"),
        ("Hi {{custom.name|friend}}!", "Hi friend!"),
        ("Hi {{ custom.name | bạn ơi }}!", "Hi bạn ơi!"),
        ("{{search.empty|none}}", "none"),
        ("{{search.ctl}}", "xyz"),
        ("{{missing}}", ""),
        ("no {{ placeholder", "no {{ placeholder"),
        ("a }} b {{{cart.items}}}", "a }} b {3}"),
        ("{{search.lastQueries.0}}", ""),
    ];
    for (t, want) in cases {
        assert_eq!(render_text(t, &ctx), want, "for {t}");
    }
    assert_eq!(render_html("<b>{{search.query}}</b>", &ctx), "<b>a&#32;b&amp;c/d</b>");
    // In an unquoted attribute the value stays one value: no attributes of its own.
    let q = ctx_with_query("x id=q-text href=https://evil.example/");
    let out = render_html("<a class=l title={{search.query}} href=/x>go</a>", &q);
    assert_eq!(out, "<a class=\"l\" title=\"x&#32;id&#61;q-text&#32;href&#61;https://evil.example/\" href=\"/x\">go</a>");
    assert_eq!(escape_html("<a href='x' title=\"`\">&"), "&lt;a href=&#39;x&#39; title=&quot;&#96;&quot;&gt;&amp;");
    let a = [Action::Attr { selector: "a".into(), name: "href".into(), value: "/search?q={{search.query}}".into() }];
    let out = render_actions(&a, &ctx);
    assert_eq!(
        out,
        vec![Action::Attr { selector: "a".into(), name: "href".into(), value: "/search?q=a%20b%26c%2Fd".into() }]
    );
    // A value is never rendered again.
    let ctx = ctx_with("{{search.query}}");
    assert_eq!(render_text("{{search.query}}", &ctx), "{{search.query}}");
}

#[test]
fn emit_props_and_nested_do_are_rendered() {
    let ctx = ctx_with("<img src=x onerror=alert(1)>");
    let a = [Action::Emit { name: "e".into(), props: Value::parse(r#"{"q": "{{search.query}}", "n": 1}"#).unwrap() }];
    let out = render_actions(&a, &ctx);
    let Action::Emit { props, .. } = &out[0] else { panic!() };
    assert_eq!(props.get("q").and_then(Value::as_str), Some("<img src=x onerror=alert(1)>"));
}

// ---------------------------------------------------------------- fuzz


const SPICE: &[char] = &[
    '<', '>', '"', '\'', '=', '/', '!', '-', '?', '&', '#', ';', ':', ' ', '\t', '\n', '\r', '\0', '`', 'a', 'x', 's',
    'S', 'j', 'o', 'n', 'ả', '\u{202e}', '\u{feff}', '{', '}', '|', '(', ')', '\\', '*',
];
const WORDS: &[&str] = &[
    "<script>",
    "</script>",
    "<style>",
    "</style",
    "<!--",
    "-->",
    "--!>",
    "<![CDATA[",
    "]]>",
    "<svg>",
    "</svg>",
    "<math>",
    "javascript:",
    "&#106;",
    "&#x09;",
    "&colon;",
    "onerror=",
    " href=",
    " src=",
    " style=",
    "expression(",
    "url(",
    "<img",
    "<a",
    "</a>",
    "<p>",
    "<noscript>",
    "<textarea>",
    "<plaintext>",
    "<form>",
    "</form>",
    "{{search.query}}",
    "<template>",
    "data:image/png,",
    "data:text/html,",
    "\"",
    "'",
    "<table>",
    "<select>",
];

fn mutate(rng: &mut Rng, corpus: &[&str]) -> String {
    let mut s: Vec<char> = corpus[rng.below(corpus.len())].chars().collect();
    if rng.below(3) == 0 {
        s.extend(corpus[rng.below(corpus.len())].chars());
    }
    for _ in 0..1 + rng.below(6) {
        let at = rng.below(s.len() + 1);
        match rng.below(7) {
            0 => s.insert(at, SPICE[rng.below(SPICE.len())]),
            1 if at < s.len() => {
                let n = 1 + rng.below(8);
                s.drain(at..(at + n).min(s.len()));
            }
            2 if at < s.len() => {
                let end = (at + 1 + rng.below(16)).min(s.len());
                let piece: Vec<char> = s[at..end].to_vec();
                let to = rng.below(s.len() + 1);
                s.splice(to..to, piece);
            }
            3 => {
                let w: Vec<char> = WORDS[rng.below(WORDS.len())].chars().collect();
                s.splice(at..at, w);
            }
            4 if at < s.len() => s[at] = SPICE[rng.below(SPICE.len())],
            5 if at < s.len() => {
                s[at] = if s[at].is_ascii_lowercase() { s[at].to_ascii_uppercase() } else { s[at].to_ascii_lowercase() }
            }
            _ => s.truncate(at),
        }
    }
    s.into_iter().collect()
}

#[test]
fn fuzz_sanitizer_and_templates() {
    let corpus = payloads();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let actions = all_fields();
    for case in 0..50_000 {
        let input = mutate(&mut rng, &corpus);
        let out = sanitize_html(&input);
        if let Err(e) = check_html(&out) {
            panic!("case {case}: {e}\ninput: {input:?}\noutput: {out}");
        }
        assert_eq!(sanitize_html(&out), out, "case {case}: not idempotent for {input:?}");
        let _ = safe_url(&input);
        let _ = is_safe_style(&input);
        let _ = render_text(&input, &Value::Null);
        if case % 10 == 0 {
            check_rendered(&render_actions(&actions, &ctx_with(&input)), &input);
        }
    }
}

fn ctx_with_query(q: &str) -> Value {
    let mut c = Value::Obj(Vec::new());
    let mut search = Value::Obj(Vec::new());
    search.set("query", Value::Str(q.to_string()));
    c.set("search", search);
    c
}
