// `likeness jobs list|show|cancel|resume`: jobs of a data home; resume runs in the foreground; CLI process.
import { JobId } from '../contract/models.js';
import { resolveHome } from '../core/store/home.js';
import { openStudio } from '../core/studio.js';
import { EXIT } from './exit-codes.js';
import { describeJob, followJob } from './follow.js';
import { UsageError, type Verb } from './verb.js';

const ACTIONS = ['list', 'show', 'cancel', 'resume'] as const;

export const jobs: Verb = {
  summary: 'List, show, cancel or resume jobs (training, library checks)',
  help: `Usage: likeness jobs list [--json] [--home DIR]
       likeness jobs show <id> [--json] [--home DIR]
       likeness jobs cancel <id> [--home DIR]
       likeness jobs resume <id> [--json] [--home DIR]

list     recent jobs with their state and progress
show     one job, with its loss history for training jobs
cancel   abandon a paused or interrupted job (it cannot be resumed afterwards)
resume   continue a paused, interrupted or failed job from its last checkpoint, in the
         foreground (Ctrl+C pauses it again)

Jobs run inside the process that has the data home open: while \`likeness serve\` or the
app holds the home, use the app, or stop it first.

Options:
  --json       machine-readable output
  --home DIR   data home
  -h, --help   show this help`,
  options: { json: { type: 'boolean' }, home: { type: 'string' } },
  positionals: ['action', 'id'],
  async run(values, io, positionals) {
    const [action, id, ...extra] = positionals;
    if (!action || !(ACTIONS as readonly string[]).includes(action)) throw new UsageError(`Say what to do: ${ACTIONS.join(', ')}.`);
    if (action === 'list' ? id !== undefined : id === undefined || extra.length > 0) throw new UsageError(action === 'list' ? 'list takes no job id.' : `${action} takes one job id.`);
    if (id !== undefined && !JobId.safeParse(id).success) throw new UsageError(`${JSON.stringify(id)} is not a job id (job_ followed by 16 hex digits).`);
    const json = Boolean(values.json);
    const studio = openStudio(resolveHome(values.home as string | undefined), { log: (m) => io.err(m) });
    try {
      switch (action) {
        case 'list': {
          const list = studio.jobs.list(100);
          if (json) io.out(JSON.stringify(list));
          else if (list.length === 0) io.out('No jobs yet.');
          else for (const job of list) io.out(describeJob(job));
          return EXIT.ok;
        }
        case 'show': {
          const job = studio.jobs.get(id!);
          if (json) io.out(JSON.stringify({ ...job, history: studio.jobs.history(job.id) }));
          else {
            io.out(describeJob(job));
            io.out(`  ${job.progress.message}`);
            if (job.error) io.out(`  error: ${job.error}`);
            for (const [key, value] of Object.entries(job.result ?? {})) io.out(`  ${key}: ${value}`);
          }
          return EXIT.ok;
        }
        case 'cancel': {
          const job = studio.jobs.cancel(id!);
          io.out(describeJob(job));
          return EXIT.ok;
        }
        default: {
          studio.jobs.resume(id!);
          return await followJob(studio, id!, io, json);
        }
      }
    } finally {
      await studio.close();
    }
  },
};
