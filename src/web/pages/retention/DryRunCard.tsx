import { Alert, Button, Card, Group, Loader, Stack, Table, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { retentionApi } from "../../api/retention";
import { keys } from "../../api/queryClient";
import { errorText } from "../../components/errorText";
import { formatDateTime, translateKnown } from "../../i18n";

/** What the next nightly run will destroy, by case number and rule: nothing about the people. */
export function DryRunCard() {
  const { t } = useTranslation();
  const dry = useQuery({ queryKey: keys.retentionDryRun, queryFn: retentionApi.dryRun });
  return (
    <Card withBorder padding="lg">
      <Stack>
        <Group justify="space-between">
          <Title order={2} size="h4">
            {t("retention.dryRun.title")}
          </Title>
          <Button variant="default" size="compact-sm" onClick={() => void dry.refetch()} loading={dry.isFetching} data-testid="retention-dry-run-refresh">
            {t("retention.dryRun.refresh")}
          </Button>
        </Group>
        <Text size="sm" c="dimmed">
          {t("retention.dryRun.intro")}
        </Text>
        {dry.error != null && <Alert color="red">{errorText(t, dry.error)}</Alert>}
        {dry.isPending && <Loader aria-label={t("app.loading")} />}
        {dry.data && (
          <>
            <Text data-testid="retention-dry-run-summary">{t("retention.dryRun.summary", { due: dry.data.items.length, held: dry.data.held, at: formatDateTime(dry.data.asOf) })}</Text>
            {dry.data.items.length > 0 && (
              <Table.ScrollContainer minWidth={560}>
                <Table verticalSpacing="xs">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t("retention.dryRun.case")}</Table.Th>
                      <Table.Th>{t("retention.dryRun.state")}</Table.Th>
                      <Table.Th>{t("retention.dryRun.rule")}</Table.Th>
                      <Table.Th>{t("retention.dryRun.dueSince")}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {dry.data.items.map((i) => (
                      <Table.Tr key={`${i.caseId}/${i.rule}`} data-testid="retention-due" data-number={i.number}>
                        <Table.Td>{t("retention.dryRun.number", { number: i.number })}</Table.Td>
                        <Table.Td>{translateKnown(t, `states.${i.state}`, i.state)}</Table.Td>
                        <Table.Td>{t(`retention.ruleNames.${i.rule}`)}</Table.Td>
                        <Table.Td>{formatDateTime(i.dueSince)}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
          </>
        )}
      </Stack>
    </Card>
  );
}
