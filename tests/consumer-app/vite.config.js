import { defineConfig } from "vite";

// Nothing here is needed for moments-sdk. The app is served at / with a fallback to index.html
// for its client-side routes (the test's server does that).
export default defineConfig({ base: "/" });
