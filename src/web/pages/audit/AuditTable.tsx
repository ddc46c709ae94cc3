import { Anchor, Code, Table, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { AuditEntry } from "../../api/audit";
import { formatDateTime, translateKnown } from "../../i18n";

function shortId(id: string): string {
  return id.length > 8 ? `${id.slice(0, 8)}…` : id;
}

/** The entries, newest first: who did what to which record, with the details the server wrote. */
export function AuditTable({ entries, staffNames }: { entries: AuditEntry[]; staffNames: Map<string, string> }) {
  const { t } = useTranslation();
  // A staff member as the subject: his name when the viewer may list staff, else a short id.
  const subject = (e: AuditEntry, id: string) => (e.subjectType === "staff" ? (staffNames.get(id) ?? shortId(id)) : shortId(id));
  const who = (e: AuditEntry) => (e.actorId === null ? t("audit.system") : (e.actorName ?? shortId(e.actorId)));
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table striped verticalSpacing="xs" data-testid="audit-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("audit.columns.seq")}</Table.Th>
            <Table.Th>{t("audit.columns.at")}</Table.Th>
            <Table.Th>{t("audit.columns.actor")}</Table.Th>
            <Table.Th>{t("audit.columns.action")}</Table.Th>
            <Table.Th>{t("audit.columns.subject")}</Table.Th>
            <Table.Th>{t("audit.columns.details")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {entries.map((e) => (
            <Table.Tr key={e.seq} data-testid="audit-row" data-action={e.action}>
              <Table.Td>{e.seq}</Table.Td>
              <Table.Td>
                <Text size="sm" style={{ whiteSpace: "nowrap" }}>
                  {formatDateTime(e.at)}
                </Text>
              </Table.Td>
              <Table.Td>{who(e)}</Table.Td>
              <Table.Td>
                <Text size="sm">{translateKnown(t, `audit.actions.${e.action}`, e.action)}</Text>
                <Text size="xs" c="dimmed">
                  {e.action}
                </Text>
              </Table.Td>
              <Table.Td>
                {e.caseNumber !== null && e.subjectId ? (
                  <Anchor component={Link} to={`/cases/${e.subjectId}`} size="sm" data-testid="audit-case-link">
                    {t("audit.caseLink", { number: e.caseNumber })}
                  </Anchor>
                ) : (
                  e.subjectType && (
                    <Text size="sm">
                      {translateKnown(t, `audit.subjects.${e.subjectType}`, e.subjectType)}
                      {e.subjectId && (
                        <Text span c="dimmed" size="xs" ml={6} title={e.subjectId}>
                          {subject(e, e.subjectId)}
                        </Text>
                      )}
                    </Text>
                  )
                )}
              </Table.Td>
              <Table.Td style={{ wordBreak: "break-word" }}>
                {Object.entries(e.details).map(([k, v]) => (
                  <Code key={k} mr={4} style={{ whiteSpace: "normal" }}>
                    {k}: {typeof v === "string" ? v : JSON.stringify(v)}
                  </Code>
                ))}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
