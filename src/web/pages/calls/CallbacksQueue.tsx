import { Alert, Anchor, Badge, Button, Card, Group, Loader, SegmentedControl, Table, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { CaseState } from "../../../shared/case-states";
import { callsApi } from "../../api/calls";
import { keys } from "../../api/queryClient";
import { errorText } from "../../components/errorText";
import { formatDateTime } from "../../i18n";
import { StateBadge, relativeTime, useNow } from "../cases/format";

/** Open callbacks in my scope, soonest first; overdue ones stand out. No applicant data here. */
export function CallbacksQueue({ userId, canComplete }: { userId: string; canComplete: boolean }) {
  const { t } = useTranslation();
  const [due, setDue] = useState<"now" | "all">("all");
  // Under the inbox key: a logged call or any case change in my scope marks it stale.
  const list = useQuery({ queryKey: keys.callbacks(due), queryFn: () => callsApi.callbacks(due) });
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const now = useNow();

  const done = async (id: string) => {
    setBusy(id);
    setError(null);
    try {
      await callsApi.done(id);
      await list.refetch();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };

  return (
    <Card withBorder padding="md" data-testid="callbacks">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4">
          {t("calls.callbacks.title")}
        </Title>
        <SegmentedControl
          size="xs"
          value={due}
          onChange={(v) => setDue(v as "now" | "all")}
          data={[
            { value: "all", label: t("calls.callbacks.all") },
            { value: "now", label: t("calls.callbacks.dueNow") },
          ]}
          data-testid="callbacks-filter"
        />
      </Group>
      {list.error && <Alert color="red">{errorText(t, list.error)}</Alert>}
      {error !== null && <Alert color="red">{errorText(t, error)}</Alert>}
      {list.isPending && !list.data && <Loader aria-label={t("app.loading")} />}
      {list.data?.length === 0 && <Text c="dimmed">{t("calls.callbacks.empty")}</Text>}
      {list.data && list.data.length > 0 && (
        <Table.ScrollContainer minWidth={560}>
          <Table verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("calls.callbacks.dueAt")}</Table.Th>
                <Table.Th>{t("calls.callbacks.case")}</Table.Th>
                <Table.Th>{t("calls.callbacks.assignee")}</Table.Th>
                {canComplete && <Table.Th aria-label={t("calls.callbacks.done")} />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.map((cb) => {
                const overdue = cb.overdue || new Date(cb.dueAt).getTime() <= now;
                return (
                  <Table.Tr key={cb.id} bg={overdue ? "var(--mantine-color-red-light)" : undefined} data-testid={overdue ? "callback-overdue" : "callback-row"}>
                    <Table.Td>
                      <Group gap="xs">
                        {overdue && (
                          <Badge color="red" variant="filled" tt="none">
                            {t("calls.callbacks.overdue")}
                          </Badge>
                        )}
                        <Text size="sm" fw={overdue ? 600 : undefined}>
                          {formatDateTime(cb.dueAt)}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {relativeTime(cb.dueAt, now)}
                        </Text>
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Group gap="xs">
                        <Anchor component={Link} to={`/cases/${cb.caseId}`} fw={600} size="sm">
                          #{cb.caseNumber}
                        </Anchor>
                        <StateBadge state={cb.caseState as CaseState} />
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">
                        {cb.assignedUserId === null ? t("calls.callbacks.team") : cb.assignedUserId === userId ? t("calls.callbacks.me") : t("calls.callbacks.colleague")}
                      </Text>
                    </Table.Td>
                    {canComplete && (
                      <Table.Td>
                        <Button size="compact-sm" variant="light" color="teal" loading={busy === cb.id} onClick={() => void done(cb.id)} data-testid="callback-done">
                          {t("calls.callbacks.done")}
                        </Button>
                      </Table.Td>
                    )}
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Card>
  );
}
