import { Anchor, Button, Group, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { CaseDetail } from "../../api/cases";
import { REGISTER_STATES } from "../../../shared/registration";
import { useCan } from "../../auth/permissions";
import { useSignedIn } from "../../auth/session";
import { useShowShortcuts } from "../../components/Shortcuts";
import { ChannelLabel, DueBadge, FlagBadges, StateBadge, useNow } from "./format";

/** The case's number, state, channel, team and assignee, and the actions the role may take. */
export function CaseHeader({ c, onAssignMe, onOpen }: { c: CaseDetail; onAssignMe: () => void; onOpen: (modal: "transition" | "assign") => void }) {
  const { t } = useTranslation();
  const { user } = useSignedIn();
  const can = useCan();
  const showHelp = useShowShortcuts();
  const now = useNow();
  const active = c.state !== "merged";
  return (
    <Group justify="space-between" align="flex-start">
      <Stack gap={4}>
        <Anchor component={Link} to="/cases" size="sm">
          ← {t("case.back")}
        </Anchor>
        <Group gap="sm">
          <Title order={1} size="h2" data-testid="case-title">
            {t("case.title", { number: c.number })}
          </Title>
          <StateBadge state={c.state} />
          <FlagBadges c={c} />
          <DueBadge c={c} now={now} hideEmpty />
        </Group>
        <Group gap="md">
          <ChannelLabel channel={c.channel} />
          <Text size="sm">
            {t("case.team")}: {t(`teamNames.${c.teamId}`)}
          </Text>
          <Text size="sm" data-testid="case-assignee">
            {t("case.assignee")}: {c.assigneeName ?? t("inbox.unassigned")}
          </Text>
        </Group>
      </Stack>
      {active && (
        <Group gap="xs">
          {can("case.assign") && c.assignedUserId !== user.id && (
            <Button variant="light" onClick={onAssignMe} data-testid="assign-me">
              {t("case.actions.assignMe")}
            </Button>
          )}
          {can("case.assign") && (
            <Button variant="default" onClick={() => onOpen("assign")} data-testid="assign-open">
              {t("case.actions.assign")}
            </Button>
          )}
          {can("pow_registration.read") && REGISTER_STATES.includes(c.state) && (
            <Button component={Link} to={`/registration/${c.id}`} variant="light" data-testid="registration-open">
              {t("registration.openFromCase")}
            </Button>
          )}
          {can("case.transition") && (
            <Button variant="default" onClick={() => onOpen("transition")} data-testid="transition-open">
              {t("case.actions.state")}
            </Button>
          )}
          <Button variant="subtle" size="compact-sm" onClick={showHelp}>
            {t("shortcuts.open")}
          </Button>
        </Group>
      )}
    </Group>
  );
}
