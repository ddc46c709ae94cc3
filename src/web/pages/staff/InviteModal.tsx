import { Alert, Button, Modal, Select, Stack, Text, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useState } from "react";
import { CopyAndClose } from "../../components/CopyAndClose";
import { useTranslation } from "react-i18next";
import { ROLES, type Role } from "../../../shared/roles";
import { inviteBodySchema } from "../../../shared/api/staff";
import { staffApi, type Invitation } from "../../api/staff";
import { errorText, invalidFields } from "../../components/errorText";
import { schemaValidate } from "../../components/schemaValidate";
import { formatDateTime } from "../../i18n";

const body = (v: { role: Role; username: string }) => ({ role: v.role, ...(v.username.trim() ? { username: v.username.trim() } : {}) });

/** Make a one-time invitation link. The link is shown once: the server keeps only its hash. */
export function InviteModal({ opened, onClose, onInvited }: { opened: boolean; onClose: () => void; onInvited: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const [invitation, setInvitation] = useState<Invitation | null>(null);
  const form = useForm<{ role: Role; username: string }>({
    initialValues: { role: "operator", username: "" },
    // The server's own body schema (src/shared/api/staff.ts) decides what a valid invitation is.
    validate: schemaValidate(inviteBodySchema, body, () => t("form.usernameInvalid")),
  });

  const close = () => {
    setInvitation(null);
    setError(null);
    form.reset();
    onClose();
  };

  const submit = async (v: { role: Role; username: string }) => {
    setError(null);
    form.setSubmitting(true);
    try {
      setInvitation(await staffApi.invite(body(v)));
      onInvited();
    } catch (err) {
      if (invalidFields(err).includes("username")) form.setFieldError("username", t("form.usernameInvalid"));
      else setError(errorText(t, err));
    } finally {
      form.setSubmitting(false);
    }
  };

  return (
    <Modal opened={opened} onClose={close} title={invitation ? t("staff.invite.linkTitle") : t("staff.invite.title")} size="lg">
      {invitation ? (
        <Stack>
          <Text size="sm">{t("staff.invite.linkText", { date: formatDateTime(invitation.expiresAt) })}</Text>
          <TextInput label={t("staff.invite.link")} value={invitation.link} readOnly data-testid="invite-link" onFocus={(e) => e.currentTarget.select()} />
          <CopyAndClose value={invitation.link} onClose={close} />
        </Stack>
      ) : (
        <form onSubmit={form.onSubmit((v) => void submit(v))} noValidate>
          <Stack>
            <Select
              label={t("staff.invite.role")}
              data={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
              {...form.getInputProps("role")}
              allowDeselect={false}
              comboboxProps={{ withinPortal: true }}
              data-testid="invite-role"
            />
            <TextInput
              label={t("staff.invite.username")}
              description={t("staff.invite.usernameHint")}
              {...form.getInputProps("username")}
              autoCapitalize="none"
              spellCheck={false}
              data-testid="invite-username"
            />
            {error && <Alert color="red">{error}</Alert>}
            <Button type="submit" loading={form.submitting}>
              {t("staff.invite.submit")}
            </Button>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
