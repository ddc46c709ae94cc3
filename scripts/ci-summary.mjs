// Adds up the JSON results of the CI suites and prints the closing line "N passed, N failed".
// Exits non-zero when anything failed.
import fs from "node:fs";
let passed = 0;
let failed = Number(process.argv[2] || 0);
for (const suite of ["unit", "postgres", "e2e"]) {
  const file = `test-results/${suite}.json`;
  if (!fs.existsSync(file)) {
    console.log(`${suite}: no results (the suite did not run to the end)`);
    failed++;
    continue;
  }
  const r = JSON.parse(fs.readFileSync(file, "utf8"));
  console.log(`${suite}: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numFailedTestSuites} file(s) failed`);
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  // A test file that failed to load has no failed tests of its own: count the file. A run with
  // errors outside any test (an uncaught exception) has success=false: count it once.
  if (r.numFailedTests === 0) failed += r.numFailedTestSuites;
  if (r.numFailedTests === 0 && r.numFailedTestSuites === 0 && r.success === false) {
    console.log(`${suite}: the run reported errors outside the tests`);
    failed++;
  }
}
const logs = fs.existsSync("test-results/check-logs.out") ? fs.readFileSync("test-results/check-logs.out", "utf8") : "";
if (/^1 passed, 0 failed$/m.test(logs)) passed++;
else failed++;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
