import { Alert, Button, Card, Group, SimpleGrid, Stack, Text, TextInput } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { ESCORT_STATES, operationsApi } from "../../api/operations";
import { useCan } from "../../auth/permissions";
import { errorText } from "../../components/errorText";
import { usePageTitle } from "../../components/usePageTitle";
import { kyivWall } from "./kyivTime";
import { PageHeader } from "../../components/PageHeader";

// Two to a row on a phone: a label wraps, centred, rather than being cut off at the edge.
const ESCORT_BUTTON = { label: { whiteSpace: "normal", textAlign: "center", lineHeight: 1.25 } } as const;

// The map carries the world outlines (hundreds of kB): loaded only when an operation is opened.
const PointMap = lazy(() => import("./PointMap").then((m) => ({ default: m.PointMap })));

/**
 * One operation, for the people on it: the point on a map drawn from shipped data, both clocks,
 * the cases and their confirmations, the escort's states as one big button each (a phone in one
 * hand during the crossing), and the outcome, after which the details are gone.
 */
export function OperationPage() {
  const { t } = useTranslation();
  usePageTitle(t("operations.one"));
  const { id = "" } = useParams();
  const qc = useQueryClient();
  const write = useCan()("rendezvous.write");
  const op = useQuery({ queryKey: ["operations", id], queryFn: () => operationsApi.one(id) });
  const refresh = () => qc.invalidateQueries({ queryKey: ["operations"] });
  const instruct = useMutation({ mutationFn: () => operationsApi.instruct(id), onSettled: refresh });
  const confirm = useMutation({ mutationFn: (caseId: string) => operationsApi.confirm(id, caseId), onSettled: refresh });
  const escort = useMutation({ mutationFn: (s: (typeof ESCORT_STATES)[number]) => operationsApi.escort(id, s), onSettled: refresh });
  const outcome = useMutation({ mutationFn: (b: Parameters<typeof operationsApi.outcome>[1]) => operationsApi.outcome(id, b), onSettled: refresh });
  const [reason, setReason] = useState("");
  const [closing, setClosing] = useState<"handed_over" | "no_show" | "aborted" | null>(null);
  const error = op.error ?? instruct.error ?? confirm.error ?? escort.error ?? outcome.error;
  if (outcome.isSuccess) return <Alert color="teal" data-testid="operation-closed">{t("operations.closedShredded")}</Alert>;
  const o = op.data;
  return (
    <Stack>
      <PageHeader title={t("operations.one")} />
      {error != null && <Alert color="red">{errorText(t, error)}</Alert>}
      {o && (
        <>
          <Text data-testid="operation-state">
            {t("operations.state")}: {t(`operations.states.${o.state}`)} · {t("operations.group")}: {o.groupSize}
          </Text>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Card withBorder>
              <Text fw={600}>{t("operations.window")}</Text>
              <Text>{t("operations.kyiv")}: {o.times.start.kyiv} – {o.times.end.kyiv.slice(11)}</Text>
              <Text>
                {t("operations.applicantClock")} ({o.details.applicantZone}): {o.times.start.applicant} – {o.times.end.applicant.slice(11)}
              </Text>
              <Text>{t("operations.launch")}: {o.times.plannedLaunch.kyiv}</Text>
              <Text mt="sm" fw={600}>{t("operations.sector")}</Text>
              <Text>{o.details.sector.oblast} · {o.details.sector.raion} · {o.details.sector.name}</Text>
              <Text mt="sm" fw={600}>{t("operations.meeting")}</Text>
              <Text style={{ overflowWrap: "anywhere" }}>{o.details.meeting.mgrs} · {o.details.meeting.lat}, {o.details.meeting.lon}</Text>
              <Text size="sm">{o.details.meeting.description}</Text>
              <Text mt="sm" fw={600}>{t("operations.alternate")}</Text>
              <Text style={{ overflowWrap: "anywhere" }}>{o.details.alternate.mgrs} · {o.details.alternate.lat}, {o.details.alternate.lon}</Text>
              <Text size="sm">{o.details.alternate.description}</Text>
              <Text mt="sm" fw={600}>{t("operations.unit")}</Text>
              <Text>{o.details.unit.name} · {o.details.unit.liaison}</Text>
              <Text mt="sm" fw={600}>{t("operations.escortCrew")}</Text>
              <Text>{o.details.escort.callSign} · {o.details.escort.contact}</Text>
              <Text mt="sm" fw={600}>{t("operations.equipment")}</Text>
              <Text data-testid="operation-equipment">{o.details.equipment.length ? o.details.equipment.map((c) => t(`choices.equipment.${c}`, { defaultValue: c })).join("; ") : t("operations.noEquipment")}</Text>
              {o.details.equipmentNote && (
                <>
                  <Text mt="sm" fw={600}>{t("operations.equipmentNote")}</Text>
                  <Text data-testid="operation-equipment-note" style={{ overflowWrap: "anywhere" }}>{o.details.equipmentNote}</Text>
                </>
              )}
              <Button mt="sm" variant="light" component="a" href={`/api/operations/${encodeURIComponent(o.id)}/briefing.pdf`} target="_blank" rel="noopener" data-testid="operation-briefing">
                {t("operations.briefingPdf")}
              </Button>
            </Card>
            <Suspense fallback={<Text c="dimmed">…</Text>}>
              <PointMap meeting={o.details.meeting} alternate={o.details.alternate} labels={{ meeting: t("operations.meeting"), alternate: t("operations.alternate") }} />
            </Suspense>
          </SimpleGrid>
          <Card withBorder>
            <Text fw={600}>{t("operations.cases")}</Text>
            {o.cases.map((c, i) => (
              <Group key={c.caseId} justify="space-between" data-testid="operation-case">
                <Text>{t("operations.person", { n: i + 1 })}: {c.confirmedAt ? `${t(`operations.confirmedVia.${c.confirmedVia ?? "coordinator"}`)} · ${kyivWall(new Date(c.confirmedAt)).replace("T", " ")}` : c.instructed ? t("operations.waiting") : t("operations.notSent")}</Text>
                {c.instructed && !c.confirmedAt && (
                  <Button size="compact-sm" variant="light" onClick={() => confirm.mutate(c.caseId)}>
                    {t("operations.markConfirmed")}
                  </Button>
                )}
              </Group>
            ))}
            {o.state === "planning" && write && (
              <Group mt="sm">
                <Button onClick={() => instruct.mutate()} loading={instruct.isPending} data-testid="operation-instruct">
                  {t("operations.sendInstructions")}
                </Button>
                {/* Only while planning: once sent, the applicant holds the details (abort and plan again). */}
                <Button component={Link} to={`/operations/${encodeURIComponent(o.id)}/edit`} variant="light" data-testid="operation-edit">
                  {t("operations.edit")}
                </Button>
              </Group>
            )}
          </Card>
          {o.state === "scheduled" && (
            <Card withBorder>
              <Text fw={600}>{t("operations.escort")}</Text>
              <SimpleGrid cols={{ base: 2, sm: 3 }} mt="xs">
                {ESCORT_STATES.map((s) => (
                  <Button key={s} size="md" h="auto" mih={56} py="sm" px="xs" variant={s === "contact_lost" ? "outline" : "filled"} color={s === "contact_lost" ? "red" : "blue"} onClick={() => escort.mutate(s)} loading={escort.isPending && escort.variables === s} data-testid={`escort-${s}`} styles={ESCORT_BUTTON}>
                    {t(`operations.escortStates.${s}`)}
                  </Button>
                ))}
              </SimpleGrid>
              <Stack gap={2} mt="sm" data-testid="escort-timeline">
                {o.escort.map((e, i) => (
                  <Text key={i} size="sm">
                    {new Date(e.at).toLocaleTimeString("uk-UA", { timeZone: "Europe/Kyiv" })} · {t(`operations.escortStates.${e.state}`)}
                  </Text>
                ))}
              </Stack>
            </Card>
          )}
          <Card withBorder>
            <Text fw={600}>{t("operations.outcome")}</Text>
            <TextInput label={t("operations.reason")} value={reason} onChange={(e) => setReason(e.currentTarget.value)} maxLength={1000} />
            <Group mt="sm">
              <Button color="teal" disabled={o.state !== "scheduled"} onClick={() => setClosing("handed_over")} data-testid="outcome-handed_over">
                {t("operations.outcomes.handed_over")}
              </Button>
              <Button color="orange" disabled={o.state !== "scheduled"} onClick={() => setClosing("no_show")} data-testid="outcome-no_show">
                {t("operations.outcomes.no_show")}
              </Button>
              <Button color="red" disabled={!reason.trim()} onClick={() => setClosing("aborted")} data-testid="outcome-aborted">
                {t("operations.outcomes.aborted")}
              </Button>
            </Group>
            {/* Closing destroys the details for good: a second tap, so a slip of the thumb does not. */}
            {closing && (
              <Alert color="yellow" mt="sm" data-testid="outcome-confirm-box">
                <Text>{t("operations.confirmClose", { outcome: t(`operations.outcomes.${closing}`) })}</Text>
                <Group mt="sm">
                  <Button color="red" loading={outcome.isPending} onClick={() => outcome.mutate(closing === "handed_over" ? { outcome: closing } : { outcome: closing, reason, then: "planning" })} data-testid="outcome-confirm">
                    {t("operations.confirmCloseYes")}
                  </Button>
                  <Button variant="default" onClick={() => setClosing(null)}>
                    {t("operations.keepOpen")}
                  </Button>
                </Group>
              </Alert>
            )}
          </Card>
        </>
      )}
    </Stack>
  );
}
