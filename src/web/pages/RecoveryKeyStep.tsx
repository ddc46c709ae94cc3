import { Alert, Button, Checkbox, Code, CopyButton, Group, Stack, Text } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { PublicLayout } from "../layout/PublicLayout";

/**
 * The recovery key, shown once right after the account is created: the server keeps only a copy
 * wrapped under it and can never show it again. Going on requires saying it has been saved.
 */
export function RecoveryKeyStep({ recoveryKey, onDone }: { recoveryKey: string; onDone: () => void }) {
  const { t } = useTranslation();
  const [saved, setSaved] = useState(false);
  return (
    <PublicLayout title={t("recovery.title")}>
      <Stack>
        <Text>{t("recovery.intro")}</Text>
        <Code block fz="md" ta="center" data-testid="recovery-key" style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
          {recoveryKey}
        </Code>
        <Group justify="flex-end">
          <CopyButton value={recoveryKey}>
            {({ copied, copy }) => (
              <Button variant="light" size="xs" onClick={copy} color={copied ? "teal" : undefined}>
                {copied ? t("recovery.copied") : t("recovery.copy")}
              </Button>
            )}
          </CopyButton>
        </Group>
        <Alert color="yellow">{t("recovery.warning")}</Alert>
        <Checkbox label={t("recovery.confirm")} checked={saved} onChange={(e) => setSaved(e.currentTarget.checked)} data-testid="recovery-saved" />
        <Button disabled={!saved} onClick={onDone}>
          {t("recovery.continue")}
        </Button>
      </Stack>
    </PublicLayout>
  );
}
