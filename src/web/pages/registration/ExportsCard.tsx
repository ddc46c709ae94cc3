import { Alert, Button, Card, Group, SegmentedControl, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { exportRangeSchema } from "../../../shared/registration";
import { registrationApi, saveBlob, type BureauExport } from "../../api/registration";
import { useSignedIn } from "../../auth/session";
import { errorText } from "../../components/errorText";
import { ApiError } from "../../api/client";
import { schemaValidate } from "../../components/schemaValidate";

/**
 * The national information bureau's list (Art. 122), four eyes: one registrar asks for a range,
 * another approves it, the first downloads it once, in plain or encrypted to the bureau's key.
 * The file goes straight to this browser; the server keeps no copy.
 */
export function ExportsCard() {
  const { t } = useTranslation();
  const { user } = useSignedIn();
  const list = useQuery({ queryKey: ["registration-exports"], queryFn: () => registrationApi.exports() });
  const [error, setError] = useState<unknown>(null);
  const [format, setFormat] = useState<"csv" | "json">("csv");
  const [recipient, setRecipient] = useState("");
  const form = useForm({ initialValues: { from: "", to: "" }, validate: schemaValidate(exportRangeSchema, (v) => v, () => t("registration.exports.badRange")) });
  const act = async (f: () => Promise<unknown>) => {
    setError(null);
    try {
      await f();
      await list.refetch();
    } catch (err) {
      setError(err);
    }
  };
  const run = (e: BureauExport) => act(async () => saveBlob(await registrationApi.runExport(e.id, format, recipient.trim() || undefined), `bureau-${e.fromDate}-${e.toDate}.${format}${recipient.trim() ? ".sp" : ""}`));
  return (
    <Card withBorder data-testid="exports">
      <Stack>
        <Title order={2} size="h4">{t("registration.exports.title")}</Title>
        <Text size="sm" c="dimmed">{t("registration.exports.hint")}</Text>
        <form onSubmit={form.onSubmit((v) => void act(() => registrationApi.requestExport(v.from, v.to)))} noValidate>
          <Group align="flex-end">
            <TextInput type="date" label={t("registration.exports.from")} withAsterisk {...form.getInputProps("from")} />
            <TextInput type="date" label={t("registration.exports.to")} withAsterisk {...form.getInputProps("to")} />
            <Button type="submit" data-testid="export-request">{t("registration.exports.request")}</Button>
          </Group>
        </form>
        <Group align="flex-end">
          <SegmentedControl aria-label={t("registration.exports.format")} value={format} onChange={(v) => setFormat(v as "csv" | "json")} data={[{ value: "csv", label: "CSV" }, { value: "json", label: "JSON" }]} />
          <TextInput label={t("registration.exports.recipient")} description={t("registration.exports.recipientHint")} value={recipient} onChange={(e) => setRecipient(e.currentTarget.value)} w={420} />
        </Group>
        {error ? <Alert color="red" role="alert">{errorText(t, error, withheldText(t, error))}</Alert> : null}
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("registration.exports.range")}</Table.Th>
              <Table.Th>{t("registration.exports.status")}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(list.data ?? []).map((e) => (
              <Table.Tr key={e.id}>
                <Table.Td>{e.fromDate} – {e.toDate}</Table.Td>
                <Table.Td>{t(`registration.exports.${e.runAt ? "done" : e.approvedAt ? "approved" : "waiting"}`)}</Table.Td>
                <Table.Td>
                  {!e.approvedAt && e.requestedBy !== user.id && <Button size="xs" variant="default" onClick={() => void act(() => registrationApi.approveExport(e.id))}>{t("registration.exports.approve")}</Button>}
                  {e.approvedAt && !e.runAt && e.requestedBy === user.id && <Button size="xs" onClick={() => void run(e)}>{t("registration.exports.download")}</Button>}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Stack>
    </Card>
  );
}

/** A run refused because some prisoners of the range are not his to open: say how many (the server never says who). */
function withheldText(t: TFunction, err: unknown) {
  const withheld = err instanceof ApiError ? (err.details as { withheld?: unknown } | undefined)?.withheld : undefined;
  return typeof withheld === "number" ? { conflict: t("registration.exports.withheld", { n: withheld }) } : {};
}
