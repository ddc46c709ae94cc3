import { Alert, Button, Group, Modal, Radio, Select, Stack, Text, Textarea } from "@mantine/core";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { TEAMS, TRANSITIONS, type CaseState, type TeamId } from "../../../shared/case-states";
import { useQuery } from "@tanstack/react-query";
import { casesApi, type CaseDetail, type Duplicate } from "../../api/cases";
import { keys } from "../../api/queryClient";
import { errorText } from "../../components/errorText";

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

/** A change of state: only the moves the declared table allows, always with a reason. */
export function TransitionModal({ c, opened, onClose, onDone }: { c: CaseDetail; opened: boolean; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const next = TRANSITIONS[c.state] as readonly CaseState[];
  const [to, setTo] = useState<CaseState | null>(null);
  const [reason, setReason] = useState("");
  const { busy, error, run } = useRun(() => {
    setReason("");
    setTo(null);
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
            onChange={(v) => setTo(v as CaseState)}
            comboboxProps={{ withinPortal: true }}
            data-autofocus
            data-testid="transition-to"
          />
          <Textarea label={t("case.transition.reason")} description={t("case.transition.reasonHint")} value={reason} onChange={(e) => setReason(e.currentTarget.value)} autosize minRows={2} data-testid="transition-reason" />
          {error !== null && <Alert color="red">{errorText(t, error)}</Alert>}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("common.cancel")}
            </Button>
            <Button loading={busy} disabled={!to || !reason.trim()} onClick={() => void run(() => casesApi.transition(c.id, to!, reason.trim()))} data-testid="transition-submit">
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
  const [userId, setUserId] = useState<string | null>(c.assignedUserId);
  const [team, setTeam] = useState<TeamId>(c.teamId);
  const { busy, error, run } = useRun(onDone);
  useEffect(() => {
    if (!opened) return;
    setUserId(c.assignedUserId);
    setTeam(c.teamId);
  }, [opened, c.assignedUserId, c.teamId]);
  const submit = () =>
    run(() =>
      casesApi.assign(c.id, {
        ...(userId !== c.assignedUserId ? { userId } : {}),
        ...(team !== c.teamId ? { teamId: team } : {}),
      }),
    );
  return (
    <Modal opened={opened} onClose={onClose} title={t("case.assign.title")}>
      <Stack>
        <Select
          label={t("case.assign.person")}
          placeholder={t("case.assign.nobody")}
          clearable
          searchable
          value={userId}
          onChange={setUserId}
          data={people.map((p) => ({ value: p.id, label: `${p.displayName} · ${t(`roles.${p.role}`)}${p.teams.length ? ` · ${p.teams.map((x) => t(`teamNames.${x}`)).join(", ")}` : ""}` }))}
          comboboxProps={{ withinPortal: true }}
          data-testid="assign-person"
        />
        <Select
          label={t("case.assign.team")}
          description={t("case.assign.teamHint")}
          value={team}
          onChange={(v) => v && setTeam(v as TeamId)}
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
  const [reason, setReason] = useState("");
  const target = direction === "into-this" ? c.id : (other?.id ?? "");
  const { busy, error, run } = useRun(() => {
    setReason("");
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
        <Textarea label={t("case.merge.reason")} value={reason} onChange={(e) => setReason(e.currentTarget.value)} autosize minRows={2} data-testid="merge-reason" />
        {error !== null && <Alert color="red">{errorText(t, error)}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t("common.cancel")}
          </Button>
          <Button color="grape" loading={busy} disabled={!reason.trim()} onClick={() => void run(() => casesApi.merge(source, target, reason.trim()))} data-testid="merge-submit">
            {t("case.merge.submit")}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
