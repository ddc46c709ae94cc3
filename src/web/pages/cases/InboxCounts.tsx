import { Badge, Group } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { InboxCounts } from "../../api/cases";

export function InboxCountsBar({ counts }: { counts: InboxCounts }) {
  const { t } = useTranslation();
  return (
    <Group gap="xs" data-testid="inbox-counts">
      <Badge color="red" variant={counts.overdue ? "filled" : "light"} size="lg" tt="none">
        {t("inbox.counts.overdue", { count: counts.overdue })}
      </Badge>
      <Badge color="yellow" variant="light" size="lg" tt="none">
        {t("inbox.counts.awaiting", { count: counts.awaiting })}
      </Badge>
      <Badge color="blue" variant="light" size="lg" tt="none">
        {t("inbox.counts.mine", { count: counts.awaitingMine })}
      </Badge>
      <Badge color="grape" variant="light" size="lg" tt="none">
        {t("inbox.counts.unread", { count: counts.unreadMessages })}
      </Badge>
    </Group>
  );
}
