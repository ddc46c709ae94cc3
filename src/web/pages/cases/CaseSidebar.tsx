import { Alert, Anchor, Badge, Button, Card, FileButton, Group, Stack, Table, Text, Title } from "@mantine/core";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { casesApi, type Attachment, type CaseDetail, type Duplicate } from "../../api/cases";
import { errorText } from "../../components/errorText";
import { formatDateTime, translateKnown } from "../../i18n";
import { StateBadge } from "./format";

function show(v: unknown): string {
  if (v === null || v === undefined || v === "") return "—";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/** The decrypted sections this role may read; others are simply absent (field-level access). */
export function SectionsCard({ c }: { c: CaseDetail }) {
  const { t } = useTranslation();
  const names = Object.keys(c.sections);
  return (
    <Card withBorder padding="md" data-testid="case-sections">
      <Title order={2} size="h5" mb="xs">
        {t("case.sections.title")}
      </Title>
      {names.length === 0 && <Text c="dimmed" size="sm">{t("case.sections.none")}</Text>}
      <Stack gap="sm">
        {names.map((s) => (
          <div key={s} data-testid={`section-${s}`}>
            <Text size="xs" tt="uppercase" c="dimmed" fw={600}>
              {translateKnown(t, `case.sections.names.${s}`, s)}
            </Text>
            <Table withRowBorders={false} verticalSpacing={2}>
              <Table.Tbody>
                {Object.entries(c.sections[s] ?? {}).map(([k, v]) => (
                  <Table.Tr key={k}>
                    <Table.Td w="45%">
                      <Text size="sm" c="dimmed">
                        {translateKnown(t, `case.fields.${k}`, k)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" style={{ wordBreak: "break-word" }}>
                        {show(v)}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </div>
        ))}
      </Stack>
    </Card>
  );
}

/** Cases sharing a blind index with this one (same phone, Telegram, service number or full name). */
export function DuplicatesCard({ c, canMerge, onMerge, reloadKey }: { c: CaseDetail; canMerge: boolean; onMerge: (d: Duplicate) => void; reloadKey: number }) {
  const { t } = useTranslation();
  const [list, setList] = useState<Duplicate[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let current = true;
    casesApi.duplicates(c.id).then(
      (l) => {
        if (!current) return;
        setList(l);
        setError(null);
      },
      (err: unknown) => current && setError(err),
    );
    return () => {
      current = false;
    };
  }, [c.id, c.updatedAt, reloadKey]);
  if (c.state === "merged") return null;
  return (
    <Card withBorder padding="md" data-testid="case-duplicates">
      <Title order={2} size="h5" mb="xs">
        {t("case.duplicates.title")}
      </Title>
      {error !== null && <Alert color="red">{errorText(t, error)}</Alert>}
      {list?.length === 0 && <Text size="sm" c="dimmed">{t("case.duplicates.none")}</Text>}
      <Stack gap="xs">
        {list?.map((d) => (
          <Group key={d.id} justify="space-between" wrap="nowrap" data-testid="duplicate-row">
            <Stack gap={2}>
              <Group gap={6}>
                <Anchor component={Link} to={`/cases/${d.id}`} size="sm" fw={600}>
                  #{d.number}
                </Anchor>
                <StateBadge state={d.state} />
              </Group>
              <Group gap={4}>
                {d.matched.map((k) => (
                  <Badge key={k} size="xs" variant="outline">
                    {translateKnown(t, `case.duplicates.kinds.${k}`, k)}
                  </Badge>
                ))}
              </Group>
            </Stack>
            {canMerge && (
              <Button size="compact-sm" color="grape" variant="light" onClick={() => onMerge(d)} data-testid="duplicate-merge">
                {t("case.duplicates.merge")}
              </Button>
            )}
          </Group>
        ))}
      </Stack>
    </Card>
  );
}

/**
 * Attachments are only ever downloaded (the server sends them as a sandboxed download, never shown
 * inside the console's origin), so a hostile file cannot run in the staff console.
 */
export function AttachmentsCard({ c, canAdd, reloadKey }: { c: CaseDetail; canAdd: boolean; reloadKey: number }) {
  const { t } = useTranslation();
  const [list, setList] = useState<Attachment[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const load = useCallback(() => casesApi.attachments(c.id).then(setList, setError), [c.id]);
  useEffect(() => void load(), [load, reloadKey]);
  const add = async (file: File | null) => {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      await casesApi.attach(c.id, file);
      await load();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card withBorder padding="md" data-testid="case-attachments">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h5">
          {t("case.attachments.title")}
        </Title>
        {canAdd && c.state !== "merged" && (
          <FileButton onChange={(f) => void add(f)}>
            {(props) => (
              <Button {...props} size="compact-sm" variant="light" loading={busy}>
                {t("case.attachments.add")}
              </Button>
            )}
          </FileButton>
        )}
      </Group>
      {error !== null && <Alert color="red">{errorText(t, error)}</Alert>}
      {list?.length === 0 && <Text size="sm" c="dimmed">{t("case.attachments.none")}</Text>}
      <Stack gap={4}>
        {list?.map((a) => (
          <Group key={a.id} justify="space-between" wrap="nowrap">
            <Anchor href={casesApi.attachmentUrl(c.id, a.id)} download={a.name} size="sm" style={{ wordBreak: "break-all" }}>
              {a.name}
            </Anchor>
            <Text size="xs" c="dimmed" style={{ whiteSpace: "nowrap" }}>
              {Math.max(1, Math.round(a.size / 1024))} KB · {formatDateTime(a.createdAt)}
            </Text>
          </Group>
        ))}
      </Stack>
      <Text size="xs" c="dimmed" mt="xs">
        {t("case.attachments.safety")}
      </Text>
    </Card>
  );
}
