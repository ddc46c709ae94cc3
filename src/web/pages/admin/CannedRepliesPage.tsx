import { Alert, Button, Card, Group, Loader, Modal, NumberInput, Select, Stack, Text, TextInput, Textarea } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { cannedBodySchema } from "../../../shared/api/cases";
import { cannedApi, type CannedReply } from "../../api/cases";
import { useQuery } from "@tanstack/react-query";
import { keys } from "../../api/queryClient";
import { errorText } from "../../components/errorText";
import { schemaValidate } from "../../components/schemaValidate";
import { usePageTitle } from "../../components/usePageTitle";
import { PageHeader } from "../../components/PageHeader";

type Draft = Omit<CannedReply, "id" | "updatedAt">;
const EMPTY: Draft = { title: "", body: "", language: "ru", position: 0 };
const body = (d: Draft) => ({ title: d.title.trim(), body: d.body.trim(), language: d.language, position: d.position });

/** Canned replies: the hotline's templates (Russian by default), kept as data and edited here. */
export function CannedRepliesPage() {
  const { t } = useTranslation();
  usePageTitle(t("canned.title"));
  const list = useQuery({ queryKey: keys.canned, queryFn: cannedApi.list });
  // The dialog is open while `editing` is set: {} for a new reply, its id for one being changed.
  const [editing, setEditing] = useState<{ id?: string } | null>(null);
  const form = useForm<Draft>({ initialValues: EMPTY, validate: schemaValidate(cannedBodySchema, body, () => t("form.invalid")) });
  const open = (id: string | undefined, d: Draft) => {
    form.setValues(d);
    form.clearErrors();
    setEditing(id ? { id } : {});
  };
  const draft = editing ? form.values : null;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const run = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      setEditing(null);
      await list.refetch();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const save = (d: Draft) => {
    const id = editing?.id;
    return run(() => (id ? cannedApi.update(id, body(d)) : cannedApi.create(body(d))));
  };

  return (
    <Stack maw={1000}>
      <Group justify="space-between" align="flex-end">
        <PageHeader title={t("canned.title")} intro={t("canned.intro")} />
        <Button onClick={() => open(undefined, { ...EMPTY, position: ((list.data ?? []).at(-1)?.position ?? 0) + 10 })} data-testid="canned-add">
          {t("canned.add")}
        </Button>
      </Group>
      {list.error && <Alert color="red">{errorText(t, list.error)}</Alert>}
      {list.isPending && !list.data && <Loader aria-label={t("app.loading")} />}
      {list.data?.length === 0 && <Text>{t("canned.empty")}</Text>}
      {list.data?.map((r) => (
        <Card key={r.id} withBorder padding="sm" data-testid="canned-row">
          <Group justify="space-between" align="flex-start" wrap="nowrap">
            <Stack gap={2}>
              <Text fw={600} size="sm">
                {r.title}{" "}
                <Text span c="dimmed" size="xs">
                  · {t(`canned.languages.${r.language as "ru"}`)}
                </Text>
              </Text>
              <Text size="sm" lang={r.language} style={{ whiteSpace: "pre-wrap" }}>
                {r.body}
              </Text>
            </Stack>
            <Group gap="xs" wrap="nowrap">
              <Button size="compact-sm" variant="default" onClick={() => open(r.id, { title: r.title, body: r.body, language: r.language, position: r.position })}>
                {t("canned.edit")}
              </Button>
              <Button size="compact-sm" variant="subtle" color="red" onClick={() => void run(() => cannedApi.remove(r.id))}>
                {t("canned.remove")}
              </Button>
            </Group>
          </Group>
        </Card>
      ))}
      <Modal opened={draft !== null} onClose={() => setEditing(null)} title={editing?.id ? t("canned.edit") : t("canned.add")} size="lg">
        {draft && (
          <Stack>
            <TextInput label={t("canned.fields.title")} {...form.getInputProps("title")} data-testid="canned-title" />
            <Textarea label={t("canned.fields.body")} autosize minRows={4} {...form.getInputProps("body")} data-testid="canned-body" />
            <Group grow>
              <Select
                label={t("canned.fields.language")}
                value={draft.language}
                onChange={(v) => v && form.setFieldValue("language", v)}
                allowDeselect={false}
                data={(["ru", "uk", "en"] as const).map((l) => ({ value: l, label: t(`canned.languages.${l}`) }))}
                comboboxProps={{ withinPortal: true }}
              />
              <NumberInput label={t("canned.fields.position")} min={0} max={10000} value={draft.position} onChange={(v) => form.setFieldValue("position", Number(v) || 0)} error={form.errors.position} />
            </Group>
            {error !== null && <Alert color="red">{errorText(t, error)}</Alert>}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setEditing(null)}>
                {t("common.cancel")}
              </Button>
              <Button loading={busy} disabled={!draft.title.trim() || !draft.body.trim()} onClick={() => form.onSubmit((v) => void save(v))()} data-testid="canned-save">
                {t("common.save")}
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}
