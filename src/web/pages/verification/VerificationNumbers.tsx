import { Card, Group, Stack, Table, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import i18n from "i18next";
import { verificationApi, verificationKeys } from "../../api/verification";

/** The supervisor's numbers: counts and durations only, nothing that names a case. */
export function VerificationNumbers() {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: verificationKeys.numbers, queryFn: verificationApi.numbers });
  if (!q.data) return null;
  const n = q.data;
  const num = (x: number | null, digits = 1) => (x === null ? "—" : x.toLocaleString(i18n.language, { maximumFractionDigits: digits }));
  const pct = (x: number) => x.toLocaleString(i18n.language, { style: "percent", maximumFractionDigits: 0 });
  return (
    <Card withBorder data-testid="verification-numbers">
      <Stack gap="xs">
        <Title order={2} size="h4">
          {t("verification.numbers.title")}
        </Title>
        <Group gap="xl">
          <Text size="sm" data-testid="numbers-time">
            {t("verification.numbers.time", { median: num(n.hoursToDecision.median), mean: num(n.hoursToDecision.mean), count: n.decided })}
          </Text>
          <Text size="sm" data-testid="numbers-kappa">
            {t("verification.numbers.kappa", { kappa: num(n.agreement.kappa, 2), agreed: n.agreement.agreed, pairs: n.agreement.pairs })}
          </Text>
        </Group>
        <Title order={3} size="h5">
          {t("verification.numbers.rejected")}
        </Title>
        {n.rejectedByReason.length === 0 && <Text c="dimmed" size="sm">{t("verification.numbers.none")}</Text>}
        <Table verticalSpacing={2} data-testid="numbers-reasons">
          <Table.Tbody>
            {n.rejectedByReason.map((r) => (
              <Table.Tr key={r.reason}>
                <Table.Td>{t(`verification.reasons.${r.reason}`)}</Table.Td>
                <Table.Td>{t("verification.numbers.share", { count: r.count, share: pct(r.share) })}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Title order={3} size="h5">
          {t("verification.numbers.hits")}
        </Title>
        {n.hitsByWeek.length === 0 && <Text c="dimmed" size="sm">{t("verification.numbers.none")}</Text>}
        <Table verticalSpacing={2} data-testid="numbers-hits">
          <Table.Tbody>
            {n.hitsByWeek.map((w) => (
              <Table.Tr key={w.week}>
                <Table.Td>{t("verification.numbers.week", { date: new Date(`${w.week}T00:00:00Z`).toLocaleDateString(i18n.language, { timeZone: "UTC" }) })}</Table.Td>
                <Table.Td>{w.count}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Stack>
    </Card>
  );
}
