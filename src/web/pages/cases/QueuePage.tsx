import { Alert, Badge, Card, Group, Loader, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { TEAMS } from "../../../shared/case-states";
import { casesApi } from "../../api/cases";
import { useQuery } from "@tanstack/react-query";
import { keys } from "../../api/queryClient";
import { errorText } from "../../components/errorText";
import { usePageTitle } from "../../components/usePageTitle";
import { relativeTime, StateBadge, useNow } from "./format";
import { PageHeader } from "../../components/PageHeader";

/** The supervisor's queue: numbers by team and state, waiting and late. No case content, no identities. */
export function QueuePage() {
  const { t } = useTranslation();
  usePageTitle(t("queue.title"));
  const q = useQuery({ queryKey: keys.queue, queryFn: casesApi.queue });
  const now = useNow();
  const rows = q.data?.rows ?? [];
  const sum = (f: (r: (typeof rows)[number]) => number) => rows.reduce((n, r) => n + f(r), 0);
  const teams = TEAMS.filter((team) => rows.some((r) => r.teamId === team));

  return (
    <Stack maw={1100}>
      <PageHeader title={t("queue.title")} intro={t("queue.intro")} />
      {q.error && <Alert color="red">{errorText(t, q.error)}</Alert>}
      {q.isPending && !q.data && <Loader aria-label={t("app.loading")} />}
      {q.data && (
        <>
          <SimpleGrid cols={{ base: 2, sm: 4 }} data-testid="queue-totals">
            {[
              { label: t("queue.totals.open"), value: sum((r) => (["closed", "rejected"].includes(r.state) ? 0 : r.total)), color: undefined },
              { label: t("queue.totals.awaiting"), value: sum((r) => r.awaiting), color: "yellow" },
              { label: t("queue.totals.overdue"), value: sum((r) => r.overdue), color: "red" },
              { label: t("queue.totals.unassigned"), value: sum((r) => (["closed", "rejected"].includes(r.state) ? 0 : r.unassigned)), color: undefined },
            ].map((c) => (
              <Card key={c.label} withBorder>
                <Text size="xs" c="dimmed">
                  {c.label}
                </Text>
                <Text size="xl" fw={700} c={c.color}>
                  {c.value}
                </Text>
              </Card>
            ))}
          </SimpleGrid>
          <Text size="sm" c="dimmed">
            {t("queue.sla", { first: q.data.sla.firstResponseMinutes, next: q.data.sla.nextResponseMinutes })}
          </Text>
          {teams.map((team) => (
            <Card key={team} withBorder padding="md" data-testid={`queue-team-${team}`}>
              <Title order={2} size="h4" mb="xs">
                {t(`teamNames.${team}`)}
              </Title>
              <Table verticalSpacing={4}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t("queue.columns.state")}</Table.Th>
                    <Table.Th>{t("queue.columns.total")}</Table.Th>
                    <Table.Th>{t("queue.columns.awaiting")}</Table.Th>
                    <Table.Th>{t("queue.columns.overdue")}</Table.Th>
                    <Table.Th>{t("queue.columns.unassigned")}</Table.Th>
                    <Table.Th>{t("queue.columns.oldest")}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rows
                    .filter((r) => r.teamId === team)
                    .sort((a, b) => b.overdue - a.overdue || b.awaiting - a.awaiting || b.total - a.total)
                    .map((r) => (
                      <Table.Tr key={r.state} bg={r.overdue > 0 ? "var(--mantine-color-red-light)" : undefined}>
                        <Table.Td>
                          <StateBadge state={r.state} />
                        </Table.Td>
                        <Table.Td>{r.total}</Table.Td>
                        <Table.Td>{r.awaiting}</Table.Td>
                        <Table.Td>
                          {r.overdue > 0 ? (
                            <Badge color="red" variant="filled">
                              {r.overdue}
                            </Badge>
                          ) : (
                            0
                          )}
                        </Table.Td>
                        <Table.Td>{r.unassigned}</Table.Td>
                        <Table.Td>
                          <Group gap={4}>{r.oldestOverdueAt ? relativeTime(r.oldestOverdueAt, now) : "—"}</Group>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                </Table.Tbody>
              </Table>
            </Card>
          ))}
        </>
      )}
    </Stack>
  );
}
