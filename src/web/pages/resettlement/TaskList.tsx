import { Badge, Group, Stack, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { ResettlementCard } from "../../api/resettlement";
import { TaskOwnerSelect, TaskStateSelect } from "./forms";

type Task = ResettlementCard["guarantees"][number] | ResettlementCard["family"][number]["steps"][number];

/** A guarantee's or a step's line: what, whose, by when (overdue in red), its state and notes. */
export function TaskLine({ caseId, task, label, editable, officers }: { caseId: string; task: Task; label: string; editable: boolean; officers: ResettlementCard["officers"] }) {
  const { t } = useTranslation();
  return (
    <Stack gap={2} data-testid={`task-${task.id}`}>
      <Group gap="xs" wrap="wrap">
        <Text fw={600} size="sm">
          {label}
        </Text>
        <Badge color={task.overdue ? "red" : "gray"} variant="light" tt="none">
          {task.overdue ? t("resettlement.task.overdueOn", { day: task.dueOn }) : t("resettlement.task.dueOn", { day: task.dueOn })}
        </Badge>
        <Text size="xs" c="dimmed" data-testid="task-owner">
          {t("resettlement.task.owner", { name: task.ownerName })}
        </Text>
        {editable && <TaskOwnerSelect caseId={caseId} taskId={task.id} ownerId={task.ownerId} officers={officers} label={label} />}
        {editable ? <TaskStateSelect caseId={caseId} taskId={task.id} state={task.state} label={label} /> : <Badge variant="outline">{t(`resettlement.states.${task.state}`)}</Badge>}
      </Group>
      {task.notes && (
        <Text size="sm" style={{ whiteSpace: "pre-wrap", wordBreak: "break-word" }}>
          {task.notes}
        </Text>
      )}
    </Stack>
  );
}
