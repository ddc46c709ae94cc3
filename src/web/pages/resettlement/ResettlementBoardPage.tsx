import { Alert, Anchor, Badge, Loader, Stack, Table, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { resettlementApi, resettlementKeys } from "../../api/resettlement";
import { errorText } from "../../components/errorText";
import { usePageTitle } from "../../components/usePageTitle";
import { PageHeader } from "../../components/PageHeader";

/** The resettlement board: open tasks of the files I am on, overdue first, then by due day (the server's order). */
export function ResettlementBoardPage() {
  const { t } = useTranslation();
  usePageTitle(t("resettlement.board.title"));
  const board = useQuery({ queryKey: resettlementKeys.board, queryFn: resettlementApi.board, refetchInterval: 60_000 });
  return (
    <Stack maw={1100}>
      <PageHeader title={t("resettlement.board.title")} intro={t("resettlement.board.hint")} />
      {board.error && <Alert color="red">{errorText(t, board.error)}</Alert>}
      {board.isPending && <Loader aria-label={t("app.loading")} />}
      {board.data?.items.length === 0 && <Text>{t("resettlement.board.empty")}</Text>}
      {board.data && board.data.items.length > 0 && (
        <Table.ScrollContainer minWidth={560}>
          <Table verticalSpacing={4} data-testid="resettlement-board" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("resettlement.board.due")}</Table.Th>
                <Table.Th>{t("resettlement.board.case")}</Table.Th>
                <Table.Th>{t("resettlement.board.task")}</Table.Th>
                <Table.Th>{t("resettlement.board.owner")}</Table.Th>
                <Table.Th>{t("resettlement.board.state")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {board.data.items.map((i) => (
                <Table.Tr key={i.taskId} data-testid="board-row" data-overdue={i.overdue} bg={i.overdue ? "var(--mantine-color-red-light)" : undefined}>
                  <Table.Td>
                    {i.dueOn}{" "}
                    {i.overdue && (
                      <Badge color="red" size="xs">
                        {t("resettlement.task.overdue")}
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Anchor component={Link} to={`/resettlement/${i.caseId}`}>
                      {t("resettlement.board.caseNumber", { number: i.number })}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{i.kind ? t(`resettlement.kinds.${i.kind}`) : t("resettlement.board.stepOf", { step: i.step })}</Table.Td>
                  <Table.Td>{i.ownerName}</Table.Td>
                  <Table.Td>{t(`resettlement.states.${i.state}`)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
