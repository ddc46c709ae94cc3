import { Alert, Badge, Button, Stack, Table, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useSearchParams } from "react-router";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { claimsApi, money } from "../../api/rewards";
import { errorText } from "../../components/errorText";
import { WHOLE_BADGE } from "../../components/wholeBadge";
import { usePageTitle } from "../../components/usePageTitle";
import { ClaimCard } from "./ClaimCard";
import { NewClaimForm } from "./NewClaimForm";
import { PageHeader } from "../../components/PageHeader";

type T = (k: string, o?: Record<string, unknown>) => string;


/** The reward officer's claims: one per machine, each through inspection, assessment, two approvals and payment. */
export function RewardsPage() {
  const { t: tt, i18n } = useTranslation();
  const t = tt as unknown as T;
  usePageTitle(t("rewards.title"));
  const [open, setOpen] = useState<string | null>(null);
  // The case page links here with the case to open a claim on (?case=id&number=n).
  const [params] = useSearchParams();
  const caseId = params.get("case");
  const list = useQuery({ queryKey: ["rewards", "claims"], queryFn: claimsApi.list });
  return (
    <Stack maw={1200}>
      <PageHeader title={t("rewards.title")} />
      {caseId && <NewClaimForm caseId={caseId} caseNumber={params.get("number")} onCreated={setOpen} />}
      {list.error && <Alert color="red">{errorText(tt, list.error)}</Alert>}
      <Table.ScrollContainer minWidth={560}>
      <Table striped data-testid="claims-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("rewards.case")}</Table.Th>
            <Table.Th>{t("rewards.state")}</Table.Th>
            <Table.Th>{t("rewards.equipment")}</Table.Th>
            <Table.Th>{t("rewards.amount")}</Table.Th>
            <Table.Th>{t("rewards.balance")}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(list.data ?? []).map((c) => (
            <Table.Tr key={c.id} data-testid="claim-row">
              <Table.Td>{c.caseNumber}</Table.Td>
              <Table.Td><Badge variant="light" {...WHOLE_BADGE} data-testid="claim-state" data-state={c.state}>{t(`rewards.states.${c.state}`)}</Badge></Table.Td>
              <Table.Td>{t(`choices.equipment.${c.equipmentCode}`)} {c.secret && <Badge color="grape" {...WHOLE_BADGE}>{t("rewards.secret")}</Badge>}</Table.Td>
              <Table.Td>{c.amountCents === null ? "—" : money(c.amountCents, c.currency, i18n.language)}</Table.Td>
              <Table.Td>{money(c.balanceCents, c.currency, i18n.language)}</Table.Td>
              <Table.Td><Button size="xs" variant="default" onClick={() => setOpen(c.id)}>{t("rewards.open")}</Button></Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      </Table.ScrollContainer>
      {list.data?.length === 0 && <Text c="dimmed">{t("rewards.empty")}</Text>}
      {open && <ClaimCard key={open} id={open} />}
    </Stack>
  );
}
