import { Alert, Badge, Button, Card, Group, Stack, Table, Text, Title } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import type { TFunction } from "i18next";
import { rewardsApi, scheduleAmount, type ScheduleVersion } from "../../api/rewards";
import { WHOLE_BADGE } from "../../components/wholeBadge";
import { ApiError } from "../../api/client";
import { useCan } from "../../auth/permissions";
import { useSignedIn } from "../../auth/session";
import { errorText } from "../../components/errorText";
import { usePageTitle } from "../../components/usePageTitle";
import { ScheduleProposalForm } from "./ScheduleProposalForm";
import { PageHeader } from "../../components/PageHeader";

type T = (k: string, o?: Record<string, unknown>) => string;
export const SCHEDULE_KEY = ["rewards", "schedule"] as const;

/** Which of the versions this is, as the page shows it: the server only says approved or not. */
function standing(v: ScheduleVersion, inForceId: string, today: string): "in_force" | "pending" | "upcoming" | "superseded" {
  if (!v.approvedAt) return "pending";
  if (v.id === inForceId) return "in_force";
  return v.effectiveFrom > today ? "upcoming" : "superseded";
}

/** The proposer's own approval is refused by the command; the page says so in words, not "forbidden". */
function approveErrorText(t: TFunction, err: unknown): string {
  const rule = err instanceof ApiError ? (err.details as { rule?: unknown } | undefined)?.rule : undefined;
  if (rule === "proposer_approves") return (t as unknown as T)("rewards.schedule.refusals.proposer_approves");
  return errorText(t, err, { conflict: (t as unknown as T)("rewards.schedule.refusals.conflict") });
}

/**
 * The schedule of law 7229 as effective-dated versions: an administrator enters a new version from
 * a date, and it counts (for claims handed over from that day) only once a second administrator
 * approved it.
 */
export function SchedulePage() {
  const { t: tt, i18n } = useTranslation();
  const t = tt as unknown as T;
  usePageTitle(t("rewards.schedule.title"));
  const can = useCan();
  const { user } = useSignedIn();
  const qc = useQueryClient();
  const today = new Date().toISOString().slice(0, 10);
  const q = useQuery({ queryKey: SCHEDULE_KEY, queryFn: () => rewardsApi.schedule() });
  // Every rewards query: the claim form's equipment types come from the same schedule.
  const approve = useMutation({ mutationFn: rewardsApi.approve, onSuccess: () => qc.invalidateQueries({ queryKey: ["rewards"] }) });
  const data = q.data;
  const pending = data?.versions.filter((v) => !v.approvedAt) ?? [];
  return (
    <Stack maw={1000}>
      <PageHeader title={t("rewards.schedule.title")} intro={t("rewards.schedule.intro")} />
      {q.error && <Alert color="red">{errorText(tt, q.error)}</Alert>}
      {data && (
        <Table.ScrollContainer minWidth={480}>
          <Table striped data-testid="schedule-versions">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("rewards.schedule.effectiveFrom")}</Table.Th>
                <Table.Th>{t("rewards.schedule.standing")}</Table.Th>
                <Table.Th>{t("rewards.schedule.source")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.versions.map((v) => {
                const s = standing(v, data.inForce.id, today);
                return (
                  <Table.Tr key={v.id} data-testid="schedule-version" data-effective={v.effectiveFrom} data-standing={s}>
                    <Table.Td>{v.effectiveFrom}</Table.Td>
                    <Table.Td><Badge color={s === "in_force" ? "teal" : s === "pending" ? "yellow" : "gray"} {...WHOLE_BADGE} data-testid="schedule-standing">{t(`rewards.schedule.standings.${s}`)}</Badge></Table.Td>
                    <Table.Td>{v.source}</Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {approve.error && <Alert color="red" role="alert" data-testid="schedule-approve-error">{approveErrorText(tt, approve.error)}</Alert>}
      {approve.isSuccess && <Alert color="teal" role="status">{t("rewards.schedule.approved")}</Alert>}
      {pending.map((v) => (
        <Card withBorder key={v.id} data-testid="schedule-pending" data-effective={v.effectiveFrom}>
          <Stack>
            <Title order={2} size="h4">{t("rewards.schedule.pendingTitle", { day: v.effectiveFrom })}</Title>
            <Text size="sm">{v.source}</Text>
            <Table.ScrollContainer minWidth={320}>
              <Table>
                <Table.Tbody>
                  {v.items.map((i) => (
                    <Table.Tr key={i.code}>
                      <Table.Td>{t(`choices.equipment.${i.code}`, { defaultValue: i.label })}</Table.Td>
                      <Table.Td>{scheduleAmount(i, v.currency, i18n.language)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <Group>
              {v.proposedBy === user.id && <Text size="sm" c="dimmed">{t("rewards.schedule.ownProposal")}</Text>}
              {can("reward_schedule.approve") && (
                <Button onClick={() => approve.mutate(v.id)} loading={approve.isPending} data-testid="schedule-approve">{t("rewards.schedule.approve")}</Button>
              )}
            </Group>
          </Stack>
        </Card>
      ))}
      {data && can("reward_schedule.propose") && <ScheduleProposalForm from={data.inForce} />}
    </Stack>
  );
}
