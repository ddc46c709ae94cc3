import { stringify } from "csv-stringify/sync";
import type { Dashboard } from "../../shared/api/analytics.js";
import type { CHARTS } from "../../shared/api/analytics.js";

/** Each chart's data as a CSV table: the numbers behind the picture, with a header row. */
export function chartCsv(d: Dashboard, chart: (typeof CHARTS)[number]): string {
  const channels = Object.keys(d.contacts.byChannel);
  const rows: (string | number | null)[][] = (() => {
    switch (chart) {
      case "contacts":
        return [["date", ...channels, "total", "avg7", "inbound_messages"], ...d.days.map((day, i) => [day, ...channels.map((c) => d.contacts.byChannel[c]![i]!), d.contacts.total[i]!, d.contacts.avg7[i]!, d.inbound[i]!])];
      case "funnel":
        return [["step", "count", "conversion_pct"], ...d.funnel.map((s) => [s.step, s.n, s.conversion])];
      case "handover":
        return [["from_minutes", "to_minutes", "count"], ...d.handover.map((b) => [b.fromMinutes, b.toMinutes, b.n])];
      case "verdicts":
        return [["outcome", "count"], ...d.verdicts.map((v) => [v.outcome, v.n])];
      case "backlog":
        return [["state", "count"], ...d.backlog.map((b) => [b.state, b.n])];
      case "sla":
        return [["date", "first_responses", "within_target", "target_minutes"], ...d.sla.daily.map((s) => [s.day, s.answered, s.withinTarget, d.sla.targetMinutes])];
      case "events":
        return [["date", "kind", "note"], ...d.events.map((e) => [e.day, e.kind, e.note])];
    }
  })();
  // A note starting with = + - @ would be a formula in a spreadsheet: quote it as text.
  const safe = rows.map((r) => r.map((v) => (typeof v === "string" && /^[=+\-@\t\r]/.test(v) ? `'${v}` : v)));
  return stringify(safe);
}
