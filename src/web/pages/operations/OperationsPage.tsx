import { Alert, Badge, Button, Card, Group, Stack, Table, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { OBLASTS } from "../../../shared/geo";
import { operationsApi, type OperationSummary } from "../../api/operations";
import { errorText } from "../../components/errorText";
import { usePageTitle } from "../../components/usePageTitle";
import { useCan } from "../../auth/permissions";
import { flagOf, hoursAndMinutes, minutesTo } from "./board";
import { PageHeader } from "../../components/PageHeader";

/**
 * The coordinators' board: upcoming operations by time with a countdown; an unconfirmed one
 * close to its time, or one past it still open, is flagged red, with a word saying which (red
 * alone tells nothing to a screen reader or a colour-blind eye). Operations one is not on show
 * only that they exist and their state; closed ones their non-identifying remains.
 */
export function OperationsPage() {
  const { t } = useTranslation();
  usePageTitle(t("operations.title"));
  const can = useCan();
  const board = useQuery({ queryKey: ["operations"], queryFn: operationsApi.board, refetchInterval: 30_000 });
  const [tick, setTick] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setTick(Date.now()), 30_000);
    return () => clearInterval(id);
  }, []);
  // Counted on the server's clock: how far it is from this browser's, as of the last answer.
  const skew = board.data ? Date.parse(board.data.now) - board.dataUpdatedAt : 0;
  const now = Math.max(tick, board.dataUpdatedAt) + skew;
  const items = [...(board.data?.items ?? [])].sort((a, b) => (a.start?.utc ?? "9").localeCompare(b.start?.utc ?? "9"));
  return (
    <Stack>
      <Group justify="space-between">
        <PageHeader title={t("operations.title")} />
        {can("rendezvous.write") && (
          <Button component={Link} to="/operations/new" data-testid="operation-new">
            {t("operations.newPlan")}
          </Button>
        )}
      </Group>
      {board.error != null && <Alert color="red">{errorText(t, board.error)}</Alert>}
      {board.data?.items.length === 0 && <Text>{t("operations.empty")}</Text>}
      <Card withBorder padding={0}>
        {/* Fixed layout: on a phone the four columns share the width and their text wraps, rather than the table growing past the screen. */}
        <Table layout="fixed" verticalSpacing="sm" horizontalSpacing="xs" data-testid="operations-board">
          <Table.Thead>
            <Table.Tr>
              {/* The state column holds the flag's one long word ("Запізнюється"). On a phone the group
                  size is left to the confirmed column, whose "1 / 2" already carries it. */}
              <Table.Th w="27%" fz={{ base: "xs", sm: "sm" }}>{t("operations.startKyiv")}</Table.Th>
              <Table.Th w="35%" fz={{ base: "xs", sm: "sm" }}>{t("operations.state")}</Table.Th>
              <Table.Th w="12%" fz={{ base: "xs", sm: "sm" }} visibleFrom="sm">
                {t("operations.group")}
              </Table.Th>
              <Table.Th w="26%" fz={{ base: "xs", sm: "sm" }}>{t("operations.confirmed")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((o) => (
              <BoardRow key={o.id} o={o} now={now} />
            ))}
          </Table.Tbody>
        </Table>
      </Card>
    </Stack>
  );
}

// A badge cuts its text with an ellipsis by default: on a phone the flag word wraps instead.
const FLAG_BADGE = { root: { textTransform: "none" }, label: { whiteSpace: "normal", overflow: "visible" } } as const;

function BoardRow({ o, now }: { o: OperationSummary; now: number }) {
  const { t, i18n } = useTranslation();
  const flag = flagOf(o, now);
  const lang = i18n.language === "en" ? "en" : "uk";
  const duration = (minutes: number) => t(minutes >= 60 ? "operations.duration.hm" : "operations.duration.m", hoursAndMinutes(minutes));
  return (
    <Table.Tr data-testid="operation-row" data-operation-id={o.id} data-flag={flag ?? "none"} bg={flag ? "red.1" : undefined}>
      <Table.Td style={{ overflowWrap: "anywhere" }}>
        {o.onIt && o.start ? (
          <>
            <Link to={`/operations/${o.id}`} data-testid="operation-start">
              {o.start.kyiv}
            </Link>
            <Text size="sm" data-testid="operation-countdown">
              {(() => {
                const left = minutesTo(o.start.utc, now);
                return t(left < 0 ? "operations.countdown.ago" : "operations.countdown.in", { time: duration(Math.abs(left)) });
              })()}
            </Text>
          </>
        ) : o.summary ? (
          <>
            <Text size="sm">
              {o.summary.date} · {OBLASTS.find((x) => x.code === o.summary!.oblast)?.[lang] ?? o.summary.oblast}
            </Text>
            {/* Operations closed before the durations were kept have none: nothing rather than a made-up zero. */}
            {o.summary.escortMinutes != null && (
              <Text size="sm" data-testid="operation-escort-minutes">
                {t("operations.escortLasted")}: {duration(o.summary.escortMinutes)}
              </Text>
            )}
            {o.summary.minutesOpen != null && (
              <Text size="sm" data-testid="operation-minutes-open">
                {t("operations.openFor")}: {duration(o.summary.minutesOpen)}
              </Text>
            )}
          </>
        ) : (
          <Text c="dimmed" size="sm">
            {t("operations.notOnIt")}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Stack gap={4} align="flex-start">
          <Text size="sm">
            {t(`operations.states.${o.state}`)}
            {o.summary ? ` · ${t(`operations.outcomes.${o.summary.outcome}`, { defaultValue: o.summary.outcome })}` : ""}
          </Text>
          {flag && (
            <Badge color="red" variant="filled" h="auto" maw="100%" py={2} px={6} styles={FLAG_BADGE} data-testid="operation-flag">
              {t(`operations.flags.${flag}`)}
            </Badge>
          )}
        </Stack>
      </Table.Td>
      <Table.Td visibleFrom="sm">{o.groupSize}</Table.Td>
      <Table.Td data-testid="operation-confirmed">{`${o.confirmed ?? "—"} / ${o.groupSize}`}</Table.Td>
    </Table.Tr>
  );
}
