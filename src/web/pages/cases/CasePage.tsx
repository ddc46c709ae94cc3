import { Alert, Anchor, Button, Grid, Group, Loader, Paper, Stack, Text, Title } from "@mantine/core";
import { useCallback, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";
import { casesApi, type CaseDetail, type Duplicate } from "../../api/cases";
import { ApiError } from "../../api/client";
import { useCaseEvents } from "../../api/live";
import { can } from "../../auth/permissions";
import { useSignedIn } from "../../auth/session";
import { errorText } from "../../components/errorText";
import { useConsoleHotkeys, useShowShortcuts } from "../../components/Shortcuts";
import { usePageTitle } from "../../components/usePageTitle";
import { NotFoundPage } from "../NotFoundPage";
import { AssignModal, MergeModal, TransitionModal } from "./CaseModals";
import { AttachmentsCard, DuplicatesCard, SectionsCard } from "./CaseSidebar";
import { Composer, type ComposerHandle } from "./Composer";
import { ChannelLabel, DueBadge, StateBadge, useNow } from "./format";
import { neighbourCase } from "./inboxOrder";
import { Timeline } from "./Timeline";
import { CaseCallsCard } from "../calls/CaseCallsCard";

/** One case: its timeline, the reply box, the actions, and what the role may read of it. */
export function CasePage() {
  const { id = "" } = useParams();
  // A fresh view per case: nothing of the previous case (its duplicates, its draft) lingers.
  return <CaseView key={id} id={id} />;
}

function CaseView({ id }: { id: string }) {
  const { t } = useTranslation();
  const { user } = useSignedIn();
  const navigate = useNavigate();
  const showHelp = useShowShortcuts();
  const [c, setC] = useState<CaseDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [modal, setModal] = useState<"transition" | "assign" | null>(null);
  const [merging, setMerging] = useState<Duplicate | null>(null);
  const [reloadKey, setReloadKey] = useState(0);
  const composer = useRef<ComposerHandle>(null);
  const now = useNow();
  usePageTitle(c ? t("case.title", { number: c.number }) : t("case.loading"));

  const shown = useRef(false);
  const load = useCallback(async () => {
    try {
      setC(await casesApi.get(id));
      shown.current = true;
      setError(null);
    } catch (err) {
      // Handed to a team outside my scope a moment ago: back to the inbox rather than "not found".
      if (shown.current && err instanceof ApiError && err.code === "not_found") void navigate("/cases", { replace: true });
      else setError(err);
    }
  }, [id, navigate]);
  useEffect(() => {
    setC(null);
    setError(null);
    shown.current = false;
    void load();
  }, [load]);

  const refresh = () => {
    void load();
    setReloadKey((k) => k + 1);
  };
  useCaseEvents((e) => {
    if (e.type === "case.read") return;
    if (e.caseId === id || c?.mergedSources.some((s) => s.id === e.caseId)) refresh();
  });

  const may = (cap: Parameters<typeof can>[1]) => can(user.role, cap);
  const active = c !== null && c.state !== "merged";
  const assignMe = async () => {
    if (!c || !active || !may("cases.assign") || c.assignedUserId === user.id) return;
    try {
      await casesApi.assign(c.id, { userId: user.id });
      refresh();
    } catch (err) {
      setError(err);
    }
  };
  const go = (step: 1 | -1) => {
    const next = neighbourCase(id, step);
    if (next) void navigate(`/cases/${next}`);
  };
  useConsoleHotkeys([
    ["r", () => composer.current?.focus("reply")],
    ["n", () => composer.current?.focus("note")],
    ["a", () => void assignMe()],
    ["e", () => active && may("cases.transition") && setModal("transition")],
    ["j", () => go(1)],
    ["k", () => go(-1)],
    ["escape", () => void navigate("/cases")],
  ]);

  if (error instanceof ApiError && error.code === "not_found") return <NotFoundPage />;
  if (!c) return error !== null ? <Alert color="red">{errorText(t, error)}</Alert> : <Loader aria-label={t("app.loading")} />;

  return (
    <Stack maw={1400}>
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Anchor component={Link} to="/cases" size="sm">
            ← {t("case.back")}
          </Anchor>
          <Group gap="sm">
            <Title order={1} size="h2" data-testid="case-title">
              {t("case.title", { number: c.number })}
            </Title>
            <StateBadge state={c.state} />
            <DueBadge c={c} now={now} hideEmpty />
          </Group>
          <Group gap="md">
            <ChannelLabel channel={c.channel} />
            <Text size="sm">
              {t("case.team")}: {t(`teamNames.${c.teamId}`)}
            </Text>
            <Text size="sm" data-testid="case-assignee">
              {t("case.assignee")}: {c.assigneeName ?? t("inbox.unassigned")}
            </Text>
          </Group>
        </Stack>
        {active && (
          <Group gap="xs">
            {may("cases.assign") && c.assignedUserId !== user.id && (
              <Button variant="light" onClick={() => void assignMe()} data-testid="assign-me">
                {t("case.actions.assignMe")}
              </Button>
            )}
            {may("cases.assign") && (
              <Button variant="default" onClick={() => setModal("assign")} data-testid="assign-open">
                {t("case.actions.assign")}
              </Button>
            )}
            {may("cases.transition") && (
              <Button variant="default" onClick={() => setModal("transition")} data-testid="transition-open">
                {t("case.actions.state")}
              </Button>
            )}
            <Button variant="subtle" size="compact-sm" onClick={showHelp}>
              {t("shortcuts.open")}
            </Button>
          </Group>
        )}
      </Group>

      {error !== null && <Alert color="red">{errorText(t, error)}</Alert>}
      {c.mergedInto && (
        <Alert color="grape" data-testid="merged-banner">
          {t("case.mergedInto", { number: c.mergedIntoNumber ?? "?" })}{" "}
          <Anchor component={Link} to={`/cases/${c.mergedInto}`}>
            {t("case.openTarget")}
          </Anchor>
        </Alert>
      )}
      {c.mergedSources.length > 0 && (
        <Text size="sm" c="dimmed" data-testid="merged-sources">
          {t("case.includes", { numbers: c.mergedSources.map((s) => `#${s.number}`).join(", ") })}
          {c.mergedSources.some((s) => !s.readable) ? ` ${t("case.someUnreadable")}` : ""}
        </Text>
      )}

      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Stack>
            <Paper withBorder p="md" mah="62vh" style={{ overflowY: "auto", display: "flex", flexDirection: "column" }}>
              <Timeline c={c} canRetry={active && may("cases.reply")} onRetried={refresh} />
            </Paper>
            <Composer ref={composer} c={c} canReply={may("cases.reply")} canNote={may("cases.note")} onSent={refresh} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Stack>
            <SectionsCard c={c} />
            <DuplicatesCard c={c} canMerge={may("cases.merge")} onMerge={setMerging} reloadKey={reloadKey} />
            <AttachmentsCard c={c} canAdd={may("cases.note")} reloadKey={reloadKey} />
            <CaseCallsCard caseId={c.id} canLog={active && may("calls.log")} reloadKey={reloadKey} onLogged={refresh} />
          </Stack>
        </Grid.Col>
      </Grid>

      <TransitionModal c={c} opened={modal === "transition"} onClose={() => setModal(null)} onDone={() => (setModal(null), refresh())} />
      <AssignModal c={c} opened={modal === "assign"} onClose={() => setModal(null)} onDone={() => (setModal(null), refresh())} />
      <MergeModal
        c={c}
        other={merging}
        onClose={() => setMerging(null)}
        onDone={(target) => {
          setMerging(null);
          if (target === c.id) refresh();
          else void navigate(`/cases/${target}`);
        }}
      />
    </Stack>
  );
}
