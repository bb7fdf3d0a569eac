//! Deciding: which rules fire on a signal (on, when, schedule, cap, holdout, priority, conflicts),
//! and why not (`explain`).
//!
//! For each signal every rule is checked in this order, and the first check that fails is its
//! reason: `enabled`, `on`, `schedule` (shopper's local time), `cap`, `when`. The rules that pass
//! are taken by priority (highest first; equal priorities in bundle order). A rule that wants an
//! element (`Action::selector`) a rule before it took, or a second modal prompt, loses and is
//! [`Suppressed`]. A winner is held out when its bucket `hash(rule id, shopper id, 2)` is below
//! `holdout`: it is reported and counted against its cap but changes nothing, and takes no element
//! (so a lower rule may show, which is what the shopper would see without the held-out rule).
//!
//! Caps count per shopper and persist through [`Decider::to_value`]: per rule id, the most recent
//! `max` fire times with the session (the context's `visit.count`) they happened in, pruned to the
//! cap's window. Decisions also wait there for a purchase, which converts each rule once (its most
//! recent decision in this session or within `settings.conversionWindowHours`).

use crate::action::{Action, Layout};
use crate::bundle::{format_local, Bundle, CapWindow, Schedule, WEEKDAYS};
use crate::hash::hash;
use crate::input::Time;
use crate::json::{write_num, write_str, ObjWriter, Value};
use crate::template::render_actions;

/// Whether the shopper saw the change or is in the rule's control group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// The actions were applied.
    Shown,
    /// Held out: measured, not shown.
    Holdout,
}

impl Variant {
    /// `shown` or `holdout`.
    pub fn as_str(self) -> &'static str {
        match self {
            Variant::Shown => "shown",
            Variant::Holdout => "holdout",
        }
    }
}

/// One rule that fired.
#[derive(Clone, Debug, PartialEq)]
pub struct Decision {
    /// Index into `bundle.rules`.
    pub rule: usize,
    /// Shown or held out.
    pub variant: Variant,
    /// Rendered actions to apply (empty when held out).
    pub actions: Vec<Action>,
}

/// A rule that would have fired but lost a conflict.
#[derive(Clone, Debug, PartialEq)]
pub struct Suppressed {
    /// Index of the losing rule.
    pub rule: usize,
    /// Index of the winner.
    pub by: usize,
    /// What they fought over (a selector, or `modal`).
    pub over: String,
}

/// A conversion attributed to an earlier decision.
#[derive(Clone, Debug, PartialEq)]
pub struct Conversion {
    /// Rule id.
    pub rule: String,
    /// The variant the shopper had.
    pub variant: Variant,
    /// Purchase value, if known.
    pub value: Option<f64>,
}

/// Why a rule did or did not fire at the last decision.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
enum Why {
    #[default]
    Unseen,
    Disabled,
    Schedule(u8),
    Capped,
    When,
    Lost { by: usize, action: usize },
    Shown,
    Holdout(f64),
}

/// A decision waiting for a purchase.
#[derive(Clone, Debug)]
struct Pending {
    rule: usize,
    variant: Variant,
    ms: f64,
    visit: f64,
}

/// Per-shopper decision state: caps, recent decisions (for conversions), last explanation.
#[derive(Clone, Debug, Default)]
pub struct Decider {
    /// Rule ids, as in the bundle (for storage and conversions).
    ids: Vec<String>,
    /// Per rule: recent fires as (epoch ms, session), oldest first; only capped rules have any.
    fires: Vec<Vec<(f64, f64)>>,
    pending: Vec<Pending>,
    window_ms: f64,
    /// The session (`visit.count`) of the last decision.
    visit: f64,
    /// Per rule: why it did or did not fire the last time a signal it listens to came.
    why: Vec<Why>,
    /// Per rule: that signal, as an index into `signals`.
    why_signal: Vec<usize>,
    /// Signal names seen so far (interned, so `decide` allocates nothing per rule).
    signals: Vec<String>,
    now: Time,
    order: Vec<usize>,
    claims: Vec<(usize, usize)>,
}

const DAY_MS: f64 = 86_400_000.0;
const MAX_PENDING: usize = 200;

