import { ActionIcon, Button, Group, MultiSelect, Stack, Text, Textarea, TextInput, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { OBLASTS } from "../../../shared/geo";
import { REGION_SECTORS } from "../../../shared/verification";
import type { VerificationSettings } from "../../api/verification";

type Units = VerificationSettings["units"];
type Probing = VerificationSettings["probing"];

/** One value a line: what the admin types in a textarea, as the list the server checks. */
const lines = (text: string) => text.split("\n").map((l) => l.trim()).filter(Boolean);

/** Key input and "add" button shared by both lists (the server checks the key's form and that it is new). */
function AddByKey({ label, button, onAdd, testid }: { label: string; button: string; onAdd: (key: string) => void; testid: string }) {
  const { t } = useTranslation();
  const [key, setKey] = useState("");
  return (
    <Group align="flex-end">
      <TextInput label={label} description={t("verification.settings.newKeyHint")} value={key} onChange={(e) => setKey(e.currentTarget.value)} data-testid={testid} />
      <Button variant="light" disabled={!key.trim()} onClick={() => (onAdd(key.trim()), setKey(""))}>
        {button}
      </Button>
    </Group>
  );
}

/** The plausibility list of the unit rule: each known unit, its names, the sectors (ISO 3166-2) it is reported in. */
export function UnitListEditor({ value, onChange }: { value: Units; onChange: (v: Units) => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === "en" ? "en" : "uk";
  const russian = (Object.keys(REGION_SECTORS) as (keyof typeof REGION_SECTORS)[]).flatMap((region) => {
    const code: string | null = REGION_SECTORS[region];
    return code?.startsWith("RU-") ? [{ value: code, label: t(`choices.regions.${region}`) }] : [];
  });
  const sectors = [...OBLASTS.map((o) => ({ value: o.code, label: o[lang] })), ...russian];
  const setUnit = (i: number, patch: Partial<Units[number]>) => onChange(value.map((u, j) => (j === i ? { ...u, ...patch } : u)));
  return (
    <Stack gap="xs">
      <Title order={3} size="h5">
        {t("verification.settings.units")}
      </Title>
      <Text size="sm" c="dimmed">
        {t("verification.settings.unitsHint")}
      </Text>
      {value.map((u, i) => (
        <Group key={u.key} align="flex-start" data-testid={`vs-unit-${u.key}`}>
          <TextInput label={t("verification.settings.unitKey")} value={u.key} readOnly w={{ base: "100%", sm: 160 }} />
          <Textarea label={t("verification.settings.unitNames")} value={u.names.join("\n")} onChange={(e) => setUnit(i, { names: lines(e.currentTarget.value) })} autosize minRows={2} flex={1} miw={220} />
          <MultiSelect label={t("verification.settings.unitSectors")} data={sectors} value={u.sectors} onChange={(v) => setUnit(i, { sectors: v })} searchable flex={1} miw={220} />
          <ActionIcon variant="subtle" color="red" size="lg" mt={24} aria-label={t("verification.settings.removeUnit", { unit: u.names[0] ?? u.key })} onClick={() => onChange(value.filter((_, j) => j !== i))}>
            ×
          </ActionIcon>
        </Group>
      ))}
      <AddByKey label={t("verification.settings.newUnitKey")} button={t("verification.settings.addUnit")} testid="vs-new-unit" onAdd={(key) => onChange([...value, { key, names: [], sectors: [] }])} />
    </Stack>
  );
}

/** The probing rules: each a key and its phrases, matched on the applicant's messages (not texts shown to anyone). */
export function ProbingRulesEditor({ value, onChange }: { value: Probing; onChange: (v: Probing) => void }) {
  const { t } = useTranslation();
  return (
    <Stack gap="xs">
      <Title order={3} size="h5">
        {t("verification.settings.probing")}
      </Title>
      <Text size="sm" c="dimmed">
        {t("verification.settings.probingHint")}
      </Text>
      {value.map((r, i) => (
        <Group key={r.key} align="flex-start" data-testid={`vs-rule-${r.key}`}>
          <TextInput label={t("verification.settings.ruleKey")} value={r.key} readOnly w={{ base: "100%", sm: 160 }} />
          <Textarea label={t("verification.settings.rulePhrases")} value={r.phrases.join("\n")} onChange={(e) => onChange(value.map((x, j) => (j === i ? { ...x, phrases: lines(e.currentTarget.value) } : x)))} autosize minRows={2} flex={1} miw={220} />
          <ActionIcon variant="subtle" color="red" size="lg" mt={24} aria-label={t("verification.settings.removeRule", { rule: r.key })} onClick={() => onChange(value.filter((_, j) => j !== i))}>
            ×
          </ActionIcon>
        </Group>
      ))}
      <AddByKey label={t("verification.settings.newRuleKey")} button={t("verification.settings.addRule")} testid="vs-new-rule" onAdd={(key) => onChange([...value, { key, phrases: [] }])} />
    </Stack>
  );
}
