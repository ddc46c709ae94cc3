import { Alert, Button, Card, Table, Text, Title } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { keys } from "../../api/queryClient";
import { staffApi } from "../../api/staff";
import { errorText } from "../../components/errorText";
import { formatDateTime } from "../../i18n";

/** Invitation links not used yet (never the links themselves), each withdrawable. */
export function PendingInvitationsCard() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: keys.invitations, queryFn: staffApi.invitations });
  const revoke = useMutation({ mutationFn: staffApi.revokeInvitation, onSettled: () => queryClient.invalidateQueries({ queryKey: keys.invitations }) });
  return (
    <Card withBorder padding="md" data-testid="pending-invitations">
      <Title order={2} size="h4" mb={4}>
        {t("account.invitations.title")}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t("account.invitations.intro")}
      </Text>
      {(list.error ?? revoke.error) && <Alert color="red">{errorText(t, list.error ?? revoke.error)}</Alert>}
      {revoke.isSuccess && <Alert color="teal">{t("account.invitations.revoked")}</Alert>}
      {list.data?.length === 0 && <Text size="sm">{t("account.invitations.empty")}</Text>}
      {list.data && list.data.length > 0 && (
        <Table.ScrollContainer minWidth={560}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("account.invitations.role")}</Table.Th>
                <Table.Th>{t("account.invitations.username")}</Table.Th>
                <Table.Th>{t("account.invitations.by")}</Table.Th>
                <Table.Th>{t("account.invitations.expires")}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.map((i) => (
                <Table.Tr key={i.id} data-testid="invitation-row" data-username={i.username ?? ""}>
                  <Table.Td>{t(`roles.${i.role}`)}</Table.Td>
                  <Table.Td>{i.username ?? t("account.invitations.anyUsername")}</Table.Td>
                  <Table.Td>{i.createdByName ?? t("audit.system")}</Table.Td>
                  <Table.Td>{formatDateTime(i.expiresAt)}</Table.Td>
                  <Table.Td>
                    <Button size="compact-sm" color="red" variant="light" loading={revoke.isPending && revoke.variables === i.id} onClick={() => revoke.mutate(i.id)} data-testid="invitation-revoke">
                      {t("account.invitations.revoke")}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Card>
  );
}
