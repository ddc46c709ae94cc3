import { Alert, Anchor, Stack, Text } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";
import { operationsApi } from "../../api/operations";
import { errorText } from "../../components/errorText";
import { usePageTitle } from "../../components/usePageTitle";
import { draftOf } from "./editDraft";
import { editBodyOf, type PlanDraft } from "./planDraft";
import { PlanForm } from "./PlanForm";
import { PageHeader } from "../../components/PageHeader";

/**
 * Change the details of an operation still in planning, in the plan form prefilled. Once the
 * instructions are sent the applicant holds them: the page says to abort and plan again instead.
 */
export function EditOperationPage() {
  const { t } = useTranslation();
  usePageTitle(t("operations.plan.editTitle"));
  const { id = "" } = useParams();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const op = useQuery({ queryKey: ["operations", id], queryFn: () => operationsApi.one(id) });
  const edit = useMutation({
    mutationFn: (d: PlanDraft) => operationsApi.edit(id, editBodyOf(d)),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ["operations"] });
      void navigate(`/operations/${encodeURIComponent(id)}`);
    },
  });
  return (
    <Stack maw={900}>
      <PageHeader title={t("operations.plan.editTitle")} />
      <Anchor component={Link} to={`/operations/${encodeURIComponent(id)}`} size="sm">
        ← {t("operations.plan.backToOperation")}
      </Anchor>
      {op.error != null && <Alert color="red">{errorText(t, op.error)}</Alert>}
      {op.data && op.data.state !== "planning" && (
        <Alert color="orange" data-testid="edit-refused">
          {t("operations.plan.editSent")}
        </Alert>
      )}
      {op.data?.state === "planning" && (
        <>
          <Text c="dimmed" size="sm">
            {t("operations.plan.editCases", { n: op.data.groupSize })}
          </Text>
          <PlanForm
            initial={draftOf(op.data)}
            editing
            pending={edit.isPending}
            error={edit.error != null ? errorText(t, edit.error, { conflict: t("operations.plan.editSent") }) : null}
            submitLabel={t("operations.plan.save")}
            onSubmit={(d) => edit.mutate(d)}
          />
        </>
      )}
    </Stack>
  );
}
