import { Badge, Group, Paper, Stack, Table, Text, Tooltip } from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { useTranslation } from "react-i18next";
import type { CaseSummary } from "../../api/cases";
import { formatDateTime } from "../../i18n";
import { ChannelLabel, DueBadge, FlagBadges, relativeTime, StateBadge, useNow } from "./format";

/** Who the case is about and what was said last; for a viewer without the case key, nothing. */
function WhoAndPreview({ c }: { c: CaseSummary }) {
  const { t } = useTranslation();
  return (
    <Stack gap={0} miw={0}>
      <Text size="sm" fw={c.unreadCount > 0 ? 700 : 500} lineClamp={1} data-testid="inbox-who">
        {c.who ?? t("inbox.noPreview")}
      </Text>
      {c.preview && (
        <Text size="xs" c="dimmed" lineClamp={2} style={{ wordBreak: "break-word" }} data-testid="inbox-preview">
          {c.preview.direction === "out" ? `${t("inbox.previewOut")} ` : ""}
          {c.preview.text}
        </Text>
      )}
    </Stack>
  );
}

function Unread({ c }: { c: CaseSummary }) {
  return c.unreadCount > 0 ? (
    <Badge color="grape" circle data-testid="unread-count">
      {c.unreadCount}
    </Badge>
  ) : null;
}

const rowProps = (c: CaseSummary, selected: boolean, onOpen: (c: CaseSummary) => void) => ({
  onClick: () => onOpen(c),
  onKeyDown: (e: { key: string }) => e.key === "Enter" && onOpen(c),
  tabIndex: 0,
  style: { cursor: "pointer" },
  "aria-selected": selected,
  "data-testid": "inbox-row",
  "data-case-id": c.id,
  "data-case-number": c.number,
});

/**
 * The inbox rows. On a wide screen a table whose only flexible column is who and the preview
 * (it wraps; nothing else is cut off at 1440 px); on a phone, one card per case.
 */
export function InboxTable({ items, selected, onOpen }: { items: CaseSummary[]; selected: number; onOpen: (c: CaseSummary) => void }) {
  const { t } = useTranslation();
  const now = useNow();
  const narrow = useMediaQuery("(max-width: 48em)");
  const bg = (c: CaseSummary, i: number) => (i === selected ? "var(--mantine-color-blue-light)" : c.overdue ? "var(--mantine-color-red-light)" : undefined);

  if (narrow) {
    return (
      <Stack gap="xs" data-testid="inbox-table">
        {items.map((c, i) => (
          <Paper key={c.id} withBorder p="sm" bg={bg(c, i)} {...rowProps(c, i === selected, onOpen)}>
            <Group justify="space-between" wrap="nowrap" mb={4}>
              <Text fw={700} size="sm">
                #{c.number}
              </Text>
              <Group gap={4} wrap="nowrap">
                <DueBadge c={c} now={now} hideEmpty />
                <Unread c={c} />
              </Group>
            </Group>
            <WhoAndPreview c={c} />
            <Group gap={6} mt={6}>
              <StateBadge state={c.state} />
              <FlagBadges c={c} />
              <ChannelLabel channel={c.channel} />
              <Text size="xs" c="dimmed">
                {c.assigneeName ?? t("inbox.unassigned")} · {relativeTime(c.updatedAt, now)}
              </Text>
            </Group>
          </Paper>
        ))}
      </Stack>
    );
  }

  const nowrap = { whiteSpace: "nowrap" } as const;
  return (
    <Table highlightOnHover verticalSpacing="xs" layout="auto" data-testid="inbox-table">
      <Table.Thead>
        <Table.Tr style={nowrap}>
          <Table.Th>{t("inbox.columns.number")}</Table.Th>
          <Table.Th w="100%">
            {t("inbox.columns.who")} · {t("inbox.columns.preview")}
          </Table.Th>
          <Table.Th>{t("inbox.columns.due")}</Table.Th>
          <Table.Th>{t("inbox.columns.state")}</Table.Th>
          <Table.Th>{t("inbox.columns.channel")}</Table.Th>
          <Table.Th>{t("inbox.columns.assignee")}</Table.Th>
          <Table.Th>{t("inbox.columns.activity")}</Table.Th>
          <Table.Th>{t("inbox.columns.unread")}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {items.map((c, i) => (
          <Table.Tr key={c.id} bg={bg(c, i)} {...rowProps(c, i === selected, onOpen)}>
            <Table.Td style={nowrap}>
              <Text fw={c.unreadCount > 0 ? 700 : 400} size="sm">
                #{c.number}
              </Text>
            </Table.Td>
            <Table.Td style={{ minWidth: 220, maxWidth: 1 }}>
              <WhoAndPreview c={c} />
            </Table.Td>
            <Table.Td style={nowrap}>
              <DueBadge c={c} now={now} />
            </Table.Td>
            <Table.Td style={nowrap}>
              <Group gap={4} wrap="nowrap">
                <StateBadge state={c.state} />
                <FlagBadges c={c} />
              </Group>
            </Table.Td>
            <Table.Td style={nowrap}>
              <ChannelLabel channel={c.channel} />
            </Table.Td>
            <Table.Td style={nowrap}>
              <Text size="sm" c={c.assigneeName ? undefined : "dimmed"}>
                {c.assigneeName ?? t("inbox.unassigned")}
              </Text>
              <Text size="xs" c="dimmed">
                {t(`teamNames.${c.teamId}`)}
              </Text>
            </Table.Td>
            <Table.Td style={nowrap}>
              <Tooltip label={formatDateTime(c.updatedAt)}>
                <Text size="sm">{relativeTime(c.updatedAt, now)}</Text>
              </Tooltip>
            </Table.Td>
            <Table.Td>
              <Unread c={c} />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
