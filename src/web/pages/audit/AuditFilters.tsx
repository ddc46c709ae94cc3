import { Button, Group, Paper, Select, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { auditFilterSchema } from "../../../shared/api/audit";
import type { AuditFilter } from "../../api/audit";
import type { StaffMember } from "../../api/staff";
import { translateKnown } from "../../i18n";
import { schemaValidate } from "../../components/schemaValidate";
import { AUDIT_ACTION_GROUPS, AUDIT_ACTIONS } from "./actions";

interface Values {
  actor: string | null;
  action: string | null;
  caseNumber: string;
  from: string;
  to: string;
}

const toValues = (f: AuditFilter): Values => ({ actor: f.actor ?? null, action: f.action ?? null, caseNumber: f.caseNumber?.toString() ?? "", from: f.from ?? "", to: f.to ?? "" });
const toFilter = (v: Values) => ({
  ...(v.actor ? { actor: v.actor } : {}),
  ...(v.action ? { action: v.action } : {}),
  ...(v.caseNumber.trim() ? { caseNumber: v.caseNumber.trim().replace(/^#/, "") } : {}),
  ...(v.from ? { from: v.from } : {}),
  ...(v.to ? { to: v.to } : {}),
});

/** Who, what, which case and which days: the same filters the CSV export takes. */
export function AuditFilters({ value, staff, onApply }: { value: AuditFilter; staff: StaffMember[]; onApply: (f: AuditFilter) => void }) {
  const { t } = useTranslation();
  const form = useForm<Values>({
    initialValues: toValues(value),
    // The shared schema of the server's query string decides what is a valid filter.
    validate: schemaValidate(auditFilterSchema, toFilter, () => t("form.invalid")),
  });
  const key = JSON.stringify(value);
  useEffect(() => {
    form.setValues(toValues(JSON.parse(key) as AuditFilter));
    // Only when the address changes (back, forward, a shared link), not on every keystroke.
  }, [key]);

  const actionLabel = (a: string) => translateKnown(t, `audit.actions.${a}`, a);
  const actions = [
    ...AUDIT_ACTION_GROUPS.map((g) => ({ value: g, label: `${translateKnown(t, `audit.subjects.${g}`, g)}: ${t("audit.filters.actionAll").toLowerCase()}` })),
    ...AUDIT_ACTIONS.map((a) => ({ value: a, label: actionLabel(a) })),
  ];

  return (
    <Paper withBorder p="sm">
      <form onSubmit={form.onSubmit((v) => onApply(auditFilterSchema.parse(toFilter(v))))} noValidate data-testid="audit-filters">
        <Group align="flex-end" gap="sm" wrap="wrap">
          <Select
            w={220}
            label={t("audit.filters.actor")}
            placeholder={t("inbox.filters.all")}
            clearable
            searchable
            data={staff.map((s) => ({ value: s.id, label: s.displayName }))}
            comboboxProps={{ withinPortal: true }}
            data-testid="audit-filter-actor"
            {...form.getInputProps("actor")}
          />
          <Select
            w={300}
            label={t("audit.filters.action")}
            placeholder={t("audit.filters.actionAll")}
            clearable
            searchable
            data={actions}
            comboboxProps={{ withinPortal: true }}
            data-testid="audit-filter-action"
            {...form.getInputProps("action")}
          />
          <TextInput w={150} label={t("audit.filters.case")} inputMode="numeric" data-testid="audit-filter-case" {...form.getInputProps("caseNumber")} />
          <TextInput w={160} type="date" label={t("audit.filters.from")} data-testid="audit-filter-from" {...form.getInputProps("from")} />
          <TextInput w={160} type="date" label={t("audit.filters.to")} data-testid="audit-filter-to" {...form.getInputProps("to")} />
          <Button type="submit" data-testid="audit-filter-apply">
            {t("audit.filters.apply")}
          </Button>
          <Button variant="subtle" onClick={() => onApply({})} data-testid="audit-filter-clear">
            {t("audit.filters.clear")}
          </Button>
        </Group>
      </form>
    </Paper>
  );
}
