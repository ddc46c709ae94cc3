import { Alert, Button, Card, Group, Loader, NumberInput, Stack, Text, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { slaBodySchema } from "../../../shared/api/cases";
import { settingsApi, type Sla } from "../../api/cases";
import { useQuery } from "@tanstack/react-query";
import { keys } from "../../api/queryClient";
import { errorText } from "../../components/errorText";
import { schemaValidate } from "../../components/schemaValidate";
import { usePageTitle } from "../../components/usePageTitle";
import { useCan } from "../../auth/permissions";
import { VerificationSettingsCard } from "../verification/VerificationSettingsCard";
import { PageHeader } from "../../components/PageHeader";

/** The hotline's response-time targets: the inbox marks a case overdue from these. */
export function SettingsPage() {
  const { t } = useTranslation();
  usePageTitle(t("settings.title"));
  const sla = useQuery({ queryKey: keys.sla, queryFn: settingsApi.sla });
  const can = useCan();
  const [loaded, setLoaded] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; error?: unknown } | null>(null);
  // The targets as the server validates them (whole minutes, 1 to 1440).
  const form = useForm<Sla>({ initialValues: { firstResponseMinutes: 1, nextResponseMinutes: 1 }, validate: schemaValidate(slaBodySchema, (v: Sla) => v, () => t("form.invalid")) });
  const { setValues } = form;
  useEffect(() => {
    if (!sla.data) return;
    setValues(sla.data);
    setLoaded(true);
    // Refilled when the targets are fetched again, not on every render.
  }, [sla.data]);
  const draft = loaded ? form.values : null;

  const save = async (v: Sla) => {
    setBusy(true);
    setResult(null);
    try {
      setValues(await settingsApi.setSla(v));
      setResult({ ok: true });
    } catch (err) {
      setResult({ ok: false, error: err });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack maw={720}>
      <PageHeader title={t("settings.title")} />
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
              <NumberInput label={t("settings.sla.first")} min={1} max={1440} value={draft.firstResponseMinutes} onChange={(v) => form.setFieldValue("firstResponseMinutes", Number(v) || 1)} error={form.errors.firstResponseMinutes} suffix={` ${t("settings.sla.minutes")}`} data-testid="sla-first" />
              <NumberInput label={t("settings.sla.next")} min={1} max={1440} value={draft.nextResponseMinutes} onChange={(v) => form.setFieldValue("nextResponseMinutes", Number(v) || 1)} error={form.errors.nextResponseMinutes} suffix={` ${t("settings.sla.minutes")}`} data-testid="sla-next" />
            </Group>
            {result?.ok && <Alert color="teal">{t("settings.saved")}</Alert>}
            {result && !result.ok && <Alert color="red">{errorText(t, result.error)}</Alert>}
            <Button w="fit-content" loading={busy} onClick={() => form.onSubmit((v) => void save(v))()} data-testid="sla-save">
              {t("common.save")}
            </Button>
          </Stack>
        </Card>
      )}
      {can("verification.configure") && <VerificationSettingsCard />}
    </Stack>
  );
}
