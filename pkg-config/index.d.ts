// Type definitions for moments-sdk: the JS API (CONTRACT §2), the SDK events (§6), the context
// conditions read (§4) and the rule bundle (§3, §5, §7). Hand-written; kept in step with
// src/engine/src/bundle.schema.json (the bundle's JSON Schema, printed by `moments schema`).

// ---------------------------------------------------------------------------------------------
// Starting the SDK
// ---------------------------------------------------------------------------------------------

/** Where the shopper's profile (visits, cart, caps) is kept once consent allows storing it. */
export type StorageKind =
  /** `localStorage` (default): remembered across visits and tabs. */
  | "local"
  /** `sessionStorage`: remembered in this tab only. */
  | "session"
  /** Memory only: forgotten when the page unloads. */
  | "memory";

/** Options of {@link init}. Only `bundle` is required. */
export interface InitOptions {
  /**
   * The rule bundle: a URL (absolute or relative to the page, fetched with same-origin
   * credentials), a bundle object, or the bundle's JSON text.
   * @example init({ bundle: "/moments/bundle.json" })
   */
  bundle: string | Bundle;
  /**
   * Whether the profile may be stored. `true`/`"granted"`: store from the start;
   * `false`/`"pending"`: keep everything in memory until `consent(true)`. Default: the bundle's
   * `settings.consent` (which defaults to `"granted"`).
   */
  consent?: boolean | "granted" | "pending";
  /** Console logs of signals, decisions and problems, and the debug overlay. Default `false`. */
  debug?: boolean;
  /** Where the profile is kept. Default `"local"`; falls back to memory when storage is blocked or full. */
  storage?: StorageKind;
  /**
   * Where to fetch the wasm from. Default: `moments_wasm_bg.wasm` beside the module, which bundlers
   * (Vite, webpack, Rollup, Parcel) copy and fingerprint. Set it when you host the file yourself.
   */
  wasmUrl?: string | URL;
  /**
   * Handlers attached before the SDK starts, so they also see `ready`, `error` and the decisions of
   * the first page view (a handler attached after `await init()` has missed those).
   * @example init({ bundle, on: { decision: (d) => console.log(d.rule, d.variant) } })
   */
  on?: { [E in keyof MomentsEventMap]?: Handler<E> | Handler<E>[] } & { [name: string]: Handler<any> | Handler<any>[] | undefined };
}

/**
 * Starts Moments on this page: fetches the bundle, compiles the wasm (streaming, in parallel),
 * checks the bundle, starts listening and applies the first decisions.
 *
 * Never rejects: when the bundle cannot be fetched or is invalid, the promise resolves to an inert
 * {@link Moments} object (every call is a no-op) and the problems go to `on("error")`, to
 * `window.dataLayer` as `moments_error`, and to the console in debug. The page stays untouched.
 *
 * In Node (no DOM) it resolves to an inert object after an `error` event: use {@link validate}
 * and {@link evaluate} there.
 *
 * @example
 * import { init } from "moments-sdk";
 * const m = await init({ bundle: "/moments/bundle.json" });
 * m.track("add_to_cart", { id: "sku-1", price: 25, quantity: 1 });
 */
export function init(options: InitOptions): Promise<Moments>;

/**
 * Like {@link init}, but returns the {@link Moments} object at once; its `ready` promise settles as
 * `init`'s would. `on`/`off` work immediately. Calls made before the SDK has started are kept (up
 * to 1000): `set`, `consent` and `reset` take effect before the first page view's decisions,
 * `track` and `fire` right after them, each in the order made. Reads (`context`, `explain`) answer
 * empty until then; when the bundle is refused, the kept calls are dropped.
 * @example
 * const m = create({ bundle: "/moments/bundle.json" });
 * m.set({ tier: "gold" }); // page_view rules on custom.tier see it
 */
export function create(options: InitOptions): Moments;

/**
 * Loads and compiles the wasm once, so that {@link validate} and {@link evaluate} work in a
 * browser before (or without) {@link init}. In Node it is loaded on first use and this is not needed.
 */
export function load(wasmUrl?: string | URL): Promise<void>;

/**
 * Checks a bundle (an object or its JSON text) exactly as the SDK does at start: the shape, the
 * operators, regular expressions, selectors, segment and flow references. Never throws.
 *
 * Works synchronously in Node ≥ 18 (no DOM needed), e.g. a bundle check in a shop's CI; in a
 * browser after {@link load} or {@link init}.
 *
 * @example
 * const { ok, errors } = validate(JSON.parse(fs.readFileSync("bundle.json", "utf8")));
 * for (const e of errors) console.error(`${e.path}: ${e.message}`);
 */
