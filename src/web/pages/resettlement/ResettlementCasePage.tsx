import { Alert, Anchor, Card, Divider, Loader, Stack, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { resettlementApi, resettlementKeys, type ResettlementCard } from "../../api/resettlement";
import { useCan } from "../../auth/permissions";
import { errorText } from "../../components/errorText";
import { usePageTitle } from "../../components/usePageTitle";
import { GuaranteeForm, MemberForm, OfficerForm, StepForm } from "./forms";
import { TaskLine } from "./TaskList";
import { PageHeader } from "../../components/PageHeader";

function Member({ caseId, m, editable, officers }: { caseId: string; m: ResettlementCard["family"][number]; editable: boolean; officers: ResettlementCard["officers"] }) {
  const { t } = useTranslation();
  return (
    <Card withBorder padding="sm" data-testid="family-member">
      <Title order={3} size="h5">
        {m.name} ({m.relation})
      </Title>
      <Text size="sm">{t("resettlement.member.whereaboutsIs", { value: m.whereabouts || "—" })}</Text>
      <Text size="sm">{t("resettlement.member.contactIs", { value: m.contact || "—" })}</Text>
      <Text size="sm">{m.consent ? t("resettlement.member.consented") : t("resettlement.member.noConsent")}</Text>
      <Title order={4} size="h6" mt="xs">
        {t("resettlement.steps.title")}
      </Title>
      <Stack gap="xs">
        {m.steps.length === 0 && <Text size="sm" c="dimmed">{t("resettlement.steps.empty")}</Text>}
        {m.steps.map((s) => (
          <TaskLine key={s.id} caseId={caseId} task={s} label={s.step} editable={editable} officers={officers} />
        ))}
        {editable && <StepForm caseId={caseId} memberId={m.id} officers={officers} />}
      </Stack>
    </Card>
  );
}

/** A case's guarantees and family card, for the resettlement officers on its file (every read audited). */
export function ResettlementCasePage() {
  const { t } = useTranslation();
  const { id = "" } = useParams();
  const card = useQuery({ queryKey: resettlementKeys.card(id), queryFn: () => resettlementApi.card(id) });
  const editable = useCan()("resettlement.write");
  usePageTitle(t("resettlement.card.title", { number: card.data?.number ?? "" }));
  const c = card.data;
  return (
    <Stack maw={1000}>
      <Anchor component={Link} to="/resettlement" size="sm">
        {t("resettlement.board.back")}
      </Anchor>
      <PageHeader title={t("resettlement.card.title", { number: c?.number ?? "" })} />
      {card.error && <Alert color="red">{errorText(t, card.error)}</Alert>}
      {card.isPending && <Loader aria-label={t("app.loading")} />}
      {c && (
        <>
          <Text size="sm" c="dimmed" data-testid="file-officers">
            {c.started ? t("resettlement.card.officers", { names: c.officers.map((o) => o.displayName).join(", ") }) : t("resettlement.card.notStarted")}
          </Text>
          {/* Only someone on a started file can seal its key to another officer. */}
          {editable && c.started && <OfficerForm caseId={id} officers={c.officers} />}
          <Card withBorder padding="md" data-testid="guarantees">
            <Title order={2} size="h4" mb="xs">
              {t("resettlement.guarantees.title")}
            </Title>
            <Stack gap="sm">
              {c.guarantees.length === 0 && <Text size="sm" c="dimmed">{t("resettlement.guarantees.empty")}</Text>}
              {c.guarantees.map((g) => (
                <TaskLine key={g.id} caseId={id} task={g} label={t(`resettlement.kinds.${g.kind}`)} editable={editable} officers={c.officers} />
              ))}
              {editable && (
                <>
                  <Divider />
                  <GuaranteeForm caseId={id} officers={c.officers} />
                </>
              )}
            </Stack>
          </Card>
          <Card withBorder padding="md" data-testid="family">
            <Title order={2} size="h4" mb="xs">
              {t("resettlement.family.title")}
            </Title>
            <Stack gap="sm">
              {c.family.length === 0 && <Text size="sm" c="dimmed">{t("resettlement.family.empty")}</Text>}
              {c.family.map((m) => (
                <Member key={m.id} caseId={id} m={m} editable={editable} officers={c.officers} />
              ))}
              {editable && <MemberForm caseId={id} />}
            </Stack>
          </Card>
        </>
      )}
    </Stack>
  );
}