/// Which part of a schedule `now` is outside of: 1 before `from`, 2 after `until`, 3 hours,
/// 4 weekdays; 0 inside.
fn schedule_miss(s: &Schedule, now: Time) -> u8 {
    let local = now.local_ms();
    let h = now.hour();
    if s.from_local_ms.is_some_and(|f| local < f) {
        1
    } else if s.until_local_ms.is_some_and(|u| local >= u) {
        2
    } else if s.hours.is_some_and(|(a, b)| if a <= b { h < a || h > b } else { h < a && h > b }) {
        3
    } else if s.weekdays.as_ref().is_some_and(|w| !w.contains(&now.weekday())) {
        4
    } else {
        0
    }
}

/// Whether two actions want the same thing: one element, or the modal slot.
fn clash(a: &Action, b: &Action) -> bool {
    match (a.selector(), b.selector()) {
        (Some(x), Some(y)) => x.trim() == y.trim(),
        _ => is_modal(a) && is_modal(b),
    }
}

fn is_modal(a: &Action) -> bool {
    matches!(a, Action::Prompt(p) if p.layout == Layout::Modal)
}

/// Drops the first `n` fires (the oldest; `n <= v.len()`): a plain shift instead of a `Drain`.
fn drop_oldest(v: &mut Vec<(f64, f64)>, n: usize) {
    for k in n..v.len() {
        v[k - n] = v[k];
    }
    v.truncate(v.len() - n);
}

impl Decider {
    /// A decider, restoring caps from the stored profile's `caps` (if any).
    pub fn new(bundle: &Bundle, stored: Option<&Value>) -> Decider {
        let (mut ids, mut fires) = (Vec::new(), Vec::new());
        for r in &bundle.rules {
            ids.push(r.id.clone());
            fires.push(Vec::new());
        }
        let mut pending = Vec::new();
        let num = |v: &Value, i: usize| v.as_array().and_then(|a| a.get(i)).and_then(Value::as_f64);
        if let Some(s) = stored {
            for (id, list) in s.get("fires").and_then(Value::as_object).unwrap_or_default() {
                let Some(i) = ids.iter().position(|r| r == id) else { continue };
                let Some(cap) = &bundle.rules[i].cap else { continue };
                for f in list.as_array().unwrap_or_default().iter().take(cap.max as usize) {
                    if let (Some(ms), Some(visit)) = (num(f, 0), num(f, 1)) {
                        fires[i].push((ms, visit));
                    }
                }
            }
            for p in s.get("pending").and_then(Value::as_array).unwrap_or_default().iter().take(MAX_PENDING) {
                let id = p.as_array().and_then(|a| a.first()).and_then(Value::as_str);
                let variant = match p.as_array().and_then(|a| a.get(1)).and_then(Value::as_str) {
                    Some("holdout") => Variant::Holdout,
                    _ => Variant::Shown,
                };
                if let (Some(rule), Some(ms), Some(visit)) = (id.and_then(|id| ids.iter().position(|r| r == id)), num(p, 2), num(p, 3)) {
                    pending.push(Pending { rule, variant, ms, visit });
                }
            }
        }
        Decider {
            why: vec![Why::Unseen; ids.len()],
            ids,
            fires,
            pending,
            window_ms: bundle.settings.conversion_window_hours * 3_600_000.0,
            ..Decider::default()
        }
    }

    /// Whether rule `i` has reached its cap at `now`.
    fn capped(&self, bundle: &Bundle, i: usize, now: Time) -> bool {
        let (Some(cap), Some(fires)) = (&bundle.rules[i].cap, self.fires.get(i)) else { return false };
        fires.iter().filter(|f| self.in_window(&cap.per, **f, now)).count() >= cap.max as usize
    }

    fn in_window(&self, per: &CapWindow, (ms, visit): (f64, f64), now: Time) -> bool {
        match per {
            CapWindow::Session => visit == self.visit,
            CapWindow::Day => Time { ms, offset_min: now.offset_min }.local_day() == now.local_day(),
            CapWindow::Days(n) => now.ms - ms < f64::from(*n) * DAY_MS,
            CapWindow::Lifetime => true,
        }
    }

