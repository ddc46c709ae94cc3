import { Alert, Button, Card, Group, NumberInput, Select, Stack, Table, Text, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { HOLD_REASONS } from "../../../shared/api/retention";
import { retentionApi, type HoldReason } from "../../api/retention";
import { keys } from "../../api/queryClient";
import { errorText } from "../../components/errorText";
import { schemaValidate } from "../../components/schemaValidate";
import { formatDateTime } from "../../i18n";

const holdForm = z.object({ number: z.number().int().positive(), reason: z.enum(HOLD_REASONS) });
type HoldForm = { number: number | ""; reason: HoldReason | null };

/** Legal holds: a case held here is left alone by every retention rule until the hold is lifted. */
export function HoldsCard() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const holds = useQuery({ queryKey: keys.retentionHolds, queryFn: retentionApi.holds });
  const refresh = () => queryClient.invalidateQueries({ queryKey: keys.retention });
  const form = useForm<HoldForm>({ initialValues: { number: "", reason: null }, validate: schemaValidate(holdForm, (v: HoldForm) => v, () => t("form.invalid")) });
  const place = useMutation({ mutationFn: (v: { number: number; reason: HoldReason }) => retentionApi.hold(v.number, v.reason), onSuccess: () => form.reset(), onSettled: refresh });
  const lift = useMutation({ mutationFn: retentionApi.lift, onSettled: refresh });
  const error = holds.error ?? place.error ?? lift.error;

  return (
    <Card withBorder padding="lg">
      <Stack>
        <Title order={2} size="h4">
          {t("retention.holds.title")}
        </Title>
        <Text size="sm" c="dimmed">
          {t("retention.holds.intro")}
        </Text>
        {error != null && <Alert color="red">{errorText(t, error, { not_found: t("retention.holds.notFound"), conflict: t("retention.holds.merged") })}</Alert>}
        {place.isSuccess && <Alert color="teal">{t("retention.holds.placed", { number: place.data.number })}</Alert>}
        <form onSubmit={form.onSubmit((v) => place.mutate({ number: Number(v.number), reason: v.reason! }))}>
          <Group align="flex-end" wrap="wrap">
            <NumberInput label={t("retention.holds.case")} min={1} allowDecimal={false} value={form.values.number} onChange={(v) => form.setFieldValue("number", typeof v === "number" ? v : "")} error={form.errors.number} data-testid="hold-number" />
            <Select
              label={t("retention.holds.reason")}
              data={HOLD_REASONS.map((r) => ({ value: r, label: t(`retention.holdReasons.${r}`) }))}
              value={form.values.reason}
              onChange={(v) => form.setFieldValue("reason", (v as HoldReason | null) ?? null)}
              error={form.errors.reason}
              w={260}
              data-testid="hold-reason"
            />
            <Button type="submit" loading={place.isPending} data-testid="hold-place">
              {t("retention.holds.place")}
            </Button>
          </Group>
        </form>
        {holds.data?.length === 0 && <Text size="sm">{t("retention.holds.none")}</Text>}
        {holds.data && holds.data.length > 0 && (
          <Table.ScrollContainer minWidth={520}>
            <Table verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("retention.holds.case")}</Table.Th>
                  <Table.Th>{t("retention.holds.reason")}</Table.Th>
                  <Table.Th>{t("retention.holds.since")}</Table.Th>
                  <Table.Th>{t("retention.actions")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {holds.data.map((h) => (
                  <Table.Tr key={h.caseId} data-testid="hold-row" data-number={h.number}>
                    <Table.Td>{t("retention.dryRun.number", { number: h.number })}</Table.Td>
                    <Table.Td>{t(`retention.holdReasons.${h.reason}`)}</Table.Td>
                    <Table.Td>{formatDateTime(h.placedAt)}</Table.Td>
                    <Table.Td>
                      <Button size="compact-sm" variant="light" color="red" onClick={() => lift.mutate(h.number)} loading={lift.isPending && lift.variables === h.number} data-testid="hold-lift">
                        {t("retention.holds.lift")}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Card>
  );
}
