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

/**
 * V8 flags for the lint, a long single-threaded program that allocates a lot: one GC
 * thread instead of helpers competing with the tests for two cores, and a young
 * generation large enough that most of its garbage dies there. Alone on a quiet
 * machine: 42.4 -> 35.6 s CPU.
 */
const LINT_FLAGS = ['--single-threaded-gc', '--max-semi-space-size=32'];

/**
 * Stages in order. The build type-checks the tests with the rest (`tsc -b . test`,
 * incremental: after `npm run setup` or an earlier run, only what changed), last, so
 * a type error fails it without keeping the bundles the tests run from being built.
 * A stage with `beside` runs while the next stage does, its output held and printed
 * after that stage's: CPU work that fits in the tests' waits. The unit, integration
 * and reliability tests run as one vitest run (one pool of workers for all their
 * files); the lint and the package beside it.
 */
const STAGES = [
  { name: 'build', argv: ['npm', 'run', '--silent', 'build'] },
  { name: 'lint', argv: [process.execPath, ...LINT_FLAGS, join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'), '.'], beside: true },
  { name: 'VS Code extension package', argv: ['npm', 'run', '--silent', 'package:vscode'], beside: true },
  { name: 'tests', vitest: 'test/vitest.suite.config.ts', projects: ['integration', 'reliability'] },
];

/** Runs argv; with `held`, its output is collected instead of shown, and returned. */
function run(argv, held = false) {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(argv[0], argv.slice(1), { cwd: root, stdio: held ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    if (held) {
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
    }
    child.on('error', (error) => {
      output += `${argv[0]}: ${error.message}\n`;
      if (!held) console.error(`${argv[0]}: ${error.message}`);
      resolve({ code: 127, output });
    });
    child.on('close', (code, signal) => resolve({ code: code ?? (signal === null ? 1 : 128), output }));
  });
}

/**
 * The counts a vitest JSON report holds, in all and per project (a file of the
 * reliability project is under test/reliability/), or null when it wrote none (it crashed).
 */
function vitestCounts(file) {
  let report;
  try {
    report = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
  const projects = {};
  for (const result of report.testResults ?? []) {
    const project = result.name.includes('/test/reliability/') ? 'reliability' : 'integration';
    const counts = (projects[project] ??= { passed: 0, failed: 0 });
    for (const test of result.assertionResults ?? []) {
      if (test.status === 'passed') counts.passed += 1;
      else if (test.status === 'failed') counts.failed += 1;
    }
  }
  return { passed: report.numPassedTests, failed: report.numFailedTests, projects };
}

const results = [];
let passed = 0;
let failed = 0;
const started = Date.now();

/** Counts a plain stage's outcome. */
function record(stage, code, t0) {
  if (code === 0) passed += 1;
  else failed += 1;
  results.push(`${stage.name}: ${code === 0 ? 'ok' : `failed (exit ${code})`} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
}

let beside = [];
for (const stage of STAGES) {
  const t0 = Date.now();
  if (stage.beside) {
    beside.push(run(stage.argv, true).then(({ code, output }) => ({ stage, code, output, t0, t1: Date.now() })));
    continue;
  }
  console.log(`\n=== ${stage.name}`);
  if (stage.vitest !== undefined) {
    const report = join(scratch, `${results.length}.json`);
    const { code } = await run([bin('vitest'), 'run', '--config', stage.vitest, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`]);
    const counts = vitestCounts(report);
    let status;
    if (counts === null) {
      failed += 1;
      status = `failed (exit ${code}, no results written)`;
    } else {
      passed += counts.passed;
      // A run that exits non-zero with no failed test (a leaked process, an error outside a test) is one failure.
      const extra = code !== 0 && counts.failed === 0 ? 1 : 0;
      failed += counts.failed + extra;
      status = `${counts.passed} passed, ${counts.failed + extra} failed`;
      const names = { integration: 'unit and integration', reliability: 'reliability' };
      for (const project of stage.projects ?? []) {
        const c = counts.projects[project] ?? { passed: 0, failed: 0 };
        status += `; ${names[project]}: ${c.passed} passed, ${c.failed} failed`;
      }
    }
    results.push(`${stage.name}: ${status} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  } else {
    record(stage, (await run(stage.argv)).code, t0);
  }
  for (const done of await Promise.all(beside)) {
    console.log(`\n=== ${done.stage.name} (ran beside ${stage.name})`);
    process.stdout.write(done.output);
    if (done.code === 0) passed += 1;
    else failed += 1;
    results.push(`${done.stage.name}: ${done.code === 0 ? 'ok' : `failed (exit ${done.code})`} (${((done.t1 - done.t0) / 1000).toFixed(0)} s)`);
  }
  beside = [];
}
rmSync(scratch, { recursive: true, force: true });

console.log(`\n=== summary (${((Date.now() - started) / 1000).toFixed(0)} s)`);
for (const line of results) console.log(line);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
