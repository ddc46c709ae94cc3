import { Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useCan } from "../../auth/permissions";
import { usePageTitle } from "../../components/usePageTitle";
import { ChangePasswordCard } from "./ChangePasswordCard";
import { PendingInvitationsCard } from "./PendingInvitationsCard";

/** What a person manages for himself: his password, and the invitations he may withdraw. */
export function AccountPage() {
  const { t } = useTranslation();
  const can = useCan();
  usePageTitle(t("account.title"));
  return (
    <Stack maw={900}>
      <div>
        <Title order={1} size="h2">
          {t("account.title")}
        </Title>
        <Text c="dimmed">{t("account.intro")}</Text>
      </div>
      <ChangePasswordCard />
      {can("staff.invite") && <PendingInvitationsCard />}
    </Stack>
  );
}
