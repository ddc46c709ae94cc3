import { Alert, Anchor, Grid, Loader, Paper, Stack, Text } from "@mantine/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";
import { casesApi, type CaseDetail, type Duplicate } from "../../api/cases";
import { ApiError } from "../../api/client";
import { useCaseEvents, useLiveConnected } from "../../api/live";
import { keys } from "../../api/queryClient";
import { useCan } from "../../auth/permissions";
import { useSignedIn } from "../../auth/session";
import { errorText } from "../../components/errorText";
import { useConsoleHotkeys } from "../../components/Shortcuts";
import { usePageTitle } from "../../components/usePageTitle";
import { NoAccessPage } from "../NoAccessPage";
import { NotFoundPage } from "../NotFoundPage";
import { CaseHeader } from "./CaseHeader";
import { AssignModal, MergeModal, TransitionModal } from "./CaseModals";
import { AttachmentsCard, DuplicatesCard } from "./CaseSidebar";
import { SectionsCard } from "./SectionsCard";
import { Composer, type ComposerHandle } from "./Composer";
import { neighbourCase } from "./inboxOrder";
import { Timeline } from "./Timeline";
import { CaseCallsCard } from "../calls/CaseCallsCard";

/** One case: its timeline, the reply box, the actions, and what the role may read of it. */
export function CasePage() {
  const { id = "" } = useParams();
  // A fresh view per case: nothing of the previous case (its duplicates, its draft) lingers.
  return <CaseView key={id} id={id} />;
}

/**
 * After my own change: the live stream will bring the event that marks the case stale, so the
 * case is read once for it; without the stream, read it now.
 */
function useCaseChanged(id: string) {
  const queryClient = useQueryClient();
  const live = useLiveConnected();
  return () => {
    if (!live) void queryClient.invalidateQueries({ queryKey: keys.case(id) }, { cancelRefetch: false });
  };
}

function CaseView({ id }: { id: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const shown = useRef(false);
  // Opening a case is an audited read: it is fetched once per opening and once per change.
  const query = useQuery({ queryKey: keys.caseDetail(id), queryFn: () => casesApi.get(id) });
  const c = query.data;
  if (c) shown.current = true;
  usePageTitle(c ? t("case.title", { number: c.number }) : t("case.loading"));

  // A change in a case merged into this one shows here too.
  useCaseEvents((e) => {
    if (e.type !== "case.read" && c?.mergedSources.some((s) => s.id === e.caseId)) void queryClient.invalidateQueries({ queryKey: keys.case(id) }, { cancelRefetch: false });
  });

  const err = query.error;
  if (err instanceof ApiError && err.code === "forbidden") return <NoAccessPage />;
  if (err instanceof ApiError && err.code === "not_found") {
    // Handed to a team outside my scope a moment ago: back to the inbox rather than "not found".
    if (shown.current) {
      void navigate("/cases", { replace: true });
      return null;
    }
    return <NotFoundPage />;
  }
  if (!c) return err ? <Alert color="red">{errorText(t, err)}</Alert> : <Loader aria-label={t("app.loading")} />;
  return <CaseBody c={c} error={err} />;
}

function CaseBody({ c, error }: { c: CaseDetail; error: unknown }) {
  const { t } = useTranslation();
  const { user } = useSignedIn();
  const can = useCan();
  const navigate = useNavigate();
  const changed = useCaseChanged(c.id);
  const [modal, setModal] = useState<"transition" | "assign" | null>(null);
  const [merging, setMerging] = useState<Duplicate | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const composer = useRef<ComposerHandle>(null);
  const active = c.state !== "merged";

  const assignMe = async () => {
    if (!active || !can("case.assign") || c.assignedUserId === user.id) return;
    try {
      setActionError(null);
      await casesApi.assign(c.id, { userId: user.id });
      changed();
    } catch (err) {
      setActionError(err);
    }
  };
  const go = (step: 1 | -1) => {
    const next = neighbourCase(c.id, step);
    if (next) void navigate(`/cases/${next}`);
  };
  useConsoleHotkeys([
    ["r", () => composer.current?.focus("reply")],
    ["n", () => composer.current?.focus("note")],
    ["a", () => void assignMe()],
    ["e", () => active && can("case.transition") && setModal("transition")],
    ["j", () => go(1)],
    ["k", () => go(-1)],
    ["escape", () => void navigate("/cases")],
  ]);
  const shownError = actionError ?? error;

  return (
    <Stack maw={1400}>
      <CaseHeader c={c} onAssignMe={() => void assignMe()} onOpen={setModal} />
      {shownError ? <Alert color="red">{errorText(t, shownError)}</Alert> : null}
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
              <Timeline c={c} canRetry={active && can("case.reply")} onRetried={changed} />
            </Paper>
            <Composer ref={composer} c={c} canReply={can("case.reply")} canNote={can("case.note")} onSent={changed} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Stack>
            <SectionsCard c={c} />
            <DuplicatesCard c={c} canMerge={can("case.merge")} onMerge={setMerging} />
            <AttachmentsCard c={c} canAdd={can("case.note")} />
            <CaseCallsCard caseId={c.id} canLog={active && can("case.create")} onLogged={changed} />
            {can("reward_claim.assess") && (
              <Anchor component={Link} to={`/rewards?case=${encodeURIComponent(c.id)}&number=${c.number}`} data-testid="open-reward-claim">
                {t("rewards.new.open")}
              </Anchor>
            )}
            {can("resettlement.read") && (
              <Anchor component={Link} to={`/resettlement/${c.id}`} data-testid="open-resettlement">
                {t("resettlement.openFile")}
              </Anchor>
            )}
          </Stack>
        </Grid.Col>
      </Grid>

      <TransitionModal c={c} opened={modal === "transition"} onClose={() => setModal(null)} onDone={() => (setModal(null), changed())} />
      <AssignModal c={c} opened={modal === "assign"} onClose={() => setModal(null)} onDone={() => (setModal(null), changed())} />
      <MergeModal
        c={c}
        other={merging}
        onClose={() => setMerging(null)}
        onDone={(target) => {
          setMerging(null);
          if (target === c.id) changed();
          else void navigate(`/cases/${target}`);
        }}
      />
    </Stack>
  );
}
