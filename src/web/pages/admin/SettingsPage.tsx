import { Alert, Button, Card, Group, Loader, NumberInput, Stack, Text, Title } from "@mantine/core";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { settingsApi, type Sla } from "../../api/cases";
import { useQuery } from "@tanstack/react-query";
import { keys } from "../../api/queryClient";
import { errorText } from "../../components/errorText";
import { usePageTitle } from "../../components/usePageTitle";

/** The hotline's response-time targets: the inbox marks a case overdue from these. */
export function SettingsPage() {
  const { t } = useTranslation();
  usePageTitle(t("settings.title"));
  const sla = useQuery({ queryKey: keys.sla, queryFn: settingsApi.sla });
  const [draft, setDraft] = useState<Sla | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; error?: unknown } | null>(null);
  useEffect(() => {
    if (sla.data) setDraft(sla.data);
  }, [sla.data]);

  const save = async () => {
    if (!draft) return;
    setBusy(true);
    setResult(null);
    try {
      setDraft(await settingsApi.setSla(draft));
      setResult({ ok: true });
    } catch (err) {
      setResult({ ok: false, error: err });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack maw={720}>
      <Title order={1} size="h2">
        {t("settings.title")}
      </Title>
      {sla.error && <Alert color="red">{errorText(t, sla.error)}</Alert>}
      {!draft && sla.isPending && <Loader aria-label={t("app.loading")} />}
      {draft && (
        <Card withBorder padding="lg">
          <Stack>
            <Title order={2} size="h4">
              {t("settings.sla.title")}
            </Title>
            <Text size="sm" c="dimmed">
              {t("settings.sla.intro")}
            </Text>
            <Group grow>
              <NumberInput label={t("settings.sla.first")} min={1} max={1440} value={draft.firstResponseMinutes} onChange={(v) => setDraft({ ...draft, firstResponseMinutes: Number(v) || 1 })} suffix={` ${t("settings.sla.minutes")}`} data-testid="sla-first" />
              <NumberInput label={t("settings.sla.next")} min={1} max={1440} value={draft.nextResponseMinutes} onChange={(v) => setDraft({ ...draft, nextResponseMinutes: Number(v) || 1 })} suffix={` ${t("settings.sla.minutes")}`} data-testid="sla-next" />
            </Group>
            {result?.ok && <Alert color="teal">{t("settings.saved")}</Alert>}
            {result && !result.ok && <Alert color="red">{errorText(t, result.error)}</Alert>}
            <Button w="fit-content" loading={busy} onClick={() => void save()} data-testid="sla-save">
              {t("common.save")}
            </Button>
          </Stack>
        </Card>
      )}
    </Stack>
  );
}