export function validate(bundle: Bundle | string | unknown): ValidationResult;

/**
 * Evaluates one condition against one context (GrowthBook's `evalCondition` semantics). Never
 * throws: false on bad input. For tests and tools; works in Node.
 *
 * @example evaluate({ "cart.value": { $gte: 100 } }, { cart: { value: 120 } }) // true
 */
export function evaluate(condition: Condition, context: Partial<Context> | Record<string, unknown>): boolean;

/** The result of {@link validate}. `ok` is false when any problem has severity `"error"`. */
export interface ValidationResult {
  ok: boolean;
  /** Every problem, errors and warnings, in bundle order. */
  errors: Problem[];
}

/** One problem found in a bundle. */
export interface Problem {
  /** Where, as a path into the bundle: `rules[2].when.cart.value` (`""` = the whole bundle). */
  path: string;
  /** What is wrong, e.g. `unknown operator "$gte "`. */
  message: string;
  /** `"error"` refuses the bundle; `"warning"` (e.g. an unused segment) does not. */
  severity: "error" | "warning";
  /** `path: message`, ready to print (warnings start with `warning: `). */
  text?: string;
}

// ---------------------------------------------------------------------------------------------
// The running SDK
// ---------------------------------------------------------------------------------------------

/** An SDK event handler. */
export type Handler<E extends string> = (detail: E extends keyof MomentsEventMap ? MomentsEventMap[E] : EmitDetail) => void;

/**
 * The running SDK (also `window.Moments` with the script tag). No method ever throws into the
 * page: bad input is reported through `on("error")` and, in debug, the console.
 */
export interface Moments {
  /**
   * A custom or commerce event: a signal rules can name in `on`. Commerce names (`add_to_cart`,
   * `remove_from_cart`, `view_item`, `view_cart`, `begin_checkout`, `purchase`, `search`) also
   * update the context (`cart.*`, `search.*`).
   * @example m.track("add_to_cart", { id: "sku-1", price: 25, quantity: 1 })
   * @example m.track("purchase", { value: 120, currency: "USD" })
   * @example m.track("newsletter_signup")
   */
  track(name: string, props?: TrackProps): void;
  /** Site-provided attributes, readable in conditions as `custom.<name>`. Merged into earlier ones. */
  set(attrs: Record<string, unknown>): void;
  /** Grants (`true`: the profile is stored from now on) or withdraws consent (`false`: what was stored is erased). */
  consent(granted: boolean): void;
  /** Adds an SDK event handler. Names other than the built-in ones receive `emit` actions of that name. */
  on<E extends keyof MomentsEventMap>(event: E, handler: Handler<E>): void;
  on(event: string, handler: (detail: EmitDetail) => void): void;
  /** Removes a handler added with {@link Moments.on}. */
  off<E extends keyof MomentsEventMap>(event: E, handler: Handler<E>): void;
  off(event: string, handler: (detail: EmitDetail) => void): void;
  /**
   * A plain-object snapshot of the context that conditions see ({@link Context}). Before `ready`
   * (and when the SDK is inert) it is the context before the first page view: every field there,
   * with zero counts, an empty cart and `moment: "none"`, so a first render can read it.
   */
  context(): Context;
  /** Why each rule (or just `ruleId`) did or did not fire at the last evaluation. */
  explain(ruleId?: string): Explanation;
  /** Raises a signal by hand, as if it had happened (QA, the debug overlay). */
  fire(signal: SignalName): void;
  /** Forgets the shopper: profile, caps, session. */
  reset(): void;
  /**
   * Removes every listener, timer, prompt and change the SDK made; the page is as before. The
   * object is inert afterwards. Called before `ready` (a framework effect's cleanup), it stops the
   * start: that instance never runs, so a new `init()` in the next mount is the only one.
   */
  destroy(): void;
  /** The same as the module's {@link validate}. */
  validate(bundle: Bundle | string | unknown): ValidationResult;
  /** The same as the module's {@link evaluate}. */
  evaluate(condition: Condition, context: Partial<Context> | Record<string, unknown>): boolean;
  /** Starts another, independent SDK instance (rarely needed). */
  init(options: InitOptions): Promise<Moments>;
  /** Resolves (never rejects) once the SDK has started, or has given up and is inert. */
  ready: Promise<Moments>;
}

