// `likeness doctor`: which tools are present, and the fix for each missing one; CLI process.
import { runDoctor } from '../core/doctor/checks.js';
import { EXIT } from './exit-codes.js';
import type { Verb } from './verb.js';

export const doctor: Verb = {
  summary: 'Check that every tool the studio needs is installed, and say how to fix what is not',
  help: `Usage: likeness doctor [--json]

Checks Node, the database, ffmpeg and ffprobe, ONNX Runtime and its execution providers,
the GPU, eSpeak NG, the embedded chain (anvil) and the Electron shell.

Options:
  --json       print the report as JSON
  -h, --help   show this help

Exit code: 0 when everything required is present, 4 when something required is missing.`,
  options: { json: { type: 'boolean' } },
  async run(values, io) {
    const report = await runDoctor();
    if (values.json) {
      io.out(JSON.stringify(report, null, 2));
    } else {
      const mark = { ok: 'ok     ', warning: 'warning', missing: 'MISSING' } as const;
      for (const check of report.checks) {
        io.out(`${mark[check.status]}  ${check.label}: ${check.detail}`);
        if (check.fix && check.status !== 'ok') io.out(`         fix: ${check.fix}`);
      }
      io.out(report.ok ? 'Everything required is present.' : 'Something required is missing (see above).');
    }
    return report.ok ? EXIT.ok : EXIT.doctor;
  },
};

