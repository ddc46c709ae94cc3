import { Alert, Badge, Button, Group, Loader, Stack, Table, Text } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { useTranslation } from "react-i18next";
import { staffApi } from "../../api/staff";
import { useQuery } from "@tanstack/react-query";
import { keys } from "../../api/queryClient";
import { useCan } from "../../auth/permissions";
import { useSignedIn } from "../../auth/session";
import { errorText } from "../../components/errorText";
import { usePageTitle } from "../../components/usePageTitle";
import { formatDateTime } from "../../i18n";
import { InviteModal } from "./InviteModal";
import { StaffActions } from "./StaffActions";
import { PageHeader } from "../../components/PageHeader";

export function StaffPage() {
  const { t } = useTranslation();
  const { user } = useSignedIn();
  const can = useCan();
  usePageTitle(t("staff.title"));
  const staff = useQuery({ queryKey: keys.staff, queryFn: staffApi.list });
  const [inviting, invite] = useDisclosure(false);
  const manage = can("staff.invite");

  return (
    <Stack maw={1100}>
      <Group justify="space-between" align="flex-end">
        <div>
          <PageHeader title={t("staff.title")} />
          <Text c="dimmed">{t("staff.intro")}</Text>
        </div>
        {manage && (
          <Button onClick={invite.open} data-testid="invite-open">
            {t("staff.invite.open")}
          </Button>
        )}
      </Group>

      {staff.error && <Alert color="red">{errorText(t, staff.error)}</Alert>}
      {staff.isPending && !staff.data && <Loader aria-label={t("app.loading")} />}
      {staff.data && staff.data.length === 0 && <Text>{t("staff.empty")}</Text>}
      {staff.data && staff.data.length > 0 && (
        <Table.ScrollContainer minWidth={720}>
          <Table striped highlightOnHover verticalSpacing="sm" data-testid="staff-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("staff.columns.name")}</Table.Th>
                <Table.Th>{t("staff.columns.role")}</Table.Th>
                <Table.Th>{t("staff.columns.twoFactor")}</Table.Th>
                <Table.Th>{t("staff.columns.status")}</Table.Th>
                <Table.Th>{t("staff.columns.createdAt")}</Table.Th>
                {manage && <Table.Th aria-label={t("staff.columns.actions")} />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {staff.data.map((m) => (
                <Table.Tr key={m.id} data-testid={`staff-row-${m.username}`}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {m.displayName}
                      {m.id === user.id && (
                        <Text span c="dimmed" size="xs" ml={6}>
                          ({t("staff.you")})
                        </Text>
                      )}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {m.username}
                    </Text>
                  </Table.Td>
                  <Table.Td>{t(`roles.${m.role}`)}</Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={m.totpEnabled ? "teal" : "yellow"}>
                      {m.totpEnabled ? t("staff.twoFactorOn") : t("staff.twoFactorOff")}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={m.disabled ? "gray" : "blue"}>
                      {m.disabled ? t("staff.disabled") : t("staff.active")}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{formatDateTime(m.createdAt)}</Text>
                  </Table.Td>
                  {manage && <Table.Td>{m.id !== user.id && <StaffActions member={m} onChanged={() => void staff.refetch()} />}</Table.Td>}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}

      {manage && <InviteModal opened={inviting} onClose={invite.close} onInvited={() => void staff.refetch()} />}
    </Stack>
  );
}
