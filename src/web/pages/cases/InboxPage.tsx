import { Alert, Badge, Button, Chip, Group, Loader, Select, SegmentedControl, Stack, Table, Text, Title, Tooltip } from "@mantine/core";
import { useCallback, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useSearchParams } from "react-router";
import { CASE_STATES, CHANNELS, TEAMS, type CaseState, type Channel, type TeamId } from "../../../shared/case-states";
import { casesApi, type CaseSummary, type InboxCounts, type InboxFilters } from "../../api/cases";
import { useCaseEvents, useLiveConnected, userIdle } from "../../api/live";
import { errorText } from "../../components/errorText";
import { useConsoleHotkeys, useShowShortcuts } from "../../components/Shortcuts";
import { usePageTitle } from "../../components/usePageTitle";
import { formatDateTime } from "../../i18n";
import { ChannelLabel, DueBadge, relativeTime, StateBadge, useNow } from "./format";
import { rememberInboxOrder } from "./inboxOrder";

function filtersFrom(params: URLSearchParams): InboxFilters {
  const pick = <T extends string>(k: string, allowed: readonly T[]) => (allowed.includes(params.get(k) as T) ? (params.get(k) as T) : undefined);
  return {
    state: pick<CaseState>("state", CASE_STATES),
    channel: pick<Channel>("channel", CHANNELS),
    team: pick<TeamId>("team", TEAMS),
    assigned: pick("assigned", ["me", "none", "any"] as const) ?? "any",
    overdue: params.get("overdue") === "1",
    unread: params.get("unread") === "1",
  };
}

