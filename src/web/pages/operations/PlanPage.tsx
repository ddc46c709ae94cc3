import { Stack, Title } from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { operationsApi } from "../../api/operations";
import { errorText } from "../../components/errorText";
import { usePageTitle } from "../../components/usePageTitle";
import { EMPTY_DRAFT, planBodyOf, type PlanDraft } from "./planDraft";
import { PlanForm } from "./PlanForm";

/** Plan an operation for verified cases (the form is shared with editing one). */
export function PlanPage() {
  const { t } = useTranslation();
  usePageTitle(t("operations.plan.title"));
  const navigate = useNavigate();
  const plan = useMutation({ mutationFn: (d: PlanDraft) => operationsApi.plan(planBodyOf(d)), onSuccess: (r) => navigate(`/operations/${r.id}`) });
  return (
    <Stack maw={900}>
      <Title order={1} size="h2">
        {t("operations.plan.title")}
      </Title>
      <PlanForm initial={EMPTY_DRAFT} pending={plan.isPending} error={plan.error != null ? errorText(t, plan.error) : null} submitLabel={t("operations.plan.submit")} onSubmit={(d) => plan.mutate(d)} />
    </Stack>
  );
}
