import { Alert, Button, Modal, Select, Stack, Text, TextInput } from "@mantine/core";
import { useState, type FormEvent } from "react";
import { CopyAndClose } from "../../components/CopyAndClose";
import { useTranslation } from "react-i18next";
import { ROLES, type Role } from "../../../shared/roles";
import { staffApi, type Invitation } from "../../api/staff";
import { errorText, invalidFields } from "../../components/errorText";
import { formatDateTime } from "../../i18n";

const USERNAME = /^[A-Za-z0-9._-]{3,40}$/;

/** Make a one-time invitation link. The link is shown once: the server keeps only its hash. */
export function InviteModal({ opened, onClose, onInvited }: { opened: boolean; onClose: () => void; onInvited: () => void }) {
  const { t } = useTranslation();
  const [role, setRole] = useState<Role>("operator");
  const [username, setUsername] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [usernameError, setUsernameError] = useState<string | null>(null);
  const [invitation, setInvitation] = useState<Invitation | null>(null);

  const close = () => {
    setInvitation(null);
    setUsername("");
    setError(null);
    setUsernameError(null);
    onClose();
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setUsernameError(null);
    const name = username.trim();
    if (name && !USERNAME.test(name)) {
      setUsernameError(t("form.usernameInvalid"));
      return;
    }
    setBusy(true);
    try {
      setInvitation(await staffApi.invite({ role, ...(name ? { username: name } : {}) }));
      onInvited();
    } catch (err) {
      if (invalidFields(err).includes("username")) setUsernameError(t("form.usernameInvalid"));
      else setError(errorText(t, err));
    } finally {
      setBusy(false);
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
        <form onSubmit={(e) => void submit(e)} noValidate>
          <Stack>
            <Select
              label={t("staff.invite.role")}
              data={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
              value={role}
              onChange={(v) => v && setRole(v as Role)}
              allowDeselect={false}
              comboboxProps={{ withinPortal: true }}
              data-testid="invite-role"
            />
            <TextInput
              label={t("staff.invite.username")}
              description={t("staff.invite.usernameHint")}
              value={username}
              onChange={(e) => setUsername(e.currentTarget.value)}
              autoCapitalize="none"
              spellCheck={false}
              error={usernameError}
              data-testid="invite-username"
            />
            {error && <Alert color="red">{error}</Alert>}
            <Button type="submit" loading={busy}>
              {t("staff.invite.submit")}
            </Button>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
