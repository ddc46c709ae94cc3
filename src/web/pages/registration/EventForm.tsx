import { Alert, Button, Fieldset, Group, Select, SimpleGrid, Stack, Text, TextInput, Textarea } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { EVENT_KINDS, HEALTH, NEW_CARD_EVENTS, eventWriteSchema, type EventKind, type EventWrite } from "../../../shared/registration";
import { registrationApi } from "../../api/registration";
import { errorText } from "../../components/errorText";
import { schemaValidate } from "../../components/schemaValidate";

interface Values {
  kind: EventKind;
  date: string;
  place: string;
  health: string | null;
  note: string;
  cause: string;
  deathPlace: string;
  burial: string;
  certificate: string;
}
const EMPTY: Values = { kind: "transfer", date: "", place: "", health: null, note: "", cause: "", deathPlace: "", burial: "", certificate: "" };
const opt = (s: string) => (s.trim() ? s.trim() : undefined);

function toBody(v: Values): EventWrite {
  const death = v.kind === "death" ? { cause: v.cause.trim(), place: v.deathPlace.trim(), burial_place: v.burial.trim(), ...(opt(v.certificate) ? { certificate: opt(v.certificate) } : {}) } : undefined;
  const body = { kind: v.kind, date: v.date, place: opt(v.place), health: (v.health ?? undefined) as EventWrite["health"], note: opt(v.note), death };
  return Object.fromEntries(Object.entries(body).filter(([, x]) => x !== undefined)) as EventWrite;
}

/** One dated event of his fate (Art. 122; a death with the Art. 120 fields). A transfer, a hospital stay or a change of health owes a new card. */
export function EventForm({ caseId, onAdded }: { caseId: string; onAdded: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const [added, setAdded] = useState<string | null>(null);
  const form = useForm<Values>({
    initialValues: EMPTY,
    validate: schemaValidate(eventWriteSchema, toBody, (f) => t(`registration.eventForm.problems.${f === "death" || f === "place" || f === "date" ? f : "other"}`), (_v, e) => {
      // The death record's problems show on its first field.
      if (e.death) e.cause = e.death;
      delete e.death;
    }),
  });
  const submit = async (v: Values) => {
    setError(null);
    setAdded(null);
    try {
      const r = await registrationApi.addEvent(caseId, toBody(v));
      form.setValues(EMPTY);
      setAdded(r.newCard ? t("registration.eventForm.addedWithCard") : t("registration.eventForm.added"));
      onAdded();
    } catch (err) {
      setError(errorText(t, err, { conflict: t("registration.eventForm.conflict") }));
    }
  };
  const kind = form.values.kind;
  return (
    <form onSubmit={form.onSubmit((v) => void submit(v))} data-testid="event-form" noValidate>
      <Fieldset legend={t("registration.eventForm.title")}>
        <Stack>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Select label={t("registration.eventForm.kind")} data={EVENT_KINDS.map((k) => ({ value: k, label: t(`registration.events.${k}`) }))} allowDeselect={false} {...form.getInputProps("kind")} />
            <TextInput type="date" label={t("registration.eventForm.date")} withAsterisk {...form.getInputProps("date")} />
            <TextInput label={t("registration.eventForm.place")} withAsterisk={kind === "transfer"} {...form.getInputProps("place")} />
            <Select label={t("registration.eventForm.health")} clearable data={HEALTH.map((h) => ({ value: h, label: t(`registration.health.${h}`) }))} {...form.getInputProps("health")} />
          </SimpleGrid>
          {kind === "death" && (
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput label={t("registration.eventForm.cause")} withAsterisk {...form.getInputProps("cause")} />
              <TextInput label={t("registration.eventForm.deathPlace")} withAsterisk {...form.getInputProps("deathPlace")} />
              <TextInput label={t("registration.eventForm.burial")} withAsterisk {...form.getInputProps("burial")} />
              <TextInput label={t("registration.eventForm.certificate")} {...form.getInputProps("certificate")} />
            </SimpleGrid>
          )}
          <Textarea label={t("registration.eventForm.note")} autosize minRows={2} {...form.getInputProps("note")} />
          {NEW_CARD_EVENTS[kind] && <Text size="sm" c="dimmed">{t("registration.eventForm.cardHint")}</Text>}
          {error && <Alert color="red" role="alert">{error}</Alert>}
          {added && <Text c="green" role="status">{added}</Text>}
          <Group>
            <Button type="submit" data-testid="event-add">{t("registration.eventForm.add")}</Button>
          </Group>
        </Stack>
      </Fieldset>
    </form>
  );
}
