import { Alert, Button, Center, Loader, Stack } from "@mantine/core";
import { useTranslation } from "react-i18next";

export function FullPageLoader() {
  const { t } = useTranslation();
  return (
    <Center mih="60vh">
      <Loader aria-label={t("app.loading")} />
    </Center>
  );
}

export function ServerUnavailable({ onRetry }: { onRetry: () => void }) {
  const { t } = useTranslation();
  return (
    <Center mih="60vh" p="md">
      <Stack maw={480}>
        <Alert color="red" title={t("app.unavailableTitle")}>
          {t("app.unavailableText")}
        </Alert>
        <Button onClick={onRetry}>{t("app.retry")}</Button>
      </Stack>
    </Center>
  );
}

/** What a page that failed to render shows instead of a blank screen (react-router's errorElement). */
export function RouteError() {
  const { t } = useTranslation();
  return (
    <Center mih="60vh" p="md">
      <Stack maw={480}>
        <Alert color="red" title={t("app.crashTitle")}>
          {t("app.crashText")}
        </Alert>
        <Button onClick={() => window.location.reload()}>{t("app.reload")}</Button>
      </Stack>
    </Center>
  );
}
