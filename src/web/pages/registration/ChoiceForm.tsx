import { Alert, Button, Fieldset, Group, MultiSelect, Radio, Stack, Text, TextInput, Textarea } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { CHOICES, choiceWriteSchema } from "../../../shared/registration";
import { ApiError } from "../../api/client";
import { casesApi } from "../../api/cases";
import { registrationApi, type ChoiceWrite } from "../../api/registration";
import { useCan } from "../../auth/permissions";
import { errorText } from "../../components/errorText";
import { schemaValidate } from "../../components/schemaValidate";

/** The roles his choice may be sealed to; the server checks each person again. */
const NEED_TO_KNOW = ["registrar", "resettlement_officer"];
interface Values {
  choice: ChoiceWrite["choice"] | "";
  date: string;
  words: string;
  shareWith: string[];
}
const toBody = (v: Values) => ({ choice: v.choice, date: v.date, ...(v.words.trim() ? { words: v.words.trim() } : {}), shareWith: v.shareWith });

/**
 * His choice: exchange, staying in Ukraine or a third country, with the date and his own words.
 * Sealed to the registrar who writes it and to the people he names; nobody else, on this page or
 * anywhere, sees it. It is read only when the registrar asks to see it (each read is audited).
 */
export function ChoiceForm({ caseId }: { caseId: string }) {
  const { t } = useTranslation();
  const can = useCan();
  const [shown, setShown] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const current = useQuery({ queryKey: ["registration-choice", caseId], queryFn: () => registrationApi.choice(caseId), enabled: shown, retry: false });
  const people = useQuery({ queryKey: ["assignees"], queryFn: () => casesApi.assignees(), enabled: can("case.assign") });
  const form = useForm<Values>({
    initialValues: { choice: "", date: "", words: "", shareWith: [] },
    validate: schemaValidate(choiceWriteSchema, toBody, (f) => t(`registration.choice.problems.${f === "choice" || f === "date" ? f : "other"}`)),
  });
  const submit = async (v: Values) => {
    setError(null);
    setSaved(false);
    try {
      await registrationApi.recordChoice(caseId, choiceWriteSchema.parse(toBody(v)));
      setSaved(true);
      form.setFieldValue("words", "");
      if (shown) void current.refetch();
    } catch (err) {
      setError(errorText(t, err, { conflict: t("registration.choice.conflict") }));
    }
  };
  const noChoice = current.error instanceof ApiError && current.error.code === "not_found";
  return (
    <Fieldset legend={t("registration.choice.title")} data-testid="choice">
      <Stack>
        <Text size="sm" c="dimmed">{t("registration.choice.sealed")}</Text>
        {can("pow_choice.read") && !shown && <Group><Button variant="default" onClick={() => setShown(true)} data-testid="choice-show">{t("registration.choice.show")}</Button></Group>}
        {shown && current.data && (
          <Text data-testid="choice-current">
            {t(`registration.choice.options.${current.data.choice}`)} · {current.data.date}{current.data.words ? ` · «${current.data.words}»` : ""}
          </Text>
        )}
        {shown && noChoice && <Text c="dimmed">{t("registration.choice.none")}</Text>}
        {shown && current.error && !noChoice && <Alert color="red">{errorText(t, current.error)}</Alert>}
        {can("pow_choice.write") && (
          <form onSubmit={form.onSubmit((v) => void submit(v))} noValidate data-testid="choice-form">
            <Stack>
              <Radio.Group label={t("registration.choice.label")} withAsterisk {...form.getInputProps("choice")}>
                <Group mt="xs">
                  {CHOICES.map((c) => <Radio key={c} value={c} label={t(`registration.choice.options.${c}`)} />)}
                </Group>
              </Radio.Group>
              <TextInput type="date" label={t("registration.choice.date")} withAsterisk {...form.getInputProps("date")} />
              <Textarea label={t("registration.choice.words")} autosize minRows={2} {...form.getInputProps("words")} />
              <MultiSelect
                label={t("registration.choice.shareWith")}
                description={t("registration.choice.shareHint")}
                data={(people.data ?? []).filter((p) => NEED_TO_KNOW.includes(p.role)).map((p) => ({ value: p.id, label: p.displayName }))}
                searchable
                {...form.getInputProps("shareWith")}
              />
              {error && <Alert color="red" role="alert">{error}</Alert>}
              {saved && <Text c="green" role="status">{t("registration.choice.saved")}</Text>}
              <Group><Button type="submit" data-testid="choice-save">{t("registration.choice.save")}</Button></Group>
            </Stack>
          </form>
        )}
      </Stack>
    </Fieldset>
  );
}
