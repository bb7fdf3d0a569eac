// Loaded by the playground into its preview frame (a page of the demo shop, same origin): hands the
// playground the npm build of Moments in the frame's own realm, so that the edited bundle runs
// against the frame's document and window exactly as the script tag's SDK would.
import * as moments from "/npm/index.js";

window.__momentsPlayground = moments;
