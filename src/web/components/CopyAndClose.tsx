import { Button, CopyButton, Group } from "@mantine/core";
import { useTranslation } from "react-i18next";

/** The footer of a dialog that shows a one-time link: copy it, then close (it is shown once). */
export function CopyAndClose({ value, onClose }: { value: string; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Group justify="space-between">
      <CopyButton value={value}>
        {({ copied, copy }) => (
          <Button variant="light" onClick={copy} color={copied ? "teal" : undefined}>
            {copied ? t("staff.invite.copied") : t("staff.invite.copy")}
          </Button>
        )}
      </CopyButton>
      <Button onClick={onClose}>{t("staff.invite.done")}</Button>
    </Group>
  );
}
