//! The cart, as commerce events describe it, and how it is stored in the profile.
//!
//! - `add_to_cart` adds lines (same id: quantities add up); `remove_from_cart` takes quantities
//!   away; `view_cart` and `begin_checkout` carry the whole cart (GA4), so when they list items they
//!   replace the lines; `purchase` empties the cart.
//! - A line's price comes from the item; when an event has a `value` but no item prices, the value
//!   is spread over its quantity; an event with a value and no items is one anonymous line.
//! - `cart.value` is `sum(price * quantity)`, except after a `view_cart` or `begin_checkout` that
//!   declares a `value` of its own (a coupon, a discount): then that value, until the next change.

use crate::input::Item;
use crate::json::{write_num, write_str, ObjWriter, Value};

/// One cart line.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// Item id (or name; empty for an anonymous line).
    pub key: String,
    /// Unit price.
    pub price: f64,
    /// Quantity.
    pub qty: f64,
}

/// The cart (persisted in the profile).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cart {
    /// Lines.
    pub lines: Vec<Line>,
    /// Last currency seen on a cart event (not `view_item`).
    pub currency: Option<String>,
    /// When the first item went into the current cart (epoch ms; 0 when empty).
    pub created: f64,
    /// When the cart last changed (0 = never).
    pub changed: f64,
    /// When checkout began without a purchase since (0 = not begun).
    pub checkout: f64,
    /// Bumped on every change ("cart state", for once-per-state signals).
    pub ver: f64,
    /// The value the last `view_cart` / `begin_checkout` declared (0 = none since the last change).
    pub declared: f64,
}

/// To a millionth (sums of decimal prices stay tidy), and always a finite number: a total beyond
/// f64 is the largest one, and a value too large for millionths is left as it is.
fn round(v: f64) -> f64 {
    let r = (v * 1e6).round() / 1e6;
    if r.is_finite() {
        r
    } else if v.is_nan() {
        0.0
    } else {
        v.clamp(-f64::MAX, f64::MAX)
    }
}

/// The lines an event describes (see the module doc).
pub fn event_lines(items: &[Item], value: Option<f64>) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::new();
    for i in items {
        lines.push(Line {
            key: if i.id.is_empty() { i.name.clone() } else { i.id.clone() },
            price: if i.price.is_finite() && i.price > 0.0 { i.price } else { 0.0 },
            qty: if i.quantity.is_finite() && i.quantity > 0.0 { i.quantity } else { 1.0 },
        });
    }
    let value = value.filter(|v| v.is_finite() && *v > 0.0);
    if let Some(v) = value {
        let qty: f64 = lines.iter().map(|l| l.qty).sum();
        if lines.is_empty() {
            lines.push(Line { key: String::new(), price: v, qty: 1.0 });
        } else if lines.iter().all(|l| l.price == 0.0) {
            lines.iter_mut().for_each(|l| l.price = v / qty);
        }
    }
    lines
}

