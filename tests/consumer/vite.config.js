import { defineConfig } from "vite";

// Nothing here is needed for moments-sdk: Vite copies and fingerprints its wasm by itself.
export default defineConfig({
  // Relative URLs, so the built app works from any path (the e2e server serves it at
  // /tests/consumer/dist/).
  base: "./",
});
