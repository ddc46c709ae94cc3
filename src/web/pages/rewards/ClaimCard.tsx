import { Alert, Button, Card, Group, NumberInput, Select, Stack, Table, Text, TextInput, Textarea, Title } from "@mantine/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { TFunction } from "i18next";
import { OBLASTS } from "../../../shared/geo";
import { claimsApi, money, operationRef, type ClaimOperation } from "../../api/rewards";
import { ApiError } from "../../api/client";
import { errorText } from "../../components/errorText";
import { ClaimPhotos } from "./ClaimPhotos";

type T = (k: string, o?: Record<string, unknown>) => string;
const RULES = ["assessor_approves", "same_approver"] as const;

/** A refusal by one of the three-people rules says which rule, not just "no right to do this". */
function claimErrorText(t: TFunction, err: unknown): string {
  const rule = err instanceof ApiError ? (err.details as { rule?: unknown } | undefined)?.rule : undefined;
  const known = RULES.find((r) => r === rule);
  return known ? (t as unknown as T)(`rewards.refusals.${known}`) : errorText(t, err);
}

/**
 * The operation the claim came from. A closed one is named by what its close left in clear (the
 * day, the oblast, the outcome): its plan was destroyed, and the claim never showed it anyway.
 */
function ClaimOperationLine({ operation: o }: { operation: ClaimOperation }) {
  const { t: tt, i18n } = useTranslation();
  const t = tt as unknown as T;
  const lang = i18n.language === "en" ? "en" : "uk";
  const text = o.closed
    ? t("rewards.operationClosedLink", { id: operationRef(o.id), outcome: t(`rewards.operationOutcomes.${o.closed.outcome}`), day: o.closed.day, oblast: OBLASTS.find((x) => x.code === o.closed!.oblast)?.[lang] ?? o.closed.oblast })
    : t("rewards.operationLink", { id: operationRef(o.id), state: t(`rewards.operationStates.${o.state}`) });
  return <Text data-testid="claim-operation-link" data-operation-id={o.id}>{text}</Text>;
}

