import { Alert, Badge, Button, Card, Group, Stack, Table, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { operationsApi, type OperationSummary } from "../../api/operations";
import { errorText } from "../../components/errorText";
import { usePageTitle } from "../../components/usePageTitle";
import { useCan } from "../../auth/permissions";

/** Minutes until the start, for the countdown (Kyiv time is shown beside it). */
const minutesTo = (iso: string, now: number) => Math.round((new Date(iso).getTime() - now) / 60_000);

/**
 * The coordinators' board: upcoming operations by time with a countdown; an unconfirmed one
 * close to its time, or one past it still open, is flagged red. Operations one is not on show
 * only that they exist and their state.
 */
export function OperationsPage() {
  const { t } = useTranslation();
  usePageTitle(t("operations.title"));
  const can = useCan();
  const board = useQuery({ queryKey: ["operations"], queryFn: operationsApi.board, refetchInterval: 30_000 });
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(id);
  }, []);
  const items = [...(board.data?.items ?? [])].sort((a, b) => (a.start?.utc ?? "9").localeCompare(b.start?.utc ?? "9"));
  const late = (o: OperationSummary) => o.state !== "closed" && o.start !== null && (minutesTo(o.start.utc, now) < 0 || (minutesTo(o.start.utc, now) < 180 && (o.confirmed ?? 0) < o.groupSize));
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          {t("operations.title")}
        </Title>
        {can("rendezvous.write") && (
          <Button component={Link} to="/operations/new" data-testid="operation-new">
            {t("operations.newPlan")}
          </Button>
        )}
      </Group>
      {board.error != null && <Alert color="red">{errorText(t, board.error)}</Alert>}
      {board.data?.items.length === 0 && <Text>{t("operations.empty")}</Text>}
      <Card withBorder padding={0}>
        <Table.ScrollContainer minWidth={360}>
          <Table verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("operations.startKyiv")}</Table.Th>
                <Table.Th>{t("operations.state")}</Table.Th>
                <Table.Th>{t("operations.group")}</Table.Th>
                <Table.Th>{t("operations.confirmed")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((o) => (
                <Table.Tr key={o.id} data-testid="operation-row" data-late={late(o) ? "yes" : "no"} bg={late(o) ? "red.1" : undefined}>
                  <Table.Td>
                    {o.onIt && o.start ? (
                      <Link to={`/operations/${o.id}`}>
                        {o.start.kyiv} · {t("operations.inMinutes", { count: minutesTo(o.start.utc, now) })}
                      </Link>
                    ) : o.summary ? (
                      `${o.summary.date} · ${o.summary.oblast}`
                    ) : (
                      <Text c="dimmed">{t("operations.notOnIt")}</Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={late(o) ? "red" : "gray"} style={{ textTransform: "none" }}>
                      {t(`operations.states.${o.state}`)}
                      {o.summary ? ` · ${t(`operations.outcomes.${o.summary.outcome}`, { defaultValue: o.summary.outcome })}` : ""}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{o.groupSize}</Table.Td>
                  <Table.Td>{o.confirmed === null ? "—" : `${o.confirmed} / ${o.groupSize}`}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Card>
    </Stack>
  );
}
