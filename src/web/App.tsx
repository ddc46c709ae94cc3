import { MantineProvider, createTheme } from "@mantine/core";
import { useState } from "react";
import { QueryClientProvider } from "@tanstack/react-query";
import { RouterProvider } from "react-router/dom";
import { createQueryClient } from "./api/queryClient";
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
  const [queryClient] = useState(createQueryClient);
  return (
    <MantineProvider theme={theme} defaultColorScheme="light" getStyleNonce={() => styleNonce}>
      <QueryClientProvider client={queryClient}>
        <SessionProvider>
          <RouterProvider router={router} />
        </SessionProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}
