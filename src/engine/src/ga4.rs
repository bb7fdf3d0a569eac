//! Commerce events as sites already speak them: GA4 `dataLayer` entries (`{event, ecommerce}` and
//! gtag's `["event", name, params]`), and `track(name, props)` calls, turned into [`Input`]s.

use crate::input::{Input, Item, Source};
use crate::json::Value;

/// The GA4 ecommerce events the engine understands as commerce.
pub const COMMERCE: [&str; 6] = ["view_item", "add_to_cart", "remove_from_cart", "view_cart", "begin_checkout", "purchase"];

/// Reads one `dataLayer` entry (as JSON). `None` for entries that are not commerce or search
/// (page data, GTM's own events, the `{ecommerce: null}` reset, Moments' own `moments_*` pushes).
pub fn from_datalayer(entry: &Value) -> Option<Input> {
    // gtag('event', name, params) pushes its `arguments` object: {"0": "event", "1": name, "2": params}.
    let (name, params) = if entry.get("0").and_then(Value::as_str) == Some("event") {
        (entry.get("1")?.as_str()?, entry.get("2").unwrap_or(&Value::Null))
    } else {
        let name = entry.get("event")?.as_str()?;
        (name, entry.get("ecommerce").filter(|e| !e.is_null()).unwrap_or(entry))
    };
    if name == "search" || name == "view_search_results" {
        let q = params.get("search_term").or_else(|| entry.get("search_term"))?.as_str()?;
        return Some(Input::Search { query: q.trim().to_string(), source: Source::DataLayer });
    }
    if !COMMERCE.contains(&name) {
        return None;
    }
    Some(commerce(name, params, Source::DataLayer))
}

/// Turns `track(name, props)` into an input: commerce names become [`Input::Commerce`] (props may
/// be GA4-shaped with `items`, or a single item `{id, name, price, quantity}`), `search` becomes
/// [`Input::Search`], anything else a custom [`Input::Track`].
pub fn from_track(name: &str, props: Value) -> Input {
    if COMMERCE.contains(&name) {
        return commerce(name, &props, Source::Api);
    }
    if name == "search" {
        if let Some(q) = props.get("query").or_else(|| props.get("search_term")).and_then(Value::as_str) {
            return Input::Search { query: q.trim().to_string(), source: Source::Api };
        }
    }
    Input::Track { name: name.to_string(), props }
}

/// Builds a commerce input from GA4-style params (or a single flat item).
pub fn commerce(name: &str, p: &Value, source: Source) -> Input {
    let mut items: Vec<Item> = Vec::new();
    for x in p.get("items").and_then(Value::as_array).unwrap_or(&[]) {
        if let Some(it) = item(x) {
            items.push(it);
        }
    }
    if items.is_empty() {
        if let Some(it) = item(p) {
            items.push(it);
        }
    }
    Input::Commerce {
        name: name.to_string(),
        items,
        value: p.get("value").and_then(num),
        currency: p.get("currency").and_then(Value::as_str).map(str::to_string),
        source,
    }
}

fn num(v: &Value) -> Option<f64> {
    match v {
        Value::Num(n) if n.is_finite() => Some(*n),
        Value::Str(s) => crate::json::parse_float(s.trim()).filter(|n| n.is_finite()),
        _ => None,
    }
}

fn text(v: Option<&Value>) -> String {
    match v {
        Some(Value::Str(s)) => s.clone(),
        Some(Value::Num(_)) => v.map(Value::to_text).unwrap_or_default(),
        _ => String::new(),
    }
}

fn item(v: &Value) -> Option<Item> {
    let id = text(v.get("item_id").or_else(|| v.get("id")));
    let name = text(v.get("item_name").or_else(|| v.get("name")));
    let price = v.get("price").and_then(num);
    if id.is_empty() && name.is_empty() && price.is_none() {
        return None;
    }
    Some(Item {
        id,
        name,
        price: price.unwrap_or(0.0).max(0.0),
        quantity: v.get("quantity").and_then(num).unwrap_or(1.0).clamp(0.0, 1e6),
        category: text(v.get("item_category").or_else(|| v.get("category"))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_ga4_and_gtag() {
        let e = Value::parse(r#"{"event":"add_to_cart","ecommerce":{"currency":"VND","value":250000,"items":[{"item_id":"g1","item_name":"Giày","price":"125000","quantity":2}]}}"#).unwrap();
        match from_datalayer(&e) {
            Some(Input::Commerce { name, items, value, currency, .. }) => {
                assert_eq!(name, "add_to_cart");
                assert_eq!(items[0].price, 125000.0);
                assert_eq!(items[0].quantity, 2.0);
                assert_eq!(value, Some(250000.0));
                assert_eq!(currency.as_deref(), Some("VND"));
            }
            other => panic!("{other:?}"),
        }
        let g = Value::parse(r#"{"0":"event","1":"purchase","2":{"value":10,"items":[{"id":"a","price":10}]}}"#).unwrap();
        assert!(matches!(from_datalayer(&g), Some(Input::Commerce { .. })));
        assert_eq!(from_datalayer(&Value::parse(r#"{"ecommerce":null}"#).unwrap()), None);
        assert_eq!(from_datalayer(&Value::parse(r#"{"event":"moments_decision"}"#).unwrap()), None);
        assert!(matches!(from_datalayer(&Value::parse(r#"{"event":"search","search_term":" áo dài "}"#).unwrap()),
            Some(Input::Search { query, .. }) if query == "áo dài"));
    }

    #[test]
    fn track_flat_item() {
        let p = Value::parse(r#"{"id":"x","price":25,"quantity":1}"#).unwrap();
        assert!(matches!(from_track("add_to_cart", p), Input::Commerce { items, .. } if items.len() == 1));
        assert!(matches!(from_track("wishlist", Value::Null), Input::Track { .. }));
    }
}
