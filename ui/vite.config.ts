import { defineConfig } from "vite";

// Everything is bundled: the app runs with no network at all.
export default defineConfig({
  base: "./",
  clearScreen: false,
  build: { target: "safari15", outDir: "dist", emptyOutDir: true, assetsInlineLimit: 0 },
});
