#!/usr/bin/env node
/**
 * `npm test`: every stage of the project's checks, in order. A stage that fails does
 * not stop the ones after it (a lint error must not hide a failing test), and the run
 * ends with one plain line, `N passed, N failed`, counting every test of the vitest
 * stages and every other stage as one check. The exit status is 0 only when nothing
 * failed.
 *
 * Plain JavaScript on purpose: it runs before anything is built.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) => join(root, 'node_modules', '.bin', name);
const scratch = mkdtempSync(join(tmpdir(), 'sessd-run-'));

/** Stages in order; `report` is where a vitest stage writes its JSON results. */
const STAGES = [
  { name: 'build', argv: ['npm', 'run', '--silent', 'build'] },
  { name: 'typecheck tests', argv: [bin('tsc'), '-p', 'test', '--noEmit'] },
  { name: 'lint', argv: [bin('eslint'), '.'] },
  { name: 'unit and integration tests', vitest: 'test/vitest.config.ts' },
  { name: 'reliability tests', vitest: 'test/reliability/vitest.config.ts' },
  { name: 'VS Code extension package', argv: ['npm', 'run', '--silent', 'package:vscode'] },
];

function run(argv) {
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), { cwd: root, stdio: 'inherit' });
    child.on('error', (error) => {
      console.error(`${argv[0]}: ${error.message}`);
      resolve(127);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal === null ? 1 : 128)));
  });
}

/** The counts a vitest JSON report holds, or null when it wrote none (it crashed). */
function vitestCounts(file) {
  try {
    const report = JSON.parse(readFileSync(file, 'utf8'));
    return { passed: report.numPassedTests, failed: report.numFailedTests + (report.numFailedTestSuites ?? 0) };
  } catch {
    return null;
  }
}

const results = [];
let passed = 0;
let failed = 0;
const started = Date.now();
for (const stage of STAGES) {
  console.log(`\n=== ${stage.name}`);
  const t0 = Date.now();
  let status;
  if (stage.vitest !== undefined) {
    const report = join(scratch, `${results.length}.json`);
    const code = await run([bin('vitest'), 'run', '--config', stage.vitest, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`]);
    const counts = vitestCounts(report);
    if (counts === null) {
      failed += 1;
      status = `failed (exit ${code}, no results written)`;
    } else {
      passed += counts.passed;
      // A run that exits non-zero with no failed test (a leaked process, an error outside a test) is one failure.
      const extra = code !== 0 && counts.failed === 0 ? 1 : 0;
      failed += counts.failed + extra;
      status = `${counts.passed} passed, ${counts.failed + extra} failed`;
    }
  } else {
    const code = await run(stage.argv);
    if (code === 0) passed += 1;
    else failed += 1;
    status = code === 0 ? 'ok' : `failed (exit ${code})`;
  }
  results.push(`${stage.name}: ${status} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
}
rmSync(scratch, { recursive: true, force: true });

console.log(`\n=== summary (${((Date.now() - started) / 1000).toFixed(0)} s)`);
for (const line of results) console.log(line);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
