import { Chip, Group, SegmentedControl, Select } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { CASE_STATES, CHANNELS, TEAMS, type CaseState, type Channel, type TeamId } from "../../../shared/case-states";
import type { InboxFilters } from "../../api/cases";

/** The inbox filters, read from the address (so a view can be bookmarked and survives a reload). */
export function filtersFrom(params: URLSearchParams): InboxFilters {
  const pick = <T extends string>(k: string, allowed: readonly T[]) => (allowed.includes(params.get(k) as T) ? (params.get(k) as T) : undefined);
  return {
    state: pick<CaseState>("state", CASE_STATES),
    channel: pick<Channel>("channel", CHANNELS),
    team: pick<TeamId>("team", TEAMS),
    assigned: pick("assigned", ["me", "none", "any"] as const) ?? "any",
    overdue: params.get("overdue") === "1",
    unread: params.get("unread") === "1",
  };
}

export function InboxFilterBar({ filters, setFilter }: { filters: InboxFilters; setFilter: (k: string, v: string | null) => void }) {
  const { t } = useTranslation();
  return (
    <Group gap="sm" align="flex-end" wrap="wrap">
      <SegmentedControl
        value={filters.assigned ?? "any"}
        onChange={(v) => setFilter("assigned", v === "any" ? null : v)}
        data={[
          { value: "any", label: t("inbox.filters.assignedAny") },
          { value: "me", label: t("inbox.filters.assignedMe") },
          { value: "none", label: t("inbox.filters.assignedNone") },
        ]}
        data-testid="filter-assigned"
      />
      <Select
        w={190}
        label={t("inbox.filters.state")}
        placeholder={t("inbox.filters.all")}
        clearable
        value={filters.state ?? null}
        onChange={(v) => setFilter("state", v)}
        data={CASE_STATES.map((s) => ({ value: s, label: t(`states.${s}`) }))}
        comboboxProps={{ withinPortal: true }}
        data-testid="filter-state"
      />
      <Select
        w={160}
        label={t("inbox.filters.channel")}
        placeholder={t("inbox.filters.all")}
        clearable
        value={filters.channel ?? null}
        onChange={(v) => setFilter("channel", v)}
        data={CHANNELS.map((c) => ({ value: c, label: t(`channels.${c}`) }))}
        comboboxProps={{ withinPortal: true }}
        data-testid="filter-channel"
      />
      <Select
        w={170}
        label={t("inbox.filters.team")}
        placeholder={t("inbox.filters.all")}
        clearable
        value={filters.team ?? null}
        onChange={(v) => setFilter("team", v)}
        data={TEAMS.map((c) => ({ value: c, label: t(`teamNames.${c}`) }))}
        comboboxProps={{ withinPortal: true }}
      />
      <Chip checked={!!filters.overdue} onChange={(v) => setFilter("overdue", v ? "1" : null)} color="red">
        {t("inbox.filters.overdueOnly")}
      </Chip>
      <Chip checked={!!filters.unread} onChange={(v) => setFilter("unread", v ? "1" : null)}>
        {t("inbox.filters.unreadOnly")}
      </Chip>
    </Group>
  );
}
