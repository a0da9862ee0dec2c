/**
 * Prints one plain closing line per jest run, "jest: N passed, N failed[, N skipped]", which CI
 * tooling that does not know jest's own summary can read.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ""}`;
    process.stdout.write(`\njest: ${line}\n`);
  }
}

module.exports = SummaryReporter;
