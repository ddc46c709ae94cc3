import { Alert, Button, Card, Group, Loader, Select, SimpleGrid, Stack, Text, TextInput, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { CHANNELS, type CaseState, type Channel } from "../../../shared/case-states";
import { dashboardFilterSchema } from "../../../shared/api/analytics";
import { analyticsApi, type DashboardFilter } from "../../api/analytics";
import { useCan } from "../../auth/permissions";
import { errorText } from "../../components/errorText";
import { usePageTitle } from "../../components/usePageTitle";
import { TimeChart } from "./TimeChart";
import { BarList, CsvLink } from "./parts";
import { EventPanel } from "./EventPanel";
import { PageHeader } from "../../components/PageHeader";

const COLORS: Record<string, string> = { web: "#1971c2", telegram: "#0ca678", whatsapp: "#f08c00", phone: "#7048e8" };
const day = (d: Date) => d.toISOString().slice(0, 10);

/** The filters live in the address; the default is the last 90 days. */
function filterFrom(params: URLSearchParams): DashboardFilter {
  const to = new Date();
  const fallback = { from: day(new Date(to.getTime() - 89 * 86_400_000)), to: day(to) };
  const parsed = dashboardFilterSchema.safeParse({ ...fallback, ...Object.fromEntries([...params.entries()].filter(([, v]) => v !== "")) });
  return parsed.success ? parsed.data : fallback;
}

export function AnalyticsPage() {
  const { t, i18n } = useTranslation();
  const can = useCan();
  usePageTitle(t("analytics.title"));
  const [params, setParams] = useSearchParams();
  const filter = useMemo(() => filterFrom(params), [params]);
  const [draft, setDraft] = useState(filter);
  const [month, setMonth] = useState(filter.to.slice(0, 7));
  const dash = useQuery({ queryKey: ["analytics", filter], queryFn: () => analyticsApi.dashboard(filter) });
  const d = dash.data;
  const apply = () => {
    const parsed = dashboardFilterSchema.safeParse(draft);
    if (!parsed.success) return;
    const next = new URLSearchParams({ from: parsed.data.from, to: parsed.data.to, ...(parsed.data.channel ? { channel: parsed.data.channel } : {}) });
    setParams(next, { replace: true });
  };
  const draftError = dashboardFilterSchema.safeParse(draft).success ? null : t("analytics.filters.invalid");
  const markers = useMemo(() => (d?.events ?? []).map((e) => ({ day: e.day, text: t(`analytics.kinds.${e.kind}`) })), [d?.events, t]);
  const contactSeries = useMemo(
    () =>
      d
        ? [
            ...Object.entries(d.contacts.byChannel).map(([c, values]) => ({ label: t(`channels.${c as Channel}`), values, color: COLORS[c] ?? "#495057" })),
            { label: t("analytics.contacts.avg7"), values: d.contacts.avg7, color: "#212529", width: 2.5, dash: [6, 3] },
          ]
        : [],
    [d, t],
  );
  const slaSeries = useMemo(() => {
    if (!d) return [];
    const byDay = new Map(d.sla.daily.map((s) => [s.day, s]));
    return [{ label: t("analytics.sla.share"), values: d.days.map((x) => { const s = byDay.get(x); return s && s.answered ? Math.round((s.withinTarget / s.answered) * 100) : 0; }), color: "#2f9e44" }];
  }, [d, t]);
  const minutes = (s: number | null) => (s === null ? "—" : s >= 3600 ? t("analytics.hours", { n: (s / 3600).toFixed(1) }) : t("analytics.minutes", { n: Math.round(s / 60) }));

  return (
    <Stack maw={1400}>
      <PageHeader title={t("analytics.title")} intro={t("analytics.intro")} />
      <Card withBorder>
        <Group align="flex-end" wrap="wrap">
          <TextInput type="date" label={t("analytics.filters.from")} value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.currentTarget.value })} data-testid="filter-from" />
          <TextInput type="date" label={t("analytics.filters.to")} value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.currentTarget.value })} data-testid="filter-to" />
          <Select
            label={t("analytics.filters.channel")}
            data={[{ value: "", label: t("analytics.filters.allChannels") }, ...CHANNELS.map((c) => ({ value: c, label: t(`channels.${c}`) }))]}
            value={draft.channel ?? ""}
            onChange={(v) => setDraft({ from: draft.from, to: draft.to, ...(v ? { channel: v as DashboardFilter["channel"] & string } : {}) })}
            allowDeselect={false}
            data-testid="filter-channel"
          />
          <Button onClick={apply} disabled={!!draftError} data-testid="filter-apply">{t("analytics.filters.apply")}</Button>
          <Group gap="xs" align="flex-end">
            <TextInput type="month" label={t("analytics.report.month")} value={month} onChange={(e) => setMonth(e.currentTarget.value)} />
            <Button component="a" variant="default" href={analyticsApi.reportUrl(month, i18n.language === "en" ? "en" : "uk")} download data-testid="report-pdf">{t("analytics.report.pdf")}</Button>
          </Group>
        </Group>
        {draftError && <Text c="red" size="sm" mt="xs">{draftError}</Text>}
      </Card>
      {dash.error && <Alert color="red">{errorText(t, dash.error)}</Alert>}
      {dash.isPending && <Loader aria-label={t("app.loading")} />}
      {d && (
        <>
          <Card withBorder data-testid="chart-contacts">
            <Group justify="space-between"><Title order={2} size="h4">{t("analytics.contacts.title")}</Title><CsvLink chart="contacts" filter={filter} /></Group>
            <Text size="sm" c="dimmed">{t("analytics.contacts.summary", { total: d.contacts.total.reduce((s, n) => s + n, 0), inbound: d.inbound.reduce((s, n) => s + n, 0) })}</Text>
            <TimeChart days={d.days} series={contactSeries} markers={markers} label={t("analytics.contacts.title")} />
          </Card>
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <Card withBorder data-testid="chart-funnel">
              <Group justify="space-between"><Title order={2} size="h4">{t("analytics.funnel.title")}</Title><CsvLink chart="funnel" filter={filter} /></Group>
              <BarList rows={d.funnel.map((s) => ({ label: t(`analytics.funnel.steps.${s.step}`), n: s.n, note: s.conversion === null ? undefined : t("analytics.funnel.conversion", { pct: s.conversion }) }))} />
            </Card>
            <Card withBorder data-testid="chart-handover">
              <Group justify="space-between"><Title order={2} size="h4">{t("analytics.handover.title")}</Title><CsvLink chart="handover" filter={filter} /></Group>
              <Text size="sm" c="dimmed">{t("analytics.handover.median", { time: minutes(d.durations.to_handed_over.medianSeconds) })} · {t("analytics.durations.firstResponse", { time: minutes(d.durations.first_response.medianSeconds) })} · {t("analytics.durations.verified", { time: minutes(d.durations.to_verified.medianSeconds) })} · {t("analytics.durations.registered", { time: minutes(d.durations.to_registered.medianSeconds) })}</Text>
              <BarList rows={d.handover.map((b) => ({ label: `${minutes(b.fromMinutes * 60)} – ${minutes(b.toMinutes * 60)}`, n: b.n }))} empty={t("analytics.empty")} />
            </Card>
            <Card withBorder data-testid="chart-verdicts">
              <Group justify="space-between"><Title order={2} size="h4">{t("analytics.verdicts.title")}</Title><CsvLink chart="verdicts" filter={filter} /></Group>
              <BarList rows={d.verdicts.map((v) => ({ label: t(`states.${v.outcome as CaseState}`), n: v.n }))} empty={t("analytics.empty")} />
            </Card>
            <Card withBorder data-testid="chart-backlog">
              <Group justify="space-between"><Title order={2} size="h4">{t("analytics.backlog.title")}</Title><CsvLink chart="backlog" filter={filter} /></Group>
              <BarList rows={d.backlog.map((b) => ({ label: t(`states.${b.state as CaseState}`), n: b.n }))} empty={t("analytics.empty")} />
            </Card>
          </SimpleGrid>
          <Card withBorder data-testid="chart-sla">
            <Group justify="space-between"><Title order={2} size="h4">{t("analytics.sla.title", { minutes: d.sla.targetMinutes })}</Title><CsvLink chart="sla" filter={filter} /></Group>
            <Text size="sm" c="dimmed">{d.sla.share === null ? t("analytics.empty") : t("analytics.sla.overall", { pct: d.sla.share })}</Text>
            <TimeChart days={d.days} series={slaSeries} markers={markers} height={180} label={t("analytics.sla.title", { minutes: d.sla.targetMinutes })} />
          </Card>
          <EventPanel events={d.events} filter={filter} canRecord={can("analytics.record_event")} />
        </>
      )}
    </Stack>
  );
}
