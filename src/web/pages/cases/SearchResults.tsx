import { Button, Group, Table, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import type { CaseSummary } from "../../api/cases";
import { formatDateTime } from "../../i18n";
import { ChannelLabel, StateBadge } from "./format";

/** How many matched, one page of them, and the way to the pages before and after. */
export function SearchResults({ page, offset, pageSize, canOpen, onPage }: { page: { items: CaseSummary[]; total: number }; offset: number; pageSize: number; canOpen: boolean; onPage: (offset: number) => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { items, total } = page;
  if (total === 0) return <Text data-testid="search-empty">{t("search.empty")}</Text>;
  const open = (c: CaseSummary) => canOpen && void navigate(`/cases/${c.id}`);
  return (
    <>
      <Group justify="space-between">
        <Text fw={600} data-testid="search-total" data-total={total}>
          {t("search.found", { count: total })}
        </Text>
        {total > items.length && (
          <Group gap="xs">
            <Text size="sm" c="dimmed" data-testid="search-range">
              {t("search.range", { from: offset + 1, to: offset + items.length, total })}
            </Text>
            <Button size="compact-sm" variant="default" disabled={offset === 0} onClick={() => onPage(Math.max(0, offset - pageSize))} data-testid="search-prev">
              {t("search.prev")}
            </Button>
            <Button size="compact-sm" variant="default" disabled={offset + items.length >= total} onClick={() => onPage(offset + pageSize)} data-testid="search-next">
              {t("search.next")}
            </Button>
          </Group>
        )}
      </Group>
      <Table.ScrollContainer minWidth={560}>
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
            {items.map((c) => (
              <Table.Tr
                key={c.id}
                style={{ cursor: canOpen ? "pointer" : undefined }}
                onClick={() => open(c)}
                onKeyDown={(e) => e.key === "Enter" && open(c)}
                tabIndex={canOpen ? 0 : undefined}
                data-testid="search-row"
              >
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
      </Table.ScrollContainer>
    </>
  );
}
