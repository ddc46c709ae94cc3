import { createBrowserRouter, type RouteObject } from "react-router";
import { RequireCapability, RequireSession } from "./auth/RequireSession";
import { RouteError } from "./components/FullPage";
import { AppLayout } from "./layout/AppLayout";
import { SetupPage } from "./pages/SetupPage";
import { LoginPage } from "./pages/LoginPage";
import { EnrolPage } from "./pages/EnrolPage";
import { HomePage } from "./pages/HomePage";
import { StaffPage } from "./pages/staff/StaffPage";
import { AuditPage } from "./pages/audit/AuditPage";
import { RegisterPage } from "./pages/registration/RegisterPage";
import { RegistrationCasePage } from "./pages/registration/RegistrationCasePage";
import { RewardsPage } from "./pages/rewards/RewardsPage";
import { SchedulePage } from "./pages/rewards/SchedulePage";
import { NotFoundPage } from "./pages/NotFoundPage";
import { InboxPage } from "./pages/cases/InboxPage";
import { CasePage } from "./pages/cases/CasePage";
import { SearchPage } from "./pages/cases/SearchPage";
import { QueuePage } from "./pages/cases/QueuePage";
import { CallsPage } from "./pages/calls/CallsPage";
import { TeamsPage } from "./pages/admin/TeamsPage";
import { CannedRepliesPage } from "./pages/admin/CannedRepliesPage";
import { SettingsPage } from "./pages/admin/SettingsPage";
import { AccountPage } from "./pages/account/AccountPage";
import { AdmissionsPage } from "./pages/admissions/AdmissionsPage";
import { RetentionPage } from "./pages/retention/RetentionPage";
import { AnalyticsPage } from "./pages/analytics/AnalyticsPage";
import { OperationsPage } from "./pages/operations/OperationsPage";
import { OperationPage } from "./pages/operations/OperationPage";
import { PlanPage } from "./pages/operations/PlanPage";
import { EditOperationPage } from "./pages/operations/EditOperationPage";
import { VerificationQueuePage } from "./pages/verification/VerificationQueuePage";
import { VerificationCasePage } from "./pages/verification/VerificationCasePage";
import { SupervisionPage } from "./pages/verification/SupervisionPage";
import { WatchlistPage } from "./pages/verification/WatchlistPage";
import { ResettlementBoardPage } from "./pages/resettlement/ResettlementBoardPage";
import { ResettlementCasePage } from "./pages/resettlement/ResettlementCasePage";
import { QUEUE, type Requirement } from "./auth/permissions";
import type { ReactNode } from "react";

const guarded = (need: Requirement, page: ReactNode) => <RequireCapability need={need}>{page}</RequireCapability>;

/** Where the staff listener serves the console; every path below is relative to it. */
export const CONSOLE_BASE = "/console";

/** Pages inside the signed-in frame. A new section is a route here and a line in layout/nav.ts. */
const sections: RouteObject[] = [
  { index: true, element: <HomePage /> },
  { path: "cases", element: guarded("case.list", <InboxPage />) },
  { path: "cases/:id", element: guarded("case.read", <CasePage />) },
  { path: "search", element: guarded("case.list", <SearchPage />) },
  { path: "calls", element: guarded("case.create", <CallsPage />) },
  { path: "queue", element: guarded(QUEUE, <QueuePage />) },
  { path: "verification", element: guarded("verification.review", <VerificationQueuePage />) },
  { path: "verification/:id", element: guarded("verification.review", <VerificationCasePage />) },
  { path: "supervision", element: guarded("verification.decide", <SupervisionPage />) },
  { path: "watchlist", element: guarded("verification.watchlist", <WatchlistPage />) },
  { path: "teams", element: guarded("team.read", <TeamsPage />) },
  { path: "admissions", element: guarded("team.admit", <AdmissionsPage />) },
  { path: "canned-replies", element: guarded("canned_reply.manage", <CannedRepliesPage />) },
  { path: "settings", element: guarded("settings.manage", <SettingsPage />) },
  { path: "retention", element: guarded("retention.read", <RetentionPage />) },
  { path: "staff", element: guarded("staff.list", <StaffPage />) },
  { path: "audit", element: guarded("audit.read", <AuditPage />) },
  { path: "analytics", element: guarded("analytics.read", <AnalyticsPage />) },
  { path: "operations", element: guarded("rendezvous.read", <OperationsPage />) },
  { path: "operations/new", element: guarded("rendezvous.write", <PlanPage />) },
  { path: "operations/:id", element: guarded("rendezvous.read", <OperationPage />) },
  { path: "operations/:id/edit", element: guarded("rendezvous.write", <EditOperationPage />) },
  { path: "registration", element: guarded("pow_registration.read", <RegisterPage />) },
  { path: "registration/:id", element: guarded("pow_registration.read", <RegistrationCasePage />) },
  { path: "resettlement", element: guarded("resettlement.read", <ResettlementBoardPage />) },
  { path: "resettlement/:id", element: guarded("resettlement.read", <ResettlementCasePage />) },
  { path: "rewards", element: guarded("reward_claim.read", <RewardsPage />) },
  { path: "reward-schedule", element: guarded("reward_schedule.propose", <SchedulePage />) },
  { path: "account", element: <AccountPage /> },
  { path: "*", element: <NotFoundPage /> },
];

const routes: RouteObject[] = [
  {
    errorElement: <RouteError />,
    children: [
      // Before sign-in.
      { path: "/setup", element: <SetupPage /> },
      { path: "/login", element: <LoginPage /> },
      {
        path: "/enrol",
        element: (
          <RequireSession stage="enrol">
            <EnrolPage />
          </RequireSession>
        ),
      },
      // Signed in with two factors.
      {
        element: (
          <RequireSession stage="full">
            <AppLayout />
          </RequireSession>
        ),
        children: sections,
      },
    ],
  },
];

export function createConsoleRouter() {
  return createBrowserRouter(routes, { basename: CONSOLE_BASE });
}
