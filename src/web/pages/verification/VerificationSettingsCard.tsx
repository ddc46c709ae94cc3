import { ActionIcon, Alert, Button, Card, Group, NumberInput, Select, SimpleGrid, Stack, Text, TextInput, Title } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { RISK_FACTORS, type RiskFactor } from "../../../shared/verification";
import { verificationApi, verificationKeys, type VerificationSettings } from "../../api/verification";
import { errorText } from "../../components/errorText";
import { ProbingRulesEditor, UnitListEditor } from "./VerificationRuleLists";

type Item = VerificationSettings["checklist"][number];

/** The verification rules an admin edits: SLA, risk weights and threshold, the checklist (the server validates the whole set). */
export function VerificationSettingsCard() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const q = useQuery({ queryKey: verificationKeys.settings, queryFn: verificationApi.settings });
  const [draft, setDraft] = useState<VerificationSettings | null>(null);
  const [newKey, setNewKey] = useState("");
  useEffect(() => {
    if (q.data) setDraft(q.data);
  }, [q.data]);
  const save = useMutation({ mutationFn: (s: VerificationSettings) => verificationApi.saveSettings(s), onSuccess: (s) => qc.setQueryData(verificationKeys.settings, s) });
  if (!draft) return q.error ? <Alert color="red">{errorText(t, q.error)}</Alert> : null;
  const set = (patch: Partial<VerificationSettings>) => setDraft({ ...draft, ...patch });
  const setItem = (i: number, patch: Partial<Item>) => set({ checklist: draft.checklist.map((x, j) => (j === i ? { ...x, ...patch } : x)) });
  const int = (v: string | number) => Math.trunc(Number(v) || 0);
  const factorOptions = [{ value: "", label: t("verification.settings.noFactor") }, ...RISK_FACTORS.map((f) => ({ value: f, label: t(`verification.factors.${f}`) }))];
  return (
    <Card withBorder padding="lg" data-testid="verification-settings">
      <Stack>
        <Title order={2} size="h4">
          {t("verification.settings.title")}
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <NumberInput label={t("verification.settings.sla")} min={1} max={336} value={draft.slaHours} onChange={(v) => set({ slaHours: int(v) })} data-testid="vs-sla" />
          <NumberInput label={t("verification.settings.threshold")} min={1} max={1000} value={draft.highRiskThreshold} onChange={(v) => set({ highRiskThreshold: int(v) })} data-testid="vs-threshold" />
          <NumberInput label={t("verification.settings.burstCount")} min={2} max={1000} value={draft.burst.count} onChange={(v) => set({ burst: { ...draft.burst, count: int(v) } })} />
          <NumberInput label={t("verification.settings.burstMinutes")} min={1} max={1440} value={draft.burst.minutes} onChange={(v) => set({ burst: { ...draft.burst, minutes: int(v) } })} />
        </SimpleGrid>
        <Title order={3} size="h5">
          {t("verification.settings.weights")}
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {RISK_FACTORS.map((f) => (
            <NumberInput key={f} label={t(`verification.factors.${f}`)} min={0} max={100} value={draft.weights[f]} onChange={(v) => set({ weights: { ...draft.weights, [f]: int(v) } })} data-testid={`vs-weight-${f}`} />
          ))}
        </SimpleGrid>
        <Title order={3} size="h5">
          {t("verification.settings.checklist")}
        </Title>
        {draft.checklist.map((item, i) => (
          // On a phone the item's fields stack (each a line wide) rather than squeeze their labels out of sight.
          <Group key={item.key} align="flex-end" wrap="wrap" data-testid={`vs-item-${item.key}`}>
            <TextInput label={t("verification.settings.labelUk")} value={item.label.uk} onChange={(e) => setItem(i, { label: { ...item.label, uk: e.currentTarget.value } })} flex="1 1 14rem" />
            <TextInput label={t("verification.settings.labelEn")} value={item.label.en} onChange={(e) => setItem(i, { label: { ...item.label, en: e.currentTarget.value } })} flex="1 1 14rem" />
            <Select label={t("verification.settings.factor")} data={factorOptions} value={item.factor ?? ""} onChange={(v) => setItem(i, { factor: v ? (v as RiskFactor) : null })} allowDeselect={false} flex="1 1 14rem" maw={{ base: "100%", sm: 240 }} />
            <ActionIcon variant="subtle" color="red" size="lg" aria-label={t("verification.settings.remove", { item: item.label.uk })} onClick={() => set({ checklist: draft.checklist.filter((_, j) => j !== i) })}>
              ×
            </ActionIcon>
          </Group>
        ))}
        <Group align="flex-end">
          <TextInput label={t("verification.settings.newKey")} description={t("verification.settings.newKeyHint")} value={newKey} onChange={(e) => setNewKey(e.currentTarget.value)} data-testid="vs-new-key" />
          <Button variant="light" disabled={!newKey.trim()} onClick={() => (set({ checklist: [...draft.checklist, { key: newKey.trim(), label: { uk: newKey.trim(), en: newKey.trim() }, factor: null }] }), setNewKey(""))}>
            {t("verification.settings.add")}
          </Button>
        </Group>
        <UnitListEditor value={draft.units} onChange={(units) => set({ units })} />
        <ProbingRulesEditor value={draft.probing} onChange={(probing) => set({ probing })} />
        {save.isSuccess && <Alert color="teal">{t("settings.saved")}</Alert>}
        {save.error && <Alert color="red">{errorText(t, save.error)}</Alert>}
        <Text size="sm" c="dimmed">
          {t("verification.settings.intro")}
        </Text>
        <Button w="fit-content" loading={save.isPending} onClick={() => save.mutate(draft)} data-testid="vs-save">
          {t("common.save")}
        </Button>
      </Stack>
    </Card>
  );
}