/** Properties of {@link Moments.track}. Commerce events read these; any other keys are kept. */
export interface TrackProps {
  id?: string;
  name?: string;
  price?: number;
  quantity?: number;
  /** Order or event value (e.g. a purchase's total). */
  value?: number;
  currency?: string;
  /** A `search` event's query. */
  query?: string;
  /** GA4-style items, as in `dataLayer` ecommerce events. */
  items?: Array<{ item_id?: string; item_name?: string; price?: number; quantity?: number; [k: string]: unknown }>;
  [key: string]: unknown;
}

/**
 * The window global defined by the script tag: the {@link Moments} API plus the pre-load queue's
 * `push`, usable before the script has loaded:
 * `window.Moments = window.Moments || []; Moments.push(["track", "add_to_cart", { value: 25 }]);`
 */
export interface MomentsGlobal extends Omit<Moments, "ready" | "init"> {
  /** Queues calls (`[method, ...args]`) or callbacks (`(m) => void`, run once ready). */
  push(...calls: Array<MomentsQueueCall | ((m: MomentsGlobal) => void)>): number;
  /** Starts the SDK when the tag has no `data-bundle` (the `wasmUrl` defaults to beside the script). */
  init(options: InitOptions): Promise<MomentsGlobal>;
  /** Set once the SDK starts; resolves when it is ready (or inert). */
  ready?: Promise<MomentsGlobal>;
  /**
   * Shows (`true`, default) or hides (`false`) the debug overlay: signals, decisions, the context,
   * why each rule did or did not fire, and buttons to fire signals. Fetched from `moments-debug.js`
   * beside `moments.js` the first time. `data-debug` on the tag or `?moments_debug=1` in the URL
   * open it at start (and turn on console logs).
   */
  debug(on?: boolean): void;
}

/** One entry of the pre-load queue. */
export type MomentsQueueCall =
  | ["track", string, TrackProps?]
  | ["set", Record<string, unknown>]
  | ["consent", boolean]
  | ["on" | "off", string, (detail: any) => void]
  | ["fire", SignalName]
  | ["reset"]
  | ["destroy"]
  /** Starts the SDK when the tag has no `data-bundle` (ignored when it has one). */
  | ["init", InitOptions]
  | ["debug", boolean?];

declare global {
  interface Window {
    /** Moments (script tag): the API once the script ran, or the page's pre-load queue before. */
    Moments?: MomentsGlobal | Array<MomentsQueueCall | ((m: MomentsGlobal) => void)>;
  }
}

// ---------------------------------------------------------------------------------------------
// SDK events (§6). Each is also pushed to window.dataLayer as `moments_<event>` with its detail.
// ---------------------------------------------------------------------------------------------

/** The SDK events and the detail each handler receives. */
export interface MomentsEventMap {
  /** The SDK started: the bundle is loaded and the first page view handled. */
  ready: ReadyDetail;
  /** A signal was raised (page_view, scroll_depth, exit_intent, a track() name, …). */
  signal: SignalDetail;
  /** A rule fired: shown to the shopper, or held out (measured, not shown). */
  decision: DecisionDetail;
  /** An action was applied to the page. */
  action: ActionDetail;
  /** A prompt opened. */
  prompt_shown: PromptDetail;
  /** The shopper closed a prompt (close button, Esc, backdrop). */
  prompt_dismissed: PromptDetail;
  /** The shopper clicked a prompt's call to action or a flow button. */
  prompt_clicked: PromptClickedDetail;
  /** A purchase converted an earlier decision (both variants, so lift can be measured). */
  conversion: ConversionDetail;
  /** A problem: the bundle could not be fetched or was refused, storage is blocked, a call failed. */
  error: ErrorDetail;
}

/** The SDK event names. */
export type MomentsEvent = keyof MomentsEventMap;

