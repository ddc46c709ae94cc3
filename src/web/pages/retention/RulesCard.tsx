import { Alert, Button, Card, Group, NumberInput, Stack, Switch, Table, Text, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { proposalBodySchema } from "../../../shared/api/retention";
import { retentionApi, type RetentionRule, type RuleView } from "../../api/retention";
import { keys } from "../../api/queryClient";
import { useCan } from "../../auth/permissions";
import { useSignedIn } from "../../auth/session";
import { errorText } from "../../components/errorText";
import { schemaValidate } from "../../components/schemaValidate";
import { formatDateTime } from "../../i18n";

type Proposal = { rule: RetentionRule; days: number; enabled: boolean };

/** The rules in force, a form to propose a change, and the proposals waiting for a second administrator. */
export function RulesCard() {
  const { t } = useTranslation();
  const can = useCan();
  const { user } = useSignedIn();
  const queryClient = useQueryClient();
  const settings = useQuery({ queryKey: keys.retention, queryFn: retentionApi.settings });
  const refresh = () => queryClient.invalidateQueries({ queryKey: keys.retention });
  const [editing, setEditing] = useState<RuleView | null>(null);
  const form = useForm<Proposal>({ initialValues: { rule: "rejected_case", days: 90, enabled: true }, validate: schemaValidate(proposalBodySchema, (v: Proposal) => v, () => t("form.invalid")) });
  const propose = useMutation({ mutationFn: retentionApi.propose, onSuccess: () => setEditing(null), onSettled: refresh });
  const decide = useMutation({ mutationFn: (a: { id: string; outcome: "approved" | "refused" }) => retentionApi.decide(a.id, a.outcome), onSettled: refresh });
  const error = settings.error ?? propose.error ?? decide.error;
  const pending = settings.data?.proposals.filter((p) => !p.decidedAt) ?? [];
  const start = (r: RuleView) => {
    setEditing(r);
    form.setValues({ rule: r.rule, days: r.days, enabled: r.enabled });
  };

  return (
    <Card withBorder padding="lg">
      <Stack>
        <Title order={2} size="h4">
          {t("retention.rules.title")}
        </Title>
        {error != null && <Alert color="red">{errorText(t, error, { forbidden: t("retention.rules.forbidden"), conflict: t("retention.rules.conflict") })}</Alert>}
        {propose.isSuccess && <Alert color="teal">{t("retention.rules.proposed")}</Alert>}
        {decide.isSuccess && <Alert color="teal">{t(decide.data.outcome === "approved" ? "retention.rules.approved" : "retention.rules.refused")}</Alert>}
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("retention.rules.rule")}</Table.Th>
                <Table.Th>{t("retention.rules.period")}</Table.Th>
                <Table.Th>{t("retention.rules.state")}</Table.Th>
                <Table.Th>{t("retention.rules.changed")}</Table.Th>
                {can("retention.propose") && <Table.Th>{t("retention.actions")}</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {settings.data?.rules.map((r) => (
                <Table.Tr key={r.rule} data-testid="retention-rule" data-rule={r.rule}>
                  <Table.Td>
                    <Text fw={600}>{t(`retention.ruleNames.${r.rule}`)}</Text>
                    <Text size="sm" c="dimmed">
                      {t(`retention.ruleTexts.${r.rule}`)}
                    </Text>
                  </Table.Td>
                  <Table.Td data-testid="retention-days" style={{ whiteSpace: "nowrap" }}>
                    {t("retention.rules.days", { count: r.days })}
                  </Table.Td>
                  {/* Plain text, not a badge: a badge's fixed width cut the word off. */}
                  <Table.Td>
                    <Text size="sm" fw={600} c={r.enabled ? "teal.9" : "dimmed"}>
                      {t(r.enabled ? "retention.rules.on" : "retention.rules.off")}
                    </Text>
                  </Table.Td>
                  <Table.Td>{r.updatedAt ? formatDateTime(r.updatedAt) : t("retention.rules.default")}</Table.Td>
                  {can("retention.propose") && (
                    <Table.Td>
                      <Button size="compact-sm" variant="light" onClick={() => start(r)} disabled={pending.some((p) => p.rule === r.rule)} data-testid="retention-propose">
                        {t("retention.rules.propose")}
                      </Button>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {editing && (
          <Card withBorder padding="md" bg="gray.0">
            <form onSubmit={form.onSubmit((v) => propose.mutate(v))}>
              <Stack>
                <Text fw={600}>{t("retention.rules.proposeFor", { rule: t(`retention.ruleNames.${editing.rule}`) })}</Text>
                <Group align="flex-end">
                  <NumberInput label={t("retention.rules.period")} min={1} max={36500} value={form.values.days} onChange={(v) => form.setFieldValue("days", Number(v) || 0)} error={form.errors.days} suffix={` ${t("retention.rules.daysUnit")}`} data-testid="retention-days-input" />
                  <Switch label={t("retention.rules.enabled")} checked={form.values.enabled} onChange={(e) => form.setFieldValue("enabled", e.currentTarget.checked)} />
                </Group>
                <Text size="sm" c="dimmed">
                  {t("retention.rules.fourEyes")}
                </Text>
                <Group>
                  <Button type="submit" loading={propose.isPending} data-testid="retention-propose-send">
                    {t("retention.rules.send")}
                  </Button>
                  <Button variant="default" onClick={() => setEditing(null)}>
                    {t("common.cancel")}
                  </Button>
                </Group>
              </Stack>
            </form>
          </Card>
        )}
        <Title order={3} size="h5">
          {t("retention.rules.pending")}
        </Title>
        {pending.length === 0 && <Text size="sm">{t("retention.rules.nonePending")}</Text>}
        {pending.map((p) => (
          <Group key={p.id} justify="space-between" data-testid="retention-proposal" wrap="wrap">
            <Text>
              {t("retention.rules.proposal", { rule: t(`retention.ruleNames.${p.rule}`), days: t("retention.rules.days", { count: p.days }), who: p.proposedByName, when: formatDateTime(p.proposedAt) })}
              {!p.enabled && ` (${t("retention.rules.off")})`}
            </Text>
            {can("retention.approve") &&
              (p.proposedBy === user.id ? (
                <Text size="sm" c="dimmed">
                  {t("retention.rules.ownProposal")}
                </Text>
              ) : (
                <Group gap="xs">
                  <Button size="compact-sm" onClick={() => decide.mutate({ id: p.id, outcome: "approved" })} loading={decide.isPending} data-testid="retention-approve">
                    {t("retention.rules.approve")}
                  </Button>
                  <Button size="compact-sm" variant="light" color="red" onClick={() => decide.mutate({ id: p.id, outcome: "refused" })}>
                    {t("retention.rules.refuse")}
                  </Button>
                </Group>
              ))}
          </Group>
        ))}
      </Stack>
    </Card>
  );
}
