import { Group, NumberInput, Text, TextInput, Textarea } from "@mantine/core";
import type { UseFormReturnType } from "@mantine/form";
import { useTranslation } from "react-i18next";
import { resolvePoint } from "../../../shared/geo";
import type { PlanDraft, PointDraft } from "./planDraft";

/** The number a NumberInput holds, or undefined while it is empty. */
export const num = (v: number | string) => (v === "" || v === undefined ? undefined : Number(v));
/** The point as the server will resolve it (shared code), or why not. */
export const pointOf = (p: PointDraft) => resolvePoint({ lat: num(p.lat), lon: num(p.lon), mgrs: p.mgrs.trim() || undefined, description: p.description.trim() });

/** One point: latitude/longitude or MGRS (either; both must agree), and how he will recognise it. */
export function PointFields({ form, name, legend }: { form: UseFormReturnType<PlanDraft>; name: "meeting" | "alternate"; legend: string }) {
  const { t } = useTranslation();
  const resolved = pointOf(form.values[name]);
  return (
    <fieldset style={{ border: "1px solid var(--mantine-color-gray-4)", borderRadius: 6, padding: 12 }}>
      <legend>{legend}</legend>
      <Group grow align="flex-start" wrap="wrap">
        <NumberInput label={t("operations.plan.lat")} decimalScale={6} min={-80} max={84} hideControls inputMode="decimal" {...form.getInputProps(`${name}.lat`)} data-testid={`${name}-lat`} />
        <NumberInput label={t("operations.plan.lon")} decimalScale={6} min={-180} max={180} hideControls inputMode="decimal" {...form.getInputProps(`${name}.lon`)} data-testid={`${name}-lon`} />
      </Group>
      <TextInput label={t("operations.plan.mgrs")} description={t("operations.plan.mgrsHint")} maxLength={20} autoCapitalize="characters" {...form.getInputProps(`${name}.mgrs`)} data-testid={`${name}-mgrs`} />
      <Textarea label={t("operations.plan.description")} description={t("operations.plan.descriptionHint")} required maxLength={500} autosize minRows={2} {...form.getInputProps(`${name}.description`)} data-testid={`${name}-description`} />
      <Text size="sm" mt={4} c={typeof resolved === "string" ? "dimmed" : "teal"} data-testid={`${name}-resolved`}>
        {typeof resolved === "string" ? t("operations.plan.pointPending") : `${resolved.mgrs} · ${resolved.lat}, ${resolved.lon}`}
      </Text>
    </fieldset>
  );
}