    /// Decides which rules fire on `signal` given the context. `shopper` seeds holdout bucketing.
    pub fn decide(&mut self, bundle: &Bundle, signal: &str, ctx: &Value, now: Time, shopper: &str) -> (Vec<Decision>, Vec<Suppressed>) {
        let rules = &bundle.rules;
        if self.fires.len() != rules.len() {
            // A decider made for another bundle: start over rather than misattribute.
            *self = Decider::new(bundle, None);
        }
        self.now = now;
        let sig = match self.signals.iter().position(|s| s == signal) {
            Some(k) => k,
            None => {
                self.signals.push(signal.to_string());
                self.signals.len() - 1
            }
        };
        self.visit = ctx.pointer("visit.count").and_then(Value::as_f64).unwrap_or(0.0);
        self.why.resize(rules.len(), Why::Unseen);
        self.why_signal.resize(rules.len(), 0);
        let mut order = std::mem::take(&mut self.order);
        order.clear();
        for (i, r) in rules.iter().enumerate() {
            if r.enabled && !r.on.as_ref().is_none_or(|s| s.iter().any(|n| n == signal)) {
                continue; // not this rule's signal: its last explanation stands
            }
            self.why_signal[i] = sig;
            let sched = match &r.schedule {
                Some(s) => schedule_miss(s, now),
                None => 0,
            };
            self.why[i] = if !r.enabled {
                Why::Disabled
            } else if sched != 0 {
                Why::Schedule(sched)
            } else if self.capped(bundle, i, now) {
                Why::Capped
            } else if !r.when.eval(ctx) {
                Why::When
            } else {
                order.push(i);
                Why::Unseen
            };
        }
        // Highest priority first, bundle order among equals (an insertion sort: the list is short,
        // and the standard library's stable sort costs the wasm ~4 KB per use).
        for k in 1..order.len() {
            let mut j = k;
            while j > 0 && rules[order[j - 1]].priority < rules[order[j]].priority {
                order.swap(j - 1, j);
                j -= 1;
            }
        }

        let mut claims = std::mem::take(&mut self.claims);
        claims.clear();
        let (mut decisions, mut suppressed) = (Vec::new(), Vec::new());
        for &i in &order {
            let r = &rules[i];
            let lost = r.actions.iter().enumerate().find_map(|(ai, a)| {
                claims.iter().find(|(w, wa)| clash(a, &rules[*w].actions[*wa])).map(|(w, _)| (*w, ai))
            });
            if let Some((by, action)) = lost {
                self.why[i] = Why::Lost { by, action };
                let over = r.actions[action].selector().unwrap_or("modal").to_string();
                suppressed.push(Suppressed { rule: i, by, over });
                continue;
            }
            let bucket = if r.holdout > 0.0 { hash(&r.id, shopper, 2).unwrap_or(1.0) } else { 1.0 };
            let variant = if bucket < r.holdout { Variant::Holdout } else { Variant::Shown };
            let actions = if variant == Variant::Shown {
                for (ai, a) in r.actions.iter().enumerate() {
                    if a.selector().is_some() || is_modal(a) {
                        claims.push((i, ai));
                    }
                }
                self.why[i] = Why::Shown;
                render_actions(&r.actions, ctx)
            } else {
                self.why[i] = Why::Holdout(bucket);
                Vec::new()
            };
            if let (Some(cap), Some(fires)) = (&r.cap, self.fires.get_mut(i)) {
                fires.push((now.ms, self.visit));
                let visit = self.visit;
                fires.retain(|f| match cap.per {
                    CapWindow::Session => f.1 == visit,
                    CapWindow::Day => now.ms - f.0 < 2.0 * DAY_MS,
                    CapWindow::Days(n) => now.ms - f.0 < f64::from(n) * DAY_MS,
                    CapWindow::Lifetime => true,
                });
                let extra = fires.len().saturating_sub(cap.max as usize);
                drop_oldest(fires, extra);
            }
            self.pending.push(Pending { rule: i, variant, ms: now.ms, visit: self.visit });
            decisions.push(Decision { rule: i, variant, actions });
        }
        if !decisions.is_empty() {
            let (visit, window) = (self.visit, self.window_ms);
            self.pending.retain(|p| p.visit == visit || now.ms - p.ms <= window);
            let extra = self.pending.len().saturating_sub(MAX_PENDING);
            for _ in 0..extra {
                self.pending.remove(0);
            }
        }
        self.order = order;
        self.claims = claims;
        (decisions, suppressed)
    }

