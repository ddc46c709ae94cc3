/**
 * Verification (issue 11): is this request genuine, or a provocation? Importing this entry point
 * registers its guards on the case core (no verdict without two reviews), the round it opens
 * on entering `verifying` and the "needs verification" marker; the app imports it before any move can be made.
 */
import "./flow.js";
import "./recheck.js";
import "./marker.js";

export { handOverToVerification, recordCheck, recordReview, decideAsSupervisor } from "./commands.js";
export { verificationPanel, verificationQueue, supervisionQueue } from "./view.js";
export { listWatchlistHits } from "./watchlist.js";
export { addWatchlistEntry } from "./watchlist-entries.js";
export { recheckQueue } from "./recheck-queue.js";
export { recheckReasons } from "./recheck.js";
export { registerVerificationRoutes } from "./routes.js";
