import { Alert, Button, Code, Group, Loader, Stack, Table, Text, Title } from "@mantine/core";
import { useCallback, useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { AUDIT_PAGE_SIZE, auditApi, type AuditEntry, type AuditVerification } from "../api/audit";
import { staffApi, type StaffMember } from "../api/staff";
import { can } from "../auth/permissions";
import { useSignedIn } from "../auth/session";
import { errorText } from "../components/errorText";
import { usePageTitle } from "../components/usePageTitle";
import { formatDateTime, translateKnown } from "../i18n";

export function AuditPage() {
  const { t } = useTranslation();
  const { user } = useSignedIn();
  usePageTitle(t("audit.title"));

  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [complete, setComplete] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [staff, setStaff] = useState<Map<string, StaffMember>>(new Map());
  const [verification, setVerification] = useState<AuditVerification | null>(null);
  const [verifying, setVerifying] = useState(false);

  const loadAfter = useCallback(async (after: number) => {
    setLoading(true);
    setError(null);
    try {
      const page = await auditApi.page(after);
      setEntries((prev) => (after === 0 ? page : [...prev, ...page]));
      setComplete(page.length < AUDIT_PAGE_SIZE);
    } catch (err) {
      setError(err);
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void loadAfter(0);
    // Names for the "who" column; without the right to list staff, ids are shown.
    if (can(user.role, "staff.list")) {
      staffApi.list().then(
        (list) => setStaff(new Map(list.map((m) => [m.id, m]))),
        () => {},
      );
    }
  }, [loadAfter, user.role]);

  const verify = async () => {
    setVerifying(true);
    setVerification(null);
    setError(null);
    try {
      setVerification(await auditApi.verify());
    } catch (err) {
      setError(err);
    } finally {
      setVerifying(false);
    }
  };

  const who = useCallback((id: string | null) => (id === null ? t("audit.system") : (staff.get(id)?.displayName ?? shortId(id))), [staff, t]);
  const rows = useMemo(
    () =>
      entries.map((e) => (
        <Table.Tr key={e.seq} data-testid="audit-row">
          <Table.Td>{e.seq}</Table.Td>
          <Table.Td>
            <Text size="sm" style={{ whiteSpace: "nowrap" }}>
              {formatDateTime(e.at)}
            </Text>
          </Table.Td>
          <Table.Td>{who(e.actorId)}</Table.Td>
          <Table.Td>
            <Text size="sm">{translateKnown(t, `audit.actions.${e.action}`, e.action)}</Text>
            <Text size="xs" c="dimmed">
              {e.action}
            </Text>
          </Table.Td>
          <Table.Td>
            {e.subjectType && (
              <Text size="sm">
                {translateKnown(t, `audit.subjects.${e.subjectType}`, e.subjectType)}
                {e.subjectId && (
                  <Text span c="dimmed" size="xs" ml={6} title={e.subjectId}>
                    {e.subjectType === "staff" ? who(e.subjectId) : shortId(e.subjectId)}
                  </Text>
                )}
              </Text>
            )}
          </Table.Td>
          <Table.Td>
            {Object.entries(e.details).map(([k, v]) => (
              <Code key={k} mr={4}>
                {k}: {typeof v === "string" ? v : JSON.stringify(v)}
              </Code>
            ))}
          </Table.Td>
        </Table.Tr>
      )),
    [entries, t, who],
  );

  return (
    <Stack maw={1200}>
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1} size="h2">
            {t("audit.title")}
          </Title>
          <Text c="dimmed">{t("audit.intro")}</Text>
        </div>
        {can(user.role, "audit.verify") && (
          <Button variant="light" onClick={() => void verify()} loading={verifying} data-testid="audit-verify">
            {t("audit.verify")}
          </Button>
        )}
      </Group>

      {verification && (
        <Alert color={verification.ok ? "teal" : "red"} data-testid="audit-verify-result">
          {verification.ok ? t("audit.verifyOk", { count: verification.rows }) : t("audit.verifyBroken", { problem: verification.problem ?? "" })}
        </Alert>
      )}
      {error !== null && <Alert color="red">{errorText(t, error)}</Alert>}

      {entries.length === 0 && !loading && error === null && <Text>{t("audit.empty")}</Text>}
      {entries.length > 0 && (
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
            <Table.Tbody>{rows}</Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}

      {loading && <Loader aria-label={t("app.loading")} />}
      {!loading && entries.length > 0 &&
        (complete ? (
          <Text size="sm" c="dimmed">
            {t("audit.allLoaded")}
          </Text>
        ) : (
          <Button variant="default" w="fit-content" onClick={() => void loadAfter(entries[entries.length - 1]?.seq ?? 0)}>
            {t("audit.loadMore")}
          </Button>
        ))}
    </Stack>
  );
}

function shortId(id: string): string {
  return id.length > 8 ? `${id.slice(0, 8)}…` : id;
}
