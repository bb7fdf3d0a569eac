// Server-side rendering: the app's server entry imports moments-sdk (Node picks the package's
// "node" entry). Importing must not crash, and the bundle can be checked before rendering.
import { init, validate } from "moments-sdk";
import bundle from "../public/bundle.json";

export function render() {
  const { ok, errors } = validate(bundle);
  return { ok, errors, html: `<h1 id="headline">Welcome to the shop</h1><!-- bundle ${ok ? "valid" : "invalid"} -->`, init: typeof init };
}
