import { MantineProvider, createTheme } from "@mantine/core";
import { useState } from "react";
import { RouterProvider } from "react-router/dom";
import { SessionProvider } from "./auth/session";
import { createConsoleRouter } from "./routes";

const theme = createTheme({
  primaryColor: "blue",
  defaultRadius: "md",
  fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', Ubuntu, sans-serif",
});

/**
 * `styleNonce` is the per-request CSP nonce the server put in index.html: the CSP allows no
 * inline styles, so every <style> Mantine adds must carry it.
 */
export function App({ styleNonce }: { styleNonce: string }) {
  const [router] = useState(createConsoleRouter);
  return (
    <MantineProvider theme={theme} defaultColorScheme="light" getStyleNonce={() => styleNonce}>
      <SessionProvider>
        <RouterProvider router={router} />
      </SessionProvider>
    </MantineProvider>
  );
}
