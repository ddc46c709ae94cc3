import type { TFunction } from "i18next";
import { Alert, Badge, Button, Group, Paper, Stack, Text } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { CaseDetail, TimelineEvent, TimelineMessage } from "../../api/cases";
import { callsApi } from "../../api/calls";
import { errorText } from "../../components/errorText";
import { formatDateTime, translateKnown } from "../../i18n";

type Item = { kind: "message"; at: string; m: TimelineMessage } | { kind: "event"; at: string; e: TimelineEvent };

const BUBBLE = {
  in: { bg: "var(--mantine-color-gray-1)", align: "flex-start" },
  out: { bg: "var(--mantine-color-blue-light)", align: "flex-end" },
  note: { bg: "var(--mantine-color-yellow-light)", align: "stretch" },
} as const;

/**
 * The case's history in one column: the applicant's messages, replies, internal notes (marked, never
 * shown to him) and state changes with their reasons. Messages of merged cases carry their case number.
 */
export function Timeline({ c, canRetry = false, onRetried }: { c: CaseDetail; canRetry?: boolean; onRetried?: () => void }) {
  const { t } = useTranslation();
  const [retrying, setRetrying] = useState<string | null>(null);
  const [retryError, setRetryError] = useState<unknown>(null);
  /** A failed reply is sent again; the message belongs to its own case (a merged one too). */
  const retry = async (m: TimelineMessage) => {
    setRetrying(m.id);
    setRetryError(null);
    try {
      await callsApi.retryDelivery(m.id, m.caseId);
      onRetried?.();
    } catch (err) {
      setRetryError(err);
    } finally {
      setRetrying(null);
    }
  };
  const items: Item[] = [...c.messages.map((m) => ({ kind: "message" as const, at: m.createdAt, m })), ...c.events.map((e) => ({ kind: "event" as const, at: e.at, e }))].sort(
    (a, b) => new Date(a.at).getTime() - new Date(b.at).getTime(),
  );
  if (items.length === 0) return <Text c="dimmed">{t("case.timeline.empty")}</Text>;
  return (
    <Stack gap="sm" data-testid="case-timeline">
      {retryError !== null && (
        <Alert color="red" withCloseButton onClose={() => setRetryError(null)}>
          {errorText(t, retryError)}
        </Alert>
      )}
      {items.map((it) =>
        it.kind === "message" ? (
          <Paper
            key={`m-${it.m.id}`}
            p="sm"
            radius="md"
            maw="85%"
            bg={BUBBLE[it.m.direction].bg}
            style={{ alignSelf: BUBBLE[it.m.direction].align, whiteSpace: "pre-wrap", wordBreak: "break-word" }}
            data-testid={`message-${it.m.direction}`}
          >
            <Group gap="xs" mb={4} wrap="wrap">
              <Text size="xs" fw={600}>
                {it.m.direction === "in" ? t("case.timeline.applicant") : (it.m.authorName ?? t("case.timeline.staff"))}
              </Text>
              {it.m.direction === "note" && (
                <Badge size="xs" color="yellow">
                  {t("case.timeline.note")}
                </Badge>
              )}
              <Badge size="xs" variant="outline" color="gray">
                {t(`channels.${it.m.channel as "web"}`)}
              </Badge>
              {it.m.caseId !== c.id && (
                <Badge size="xs" color="grape" variant="light" data-testid="from-merged-case">
                  {t("case.timeline.fromCase", { number: it.m.caseNumber })}
                </Badge>
              )}
              {it.m.deliveryState && (
                <Text size="xs" c="dimmed">
                  {translateKnown(t, `case.delivery.${it.m.deliveryState}`, it.m.deliveryState)}
                </Text>
              )}
              <Text size="xs" c="dimmed">
                {formatDateTime(it.m.createdAt)}
              </Text>
              {canRetry && it.m.direction === "out" && it.m.deliveryState === "failed" && (
                <Button size="compact-xs" variant="light" color="red" loading={retrying === it.m.id} onClick={() => void retry(it.m)} data-testid="delivery-retry">
                  {t("case.delivery.retry")}
                </Button>
              )}
            </Group>
            <Text size="sm">{it.m.body}</Text>
          </Paper>
        ) : (
          <Group key={`e-${it.e.id}`} gap="xs" justify="center" data-testid="timeline-event">
            <Text size="xs" c="dimmed" ta="center">
              {eventText(t, it.e)}
              {it.e.caseId !== c.id ? ` · ${t("case.timeline.fromCase", { number: it.e.caseNumber })}` : ""}
              {" · "}
              {it.e.actorName ?? t("audit.system")} · {formatDateTime(it.e.at)}
              {it.e.reason ? ` · ${t("case.timeline.reason")}: ${it.e.reason}` : ""}
            </Text>
          </Group>
        ),
      )}
    </Stack>
  );
}

function eventText(t: TFunction, e: TimelineEvent): string {
  const state = (s: string | null) => (s ? translateKnown(t, `states.${s}`, s) : "");
  if (e.kind === "transition") return t("case.timeline.transition", { from: state(e.fromState), to: state(e.toState) });
  if (e.kind === "merged_into") return t("case.timeline.mergedInto");
  if (e.kind === "merged_from") return t("case.timeline.mergedFrom");
  return e.kind;
}
