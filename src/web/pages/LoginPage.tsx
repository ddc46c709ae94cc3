import { Alert, Button, PasswordInput, Stack, Text, TextInput } from "@mantine/core";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Navigate, useLocation, useNavigate } from "react-router";
import { authApi } from "../api/auth";
import { useSession } from "../auth/session";
import { errorText } from "../components/errorText";
import { FullPageLoader } from "../components/FullPage";
import { PublicLayout } from "../layout/PublicLayout";

/** Only a path inside the console may be a "back to" target. */
function returnPath(state: unknown): string {
  const from = (state as { from?: unknown } | null)?.from;
  return typeof from === "string" && from.startsWith("/") && !from.startsWith("//") && !from.startsWith("/login") ? from : "/";
}

export function LoginPage() {
  const { t } = useTranslation();
  const { state, signedIn } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [totp, setTotp] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (state.status === "loading") return <FullPageLoader />;
  if (state.status === "signedIn" && !busy) return <Navigate to={state.session.stage === "enrol" ? "/enrol" : returnPath(location.state)} replace />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!username.trim() || !password) {
      setError(t("login.failed"));
      return;
    }
    setBusy(true);
    try {
      const session = await authApi.login({ username: username.trim(), password, ...(totp.trim() ? { totp: totp.trim() } : {}) });
      await signedIn(session);
      void navigate(session.stage === "enrol" ? "/enrol" : returnPath(location.state), { replace: true });
    } catch (err) {
      setError(errorText(t, err, { unauthenticated: t("login.failed"), validation_failed: t("login.failed") }));
      setTotp("");
    } finally {
      setBusy(false);
    }
  };

  return (
    <PublicLayout title={t("login.title")}>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack>
          <TextInput
            label={t("form.username")}
            value={username}
            onChange={(e) => setUsername(e.currentTarget.value)}
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            data-testid="login-username"
          />
          <PasswordInput label={t("form.password")} value={password} onChange={(e) => setPassword(e.currentTarget.value)} autoComplete="current-password" data-testid="login-password" />
          <TextInput
            label={t("form.totp")}
            description={t("login.totpOptional")}
            value={totp}
            onChange={(e) => setTotp(e.currentTarget.value.replace(/\s/g, ""))}
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
