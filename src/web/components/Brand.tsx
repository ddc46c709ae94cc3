import { Group, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import logoUrl from "../favicon.svg";

export function Brand() {
  const { t } = useTranslation();
  return (
    <Group gap="xs" wrap="nowrap">
      <img src={logoUrl} alt="" width={24} height={24} />
      <Text fw={700}>{t("app.name")}</Text>
      <Text c="dimmed" size="sm" visibleFrom="xs">
        {t("app.section")}
      </Text>
    </Group>
  );
}