    /// Takes in caps and pending conversions that another tab of the same shop stored, so that a
    /// rule capped at once per session fires once across tabs.
    pub fn merge(&mut self, bundle: &Bundle, stored: &Value) {
        let other = Decider::new(bundle, Some(stored));
        for (i, theirs) in other.fires.iter().enumerate() {
            let Some(max) = bundle.rules.get(i).and_then(|r| r.cap.as_ref()).map(|c| c.max as usize) else { continue };
            let mine = &mut self.fires[i];
            for &f in theirs {
                if !mine.contains(&f) {
                    mine.push(f);
                }
            }
            // Oldest first (an insertion sort: at most a cap's `max` entries).
            for k in 1..mine.len() {
                let mut j = k;
                while j > 0 && mine[j - 1].0 > mine[j].0 {
                    mine.swap(j - 1, j);
                    j -= 1;
                }
            }
            let extra = mine.len().saturating_sub(max);
            drop_oldest(mine, extra);
        }
        for p in &other.pending {
            if self.pending.len() < MAX_PENDING && !self.pending.iter().any(|q| q.rule == p.rule && q.ms == p.ms) {
                self.pending.push(p.clone());
            }
        }
    }

    /// A purchase happened: the conversions it completes, one per rule that decided in this
    /// session or within the conversion window (its most recent decision's variant). Each
    /// decision converts at most once.
    pub fn purchase(&mut self, now: Time, value: Option<f64>) -> Vec<Conversion> {
        let mut out: Vec<Conversion> = Vec::new();
        let mut rules: Vec<usize> = Vec::new();
        for p in self.pending.iter().rev() {
            let live = p.visit == self.visit || (now.ms - p.ms <= self.window_ms && now.ms >= p.ms);
            if live && !rules.contains(&p.rule) {
                if let Some(id) = self.ids.get(p.rule) {
                    rules.push(p.rule);
                    out.push(Conversion { rule: id.clone(), variant: p.variant, value });
                }
            }
        }
        out.reverse();
        // What was not live can never convert again: same session or window both passed.
        self.pending.clear();
        out
    }

    /// State to persist in the profile under `caps`:
    /// `{"fires": {"<rule id>": [[epoch ms, session], ...]}, "pending": [["<rule id>", "shown", epoch ms, session], ...]}`.
    pub fn to_value(&self) -> Value {
        Value::written(|s| self.write_json(s))
    }

    /// Appends [`Decider::to_value`] as JSON text (the profile is written straight to text).
    pub(crate) fn write_json(&self, out: &mut String) {
        let mut w = ObjWriter::new(out);
        let mut fires = ObjWriter::new(w.key("fires"));
        for (k, f) in self.fires.iter().enumerate() {
            let (Some(id), false) = (self.ids.get(k), f.is_empty()) else { continue };
            let o = fires.key(id);
            o.push('[');
            for (i, &(ms, v)) in f.iter().enumerate() {
                o.push_str(if i > 0 { ",[" } else { "[" });
                write_num(ms, o);
                o.push(',');
                write_num(v, o);
                o.push(']');
            }
            o.push(']');
        }
        fires.end();
        let o = w.key("pending");
        o.push('[');
        let mut first = true;
        for p in &self.pending {
            let Some(id) = self.ids.get(p.rule) else { continue };
            o.push_str(if std::mem::replace(&mut first, false) { "[" } else { ",[" });
            write_str(id, o);
            o.push(',');
            write_str(p.variant.as_str(), o);
            for &n in &[p.ms, p.visit] {
                o.push(',');
                write_num(n, o);
            }
            o.push(']');
        }
        o.push(']');
        w.end();
    }

    /// Why each rule (or the one named) did or did not fire at the last decision:
    /// `[{"id": "exit-offer", "fired": false, "reason": "when: cart.value is 40, needs $gte 100"}]`
    /// (a fired rule also has `"variant"`).
    ///
    /// Each rule keeps the outcome of the last signal it listens to (a `scroll_depth` does not
    /// wipe out why the exit offer did not fire); a failing `when` is explained against `ctx`, the
    /// context as it is now.
    pub fn explain(&self, bundle: &Bundle, rule: Option<&str>, ctx: &Value) -> Value {
        Value::written(|s| self.write_explain(bundle, rule, ctx, s))
    }

