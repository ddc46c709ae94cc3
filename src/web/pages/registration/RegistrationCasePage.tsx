import { Alert, Anchor, Badge, Button, Card, Group, Loader, Stack, Text, TextInput, Title } from "@mantine/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { casesApi } from "../../api/cases";
import { registrationApi, type Registration } from "../../api/registration";
import { useCan } from "../../auth/permissions";
import { errorText } from "../../components/errorText";
import { usePageTitle } from "../../components/usePageTitle";
import { fieldLabel } from "./labels";
import { ChoiceForm } from "./ChoiceForm";
import { EventForm } from "./EventForm";
import { RecordForm } from "./RecordForm";
import { FateTimeline, RecordTable } from "./RecordParts";
import { CardsList } from "./CardsList";

/** One prisoner's registration: the record to enter and confirm, the move to registered, his cards, his fate and his choice. */
export function RegistrationCasePage() {
  const { id = "" } = useParams();
  const { t } = useTranslation();
  const rec = useQuery({ queryKey: ["registration-case", id], queryFn: () => registrationApi.open(id) });
  const qc = useQueryClient();
  // The register's lists are not refreshed by the live stream: a card printed or sent here marks them stale, so going back shows it.
  const reload = () => {
    void rec.refetch();
    void qc.invalidateQueries({ queryKey: ["registration"] });
  };
  usePageTitle(rec.data ? t("registration.record", { number: rec.data.number }) : t("registration.title"));
  if (rec.error) return <Alert color="red">{errorText(t, rec.error)}</Alert>;
  if (!rec.data) return <Loader aria-label={t("app.loading")} />;
  return <RegistrationView key={id} r={rec.data} reload={reload} />;
}

function RegistrationView({ r, reload }: { r: Registration; reload: () => void }) {
  const { t } = useTranslation();
  const can = useCan();
  const write = can("pow_registration.write");
  return (
    <Stack maw={1100}>
      <Group gap="sm">
        <Anchor component={Link} to="/registration" size="sm">← {t("registration.back")}</Anchor>
        {can("case.read") && <Anchor component={Link} to={`/cases/${r.caseId}`} size="sm">{t("registration.toCase")}</Anchor>}
      </Group>
      <Group gap="sm">
        <Title order={1} size="h2" data-testid="registration-title">{t("registration.record", { number: r.number })}</Title>
        <Badge>{t(`registration.states.${r.state}` as never, { defaultValue: r.state })}</Badge>
      </Group>
      {r.missing.length > 0 && <Alert color="yellow">{t("registration.missing")}: {r.missing.map((f) => fieldLabel(t, f)).join(", ")}</Alert>}
      <Card withBorder>{write && r.state !== "closed" ? <RecordForm r={r} onSaved={reload} /> : <RecordTable r={r} />}</Card>
      {write && r.state === "handed_over" && <RegisterMove r={r} onMoved={reload} />}
      <Card withBorder><CardsList r={r} canWrite={write} onChanged={reload} /></Card>
      <Card withBorder>
        <Stack>
          <FateTimeline r={r} />
          {write && r.state === "registered_pow" && <EventForm caseId={r.caseId} onAdded={reload} />}
        </Stack>
      </Card>
      {r.state === "registered_pow" && (can("pow_choice.read") || can("pow_choice.write")) && <ChoiceForm caseId={r.caseId} />}
    </Stack>
  );
}

/** The move to registered_pow; the server refuses it until every Art. 17 field is confirmed. */
function RegisterMove({ r, onMoved }: { r: Registration; onMoved: () => void }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState(() => t("registration.registerReason"));
  const [error, setError] = useState<unknown>(null);
  const move = async () => {
    setError(null);
    try {
      await casesApi.transition(r.caseId, "registered_pow", reason.trim());
      onMoved();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Card withBorder>
      <Stack>
        <Text>{r.missing.length ? t("registration.registerBlocked") : t("registration.registerReady")}</Text>
        <Group align="flex-end">
          <TextInput label={t("registration.registerReasonLabel")} value={reason} onChange={(e) => setReason(e.currentTarget.value)} w={360} />
          <Button onClick={() => void move()} disabled={!reason.trim() || r.missing.length > 0} data-testid="register-move">{t("registration.register")}</Button>
        </Group>
        {error ? <Alert color="red" role="alert">{errorText(t, error, { conflict: t("registration.registerBlocked") })}</Alert> : null}
      </Stack>
    </Card>
  );
}
