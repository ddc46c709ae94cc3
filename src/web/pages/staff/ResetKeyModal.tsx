import { Alert, Button, Group, List, Modal, Stack, Text, TextInput } from "@mantine/core";
import { useState } from "react";
import { CopyAndClose } from "../../components/CopyAndClose";
import { useTranslation } from "react-i18next";
import { resetStaffKey, type KeyReset, type StaffMember } from "../../api/staff";
import { errorText } from "../../components/errorText";
import { formatDateTime } from "../../i18n";

/**
 * The last resort for a person who lost both the password and the recovery key, with no escrow
 * shares: the key is discarded and cases sealed only to them become unreadable to them. The
 * admin types the username to confirm; the one-time link comes back once and is never shown again.
 */
export function ResetKeyModal({ member, opened, onClose, onDone }: { member: StaffMember; opened: boolean; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const [typed, setTyped] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<KeyReset | null>(null);

  const close = () => {
    setTyped("");
    setError(null);
    setResult(null);
    onClose();
  };

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      setResult(await resetStaffKey(member.id));
      onDone();
    } catch (err) {
      setError(errorText(t, err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened={opened} onClose={close} title={result ? t("staff.resetKey.doneTitle") : t("staff.resetKey.title")} size="lg">
      {result ? (
        <Stack data-testid="reset-key-result">
          <Text size="sm">{t("staff.resetKey.linkText", { name: member.displayName, date: formatDateTime(result.expiresAt) })}</Text>
          <TextInput label={t("staff.invite.link")} value={result.link} readOnly data-testid="reset-key-link" onFocus={(e) => e.currentTarget.select()} />
          <Text size="sm" data-testid="reset-key-lost">
            {t("staff.resetKey.grantsLost", { count: result.personalGrantsLost })}
          </Text>
          <CopyAndClose value={result.link} onClose={close} />
        </Stack>
      ) : (
        <Stack>
          <Alert color="red" title={t("staff.resetKey.warningTitle")} data-testid="reset-key-warning">
            <List size="sm" spacing={4}>
              <List.Item>{t("staff.resetKey.onlyWhen")}</List.Item>
              <List.Item>{t("staff.resetKey.personalLost", { name: member.displayName })}</List.Item>
              <List.Item>{t("staff.resetKey.teamAccess")}</List.Item>
              <List.Item>{t("staff.resetKey.useRecover")}</List.Item>
            </List>
          </Alert>
          <TextInput
            label={t("staff.resetKey.typeUsername", { username: member.username })}
            value={typed}
            onChange={(e) => setTyped(e.currentTarget.value)}
            autoCapitalize="none"
            autoComplete="off"
            spellCheck={false}
            data-testid="reset-key-username"
          />
          {error && <Alert color="red">{error}</Alert>}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t("staff.confirm.cancel")}
            </Button>
            <Button color="red" loading={busy} disabled={typed.trim() !== member.username} onClick={() => void confirm()} data-testid="reset-key-confirm">
              {t("staff.resetKey.submit")}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
