import { Alert, Button, Group, Menu, SegmentedControl, Stack, Text, Textarea } from "@mantine/core";
import { useForm } from "@mantine/form";
import { getHotkeyHandler } from "@mantine/hooks";
import { forwardRef, useImperativeHandle, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { staffTextBodySchema } from "../../../shared/api/case-core";
import { casesApi, cannedApi, type CannedReply, type CaseDetail } from "../../api/cases";
import { errorText } from "../../components/errorText";
import { schemaValidate } from "../../components/schemaValidate";

export interface ComposerHandle {
  focus(mode: "reply" | "note"): void;
}

/**
 * Reply to the applicant on the channel he used, or write an internal note he never sees.
 * Canned replies (Russian templates kept by the administrators) drop into the box to be edited.
 */
export const Composer = forwardRef<ComposerHandle, { c: CaseDetail; canReply: boolean; canNote: boolean; onSent: () => void }>(function Composer({ c, canReply, canNote, onSent }, ref) {
  const { t } = useTranslation();
  const [mode, setMode] = useState<"reply" | "note">(canReply ? "reply" : "note");
  // The reply or note body as the server validates it; an empty box simply cannot be sent.
  const form = useForm({ initialValues: { text: "" }, validate: schemaValidate(staffTextBodySchema, (v: { text: string }) => v, () => "") });
  const text = form.values.text;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [canned, setCanned] = useState<CannedReply[] | null>(null);
  const box = useRef<HTMLTextAreaElement>(null);

  useImperativeHandle(ref, () => ({
    focus(m) {
      if (m === "reply" && !canReply) return;
      if (m === "note" && !canNote) return;
      setMode(m);
      setTimeout(() => box.current?.focus(), 0);
    },
  }));

  const send = async () => {
    const body = text.trim();
    if (!form.isValid() || busy) return;
    setBusy(true);
    setError(null);
    try {
      await (mode === "reply" ? casesApi.reply(c.id, body) : casesApi.note(c.id, body));
      form.setFieldValue("text", "");
      onSent();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const loadCanned = () => {
    if (canned === null) cannedApi.list().then(setCanned, () => setCanned([]));
  };
  const insert = (r: CannedReply) => {
    form.setFieldValue("text", (prev) => (prev.trim() ? `${prev.trimEnd()}\n\n${r.body}` : r.body));
    setTimeout(() => box.current?.focus(), 0);
  };

  if (!canReply && !canNote) return null;
  if (c.state === "merged") return <Text c="dimmed">{t("case.composer.merged")}</Text>;
  return (
    <Stack gap="xs" data-testid="composer">
      <Group justify="space-between">
        <SegmentedControl
          value={mode}
          onChange={(v) => setMode(v as "reply" | "note")}
          data={[
            ...(canReply ? [{ value: "reply", label: t("case.composer.reply") }] : []),
            ...(canNote ? [{ value: "note", label: t("case.composer.note") }] : []),
          ]}
          data-testid="composer-mode"
        />
        {mode === "reply" && (
          <Menu position="bottom-end" withinPortal onOpen={loadCanned} width={360}>
            <Menu.Target>
              <Button variant="light" size="compact-sm" data-testid="canned-open">
                {t("case.composer.canned")}
              </Button>
            </Menu.Target>
            <Menu.Dropdown mah={360} style={{ overflowY: "auto" }}>
              {canned === null && <Menu.Label>{t("app.loading")}</Menu.Label>}
              {canned?.length === 0 && <Menu.Label>{t("canned.empty")}</Menu.Label>}
              {canned?.map((r) => (
                <Menu.Item key={r.id} onClick={() => insert(r)} data-testid="canned-item">
                  <Text size="sm" fw={500}>
                    {r.title}
                  </Text>
                  <Text size="xs" c="dimmed" lineClamp={2}>
                    {r.body}
                  </Text>
                </Menu.Item>
              ))}
            </Menu.Dropdown>
          </Menu>
        )}
      </Group>
      <Textarea
        ref={box}
        autosize
        minRows={3}
        maxRows={12}
        {...form.getInputProps("text")}
        error={undefined}
        placeholder={mode === "reply" ? t("case.composer.replyPlaceholder") : t("case.composer.notePlaceholder")}
        onKeyDown={getHotkeyHandler([
          ["mod+Enter", () => void send()],
          ["Escape", () => box.current?.blur()],
        ])}
        styles={mode === "note" ? { input: { background: "var(--mantine-color-yellow-light)" } } : undefined}
        aria-label={mode === "reply" ? t("case.composer.reply") : t("case.composer.note")}
        data-testid="composer-text"
      />
      <Group justify="space-between">
        <Text size="xs" c="dimmed">
          {mode === "reply" ? t(`case.composer.channelHint.${c.channel}`) : t("case.composer.noteHint")}
        </Text>
        <Button onClick={() => void send()} loading={busy} disabled={!form.isValid()} color={mode === "note" ? "yellow" : undefined} data-testid="composer-send">
          {mode === "reply" ? t("case.composer.send") : t("case.composer.saveNote")}
        </Button>
      </Group>
      {error !== null && <Alert color="red">{errorText(t, error)}</Alert>}
    </Stack>
  );
});
