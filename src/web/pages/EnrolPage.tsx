import { Alert, Button, Code, CopyButton, Group, Loader, Stack, Text, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { totpConfirmBodySchema } from "../../shared/api/auth";
import { authApi, type TotpEnrolment } from "../api/auth";
import { ApiError } from "../api/client";
import { useSession } from "../auth/session";
import { errorText } from "../components/errorText";
import { schemaValidate } from "../components/schemaValidate";
import { QrImage } from "../components/QrImage";
import { PublicLayout } from "../layout/PublicLayout";

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

  // The confirmation body as the server validates it (six digits).
  const validate = schemaValidate(totpConfirmBodySchema, (v: { code: string }) => ({ code: v.code.trim() }), () => t("form.totpInvalid"));
  const form = useForm({ initialValues: { code: "" }, validate });
  const codeProblem = (validate(form.values).code as string | undefined) ?? null;

  const submit = async (v: { code: string }) => {
    setBusy(true);
    try {
      await authApi.confirmTotp(v.code.trim());
      await refresh();
      void navigate("/", { replace: true });
    } catch (err) {
      setError(err instanceof ApiError && err.code === "validation_failed" ? t("enrol.wrongCode") : errorText(t, err));
      form.setFieldValue("code", "");
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
            <form
              onSubmit={form.onSubmit(
                (v) => {
                  setTouched(true);
                  setError(null);
                  void submit(v);
                },
                () => {
                  setTouched(true);
                  setError(null);
                },
              )}
              noValidate
            >
              <Stack>
                <Text fw={500}>{t("enrol.step2")}</Text>
                <TextInput
                  label={t("form.totp")}
                  description={t("form.totpHint")}
                  {...form.getInputProps("code")}
                  onChange={(e) => {
                    form.setFieldValue("code", e.currentTarget.value.replace(/\s/g, ""));
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
