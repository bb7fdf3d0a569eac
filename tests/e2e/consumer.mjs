// A consumer app's copy of this build of moments-sdk, as a customer gets it: the app's tooling from
// its lock file (once; offline afterwards, from npm's cache), then dist/npm packed with `npm pack`
// and unpacked in place of the link `npm ci` made, so that the `files` list and `exports` are what
// is tested. Shared by package.test.mjs (tests/consumer) and npm-app.test.mjs (tests/consumer-app).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, statSync, lstatSync, rmSync, unlinkSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const DIST = fileURLToPath(new URL("../../dist/npm", import.meta.url));
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

function ok(cwd, cmd, args) {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8" });
  assert.equal(r.status, 0, `${cmd} ${args.join(" ")} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/**
 * Installs the app's tooling in `app` unless every one of `tools` (paths under node_modules) is
 * there and newer than the lock file, then this build of moments-sdk. Returns the packed files.
 */
export function installSdk(app, tools) {
  assert.ok(existsSync(join(DIST, "package.json")), "dist/npm is missing: run `cargo xtask build` first");
  const stamp = join(app, "node_modules/.package-lock.json");
  const fresh = existsSync(stamp) && statSync(stamp).mtimeMs >= statSync(join(app, "package-lock.json")).mtimeMs;
  if (!fresh || !tools.every((t) => existsSync(join(app, "node_modules", t)))) {
    ok(app, NPM, ["ci", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"]);
  }
  const tmp = mkdtempSync(join(tmpdir(), "moments-pack-"));
  const info = JSON.parse(ok(app, NPM, ["pack", DIST, "--pack-destination", tmp, "--json", "--loglevel=error"]));
  const installed = join(app, "node_modules/moments-sdk");
  if (lstatSync(installed, { throwIfNoEntry: false })) {
    if (lstatSync(installed).isSymbolicLink()) unlinkSync(installed);
    else rmSync(installed, { recursive: true, force: true });
  }
  mkdirSync(installed, { recursive: true });
  ok(app, "tar", ["-xzf", join(tmp, info[0].filename), "-C", installed, "--strip-components=1"]);
  rmSync(tmp, { recursive: true, force: true });
  return info[0].files.map((f) => f.path).sort();
}
