// Counts the tests of jest --json result files:
//   node scripts/jest-summary.js [--each-file-runs] LABEL FILE...
// prints "LABEL: N passed, N failed, N skipped" (plus SUFFIX from the environment) and exits 1
// when a file is missing or a test failed; with --each-file-runs also when a test file ran no
// test at all (so that a renamed test a name filter no longer finds cannot pass silently).
const fs = require('fs');

const args = process.argv.slice(2);
const eachFileRuns = args[0] === '--each-file-runs';
const [label, ...files] = eachFileRuns ? args.slice(1) : args;
const total = { passed: 0, failed: 0, skipped: 0 };
const problems = [];
for (const file of files) {
  let r;
  try {
    r = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    problems.push(`no jest results in ${file}`);
    continue;
  }
  total.passed += r.numPassedTests;
  total.failed += r.numFailedTests + r.numRuntimeErrorTestSuites;
  total.skipped += r.numPendingTests + r.numTodoTests;
  for (const suite of r.testResults) {
    const ran = suite.assertionResults.filter((a) => a.status === 'passed' || a.status === 'failed').length;
    if (eachFileRuns && ran === 0) problems.push(`${suite.name} ran no test`);
  }
}
for (const p of problems) console.log(`${label}: ${p}`);
console.log(
  `${label}: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped${process.env.SUFFIX ?? ''}`,
);
process.exit(problems.length > 0 || total.failed > 0 ? 1 : 0);
