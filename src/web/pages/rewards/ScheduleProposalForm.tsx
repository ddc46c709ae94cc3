import { Alert, Button, Card, Group, NumberInput, SimpleGrid, Stack, Text, TextInput, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { scheduleProposalSchema } from "../../../shared/rewards";
import { rewardsApi, type ScheduleProposal, type ScheduleVersion } from "../../api/rewards";
import { errorText } from "../../components/errorText";
import { schemaValidate } from "../../components/schemaValidate";

type T = (k: string, o?: Record<string, unknown>) => string;

/**
 * A new version of the schedule from a date, prefilled from the version in force: the administrator
 * changes the amounts (a range where the law gives one) and the source; the equipment types stay
 * those of the law. It waits for a second administrator's approval.
 */
export function ScheduleProposalForm({ from }: { from: ScheduleVersion }) {
  const { t: tt } = useTranslation();
  const t = tt as unknown as T;
  const qc = useQueryClient();
  const form = useForm<ScheduleProposal>({
    initialValues: { effectiveFrom: "", currency: from.currency, source: "", items: from.items.map((i) => ({ ...i })) },
    validate: schemaValidate(scheduleProposalSchema, (v: ScheduleProposal) => v, (field) => t(`rewards.schedule.invalid.${field === "effectiveFrom" || field === "source" || field === "items" ? field : "items"}`)),
  });
  const propose = useMutation({
    mutationFn: rewardsApi.propose,
    onSuccess: async () => {
      form.reset();
      await qc.invalidateQueries({ queryKey: ["rewards"] });
    },
  });
  return (
    <Card withBorder>
      <form onSubmit={form.onSubmit((v) => propose.mutate(v))} data-testid="schedule-propose" noValidate>
        <Stack>
          <Title order={2} size="h4">{t("rewards.schedule.propose")}</Title>
          <Text size="sm" c="dimmed">{t("rewards.schedule.proposeHint", { day: from.effectiveFrom })}</Text>
          <Group align="flex-start" wrap="wrap">
            <TextInput required type="date" label={t("rewards.schedule.effectiveFrom")} {...form.getInputProps("effectiveFrom")} data-testid="schedule-effective" />
            <TextInput required label={t("rewards.schedule.source")} description={t("rewards.schedule.sourceHint")} {...form.getInputProps("source")} maxLength={500} miw={280} style={{ flex: 1 }} data-testid="schedule-source" />
          </Group>
          {form.values.items.map((item, n) => {
            const name = t(`choices.equipment.${item.code}`, { defaultValue: item.label });
            return (
              <SimpleGrid key={item.code} cols={{ base: 1, sm: 3 }} data-testid="schedule-item" data-code={item.code}>
                <Text fw={500} style={{ alignSelf: "end" }}>{name}</Text>
                <NumberInput label={t("rewards.schedule.min", { item: name, currency: from.currency })} allowDecimal={false} min={1} thousandSeparator=" " {...form.getInputProps(`items.${n}.min`)} />
                <NumberInput label={t("rewards.schedule.max", { item: name, currency: from.currency })} allowDecimal={false} min={1} thousandSeparator=" " {...form.getInputProps(`items.${n}.max`)} />
              </SimpleGrid>
            );
          })}
          {form.errors.items && <Alert color="red">{form.errors.items}</Alert>}
          {propose.error && <Alert color="red" role="alert" data-testid="schedule-propose-error">{errorText(tt, propose.error, { conflict: t("rewards.schedule.refusals.sameDay") })}</Alert>}
          {propose.isSuccess && <Alert color="teal" role="status" data-testid="schedule-proposed">{t("rewards.schedule.proposed")}</Alert>}
          <Group>
            <Button type="submit" loading={propose.isPending} data-testid="schedule-submit">{t("rewards.schedule.submit")}</Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
