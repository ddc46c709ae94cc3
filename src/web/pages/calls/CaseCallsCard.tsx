import { Alert, Badge, Button, Card, Group, Modal, Stack, Text, Title } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { callsApi } from "../../api/calls";
import { keys } from "../../api/queryClient";
import { errorText } from "../../components/errorText";
import { formatDateTime } from "../../i18n";
import { CallForm } from "./CallForm";

/** The calls logged in a case (decrypted for me; reading them is audited) and "Log a call" for operators. */
export function CaseCallsCard({ caseId, canLog, onLogged }: { caseId: string; canLog: boolean; onLogged: () => void }) {
  const { t } = useTranslation();
  // Under the case's key: refetched with the case when the live stream says it changed.
  const calls = useQuery({ queryKey: keys.casePart(caseId, "calls"), queryFn: () => callsApi.list(caseId) });
  const [logging, log] = useDisclosure(false);

  return (
    <Card withBorder padding="md" data-testid="case-calls">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h5">
          {t("calls.list.title")}
        </Title>
        {canLog && (
          <Button size="compact-sm" variant="light" onClick={log.open} data-testid="case-log-call">
            {t("calls.logOpen")}
          </Button>
        )}
      </Group>
      {calls.error && <Alert color="red">{errorText(t, calls.error)}</Alert>}
      {calls.data?.length === 0 && (
        <Text size="sm" c="dimmed">
          {t("calls.list.empty")}
        </Text>
      )}
      <Stack gap="sm">
        {calls.data?.map((c) => (
          <Stack key={c.id} gap={2} data-testid="case-call">
            <Group gap="xs">
              <Badge size="xs" variant="light" color={c.direction === "in" ? "orange" : "blue"} tt="none">
                {c.direction === "in" ? t("calls.list.in") : t("calls.list.out")}
              </Badge>
              <Text size="xs" c="dimmed">
                {formatDateTime(c.calledAt)}
              </Text>
            </Group>
            {c.callbackNumber && (
              <Text size="xs">
                {t("calls.list.number")}: {c.callbackNumber}
              </Text>
            )}
            <Text size="sm" style={{ whiteSpace: "pre-wrap", wordBreak: "break-word" }}>
              {c.summary}
            </Text>
          </Stack>
        ))}
      </Stack>
      <Modal opened={logging} onClose={log.close} title={t("calls.logTitle")} size="xl">
        <CallForm
          caseId={caseId}
          onLogged={() => {
            log.close();
            onLogged();
          }}
        />
      </Modal>
    </Card>
  );
}
