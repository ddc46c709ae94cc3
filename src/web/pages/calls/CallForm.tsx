import { Alert, Button, Checkbox, Fieldset, Group, MultiSelect, NumberInput, SegmentedControl, Select, SimpleGrid, Stack, Text, TextInput, Textarea } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { CONTACTS, DEPLOYED, REGIONS, TIMINGS, callsApi, type LogCallInput, type LoggedCall, type Questionnaire } from "../../api/calls";
import { logCallBodySchemaFor } from "../../../shared/api/calls";
import { useEquipmentCodes } from "../../api/rewards";
import { errorText, invalidFields } from "../../components/errorText";
import { schemaValidate } from "../../components/schemaValidate";

/** "2026-11-25T14:05" for a datetime-local field, in the browser's time zone. */
export function localInputValue(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function toIso(local: string): string | null {
  if (!local) return null;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

interface CallValues {
  calledAt: string;
  direction: "in" | "out";
  number: string;
  summary: string;
  q: Questionnaire;
  withCallback: boolean;
  dueAt: string;
  assign: "me" | "team";
}

/** The call as the staff API takes it: the server's schema (with the schedule's equipment codes) checks it here first. */
const logCallBody = (equipment: string[]) => logCallBodySchemaFor(equipment.length ? (equipment as [string, ...string[]]) : ["-"]);
const toInput = (v: CallValues, caseId: string | undefined): LogCallInput => ({
  calledAt: toIso(v.calledAt) ?? "",
  direction: v.direction,
  summary: v.summary.trim(),
  questionnaire: v.q,
  ...(v.number.trim() ? { callbackNumber: v.number.trim() } : {}),
  ...(caseId ? { caseId } : {}),
  ...(v.withCallback ? { callback: { dueAt: toIso(v.dueAt) ?? "", assign: v.assign } } : {}),
});
const PROBLEM = { calledAt: "calls.invalidTime", callback: "calls.invalidTime", summary: "calls.summaryRequired", callbackNumber: "calls.numberInvalid" } as const;

/**
 * One phone call, as the operator fills it in while or after talking: time, direction, the
 * caller's number, a summary, the web form's questionnaire and, optionally, a callback task.
 * With `caseId` the call joins that case; otherwise the number decides or a new case opens.
 */
export function CallForm({ caseId, onLogged }: { caseId?: string; onLogged: (r: LoggedCall) => void }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const equipment = useEquipmentCodes();
  // The form's validator is made once; it reads the codes through a ref, as they arrive from the server.
  const codes = useRef(equipment);
  codes.current = equipment;
  const form = useForm<CallValues>({
    initialValues: { calledAt: localInputValue(new Date()), direction: "in", number: "", summary: "", q: {}, withCallback: false, dueAt: localInputValue(new Date()), assign: "me" },
    validate: (values: CallValues) =>
      schemaValidate(
        logCallBody(codes.current),
        (v: CallValues) => toInput(v, caseId),
        (f) => t(PROBLEM[f as keyof typeof PROBLEM] ?? "form.invalid"),
        (_v, e) => {
          // The callback's time is shown by its own field.
          if (e.callback) e.dueAt = e.callback;
          delete e.callback;
        },
      )(values),
  });
  const { calledAt, direction, number, summary, q, withCallback, dueAt, assign } = form.values;
  const fieldErrors = form.errors as Record<string, string | undefined>;

  const set = <K extends keyof Questionnaire>(k: K, v: Questionnaire[K] | null) =>
    form.setFieldValue("q", (prev) => {
      const next = { ...prev };
      if (v === null || v === undefined || (Array.isArray(v) && v.length === 0)) delete next[k];
      else next[k] = v;
      return next;
    });
  const options = <C extends string>(codes: readonly C[], group: "deployed" | "timing" | "regions" | "contact" | "equipment") =>
    codes.map((c) => ({ value: c, label: (t as unknown as (k: string) => string)(`choices.${group}.${c}`) }));

  const submit = async (v: CallValues) => {
    setBusy(true);
    try {
      const r = await callsApi.log(toInput(v, caseId));
      form.setValues({ summary: "", number: "", q: {}, withCallback: false });
      onLogged(r);
    } catch (err) {
      if (invalidFields(err).includes("callbackNumber")) form.setErrors({ callbackNumber: t("calls.numberInvalid") });
      else setError(errorText(t, err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      onSubmit={form.onSubmit(
        (v) => {
          setError(null);
          void submit(v);
        },
        () => setError(null),
      )}
      noValidate
      data-testid="call-form"
    >
      <Stack>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <TextInput type="datetime-local" label={t("calls.calledAt")} value={calledAt} onChange={(e) => form.setFieldValue("calledAt", e.currentTarget.value)} error={fieldErrors.calledAt} required data-testid="call-at" />
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              {t("calls.direction")}
            </Text>
            <SegmentedControl
              value={direction}
              onChange={(v) => form.setFieldValue("direction", v as "in" | "out")}
              data={[
                { value: "in", label: t("calls.in") },
                { value: "out", label: t("calls.out") },
              ]}
              data-testid="call-direction"
            />
          </Stack>
          <TextInput
            type="tel"
            label={t("calls.callbackNumber")}
            description={caseId ? undefined : t("calls.callbackNumberHint")}
            value={number}
            onChange={(e) => form.setFieldValue("number", e.currentTarget.value)}
            error={fieldErrors.callbackNumber}
            maxLength={32}
            autoComplete="off"
            data-testid="call-number"
          />
        </SimpleGrid>
        <Textarea
          label={t("calls.summary")}
          description={t("calls.summaryHint")}
          value={summary}
          onChange={(e) => form.setFieldValue("summary", e.currentTarget.value)}
          error={fieldErrors.summary}
          required
          autosize
          minRows={3}
          maxLength={10_000}
          data-testid="call-summary"
        />
        <Fieldset legend={t("calls.questionnaire")}>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <NumberInput
              label={t("calls.groupSize")}
              min={1}
              max={500}
              allowDecimal={false}
              allowNegative={false}
              value={q.groupSize ?? ""}
              onChange={(v) => set("groupSize", typeof v === "number" ? v : null)}
              data-testid="call-group-size"
            />
            <Select label={t("calls.deployed")} placeholder={t("calls.notAnswered")} data={options(DEPLOYED, "deployed")} value={q.deployed ?? null} onChange={(v) => set("deployed", v as Questionnaire["deployed"] | null)} clearable />
            <Select label={t("calls.region")} placeholder={t("calls.notAnswered")} data={options(REGIONS, "regions")} value={q.region ?? null} onChange={(v) => set("region", v as Questionnaire["region"] | null)} clearable searchable />
            <Select label={t("calls.timing")} placeholder={t("calls.notAnswered")} data={options(TIMINGS, "timing")} value={q.timing ?? null} onChange={(v) => set("timing", v as Questionnaire["timing"] | null)} clearable />
            <MultiSelect
              label={t("calls.equipment")}
              placeholder={q.equipment?.length ? undefined : t("calls.notAnswered")}
              data={options(equipment, "equipment")}
              value={q.equipment ?? []}
              onChange={(v) => set("equipment", v as Questionnaire["equipment"])}
              clearable
            />
            <Select label={t("calls.contact")} placeholder={t("calls.notAnswered")} data={options(CONTACTS, "contact")} value={q.contact ?? null} onChange={(v) => set("contact", v as Questionnaire["contact"] | null)} clearable />
          </SimpleGrid>
        </Fieldset>
        <Checkbox label={t("calls.scheduleCallback")} checked={withCallback} onChange={(e) => form.setFieldValue("withCallback", e.currentTarget.checked)} data-testid="call-schedule" />
        {withCallback && (
          <Group align="flex-end">
            <TextInput type="datetime-local" label={t("calls.dueAt")} value={dueAt} onChange={(e) => form.setFieldValue("dueAt", e.currentTarget.value)} error={fieldErrors.dueAt} data-testid="call-due" />
            <Stack gap={4}>
              <Text size="sm" fw={500}>
                {t("calls.assign")}
              </Text>
              <SegmentedControl
                value={assign}
                onChange={(v) => form.setFieldValue("assign", v as "me" | "team")}
                data={[
                  { value: "me", label: t("calls.assignMe") },
                  { value: "team", label: t("calls.assignTeam") },
                ]}
              />
            </Stack>
          </Group>
        )}
        {error && <Alert color="red">{error}</Alert>}
        <Group justify="flex-end">
          <Button type="submit" loading={busy} data-testid="call-submit">
            {t("calls.submit")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
