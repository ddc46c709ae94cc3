import { Alert, Button, Loader, Group, PasswordInput, Stack, Text, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { setupAcceptBodySchema } from "../../shared/api/auth";
import { authApi, type SetupLinkInfo } from "../api/auth";
import { ApiError } from "../api/client";
import { useSession } from "../auth/session";
import { errorText, invalidFields } from "../components/errorText";
import { schemaValidate } from "../components/schemaValidate";
import { PublicLayout } from "../layout/PublicLayout";
import { RecoveryKeyStep } from "./RecoveryKeyStep";
import { isWeakPasswordError, PasswordStrengthMeter } from "../components/PasswordStrengthMeter";

const TOKEN_KEY = "safe-passage.setup-token";

/**
 * The token of a one-time link travels in the URL fragment (`#token=…`), which the browser never
 * sends to the server. It is taken out of the address bar at once and kept for this tab only, so
 * a reload still works but the history does not keep a usable link.
 */
function takeSetupToken(): string | null {
  const fromHash = new URLSearchParams(window.location.hash.replace(/^#/, "")).get("token");
  if (fromHash) {
    try {
      window.sessionStorage.setItem(TOKEN_KEY, fromHash);
    } catch {
      // Storage disabled: the token lives in memory only.
    }
    window.history.replaceState(window.history.state, "", `${window.location.pathname}${window.location.search}`);
    return fromHash;
  }
  try {
    return window.sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function forgetSetupToken() {
  try {
    window.sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Nothing was stored.
  }
}

type LinkState = { status: "checking" } | { status: "invalid" } | { status: "failed"; error: unknown } | { status: "ready"; info: SetupLinkInfo };

export function SetupPage() {
  const { t } = useTranslation();
  const [token] = useState(takeSetupToken);
  const [link, setLink] = useState<LinkState>(token ? { status: "checking" } : { status: "invalid" });

  useEffect(() => {
    if (!token) return;
    let live = true;
    authApi.inspectSetupLink(token).then(
      (info) => live && setLink({ status: "ready", info }),
      (error: unknown) => live && setLink(error instanceof ApiError && (error.code === "not_found" || error.code === "validation_failed") ? { status: "invalid" } : { status: "failed", error }),
    );
    return () => {
      live = false;
    };
  }, [token]);

  if (link.status === "ready" && token) return <SetupForm token={token} info={link.info} />;
  return (
    <PublicLayout title={t("setup.titleInvite")}>
      {link.status === "checking" && (
        <Group gap="sm">
          <Loader size="sm" />
          <Text>{t("setup.checking")}</Text>
        </Group>
      )}
      {link.status === "invalid" && (
        <Stack>
          <Alert color="red" title={t("setup.invalidLinkTitle")}>
            {t("setup.invalidLink")}
          </Alert>
          <Button component={Link} to="/login" variant="light">
            {t("setup.toLogin")}
          </Button>
        </Stack>
      )}
      {link.status === "failed" && <Alert color="red">{errorText(t, link.error)}</Alert>}
    </PublicLayout>
  );
}

interface SetupValues {
  username: string;
  displayName: string;
  password: string;
  repeat: string;
}
const body = (token: string, v: SetupValues) => ({ token, username: v.username.trim(), displayName: v.displayName.trim(), password: v.password });
const PROBLEM = { username: "form.usernameInvalid", displayName: "form.displayNameRequired", password: "form.passwordTooShort" } as const;

function SetupForm({ token, info }: { token: string; info: SetupLinkInfo }) {
  const { t } = useTranslation();
  const { refresh } = useSession();
  const navigate = useNavigate();
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [usernameError, setUsernameError] = useState<string | null>(null);
  const [recoveryKey, setRecoveryKey] = useState<string | null>(null);

  // The set-up body as the server validates it; once he has tried to send, the problems show as he types.
  const validate = schemaValidate(setupAcceptBodySchema, (v: SetupValues) => body(token, v), (f) => t(PROBLEM[f as keyof typeof PROBLEM] ?? "form.invalid"), (v, e) => {
    if (v.repeat !== v.password) e.repeat = t("form.passwordMismatch");
  });
  const form = useForm<SetupValues>({ initialValues: { username: info.username ?? "", displayName: "", password: "", repeat: "" }, validate });
  const problems = touched ? validate(form.values) : {};
  const show = (field: keyof SetupValues) => (problems[field] as string | undefined) ?? null;

  const submit = async (v: SetupValues) => {
    setError(null);
    setUsernameError(null);
    setBusy(true);
    try {
      const accepted = await authApi.acceptSetupLink(body(token, v));
      forgetSetupToken();
      await refresh();
      if (accepted.recoveryKey) setRecoveryKey(accepted.recoveryKey);
      else void navigate("/enrol", { replace: true });
    } catch (err) {
      if (err instanceof ApiError && err.code === "conflict") setUsernameError(t("setup.usernameTaken"));
      else if (invalidFields(err).includes("username")) setUsernameError(t("form.usernameInvalid"));
      else if (isWeakPasswordError(err, "password")) setError(t("form.passwordWeak"));
      else if (err instanceof ApiError && err.code === "validation_failed" && info.username) setUsernameError(t("setup.usernameMismatch"));
      else setError(errorText(t, err, { not_found: t("setup.invalidLink") }));
    } finally {
      setBusy(false);
    }
  };

  if (recoveryKey) return <RecoveryKeyStep recoveryKey={recoveryKey} onDone={() => void navigate("/enrol", { replace: true })} />;

  const roleName = t(`roles.${info.role}`);
  return (
    <PublicLayout title={info.firstAdmin ? t("setup.titleFirstAdmin") : t("setup.titleInvite")}>
      <form
        onSubmit={form.onSubmit(
          (v) => {
            setTouched(true);
            void submit(v);
          },
          () => {
            setTouched(true);
            setError(null);
            setUsernameError(null);
          },
        )}
        noValidate
      >
        <Stack>
          <Text>{info.firstAdmin ? t("setup.introFirstAdmin") : t("setup.introInvite", { role: roleName })}</Text>
          <TextInput
            label={t("form.username")}
            description={info.username === null ? t("form.usernameHint") : undefined}
            {...form.getInputProps("username")}
            readOnly={info.username !== null}
            variant={info.username === null ? "default" : "filled"}
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            error={usernameError ?? show("username")}
            data-testid="setup-username"
          />
          <TextInput
            label={t("form.displayName")}
            description={t("form.displayNameHint")}
            {...form.getInputProps("displayName")}
            autoComplete="name"
            error={show("displayName")}
            data-testid="setup-display-name"
          />
          <PasswordInput
            label={t("form.password")}
            description={t("form.passwordHint")}
            {...form.getInputProps("password")}
            autoComplete="new-password"
            error={show("password")}
            data-testid="setup-password"
          />
          <PasswordStrengthMeter value={form.values.password} personal={[form.values.username, form.values.displayName]} />
          <PasswordInput
            label={t("form.passwordRepeat")}
            {...form.getInputProps("repeat")}
            autoComplete="new-password"
            error={show("repeat")}
            data-testid="setup-password-repeat"
          />
          {error && <Alert color="red">{error}</Alert>}
          <Button type="submit" loading={busy}>
            {t("setup.submit")}
          </Button>
        </Stack>
      </form>
    </PublicLayout>
  );
}