/** One claim: the inspection and the assessment, the two approvals, the payment, and its ledger. */
export function ClaimCard({ id }: { id: string }) {
  const { t: tt, i18n } = useTranslation();
  const t = tt as unknown as T;
  const qc = useQueryClient();
  const claim = useQuery({ queryKey: ["rewards", "claim", id], queryFn: () => claimsApi.open(id) });
  const today = new Date().toISOString().slice(0, 10);
  const [error, setError] = useState<string | null>(null);
  const [serviceability, setServiceability] = useState<string | null>("serviceable");
  const [inspectedOn, setInspectedOn] = useState(today);
  const [findings, setFindings] = useState("");
  const [amount, setAmount] = useState<number | undefined>(undefined);
  const [reason, setReason] = useState("");
  const [reference, setReference] = useState("");
  const [payee, setPayee] = useState("");
  const act = (fn: () => Promise<unknown>) => async () => {
    setError(null);
    try {
      await fn();
      await qc.invalidateQueries({ queryKey: ["rewards"] });
    } catch (err) {
      setError(claimErrorText(tt, err));
    }
  };
  const c = claim.data;
  if (!c) return claim.error ? <Alert color="red">{errorText(tt, claim.error)}</Alert> : null;
  const cur = (cents: number) => money(cents, c.currency, i18n.language);
  return (
    <Card withBorder data-testid="claim-card">
      <Stack>
        <Title order={2} size="h3">
          {t(`choices.equipment.${c.equipmentCode}`)} · <span data-testid="claim-card-state">{t(`rewards.states.${c.state}`)}</span>
        </Title>
        <Text>{Object.values(c.identifying).join(" · ")}</Text>
        {c.operation && <ClaimOperationLine operation={c.operation} />}
        {c.inspection && (
          <Text data-testid="claim-inspection">
            {t("rewards.inspected", { serviceability: t(`rewards.serviceabilities.${c.inspection.serviceability}`), day: c.inspection.inspectedOn ?? "—" })}
            {c.inspection.findings ? ` · ${c.inspection.findings}` : ""}
          </Text>
        )}
        <Text data-testid="claim-money">{t("rewards.moneyLine", { approved: cur(c.approvedCents), paid: cur(c.paidCents), balance: cur(c.balanceCents) })}</Text>
        {error && <Alert color="red" role="alert" data-testid="claim-error">{error}</Alert>}
        {c.state === "inspection" && (
          <Group align="flex-end" data-testid="inspection-form">
            <Select label={t("rewards.serviceability")} value={serviceability} onChange={setServiceability} allowDeselect={false} data={["serviceable", "partly", "not_serviceable"].map((s) => ({ value: s, label: t(`rewards.serviceabilities.${s}`) }))} comboboxProps={{ withinPortal: true }} />
            <TextInput type="date" label={t("rewards.inspectedOn")} value={inspectedOn} onChange={(e) => setInspectedOn(e.currentTarget.value)} />
            <Textarea label={t("rewards.findings")} value={findings} onChange={(e) => setFindings(e.currentTarget.value)} autosize minRows={1} maxLength={4000} miw={240} />
            <Button variant="default" onClick={act(() => claimsApi.inspect(id, { serviceability: serviceability ?? "serviceable", inspectedOn, ...(findings.trim() ? { findings: findings.trim() } : {}) }))} data-testid="claim-inspect">
              {t("rewards.recordInspection")}
            </Button>
          </Group>
        )}
        {c.state === "inspection" && c.inspection && (
          <Group align="flex-end">
            <NumberInput label={t("rewards.amountInRange")} value={amount ?? ""} onChange={(v) => setAmount(typeof v === "number" ? v : undefined)} allowDecimal={false} />
            <TextInput label={t("rewards.reason")} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
            <Button onClick={act(() => claimsApi.assess(id, { ...(amount ? { amount } : {}), ...(reason.trim() ? { reason: reason.trim() } : {}) }))} data-testid="claim-assess">
              {t("rewards.assess")}
            </Button>
          </Group>
        )}
        {(c.state === "assessed" || c.state === "first_approved") && (
          <Group>
            <Text>{t("rewards.amount")}: {c.amountCents === null ? "—" : cur(c.amountCents)}</Text>
            <Button onClick={act(() => claimsApi.approve(id))} data-testid="claim-approve">{c.state === "assessed" ? t("rewards.approveFirst") : t("rewards.approveSecond")}</Button>
          </Group>
        )}
        {c.state === "approved" && c.balanceCents > 0 && (
          <Group align="flex-end">
            <TextInput label={t("rewards.reference")} value={reference} onChange={(e) => setReference(e.currentTarget.value)} data-testid="pay-reference" />
            <TextInput label={t("rewards.payee")} value={payee} onChange={(e) => setPayee(e.currentTarget.value)} data-testid="pay-payee" />
            <Button onClick={act(() => claimsApi.pay(id, { amountCents: c.balanceCents, method: "bank_transfer", reference: reference.trim(), payee: { name: payee.trim() } }))} data-testid="claim-pay">
              {t("rewards.payBalance", { amount: cur(c.balanceCents) })}
            </Button>
          </Group>
        )}
        <ClaimPhotos claimId={id} underInspection={c.state === "inspection"} />
        <Table data-testid="claim-ledger">
          <Table.Tbody>
            {c.ledger.map((e) => (
              <Table.Tr key={e.seq}>
                <Table.Td>{new Date(e.at).toLocaleString(i18n.language)}</Table.Td>
                <Table.Td>{t(`rewards.kinds.${e.kind}`)}</Table.Td>
                <Table.Td>{cur(e.amountCents)}</Table.Td>
                <Table.Td>{e.reference ?? ""}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Stack>
    </Card>
  );
}
