import { Alert, Badge, Button, Card, Group, Loader, Select, Stack, Text, TextInput, Textarea, Title } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { REASON_CODES, type ReasonCode } from "../../../shared/verification";
import { WATCHLIST_KINDS } from "../../../shared/api/verification";
import { verificationApi, verificationKeys, type WatchlistAdd, type WatchlistEntry } from "../../api/verification";
import { useCan } from "../../auth/permissions";
import { errorText } from "../../components/errorText";
import { usePageTitle } from "../../components/usePageTitle";
import { formatDateTime } from "../../i18n";
import { PageHeader } from "../../components/PageHeader";

type Kind = WatchlistAdd["kind"];
const REJECT_CODES = REASON_CODES.filter((c): c is Exclude<ReasonCode, "genuine"> => c !== "genuine");

/** Put one identifier on the list; the server seals its value to the verification team. */
function AddEntry() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [kind, setKind] = useState<Kind>("phone");
  const [value, setValue] = useState("");
  const [birthDate, setBirthDate] = useState("");
  const [reasonCode, setReasonCode] = useState<Exclude<ReasonCode, "genuine">>("provocation");
  const [note, setNote] = useState("");
  const add = useMutation({
    mutationFn: () => verificationApi.addToWatchlist({ kind, value, reasonCode, ...(kind === "name" && birthDate ? { birthDate } : {}), ...(note.trim() ? { note } : {}) }),
    onSuccess: async () => {
      setValue("");
      setBirthDate("");
      setNote("");
      await qc.invalidateQueries({ queryKey: ["verification"] });
    },
  });
  return (
    <Card withBorder component="form" data-testid="watchlist-add" onSubmit={(e) => { e.preventDefault(); add.mutate(); }}>
      <Stack gap="xs">
        <Title order={2} size="h4">
          {t("verification.watchlist.add.title")}
        </Title>
        <Group grow align="flex-start" wrap="wrap">
          <Select label={t("verification.watchlist.add.kind")} data={WATCHLIST_KINDS.map((k) => ({ value: k, label: t(`verification.kinds.${k}`) }))} value={kind} onChange={(v) => v && setKind(v as Kind)} allowDeselect={false} miw={160} />
          <TextInput label={t("verification.watchlist.add.value")} value={value} onChange={(e) => setValue(e.currentTarget.value)} maxLength={200} required miw={200} />
        </Group>
        {kind === "name" && <TextInput type="date" label={t("verification.watchlist.add.birthDate")} description={t("verification.watchlist.add.birthDateHint")} value={birthDate} onChange={(e) => setBirthDate(e.currentTarget.value)} />}
        <Select label={t("verification.watchlist.add.reason")} data={REJECT_CODES.map((c) => ({ value: c, label: t(`verification.reasons.${c}`) }))} value={reasonCode} onChange={(v) => v && setReasonCode(v as Exclude<ReasonCode, "genuine">)} allowDeselect={false} />
        <Textarea label={t("verification.watchlist.add.note")} value={note} onChange={(e) => setNote(e.currentTarget.value)} autosize minRows={2} maxLength={1000} />
        {add.error && <Alert color="red">{errorText(t, add.error)}</Alert>}
        {add.isSuccess && <Text c="green" size="sm" role="status">{t("verification.watchlist.add.added")}</Text>}
        <Group>
          <Button type="submit" disabled={!value.trim()} loading={add.isPending}>
            {t("verification.watchlist.add.submit")}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

/** Taking an entry off: a supervisor, with a reason. */
function RemoveEntry({ entry }: { entry: WatchlistEntry }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const remove = useMutation({ mutationFn: () => verificationApi.removeFromWatchlist(entry.id, reason), onSuccess: () => qc.invalidateQueries({ queryKey: ["verification"] }) });
  if (!open) return <Button variant="default" size="xs" onClick={() => setOpen(true)}>{t("verification.watchlist.remove.open")}</Button>;
  return (
    <Stack gap="xs">
      <Textarea label={t("verification.watchlist.remove.reason")} value={reason} onChange={(e) => setReason(e.currentTarget.value)} autosize minRows={2} maxLength={4000} required data-autofocus />
      {remove.error && <Alert color="red">{errorText(t, remove.error)}</Alert>}
      <Group>
        <Button size="xs" color="red" disabled={!reason.trim()} loading={remove.isPending} onClick={() => remove.mutate()}>
          {t("verification.watchlist.remove.submit")}
        </Button>
        <Button size="xs" variant="subtle" onClick={() => setOpen(false)}>
          {t("verification.watchlist.remove.cancel")}
        </Button>
      </Group>
    </Stack>
  );
}

/** One entry, each value under its label; the identifier only when the reader may see it. */
function Entry({ entry, canRemove }: { entry: WatchlistEntry; canRemove: boolean }) {
  const { t } = useTranslation();
  const line = (label: string, value: string) => (
    <Text size="sm">
      <Text span c="dimmed">{label}: </Text>
      {value}
    </Text>
  );
  return (
    <Card withBorder padding="sm" data-testid="watchlist-entry" data-kind={entry.kind}>
      <Stack gap={4}>
        <Group gap="xs" wrap="wrap">
          <Text fw={600}>{t(`verification.kinds.${entry.kind}`, { defaultValue: entry.kind })}</Text>
          <Badge variant="light" color={entry.removedAt ? "gray" : "red"}>{entry.removedAt ? t("verification.watchlist.list.removed") : t("verification.watchlist.list.active")}</Badge>
        </Group>
        {line(t("verification.watchlist.list.value"), entry.value ?? (entry.byHand ? t("verification.watchlist.list.sealed") : t("verification.watchlist.list.blind")))}
        {entry.birthDate && line(t("verification.watchlist.add.birthDate"), entry.birthDate)}
        {line(t("verification.watchlist.list.reason"), t(`verification.reasons.${entry.reasonCode}`, { defaultValue: entry.reasonCode }))}
        {line(t("verification.watchlist.list.source"), entry.byHand ? t("verification.watchlist.list.byHand") : entry.sourceNumber !== null ? t("verification.caseNumber", { number: entry.sourceNumber }) : t("verification.watchlist.list.outOfScope"))}
        {entry.note && line(t("verification.watchlist.add.note"), entry.note)}
        {line(t("verification.watchlist.list.added"), formatDateTime(entry.createdAt))}
        {entry.removedAt && line(t("verification.watchlist.list.removedAt"), formatDateTime(entry.removedAt))}
        {canRemove && !entry.removedAt && <RemoveEntry entry={entry} />}
      </Stack>
    </Card>
  );
}

/** The watchlist: add an identifier, see the entries (values only where the policy and the team key allow), take one off. */
export function WatchlistPage() {
  const { t } = useTranslation();
  usePageTitle(t("verification.watchlist.title"));
  const can = useCan();
  const q = useQuery({ queryKey: verificationKeys.watchlist, queryFn: verificationApi.watchlist });
  return (
    <Stack maw={900}>
      <PageHeader title={t("verification.watchlist.title")} intro={t("verification.watchlist.intro")} />
      <AddEntry />
      <Title order={2} size="h4">
        {t("verification.watchlist.list.title")}
      </Title>
      {q.error && <Alert color="red">{errorText(t, q.error)}</Alert>}
      {q.isPending && <Loader aria-label={t("app.loading")} />}
      {q.data?.length === 0 && <Text c="dimmed">{t("verification.watchlist.list.empty")}</Text>}
      <Stack gap="xs" data-testid="watchlist">
        {q.data?.map((e) => <Entry key={e.id} entry={e} canRemove={can("verification.unlist")} />)}
      </Stack>
    </Stack>
  );
}