impl Cart {
    /// Total quantity.
    pub fn items(&self) -> f64 {
        round(self.lines.iter().map(|l| l.qty).sum())
    }
    /// `sum(price * quantity)`, or the value declared by the last cart snapshot.
    pub fn value(&self) -> f64 {
        if self.declared > 0.0 && !self.lines.is_empty() {
            return round(self.declared);
        }
        round(self.lines.iter().map(|l| l.price * l.qty).sum())
    }
    /// No lines.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    fn find(&self, l: &Line) -> Option<usize> {
        self.lines.iter().position(|c| c.key == l.key && (!l.key.is_empty() || c.price == l.price))
    }

    /// Applies a commerce event at `now` (`value`: what the event declared); true if the lines
    /// changed.
    pub fn apply(&mut self, name: &str, lines: Vec<Line>, value: Option<f64>, currency: Option<&str>, now: f64) -> bool {
        if let Some(c) = currency.filter(|c| !c.is_empty() && name != "view_item") {
            if self.currency.as_deref() != Some(c) {
                self.currency = Some(c.to_string());
            }
        }
        let before = self.lines.clone();
        match name {
            "add_to_cart" => {
                for l in &lines {
                    match self.find(l) {
                        Some(i) => {
                            let c = &mut self.lines[i];
                            c.qty += l.qty;
                            if l.price > 0.0 {
                                c.price = l.price;
                            }
                        }
                        None => self.lines.push(l.clone()),
                    }
                }
            }
            "remove_from_cart" => {
                for l in &lines {
                    if let Some(i) = self.find(l) {
                        self.lines[i].qty -= l.qty;
                        if self.lines[i].qty <= 1e-9 {
                            self.lines.remove(i);
                        }
                    }
                }
            }
            "view_cart" | "begin_checkout" => {
                if !lines.is_empty() {
                    let mut snapshot = Cart::default();
                    snapshot.apply("add_to_cart", lines, None, None, now);
                    self.lines = snapshot.lines;
                    self.declared = value.filter(|v| v.is_finite() && *v > 0.0).unwrap_or(0.0);
                }
                if name == "begin_checkout" {
                    self.checkout = now;
                }
            }
            "purchase" => {
                self.lines.clear();
                self.checkout = 0.0;
            }
            _ => {}
        }
        let changed = self.lines != before;
        if changed && !matches!(name, "view_cart" | "begin_checkout") {
            self.declared = 0.0;
        }
        if changed {
            self.ver += 1.0;
            self.changed = now;
            if before.is_empty() {
                self.created = now;
            }
            if self.lines.is_empty() {
                self.created = 0.0;
            }
        }
        changed
    }

    /// `{"lines": [[key, price, qty]…], "currency", "created", "changed", "checkout", "ver"}`.
    pub fn to_value(&self) -> Value {
        Value::written(|s| self.write_json(s))
    }

    /// Appends [`Cart::to_value`] as JSON text.
    pub(crate) fn write_json(&self, out: &mut String) {
        let mut w = ObjWriter::new(out);
        let lines = w.key("lines");
        lines.push('[');
        for (i, l) in self.lines.iter().enumerate() {
            if i > 0 {
                lines.push(',');
            }
            lines.push('[');
            write_str(&l.key, lines);
            for &n in &[l.price, l.qty] {
                lines.push(',');
                write_num(n, lines);
            }
            lines.push(']');
        }
        lines.push(']');
        w.str("currency", self.currency.as_deref());
        for &(k, n) in &[("created", self.created), ("changed", self.changed), ("checkout", self.checkout), ("ver", self.ver), ("declared", self.declared)] {
            w.num(k, n);
        }
        w.end();
    }

    /// Reads what [`Cart::to_value`] wrote; anything malformed is left out.
    pub fn from_value(v: &Value) -> Cart {
        let mut lines = Vec::new();
        for l in v.get("lines").and_then(Value::as_array).unwrap_or(&[]) {
            let Some(a) = l.as_array() else { continue };
            let (Some(key), qty) = (a.first().and_then(Value::as_str), num(a.get(2))) else { continue };
            if qty > 0.0 {
                lines.push(Line { key: key.to_string(), price: num(a.get(1)), qty });
            }
        }
        Cart {
            lines,
            currency: v.get("currency").and_then(Value::as_str).map(str::to_string),
            created: num(v.get("created")),
            changed: num(v.get("changed")),
            checkout: num(v.get("checkout")),
            ver: num(v.get("ver")),
            declared: num(v.get("declared")),
        }
    }
}

/// A finite, non-negative number, else 0.
pub fn num(v: Option<&Value>) -> f64 {
    v.and_then(Value::as_f64).filter(|n| n.is_finite() && *n >= 0.0).unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, price: f64, quantity: f64) -> Item {
        Item { id: id.into(), price, quantity, ..Item::default() }
    }

    #[test]
    fn totals_stay_finite_numbers() {
        assert_eq!(round(0.1 + 0.2), 0.3);
        assert_eq!(round(1e303), 1e303);
        assert_eq!(round(f64::INFINITY), f64::MAX);
        assert_eq!(round(f64::NEG_INFINITY), -f64::MAX);
        assert_eq!(round(f64::NAN), 0.0);
        let mut c = Cart::default();
        assert!(c.apply("add_to_cart", event_lines(&[item("a", 1e308, 3.0)], None), None, None, 1000.0));
        assert_eq!(c.value(), f64::MAX);
    }

    #[test]
    fn cart_follows_events() {
        let mut c = Cart::default();
        assert!(c.apply("add_to_cart", event_lines(&[item("a", 10.0, 2.0)], None), None, Some("USD"), 1000.0));
        assert!(c.apply("add_to_cart", event_lines(&[item("a", 10.0, 1.0), item("b", 0.0, 0.0)], None), None, None, 2000.0));
        assert_eq!((c.items(), c.value(), c.created, c.changed), (4.0, 30.0, 1000.0, 2000.0));
        assert!(c.apply("remove_from_cart", event_lines(&[item("a", 0.0, 3.0)], None), None, None, 3000.0));
        assert_eq!(c.items(), 1.0);
        assert!(!c.apply("view_cart", event_lines(&[item("b", 0.0, 1.0)], None), None, None, 4000.0));
        assert!(c.apply("begin_checkout", event_lines(&[item("b", 5.0, 2.0)], Some(9.0)), Some(9.0), None, 5000.0));
        assert_eq!((c.value(), c.checkout), (9.0, 5000.0));
        assert!(!c.apply("view_cart", event_lines(&[item("b", 5.0, 2.0)], None), None, None, 5500.0));
        assert_eq!(c.value(), 10.0);
        assert!(c.apply("purchase", vec![], None, None, 6000.0));
        assert_eq!((c.items(), c.created, c.checkout), (0.0, 0.0, 0.0));
        // value only; value spread over quantities
        c.apply("add_to_cart", event_lines(&[], Some(25.0)), Some(25.0), None, 7000.0);
        c.apply("add_to_cart", event_lines(&[item("x", 0.0, 2.0)], Some(19.98)), Some(19.98), None, 7000.0);
        assert_eq!((c.items(), c.value()), (3.0, 44.98));
        assert_eq!(Cart::from_value(&c.to_value()), c);
    }
}
