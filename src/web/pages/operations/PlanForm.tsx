import { Alert, Button, Card, Checkbox, Group, MultiSelect, NumberInput, Select, SimpleGrid, Stack, Text, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useQuery } from "@tanstack/react-query";
import { lazy, Suspense } from "react";
import { useTranslation } from "react-i18next";
import { OBLASTS } from "../../../shared/geo";
import { casesApi } from "../../api/cases";
import { useScheduleOn } from "../../api/rewards";
import { fromKyivWall } from "./kyivTime";
import { APPLICANT_ZONES, reminderList, SIGNAL_IDS, type PlanDraft } from "./planDraft";
import { PointFields, pointOf } from "./PointFields";

const PointMap = lazy(() => import("./PointMap").then((m) => ({ default: m.PointMap })));
const PLANNABLE = ["verified", "awaiting_deployment"] as const;

/**
 * The details of an operation, for planning one and for editing one still in planning: one column
 * on a phone, every field labelled and reachable by keyboard; the points are checked as he types
 * by the same code the server runs, and drawn on the map from shipped data once both resolve.
 * Times are Kyiv wall clock. Editing keeps the cases: who is on it is not the form's to change.
 * The equipment is picked from the reward schedule, named as the reward forms name it.
 */
export function PlanForm({ initial, editing = false, pending, error, submitLabel, onSubmit }: { initial: PlanDraft; editing?: boolean; pending: boolean; error: string | null; submitLabel: string; onSubmit: (d: PlanDraft) => void }) {
  const { t, i18n } = useTranslation();
  const candidates = useQuery({ enabled: !editing, queryKey: ["operations", "plannable"], queryFn: async () => (await Promise.all(PLANNABLE.map((state) => casesApi.inbox({ state })))).flatMap((p) => p.items) });
  const required = (v: string) => (v.trim() ? null : t("operations.plan.required"));
  const wall = (v: string) => (fromKyivWall(v) ? null : t("operations.plan.badTime"));
  const form = useForm<PlanDraft>({
    initialValues: initial,
    validate: {
      caseIds: (v) => (editing || v.length ? null : t("operations.plan.pickCases")),
      oblast: (v) => (v ? null : t("operations.plan.required")),
      sectorName: required,
      meeting: { description: required, mgrs: (_v, d) => pointError(d.meeting) },
      alternate: { description: required, mgrs: (_v, d) => pointError(d.alternate) },
      start: wall,
      minutes: (v) => (Number(v) >= 5 && Number(v) <= 720 ? null : t("operations.plan.badMinutes")),
      signals: (v) => (v.length ? null : t("operations.plan.pickSignals")),
      unitName: required,
      liaison: required,
      callSign: required,
      escortContact: required,
      launch: wall,
      reminders: (v) => (reminderList(v) ? null : t("operations.plan.badReminders")),
    },
  });
  const pointError = (p: PlanDraft["meeting"]) => (typeof pointOf(p) === "string" ? t("operations.plan.badPoint") : null);
  const meeting = pointOf(form.values.meeting);
  const alternate = pointOf(form.values.alternate);
  const lang = i18n.language === "en" ? "en" : "uk";
  // The schedule in force on the handover day (the day the server checks the codes against); today's until a start is set.
  const schedule = useScheduleOn((fromKyivWall(form.values.start) ?? new Date()).toISOString().slice(0, 10)).data?.inForce;
  return (
    <form onSubmit={form.onSubmit(onSubmit)} noValidate>
      <Stack>
        {!editing && <MultiSelect label={t("operations.plan.cases")} description={t("operations.plan.casesHint")} required searchable data={(candidates.data ?? []).map((c) => ({ value: c.id, label: `№ ${c.number} · ${t(`channels.${c.channel}`, { defaultValue: c.channel })}` }))} {...form.getInputProps("caseIds")} data-testid="plan-cases" />}
        <Card withBorder>
          <Text fw={600}>{t("operations.sector")}</Text>
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <Select label={t("operations.plan.oblast")} required searchable data={OBLASTS.map((o) => ({ value: o.code, label: o[lang] }))} {...form.getInputProps("oblast")} data-testid="plan-oblast" />
            <TextInput label={t("operations.plan.raion")} maxLength={100} {...form.getInputProps("raion")} />
            <TextInput label={t("operations.plan.sectorName")} required maxLength={200} {...form.getInputProps("sectorName")} data-testid="plan-sector" />
          </SimpleGrid>
        </Card>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <PointFields form={form} name="meeting" legend={t("operations.meeting")} />
          <PointFields form={form} name="alternate" legend={t("operations.alternate")} />
        </SimpleGrid>
        {typeof meeting !== "string" && typeof alternate !== "string" && (
          <Suspense fallback={<Text c="dimmed">…</Text>}>
            <PointMap meeting={meeting} alternate={alternate} labels={{ meeting: t("operations.meeting"), alternate: t("operations.alternate") }} />
          </Suspense>
        )}
        <Card withBorder>
          <Text fw={600}>{t("operations.window")}</Text>
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <TextInput type="datetime-local" label={t("operations.plan.start")} required {...form.getInputProps("start")} data-testid="plan-start" />
            <NumberInput label={t("operations.plan.minutes")} min={5} max={720} required {...form.getInputProps("minutes")} />
            <Select label={t("operations.plan.zone")} data={APPLICANT_ZONES.map((z) => ({ value: z.zone, label: t(`operations.plan.zones.${z.key}`) }))} allowDeselect={false} {...form.getInputProps("applicantZone")} />
          </SimpleGrid>
          <TextInput label={t("operations.plan.reminders")} description={t("operations.plan.remindersHint")} {...form.getInputProps("reminders")} />
        </Card>
        <Checkbox.Group label={t("operations.plan.signals")} required {...form.getInputProps("signals")}>
          <Stack gap={6} mt={6}>
            {SIGNAL_IDS.map((s) => (
              <Checkbox key={s} value={s} label={t(`operations.signals.${s}`)} />
            ))}
          </Stack>
        </Checkbox.Group>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <MultiSelect
            label={t("operations.plan.bring")}
            description={t("operations.plan.bringHint")}
            searchable
            clearable
            data={(schedule?.items ?? []).map((i) => ({ value: i.code, label: t(`choices.equipment.${i.code}`, { defaultValue: i.label }) }))}
            comboboxProps={{ withinPortal: true }}
            {...form.getInputProps("equipment")}
            data-testid="plan-equipment"
          />
          <TextInput label={t("operations.plan.bringNote")} description={t("operations.plan.bringNoteHint")} maxLength={200} {...form.getInputProps("equipmentNote")} data-testid="plan-equipment-note" />
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label={t("operations.plan.unitName")} required maxLength={200} {...form.getInputProps("unitName")} data-testid="plan-unit" />
          <TextInput label={t("operations.plan.liaison")} required maxLength={200} {...form.getInputProps("liaison")} data-testid="plan-liaison" />
          <TextInput label={t("operations.plan.callSign")} required maxLength={100} {...form.getInputProps("callSign")} data-testid="plan-callsign" />
          <TextInput label={t("operations.plan.escortContact")} required maxLength={200} {...form.getInputProps("escortContact")} data-testid="plan-escort-contact" />
          <TextInput type="datetime-local" label={t("operations.plan.launch")} required {...form.getInputProps("launch")} data-testid="plan-launch" />
        </SimpleGrid>
        {error && <Alert color="red">{error}</Alert>}
        <Group>
          <Button type="submit" loading={pending} data-testid="plan-submit">
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
