import { Alert, Badge, Button, Group, Stack, Text, Title } from "@mantine/core";
import { useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { CardCopy } from "../../../shared/registration";
import { registrationApi, saveBlob, type Registration } from "../../api/registration";
import { errorText } from "../../components/errorText";
import { CardSentForm } from "./CardSentForm";
import { dayText, STATUS_COLOR } from "./labels";

type Card = Registration["cards"][number];

/**
 * The capture cards owed and sent, and for each card where each of its two copies stands: the
 * Central Tracing Agency's (always owed; once recorded as sent, the card is done) and the family's
 * (owed only with his consent). A copy is downloaded as the PDF the server prints, then recorded
 * as sent with its day and way: printing alone leaves the card owed.
 */
export function CardsList({ r, canWrite, onChanged }: { r: Registration; canWrite: boolean; onChanged: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>(null);
  const [sending, setSending] = useState<{ cardId: string; copy: CardCopy } | null>(null);
  const print = async (cardId: string, copy: CardCopy) => {
    setError(null);
    try {
      saveBlob(await registrationApi.printCard(r.caseId, cardId, copy), `capture-card-${r.number}-${copy}.pdf`);
      onChanged();
    } catch (err) {
      setError(err);
    }
  };
  const actions = (c: Card, copy: CardCopy) =>
    canWrite && (copy === "agency" || r.familyConsent) ? (
      <>
        <Button size="xs" variant={copy === "agency" ? "filled" : "default"} onClick={() => void print(c.id, copy)} data-testid={`print-${copy}`}>{t(copy === "agency" ? "registration.printAgency" : "registration.printFamily")}</Button>
        {c[copy].printedAt && !c[copy].sent && (
          <Button size="xs" variant="light" onClick={() => setSending({ cardId: c.id, copy })} aria-expanded={sending?.cardId === c.id && sending.copy === copy} data-testid={`mark-sent-${copy}`}>{t("registration.sent.markSent")}</Button>
        )}
      </>
    ) : null;
  return (
    <Stack gap="xs" data-testid="cards">
      <Title order={2} size="h4">{t("registration.cards")}</Title>
      {r.cards.length === 0 ? <Text c="dimmed">{t("registration.noCards")}</Text> : <Text size="sm" c="dimmed">{t("registration.sent.hint")}</Text>}
      {error ? <Alert color="red" role="alert">{errorText(t, error, { conflict: t("registration.printRefused") })}</Alert> : null}
      {r.cards.map((c) => (
        <Stack key={c.id} gap={4} data-testid="card">
          <Group gap="xs" wrap="wrap">
            <Text fw={500}>{t(`registration.reasons.${c.reason}`)} · {t("registration.dueAt")} {new Date(c.dueAt).toLocaleDateString()}</Text>
            <Badge color={STATUS_COLOR[c.status]} data-testid="card-status">{t(`registration.status.${c.status}`)}</Badge>
          </Group>
          {(["agency", "family"] as const).map((copy) => (
            <Stack key={copy} gap={4}>
              <CopyLine copy={copy} state={c[copy]} owed={copy === "agency" || r.familyConsent}>{actions(c, copy)}</CopyLine>
              {sending?.cardId === c.id && sending.copy === copy && (
                <CardSentForm
                  caseId={r.caseId}
                  card={c}
                  copy={copy}
                  onCancel={() => setSending(null)}
                  onSaved={() => {
                    setSending(null);
                    onChanged();
                  }}
                />
              )}
            </Stack>
          ))}
        </Stack>
      ))}
    </Stack>
  );
}

/** One copy of a card, every value labelled: sent (the day, the way, his note), printed and not sent, not printed, or not owed. */
function CopyLine({ copy, state, owed, children }: { copy: CardCopy; state: Card["agency"]; owed: boolean; children: ReactNode }) {
  const { t } = useTranslation();
  const { sent, printedAt } = state;
  const where = !owed ? t("registration.copy.notOwed") : sent ? t("registration.copy.sentOn", { date: dayText(sent.on) }) : printedAt ? t("registration.copy.printedOn", { date: new Date(printedAt).toLocaleDateString() }) : t("registration.copy.notPrinted");
  return (
    <Stack gap={2} pl="sm" data-testid={`copy-${copy}`}>
      <Group gap="xs" wrap="wrap">
        <Text size="sm">
          <Text span c="dimmed" size="sm">{t(`registration.copy.${copy}`)}:</Text> {where}
        </Text>
        {children}
      </Group>
      {sent && (
        <Text size="sm" pl="sm">
          <Text span c="dimmed" size="sm">{t("registration.copy.via")}:</Text> {t(`registration.sent.ways.${sent.via}`)}
          {sent.note ? (
            <>
              {" · "}
              <Text span c="dimmed" size="sm">{t("registration.copy.note")}:</Text> {sent.note}
            </>
          ) : null}
        </Text>
      )}
    </Stack>
  );
}
