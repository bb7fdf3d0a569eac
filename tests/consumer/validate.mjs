#!/usr/bin/env node
// Checks Moments rule bundles with the moments-sdk package, as a shop's CI would:
//   node validate.mjs bundle.json [more.json ...]
// Prints "ok" (and any warnings) per file, or every problem by path; exits 0 when every bundle is
// valid, 1 when any is not, 2 on usage errors. Runs in Node >= 18 with no DOM.
import { readFileSync } from "node:fs";
import { validate } from "moments-sdk";

const files = process.argv.slice(2);
if (!files.length) {
  console.error("usage: node validate.mjs BUNDLE.json [...]");
  process.exit(2);
}
let failed = 0;
for (const file of files) {
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    console.error(`${file}: cannot read: ${e.message}`);
    failed++;
    continue;
  }
  const { ok, errors } = validate(text);
  const problems = errors.filter((e) => e.severity === "error");
  const warnings = errors.filter((e) => e.severity !== "error");
  if (ok) {
    console.log(`${file}: ok${warnings.length ? ` (${warnings.length} warning${warnings.length > 1 ? "s" : ""})` : ""}`);
  } else {
    failed++;
    console.error(`${file}: invalid, ${problems.length} problem${problems.length > 1 ? "s" : ""}`);
  }
  for (const e of problems) console.error(`  ${e.path || "(bundle)"}: ${e.message}`);
  for (const e of warnings) console.error(`  warning: ${e.path || "(bundle)"}: ${e.message}`);
}
process.exit(failed ? 1 : 0);
