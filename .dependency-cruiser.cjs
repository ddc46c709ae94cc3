/**
 * The import boundaries of the code base (ARCHITECTURE.md): checked by `npm run lint:deps`,
 * which `npm run check` (and so CI) runs. test/unit-only/boundaries.test.ts proves that each
 * rule fails on a deliberate violation.
 */
module.exports = {
  forbidden: [
    {
      name: "cases-through-entry-point",
      comment:
        "Capability folders work on cases only through src/server/cases/index.ts: the case core's internals (sections, keys, transitions, change records) stay behind one door.",
      severity: "error",
      from: { path: "^src/", pathNot: "^src/server/cases/" },
      to: { path: "^src/server/cases/", pathNot: "^src/server/cases/index\\.ts$" },
    },
    {
      name: "crypto-knows-no-domain",
      comment: "src/server/crypto/ is the only place that touches key material; it imports nothing of the domain (only itself, Node built-ins and packages).",
      severity: "error",
      from: { path: "^src/server/crypto/" },
      to: { path: "^src/", pathNot: "^src/server/crypto/" },
    },
    {
      name: "keys-below-auth",
      comment:
        "The key layer (src/server/keys/) sits below sign-in (auth/ unlocks staff keys at login) and below the folders that manage accounts and teams: it imports none of them (the policy module is src/server/policy.ts, below both).",
      severity: "error",
      from: { path: "^src/server/keys/" },
      to: { path: "^src/server/(auth|staff|teams|http)/" },
    },
    {
      name: "channels-below-capabilities",
      comment:
        "The case core, the channels and intake sit below the domain capabilities (operations, rewards, verification, registration, resettlement, analytics): what they need of one is plugged in at start-up (services.ts), never imported.",
      severity: "error",
      from: { path: "^src/server/(cases|channels|intake)/" },
      to: { path: "^src/server/(operations|rewards|verification|registration|resettlement|analytics)/" },
    },
    {
      name: "no-circular",
      comment: "No import circles anywhere in src.",
      severity: "error",
      from: { path: "^src/" },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|dist)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
  },
};
