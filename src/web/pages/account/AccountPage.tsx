import { Stack, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useCan } from "../../auth/permissions";
import { usePageTitle } from "../../components/usePageTitle";
import { ChangePasswordCard } from "./ChangePasswordCard";
import { PendingInvitationsCard } from "./PendingInvitationsCard";
import { PageHeader } from "../../components/PageHeader";

/** What a person manages for himself: his password, and the invitations he may withdraw. */
export function AccountPage() {
  const { t } = useTranslation();
  const can = useCan();
  usePageTitle(t("account.title"));
  return (
    <Stack maw={900}>
      <div>
        <PageHeader title={t("account.title")} />
        <Text c="dimmed">{t("account.intro")}</Text>
      </div>
      <ChangePasswordCard />
      {can("staff.invite") && <PendingInvitationsCard />}
    </Stack>
  );
}
