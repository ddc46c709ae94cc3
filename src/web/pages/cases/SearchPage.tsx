import { Alert, Button, Group, Select, SimpleGrid, Stack, Text, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { CASE_STATES, CHANNELS, TEAMS, type CaseState, type Channel, type TeamId } from "../../../shared/case-states";
import { SEARCH_PAGE_SIZE } from "../../../shared/api/cases";
import { casesApi, type SearchQuery } from "../../api/cases";
import { useCan } from "../../auth/permissions";
import { errorText } from "../../components/errorText";
import { usePageTitle } from "../../components/usePageTitle";
import { rememberInboxOrder } from "./inboxOrder";
import { SearchResults } from "./SearchResults";
import { PageHeader } from "../../components/PageHeader";

const IDENTITY_FIELDS = ["receipt", "name", "phone", "serviceNumber", "telegram"] as const;

interface SearchForm {
  receipt: string;
  name: string;
  phone: string;
  serviceNumber: string;
  telegram: string;
  state: CaseState | null;
  channel: Channel | null;
  team: TeamId | null;
  from: string;
  to: string;
}

const EMPTY: SearchForm = { receipt: "", name: "", phone: "", serviceNumber: "", telegram: "", state: null, channel: null, team: null, from: "", to: "" };

function toQuery(v: SearchForm): SearchQuery {
  const query: SearchQuery = {};
  for (const f of IDENTITY_FIELDS) if (v[f].trim()) query[f] = v[f].trim();
  if (v.state) query.state = v.state;
  if (v.channel) query.channel = v.channel;
  if (v.team) query.team = v.team;
  if (v.from) query.from = new Date(`${v.from}T00:00:00`).toISOString();
  if (v.to) query.to = new Date(`${v.to}T23:59:59`).toISOString();
  return query;
}

/**
 * Search without ever sending a value in clear to the database: the server blind-indexes what is
 * typed here. Identity fields appear only for roles that may read identities. Every page asked
 * for is one audited search; nothing is searched until the person asks.
 */
export function SearchPage() {
  const { t } = useTranslation();
  const can = useCan();
  usePageTitle(t("search.title"));
  const identity = can("case_identity.read");
  const [asked, setAsked] = useState<{ query: SearchQuery; offset: number } | null>(null);
  const form = useForm<SearchForm>({
    initialValues: EMPTY,
    validate: (v) => (Object.keys(toQuery(v)).length === 0 ? { receipt: t("search.needCriterion") } : {}),
  });
  const results = useQuery({
    queryKey: ["search", asked],
    queryFn: () => casesApi.search(asked!.query, asked!.offset),
    enabled: asked !== null,
    placeholderData: keepPreviousData,
    // A search is a read of the moment; never repeated behind the person's back.
    staleTime: Infinity,
    gcTime: 0,
  });
  useEffect(() => {
    if (results.data) rememberInboxOrder(results.data.items.map((c) => c.id));
  }, [results.data]);

  const field = (name: keyof SearchForm, type = "text") => (
    <TextInput
      key={name}
      type={type}
      label={t(`search.fields.${name as "name"}`)}
      {...form.getInputProps(name)}
      error={undefined}
      autoComplete="off"
      spellCheck={false}
      data-testid={`search-${name}`}
      data-autofocus={name === "receipt" || undefined}
    />
  );
  const needCriterion = form.errors.receipt;

  return (
    <Stack maw={1100}>
      <PageHeader title={t("search.title")} intro={identity ? t("search.intro") : t("search.introNoIdentity")} />
      <form onSubmit={form.onSubmit((v) => setAsked({ query: toQuery(v), offset: 0 }))} noValidate>
        <Stack>
          {identity && <SimpleGrid cols={{ base: 1, sm: 3 }}>{IDENTITY_FIELDS.map((f) => field(f))}</SimpleGrid>}
          <SimpleGrid cols={{ base: 1, sm: 5 }}>
            <Select label={t("inbox.filters.state")} clearable {...form.getInputProps("state")} data={CASE_STATES.map((s) => ({ value: s, label: t(`states.${s}`) }))} comboboxProps={{ withinPortal: true }} />
            <Select label={t("inbox.filters.channel")} clearable {...form.getInputProps("channel")} data={CHANNELS.map((s) => ({ value: s, label: t(`channels.${s}`) }))} comboboxProps={{ withinPortal: true }} />
            <Select label={t("inbox.filters.team")} clearable {...form.getInputProps("team")} data={TEAMS.map((s) => ({ value: s, label: t(`teamNames.${s}`) }))} comboboxProps={{ withinPortal: true }} />
            {field("from", "date")}
            {field("to", "date")}
          </SimpleGrid>
          {needCriterion && (
            <Alert color="yellow" data-testid="search-need-criterion">
              {needCriterion}
            </Alert>
          )}
          <Group>
            <Button type="submit" loading={results.isFetching} data-testid="search-submit">
              {t("search.submit")}
            </Button>
            <Text size="xs" c="dimmed">
              {t("search.audited")}
            </Text>
          </Group>
        </Stack>
      </form>
      {results.error && <Alert color="red">{errorText(t, results.error, { unavailable: t("availability.searchStopped") })}</Alert>}
      {results.data?.truncated && (
        <Alert color="yellow" data-testid="search-truncated">
          {t("availability.truncated", { n: results.data.total })}
        </Alert>
      )}
      {results.data && asked && (
        <SearchResults
          page={results.data}
          offset={asked.offset}
          pageSize={SEARCH_PAGE_SIZE}
          canOpen={can("case.read")}
          onPage={(offset) => setAsked({ ...asked, offset })}
        />
      )}
    </Stack>
  );
}
