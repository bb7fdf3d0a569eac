//! `{{path}}` templates: context values inserted into action strings, always made safe.
//!
//! `{{cart.items}}`, `{{ cart.items }}` and `{{search.query|something}}` (a fallback for a missing,
//! `null` or empty value) insert the value at a dotted path of the context: strings as they are,
//! numbers as JavaScript prints them (`3`, not `3.0`), booleans as `true`/`false`, arrays joined
//! with `", "`, objects as nothing. Inserted values are never rendered again, and control and
//! bidirectional-override characters are removed from them. How a value is made safe depends on
//! the field:
//!
//! - text (`replace` with `text`, `attr` values, prompt title/body/dismiss/CTA label, flow texts
//!   and button labels): plain text, which the browser layer sets as `textContent`;
//! - HTML (`replace` with `html`, `insert`): the value is HTML-escaped, then the whole string goes
//!   through [`sanitize_html`];
//! - URLs (CTA `href`, prompt `image`, flow `href`, `attr` `href`/`src`/`action`/...): a value
//!   after the start of the URL is percent-encoded like `encodeURIComponent`; the result must
//!   pass [`safe_url`] (images: [`safe_image_url`]), or becomes `#` (links), is dropped (image) or
//!   drops its action (`attr`).
//!
//! An `attr` action naming an `on*` handler, `srcdoc` or `formaction`, or an invalid attribute
//! name, or with a `style` that fails [`is_safe_style`], is dropped.

use crate::action::{Action, ButtonTarget, Cta, Flow, FlowButton, FlowNode, Prompt};
use crate::json::{write_num, Value};
use crate::small::{contains, find, rfind};
pub use crate::sanitize::safe_url;
use crate::sanitize::{escape_into, is_safe_srcset, is_safe_style, safe_image_url, sanitize_html};

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Text,
    Html,
    Url,
}

/// Returns `s` with `& < > " ' \`` escaped for HTML text or a quoted attribute value.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(s, &mut out, false, true);
    out
}

/// Renders a text template: values inserted as plain text (control characters removed).
pub fn render_text(template: &str, ctx: &Value) -> String {
    render(template, ctx, Mode::Text)
}

/// Renders an HTML template: values HTML-escaped, then the whole result sanitized.
pub fn render_html(template: &str, ctx: &Value) -> String {
    sanitize_html(&render(template, ctx, Mode::Html))
}

/// How a context value is written into an HTML template: HTML-escaped, and since it may sit in an
/// unquoted attribute (`title={{q}}`), whitespace and `=` as references too, so it cannot end the
/// value and start attributes of its own.
pub fn escape_value(v: &str) -> String {
    let mut out = String::new();
    escape_value_into(v, &mut out);
    out
}

fn escape_value_into(v: &str, out: &mut String) {
    let mut piece = String::new();
    escape_into(v, &mut piece, false, true);
    for c in piece.chars() {
        match c {
            ' ' => out.push_str("&#32;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\u{c}' => out.push_str("&#12;"),
            '=' => out.push_str("&#61;"),
            c => out.push(c),
        }
    }
}

fn render_url(template: &str, ctx: &Value, image: bool) -> Option<String> {
    let u = render(template, ctx, Mode::Url);
    if image {
        safe_image_url(&u)
    } else {
        safe_url(&u)
    }
}

fn link(template: &str, ctx: &Value) -> String {
    render_url(template, ctx, false).unwrap_or_else(|| "#".into())
}

fn render(t: &str, ctx: &Value, mode: Mode) -> String {
    let mut out = String::with_capacity(t.len());
    let mut rest = t;
    while let Some(close) = find(rest, "}}") {
        let Some(open) = rfind(&rest[..close], "{{") else {
            out.push_str(&rest[..close + 2]);
            rest = &rest[close + 2..];
            continue;
        };
        out.push_str(&rest[..open]);
        let inner = &rest[open + 2..close];
        rest = &rest[close + 2..];
        let (path, fallback) = crate::small::cut(inner, b'|').unwrap_or((inner, ""));
        let mut raw = String::new();
        if let Some(v) = ctx.pointer(path.trim()) {
            text_of(v, &mut raw);
        }
        let mut v = String::new();
        for c in raw.chars() {
            if !(c.is_control() && c != '\n' && c != '\t' || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')) {
                v.push(c);
            }
        }
        if v.is_empty() {
            out.push_str(fallback.trim());
            continue;
        }
        match mode {
            Mode::Text => out.push_str(&v),
            Mode::Html => escape_value_into(&v, &mut out),
            Mode::Url if out.is_empty() => out.push_str(&v),
            Mode::Url => {
                for b in v.bytes() {
                    if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
                        out.push(b as char);
                    } else {
                        const HEX: &[u8; 16] = b"0123456789ABCDEF";
                        out.push('%');
                        out.push(HEX[usize::from(b >> 4)] as char);
                        out.push(HEX[usize::from(b & 15)] as char);
                    }
                }
            }
        }
    }
    out.push_str(rest);
    out
}

