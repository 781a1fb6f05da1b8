// `likeness train <recipe>`: trains in the foreground with progress; Ctrl+C pauses with a checkpoint; CLI process.
import { Provider } from '../contract/models.js';
import { parseTrainInput } from '../core/ml/train/job.js';
import { listRecipes } from '../core/ml/train/recipe.js';
import { registerRecipes } from '../core/recipes.js';
import { resolveHome } from '../core/store/home.js';
import { openStudio } from '../core/studio.js';
import { followJob } from './follow.js';
import { UsageError, type Verb } from './verb.js';

export function parseCount(flag: string, value: string | undefined, max = 2 ** 31 - 1): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) > max) throw new UsageError(`--${flag} takes a whole number from 0 to ${max}, not ${JSON.stringify(value)}.`);
  return Number(value);
}

function parseRate(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const rate = Number(value);
  if (!Number.isFinite(rate) || rate <= 0) throw new UsageError(`--learning-rate takes a positive number, not ${JSON.stringify(value)}.`);
  return rate;
}

function recipeList(): string {
  registerRecipes();
  return listRecipes()
    .map((r) => `  ${r.name.padEnd(16)} ${r.description}`)
    .join('\n');
}

export const train: Verb = {
  summary: 'Train a model from a recipe in the foreground (Ctrl+C pauses it)',
  get help() {
    return `Usage: likeness train <recipe> [--epochs N] [--seed N] [--provider P] [--threads N] [--home DIR] [--json]

Trains on this machine: the best execution provider available (or the one asked for,
falling back to the CPU with the reason printed), a checkpoint at each epoch and every
5 minutes, validation on held-out data each epoch, early stopping, best weights kept.
Ctrl+C pauses at the next step with a checkpoint; \`likeness jobs resume <id>\` continues.

Recipes:
${recipeList()}

Options:
  --epochs N      epochs to train (default: the recipe's)
  --seed N        seed for initialisation, data order and dropout (default 1)
  --provider P    ${Provider.options.join(', ')} (default: the best available)
  --threads N     CPU threads (default: measured, 1 or more)
  --learning-rate X  peak learning rate (default: the recipe's)
  --home DIR      data home
  --json          print the finished job and its loss history as JSON
  -h, --help      show this help

Exit code: 0 completed, 1 failed, 130 paused (resumable).`;
  },
  options: {
    epochs: { type: 'string' },
    seed: { type: 'string' },
    provider: { type: 'string' },
    threads: { type: 'string' },
    'learning-rate': { type: 'string' },
    home: { type: 'string' },
    json: { type: 'boolean' },
  },
  positionals: ['recipe'],
  async run(values, io, positionals) {
    const [recipe, ...extra] = positionals;
    if (!recipe || extra.length > 0) throw new UsageError('Name one recipe to train.');
    const provider = values.provider === undefined ? undefined : Provider.safeParse(values.provider);
    if (provider && !provider.success) throw new UsageError(`--provider takes one of ${Provider.options.join(', ')}.`);
    const studio = openStudio(resolveHome(values.home as string | undefined), { log: (m) => io.err(m) });
    try {
      const job = studio.jobs.start(
        'train',
        parseTrainInput({
          recipe,
          epochs: parseCount('epochs', values.epochs as string | undefined, 10_000),
          seed: parseCount('seed', values.seed as string | undefined),
          provider: provider?.data,
          threads: parseCount('threads', values.threads as string | undefined, 256),
          learningRate: parseRate(values['learning-rate'] as string | undefined),
        }),
      );
      if (!values.json) io.out(`Started ${job.id}: ${job.title}`);
      return await followJob(studio, job.id, io, Boolean(values.json));
    } finally {
      await studio.close();
    }
  },
};
