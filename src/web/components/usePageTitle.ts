import { useEffect } from "react";
import { useTranslation } from "react-i18next";

/** "<page> · Safe Passage · Staff console" in the tab, in the chosen language. */
export function usePageTitle(page: string | null) {
  const { t } = useTranslation();
  const app = t("app.title");
  useEffect(() => {
    document.title = page ? `${page} · ${app}` : app;
  }, [page, app]);
}