export interface ReadyDetail {
  /** The bundle's `id`. */
  bundle: string;
}
export interface SignalDetail {
  name: SignalName;
}
export interface DecisionDetail {
  /** The rule's `id`. */
  rule: string;
  /** `"shown"`: the actions were applied; `"holdout"`: the shopper is in the control group. */
  variant: Variant;
  /** The signal the decision was made on. */
  signal: SignalName;
}
export interface ActionDetail {
  rule: string;
  /** The action's kind. */
  type: ActionType;
  /** How many elements it touched (0: waiting for them to appear). */
  elements: number;
}
export interface PromptDetail {
  rule: string;
}
export interface PromptClickedDetail {
  rule: string;
  /** The button's label. */
  label: string;
  /** The flow node, when a flow button was clicked. */
  node?: string;
}
export interface ConversionDetail {
  rule: string;
  variant: Variant;
  /** The purchase's value, when known. */
  value: number | null;
}
export interface ErrorDetail {
  /** What went wrong, e.g. `bundle refused` or `bundle /b.json: HTTP 404`. */
  message: string;
  /** The bundle's problems, when it was refused. */
  errors?: Problem[];
  /** Where, for a warning (`storage`, `profile`). The bundle's own warnings are not events: see
   * {@link validate}, or the console with `debug`. */
  path?: string;
  severity?: "error" | "warning";
}
/** The detail of an event raised by an `emit` action: its `props`. */
export type EmitDetail = Record<string, unknown>;

/** Shown to the shopper or held out. */
export type Variant = "shown" | "holdout";

