import { Alert, Badge, Button, Card, Group, NumberInput, Select, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { claimsApi, money } from "../../api/rewards";
import { errorText } from "../../components/errorText";
import { usePageTitle } from "../../components/usePageTitle";

type T = (k: string, o?: Record<string, unknown>) => string;

/** The reward officer's claims: one per machine, each through inspection, assessment, two approvals and payment. */
export function RewardsPage() {
  const { t: tt, i18n } = useTranslation();
  const t = tt as unknown as T;
  usePageTitle(t("rewards.title"));
  const [open, setOpen] = useState<string | null>(null);
  const list = useQuery({ queryKey: ["rewards", "claims"], queryFn: claimsApi.list });
  return (
    <Stack maw={1200}>
      <Title order={1} size="h2">{t("rewards.title")}</Title>
      {list.error && <Alert color="red">{errorText(tt, list.error)}</Alert>}
      <Table striped data-testid="claims-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("rewards.case")}</Table.Th>
            <Table.Th>{t("rewards.equipment")}</Table.Th>
            <Table.Th>{t("rewards.state")}</Table.Th>
            <Table.Th>{t("rewards.amount")}</Table.Th>
            <Table.Th>{t("rewards.balance")}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(list.data ?? []).map((c) => (
            <Table.Tr key={c.id}>
              <Table.Td>{c.caseNumber}</Table.Td>
              <Table.Td>{t(`choices.equipment.${c.equipmentCode}`)} {c.secret && <Badge color="grape">{t("rewards.secret")}</Badge>}</Table.Td>
              <Table.Td data-testid="claim-state">{t(`rewards.states.${c.state}`)}</Table.Td>
              <Table.Td>{c.amountCents === null ? "—" : money(c.amountCents, c.currency, i18n.language)}</Table.Td>
              <Table.Td>{money(c.balanceCents, c.currency, i18n.language)}</Table.Td>
              <Table.Td><Button size="xs" variant="default" onClick={() => setOpen(c.id)}>{t("rewards.open")}</Button></Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {list.data?.length === 0 && <Text c="dimmed">{t("rewards.empty")}</Text>}
      {open && <ClaimCard id={open} />}
    </Stack>
  );
}

function ClaimCard({ id }: { id: string }) {
  const { t: tt, i18n } = useTranslation();
  const t = tt as unknown as T;
  const qc = useQueryClient();
  const claim = useQuery({ queryKey: ["rewards", "claim", id], queryFn: () => claimsApi.open(id) });
  const [error, setError] = useState<string | null>(null);
  const [serviceability, setServiceability] = useState<string | null>("serviceable");
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
      setError(errorText(tt, err));
    }
  };
  const c = claim.data;
  if (!c) return claim.error ? <Alert color="red">{errorText(tt, claim.error)}</Alert> : null;
  const today = new Date().toISOString().slice(0, 10);
  return (
    <Card withBorder data-testid="claim-card">
      <Stack>
        <Title order={2} size="h3">{t(`choices.equipment.${c.equipmentCode}`)} · {t(`rewards.states.${c.state}`)}</Title>
        <Text>{Object.values(c.identifying).join(" · ")}</Text>
        {error && <Alert color="red">{error}</Alert>}
        {c.state === "inspection" && (
          <Group align="flex-end">
            <Select label={t("rewards.serviceability")} value={serviceability} onChange={setServiceability} data={["serviceable", "partly", "not_serviceable"].map((s) => ({ value: s, label: t(`rewards.serviceabilities.${s}`) }))} />
            <Button variant="default" onClick={act(() => claimsApi.inspect(id, serviceability ?? "serviceable", today))}>{t("rewards.recordInspection")}</Button>
            <NumberInput label={t("rewards.amountInRange")} value={amount ?? ""} onChange={(v) => setAmount(typeof v === "number" ? v : undefined)} allowDecimal={false} />
            <TextInput label={t("rewards.reason")} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
            <Button onClick={act(() => claimsApi.assess(id, { ...(amount ? { amount } : {}), ...(reason ? { reason } : {}) }))} data-testid="claim-assess">{t("rewards.assess")}</Button>
          </Group>
        )}
        {(c.state === "assessed" || c.state === "first_approved") && <Button onClick={act(() => claimsApi.approve(id))} data-testid="claim-approve">{t("rewards.approve")}</Button>}
        {c.state === "approved" && (
          <Group align="flex-end">
            <TextInput label={t("rewards.reference")} value={reference} onChange={(e) => setReference(e.currentTarget.value)} data-testid="pay-reference" />
            <TextInput label={t("rewards.payee")} value={payee} onChange={(e) => setPayee(e.currentTarget.value)} data-testid="pay-payee" />
            <Button onClick={act(() => claimsApi.pay(id, { amountCents: c.balanceCents, method: "bank_transfer", reference, payee: { name: payee } }))} data-testid="claim-pay">{t("rewards.payBalance", { amount: money(c.balanceCents, c.currency, i18n.language) })}</Button>
          </Group>
        )}
        <Table>
          <Table.Tbody>
            {c.ledger.map((e) => (
              <Table.Tr key={e.seq}>
                <Table.Td>{new Date(e.at).toLocaleString(i18n.language)}</Table.Td>
                <Table.Td>{t(`rewards.kinds.${e.kind}`)}</Table.Td>
                <Table.Td>{money(e.amountCents, c.currency, i18n.language)}</Table.Td>
                <Table.Td>{e.reference ?? ""}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Stack>
    </Card>
  );
}
