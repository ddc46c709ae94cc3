// Adds up the JSON results of the CI suites and prints the closing line "N passed, N failed".
// Exits non-zero when anything failed.
import fs from "node:fs";
let passed = 0;
const firstLine = (text) => String(text ?? "").split("\n").find((l) => l.trim() !== "")?.slice(0, 300) ?? "";
let failed = Number(process.argv[2] || 0);
const failedSuites = new Set((process.env.FAILED_SUITES ?? "").split(",").filter(Boolean));
for (const suite of ["unit", "postgres", "e2e"]) {
  const file = `test-results/${suite}.json`;
  if (!fs.existsSync(file)) {
    console.log(`${suite}: no results (the suite did not run to the end)`);
    failed++;
    continue;
  }
  const r = JSON.parse(fs.readFileSync(file, "utf8"));
  console.log(`${suite}: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numFailedTestSuites} file(s) failed`);
  // Name what failed, so the tail of a long CI log is enough to know where to look.
  for (const file of r.testResults ?? []) {
    if (file.status !== "failed") continue;
    const tests = (file.assertionResults ?? []).filter((t) => t.status === "failed");
    if (tests.length === 0) console.log(`  ${suite} file failed: ${file.name}: ${firstLine(file.message)}`);
    for (const t of tests) console.log(`  ${suite} test failed: ${file.name} > ${t.fullName}: ${firstLine(t.failureMessages?.[0])}`);
  }
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  // A test file that failed to load has no failed tests of its own: count the file. A run with
  // errors outside any test (an uncaught exception) has success=false: count it once.
  if (r.numFailedTests === 0) failed += r.numFailedTestSuites;
  // A suite whose runner exited non-zero with every test green had errors outside the tests
  // (an uncaught exception, a failing hook): that is a failure too.
  if (r.numFailedTests === 0 && r.numFailedTestSuites === 0 && failedSuites.has(suite)) {
    console.log(`${suite}: the runner failed outside the tests (see its output)`);
    failed++;
  }
}
const logs = fs.existsSync("test-results/check-logs.out") ? fs.readFileSync("test-results/check-logs.out", "utf8") : "";
if (/^1 passed, 0 failed$/m.test(logs)) passed++;
else failed++;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
