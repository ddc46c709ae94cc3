import { Stack } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useCan } from "../../auth/permissions";
import { usePageTitle } from "../../components/usePageTitle";
import { RulesCard } from "./RulesCard";
import { DryRunCard } from "./DryRunCard";
import { HoldsCard } from "./HoldsCard";
import { PageHeader } from "../../components/PageHeader";

/**
 * How long the hotline keeps what, and what the next nightly run will destroy. Administrators
 * propose a new period and another administrator approves it; supervisors and administrators hold
 * a case so nothing of it is destroyed.
 */
export function RetentionPage() {
  const { t } = useTranslation();
  usePageTitle(t("retention.title"));
  const can = useCan();
  return (
    <Stack maw={1000}>
      <PageHeader title={t("retention.title")} intro={t("retention.intro")} />
      <RulesCard />
      {can("retention.hold") && <HoldsCard />}
      <DryRunCard />
    </Stack>
  );
}
