import "./zod-config";
import "@mantine/core/styles.css";
import { setNonce } from "get-nonce";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { initI18n } from "./i18n";

/** The style nonce of this page load (see src/server/console/routes.ts). */
function styleNonce(): string {
  return document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content ?? "";
}

const nonce = styleNonce();
// Mantine's modals lock scrolling with react-remove-scroll, which adds its own <style> tag
// through get-nonce: it needs the nonce too, or the CSP blocks it.
setNonce(nonce);
void initI18n();
const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App styleNonce={nonce} />
    </StrictMode>,
  );
}
