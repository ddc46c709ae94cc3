import { Button, Checkbox, Group, Select, Text, TextInput, Textarea } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { GUARANTEES, TASK_STATES, type Guarantee, type TaskState } from "../../../shared/resettlement";
import { resettlementApi, resettlementKeys } from "../../api/resettlement";
import { errorText } from "../../components/errorText";

/** A form that sends once, refreshes the card and the board, and says what went wrong. */
function useSend<T, V = void>(fn: (v: V) => Promise<T>, onDone: () => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: async () => {
      onDone();
      // The card and the board (resettlementKeys all start with "resettlement").
      await qc.invalidateQueries({ queryKey: resettlementKeys.board.slice(0, 1) });
    },
  });
}

function FormShell({ onSubmit, pending, error, label, testId, children }: { onSubmit: () => void; pending: boolean; error: unknown; label: string; testId: string; children: ReactNode }) {
  const { t } = useTranslation();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit();
  };
  return (
    <form onSubmit={submit} data-testid={testId}>
      <Group align="end" gap="xs" wrap="wrap">
        {children}
        <Button type="submit" size="sm" loading={pending}>
          {label}
        </Button>
      </Group>
      {error != null && (
        <Text c="red" size="sm" role="alert">
          {errorText(t, error)}
        </Text>
      )}
    </form>
  );
}

const DueInput = ({ value, onChange }: { value: string; onChange: (v: string) => void }) => {
  const { t } = useTranslation();
  return <TextInput type="date" required label={t("resettlement.task.due")} value={value} onChange={(e) => onChange(e.currentTarget.value)} />;
};
const NotesInput = ({ value, onChange }: { value: string; onChange: (v: string) => void }) => {
  const { t } = useTranslation();
  return <Textarea label={t("resettlement.task.notes")} value={value} onChange={(e) => onChange(e.currentTarget.value)} autosize minRows={1} maxLength={4000} miw={240} />;
};

export function GuaranteeForm({ caseId }: { caseId: string }) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<Guarantee>("secrecy");
  const [dueOn, setDue] = useState("");
  const [notes, setNotes] = useState("");
  const send = useSend(() => resettlementApi.addGuarantee(caseId, { kind, dueOn, notes }), () => (setDue(""), setNotes("")));
  return (
    <FormShell onSubmit={() => send.mutate()} pending={send.isPending} error={send.error} label={t("resettlement.guarantees.add")} testId="guarantee-form">
      <Select label={t("resettlement.guarantees.kind")} data={GUARANTEES.map((g) => ({ value: g, label: t(`resettlement.kinds.${g}`) }))} value={kind} onChange={(v) => v && setKind(v as Guarantee)} allowDeselect={false} />
      <DueInput value={dueOn} onChange={setDue} />
      <NotesInput value={notes} onChange={setNotes} />
    </FormShell>
  );
}

export function MemberForm({ caseId }: { caseId: string }) {
  const { t } = useTranslation();
  const empty = { name: "", relation: "", whereabouts: "", contact: "" };
  const [m, setM] = useState(empty);
  const [consent, setConsent] = useState(false);
  const send = useSend(() => resettlementApi.addMember(caseId, { ...m, consent }), () => (setM(empty), setConsent(false)));
  const field = (k: keyof typeof empty, required = false) => (
    <TextInput key={k} required={required} label={t(`resettlement.member.${k}`)} value={m[k]} onChange={(e) => setM({ ...m, [k]: e.currentTarget.value })} maxLength={k === "name" ? 200 : 500} />
  );
  return (
    <FormShell onSubmit={() => send.mutate()} pending={send.isPending} error={send.error} label={t("resettlement.family.add")} testId="member-form">
      {field("name", true)}
      {field("relation", true)}
      {field("whereabouts")}
      {field("contact")}
      <Checkbox label={t("resettlement.member.consent")} checked={consent} onChange={(e) => setConsent(e.currentTarget.checked)} />
    </FormShell>
  );
}

export function StepForm({ caseId, memberId }: { caseId: string; memberId: string }) {
  const { t } = useTranslation();
  const [step, setStep] = useState("");
  const [dueOn, setDue] = useState("");
  const [notes, setNotes] = useState("");
  const send = useSend(() => resettlementApi.addStep(caseId, memberId, { step, dueOn, notes }), () => (setStep(""), setDue(""), setNotes("")));
  return (
    <FormShell onSubmit={() => send.mutate()} pending={send.isPending} error={send.error} label={t("resettlement.steps.add")} testId={`step-form-${memberId}`}>
      <TextInput required label={t("resettlement.steps.step")} value={step} onChange={(e) => setStep(e.currentTarget.value)} maxLength={300} />
      <DueInput value={dueOn} onChange={setDue} />
      <NotesInput value={notes} onChange={setNotes} />
    </FormShell>
  );
}

/** The state of a task, changed in place (audited on the server). */
export function TaskStateSelect({ caseId, taskId, state, label }: { caseId: string; taskId: string; state: TaskState; label: string }) {
  const { t } = useTranslation();
  const send = useSend((next: TaskState) => resettlementApi.updateTask(caseId, taskId, { state: next }), () => {});
  return (
    <Select
      aria-label={t("resettlement.task.stateOf", { task: label })}
      data={TASK_STATES.map((s) => ({ value: s, label: t(`resettlement.states.${s}`) }))}
      value={state}
      onChange={(v) => v && v !== state && send.mutate(v as TaskState)}
      allowDeselect={false}
      error={send.error ? errorText(t, send.error) : undefined}
      w={170}
    />
  );
}
