import { Alert, Button, Card, Group, NumberInput, Select, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { EVENT_KINDS, newEventSchema } from "../../../shared/api/analytics";
import { analyticsApi, type AnalyticsEvent, type DashboardFilter, type Impact, type NewEvent } from "../../api/analytics";
import { errorText } from "../../components/errorText";
import { schemaValidate } from "../../components/schemaValidate";
import { CsvLink } from "./parts";

/** The recorded events of the range, the form to record one, and the impact estimate of a chosen one. */
export function EventPanel({ events, filter, canRecord }: { events: AnalyticsEvent[]; filter: DashboardFilter; canRecord: boolean }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  const [days, setDays] = useState<number>(7);
  const [impact, setImpact] = useState<{ event: AnalyticsEvent; result: Impact } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const form = useForm<NewEvent>({ initialValues: { day: filter.to, kind: "operation", note: "" }, validate: schemaValidate(newEventSchema, (v: NewEvent) => v, () => t("form.invalid")) });

  const record = async (v: NewEvent) => {
    setError(null);
    setBusy("record");
    try {
      await analyticsApi.recordEvent(v);
      form.setFieldValue("note", "");
      await client.invalidateQueries({ queryKey: ["analytics"] });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };
  const estimate = async (e: AnalyticsEvent) => {
    setError(null);
    setBusy(e.id);
    try {
      setImpact({ event: e, result: await analyticsApi.impact(e.id, days, filter.channel) });
    } catch (err) {
      setImpact(null);
      setError(err);
    } finally {
      setBusy(null);
    }
  };
  const pct = (n: number) => `${n > 0 ? "+" : ""}${n} %`;

  return (
    <Card withBorder data-testid="events">
      <Group justify="space-between"><Title order={2} size="h4">{t("analytics.events.title")}</Title><CsvLink chart="events" filter={filter} /></Group>
      <Text size="sm" c="dimmed">{t("analytics.events.intro")}</Text>
      {canRecord && (
        <form onSubmit={form.onSubmit(record)}>
          <Group align="flex-end" wrap="wrap" mt="sm">
            <TextInput type="date" label={t("analytics.events.day")} {...form.getInputProps("day")} data-testid="event-day" />
            <Select label={t("analytics.events.kind")} data={EVENT_KINDS.map((k) => ({ value: k, label: t(`analytics.kinds.${k}`) }))} allowDeselect={false} {...form.getInputProps("kind")} data-testid="event-kind" />
            <TextInput label={t("analytics.events.note")} maxLength={500} style={{ flex: 1, minWidth: 200 }} {...form.getInputProps("note")} data-testid="event-note" />
            <Button type="submit" loading={busy === "record"} data-testid="event-save">{t("analytics.events.record")}</Button>
          </Group>
        </form>
      )}
      <Group mt="sm" align="flex-end">
        <NumberInput label={t("analytics.impact.days")} description={t("analytics.impact.daysHint")} min={1} max={60} value={days} onChange={(v) => setDays(typeof v === "number" ? v : 7)} w={220} data-testid="impact-days" />
      </Group>
      {error !== null && <Alert color="red" mt="sm">{errorText(t, error)}</Alert>}
      {events.length === 0 ? (
        <Text size="sm" mt="sm">{t("analytics.events.none")}</Text>
      ) : (
        <Table.ScrollContainer minWidth={420} mt="sm">
          <Table>
            <Table.Thead><Table.Tr><Table.Th>{t("analytics.events.day")}</Table.Th><Table.Th>{t("analytics.events.kind")}</Table.Th><Table.Th>{t("analytics.events.note")}</Table.Th><Table.Th /></Table.Tr></Table.Thead>
            <Table.Tbody>
              {events.map((e) => (
                <Table.Tr key={e.id}>
                  <Table.Td>{e.day}</Table.Td>
                  <Table.Td>{t(`analytics.kinds.${e.kind}`)}</Table.Td>
                  <Table.Td>{e.note}</Table.Td>
                  <Table.Td><Button size="xs" variant="light" loading={busy === e.id} onClick={() => void estimate(e)} data-testid={`impact-${e.day}`}>{t("analytics.impact.estimate")}</Button></Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {impact && (
        <Stack gap={4} mt="sm" data-testid="impact-result">
          <Title order={3} size="h5">{t("analytics.impact.title", { day: impact.event.day, days: impact.result.days })}</Title>
          <Text>{t("analytics.impact.uplift", { pct: pct(impact.result.uplift_pct), low: pct(impact.result.ci95[0]), high: pct(impact.result.ci95[1]) })}</Text>
          <Text size="sm">{t("analytics.impact.baseline", { n: impact.result.baseline_per_day })} · {t("analytics.impact.pValue", { p: impact.result.p_value < 0.001 ? "< 0.001" : impact.result.p_value.toFixed(3) })}</Text>
          <Text size="sm">{impact.result.changepoint ? t("analytics.impact.changepoint", { day: impact.result.changepoint }) : t("analytics.impact.noChangepoint")}</Text>
        </Stack>
      )}
    </Card>
  );
}
