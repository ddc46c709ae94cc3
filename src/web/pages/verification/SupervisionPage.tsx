import { Alert, Button, Card, Group, Loader, Select, Stack, Text, Textarea, Title } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { REASON_CODES, decisionFits, type Decision, type ReasonCode } from "../../../shared/verification";
import { verificationApi, verificationKeys, type SupervisionRow } from "../../api/verification";
import { errorText } from "../../components/errorText";
import { usePageTitle } from "../../components/usePageTitle";
import { VerificationNumbers } from "./VerificationNumbers";
import { factorDetail } from "./factorDetail";
import { PageHeader } from "../../components/PageHeader";

function Decide({ row }: { row: SupervisionRow }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [decision, setDecision] = useState<Decision | null>(null);
  const [code, setCode] = useState<ReasonCode | null>(null);
  const [reason, setReason] = useState("");
  const send = useMutation({ mutationFn: () => verificationApi.decide(row.caseId, decision!, code!, reason), onSuccess: () => qc.invalidateQueries({ queryKey: ["verification"] }) });
  return (
    <Card withBorder data-testid={`supervise-${row.number}`}>
      <Stack gap="xs">
        <Title order={2} size="h4">
          {t("verification.caseNumber", { number: row.number })} · {t(`verification.stages.${row.stage}`)}
        </Title>
        {row.reviews.map((r, i) => (
          <Text key={i} size="sm">
            {t("verification.reviews.line", { n: i + 1, decision: t(`verification.decisions.${r.decision}`), reason: t(`verification.reasons.${r.reasonCode}`) })}
          </Text>
        ))}
        <Text size="sm">
          {t("verification.risk.title")}: {row.risk.score} / {row.risk.threshold}
          {row.risk.factors.length > 0 && ` (${row.risk.factors.map((f) => [`${t(`verification.factors.${f.factor}`)} +${f.contribution}`, ...factorDetail(t, f)].join(": ")).join("; ")})`}
        </Text>
        <Group grow align="flex-start">
          <Select label={t("verification.review.decision")} data={(["verified", "rejected"] as const).map((d) => ({ value: d, label: t(`verification.decisions.${d}`) }))} value={decision} onChange={(v) => { setDecision(v as Decision); setCode(null); }} />
          <Select label={t("verification.review.reason")} data={REASON_CODES.filter((c) => !decision || decisionFits(decision, c)).map((c) => ({ value: c, label: t(`verification.reasons.${c}`) }))} value={code} onChange={(v) => setCode(v as ReasonCode)} />
        </Group>
        <Textarea label={t("verification.supervision.reason")} value={reason} onChange={(e) => setReason(e.currentTarget.value)} autosize minRows={2} maxLength={4000} required />
        {send.error && <Alert color="red">{errorText(t, send.error)}</Alert>}
        <Group>
          <Button disabled={!decision || !code || !reason.trim()} loading={send.isPending} onClick={() => send.mutate()}>
            {t("verification.supervision.submit")}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

/** The supervisor's disagreement queue: he decides on the reason codes and the risk factors, never on case content. */
export function SupervisionPage() {
  const { t } = useTranslation();
  usePageTitle(t("verification.supervision.title"));
  const q = useQuery({ queryKey: verificationKeys.supervision, queryFn: verificationApi.supervision });
  return (
    <Stack maw={900}>
      <PageHeader title={t("verification.supervision.title")} />
      {q.error && <Alert color="red">{errorText(t, q.error)}</Alert>}
      {q.isPending && <Loader aria-label={t("app.loading")} />}
      {q.data?.length === 0 && <Text c="dimmed">{t("verification.supervision.empty")}</Text>}
      {q.data?.map((row) => <Decide key={row.caseId} row={row} />)}
      <VerificationNumbers />
    </Stack>
  );
}
