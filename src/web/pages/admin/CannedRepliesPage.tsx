import { Alert, Button, Card, Group, Loader, Modal, NumberInput, Select, Stack, Text, TextInput, Textarea, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { cannedApi, type CannedReply } from "../../api/cases";
import { useQuery } from "@tanstack/react-query";
import { keys } from "../../api/queryClient";
import { errorText } from "../../components/errorText";
import { usePageTitle } from "../../components/usePageTitle";

type Draft = Omit<CannedReply, "id" | "updatedAt"> & { id?: string };
const EMPTY: Draft = { title: "", body: "", language: "ru", position: 0 };

/** Canned replies: the hotline's templates (Russian by default), kept as data and edited here. */
export function CannedRepliesPage() {
  const { t } = useTranslation();
  usePageTitle(t("canned.title"));
  const list = useQuery({ queryKey: keys.canned, queryFn: cannedApi.list });
  const [draft, setDraft] = useState<Draft | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const run = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      setDraft(null);
      await list.refetch();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const save = (d: Draft) => {
    const body = { title: d.title.trim(), body: d.body.trim(), language: d.language, position: d.position };
    return run(() => (d.id ? cannedApi.update(d.id, body) : cannedApi.create(body)));
  };

  return (
    <Stack maw={1000}>
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1} size="h2">
            {t("canned.title")}
          </Title>
          <Text c="dimmed" size="sm">
            {t("canned.intro")}
          </Text>
        </div>
        <Button onClick={() => setDraft({ ...EMPTY, position: ((list.data ?? []).at(-1)?.position ?? 0) + 10 })} data-testid="canned-add">
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
              <Button size="compact-sm" variant="default" onClick={() => setDraft({ ...r })}>
                {t("canned.edit")}
              </Button>
              <Button size="compact-sm" variant="subtle" color="red" onClick={() => void run(() => cannedApi.remove(r.id))}>
                {t("canned.remove")}
              </Button>
            </Group>
          </Group>
        </Card>
      ))}
      <Modal opened={draft !== null} onClose={() => setDraft(null)} title={draft?.id ? t("canned.edit") : t("canned.add")} size="lg">
        {draft && (
          <Stack>
            <TextInput label={t("canned.fields.title")} value={draft.title} onChange={(e) => setDraft({ ...draft, title: e.currentTarget.value })} data-testid="canned-title" />
            <Textarea label={t("canned.fields.body")} autosize minRows={4} value={draft.body} onChange={(e) => setDraft({ ...draft, body: e.currentTarget.value })} data-testid="canned-body" />
            <Group grow>
              <Select
                label={t("canned.fields.language")}
                value={draft.language}
                onChange={(v) => v && setDraft({ ...draft, language: v })}
                allowDeselect={false}
                data={(["ru", "uk", "en"] as const).map((l) => ({ value: l, label: t(`canned.languages.${l}`) }))}
                comboboxProps={{ withinPortal: true }}
              />
              <NumberInput label={t("canned.fields.position")} min={0} max={10000} value={draft.position} onChange={(v) => setDraft({ ...draft, position: Number(v) || 0 })} />
            </Group>
            {error !== null && <Alert color="red">{errorText(t, error)}</Alert>}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setDraft(null)}>
                {t("common.cancel")}
              </Button>
              <Button loading={busy} disabled={!draft.title.trim() || !draft.body.trim()} onClick={() => void save(draft)} data-testid="canned-save">
                {t("common.save")}
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}
