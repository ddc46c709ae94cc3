import { ActionIcon, Alert, Badge, Button, Card, Group, Loader, Modal, Select, SimpleGrid, Stack, Text, Title, Tooltip } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { TeamId } from "../../../shared/case-states";
import { teamsApi, type Team, type TeamMember } from "../../api/cases";
import { staffApi } from "../../api/staff";
import { useQuery } from "@tanstack/react-query";
import { keys } from "../../api/queryClient";
import { useCan } from "../../auth/permissions";
import { errorText } from "../../components/errorText";
import { usePageTitle } from "../../components/usePageTitle";
import { PageHeader } from "../../components/PageHeader";

const CASE_ROLES = ["operator", "verifier", "coordinator", "registrar", "reward_officer", "resettlement_officer"];

/**
 * Teams and who is in them. A new member waits ("pending") until a key holder seals the team key to
 * him; the administrator is custodian of every team key, so it happens at once. Removing a member
 * rotates the team key and reseals every case key of the team.
 */
export function TeamsPage() {
  const { t } = useTranslation();
  const can = useCan();
  usePageTitle(t("teams.title"));
  const teams = useQuery({ queryKey: keys.teams, queryFn: teamsApi.list });
  const manage = can("team.manage");
  const staff = useQuery({ queryKey: keys.staff, queryFn: staffApi.list, enabled: manage });
  const [adding, setAdding] = useState<TeamId | null>(null);
  const [removing, setRemoving] = useState<{ team: Team; member: TeamMember } | null>(null);
  const [person, setPerson] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      setAdding(null);
      setRemoving(null);
      setPerson(null);
      await teams.refetch();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const candidates = (team: TeamId) =>
    (staff.data ?? [])
      .filter((s) => !s.disabled && CASE_ROLES.includes(s.role) && !teams.data?.find((x) => x.id === team)?.members.some((m) => m.userId === s.id))
      .map((s) => ({ value: s.id, label: `${s.displayName} (${s.username}) · ${t(`roles.${s.role}`)}` }));

  return (
    <Stack maw={1200}>
      <PageHeader title={t("teams.title")} intro={t("teams.intro")} />
      {teams.error && <Alert color="red">{errorText(t, teams.error)}</Alert>}
      {error !== null && !adding && !removing && <Alert color="red">{errorText(t, error)}</Alert>}
      {teams.isPending && !teams.data && <Loader aria-label={t("app.loading")} />}
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        {teams.data?.map((team) => (
          <Card key={team.id} withBorder padding="md" data-testid={`team-${team.id}`}>
            <Group justify="space-between" mb="xs">
              <Title order={2} size="h4">
                {t(`teamNames.${team.id}`)}
              </Title>
              <Group gap="xs">
                <Tooltip label={t("teams.keyVersionHint")}>
                  <Badge variant="outline" color="gray">
                    {t("teams.keyVersion", { version: team.keyVersion })}
                  </Badge>
                </Tooltip>
                {manage && (
                  <Button size="compact-sm" variant="light" onClick={() => setAdding(team.id)} data-testid={`team-add-${team.id}`}>
                    {t("teams.add")}
                  </Button>
                )}
              </Group>
            </Group>
            <Stack gap={4}>
              {team.members.filter((m) => !m.custodian).length === 0 && (
                <Text size="sm" c="dimmed">
                  {t("teams.noMembers")}
                </Text>
              )}
              {team.members
                .filter((m) => !m.custodian)
                .map((m) => (
                  <Group key={m.userId} justify="space-between" wrap="nowrap" data-testid={`team-member-${m.username}`}>
                    <Group gap="xs">
                      <Text size="sm">{m.displayName}</Text>
                      <Text size="xs" c="dimmed">
                        {t(`roles.${m.role}`)}
                      </Text>
                      {m.pending && (
                        <Tooltip label={t("teams.pendingHint")}>
                          <Badge size="xs" color="yellow">
                            {t("teams.pending")}
                          </Badge>
                        </Tooltip>
                      )}
                      {m.disabled && (
                        <Badge size="xs" color="gray">
                          {t("staff.disabled")}
                        </Badge>
                      )}
                    </Group>
                    {manage && (
                      <ActionIcon variant="subtle" color="red" aria-label={`${t("teams.remove")}: ${m.displayName}`} onClick={() => setRemoving({ team, member: m })}>
                        <span aria-hidden>✕</span>
                      </ActionIcon>
                    )}
                  </Group>
                ))}
              <Text size="xs" c="dimmed" mt={4}>
                {t("teams.custodians", { names: team.members.filter((m) => m.custodian).map((m) => m.displayName).join(", ") || "—" })}
              </Text>
            </Stack>
          </Card>
        ))}
      </SimpleGrid>

      <Modal opened={adding !== null} onClose={() => setAdding(null)} title={adding ? t("teams.addTitle", { team: t(`teamNames.${adding}`) }) : ""}>
        <Stack>
          <Select label={t("teams.person")} searchable value={person} onChange={setPerson} data={adding ? candidates(adding) : []} comboboxProps={{ withinPortal: true }} data-testid="team-add-person" />
          {error !== null && <Alert color="red">{errorText(t, error)}</Alert>}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setAdding(null)}>
              {t("common.cancel")}
            </Button>
            <Button loading={busy} disabled={!person} onClick={() => void run(() => teamsApi.add(adding!, person!))} data-testid="team-add-submit">
              {t("teams.add")}
            </Button>
          </Group>
        </Stack>
      </Modal>

      <Modal opened={removing !== null} onClose={() => setRemoving(null)} title={t("teams.removeTitle")}>
        <Stack>
          <Text size="sm">{removing ? t("teams.removeText", { name: removing.member.displayName, team: t(`teamNames.${removing.team.id}`) }) : ""}</Text>
          {error !== null && <Alert color="red">{errorText(t, error)}</Alert>}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRemoving(null)}>
              {t("common.cancel")}
            </Button>
            <Button color="red" loading={busy} onClick={() => void run(() => teamsApi.remove(removing!.team.id, removing!.member.userId))}>
              {t("teams.remove")}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
