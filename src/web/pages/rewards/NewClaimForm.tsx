import { Alert, Button, Card, Checkbox, Group, Select, Stack, Text, TextInput, Title } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { claimsApi, operationRef, scheduleAmount, useCaseOperations, useScheduleOn } from "../../api/rewards";
import { errorText } from "../../components/errorText";

type T = (k: string, o?: Record<string, unknown>) => string;

/**
 * A claim for one machine brought over, opened from the case page (which passes the case). The
 * types are the schedule's in force on the handover day (read again whenever the form opens, so a
 * newly approved version is used at once, and named under the form with the chosen type's amount
 * or range, so the officer sees what the assessment will price it at); the operation, where there was
 * one, is chosen from the case's own, by id, state and day alone.
 */
export function NewClaimForm({ caseId, caseNumber, onCreated }: { caseId: string; caseNumber: string | null; onCreated: (id: string) => void }) {
  const { t: tt, i18n } = useTranslation();
  const t = tt as unknown as T;
  const qc = useQueryClient();
  const [code, setCode] = useState<string | null>(null);
  const [day, setDay] = useState(new Date().toISOString().slice(0, 10));
  const schedule = useScheduleOn(day).data?.inForce;
  const codes = schedule?.items.map((i) => i.code) ?? [];
  const item = schedule?.items.find((i) => i.code === code);
  const operations = useCaseOperations(caseId).data ?? [];
  const [operationId, setOperationId] = useState<string>("");
  const expected = (operations.find((o) => o.id === operationId)?.expectedEquipment ?? []).filter((c) => codes.includes(c));
  const [serial, setSerial] = useState("");
  const [registration, setRegistration] = useState("");
  const [secret, setSecret] = useState(false);
  const create = useMutation({
    mutationFn: () =>
      claimsApi.create({ caseId, ...(operationId ? { operationId } : {}), equipmentCode: code ?? "", handedOverOn: day, secret, identifying: { ...(serial.trim() ? { serialNumber: serial.trim() } : {}), ...(registration.trim() ? { registrationNumber: registration.trim() } : {}) } }),
    onSuccess: async ({ id }) => {
      await qc.invalidateQueries({ queryKey: ["rewards", "claims"] });
      setSerial("");
      setRegistration("");
      onCreated(id);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <Card withBorder>
      <form onSubmit={submit} data-testid="claim-new">
        <Stack>
          <Title order={2} size="h3">{caseNumber ? t("rewards.new.titleOn", { number: caseNumber }) : t("rewards.new.title")}</Title>
          <Group align="flex-end" wrap="wrap">
            <Select required searchable label={t("rewards.equipment")} value={code} onChange={setCode} data={codes.map((c) => ({ value: c, label: t(`choices.equipment.${c}`) }))} comboboxProps={{ withinPortal: true }} miw={280} data-testid="claim-equipment" />
            <TextInput required type="date" label={t("rewards.new.handedOverOn")} value={day} onChange={(e) => setDay(e.currentTarget.value)} />
            <Select
              label={t("rewards.new.operation")}
              value={operationId}
              onChange={(v) => setOperationId(v ?? "")}
              allowDeselect={false}
              data={[{ value: "", label: t("rewards.new.noOperation") }, ...operations.map((o) => ({ value: o.id, label: t("rewards.new.operationOption", { id: operationRef(o.id), state: t(`rewards.operationStates.${o.state}`), day: o.plannedOn ?? t("rewards.new.daySealed") }) }))]}
              comboboxProps={{ withinPortal: true }}
              miw={240}
              data-testid="claim-operation"
            />
            <TextInput label={t("rewards.new.serial")} value={serial} onChange={(e) => setSerial(e.currentTarget.value)} maxLength={200} />
            <TextInput label={t("rewards.new.registration")} value={registration} onChange={(e) => setRegistration(e.currentTarget.value)} maxLength={200} />
            <Checkbox label={t("rewards.new.secret")} checked={secret} onChange={(e) => setSecret(e.currentTarget.checked)} />
            <Button type="submit" loading={create.isPending} disabled={!code}>{t("rewards.new.submit")}</Button>
          </Group>
          {expected.length > 0 && (
            <Group gap="xs" data-testid="claim-expected">
              <Text size="sm">{t("rewards.new.expected")}</Text>
              {expected.map((c) => (
                <Button key={c} size="compact-sm" variant={c === code ? "filled" : "light"} onClick={() => setCode(c)} aria-label={t("rewards.new.pickExpected", { item: t(`choices.equipment.${c}`) })}>
                  {t(`choices.equipment.${c}`)}
                </Button>
              ))}
            </Group>
          )}
          {schedule && <Text size="sm" c="dimmed" data-testid="claim-schedule-version">{t("rewards.new.scheduleVersion", { day: schedule.effectiveFrom })}</Text>}
          {schedule && item && <Text size="sm" data-testid="claim-schedule-amount">{t("rewards.new.scheduleAmount", { item: t(`choices.equipment.${item.code}`), amount: scheduleAmount(item, schedule.currency, i18n.language) })}</Text>}
          {create.error && <Alert color="red" role="alert">{errorText(tt, create.error)}</Alert>}
        </Stack>
      </form>
    </Card>
  );
}
