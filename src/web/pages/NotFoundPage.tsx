import { Button, Stack, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { usePageTitle } from "../components/usePageTitle";
import { PageHeader } from "../components/PageHeader";

export function NotFoundPage() {
  const { t } = useTranslation();
  usePageTitle(t("notFound.title"));
  return (
    <Stack align="flex-start" maw={560}>
      <PageHeader title={t("notFound.title")} />
      <Text>{t("notFound.text")}</Text>
      <Button component={Link} to="/" variant="light">
        {t("notFound.home")}
      </Button>
    </Stack>
  );
}
