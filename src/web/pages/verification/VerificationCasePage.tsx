import { Alert, Badge, Button, Card, Group, Loader, Select, Stack, Table, Text, Textarea, Title } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useParams } from "react-router";
import { CHECK_RESULTS, REASON_CODES, decisionFits, type CheckResult, type Decision, type ReasonCode } from "../../../shared/verification";
import { verificationApi, verificationKeys, type VerificationPanel } from "../../api/verification";
import { errorText } from "../../components/errorText";
import { usePageTitle } from "../../components/usePageTitle";
import { formatDateTime } from "../../i18n";
import i18n from "i18next";
import { factorDetail } from "./factorDetail";
import { PageHeader } from "../../components/PageHeader";

type Item = VerificationPanel["checklist"][number];

function CheckRow({ caseId, item, editable }: { caseId: string; item: Item; editable: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [result, setResult] = useState<CheckResult>(item.result);
  const [note, setNote] = useState(item.note ?? "");
  const save = useMutation({ mutationFn: () => verificationApi.check(caseId, item.key, result, note), onSuccess: () => qc.invalidateQueries({ queryKey: verificationKeys.panel(caseId) }) });
  const label = i18n.language.startsWith("en") ? item.label.en : item.label.uk;
  return (
    <Table.Tr data-testid={`check-${item.key}`}>
      <Table.Td>{label}</Table.Td>
      <Table.Td miw={150}>
        <Select aria-label={t("verification.checklist.result", { item: label })} data={CHECK_RESULTS.map((r) => ({ value: r, label: t(`verification.results.${r}`) }))} value={result} onChange={(v) => v && setResult(v as CheckResult)} disabled={!editable} allowDeselect={false} />
      </Table.Td>
      <Table.Td miw={180}>
        <Textarea aria-label={t("verification.checklist.note", { item: label })} value={note} onChange={(e) => setNote(e.currentTarget.value)} disabled={!editable} autosize minRows={1} maxLength={4000} />
      </Table.Td>
      <Table.Td>
        {editable && (
          <Button size="xs" variant="light" loading={save.isPending} onClick={() => save.mutate()}>
            {t("verification.checklist.save")}
          </Button>
        )}
        {save.error && <Text c="red" size="xs">{errorText(t, save.error)}</Text>}
        {item.at && (
          <Text size="xs" c="dimmed" data-testid={`checked-by-${item.key}`}>
            {t("verification.checklist.checkedBy", { name: item.byName ?? "—", at: formatDateTime(item.at) })}
          </Text>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

function ReviewForm({ caseId }: { caseId: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [decision, setDecision] = useState<Decision | null>(null);
  const [code, setCode] = useState<ReasonCode | null>(null);
  const [note, setNote] = useState("");
  const send = useMutation({ mutationFn: () => verificationApi.review(caseId, decision!, code!, note), onSuccess: () => qc.invalidateQueries({ queryKey: ["verification"] }) });
  const codes = REASON_CODES.filter((c) => !decision || decisionFits(decision, c));
  return (
    <Card withBorder data-testid="review-form">
      <Stack gap="xs">
        <Title order={2} size="h4">
          {t("verification.review.title")}
        </Title>
        <Select label={t("verification.review.decision")} data={(["verified", "rejected"] as const).map((d) => ({ value: d, label: t(`verification.decisions.${d}`) }))} value={decision} onChange={(v) => { setDecision(v as Decision); setCode(null); }} />
        <Select label={t("verification.review.reason")} data={codes.map((c) => ({ value: c, label: t(`verification.reasons.${c}`) }))} value={code} onChange={(v) => setCode(v as ReasonCode)} />
        <Textarea label={t("verification.review.note")} value={note} onChange={(e) => setNote(e.currentTarget.value)} autosize minRows={2} maxLength={4000} />
        {send.error && <Alert color="red">{errorText(t, send.error)}</Alert>}
        <Group>
          <Button disabled={!decision || !code} loading={send.isPending} onClick={() => send.mutate()}>
            {t("verification.review.submit")}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

/** One case's verification: checklist, the risk score with its factors, watchlist hits, reviews and the review form. */
export function VerificationCasePage() {
  const { t } = useTranslation();
  const { id = "" } = useParams();
  const q = useQuery({ queryKey: verificationKeys.panel(id), queryFn: () => verificationApi.panel(id) });
  usePageTitle(q.data ? t("verification.caseNumber", { number: q.data.number }) : t("verification.queue.title"));
  if (q.error) return <Alert color="red">{errorText(t, q.error)}</Alert>;
  if (!q.data) return <Loader aria-label={t("app.loading")} />;
  const p = q.data;
  const editable = p.state === "verifying" && p.stage !== "decided";
  return (
    <Stack maw={1100}>
      <Group justify="space-between">
        <PageHeader title={t("verification.caseNumber", { number: p.number })} />
        <Badge size="lg" data-testid="verification-stage">{p.stage ? t(`verification.stages.${p.stage}`) : "—"}</Badge>
      </Group>
      {p.outcome && <Alert color={p.outcome === "verified" ? "green" : "orange"} data-testid="verification-outcome">{t("verification.outcome", { decision: t(`verification.decisions.${p.outcome}`), reason: p.reasonCode ? t(`verification.reasons.${p.reasonCode}`) : "—" })}</Alert>}
      {p.recheck.length > 0 && <Alert color="red" title={t("verification.recheck.title")} data-testid="recheck">{p.recheck.map((r) => t(`verification.recheck.reasons.${r}`)).join("; ")}</Alert>}
      {p.watchlistHits.length > 0 && <Alert color="red" title={t("verification.hits.flag")}>{p.watchlistHits.map((h) => t(`verification.kinds.${h.kind}`, { defaultValue: h.kind }) + (h.kind === "name" ? ` (${t("verification.hits.nameOnly")})` : "")).join(", ")}</Alert>}
      <Card withBorder>
        <Title order={2} size="h4" mb="xs">
          {t("verification.risk.title")}: <span data-testid="risk-score">{p.risk.score}</span> / {p.risk.threshold} {p.risk.high && <Badge color="red">{t("verification.risk.highLabel")}</Badge>}
        </Title>
        {p.risk.factors.length === 0 && <Text c="dimmed">{t("verification.risk.none")}</Text>}
        <Table verticalSpacing={2}>
          <Table.Tbody>
            {p.risk.factors.map((f) => (
              <Table.Tr key={f.factor} data-testid={`factor-${f.factor}`}>
                <Table.Td>
                  <Text size="sm">{t(`verification.factors.${f.factor}`)}</Text>
                  <Text size="xs" c="dimmed">
                    {t(`verification.factorHelp.${f.factor}`)}
                  </Text>
                  {factorDetail(t, f).map((line) => (
                    <Text key={line} size="xs" data-testid={`factor-detail-${f.factor}`}>
                      {line}
                    </Text>
                  ))}
                </Table.Td>
                <Table.Td style={{ whiteSpace: "nowrap", verticalAlign: "top" }}>{t("verification.risk.contribution", { count: f.count, weight: f.weight, contribution: f.contribution })}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
      <Card withBorder>
        <Title order={2} size="h4" mb="xs">
          {t("verification.checklist.title")}
        </Title>
        <Table.ScrollContainer minWidth={600}>
          <Table verticalSpacing={4}>
            <Table.Tbody>
              {p.checklist.map((item) => (
                <CheckRow key={`${item.key}-${item.at ?? ""}`} caseId={id} item={item} editable={editable} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Card>
      <Card withBorder data-testid="reviews">
        <Title order={2} size="h4" mb="xs">
          {t("verification.reviews.title", { count: p.reviewCount })}
        </Title>
        {p.reviews === null ? (
          <Text c="dimmed" data-testid="reviews-hidden">{t("verification.reviews.hidden")}</Text>
        ) : (
          p.reviews.map((r, i) => (
            <Text key={r.at + i} size="sm">
              {t("verification.reviews.line", { n: i + 1, decision: t(`verification.decisions.${r.decision}`), reason: t(`verification.reasons.${r.reasonCode}`) })}
              {r.note ? ` — ${r.note}` : ""}
            </Text>
          ))
        )}
      </Card>
      {p.canReview && <ReviewForm caseId={id} />}
      {!p.canReview && p.whyNot && <Text c="dimmed" data-testid="why-not">{t(`verification.whyNot.${p.whyNot}`)}</Text>}
    </Stack>
  );
}