    /// [`Decider::explain`] written straight to JSON text at the end of `out`.
    pub fn write_explain(&self, bundle: &Bundle, rule: Option<&str>, ctx: &Value, out: &mut String) {
        out.push('[');
        let mut first = true;
        for (i, r) in bundle.rules.iter().enumerate() {
            if rule.is_some_and(|id| id != r.id) {
                continue;
            }
            let why = self.why.get(i).copied().unwrap_or_default();
            let mut reason = String::new();
            let mut variant = None;
            match why {
                Why::Unseen => match &r.on {
                    Some(on) => {
                        reason.push_str("waiting for signal ");
                        for (k, name) in on.iter().enumerate() {
                            if k > 0 {
                                reason.push_str(" or ");
                            }
                            reason.push_str(name);
                        }
                    }
                    None => reason.push_str("not evaluated yet"),
                },
                Why::Disabled => reason.push_str("disabled (\"enabled\": false)"),
                Why::Schedule(part) => {
                    reason.push_str("outside schedule (");
                    self.schedule_reason(r.schedule.as_ref(), part, &mut reason);
                    reason.push(')');
                }
                Why::Capped => {
                    if let Some(cap) = &r.cap {
                        reason.push_str("capped: ");
                        write_num(f64::from(cap.max), &mut reason);
                        reason.push_str(match cap.per {
                            CapWindow::Session => " per session",
                            CapWindow::Day => " per day",
                            CapWindow::Days(_) => " per ",
                            CapWindow::Lifetime => " per lifetime",
                        });
                        if let CapWindow::Days(n) = cap.per {
                            write_num(f64::from(n), &mut reason);
                            reason.push_str(" days");
                        }
                        reason.push_str(" reached");
                    }
                }
                Why::When => {
                    reason.push_str("when: ");
                    match r.when.explain(ctx) {
                        Some(why) => reason.push_str(&why),
                        None => reason.push_str("did not hold then, holds now; fires on the next signal it listens to"),
                    }
                }
                Why::Lost { by, action } => {
                    reason.push_str("lost to rule ");
                    reason.push_str(bundle.rules.get(by).map_or("?", |w| w.id.as_str()));
                    reason.push_str(" over ");
                    reason.push_str(r.actions.get(action).and_then(Action::selector).unwrap_or("modal"));
                }
                Why::Shown => {
                    variant = Some(Variant::Shown);
                    reason.push_str("fired on signal ");
                    reason.push_str(self.signals.get(self.why_signal.get(i).copied().unwrap_or(0)).map_or("", String::as_str));
                }
                Why::Holdout(bucket) => {
                    variant = Some(Variant::Holdout);
                    reason.push_str("held out (bucket ");
                    write_num((bucket * 10_000.0).floor() / 10_000.0, &mut reason);
                    reason.push_str(" < ");
                    write_num(r.holdout, &mut reason);
                    reason.push(')');
                }
            }
            if !std::mem::replace(&mut first, false) {
                out.push(',');
            }
            let mut o = ObjWriter::new(out);
            o.str("id", Some(&r.id));
            o.key("fired").push_str(if variant.is_some() { "true" } else { "false" });
            if let Some(v) = variant {
                o.str("variant", Some(v.as_str()));
            }
            o.str("reason", Some(&reason));
            o.end();
        }
        out.push(']');
    }

    fn schedule_reason(&self, s: Option<&Schedule>, part: u8, out: &mut String) {
        let Some(s) = s else { return };
        let now = self.now;
        match part {
            1 => {
                out.push_str("starts ");
                out.push_str(&format_local(s.from_local_ms.unwrap_or_default()));
            }
            2 => {
                out.push_str("ended ");
                out.push_str(&format_local(s.until_local_ms.unwrap_or_default()));
            }
            3 => {
                let (a, b) = s.hours.unwrap_or_default();
                out.push_str("hours ");
                write_num(f64::from(a), out);
                out.push('-');
                write_num(f64::from(b), out);
                out.push_str(", now ");
                write_num(f64::from(now.hour()), out);
            }
            _ => {
                out.push_str("weekdays ");
                for (i, d) in s.weekdays.as_deref().unwrap_or_default().iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(WEEKDAYS.get(*d as usize).map_or("?", |n| &n[..3]));
                }
                out.push_str("; today ");
                out.push_str(WEEKDAYS.get(now.weekday() as usize).map_or("?", |n| &n[..3]));
            }
        }
    }
}