/** One inbox for every channel: waiting cases first (overdue on top), live, filterable, keyboard-driven. */
export function InboxPage() {
  const { t } = useTranslation();
  usePageTitle(t("inbox.title"));
  const navigate = useNavigate();
  const showHelp = useShowShortcuts();
  const [params, setParams] = useSearchParams();
  const filters = filtersFrom(params);
  const key = JSON.stringify(filters);
  const [items, setItems] = useState<CaseSummary[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [counts, setCounts] = useState<InboxCounts | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [selected, setSelected] = useState(0);
  const live = useLiveConnected();
  const now = useNow();
  const generation = useRef(0);

  const load = useCallback(async () => {
    const mine = ++generation.current;
    const f = JSON.parse(key) as InboxFilters;
    try {
      const [page, c] = await Promise.all([casesApi.inbox(f), casesApi.counts()]);
      if (mine !== generation.current) return;
      setItems(page.items);
      setCursor(page.nextCursor);
      setCounts(c);
      setError(null);
    } catch (err) {
      if (mine === generation.current) setError(err);
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, [key]);

  useEffect(() => {
    setLoading(true);
    void load();
    // A fallback for missed events; paused while nobody is at the keyboard (idle sessions must expire).
    const id = setInterval(() => !userIdle() && void load(), 60_000);
    return () => clearInterval(id);
  }, [load]);

  // A change anywhere in my scope: refetch (debounced, a burst of messages is one reload).
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  useCaseEvents(() => {
    if (pending.current) return;
    pending.current = setTimeout(() => {
      pending.current = null;
      void load();
    }, 250);
  });
  useEffect(() => () => void (pending.current && clearTimeout(pending.current)), []);

  useEffect(() => rememberInboxOrder(items.map((c) => c.id)), [items]);

  const more = async () => {
    if (!cursor) return;
    try {
      const page = await casesApi.inbox(filters, cursor);
      setItems((prev) => [...prev, ...page.items.filter((c) => !prev.some((p) => p.id === c.id))]);
      setCursor(page.nextCursor);
    } catch (err) {
      setError(err);
    }
  };

  const setFilter = (k: string, v: string | null) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    setParams(next, { replace: true });
    setSelected(0);
  };

  const open = (c: CaseSummary | undefined) => c && void navigate(`/cases/${c.id}`);
  useConsoleHotkeys([
    ["j", () => setSelected((i) => Math.min(i + 1, items.length - 1))],
    ["k", () => setSelected((i) => Math.max(i - 1, 0))],
    ["enter", () => open(items[selected])],
    ["o", () => open(items[selected])],
  ]);

  return (
    <Stack maw={1300}>
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1} size="h2">
            {t("inbox.title")}
          </Title>
          <Text c="dimmed" size="sm">
            {t("inbox.intro")}
          </Text>
        </div>
        <Group gap="xs">
          <Tooltip label={live ? t("inbox.liveHint") : t("inbox.offlineHint")}>
            <Badge color={live ? "teal" : "gray"} variant="dot" data-testid="live-status" data-live={live ? "on" : "off"}>
              {live ? t("inbox.live") : t("inbox.offline")}
            </Badge>
          </Tooltip>
          <Button variant="subtle" size="compact-sm" onClick={showHelp}>
            {t("shortcuts.open")}
          </Button>
        </Group>
      </Group>

      {counts && (
        <Group gap="xs" data-testid="inbox-counts">
          <Badge color="red" variant={counts.overdue ? "filled" : "light"} size="lg">
            {t("inbox.counts.overdue", { count: counts.overdue })}
          </Badge>
          <Badge color="yellow" variant="light" size="lg">
            {t("inbox.counts.awaiting", { count: counts.awaiting })}
          </Badge>
          <Badge color="blue" variant="light" size="lg">
            {t("inbox.counts.mine", { count: counts.awaitingMine })}
          </Badge>
          <Badge color="grape" variant="light" size="lg">
            {t("inbox.counts.unread", { count: counts.unreadMessages })}
          </Badge>
        </Group>
      )}

      <Group gap="sm" align="flex-end" wrap="wrap">
        <SegmentedControl
          value={filters.assigned ?? "any"}
          onChange={(v) => setFilter("assigned", v === "any" ? null : v)}
          data={[
            { value: "any", label: t("inbox.filters.assignedAny") },
            { value: "me", label: t("inbox.filters.assignedMe") },
            { value: "none", label: t("inbox.filters.assignedNone") },
          ]}
          data-testid="filter-assigned"
        />
        <Select
          w={190}
          label={t("inbox.filters.state")}
          placeholder={t("inbox.filters.all")}
          clearable
          value={filters.state ?? null}
          onChange={(v) => setFilter("state", v)}
          data={CASE_STATES.map((s) => ({ value: s, label: t(`states.${s}`) }))}
          comboboxProps={{ withinPortal: true }}
          data-testid="filter-state"
        />
        <Select
          w={160}
          label={t("inbox.filters.channel")}
          placeholder={t("inbox.filters.all")}
          clearable
          value={filters.channel ?? null}
          onChange={(v) => setFilter("channel", v)}
          data={CHANNELS.map((c) => ({ value: c, label: t(`channels.${c}`) }))}
          comboboxProps={{ withinPortal: true }}
          data-testid="filter-channel"
        />
        <Select
          w={170}
          label={t("inbox.filters.team")}
          placeholder={t("inbox.filters.all")}
          clearable
          value={filters.team ?? null}
          onChange={(v) => setFilter("team", v)}
          data={TEAMS.map((c) => ({ value: c, label: t(`teamNames.${c}`) }))}
          comboboxProps={{ withinPortal: true }}
        />
        <Chip checked={!!filters.overdue} onChange={(v) => setFilter("overdue", v ? "1" : null)} color="red">
          {t("inbox.filters.overdueOnly")}
        </Chip>
        <Chip checked={!!filters.unread} onChange={(v) => setFilter("unread", v ? "1" : null)}>
          {t("inbox.filters.unreadOnly")}
        </Chip>
      </Group>

      {error !== null && <Alert color="red">{errorText(t, error)}</Alert>}
      {loading && items.length === 0 && <Loader aria-label={t("app.loading")} />}
      {!loading && items.length === 0 && error === null && <Text c="dimmed">{t("inbox.empty")}</Text>}
      {items.length > 0 && (
        <Table.ScrollContainer minWidth={900}>
          <Table highlightOnHover verticalSpacing="xs" style={{ whiteSpace: "nowrap" }} data-testid="inbox-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("inbox.columns.number")}</Table.Th>
                <Table.Th>{t("inbox.columns.due")}</Table.Th>
                <Table.Th>{t("inbox.columns.state")}</Table.Th>
                <Table.Th>{t("inbox.columns.channel")}</Table.Th>
                <Table.Th>{t("inbox.columns.team")}</Table.Th>
                <Table.Th>{t("inbox.columns.assignee")}</Table.Th>
                <Table.Th>{t("inbox.columns.activity")}</Table.Th>
                <Table.Th>{t("inbox.columns.unread")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((c, i) => (
                <Table.Tr
                  key={c.id}
                  onClick={() => open(c)}
                  style={{ cursor: "pointer" }}
                  bg={i === selected ? "var(--mantine-color-blue-light)" : c.overdue ? "var(--mantine-color-red-light)" : undefined}
                  aria-selected={i === selected}
                  data-testid="inbox-row"
                  data-case-id={c.id}
                  data-case-number={c.number}
                >
                  <Table.Td>
                    <Text fw={c.unreadCount > 0 ? 700 : 400} size="sm">
                      #{c.number}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <DueBadge c={c} now={now} />
                  </Table.Td>
                  <Table.Td>
                    <StateBadge state={c.state} />
                  </Table.Td>
                  <Table.Td>
                    <ChannelLabel channel={c.channel} />
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{t(`teamNames.${c.teamId}`)}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" c={c.assigneeName ? undefined : "dimmed"}>
                      {c.assigneeName ?? t("inbox.unassigned")}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Tooltip label={formatDateTime(c.updatedAt)}>
                      <Text size="sm">{relativeTime(c.updatedAt, now)}</Text>
                    </Tooltip>
                  </Table.Td>
                  <Table.Td>
                    {c.unreadCount > 0 && (
                      <Badge color="grape" circle data-testid="unread-count">
                        {c.unreadCount}
                      </Badge>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {cursor && (
        <Button variant="default" w="fit-content" onClick={() => void more()}>
          {t("inbox.loadMore")}
        </Button>
      )}
    </Stack>
  );
}
