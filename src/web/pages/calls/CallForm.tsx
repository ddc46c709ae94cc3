import { Alert, Button, Checkbox, Fieldset, Group, MultiSelect, NumberInput, SegmentedControl, Select, SimpleGrid, Stack, Text, TextInput, Textarea } from "@mantine/core";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { CONTACTS, DEPLOYED, EQUIPMENT, REGIONS, TIMINGS, callsApi, type LogCallInput, type LoggedCall, type Questionnaire } from "../../api/calls";
import { errorText, invalidFields } from "../../components/errorText";

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

/**
 * One phone call, as the operator fills it in while or after talking: time, direction, the
 * caller's number, a summary, the web form's questionnaire and, optionally, a callback task.
 * With `caseId` the call joins that case; otherwise the number decides or a new case opens.
 */
export function CallForm({ caseId, onLogged }: { caseId?: string; onLogged: (r: LoggedCall) => void }) {
  const { t } = useTranslation();
  const [calledAt, setCalledAt] = useState(() => localInputValue(new Date()));
  const [direction, setDirection] = useState<"in" | "out">("in");
  const [number, setNumber] = useState("");
  const [summary, setSummary] = useState("");
  const [q, setQ] = useState<Questionnaire>({});
  const [withCallback, setWithCallback] = useState(false);
  const [dueAt, setDueAt] = useState(() => localInputValue(new Date()));
  const [assign, setAssign] = useState<"me" | "team">("me");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});

  const set = <K extends keyof Questionnaire>(k: K, v: Questionnaire[K] | null) =>
    setQ((prev) => {
      const next = { ...prev };
      if (v === null || v === undefined || (Array.isArray(v) && v.length === 0)) delete next[k];
      else next[k] = v;
      return next;
    });
  const options = <C extends string>(codes: readonly C[], group: "deployed" | "timing" | "regions" | "contact" | "equipment") =>
    codes.map((c) => ({ value: c, label: (t as unknown as (k: string) => string)(`choices.${group}.${c}`) }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const errors: Record<string, string> = {};
    const at = toIso(calledAt);
    const due = withCallback ? toIso(dueAt) : null;
    if (!at) errors.calledAt = t("calls.invalidTime");
    if (withCallback && !due) errors.dueAt = t("calls.invalidTime");
    if (!summary.trim()) errors.summary = t("calls.summaryRequired");
    setFieldErrors(errors);
    if (Object.keys(errors).length > 0 || !at) return;
    const input: LogCallInput = {
      calledAt: at,
      direction,
      summary: summary.trim(),
      questionnaire: q,
      ...(number.trim() ? { callbackNumber: number.trim() } : {}),
      ...(caseId ? { caseId } : {}),
      ...(withCallback && due ? { callback: { dueAt: due, assign } } : {}),
    };
    setBusy(true);
    try {
      const r = await callsApi.log(input);
      setSummary("");
      setNumber("");
      setQ({});
      setWithCallback(false);
      onLogged(r);
    } catch (err) {
      if (invalidFields(err).includes("callbackNumber")) setFieldErrors({ callbackNumber: t("calls.numberInvalid") });
      else setError(errorText(t, err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate data-testid="call-form">
      <Stack>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <TextInput type="datetime-local" label={t("calls.calledAt")} value={calledAt} onChange={(e) => setCalledAt(e.currentTarget.value)} error={fieldErrors.calledAt} required data-testid="call-at" />
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              {t("calls.direction")}
            </Text>
            <SegmentedControl
              value={direction}
              onChange={(v) => setDirection(v as "in" | "out")}
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
            onChange={(e) => setNumber(e.currentTarget.value)}
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
          onChange={(e) => setSummary(e.currentTarget.value)}
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
              data={options(EQUIPMENT, "equipment")}
              value={q.equipment ?? []}
              onChange={(v) => set("equipment", v as Questionnaire["equipment"])}
              clearable
            />
            <Select label={t("calls.contact")} placeholder={t("calls.notAnswered")} data={options(CONTACTS, "contact")} value={q.contact ?? null} onChange={(v) => set("contact", v as Questionnaire["contact"] | null)} clearable />
          </SimpleGrid>
        </Fieldset>
        <Checkbox label={t("calls.scheduleCallback")} checked={withCallback} onChange={(e) => setWithCallback(e.currentTarget.checked)} data-testid="call-schedule" />
        {withCallback && (
          <Group align="flex-end">
            <TextInput type="datetime-local" label={t("calls.dueAt")} value={dueAt} onChange={(e) => setDueAt(e.currentTarget.value)} error={fieldErrors.dueAt} data-testid="call-due" />
            <Stack gap={4}>
              <Text size="sm" fw={500}>
                {t("calls.assign")}
              </Text>
              <SegmentedControl
                value={assign}
                onChange={(v) => setAssign(v as "me" | "team")}
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
