import { ActionIcon, Alert, Button, Group, Menu, Modal, Select, Stack, Text } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ROLES, type Role } from "../../../shared/roles";
import { staffApi, type StaffMember } from "../../api/staff";
import { errorText } from "../../components/errorText";
import { ResetKeyModal } from "./ResetKeyModal";

type Pending = "role" | "disable" | "resetTotp" | "resetKey" | null;

/** The admin's menu on one staff row; every change asks first, then reloads the list. */
export function StaffActions({ member, onChanged }: { member: StaffMember; onChanged: () => void }) {
  const { t } = useTranslation();
  const [pending, setPending] = useState<Pending>(null);
  const [role, setRole] = useState<Role>(member.role);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const open = (p: Pending) => {
    setError(null);
    setRole(member.role);
    setPending(p);
  };

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      setPending(null);
      onChanged();
    } catch (err) {
      setError(errorText(t, err, { conflict: t("staff.lastAdmin") }));
    } finally {
      setBusy(false);
    }
  };

  const name = member.displayName;
  return (
    <>
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <ActionIcon variant="subtle" aria-label={`${t("staff.actions.menu")}: ${member.username}`} data-testid={`staff-actions-${member.username}`}>
            <span aria-hidden>⋯</span>
          </ActionIcon>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item onClick={() => open("role")}>{t("staff.actions.changeRole")}</Menu.Item>
          {member.totpEnabled && <Menu.Item onClick={() => open("resetTotp")}>{t("staff.actions.resetTotp")}</Menu.Item>}
          <Menu.Item color="red" onClick={() => open("resetKey")} data-testid={`staff-reset-key-${member.username}`}>
            {t("staff.actions.resetKey")}
          </Menu.Item>
          {member.disabled ? (
            <Menu.Item onClick={() => void run(() => staffApi.enable(member.id))}>{t("staff.actions.enable")}</Menu.Item>
          ) : (
            <Menu.Item color="red" onClick={() => open("disable")}>
              {t("staff.actions.disable")}
            </Menu.Item>
          )}
        </Menu.Dropdown>
      </Menu>
      {error && pending === null && (
        <Alert color="red" mt="xs" withCloseButton onClose={() => setError(null)}>
          {error}
        </Alert>
      )}

      <Modal opened={pending === "role"} onClose={() => setPending(null)} title={t("staff.confirm.roleTitle")}>
        <Stack>
          <Select
            label={t("staff.confirm.roleText", { name })}
            data={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
            value={role}
            onChange={(v) => v && setRole(v as Role)}
            allowDeselect={false}
          />
          <Confirm error={error} busy={busy} label={t("staff.confirm.roleSubmit")} onCancel={() => setPending(null)} onConfirm={() => void run(() => staffApi.setRole(member.id, role))} disabled={role === member.role} />
        </Stack>
      </Modal>

      <Modal opened={pending === "disable"} onClose={() => setPending(null)} title={t("staff.confirm.disableTitle")}>
        <Stack>
          <Text size="sm">{t("staff.confirm.disableText", { name })}</Text>
          <Confirm error={error} busy={busy} color="red" label={t("staff.confirm.disableSubmit")} onCancel={() => setPending(null)} onConfirm={() => void run(() => staffApi.disable(member.id))} />
        </Stack>
      </Modal>

      <Modal opened={pending === "resetTotp"} onClose={() => setPending(null)} title={t("staff.confirm.resetTotpTitle")}>
        <Stack>
          <Text size="sm">{t("staff.confirm.resetTotpText", { name })}</Text>
          <Confirm error={error} busy={busy} color="red" label={t("staff.confirm.resetTotpSubmit")} onCancel={() => setPending(null)} onConfirm={() => void run(() => staffApi.resetTotp(member.id))} />
        </Stack>
      </Modal>

      <ResetKeyModal member={member} opened={pending === "resetKey"} onClose={() => setPending(null)} onDone={onChanged} />
    </>
  );
}

function Confirm(props: { error: string | null; busy: boolean; label: string; color?: string; disabled?: boolean; onCancel: () => void; onConfirm: () => void }) {
  const { t } = useTranslation();
  return (
    <>
      {props.error && <Alert color="red">{props.error}</Alert>}
      <Group justify="flex-end">
        <Button variant="default" onClick={props.onCancel}>
          {t("staff.confirm.cancel")}
        </Button>
        <Button color={props.color} loading={props.busy} disabled={props.disabled} onClick={props.onConfirm}>
          {props.label}
        </Button>
      </Group>
    </>
  );
}