fn text_of(v: &Value, out: &mut String) {
    match v {
        Value::Str(s) => out.push_str(s),
        Value::Num(n) => write_num(*n, out),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Arr(a) => {
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                text_of(x, out);
            }
        }
        Value::Null | Value::Obj(_) => {}
    }
}

/// Renders an `attr` value, or `None` if the attribute may not be set to it.
fn render_attr(name: &str, value: &str, ctx: &Value) -> Option<String> {
    let n = name.trim().to_ascii_lowercase();
    if n.is_empty()
        || n.starts_with("on")
        || matches!(n.as_str(), "srcdoc" | "formaction")
        || !n.bytes().all(|c| c.is_ascii_alphanumeric() || b"-_.:".contains(&c))
    {
        return None;
    }
    match n.as_str() {
        "style" => Some(render_text(value, ctx)).filter(|v| is_safe_style(v)),
        "src" | "poster" => render_url(value, ctx, true),
        "srcset" => Some(render_text(value, ctx)).filter(|v| is_safe_srcset(v)),
        "href" | "action" | "xlink:href" | "data" | "background" | "cite" | "ping" | "xml:base" | "values" | "from"
        | "to" | "by" => render_url(value, ctx, false),
        _ => Some(render_text(value, ctx)),
    }
}

/// Renders emitted event properties: every string inside is a text template.
fn render_props(v: &Value, ctx: &Value) -> Value {
    let mut out = v.clone();
    render_props_in(&mut out, ctx);
    out
}

/// [`render_props`] in place, on a copy.
fn render_props_in(v: &mut Value, ctx: &Value) {
    match v {
        Value::Str(s) if contains(s, "{{") => *s = render_text(s, ctx),
        Value::Arr(a) => {
            for x in a {
                render_props_in(x, ctx);
            }
        }
        Value::Obj(m) => {
            for (_, x) in m {
                render_props_in(x, ctx);
            }
        }
        _ => {}
    }
}

/// Renders every string of `actions` against `ctx` (see the module docs): text fields as plain
/// text, HTML fields escaped and sanitized, URLs checked; flows and their `do` actions too.
/// Actions that would set an unsafe attribute are left out.
pub fn render_actions(actions: &[Action], ctx: &Value) -> Vec<Action> {
    let mut out = Vec::new();
    for a in actions {
        if let Some(a) = render_action(a, ctx) {
            out.push(a);
        }
    }
    out
}

fn render_action(a: &Action, ctx: &Value) -> Option<Action> {
    let t = |s: &String| render_text(s, ctx);
    Some(match a {
        Action::Replace { selector, content, html } => Action::Replace {
            selector: selector.clone(),
            content: if *html { render_html(content, ctx) } else { t(content) },
            html: *html,
        },
        Action::Insert { selector, position, html } => {
            Action::Insert { selector: selector.clone(), position: *position, html: render_html(html, ctx) }
        }
        Action::Attr { selector, name, value } => {
            Action::Attr { selector: selector.clone(), name: name.clone(), value: render_attr(name, value, ctx)? }
        }
        Action::Prompt(p) => Action::Prompt(Box::new(Prompt {
            layout: p.layout,
            title: t(&p.title),
            body: t(&p.body),
            image: p.image.as_ref().and_then(|u| render_url(u, ctx, true)),
            cta: p.cta.as_ref().map(|c| Cta { label: t(&c.label), href: c.href.as_ref().map(|u| link(u, ctx)) }),
            dismiss: p.dismiss.as_ref().map(t),
            flow: p.flow.as_ref().map(|f| Flow {
                start: f.start.clone(),
                nodes: {
                    let mut nodes = Vec::new();
                    for n in &f.nodes {
                        let mut buttons = Vec::new();
                        for b in &n.buttons {
                            buttons.push(FlowButton {
                                label: t(&b.label),
                                target: match &b.target {
                                    ButtonTarget::Href(u) => ButtonTarget::Href(link(u, ctx)),
                                    ButtonTarget::Do(a) => ButtonTarget::Do(render_actions(a, ctx)),
                                    ButtonTarget::Emit { name, props } => {
                                        ButtonTarget::Emit { name: name.clone(), props: render_props(props, ctx) }
                                    }
                                    ButtonTarget::Next(n) => ButtonTarget::Next(n.clone()),
                                },
                            });
                        }
                        nodes.push(FlowNode { id: n.id.clone(), text: t(&n.text), buttons });
                    }
                    nodes
                },
            }),
        })),
        Action::Emit { name, props } => Action::Emit { name: name.clone(), props: render_props(props, ctx) },
        // Copied field by field: no `Action::clone` (with its prompt and flow copies) in the wasm.
        Action::Class { selector, add, remove } => Action::Class { selector: selector.clone(), add: add.clone(), remove: remove.clone() },
        Action::Hide(s) => Action::Hide(s.clone()),
        Action::Show(s) => Action::Show(s.clone()),
    })
}
