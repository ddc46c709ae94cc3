import { Alert, Group, Stack, Text, Title } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { claimsApi } from "../../api/rewards";
import { AddFileButton, FileRows } from "../../components/Files";
import { errorText } from "../../components/errorText";

/**
 * The photos of the inspection: listed (and downloadable) in every state, added only while the
 * claim is under inspection, so the assessment and both approvals cover every photo.
 */
export function ClaimPhotos({ claimId, underInspection }: { claimId: string; underInspection: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const key = ["rewards", "claim", claimId, "photos"];
  const list = useQuery({ queryKey: key, queryFn: () => claimsApi.photos(claimId) });
  const [refusal, setRefusal] = useState<string | null>(null);
  const upload = useMutation({
    mutationFn: (file: File) => claimsApi.addPhoto(claimId, file),
    onMutate: () => setRefusal(null),
    onSuccess: () => qc.invalidateQueries({ queryKey: key }),
    onError: (err) =>
      setRefusal(
        errorText(t, err, {
          conflict: t("rewards.photos.refusals.not_inspection"),
          payload_too_large: t("rewards.photos.refusals.too_large"),
          unsupported_media_type: t("rewards.photos.refusals.not_image"),
          forbidden: t("rewards.photos.refusals.forbidden"),
        }),
      ),
  });
  // The picker offers images only, but a person can still choose "all files": say so before sending.
  const add = (file: File) => (file.type.startsWith("image/") ? upload.mutate(file) : setRefusal(t("rewards.photos.refusals.not_image")));
  return (
    <Stack gap="xs" data-testid="claim-photos">
      <Group justify="space-between">
        <Title order={3} size="h5">
          {t("rewards.photos.title")}
        </Title>
        {underInspection && <AddFileButton label={t("rewards.photos.add")} accept="image/*" onFile={add} loading={upload.isPending} testId="claim-photo-add" />}
      </Group>
      {refusal && (
        <Alert color="red" role="alert" data-testid="claim-photo-error">
          {refusal}
        </Alert>
      )}
      {list.error && <Alert color="red">{errorText(t, list.error)}</Alert>}
      {list.data?.length === 0 && <Text size="sm" c="dimmed">{t("rewards.photos.none")}</Text>}
      {list.data && <FileRows files={list.data} urlOf={(photoId) => claimsApi.photoUrl(claimId, photoId)} rowTestId="claim-photo" />}
      <Text size="xs" c="dimmed">
        {t("rewards.photos.safety")}
      </Text>
    </Stack>
  );
}
