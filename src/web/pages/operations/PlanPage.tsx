import { Stack } from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { operationsApi } from "../../api/operations";
import { errorText } from "../../components/errorText";
import { usePageTitle } from "../../components/usePageTitle";
import { EMPTY_DRAFT, planBodyOf, type PlanDraft } from "./planDraft";
import { PlanForm } from "./PlanForm";
import { PageHeader } from "../../components/PageHeader";

/** Plan an operation for verified cases (the form is shared with editing one). */
export function PlanPage() {
  const { t } = useTranslation();
  usePageTitle(t("operations.plan.title"));
  const navigate = useNavigate();
  const plan = useMutation({ mutationFn: (d: PlanDraft) => operationsApi.plan(planBodyOf(d)), onSuccess: (r) => navigate(`/operations/${r.id}`) });
  return (
    <Stack maw={900}>
      <PageHeader title={t("operations.plan.title")} />
      <PlanForm initial={EMPTY_DRAFT} pending={plan.isPending} error={plan.error != null ? errorText(t, plan.error) : null} submitLabel={t("operations.plan.submit")} onSubmit={(d) => plan.mutate(d)} />
    </Stack>
  );
}
