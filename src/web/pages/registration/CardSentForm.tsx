import { Alert, Button, Fieldset, Group, Select, SimpleGrid, Stack, TextInput, Textarea } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { CARD_SENT_VIA, cardSentSchema, type CardCopy, type CardSent } from "../../../shared/registration";
import { addDays } from "../../../shared/calendar-day";
import { staffToday } from "../../../shared/zoned-time";
import { registrationApi, type Registration } from "../../api/registration";
import { errorText } from "../../components/errorText";
import { schemaValidate } from "../../components/schemaValidate";

type Card = Registration["cards"][number];
interface Values {
  sentOn: string;
  via: string | null;
  note: string;
}

const toBody = (copy: CardCopy, v: Values): CardSent => ({ copy, sentOn: v.sentOn, via: (v.via ?? "") as CardSent["via"], ...(v.note.trim() ? { note: v.note.trim() } : {}) });

/**
 * Record that one printed copy of a card went out: the day (today by default, as Kyiv counts it),
 * the way, an optional note. The form refuses what the server would (a day to come, a day before
 * the card was owed or printed); the server decides in the end.
 */
export function CardSentForm({ caseId, card, copy, onSaved, onCancel }: { caseId: string; card: Card; copy: CardCopy; onSaved: () => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const printed = card[copy].printedAt;
  // The earliest day it can have gone: the day its clock started (a week before it is due), or the day it was printed.
  const earliest = [addDays(card.dueAt.slice(0, 10), -7), printed ? staffToday(new Date(printed)) : ""].sort().at(-1)!;
  const form = useForm<Values>({
    initialValues: { sentOn: staffToday(new Date()), via: null, note: "" },
    validate: schemaValidate(cardSentSchema, (v: Values) => toBody(copy, v), (f) => t(`registration.sent.problems.${f === "sentOn" || f === "via" ? f : "other"}`), (v, e) => {
      if (e.sentOn || !v.sentOn) return;
      if (v.sentOn > staffToday(new Date())) e.sentOn = t("registration.sent.problems.future");
      else if (v.sentOn < earliest) e.sentOn = t("registration.sent.problems.early");
    }),
  });
  const submit = async (v: Values) => {
    setError(null);
    try {
      await registrationApi.markCardSent(caseId, card.id, toBody(copy, v));
      onSaved();
    } catch (err) {
      setError(errorText(t, err, { conflict: t("registration.sent.conflict"), validation_failed: t("registration.sent.badDay") }));
    }
  };
  return (
    <form onSubmit={form.onSubmit((v) => void submit(v))} noValidate data-testid={`sent-form-${copy}`}>
      <Fieldset legend={t("registration.sent.title", { copy: t(`registration.copy.${copy}`) })}>
        <Stack gap="xs">
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput type="date" label={t("registration.sent.sentOn")} withAsterisk min={earliest} max={staffToday(new Date())} {...form.getInputProps("sentOn")} />
            <Select label={t("registration.sent.via")} withAsterisk data={CARD_SENT_VIA.map((w) => ({ value: w, label: t(`registration.sent.ways.${w}`) }))} {...form.getInputProps("via")} />
          </SimpleGrid>
          <Textarea label={t("registration.sent.note")} autosize minRows={2} maxLength={1000} {...form.getInputProps("note")} />
          {error && <Alert color="red" role="alert">{error}</Alert>}
          <Group gap="xs">
            <Button type="submit" size="xs" data-testid="sent-save">{t("registration.sent.save")}</Button>
            <Button variant="default" size="xs" onClick={onCancel}>{t("registration.sent.cancel")}</Button>
          </Group>
        </Stack>
      </Fieldset>
    </form>
  );
}
