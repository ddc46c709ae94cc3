import { Alert, Button, Group, Loader, Stack, Text } from "@mantine/core";
import { useInfiniteQuery, useMutation, useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { auditFilterSchema } from "../../../shared/api/audit";
import { auditApi, type AuditFilter } from "../../api/audit";
import { keys } from "../../api/queryClient";
import { staffApi } from "../../api/staff";
import { useCan } from "../../auth/permissions";
import { errorText } from "../../components/errorText";
import { usePageTitle } from "../../components/usePageTitle";
import { AuditFilters } from "./AuditFilters";
import { AuditTable } from "./AuditTable";
import { PageHeader } from "../../components/PageHeader";

/** The filters live in the address, so a filtered view can be shared and survives a reload. */
function filterFrom(params: URLSearchParams): AuditFilter {
  const raw = Object.fromEntries([...params.entries()].filter(([, v]) => v !== ""));
  const parsed = auditFilterSchema.safeParse(raw);
  return parsed.success ? parsed.data : {};
}

export function AuditPage() {
  const { t } = useTranslation();
  const can = useCan();
  usePageTitle(t("audit.title"));
  const [params, setParams] = useSearchParams();
  const filter = useMemo(() => filterFrom(params), [params]);

  const pages = useInfiniteQuery({
    queryKey: keys.audit(filter),
    queryFn: ({ pageParam }) => auditApi.page(filter, pageParam),
    initialPageParam: null as number | null,
    getNextPageParam: (last) => last.nextBefore,
  });
  // Names for the "who" filter; without the right to list staff, the filter is by what the log shows.
  const staff = useQuery({ queryKey: keys.staff, queryFn: staffApi.list, enabled: can("staff.list") });
  const verify = useMutation({ mutationFn: auditApi.verify });
  const entries = pages.data?.pages.flatMap((p) => p.items) ?? [];
  const staffNames = useMemo(() => new Map((staff.data ?? []).map((s) => [s.id, s.displayName])), [staff.data]);

  const apply = (f: AuditFilter) => {
    const next = new URLSearchParams();
    for (const [k, v] of Object.entries(f)) if (v !== undefined && v !== "") next.set(k, String(v));
    setParams(next, { replace: true });
  };

  return (
    <Stack maw={1400}>
      <Group justify="space-between" align="flex-end">
        <div>
          <PageHeader title={t("audit.title")} />
          <Text c="dimmed">
            {t("audit.intro")} {t("audit.newestFirst")}
          </Text>
        </div>
        <Group gap="xs">
          <Button component="a" href={auditApi.exportUrl(filter)} download variant="default" data-testid="audit-export" title={t("audit.exportHint")}>
            {t("audit.export")}
          </Button>
          {can("audit.verify") && (
            <Button variant="light" onClick={() => verify.mutate()} loading={verify.isPending} data-testid="audit-verify">
              {t("audit.verify")}
            </Button>
          )}
        </Group>
      </Group>

      <AuditFilters value={filter} staff={staff.data ?? []} onApply={apply} />

      {verify.data && (
        <Alert color={verify.data.ok ? "teal" : "red"} data-testid="audit-verify-result">
          {verify.data.ok ? t("audit.verifyOk", { count: verify.data.rows }) : t("audit.verifyBroken", { problem: verify.data.problem ?? "" })}
        </Alert>
      )}
      {(pages.error ?? verify.error) && <Alert color="red">{errorText(t, pages.error ?? verify.error)}</Alert>}

      {entries.length === 0 && !pages.isPending && !pages.error && <Text>{t("audit.empty")}</Text>}
      {entries.length > 0 && <AuditTable entries={entries} staffNames={staffNames} />}

      {pages.isFetching && <Loader aria-label={t("app.loading")} />}
      {!pages.isFetching &&
        entries.length > 0 &&
        (pages.hasNextPage ? (
          <Button variant="default" w="fit-content" onClick={() => void pages.fetchNextPage()}>
            {t("audit.loadMore")}
          </Button>
        ) : (
          <Text size="sm" c="dimmed">
            {t("audit.allLoaded")}
          </Text>
        ))}
    </Stack>
  );
}
