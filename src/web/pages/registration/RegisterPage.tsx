import { Alert, Badge, Button, Card, Group, NumberInput, SegmentedControl, Select, Stack, Table, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { RECORD_FIELDS } from "../../../shared/registration";
import { registrationApi, type RegisterFilter, type Registration } from "../../api/registration";
import { errorText } from "../../components/errorText";
import { usePageTitle } from "../../components/usePageTitle";

const STATUS_COLOR = { issued: "green", due: "yellow", overdue: "red" } as const;

/** The register: his status and the cards owed, his record and timeline, and the card to print. Nothing here shows his choice. */
export function RegisterPage() {
  const { t } = useTranslation();
  usePageTitle(t("registration.title"));
  const [filter, setFilter] = useState<RegisterFilter>({});
  const [open, setOpen] = useState<string | null>(null);
  const list = useQuery({ queryKey: ["registration", filter], queryFn: () => registrationApi.register(filter) });
  return (
    <Stack maw={1200}>
      <Title order={1} size="h2">{t("registration.title")}</Title>
      <Group align="flex-end" wrap="wrap">
        <NumberInput label={t("registration.caseNumber")} min={1} value={filter.number ?? ""} onChange={(v) => setFilter({ ...filter, number: typeof v === "number" ? v : undefined })} w={160} />
        <Select label={t("registration.state")} clearable value={filter.state ?? null} onChange={(v) => setFilter({ ...filter, state: v ?? undefined })} data={["handed_over", "registered_pow", "closed"].map((s) => ({ value: s, label: t(`registration.states.${s}` as never) }))} w={220} />
        <SegmentedControl aria-label={t("registration.cards")} value={filter.cards ?? "all"} onChange={(v) => setFilter({ ...filter, cards: v === "all" ? undefined : (v as "due" | "overdue") })} data={[{ value: "all", label: t("registration.allCards") }, { value: "due", label: t("registration.status.due") }, { value: "overdue", label: t("registration.status.overdue") }]} />
      </Group>
      {list.error && <Alert color="red">{errorText(t, list.error)}</Alert>}
      <Table.ScrollContainer minWidth={520}>
        <Table striped data-testid="register-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("registration.caseNumber")}</Table.Th>
              <Table.Th>{t("registration.state")}</Table.Th>
              <Table.Th>{t("registration.art17")}</Table.Th>
              <Table.Th>{t("registration.nextCard")}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(list.data ?? []).map((e) => (
              <Table.Tr key={e.caseId}>
                <Table.Td>{e.number}</Table.Td>
                <Table.Td>{t(`registration.states.${e.state}` as never)}</Table.Td>
                <Table.Td>{e.art17Complete ? t("registration.complete") : t("registration.incomplete")}</Table.Td>
                <Table.Td>{e.nextCard ? <Badge color={STATUS_COLOR[e.nextCard.status]}>{t(`registration.status.${e.nextCard.status}`)} · {new Date(e.nextCard.dueAt).toLocaleDateString()}</Badge> : "—"}</Table.Td>
                <Table.Td><Button size="xs" variant="default" onClick={() => setOpen(e.caseId)}>{t("registration.openRecord")}</Button></Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {list.data?.length === 0 && <Text c="dimmed">{t("registration.empty")}</Text>}
      {open && <RecordCard caseId={open} />}
    </Stack>
  );
}

function RecordCard({ caseId }: { caseId: string }) {
  const { t } = useTranslation();
  const rec = useQuery({ queryKey: ["registration-case", caseId], queryFn: () => registrationApi.open(caseId) });
  const [printError, setPrintError] = useState<unknown>(null);
  if (rec.error) return <Alert color="red">{errorText(t, rec.error)}</Alert>;
  if (!rec.data) return null;
  const r: Registration = rec.data;
  const print = async (cardId: string, copy: "family" | "agency") => {
    setPrintError(null);
    try {
      const blob = await registrationApi.printCard(caseId, cardId, copy);
      window.open(URL.createObjectURL(blob), "_blank", "noopener");
      await rec.refetch();
    } catch (err) {
      setPrintError(err);
    }
  };
  return (
    <Card withBorder data-testid="registration-record">
      <Title order={2} size="h3">{t("registration.record", { number: r.number })}</Title>
      {r.missing.length > 0 && <Alert color="yellow">{t("registration.missing")}: {r.missing.map((f) => t(`registration.fields.${f}` as never)).join(", ")}</Alert>}
      <Table>
        <Table.Tbody>
          {RECORD_FIELDS.map((f) => (
            <Table.Tr key={f}>
              <Table.Th scope="row">{t(`registration.fields.${f}` as never)}</Table.Th>
              <Table.Td>{r.values[f] ?? "—"}</Table.Td>
              <Table.Td>{r.confirmed.includes(f) ? t("registration.confirmed") : r.values[f] ? t("registration.unconfirmed") : ""}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Title order={3} size="h4" mt="md">{t("registration.cards")}</Title>
      {printError ? <Alert color="red">{errorText(t, printError)}</Alert> : null}
      {r.cards.map((c) => (
        <Group key={c.id} gap="xs" wrap="wrap">
          <Text>{t(`registration.reasons.${c.reason}`)} · {t("registration.dueAt")} {new Date(c.dueAt).toLocaleDateString()}</Text>
          <Badge color={STATUS_COLOR[c.status]}>{t(`registration.status.${c.status}`)}</Badge>
          <Button size="xs" onClick={() => void print(c.id, "agency")}>{t("registration.printAgency")}</Button>
          {r.familyConsent && <Button size="xs" variant="default" onClick={() => void print(c.id, "family")}>{t("registration.printFamily")}</Button>}
        </Group>
      ))}
      <Title order={3} size="h4" mt="md">{t("registration.timeline")}</Title>
      {r.timeline.length === 0 && <Text c="dimmed">{t("registration.noEvents")}</Text>}
      {r.timeline.map((e) => (
        <Text key={e.id}>
          {e.date} · {t(`registration.events.${e.kind}`)}{e.place ? ` · ${e.place}` : ""} · {e.actorName ?? "—"}
        </Text>
      ))}
    </Card>
  );
}
