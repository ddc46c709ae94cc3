import { Button, Checkbox, Group, Select, Text, TextInput, Textarea } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { GUARANTEES, TASK_STATES, type Guarantee, type TaskState } from "../../../shared/resettlement";
import { resettlementApi, resettlementKeys, type ResettlementCard } from "../../api/resettlement";
import { casesApi } from "../../api/cases";
import { keys } from "../../api/queryClient";
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

type Officers = ResettlementCard["officers"];

/** Whose the task is: one of the officers on the file; left empty, the one who writes it. */
const OwnerInput = ({ officers, value, onChange, label }: { officers: Officers; value: string | null; onChange: (v: string | null) => void; label?: string }) => {
  const { t } = useTranslation();
  if (officers.length < 2) return null;
  return (
    <Select
      label={label ?? t("resettlement.task.ownerLabel")}
      placeholder={t("resettlement.task.ownerMe")}
      clearable
      data={officers.map((o) => ({ value: o.userId, label: o.displayName }))}
      value={value}
      onChange={onChange}
      comboboxProps={{ withinPortal: true }}
      w={220}
    />
  );
};
const withOwner = (ownerId: string | null) => (ownerId ? { ownerId } : {});

export function GuaranteeForm({ caseId, officers }: { caseId: string; officers: Officers }) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<Guarantee>("secrecy");
  const [dueOn, setDue] = useState("");
  const [notes, setNotes] = useState("");
  const [ownerId, setOwner] = useState<string | null>(null);
  const send = useSend(() => resettlementApi.addGuarantee(caseId, { kind, dueOn, notes, ...withOwner(ownerId) }), () => (setDue(""), setNotes(""), setOwner(null)));
  return (
    <FormShell onSubmit={() => send.mutate()} pending={send.isPending} error={send.error} label={t("resettlement.guarantees.add")} testId="guarantee-form">
      <Select label={t("resettlement.guarantees.kind")} data={GUARANTEES.map((g) => ({ value: g, label: t(`resettlement.kinds.${g}`) }))} value={kind} onChange={(v) => v && setKind(v as Guarantee)} allowDeselect={false} />
      <DueInput value={dueOn} onChange={setDue} />
      <OwnerInput officers={officers} value={ownerId} onChange={setOwner} />
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

export function StepForm({ caseId, memberId, officers }: { caseId: string; memberId: string; officers: Officers }) {
  const { t } = useTranslation();
  const [step, setStep] = useState("");
  const [dueOn, setDue] = useState("");
  const [notes, setNotes] = useState("");
  const [ownerId, setOwner] = useState<string | null>(null);
  const send = useSend(() => resettlementApi.addStep(caseId, memberId, { step, dueOn, notes, ...withOwner(ownerId) }), () => (setStep(""), setDue(""), setNotes(""), setOwner(null)));
  return (
    <FormShell onSubmit={() => send.mutate()} pending={send.isPending} error={send.error} label={t("resettlement.steps.add")} testId={`step-form-${memberId}`}>
      <TextInput required label={t("resettlement.steps.step")} value={step} onChange={(e) => setStep(e.currentTarget.value)} maxLength={300} />
      <DueInput value={dueOn} onChange={setDue} />
      <OwnerInput officers={officers} value={ownerId} onChange={setOwner} />
      <NotesInput value={notes} onChange={setNotes} />
    </FormShell>
  );
}

/**
 * Put another resettlement officer on the file: the file key is sealed to him too. Offered are the
 * active resettlement officers not on it yet; the server also refuses one whose scope lacks the case.
 */
export function OfficerForm({ caseId, officers }: { caseId: string; officers: Officers }) {
  const { t } = useTranslation();
  const people = useQuery({ queryKey: keys.assignees, queryFn: casesApi.assignees });
  const [userId, setUser] = useState<string | null>(null);
  const send = useSend(() => resettlementApi.addOfficer(caseId, userId ?? ""), () => setUser(null));
  const on = new Set(officers.map((o) => o.userId));
  const candidates = (people.data ?? []).filter((p) => p.role === "resettlement_officer" && !on.has(p.id));
  return (
    <FormShell onSubmit={() => userId && send.mutate()} pending={send.isPending} error={send.error ?? people.error} label={t("resettlement.officers.add")} testId="officer-form">
      <Select
        label={t("resettlement.officers.person")}
        placeholder={candidates.length ? undefined : t("resettlement.officers.none")}
        searchable
        data={candidates.map((p) => ({ value: p.id, label: p.displayName }))}
        value={userId}
        onChange={setUser}
        comboboxProps={{ withinPortal: true }}
        w={260}
        data-testid="officer-person"
      />
    </FormShell>
  );
}

/** A task handed to another officer on the file (audited on the server). */
export function TaskOwnerSelect({ caseId, taskId, ownerId, officers, label }: { caseId: string; taskId: string; ownerId: string; officers: Officers; label: string }) {
  const { t } = useTranslation();
  const send = useSend((next: string) => resettlementApi.updateTask(caseId, taskId, { ownerId: next }), () => {});
  if (officers.length < 2) return null;
  return (
    <Select
      aria-label={t("resettlement.task.ownerOf", { task: label })}
      data={officers.map((o) => ({ value: o.userId, label: o.displayName }))}
      value={ownerId}
      onChange={(v) => v && v !== ownerId && send.mutate(v)}
      allowDeselect={false}
      error={send.error ? errorText(t, send.error) : undefined}
      comboboxProps={{ withinPortal: true }}
      w={200}
    />
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
