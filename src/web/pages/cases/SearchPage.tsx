import { Alert, Button, Group, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { CASE_STATES, CHANNELS, TEAMS, type CaseState, type Channel, type TeamId } from "../../../shared/case-states";
import { casesApi, type CaseSummary, type SearchQuery } from "../../api/cases";
import { can } from "../../auth/permissions";
import { useSignedIn } from "../../auth/session";
import { errorText } from "../../components/errorText";
import { usePageTitle } from "../../components/usePageTitle";
import { formatDateTime } from "../../i18n";
import { ChannelLabel, StateBadge } from "./format";
import { rememberInboxOrder } from "./inboxOrder";

const IDENTITY_FIELDS = ["receipt", "name", "phone", "serviceNumber", "telegram"] as const;

/**
 * Search without ever sending a value in clear to the database: the server blind-indexes what is
 * typed here. Identity fields appear only for roles that may read identities.
 */
export function SearchPage() {
  const { t } = useTranslation();
  const { user } = useSignedIn();
  usePageTitle(t("search.title"));
  const navigate = useNavigate();
  const identity = can(user.role, "cases.searchIdentity");
  const [q, setQ] = useState<Record<string, string>>({});
  const [state, setState] = useState<CaseState | null>(null);
  const [channel, setChannel] = useState<Channel | null>(null);
  const [team, setTeam] = useState<TeamId | null>(null);
  const [results, setResults] = useState<CaseSummary[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const query: SearchQuery = {};
    for (const f of IDENTITY_FIELDS) if (q[f]?.trim()) query[f] = q[f]!.trim();
    if (state) query.state = state;
    if (channel) query.channel = channel;
    if (team) query.team = team;
    if (q.from) query.from = new Date(`${q.from}T00:00:00`).toISOString();
    if (q.to) query.to = new Date(`${q.to}T23:59:59`).toISOString();
    if (Object.keys(query).length === 0) return;
    setBusy(true);
    setError(null);
    try {
      const r = await casesApi.search(query);
      setResults(r);
      rememberInboxOrder(r.map((c) => c.id));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const field = (name: string, type = "text") => (
    <TextInput
      key={name}
      type={type}
      label={t(`search.fields.${name as "name"}`)}
      value={q[name] ?? ""}
      onChange={(e) => setQ({ ...q, [name]: e.currentTarget.value })}
      autoComplete="off"
      spellCheck={false}
      data-testid={`search-${name}`}
      data-autofocus={name === "receipt" || undefined}
    />
  );

  return (
    <Stack maw={1100}>
      <div>
        <Title order={1} size="h2">
          {t("search.title")}
        </Title>
        <Text c="dimmed" size="sm">
          {identity ? t("search.intro") : t("search.introNoIdentity")}
        </Text>
      </div>
      <form onSubmit={(e) => void submit(e)}>
        <Stack>
          {identity && <SimpleGrid cols={{ base: 1, sm: 3 }}>{IDENTITY_FIELDS.map((f) => field(f))}</SimpleGrid>}
          <SimpleGrid cols={{ base: 1, sm: 5 }}>
            <Select label={t("inbox.filters.state")} clearable value={state} onChange={(v) => setState(v as CaseState)} data={CASE_STATES.map((s) => ({ value: s, label: t(`states.${s}`) }))} comboboxProps={{ withinPortal: true }} />
            <Select label={t("inbox.filters.channel")} clearable value={channel} onChange={(v) => setChannel(v as Channel)} data={CHANNELS.map((s) => ({ value: s, label: t(`channels.${s}`) }))} comboboxProps={{ withinPortal: true }} />
            <Select label={t("inbox.filters.team")} clearable value={team} onChange={(v) => setTeam(v as TeamId)} data={TEAMS.map((s) => ({ value: s, label: t(`teamNames.${s}`) }))} comboboxProps={{ withinPortal: true }} />
            {field("from", "date")}
            {field("to", "date")}
          </SimpleGrid>
          <Group>
            <Button type="submit" loading={busy} data-testid="search-submit">
              {t("search.submit")}
            </Button>
            <Text size="xs" c="dimmed">
              {t("search.audited")}
            </Text>
          </Group>
        </Stack>
      </form>
      {error !== null && <Alert color="red">{errorText(t, error)}</Alert>}
      {results?.length === 0 && <Text data-testid="search-empty">{t("search.empty")}</Text>}
      {results && results.length > 0 && (
        <Table highlightOnHover data-testid="search-results">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("inbox.columns.number")}</Table.Th>
              <Table.Th>{t("inbox.columns.state")}</Table.Th>
              <Table.Th>{t("inbox.columns.channel")}</Table.Th>
              <Table.Th>{t("inbox.columns.team")}</Table.Th>
              <Table.Th>{t("search.created")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {results.map((c) => (
              <Table.Tr key={c.id} style={{ cursor: can(user.role, "cases.read") ? "pointer" : undefined }} onClick={() => can(user.role, "cases.read") && void navigate(`/cases/${c.id}`)} data-testid="search-row">
                <Table.Td>#{c.number}</Table.Td>
                <Table.Td>
                  <StateBadge state={c.state} />
                </Table.Td>
                <Table.Td>
                  <ChannelLabel channel={c.channel} />
                </Table.Td>
                <Table.Td>{t(`teamNames.${c.teamId}`)}</Table.Td>
                <Table.Td>{formatDateTime(c.createdAt)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
