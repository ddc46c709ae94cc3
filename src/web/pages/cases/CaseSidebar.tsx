import { Alert, Anchor, Badge, Button, Card, Group, Stack, Text, Title } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { casesApi, type CaseDetail, type Duplicate } from "../../api/cases";
import { keys } from "../../api/queryClient";
import { errorText } from "../../components/errorText";
import { AddFileButton, FileRows } from "../../components/Files";
import { translateKnown } from "../../i18n";
import { StateBadge } from "./format";

/** Cases sharing a blind index with this one (same phone, Telegram, service number or full name). */
export function DuplicatesCard({ c, canMerge, onMerge }: { c: CaseDetail; canMerge: boolean; onMerge: (d: Duplicate) => void }) {
  const { t } = useTranslation();
  const { data: list, error } = useQuery({ queryKey: keys.casePart(c.id, "duplicates"), queryFn: () => casesApi.duplicates(c.id), enabled: c.state !== "merged" });
  if (c.state === "merged") return null;
  return (
    <Card withBorder padding="md" data-testid="case-duplicates">
      <Title order={2} size="h5" mb="xs">
        {t("case.duplicates.title")}
      </Title>
      {error && <Alert color="red">{errorText(t, error)}</Alert>}
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

/** The case's attachments (downloaded only, see FileRows), and adding one where the role may. */
export function AttachmentsCard({ c, canAdd }: { c: CaseDetail; canAdd: boolean }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const key = keys.casePart(c.id, "attachments");
  const { data: list, error: loadError } = useQuery({ queryKey: key, queryFn: () => casesApi.attachments(c.id) });
  const upload = useMutation({ mutationFn: (file: File) => casesApi.attach(c.id, file), onSuccess: () => queryClient.invalidateQueries({ queryKey: key }) });
  const error = upload.error ?? loadError;
  return (
    <Card withBorder padding="md" data-testid="case-attachments">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h5">
          {t("case.attachments.title")}
        </Title>
        {canAdd && c.state !== "merged" && <AddFileButton label={t("case.attachments.add")} onFile={(file) => upload.mutate(file)} loading={upload.isPending} />}
      </Group>
      {error && <Alert color="red">{errorText(t, error)}</Alert>}
      {list?.length === 0 && <Text size="sm" c="dimmed">{t("case.attachments.none")}</Text>}
      {list && <FileRows files={list} urlOf={(attachmentId) => casesApi.attachmentUrl(c.id, attachmentId)} />}
      <Text size="xs" c="dimmed" mt="xs">
        {t("case.attachments.safety")}
      </Text>
    </Card>
  );
}
