import { Button, Card, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { QUEUE, useCan } from "../auth/permissions";
import { useSignedIn } from "../auth/session";
import { usePageTitle } from "../components/usePageTitle";

export function HomePage() {
  const { t } = useTranslation();
  const { user } = useSignedIn();
  const can = useCan();
  usePageTitle(t("nav.home"));

  const sections = [
    can("case.list") && { to: "/cases", title: t("nav.inbox"), text: t("home.inboxCard") },
    can("case.create") && { to: "/calls", title: t("nav.calls"), text: t("home.callsCard") },
    can(QUEUE) && { to: "/queue", title: t("nav.queue"), text: t("home.queueCard") },
    can("team.manage") && { to: "/teams", title: t("nav.teams"), text: t("home.teamsCard") },
    can("canned_reply.manage") && { to: "/canned-replies", title: t("nav.canned"), text: t("home.cannedCard") },
    can("retention.read") && { to: "/retention", title: t("nav.retention"), text: t("home.retentionCard") },
    can("staff.list") && { to: "/staff", title: t("nav.staff"), text: t("home.staffCard") },
    can("audit.read") && { to: "/audit", title: t("nav.audit"), text: t("home.auditCard") },
  ].filter((s) => s !== false);

  return (
    <Stack maw={960}>
      <Title order={1} size="h2" data-testid="home-greeting">
        {t("home.greeting", { name: user.displayName })}
      </Title>
      <Text>{t("home.role", { role: t(`roles.${user.role}`) })}</Text>
      <Text c="dimmed">{t("home.intro")}</Text>
      {sections.length > 0 && (
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {sections.map((s) => (
            <Card key={s.to} withBorder padding="lg">
              <Stack gap="xs" h="100%">
                <Title order={2} size="h4">
                  {s.title}
                </Title>
                <Text size="sm" c="dimmed" style={{ flex: 1 }}>
                  {s.text}
                </Text>
                <Button component={Link} to={s.to} variant="light" w="fit-content">
                  {t("home.open")}
                </Button>
              </Stack>
            </Card>
          ))}
        </SimpleGrid>
      )}
    </Stack>
  );
}
