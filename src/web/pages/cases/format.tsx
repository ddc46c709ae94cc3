import { Badge, Text } from "@mantine/core";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { CaseState, Channel } from "../../../shared/case-states";
import type { CaseSummary } from "../../api/cases";
import { locale } from "../../i18n";

const STATE_COLOR: Record<CaseState, string> = {
  new: "blue",
  in_contact: "cyan",
  preliminary: "indigo",
  verifying: "violet",
  verified: "teal",
  rejected: "gray",
  awaiting_deployment: "yellow",
  planning: "orange",
  scheduled: "orange",
  handed_over: "green",
  no_show: "red",
  aborted: "red",
  registered_pow: "green",
  closed: "gray",
  merged: "gray",
};

/** Badges in table cells keep their whole text (Mantine's default lets a narrow cell cut them). */
const NO_SHRINK = { maxWidth: "none", minWidth: "max-content", flexShrink: 0 } as const;

const CHANNEL_COLOR: Record<Channel, string> = { web: "blue", telegram: "cyan", whatsapp: "green", phone: "orange" };

export function StateBadge({ state }: { state: CaseState }) {
  const { t } = useTranslation();
  return (
    <Badge variant="light" color={STATE_COLOR[state]} tt="none" style={NO_SHRINK} data-testid="case-state">
      {t(`states.${state}`)}
    </Badge>
  );
}

/** Markers other teams put on the case: only that they apply (verification keeps its reasons to itself). */
export function FlagBadges({ c }: { c: Pick<CaseSummary, "flags"> }) {
  const { t } = useTranslation();
  return c.flags.map((f) => (
    <Badge key={f} variant="outline" color="orange" tt="none" style={NO_SHRINK} data-testid={`case-flag-${f}`}>
      {t(`case.flags.${f}`)}
    </Badge>
  ));
}

export function ChannelLabel({ channel }: { channel: Channel }) {
  const { t } = useTranslation();
  return (
    <Badge variant="dot" color={CHANNEL_COLOR[channel]} tt="none" size="md" style={NO_SHRINK}>
      {t(`channels.${channel}`)}
    </Badge>
  );
}

/** "in 4 min", "12 min ago": a duration relative to now, in the interface language. */
export function relativeTime(iso: string, now: number): string {
  const diff = new Date(iso).getTime() - now;
  const abs = Math.abs(diff);
  const rtf = new Intl.RelativeTimeFormat(locale(), { numeric: "auto", style: "short" });
  if (abs < 60_000) return rtf.format(0, "second");
  if (abs < 3_600_000) return rtf.format(Math.round(diff / 60_000), "minute");
  if (abs < 86_400_000) return rtf.format(Math.round(diff / 3_600_000), "hour");
  return rtf.format(Math.round(diff / 86_400_000), "day");
}

/** A clock that ticks every `ms`, so "due in 3 min" moves and a case turns overdue on screen. */
export function useNow(ms = 15_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

/** The response-time cell: overdue in red, due soon, or nothing owed. */
export function DueBadge({ c, now, hideEmpty }: { c: Pick<CaseSummary, "dueAt">; now: number; hideEmpty?: boolean }) {
  const { t } = useTranslation();
  if (!c.dueAt) return hideEmpty ? null : <Text size="sm" c="dimmed">—</Text>;
  const overdue = new Date(c.dueAt).getTime() < now;
  return (
    <Badge color={overdue ? "red" : "yellow"} variant={overdue ? "filled" : "light"} tt="none" style={NO_SHRINK} data-testid={overdue ? "case-overdue" : "case-due"}>
      {overdue ? t("inbox.overdue", { time: relativeTime(c.dueAt, now) }) : t("inbox.dueIn", { time: relativeTime(c.dueAt, now) })}
    </Badge>
  );
}
