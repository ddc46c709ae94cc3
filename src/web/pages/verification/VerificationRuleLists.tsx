import { ActionIcon, Button, Group, MultiSelect, Stack, Text, Textarea, TextInput, Title } from "@mantine/core";
import { useState, type ReactNode } from "react";
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

/**
 * A list of entries named by a key (the units, the probing rules): each row its read-only key,
 * its own fields and a remove button, then a key input to add one. Both lists are edited so.
 */
function KeyedList<T extends { key: string }>(p: {
  title: string;
  hint: string;
  value: T[];
  onChange: (v: T[]) => void;
  rowTestid: (item: T) => string;
  keyLabel: string;
  removeLabel: (item: T) => string;
  fields: (item: T, patch: (change: Partial<T>) => void) => ReactNode;
  add: { label: string; button: string; testid: string; make: (key: string) => T };
}) {
  const { value, onChange } = p;
  return (
    <Stack gap="xs">
      <Title order={3} size="h5">
        {p.title}
      </Title>
      <Text size="sm" c="dimmed">
        {p.hint}
      </Text>
      {value.map((item, i) => (
        <Group key={item.key} align="flex-start" data-testid={p.rowTestid(item)}>
          <TextInput label={p.keyLabel} value={item.key} readOnly w={{ base: "100%", sm: 160 }} />
          {p.fields(item, (change) => onChange(value.map((x, j) => (j === i ? { ...x, ...change } : x))))}
          <ActionIcon variant="subtle" color="red" size="lg" mt={24} aria-label={p.removeLabel(item)} onClick={() => onChange(value.filter((_, j) => j !== i))}>
            ×
          </ActionIcon>
        </Group>
      ))}
      <AddByKey label={p.add.label} button={p.add.button} testid={p.add.testid} onAdd={(key) => onChange([...value, p.add.make(key)])} />
    </Stack>
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
  return (
    <KeyedList
      title={t("verification.settings.units")}
      hint={t("verification.settings.unitsHint")}
      value={value}
      onChange={onChange}
      rowTestid={(u) => `vs-unit-${u.key}`}
      keyLabel={t("verification.settings.unitKey")}
      removeLabel={(u) => t("verification.settings.removeUnit", { unit: u.names[0] ?? u.key })}
      fields={(u, patch) => (
        <>
          <Textarea label={t("verification.settings.unitNames")} value={u.names.join("\n")} onChange={(e) => patch({ names: lines(e.currentTarget.value) })} autosize minRows={2} flex={1} miw={220} />
          <MultiSelect label={t("verification.settings.unitSectors")} data={sectors} value={u.sectors} onChange={(v) => patch({ sectors: v })} searchable flex={1} miw={220} />
        </>
      )}
      add={{ label: t("verification.settings.newUnitKey"), button: t("verification.settings.addUnit"), testid: "vs-new-unit", make: (key) => ({ key, names: [], sectors: [] }) }}
    />
  );
}

/** The probing rules: each a key and its phrases, matched on the applicant's messages (not texts shown to anyone). */
export function ProbingRulesEditor({ value, onChange }: { value: Probing; onChange: (v: Probing) => void }) {
  const { t } = useTranslation();
  return (
    <KeyedList
      title={t("verification.settings.probing")}
      hint={t("verification.settings.probingHint")}
      value={value}
      onChange={onChange}
      rowTestid={(r) => `vs-rule-${r.key}`}
      keyLabel={t("verification.settings.ruleKey")}
      removeLabel={(r) => t("verification.settings.removeRule", { rule: r.key })}
      fields={(r, patch) => (
        <Textarea label={t("verification.settings.rulePhrases")} value={r.phrases.join("\n")} onChange={(e) => patch({ phrases: lines(e.currentTarget.value) })} autosize minRows={2} flex={1} miw={220} />
      )}
      add={{ label: t("verification.settings.newRuleKey"), button: t("verification.settings.addRule"), testid: "vs-new-rule", make: (key) => ({ key, phrases: [] }) }}
    />
  );
}
