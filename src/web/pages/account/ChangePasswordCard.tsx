import { Alert, Button, Card, PasswordInput, Stack, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useMutation } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { passwordChangeBodySchema } from "../../../shared/api/auth";
import { authApi } from "../../api/auth";
import { ApiError, setCsrfToken } from "../../api/client";
import { errorText } from "../../components/errorText";
import { isWeakPasswordError, PasswordStrengthMeter } from "../../components/PasswordStrengthMeter";
import { schemaValidate } from "../../components/schemaValidate";

/**
 * Change one's own password: the server re-wraps the private key under the new one (nothing is
 * re-encrypted) and answers with a new session, so this one goes on and the others end.
 */
export function ChangePasswordCard() {
  const { t } = useTranslation();
  const form = useForm({
    initialValues: { current: "", next: "", repeat: "" },
    validate: schemaValidate(
      passwordChangeBodySchema,
      (v: { current: string; next: string; repeat: string }) => ({ current: v.current, next: v.next }),
      (f) => (f === "next" ? t("account.password.tooShort") : t("form.invalid")),
      (v, errors) => {
        if (!errors.next && v.next !== v.repeat) errors.repeat = t("account.password.mismatch");
      },
    ),
  });
  const change = useMutation({
    mutationFn: (v: { current: string; next: string }) => authApi.changePassword(v),
    onSuccess: (r) => {
      setCsrfToken(r.csrfToken);
      form.reset();
    },
  });
  const weak = isWeakPasswordError(change.error, "next");
  const wrongCurrent = !weak && change.error instanceof ApiError && (change.error.code === "unauthenticated" || change.error.code === "validation_failed" || change.error.code === "forbidden");

  return (
    <Card withBorder padding="md" data-testid="change-password">
      <Title order={2} size="h4" mb="sm">
        {t("account.password.title")}
      </Title>
      <form onSubmit={form.onSubmit((v) => change.mutate({ current: v.current, next: v.next }))} noValidate>
        <Stack maw={420}>
          <PasswordInput
            label={t("account.password.current")}
            autoComplete="current-password"
            data-testid="password-current"
            {...form.getInputProps("current")}
            error={form.errors.current ?? (wrongCurrent ? t("account.password.wrongCurrent") : undefined)}
          />
          <PasswordInput
            label={t("account.password.next")}
            description={t("form.passwordHint")}
            autoComplete="new-password"
            data-testid="password-next"
            {...form.getInputProps("next")}
            error={form.errors.next ?? (weak ? t("form.passwordWeak") : undefined)}
          />
          <PasswordStrengthMeter value={form.values.next} personal={[]} />
          <PasswordInput label={t("account.password.repeat")} autoComplete="new-password" data-testid="password-repeat" {...form.getInputProps("repeat")} />
          {change.error && !wrongCurrent && !weak && <Alert color="red">{errorText(t, change.error)}</Alert>}
          {change.isSuccess && (
            <Alert color="teal" data-testid="password-changed">
              {t("account.password.done")}
            </Alert>
          )}
          <Button type="submit" loading={change.isPending} w="fit-content" data-testid="password-submit">
            {t("account.password.submit")}
          </Button>
        </Stack>
      </form>
    </Card>
  );
}
