import { Alert, Badge, Button, Group, Stack, Table, Text, Title } from "@mantine/core";
import { useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { RECORD_FIELDS } from "../../../shared/registration";
import { registrationApi, saveBlob, type Registration } from "../../api/registration";
import { errorText } from "../../components/errorText";
import { fieldLabel } from "./labels";

export const STATUS_COLOR = { issued: "green", due: "yellow", overdue: "red" } as const;

/** The record as stored, for those who read it but do not write it. */
export function RecordTable({ r }: { r: Registration }) {
  const { t } = useTranslation();
  return (
    <Table>
      <Table.Tbody>
        {RECORD_FIELDS.map((f) => (
          <Table.Tr key={f}>
            <Table.Th scope="row">{fieldLabel(t, f)}</Table.Th>
            <Table.Td>{r.values[f] ?? "—"}</Table.Td>
            <Table.Td>{r.confirmed.includes(f) ? t("registration.confirmed") : r.values[f] ? t("registration.unconfirmed") : ""}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/**
 * The capture cards owed and sent, and for each card where each of its two copies stands: the
 * Central Tracing Agency's (always owed; it makes the card sent) and the family's (owed only with
 * his consent). Each copy is downloaded as the PDF the server prints; the first print of a copy is
 * the day it is recorded as sent.
 */
export function CardsList({ r, canPrint, onPrinted }: { r: Registration; canPrint: boolean; onPrinted: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>(null);
  const print = async (cardId: string, copy: "family" | "agency") => {
    setError(null);
    try {
      saveBlob(await registrationApi.printCard(r.caseId, cardId, copy), `capture-card-${r.number}-${copy}.pdf`);
      onPrinted();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Stack gap="xs" data-testid="cards">
      <Title order={2} size="h4">{t("registration.cards")}</Title>
      {r.cards.length === 0 && <Text c="dimmed">{t("registration.noCards")}</Text>}
      {error ? <Alert color="red" role="alert">{errorText(t, error, { conflict: t("registration.printRefused") })}</Alert> : null}
      {r.cards.map((c) => (
        <Stack key={c.id} gap={4} data-testid="card">
          <Group gap="xs" wrap="wrap">
            <Text fw={500}>{t(`registration.reasons.${c.reason}`)} · {t("registration.dueAt")} {new Date(c.dueAt).toLocaleDateString()}</Text>
            <Badge color={STATUS_COLOR[c.status]}>{t(`registration.status.${c.status}`)}</Badge>
          </Group>
          <CopyLine copy="agency" sentAt={c.issuedAt} owed>
            {canPrint && <Button size="xs" onClick={() => void print(c.id, "agency")} data-testid="print-agency">{t("registration.printAgency")}</Button>}
          </CopyLine>
          <CopyLine copy="family" sentAt={c.familyIssuedAt} owed={r.familyConsent}>
            {canPrint && r.familyConsent && <Button size="xs" variant="default" onClick={() => void print(c.id, "family")} data-testid="print-family">{t("registration.printFamily")}</Button>}
          </CopyLine>
        </Stack>
      ))}
    </Stack>
  );
}

/** One copy of a card, labelled: sent on which day, not sent yet, or not owed (no consent to a family card). */
function CopyLine({ copy, sentAt, owed, children }: { copy: "family" | "agency"; sentAt: string | null; owed: boolean; children: ReactNode }) {
  const { t } = useTranslation();
  const state = sentAt ? t("registration.copy.sentOn", { date: new Date(sentAt).toLocaleDateString() }) : owed ? t("registration.copy.notSent") : t("registration.copy.notOwed");
  return (
    <Group gap="xs" wrap="wrap" pl="sm">
      <Text size="sm" data-testid={`copy-${copy}`}>
        <Text span c="dimmed" size="sm">{t(`registration.copy.${copy}`)}:</Text> {state}
      </Text>
      {children}
    </Group>
  );
}

/** His fate as a timeline, oldest first, with who recorded each event. */
export function FateTimeline({ r }: { r: Registration }) {
  const { t } = useTranslation();
  return (
    <Stack gap={4} data-testid="fate-timeline">
      <Title order={2} size="h4">{t("registration.timeline")}</Title>
      {r.timeline.length === 0 && <Text c="dimmed">{t("registration.noEvents")}</Text>}
      {r.timeline.map((e) => (
        <Text key={e.id}>
          {e.date} · {t(`registration.events.${e.kind}`)}
          {e.place ? ` · ${e.place}` : ""}
          {e.health ? ` · ${t(`registration.health.${e.health}`)}` : ""}
          {e.death ? ` · ${e.death.cause}, ${e.death.place}; ${e.death.burial_place}` : ""}
          {e.note ? ` · ${e.note}` : ""} · {e.actorName ?? "—"}
        </Text>
      ))}
    </Stack>
  );
}
