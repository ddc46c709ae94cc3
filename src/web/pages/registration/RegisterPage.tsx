import { Alert, Badge, Button, Group, NumberInput, SegmentedControl, Select, Stack, Table, Text, TextInput } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { REGISTER_STATES } from "../../../shared/registration";
import { registrationApi, type RegisterEntry, type RegisterFilter } from "../../api/registration";
import { useCan } from "../../auth/permissions";
import { errorText } from "../../components/errorText";
import { usePageTitle } from "../../components/usePageTitle";
import { ExportsCard } from "./ExportsCard";
import { dayText, STATUS_COLOR } from "./labels";
import { PageHeader } from "../../components/PageHeader";

/** The register: his status and the cards owed, found by number or name; each row opens his record. Nothing here shows his choice. */
export function RegisterPage() {
  const { t } = useTranslation();
  const can = useCan();
  usePageTitle(t("registration.title"));
  const [filter, setFilter] = useState<RegisterFilter>({});
  const [name, setName] = useState("");
  const list = useQuery({ queryKey: ["registration", filter], queryFn: () => registrationApi.register(filter) });
  return (
    <Stack maw={1200}>
      <PageHeader title={t("registration.title")} />
      <Group align="flex-end" wrap="wrap">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setFilter({ ...filter, name: name.trim() || undefined });
          }}
        >
          <Group align="flex-end" gap="xs">
            <TextInput label={t("registration.searchName")} description={t("registration.searchNameHint")} value={name} onChange={(e) => setName(e.currentTarget.value)} w={280} data-testid="register-name" />
            <Button type="submit" variant="default" data-testid="register-search">{t("registration.search")}</Button>
          </Group>
        </form>
        <NumberInput label={t("registration.caseNumber")} min={1} value={filter.number ?? ""} onChange={(v) => setFilter({ ...filter, number: typeof v === "number" ? v : undefined })} w={160} />
        <Select label={t("registration.state")} clearable value={filter.state ?? null} onChange={(v) => setFilter({ ...filter, state: v ?? undefined })} data={REGISTER_STATES.map((s) => ({ value: s, label: t(`registration.states.${s}` as never) }))} w={220} />
        <SegmentedControl data-testid="register-cards" aria-label={t("registration.cards")} value={filter.cards ?? "all"} onChange={(v) => setFilter({ ...filter, cards: v === "all" ? undefined : (v as "due" | "overdue") })} data={[{ value: "all", label: t("registration.allCards") }, { value: "due", label: t("registration.status.due") }, { value: "overdue", label: t("registration.status.overdue") }]} />
      </Group>
      {list.error && <Alert color="red">{errorText(t, list.error)}</Alert>}
      <Table.ScrollContainer minWidth={520}>
        <Table striped data-testid="register-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("registration.caseNumber")}</Table.Th>
              <Table.Th>{t("registration.state")}</Table.Th>
              <Table.Th>{t("registration.art17")}</Table.Th>
              <Table.Th>{t("registration.nextCard")}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(list.data ?? []).map((e) => (
              <Table.Tr key={e.caseId}>
                <Table.Td>{e.number}</Table.Td>
                <Table.Td>{t(`registration.states.${e.state}` as never)}</Table.Td>
                <Table.Td>{e.art17Complete ? t("registration.complete") : t("registration.incomplete")}</Table.Td>
                <Table.Td data-testid="next-card"><NextCard e={e} /></Table.Td>
                <Table.Td><Button component={Link} to={`/registration/${e.caseId}`} size="xs" variant="default">{t("registration.openRecord")}</Button></Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {list.data?.length === 0 && <Text c="dimmed">{t("registration.empty")}</Text>}
      {can("pow_registration.export") && <ExportsCard />}
    </Stack>
  );
}

/**
 * The next card owed, with its state and deadline, and whether it was printed (a printed card is
 * still owed until it is recorded as sent); with none owed, the day the last one went.
 */
function NextCard({ e }: { e: RegisterEntry }) {
  const { t } = useTranslation();
  const c = e.nextCard;
  if (!c) return e.lastSentOn ? <Text size="sm">{t("registration.lastSent", { date: dayText(e.lastSentOn) })}</Text> : <>—</>;
  return (
    <Stack gap={2} align="flex-start">
      <Badge color={STATUS_COLOR[c.status]}>{t(`registration.status.${c.status}`)} · {new Date(c.dueAt).toLocaleDateString()}</Badge>
      <Text size="xs" c="dimmed">{c.agency.printedAt ? t("registration.copy.printedOn", { date: new Date(c.agency.printedAt).toLocaleDateString() }) : t("registration.copy.notPrinted")}</Text>
    </Stack>
  );
}
