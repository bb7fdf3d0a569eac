import { defineConfig } from "vite";

export default defineConfig({
  // Relative URLs, so the built app works from any path (the e2e server serves it at
  // /tests/consumer/dist/).
  base: "./",
  build: { outDir: "dist", emptyOutDir: true },
  // The dev server's dependency pre-bundling moves modules away from the wasm beside them.
  optimizeDeps: { exclude: ["moments-sdk"] },
});
