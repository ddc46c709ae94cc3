import { Alert, Button, Code, CopyButton, Group, Loader, Stack, Text, TextInput } from "@mantine/core";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { authApi, type TotpEnrolment } from "../api/auth";
import { ApiError } from "../api/client";
import { useSession } from "../auth/session";
import { errorText } from "../components/errorText";
import { QrImage } from "../components/QrImage";
import { PublicLayout } from "../layout/PublicLayout";

const CODE = /^\d{6}$/;

/** Groups of four, as authenticator apps show keys: easier to type without losing one's place. */
function groupSecret(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, "$1 ");
}

export function EnrolPage() {
  const { t } = useTranslation();
  const { refresh, signOut } = useSession();
  const navigate = useNavigate();
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [code, setCode] = useState("");
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const started = useRef(false);

  useEffect(() => {
    // Each call makes a new secret and voids the last: ask once per visit, even under StrictMode.
    if (started.current) return;
    started.current = true;
    authApi.beginTotp().then(setEnrolment, setLoadError);
  }, []);

  const codeProblem = CODE.test(code.trim()) ? null : t("form.totpInvalid");

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    setError(null);
    if (codeProblem) return;
    setBusy(true);
    try {
      await authApi.confirmTotp(code.trim());
      await refresh();
      void navigate("/", { replace: true });
    } catch (err) {
      setError(err instanceof ApiError && err.code === "validation_failed" ? t("enrol.wrongCode") : errorText(t, err));
      setCode("");
      setTouched(false);
    } finally {
      setBusy(false);
    }
  };

  // Signed out, the session guard around this page sends the person to the login page.
  const leave = () => signOut().catch(() => {});

  return (
    <PublicLayout title={t("enrol.title")}>
      <Stack>
        <Text>{t("enrol.intro")}</Text>
        {loadError !== null && <Alert color="red">{errorText(t, loadError)}</Alert>}
        {!enrolment && loadError === null && (
          <Group gap="sm">
            <Loader size="sm" />
            <Text>{t("enrol.preparing")}</Text>
          </Group>
        )}
        {enrolment && (
          <>
            <Text fw={500}>{t("enrol.step1")}</Text>
            <QrImage svg={enrolment.qrSvg} alt={t("enrol.qrAlt")} size={220} />
            <Text size="sm" c="dimmed">
              {t("enrol.secretLabel")}
            </Text>
            {/* The whole key, wrapped by groups on a narrow screen: never cut off. */}
            <Code block fz="md" data-testid="totp-secret" style={{ letterSpacing: "0.05em", whiteSpace: "pre-wrap", wordBreak: "normal", overflowWrap: "anywhere" }}>
              {groupSecret(enrolment.secret)}
            </Code>
            <CopyButton value={enrolment.secret}>
              {({ copied, copy }) => (
                <Button variant="light" size="xs" w="fit-content" onClick={copy} color={copied ? "teal" : undefined}>
                  {copied ? t("enrol.copied") : t("enrol.copy")}
                </Button>
              )}
            </CopyButton>
            <form onSubmit={(e) => void submit(e)} noValidate>
              <Stack>
                <Text fw={500}>{t("enrol.step2")}</Text>
                <TextInput
                  label={t("form.totp")}
                  description={t("form.totpHint")}
                  value={code}
                  onChange={(e) => {
                    setCode(e.currentTarget.value.replace(/\s/g, ""));
                    setError(null);
                  }}
                  inputMode="numeric"
                  autoComplete="one-time-code"
                  maxLength={6}
                  // One error at a time: the server's answer, else what is wrong with what was typed.
                  error={error ?? (touched ? codeProblem : null)}
                  data-testid="totp-code"
                />
                <Button type="submit" loading={busy}>
                  {t("enrol.submit")}
                </Button>
              </Stack>
            </form>
          </>
        )}
        <Button variant="subtle" color="gray" onClick={() => void leave()}>
          {t("enrol.cancel")}
        </Button>
      </Stack>
    </PublicLayout>
  );
}
