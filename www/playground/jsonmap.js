// A small JSON tokenizer that remembers where things are: the line of every object key and array
// element, so that an engine error path like `rules[2].do[0].prompt.layout` can be shown at its
// line. Tolerant: on a syntax error it returns what it read so far, plus the error's line/column.

/**
 * Reads JSON text. Returns `{root, error}`: `root` is a tree of nodes
 * `{type, line, members?: [{key, line, value}], items?: [node]}` (possibly partial), `error` is
 * `{line, col, message}` or null.
 */
export function parseLines(text) {
  let i = 0;
  let line = 1;
  let lineStart = 0;
  let root = null;
  const n = text.length;
  const fail = (message) => {
    throw { line, col: i - lineStart + 1, message };
  };
  const space = () => {
    while (i < n) {
      const c = text[i];
      if (c === "\n") {
        line++;
        lineStart = ++i;
      } else if (c === " " || c === "\t" || c === "\r") i++;
      else break;
    }
  };
  const string = () => {
    let out = "";
    i++; // the opening quote
    while (i < n) {
      const c = text[i];
      if (c === '"') {
        i++;
        return out;
      }
      if (c === "\n") break;
      if (c === "\\") {
        const e = text[i + 1];
        if (e === "u") {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16) || 0);
          i += 6;
        } else {
          out += { n: "\n", t: "\t", r: "\r", b: "\b", f: "\f" }[e] ?? e ?? "";
          i += 2;
        }
        continue;
      }
      out += c;
      i++;
    }
    fail("unterminated string");
  };
  // `attach(node)` hands the node to its parent before its insides are read, so a syntax error
  // deep inside still leaves every key above it located.
  const value = (attach) => {
    space();
    const node = { type: "", line };
    attach(node);
    const c = text[i];
    if (c === "{") {
      node.type = "object";
      node.members = [];
      i++;
      space();
      if (text[i] === "}") return void i++;
      for (;;) {
        space();
        if (text[i] !== '"') fail("expected a key in quotes");
        const member = { key: "", line, value: null };
        member.key = string();
        node.members.push(member);
        space();
        if (text[i] !== ":") fail(`expected ":" after "${member.key}"`);
        i++;
        value((v) => (member.value = v));
        space();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "}") return void i++;
        fail('expected "," or "}"');
      }
    }
    if (c === "[") {
      node.type = "array";
      node.items = [];
      i++;
      space();
      if (text[i] === "]") return void i++;
      for (;;) {
        value((v) => node.items.push(v));
        space();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "]") return void i++;
        fail('expected "," or "]"');
      }
    }
    if (c === '"') {
      node.type = "string";
      node.value = string();
      return;
    }
    const m = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 64));
    if (!m) fail(i >= n ? "unexpected end of text" : `unexpected "${c}"`);
    node.type = "literal";
    i += m[0].length;
  };
  try {
    value((v) => (root = v));
    space();
    if (i < n) fail("text after the end of the JSON value");
    return { root, error: null };
  } catch (e) {
    if (!e || typeof e.line !== "number") throw e;
    return { root, error: e };
  }
}

/**
 * The line of `path` (as the engine writes it: `rules[2].when.cart.value`, where keys may hold
 * dots) in a tree from parseLines. Returns `{line, exact}`; when the path goes further than the
 * text (a missing key), the line of the deepest part found, with `exact: false`.
 */
export function lineOf(root, path) {
  if (!root) return { line: 1, exact: false };
  let best = { line: root.line, exact: path === "", used: 0 };
  const walk = (node, line, rest) => {
    const used = path.length - rest.length;
    if (rest === "" || rest === ".") return { line, exact: true, used };
    if (used > best.used) best = { line, exact: false, used };
    if (!node) return null;
    if (rest[0] === "." && rest.length > 1) rest = rest.slice(1);
    if (node.type === "array") {
      const m = /^\[(\d+)\]/.exec(rest);
      const item = m && node.items[Number(m[1])];
      return item ? walk(item, item.line, rest.slice(m[0].length)) : null;
    }
    if (node.type === "object") {
      // The longest key that the path continues with wins; later duplicates win over earlier ones.
      const members = node.members
        .map((m, idx) => ({ m, idx }))
        .filter(({ m }) => rest.startsWith(m.key) && (rest.length === m.key.length || ".[".includes(rest[m.key.length])))
        .sort((a, b) => b.m.key.length - a.m.key.length || b.idx - a.idx);
      for (const { m } of members) {
        const found = walk(m.value, m.line, rest.slice(m.key.length));
        if (found) return found;
      }
      const quoted = /^\["((?:[^"\\]|\\.)*)"\]/.exec(rest); // a bracketed key, should the engine write one
      if (quoted) {
        const key = JSON.parse(`"${quoted[1]}"`);
        const m = [...node.members].reverse().find((x) => x.key === key);
        if (m) return walk(m.value, m.line, rest.slice(quoted[0].length));
      }
    }
    return null;
  };
  const found = walk(root, root.line, path);
  return found ? { line: found.line, exact: true } : { line: best.line, exact: false };
}

/** The line an error belongs to: from its path, or from "line N" in a syntax error's message. */
export function errorLine(tree, error) {
  const m = /\bline (\d+)(?: column (\d+))?/.exec(error.message || "");
  if (!error.path && m) return { line: Number(m[1]), exact: true };
  if (!error.path && tree.error) return { line: tree.error.line, exact: true };
  return lineOf(tree.root, error.path || "");
}
