import { Alert, Button, Card, Checkbox, Group, Select, Stack, TextInput, Title } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { claimsApi, useEquipmentCodes } from "../../api/rewards";
import { errorText } from "../../components/errorText";

type T = (k: string, o?: Record<string, unknown>) => string;

/**
 * A claim for one machine brought over, opened from the case page (which passes the case). The
 * types are the schedule's in force today; the server checks them against the handover day's.
 */
export function NewClaimForm({ caseId, caseNumber, onCreated }: { caseId: string; caseNumber: string | null; onCreated: (id: string) => void }) {
  const { t: tt } = useTranslation();
  const t = tt as unknown as T;
  const qc = useQueryClient();
  const codes = useEquipmentCodes();
  const [code, setCode] = useState<string | null>(null);
  const [day, setDay] = useState(new Date().toISOString().slice(0, 10));
  const [serial, setSerial] = useState("");
  const [registration, setRegistration] = useState("");
  const [secret, setSecret] = useState(false);
  const create = useMutation({
    mutationFn: () =>
      claimsApi.create({ caseId, equipmentCode: code ?? "", handedOverOn: day, secret, identifying: { ...(serial.trim() ? { serialNumber: serial.trim() } : {}), ...(registration.trim() ? { registrationNumber: registration.trim() } : {}) } }),
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
            <TextInput label={t("rewards.new.serial")} value={serial} onChange={(e) => setSerial(e.currentTarget.value)} maxLength={200} />
            <TextInput label={t("rewards.new.registration")} value={registration} onChange={(e) => setRegistration(e.currentTarget.value)} maxLength={200} />
            <Checkbox label={t("rewards.new.secret")} checked={secret} onChange={(e) => setSecret(e.currentTarget.checked)} />
            <Button type="submit" loading={create.isPending} disabled={!code}>{t("rewards.new.submit")}</Button>
          </Group>
          {create.error && <Alert color="red" role="alert">{errorText(tt, create.error)}</Alert>}
        </Stack>
      </form>
    </Card>
  );
}
