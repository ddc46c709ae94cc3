import { Anchor, Group, Progress, Stack, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { CHARTS } from "../../../shared/api/analytics";
import { analyticsApi, type DashboardFilter } from "../../api/analytics";

/** Horizontal bars with the label and the number written out: readable on a phone and by a screen reader. */
export function BarList({ rows, empty }: { rows: { label: string; n: number; note?: string | undefined }[]; empty?: string }) {
  const max = Math.max(1, ...rows.map((r) => r.n));
  if (rows.length === 0) return <Text size="sm">{empty}</Text>;
  return (
    <Stack gap={6} mt="xs">
      {rows.map((r) => (
        <div key={r.label}>
          <Group justify="space-between" gap="xs" wrap="nowrap">
            <Text size="sm">{r.label}</Text>
            <Text size="sm" fw={600}>
              {r.n}
              {r.note ? <Text span size="xs" c="dimmed"> · {r.note}</Text> : null}
            </Text>
          </Group>
          <Progress value={(r.n / max) * 100} aria-hidden />
        </div>
      ))}
    </Stack>
  );
}

export function CsvLink({ chart, filter }: { chart: (typeof CHARTS)[number]; filter: DashboardFilter }) {
  const { t } = useTranslation();
  return (
    <Anchor href={analyticsApi.csvUrl(chart, filter)} download size="sm" data-testid={`csv-${chart}`}>
      {t("analytics.csv")}
    </Anchor>
  );
}
