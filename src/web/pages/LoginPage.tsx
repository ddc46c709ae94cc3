import { Alert, Button, PasswordInput, Stack, Text, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Navigate, useLocation, useNavigate } from "react-router";
import { loginBodySchema } from "../../shared/api/auth";
import { authApi } from "../api/auth";
import { useSession } from "../auth/session";
import { errorText } from "../components/errorText";
import { schemaValidate } from "../components/schemaValidate";
import { FullPageLoader } from "../components/FullPage";
import { PublicLayout } from "../layout/PublicLayout";

/** Only a path inside the console may be a "back to" target. */
function returnPath(state: unknown): string {
  const from = (state as { from?: unknown } | null)?.from;
  return typeof from === "string" && from.startsWith("/") && !from.startsWith("//") && !from.startsWith("/login") ? from : "/";
}

interface LoginForm {
  username: string;
  password: string;
  totp: string;
}
const body = (v: LoginForm) => ({ username: v.username.trim(), password: v.password, ...(v.totp.trim() ? { totp: v.totp.trim() } : {}) });

export function LoginPage() {
  const { t } = useTranslation();
  const { state, signedIn } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // The sign-in body as the server validates it; a refused form says only "wrong", as the server does.
  const form = useForm<LoginForm>({ initialValues: { username: "", password: "", totp: "" }, validate: schemaValidate(loginBodySchema, body, () => "") });

  if (state.status === "loading") return <FullPageLoader />;
  if (state.status === "signedIn" && !busy) return <Navigate to={state.session.stage === "enrol" ? "/enrol" : returnPath(location.state)} replace />;

  const submit = async (v: LoginForm) => {
    setError(null);
    setBusy(true);
    try {
      const session = await authApi.login(body(v));
      await signedIn(session);
      void navigate(session.stage === "enrol" ? "/enrol" : returnPath(location.state), { replace: true });
    } catch (err) {
      setError(errorText(t, err, { unauthenticated: t("login.failed"), validation_failed: t("login.failed") }));
      form.setFieldValue("totp", "");
    } finally {
      setBusy(false);
    }
  };

  return (
    <PublicLayout title={t("login.title")}>
      <form onSubmit={form.onSubmit((v) => void submit(v), () => setError(t("login.failed")))} noValidate>
        <Stack>
          <TextInput
            label={t("form.username")}
            {...form.getInputProps("username")}
            error={undefined}
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            data-testid="login-username"
          />
          <PasswordInput label={t("form.password")} {...form.getInputProps("password")} error={undefined} autoComplete="current-password" data-testid="login-password" />
          <TextInput
            label={t("form.totp")}
            description={t("login.totpOptional")}
            {...form.getInputProps("totp")}
            error={undefined}
            onChange={(e) => form.setFieldValue("totp", e.currentTarget.value.replace(/\s/g, ""))}
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
            data-testid="login-totp"
          />
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          <Button type="submit" loading={busy}>
            {t("login.submit")}
          </Button>
          <Text size="sm" c="dimmed">
            {t("login.noAccount")}
          </Text>
        </Stack>
      </form>
    </PublicLayout>
  );
}
