import { Stack, Table, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { RECORD_FIELDS } from "../../../shared/registration";
import type { Registration } from "../../api/registration";
import { fieldLabel } from "./labels";

/** The record as stored, for those who read it but do not write it. */
export function RecordTable({ r }: { r: Registration }) {
  const { t } = useTranslation();
  return (
    <Table>
      <Table.Tbody>
        {RECORD_FIELDS.map((f) => (
          <Table.Tr key={f}>
            <Table.Th scope="row">{fieldLabel(t, f)}</Table.Th>
            <Table.Td>{r.values[f] ?? "—"}</Table.Td>
            <Table.Td>{r.confirmed.includes(f) ? t("registration.confirmed") : r.values[f] ? t("registration.unconfirmed") : ""}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** His fate as a timeline, oldest first, with who recorded each event. */
export function FateTimeline({ r }: { r: Registration }) {
  const { t } = useTranslation();
  return (
    <Stack gap={4} data-testid="fate-timeline">
      <Title order={2} size="h4">{t("registration.timeline")}</Title>
      {r.timeline.length === 0 && <Text c="dimmed">{t("registration.noEvents")}</Text>}
      {r.timeline.map((e) => (
        <Text key={e.id}>
          {e.date} · {t(`registration.events.${e.kind}`)}
          {e.place ? ` · ${e.place}` : ""}
          {e.health ? ` · ${t(`registration.health.${e.health}`)}` : ""}
          {e.death ? ` · ${e.death.cause}, ${e.death.place}; ${e.death.burial_place}` : ""}
          {e.note ? ` · ${e.note}` : ""} · {e.actorName ?? "—"}
        </Text>
      ))}
    </Stack>
  );
}
