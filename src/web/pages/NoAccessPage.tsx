import { Alert, Button, Stack, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useSignedIn } from "../auth/session";
import { usePageTitle } from "../components/usePageTitle";
import { PageHeader } from "../components/PageHeader";

/** The clear refusal: this page is not for this role, and whom to ask. */
export function NoAccessPage() {
  const { t } = useTranslation();
  const { user } = useSignedIn();
  usePageTitle(t("noAccess.title"));
  return (
    <Stack align="flex-start" maw={620} data-testid="no-access">
      <PageHeader title={t("noAccess.title")} />
      <Alert color="orange" w="100%">
        <Text>{t("noAccess.text", { role: t(`roles.${user.role}`) })}</Text>
      </Alert>
      <Text c="dimmed">{t("noAccess.ask")}</Text>
      <Button component={Link} to="/" variant="light">
        {t("notFound.home")}
      </Button>
    </Stack>
  );
}