/** What {@link Moments.explain} returns. */
export interface Explanation {
  rules: Array<{
    id: string;
    /** Whether the rule fired at the last evaluation. */
    fired: boolean;
    variant?: Variant;
    /** e.g. `fired on signal page_view`, `when: cart.value is 40, not >= 100`, `capped: 1 per session reached`. */
    reason: string;
  }>;
  /** The evidence behind `moment` and `abandonment.risk`. */
  sensing: Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------
// The context (§4): what conditions read, as dotted paths (`cart.value`, `segments.bigCart`).
// ---------------------------------------------------------------------------------------------

/** A micro-moment: know (researching), go (a place), do (a task), buy (ready to purchase). */
export type MicroMoment = "know" | "go" | "do" | "buy" | "none";

export interface Context {
  page: {
    url: string;
    path: string;
    /** From `<meta name="moments:page-type">` or the URL: home, category, product, search, cart, checkout, … */
    type: string;
    referrer: string;
    title: string;
  };
  device: { type: "mobile" | "tablet" | "desktop"; touch: boolean };
  visit: { count: number; returning: boolean; daysSinceLast: number | null };
  session: { pageviews: number; seconds: number };
  scroll: {
    /** Current depth, 0..100 (% of the page). */
    depth: number;
    maxDepth: number;
    /** Pixels per second, negative when scrolling up. */
    velocity: number;
    /** The last scroll_depth milestone reached: 0, 25, 50, 75 or 90. */
    milestone: number;
  };
  search: {
    /** The last query (`null` before any search). */
    query: string | null;
    count: number;
    /** Recent queries, newest last. */
    lastQueries: string[];
  };
  cart: {
    items: number;
    value: number;
    currency: string | null;
    /** Seconds since the cart first had an item (0 when empty). */
    ageSeconds: number;
    /** Seconds since the cart last changed. */
    lastChange: number;
  };
  idle: { seconds: number };
  /** The shopper's current micro-moment. */
  moment: MicroMoment;
  /** 0..1 evidence for each micro-moment. */
  momentScores: { know: number; go: number; do: number; buy: number };
  abandonment: { risk: number };
  /** The campaign parameters of this visit (`null` when absent). */
  utm: { source: string | null; medium: string | null; campaign: string | null };
  channel: "email" | "social" | "paid" | "organic" | "referral" | "direct";
  journey: { stage: "aware" | "research" | "purchase" | "loyal"; firstChannel?: string | null; lastChannel?: string | null };
  time: {
    /** Local hour 0..23. */
    hour: number;
    /** Local weekday, 0 = Sunday. */
    weekday: number;
  };
  /** What the site passed to `set()`. */
  custom: Record<string, unknown>;
  /** Each bundle segment, true or false. */
  segments: Record<string, boolean>;
  /** Flow answers: `flow.<node id>` is the label of the button chosen there. */
  flow?: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------
// Signals (§5)
// ---------------------------------------------------------------------------------------------

/** The built-in signals. */
export type BuiltInSignal =
  | "page_view"
  | "scroll_depth"
  | "search"
  | "view_item"
  | "add_to_cart"
  | "remove_from_cart"
  | "view_cart"
  | "begin_checkout"
  | "purchase"
  | "idle"
  | "exit_intent"
  | "tab_hidden"
  | "cart_abandoned"
  | "checkout_abandoned"
  | "returning_with_cart"
  | "moment_changed";

/** A built-in signal or any name given to `track()`. */
export type SignalName = BuiltInSignal | (string & {});

// ---------------------------------------------------------------------------------------------
// The rule bundle (§3, §7), version 1
// ---------------------------------------------------------------------------------------------

/**
 * A rule bundle: what a page does for a shopper. The file `data-bundle` / `init({bundle})` points
 * at. An invalid bundle is refused whole, with every problem listed by path.
 *
 * @example
 * const bundle: Bundle = {
 *   version: 1,
 *   id: "spring-sale",
 *   rules: [{
 *     id: "exit-offer",
 *     on: ["exit_intent"],
 *     when: { "cart.items": { $gt: 0 } },
 *     do: [{ prompt: { layout: "modal", title: "Wait! 10% off", body: "Use code STAY10" } }],
 *     cap: { max: 1, per: "session" },
 *   }],
 * };
 */
export interface Bundle {
  /** The schema this file follows, for editors (`moments schema` prints it). */
  $schema?: string;
  /** The bundle language version: 1. */
  version: 1;
  /** The bundle's name, e.g. `"spring-sale"`. */
  id?: string;
  /** Free text for people; ignored. */
  description?: string;
  settings?: Settings;
  /**
   * Named conditions, readable in rules as `segments.<name>` (true/false). A segment cannot use
   * other segments. Names contain no dot.
   * @example { bigCart: { "cart.value": { $gte: 100 } } }
   */
  segments?: Record<string, Condition>;
  /** The rules, in bundle order (which breaks priority ties). */
  rules: Rule[];
}

/** How the SDK senses the shopper. Every field has a default. */
export interface Settings {
  /** `"granted"` (default): store the profile from the start; `"pending"`: wait for `consent(true)`. `data-consent` / `init({consent})` override it. */
  consent?: "granted" | "pending";
  /** CSS selectors the SDK listens on for commerce signals. */
  selectors?: {
    /** Clicks are `add_to_cart` (props from `data-id`, `data-price`, `data-quantity`). Default `[data-add-to-cart]`. */
    addToCart?: string;
    /** Submits are `search`. Default `form[role=search]`. */
    searchForm?: string;
    /** Clicks are `begin_checkout`. Default `[data-begin-checkout]`. */
    checkout?: string;
  };
  /** When a cart counts as abandoned. */
  abandonment?: {
    /** Seconds without input before `idle` (and `cart_abandoned` with a non-empty cart). 1..86400, default 45. */
    idleSeconds?: number;
    /** A cart older than this on a new visit gives `returning_with_cart`. 0..8760, default 24. */
    staleCartHours?: number;
  };
  /** How eagerly `exit_intent` fires. */
  exitIntent?: {
    /** Pixels from the top edge within which a leaving pointer counts. 0..500, default 20. */
    sensitivity?: number;
    /** Also detect on touch devices (fast scroll-up, back, tab switch). Default true. */
    mobile?: boolean;
    /** Seconds on the page before exit intent may fire. Default 3. */
    minSeconds?: number;
    /** Milliseconds to wait after the pointer leaves; coming back within it cancels. Default 300. */
    delayMs?: number;
  };
  /** Extra keywords for the micro-moment classifier (added to the built-in English and Vietnamese lexicon). */
  lexicon?: { know?: string[]; go?: string[]; do?: string[]; buy?: string[] };
  /** A purchase within this many hours of a decision counts as its conversion. Default 24. */
  conversionWindowHours?: number;
  /** More URL query parameters that carry a search (`["tu-khoa"]`), read after the built-in
   * `q`, `s`, `search`, `query` and `keyword`. */
  searchParams?: string[];
}

/**
 * A rule: on a signal, when a condition holds, do actions.
 * @example
 * { id: "big-cart-banner", on: ["view_cart"], when: { "cart.value": { $gte: 100 } },
 *   do: [{ replace: { selector: "#ship-note", text: "Free shipping on your {{cart.items}} items!" } }] }
 */
export interface Rule {
  /** Unique id; decisions, conversions and caps are reported under it. */
  id: string;
  /** Free text for people; ignored. */
  description?: string;
  /** `false` keeps the rule (and its explanation) but never fires it. Default true. */
  enabled?: boolean;
  /** The signals that make the rule be considered; absent = every signal. */
  on?: SignalName | SignalName[];
  /** The condition over the {@link Context}; absent = always. */
  when?: Condition;
  /** Actions, applied in order. */
  do: Action[];
  /** At most `max` fires per window, per shopper (held-out fires count too). */
  cap?: Cap;
  /** Higher wins when two rules want the same element or both open a modal. Default 0; ties go to bundle order. */
  priority?: number;
  /** When the rule is active, in the shopper's local time. */
  schedule?: Schedule;
  /** Share of shoppers (0..1), chosen deterministically per shopper and rule, held out: measured, not shown. */
  holdout?: number;
}

/** A frequency cap. */
export interface Cap {
  /** 1..100. */
  max: number;
  /** `session`, `day` (local calendar day), `week` (7 days), `lifetime`, or a number of days like `"3d"`. */
  per: "session" | "day" | "week" | "lifetime" | `${number}d`;
}

/** When a rule is active, in the shopper's local time. */
export interface Schedule {
  /** Active from this local date or date-time, inclusive: `"2026-03-01"` or `"2026-03-01T09:00"`. */
  from?: string;
  /** Active until this local date or date-time, exclusive. */
  until?: string;
  /** `[start, end]`: from start:00 to end:59 local time; wraps past midnight when start > end. */
  hours?: [number, number];
  /** Local weekdays: 0 = Sunday .. 6 = Saturday, or names (`"mon"`, `"Tuesday"`). */
  weekdays?: Array<number | string>;
}

// ---------------------------------------------------------------------------------------------
// Conditions: GrowthBook's MongoDB-style targeting language
// ---------------------------------------------------------------------------------------------

/** A JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * A condition: dotted context paths mapped to a value (equality) or to operators, combined with
 * `$and`, `$or`, `$nor`, `$not`. Semantics follow GrowthBook's `evalCondition`.
 *
 * @example { "cart.items": { $gt: 0 }, "page.type": { $in: ["cart", "checkout"] } }
 * @example { $or: [{ moment: "buy" }, { "abandonment.risk": { $gte: 0.7 } }] }
 * @example { "search.lastQueries": { $elemMatch: { $regex: "^(giày|shoes)" } } }
 */
export type Condition = {
  $and?: Condition[];
  $or?: Condition[];
  $nor?: Condition[];
  $not?: Condition;
} & {
  [path: string]: ConditionValue | Condition[] | Condition | undefined;
};

/** What a path maps to: a value to equal, or an object of operators. */
export type ConditionValue = JsonValue | Operators;

/** The operators (an object with any of these keys). */
export interface Operators {
  /** Equals. */
  $eq?: JsonValue;
  /** Does not equal. */
  $ne?: JsonValue;
  /** Greater than (numbers, or strings compared as strings). */
  $gt?: number | string;
  $gte?: number | string;
  $lt?: number | string;
  $lte?: number | string;
  /** The value (or any element of an array value) is one of these. */
  $in?: JsonValue[];
  /** The value is none of these. */
  $nin?: JsonValue[];
  /** The array value contains all of these. */
  $all?: JsonValue[];
  /** Some element of the array value matches this condition (or these operators). */
  $elemMatch?: Condition | Operators;
  /** The array value's length equals, or matches these operators. */
  $size?: number | Operators;
  /** The path exists (true) or not (false). */
  $exists?: boolean;
  /** The value's type. */
  $type?: "string" | "number" | "boolean" | "array" | "object" | "null" | "undefined";
  /** The string value matches this regular expression. */
  $regex?: string;
  /** Negates these operators. */
  $not?: Operators | JsonValue;
  /** Version comparisons (`"1.2.10" > "1.2.9"`). */
  $veq?: string;
  $vne?: string;
  $vgt?: string;
  $vgte?: string;
  $vlt?: string;
  $vlte?: string;
  /** Case-insensitive forms of `$in`, `$nin`, `$all` and `$regex`. */
  $ini?: JsonValue[];
  $nini?: JsonValue[];
  $alli?: JsonValue[];
  $regexi?: string;
  /** Membership of a GrowthBook saved group (by id). */
  $inGroup?: string;
  $notInGroup?: string;
}

// ---------------------------------------------------------------------------------------------
// Actions (§7)
// ---------------------------------------------------------------------------------------------

/** The kinds of action. */
export type ActionType = "replace" | "insert" | "attr" | "class" | "hide" | "show" | "prompt" | "emit";

/**
 * One action: an object with exactly one key. Text may use `{{path}}` to insert a context value,
 * always escaped; `html` passes an allow-list sanitizer (no scripts, no event handlers, no
 * `javascript:` URLs). Changes are undone on single-page navigation and by `destroy()`.
 */
export type Action =
  | ReplaceAction
  | InsertAction
  | AttrAction
  | ClassAction
  | HideAction
  | ShowAction
  | PromptAction
  | EmitAction;

/**
 * Replaces the content of the elements matching `selector` with `text` or sanitized `html` (exactly one).
 * @example { replace: { selector: "#hero-title", text: "Welcome back, your cart is waiting" } }
 */
export interface ReplaceAction {
  replace: { selector: string; text: string; html?: never } | { selector: string; html: string; text?: never };
}
/**
 * Inserts sanitized HTML before, after, or as the first/last child of the elements.
 * @example { insert: { selector: "#promo", position: "append", html: "<p>Free shipping today</p>" } }
 */
export interface InsertAction {
  insert: { selector: string; position: "before" | "after" | "prepend" | "append"; html: string };
}
/**
 * Sets an attribute. Never an `on*` handler or `srcdoc`; URL attributes must be safe URLs.
 * @example { attr: { selector: "#hero-cta", name: "href", value: "/cart" } }
 */
export interface AttrAction {
  attr: { selector: string; name: string; value: string };
}
/**
 * Adds and/or removes classes (space-separated string or array).
 * @example { class: { selector: "#banner", add: "is-urgent", remove: ["is-quiet"] } }
 */
export interface ClassAction {
  class: { selector: string; add?: string | string[]; remove?: string | string[] };
}
/** Hides the elements matching the selector. @example { hide: "#newsletter-popup" } */
export interface HideAction {
  hide: string;
}
/** Shows the elements matching the selector (undoes `display: none`). @example { show: "#chat-button" } */
export interface ShowAction {
  show: string;
}
/** Opens a prompt. */
export interface PromptAction {
  prompt: Prompt;
}
/**
 * Raises an event for `on(name)` handlers and `dataLayer` (`moments_<name>`), with `props` as detail.
 * @example { emit: { name: "offer_shown", props: { code: "STAY10" } } }
 */
export interface EmitAction {
  emit: Emit;
}
export interface Emit {
  name: string;
  props?: Record<string, JsonValue>;
}

/**
 * A prompt, rendered in a shadow root (page styles don't leak in or out), keyboard- and
 * screen-reader-usable (focus trap, Esc closes, `aria-modal`). Never two at once. Needs `body`
 * or `flow`.
 * @example { layout: "modal", title: "Wait! 10% off", body: "Use code STAY10 on {{cart.items}} items",
 *            cta: { label: "Back to cart", href: "/cart" } }
 */
export interface Prompt {
  layout: "modal" | "banner" | "toast" | "slide-in";
  title: string;
  body?: string;
  /** An image URL (no `javascript:`/`data:`). */
  image?: string;
  /** The call to action. */
  cta?: { label: string; href?: string };
  /** The close button's label (default "Close"). */
  dismiss?: string;
  /** Turns the prompt into a short branching conversation. */
  flow?: Flow;
}

/**
 * A short branching conversation. Answers are readable in conditions as `flow.<node id>`.
 * @example
 * { start: "size", nodes: {
 *     size: { text: "Which size do you wear?", buttons: [
 *       { label: "S–M", next: "fit" }, { label: "Size guide", href: "/size-guide" } ] },
 *     fit: { text: "Go half a size up.", buttons: [{ label: "Thanks", emit: { name: "fit_advice" } }] } } }
 */
export interface Flow {
  /** The id of the first node. */
  start: string;
  /** The nodes by id (ids contain no dot). */
  nodes: Record<string, FlowNode>;
}
export interface FlowNode {
  text: string;
  /** Two to four buttons read best. */
  buttons?: FlowButton[];
}
/** A label and exactly one of `next` (a node id), `href`, `emit` or `do`. */
export type FlowButton =
  | { label: string; next: string; href?: never; emit?: never; do?: never }
  | { label: string; href: string; next?: never; emit?: never; do?: never }
  | { label: string; emit: Emit; next?: never; href?: never; do?: never }
  | { label: string; do: Action[]; next?: never; href?: never; emit?: never };
