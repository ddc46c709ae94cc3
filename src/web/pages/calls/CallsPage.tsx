import { Alert, Card, Stack, Text, Title } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { keys } from "../../api/queryClient";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import type { LoggedCall } from "../../api/calls";
import { useCan } from "../../auth/permissions";
import { useSignedIn } from "../../auth/session";
import { usePageTitle } from "../../components/usePageTitle";
import { CallForm } from "./CallForm";
import { CallbacksQueue } from "./CallbacksQueue";
import { PageHeader } from "../../components/PageHeader";

/** The phone desk: log a call (operators) and the callbacks owed in my scope. */
export function CallsPage() {
  const { t } = useTranslation();
  const { user } = useSignedIn();
  const can = useCan();
  const navigate = useNavigate();
  usePageTitle(t("calls.title"));
  const [logged, setLogged] = useState<LoggedCall | null>(null);
  const queryClient = useQueryClient();

  const onLogged = (r: LoggedCall) => {
    void queryClient.invalidateQueries({ queryKey: keys.inbox });
    if (r.caseId) void navigate(`/cases/${r.caseId}`);
    else setLogged(r);
  };

  return (
    <Stack maw={1100}>
      <div>
        <PageHeader title={t("calls.title")} />
        <Text c="dimmed">{t("calls.intro")}</Text>
      </div>
      {logged && (
        <Alert color="yellow" withCloseButton onClose={() => setLogged(null)} data-testid="call-joined-other">
          {t("calls.joinedOther")}
        </Alert>
      )}
      {can("case.create") && (
        <Card withBorder padding="md">
          <Title order={2} size="h4" mb="sm">
            {t("calls.logTitle")}
          </Title>
          <CallForm onLogged={onLogged} />
        </Card>
      )}
      <CallbacksQueue userId={user.id} canComplete={can("case.note")} />
    </Stack>
  );
}
