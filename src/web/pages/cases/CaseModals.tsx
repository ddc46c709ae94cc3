import { Alert, Button, Group, Modal, Radio, Select, Stack, Text, Textarea } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { TEAMS, TRANSITIONS, type CaseState, type TeamId } from "../../../shared/case-states";
import { assignBodySchema, mergeBodySchema, transitionBodySchema } from "../../../shared/api/case-core";
import { useQuery } from "@tanstack/react-query";
import { casesApi, type CaseDetail, type Duplicate } from "../../api/cases";
import { verificationApi } from "../../api/verification";
import { keys } from "../../api/queryClient";
import { errorText } from "../../components/errorText";
import { schemaValidate } from "../../components/schemaValidate";

function useRun(onDone: () => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run, reset: () => setError(null) };
}

/**
 * A change of state: only the moves the declared table allows, always with a reason. Sending a
 * case to `verifying` is the hand-over to the verification team (state and team in one command):
 * a plain move would leave it with intake, where no verifier sees it.
 */
export function TransitionModal({ c, opened, onClose, onDone }: { c: CaseDetail; opened: boolean; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const next = TRANSITIONS[c.state] as readonly CaseState[];
  // The move as the server validates it: a state of the table and a reason.
  const form = useForm<{ to: CaseState | null; reason: string }>({
    initialValues: { to: null, reason: "" },
    validate: schemaValidate(transitionBodySchema, (v: { to: CaseState | null; reason: string }) => ({ to: v.to, reason: v.reason.trim() }), () => ""),
  });
  const { to, reason } = form.values;
  const { busy, error, run } = useRun(() => {
    form.reset();
    onDone();
  });
  return (
    <Modal opened={opened} onClose={onClose} title={t("case.transition.title")}>
      {next.length === 0 ? (
        <Text>{t("case.transition.none")}</Text>
      ) : (
        <Stack>
          <Select
            label={t("case.transition.to")}
            data={next.map((s) => ({ value: s, label: t(`states.${s}`) }))}
            value={to}
            onChange={(v) => form.setFieldValue("to", v as CaseState)}
            comboboxProps={{ withinPortal: true }}
            data-autofocus
            data-testid="transition-to"
          />
          <Textarea label={t("case.transition.reason")} description={t("case.transition.reasonHint")} {...form.getInputProps("reason")} error={undefined} autosize minRows={2} data-testid="transition-reason" />
          {error !== null && <Alert color="red">{errorText(t, error)}</Alert>}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("common.cancel")}
            </Button>
            <Button loading={busy} disabled={!form.isValid()} onClick={() => void run(() => (to === "verifying" ? verificationApi.handover(c.id, reason.trim()) : casesApi.transition(c.id, to!, reason.trim())))} data-testid="transition-submit">
              {t("case.transition.submit")}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

/** Assign to a person (of any team that does case work) and/or hand over to a team. */
export function AssignModal({ c, opened, onClose, onDone }: { c: CaseDetail; opened: boolean; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const { data: people = [] } = useQuery({ queryKey: keys.assignees, queryFn: casesApi.assignees, enabled: opened });
  const body = (v: { userId: string | null; team: TeamId }) => ({ ...(v.userId !== c.assignedUserId ? { userId: v.userId } : {}), ...(v.team !== c.teamId ? { teamId: v.team } : {}) });
  const form = useForm<{ userId: string | null; team: TeamId }>({ initialValues: { userId: c.assignedUserId, team: c.teamId }, validate: schemaValidate(assignBodySchema, body, () => "") });
  const { userId, team } = form.values;
  const { busy, error, run } = useRun(onDone);
  const { setValues } = form;
  useEffect(() => {
    if (!opened) return;
    setValues({ userId: c.assignedUserId, team: c.teamId });
    // Reset when the dialog opens or the case changes (not on every render of the form).
  }, [opened, c.assignedUserId, c.teamId]);
  const submit = () => form.isValid() && run(() => casesApi.assign(c.id, body(form.values)));
  return (
    <Modal opened={opened} onClose={onClose} title={t("case.assign.title")}>
      <Stack>
        <Select
          label={t("case.assign.person")}
          placeholder={t("case.assign.nobody")}
          clearable
          searchable
          value={userId}
          onChange={(v) => form.setFieldValue("userId", v)}
          data={people.map((p) => ({ value: p.id, label: `${p.displayName} · ${t(`roles.${p.role}`)}${p.teams.length ? ` · ${p.teams.map((x) => t(`teamNames.${x}`)).join(", ")}` : ""}` }))}
          comboboxProps={{ withinPortal: true }}
          data-testid="assign-person"
        />
        <Select
          label={t("case.assign.team")}
          description={t("case.assign.teamHint")}
          value={team}
          onChange={(v) => v && form.setFieldValue("team", v as TeamId)}
          allowDeselect={false}
          data={TEAMS.map((x) => ({ value: x, label: t(`teamNames.${x}`) }))}
          comboboxProps={{ withinPortal: true }}
          data-testid="assign-team"
        />
        {error !== null && <Alert color="red">{errorText(t, error)}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t("common.cancel")}
          </Button>
          <Button loading={busy} disabled={userId === c.assignedUserId && team === c.teamId} onClick={() => void submit()} data-testid="assign-submit">
            {t("case.assign.submit")}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** Merge a suggested duplicate: which case goes on, and why. Both histories are kept. */
export function MergeModal({ c, other, onClose, onDone }: { c: CaseDetail; other: Duplicate | null; onClose: () => void; onDone: (targetId: string) => void }) {
  const { t } = useTranslation();
  const [direction, setDirection] = useState<"into-this" | "into-other">("into-this");
  const target = direction === "into-this" ? c.id : (other?.id ?? "");
  // The merge as the server validates it: the case that goes on, and why.
  const form = useForm({ initialValues: { reason: "" }, validate: schemaValidate(mergeBodySchema, (v: { reason: string }) => ({ into: target, reason: v.reason.trim() }), () => "") });
  const reason = form.values.reason;
  const { busy, error, run } = useRun(() => {
    form.reset();
    onDone(target);
  });
  if (!other) return null;
  const source = direction === "into-this" ? other.id : c.id;
  return (
    <Modal opened onClose={onClose} title={t("case.merge.title")}>
      <Stack>
        <Text size="sm">{t("case.merge.text")}</Text>
        <Radio.Group value={direction} onChange={(v) => setDirection(v as typeof direction)}>
          <Stack gap="xs">
            <Radio value="into-this" label={t("case.merge.intoThis", { other: other.number, self: c.number })} data-testid="merge-into-this" />
            <Radio value="into-other" label={t("case.merge.intoOther", { other: other.number, self: c.number })} />
          </Stack>
        </Radio.Group>
        <Textarea label={t("case.merge.reason")} {...form.getInputProps("reason")} error={undefined} autosize minRows={2} data-testid="merge-reason" />
        {error !== null && <Alert color="red">{errorText(t, error)}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t("common.cancel")}
          </Button>
          <Button color="grape" loading={busy} disabled={!form.isValid()} onClick={() => void run(() => casesApi.merge(source, target, reason.trim()))} data-testid="merge-submit">
            {t("case.merge.submit")}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
