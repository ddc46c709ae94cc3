import { Alert, Button, Card, Group, Modal, Stack, Table, Text } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { admissionsApi, type PendingAdmission } from "../../api/admissions";
import { keys } from "../../api/queryClient";
import { errorText } from "../../components/errorText";
import { usePageTitle } from "../../components/usePageTitle";
import { formatDateTime } from "../../i18n";
import { PageHeader } from "../../components/PageHeader";

/**
 * Who waits to join the teams whose key I hold. Admitting seals the team key to him (he then sees
 * the team's cases); the administrator who made the account cannot do it, so a second person
 * always vouches for a newcomer. Turning someone away takes him off the list.
 */
export function AdmissionsPage() {
  const { t } = useTranslation();
  usePageTitle(t("admissions.title"));
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: keys.admissions, queryFn: admissionsApi.list });
  const refresh = () => Promise.all([queryClient.invalidateQueries({ queryKey: keys.admissions }), queryClient.invalidateQueries({ queryKey: keys.teams })]);
  const admit = useMutation({ mutationFn: admissionsApi.admit, onSettled: refresh });
  const decline = useMutation({ mutationFn: admissionsApi.decline, onSettled: () => { setDeclining(null); return refresh(); } });
  const [declining, setDeclining] = useState<PendingAdmission | null>(null);
  const error = list.error ?? admit.error ?? decline.error;
  const busy = (a: PendingAdmission) => (admit.isPending && admit.variables?.userId === a.userId && admit.variables.teamId === a.teamId);

  return (
    <Stack>
      <PageHeader title={t("admissions.title")} />
      <Text size="sm" c="dimmed" maw={720}>
        {t("admissions.intro")}
      </Text>
      {error != null && <Alert color="red">{errorText(t, error, { forbidden: t("admissions.forbidden"), conflict: t("admissions.conflict") })}</Alert>}
      {admit.isSuccess && <Alert color="teal" data-testid="admission-done">{t("admissions.admitted")}</Alert>}
      {decline.isSuccess && <Alert color="teal">{t("admissions.declined")}</Alert>}
      {list.data?.length === 0 && <Text data-testid="admissions-empty">{t("admissions.empty")}</Text>}
      {list.data && list.data.length > 0 && (
        <Card withBorder padding={0}>
          <Table.ScrollContainer minWidth={720}>
            <Table verticalSpacing="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("admissions.person")}</Table.Th>
                  <Table.Th>{t("admissions.team")}</Table.Th>
                  <Table.Th>{t("admissions.reason")}</Table.Th>
                  <Table.Th>{t("admissions.sponsor")}</Table.Th>
                  <Table.Th>{t("admissions.since")}</Table.Th>
                  <Table.Th>{t("admissions.actions")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.data.map((a) => (
                  <Table.Tr key={`${a.teamId}/${a.userId}`} data-testid="admission-row" data-username={a.username}>
                    <Table.Td>
                      <Text fw={600}>{a.displayName}</Text>
                      <Text size="sm" c="dimmed">
                        {a.username} · {t(`roles.${a.role}`)}
                      </Text>
                    </Table.Td>
                    <Table.Td>{t(`teamNames.${a.teamId}`)}</Table.Td>
                    <Table.Td>
                      {/* Plain text, not a badge: a badge's fixed width cut the words off. */}
                      <Text size="sm" fw={a.reason === "key_reset" ? 700 : 400} c={a.reason === "key_reset" ? "orange.9" : undefined}>
                        {t(`admissions.reasons.${a.reason}`)}
                      </Text>
                    </Table.Td>
                    <Table.Td>{a.sponsor?.displayName ?? t("audit.system")}</Table.Td>
                    <Table.Td>{formatDateTime(a.since)}</Table.Td>
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap">
                        <Button size="compact-sm" disabled={!a.mayAdmit} loading={busy(a)} onClick={() => admit.mutate({ teamId: a.teamId, userId: a.userId })} data-testid="admission-admit">
                          {t("admissions.admit")}
                        </Button>
                        <Button size="compact-sm" variant="light" color="red" onClick={() => setDeclining(a)} data-testid="admission-decline">
                          {t("admissions.decline")}
                        </Button>
                      </Group>
                      {!a.mayAdmit && (
                        <Text size="xs" c="dimmed" mt={4} data-testid="admission-why-not">
                          {t("admissions.mayNotAdmit")}
                        </Text>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Card>
      )}
      <Modal opened={declining !== null} onClose={() => setDeclining(null)} title={t("admissions.declineTitle")}>
        <Stack>
          <Text size="sm">{declining ? t("admissions.declineText", { name: declining.displayName, team: t(`teamNames.${declining.teamId}`) }) : ""}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setDeclining(null)}>
              {t("common.cancel")}
            </Button>
            <Button color="red" loading={decline.isPending} onClick={() => declining && decline.mutate({ teamId: declining.teamId, userId: declining.userId })} data-testid="admission-decline-confirm">
              {t("admissions.decline")}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
