import { Alert, Button, Checkbox, Fieldset, Group, Select, SimpleGrid, Stack, Text, TextInput, Textarea } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ART122_FIELDS, ART17_FIELDS, CAPTURE_FIELDS, HEALTH, RECORD_FIELDS, recordValuesSchema, type RecordField, type RecordWrite } from "../../../shared/registration";
import { registrationApi, type Registration } from "../../api/registration";
import { errorText, invalidFields } from "../../components/errorText";
import { fieldLabel } from "./labels";

type Values = Record<RecordField, string> & { confirmed: RecordField[]; familyConsent: boolean };
const DATES: readonly RecordField[] = ["birth_date", "capture_date", "arrival_date"];
const GROUPS = [
  ["art17", ART17_FIELDS],
  ["art122", ART122_FIELDS],
  ["capture", CAPTURE_FIELDS],
] as const;

/** The form's values as the server takes them: empty fields left out, only filled fields confirmed. */
function toBody(v: Values): RecordWrite {
  const values = Object.fromEntries(RECORD_FIELDS.flatMap((f) => (v[f].trim() ? [[f, v[f].trim()]] : []))) as RecordWrite["values"];
  return { values, confirmed: v.confirmed, familyConsent: v.familyConsent };
}

/**
 * The Art. 17/122 record. A value proposed from the case's identity section is filled in but not
 * confirmed: the registrar ticks each field he has checked with the prisoner, and only confirmed
 * Art. 17 fields let the case be registered.
 */
export function RecordForm({ r, onSaved }: { r: Registration; onSaved: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const start = Object.fromEntries(RECORD_FIELDS.map((f) => [f, r.values[f] ?? r.proposals[f] ?? ""])) as Record<RecordField, string>;
  const form = useForm<Values>({
    initialValues: { ...start, confirmed: [...r.confirmed], familyConsent: r.familyConsent },
    validate: (v) => {
      const errors: Record<string, string> = {};
      const body = toBody(v);
      const parsed = recordValuesSchema.safeParse(body.values);
      if (!parsed.success) for (const i of parsed.error.issues) errors[String(i.path[0])] = t("registration.form.invalidField");
      for (const f of v.confirmed) if (!v[f].trim()) errors[f] = t("registration.form.confirmNeedsValue");
      if (v.familyConsent && !(v.informed_person_name.trim() && v.informed_person_address.trim())) errors.familyConsent = t("registration.form.consentNeedsPerson");
      return errors;
    },
  });
  const submit = async (v: Values) => {
    setError(null);
    setSaved(false);
    try {
      await registrationApi.saveRecord(r.caseId, toBody(v));
      setSaved(true);
      onSaved();
    } catch (err) {
      const bad = invalidFields(err);
      setError(bad.length ? `${errorText(t, err)}: ${bad.map((f) => fieldLabel(t, f)).join(", ")}` : errorText(t, err));
    }
  };
  const confirm = (f: RecordField, on: boolean) => form.setFieldValue("confirmed", (prev) => (on ? [...new Set([...prev, f])] : prev.filter((x) => x !== f)));
  const input = (f: RecordField) => {
    const proposed = !r.values[f] && r.proposals[f] ? t("registration.form.proposed") : undefined;
    const common = { label: fieldLabel(t, f), description: proposed, ...form.getInputProps(f) };
    if (f === "health") return <Select {...common} data={HEALTH.map((h) => ({ value: h, label: t(`registration.health.${h}`) }))} clearable />;
    if (f === "informed_person_address") return <Textarea {...common} autosize minRows={2} />;
    return <TextInput {...common} type={DATES.includes(f) ? "date" : "text"} />;
  };
  return (
    <form onSubmit={form.onSubmit((v) => void submit(v))} data-testid="record-form" noValidate>
      <Stack>
        {GROUPS.map(([group, fields]) => (
          <Fieldset key={group} legend={t(`registration.form.groups.${group}`)}>
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              {fields.map((f) => (
                <Stack key={f} gap={4}>
                  {input(f)}
                  <Checkbox
                    label={t("registration.form.confirm", { field: fieldLabel(t, f) })}
                    checked={form.values.confirmed.includes(f)}
                    onChange={(e) => confirm(f, e.currentTarget.checked)}
                    data-testid={`confirm-${f}`}
                  />
                </Stack>
              ))}
            </SimpleGrid>
          </Fieldset>
        ))}
        <Checkbox label={t("registration.form.familyConsent")} {...form.getInputProps("familyConsent", { type: "checkbox" })} />
        {error && <Alert color="red" role="alert">{error}</Alert>}
        {saved && <Text c="green" role="status">{t("registration.form.saved")}</Text>}
        <Group>
          <Button type="submit" data-testid="record-save">{t("registration.form.save")}</Button>
        </Group>
      </Stack>
    </form>
  );
}
