import { Alert, Anchor, Badge, Card, Loader, Stack, Table, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { verificationApi, verificationKeys } from "../../api/verification";
import { errorText } from "../../components/errorText";
import { usePageTitle } from "../../components/usePageTitle";
import { useListHotkeys } from "../../components/Shortcuts";
import { relativeTime, useNow } from "../cases/format";
import { PageHeader } from "../../components/PageHeader";

/** Verified cases that new information contradicts: each one is verified again before any handover is planned. */
function Rechecks() {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: verificationKeys.rechecks, queryFn: verificationApi.rechecks });
  const now = useNow();
  return (
    <>
      <Title order={2} size="h4">
        {t("verification.rechecks.title")}
      </Title>
      {q.error && <Alert color="red">{errorText(t, q.error)}</Alert>}
      {q.data?.length === 0 && <Text c="dimmed">{t("verification.rechecks.empty")}</Text>}
      {q.data?.map((r) => (
        <Card key={r.caseId} withBorder padding="sm" data-testid="recheck-row" data-case-number={r.number}>
          <Stack gap={2}>
            {r.inScope ? (
              <Anchor component={Link} to={`/verification/${r.caseId}`} fw={600}>
                {t("verification.caseNumber", { number: r.number })}
              </Anchor>
            ) : (
              <Text fw={600}>{t("verification.caseNumber", { number: r.number })}</Text>
            )}
            <Text size="sm">
              <Text span c="dimmed">{t("verification.rechecks.why")}: </Text>
              {r.reasons.map((x) => t(`verification.recheck.reasons.${x}`)).join("; ")}
            </Text>
            <Text size="sm">
              <Text span c="dimmed">{t("verification.rechecks.where")}: </Text>
              {t(`states.${r.state}`, { defaultValue: r.state })}, {t(`teamNames.${r.teamId}`, { defaultValue: r.teamId })}
            </Text>
            {r.verifiedAt && (
              <Text size="sm">
                <Text span c="dimmed">{t("verification.rechecks.verified")}: </Text>
                {relativeTime(r.verifiedAt, now)}
              </Text>
            )}
            {!r.inScope && <Text size="xs" c="dimmed">{t("verification.rechecks.outOfScope")}</Text>}
          </Stack>
        </Card>
      ))}
    </>
  );
}

/** The verifier's queue: cases in verification by due time, with their risk, age and his part; and the watchlist flags. */
export function VerificationQueuePage() {
  const { t } = useTranslation();
  usePageTitle(t("verification.queue.title"));
  const q = useQuery({ queryKey: verificationKeys.queue, queryFn: verificationApi.queue });
  const hits = useQuery({ queryKey: verificationKeys.hits, queryFn: verificationApi.hits });
  const now = useNow();
  const navigate = useNavigate();
  const [selected] = useListHotkeys(q.data ?? [], (r) => void navigate(`/verification/${r.caseId}`));
  return (
    <Stack maw={1100}>
      <PageHeader title={t("verification.queue.title")} />
      {q.error && <Alert color="red">{errorText(t, q.error)}</Alert>}
      {q.isPending && <Loader aria-label={t("app.loading")} />}
      {q.data && q.data.length === 0 && <Text c="dimmed">{t("verification.queue.empty")}</Text>}
      {q.data && q.data.length > 0 && (
        <Table.ScrollContainer minWidth={560}>
          <Table verticalSpacing={4} data-testid="verification-queue" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("verification.queue.case")}</Table.Th>
                <Table.Th>{t("verification.queue.stage")}</Table.Th>
                <Table.Th>{t("verification.queue.risk")}</Table.Th>
                <Table.Th>{t("verification.queue.due")}</Table.Th>
                <Table.Th>{t("verification.queue.age")}</Table.Th>
                <Table.Th>{t("verification.queue.reviews")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {q.data.map((r, i) => (
                <Table.Tr
                  key={r.caseId}
                  data-testid="queue-row"
                  aria-selected={i === selected}
                  bg={i === selected ? "var(--mantine-color-blue-light)" : new Date(r.dueAt).getTime() < now ? "var(--mantine-color-red-light)" : undefined}
                >
                  <Table.Td>
                    <Anchor component={Link} to={`/verification/${r.caseId}`} data-testid={`verify-case-${r.number}`}>
                      {t("verification.caseNumber", { number: r.number })}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{t(`verification.stages.${r.stage}`)}</Table.Td>
                  <Table.Td>
                    <Badge color={r.high ? "red" : "gray"} variant="light">
                      {r.high ? t("verification.risk.high", { score: r.score }) : t("verification.risk.score", { score: r.score })}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{relativeTime(r.dueAt, now)}</Table.Td>
                  <Table.Td>{relativeTime(r.enteredAt, now)}</Table.Td>
                  <Table.Td>{r.reviewedByMe ? t("verification.queue.mine", { count: r.reviewCount }) : t("verification.queue.count", { count: r.reviewCount })}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Rechecks />
      <Title order={2} size="h4">
        {t("verification.hits.title")}
      </Title>
      {hits.data && hits.data.length === 0 && <Text c="dimmed">{t("verification.hits.empty")}</Text>}
      {hits.data?.map((h) => (
        <Text key={`${h.caseId}-${h.kind}`} size="sm" data-testid="watchlist-hit">
          {t("verification.hits.line", { number: h.number, channel: t(`channels.${h.channel}`, { defaultValue: h.channel }), kind: t(`verification.kinds.${h.kind}`, { defaultValue: h.kind }), reason: t(`verification.reasons.${h.reasonCode}`), source: h.sourceNumber ?? "—" })}
          {h.kind === "name" && ` (${t("verification.hits.nameOnly")})`}
        </Text>
      ))}
    </Stack>
  );
}
