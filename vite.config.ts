import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

/**
 * The staff console bundle. Served by the staff listener under /console (src/server/console/routes.ts),
 * which injects the per-request CSP style nonce into index.html. The CSP allows no inline script or
 * style, so nothing may be inlined here: assets stay files, even small ones.
 */
export default defineConfig({
  root: fileURLToPath(new URL("./src/web", import.meta.url)),
  base: "/console/",
  plugins: [react()],
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL("./dist/web", import.meta.url)),
    emptyOutDir: true,
    assetsDir: "assets",
    assetsInlineLimit: 0,
    sourcemap: false,
    target: "es2022",
    chunkSizeWarningLimit: 1024,
  },
});
