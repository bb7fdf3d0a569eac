// What `context()` answers while there is no running SDK (before ready, after a refused bundle,
// after destroy, in Node): the engine's context before its first page view, so that a first render
// reading `ctx.cart.items` gets 0 rather than a TypeError. `time` is the shopper's clock now.
// src/engine/tests/empty_context.rs keeps this text equal to the engine's.
const EMPTY = '{"page":{"url":"","path":"","type":"other","referrer":"","title":""},"device":{"type":"desktop","touch":false},"visit":{"count":0,"returning":false,"daysSinceLast":null},"session":{"pageviews":0,"seconds":0},"scroll":{"depth":0,"maxDepth":0,"velocity":0,"milestone":0},"search":{"query":null,"count":0,"lastQueries":[]},"cart":{"items":0,"value":0,"currency":null,"ageSeconds":0,"lastChange":0},"idle":{"seconds":0},"moment":"none","momentScores":{"know":0,"go":0,"do":0,"buy":0},"abandonment":{"risk":0},"utm":{"source":null,"medium":null,"campaign":null},"channel":"direct","journey":{"stage":"aware","firstChannel":null,"lastChannel":null},"time":{"hour":0,"weekday":4},"custom":{},"flow":{}}';

/** A fresh copy of the context before the first page view. */
export function emptyContext() {
  const c = JSON.parse(EMPTY);
  const d = new Date();
  c.time = { hour: d.getHours(), weekday: d.getDay() };
  return c;
}
