import { Alert, Badge, Button, Group, Loader, Stack, Text, Tooltip } from "@mantine/core";
import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useSearchParams } from "react-router";
import { casesApi, type CaseSummary } from "../../api/cases";
import { useLiveConnected, userIdle } from "../../api/live";
import { keys } from "../../api/queryClient";
import { errorText } from "../../components/errorText";
import { useListHotkeys, useShowShortcuts } from "../../components/Shortcuts";
import { usePageTitle } from "../../components/usePageTitle";
import { InboxCountsBar } from "./InboxCounts";
import { filtersFrom, InboxFilterBar } from "./InboxFilters";
import { InboxTable } from "./InboxTable";
import { rememberInboxOrder } from "./inboxOrder";
import { PageHeader } from "../../components/PageHeader";

/** A fallback for missed events while the live stream is down; paused while nobody is at the keyboard. */
const POLL_MS = 60_000;

/**
 * One inbox for every channel: waiting cases first (overdue on top), live, filterable,
 * keyboard-driven. The tab title carries the unread count, for a console left in a background tab.
 */
export function InboxPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const showHelp = useShowShortcuts();
  const [params, setParams] = useSearchParams();
  const filters = filtersFrom(params);
  const live = useLiveConnected();
  const poll = () => (live || userIdle() ? false : POLL_MS);

  const pages = useInfiniteQuery({
    queryKey: keys.inboxPage(filters),
    queryFn: ({ pageParam }) => casesApi.inbox(filters, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
    refetchInterval: poll,
  });
  const counts = useQuery({ queryKey: keys.inboxCounts, queryFn: casesApi.counts, refetchInterval: poll });
  const items: CaseSummary[] = [];
  for (const p of pages.data?.pages ?? []) for (const c of p.items) if (!items.some((x) => x.id === c.id)) items.push(c);
  const order = items.map((c) => c.id).join(",");
  useEffect(() => rememberInboxOrder(order ? order.split(",") : []), [order]);

  const unread = counts.data?.unreadMessages ?? 0;
  usePageTitle(unread > 0 ? t("inbox.titleUnread", { count: unread }) : t("inbox.title"));

  const setFilter = (k: string, v: string | null) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    setParams(next, { replace: true });
    setSelected(0);
  };
  const open = (c: CaseSummary) => void navigate(`/cases/${c.id}`);
  const [selected, setSelected] = useListHotkeys(items, open);
  const error = pages.error ?? counts.error;

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <PageHeader title={t("inbox.title")} intro={t("inbox.intro")} />
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

      {counts.data && <InboxCountsBar counts={counts.data} />}
      <InboxFilterBar filters={filters} setFilter={setFilter} />
      {!filters.state && (
        <Text size="xs" c="dimmed" data-testid="inbox-finished-hidden">
          {t("inbox.finishedHidden")}
        </Text>
      )}

      {error && <Alert color="red">{errorText(t, error)}</Alert>}
      {pages.isPending && <Loader aria-label={t("app.loading")} />}
      {!pages.isPending && items.length === 0 && !error && <Text c="dimmed">{t("inbox.empty")}</Text>}
      {items.length > 0 && <InboxTable items={items} selected={selected} onOpen={open} />}
      {pages.hasNextPage && (
        <Button variant="default" w="fit-content" loading={pages.isFetchingNextPage} onClick={() => void pages.fetchNextPage()}>
          {t("inbox.loadMore")}
        </Button>
      )}
    </Stack>
  );
}
