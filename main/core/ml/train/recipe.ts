// What a training recipe is (model, loss, data, schedule) and the registry later stages add theirs to; main process and workers.
import type { AdamWOptions, Graph, Tensor } from '../graph/index.js';
import type { LearningRateSchedule } from './schedule.js';

/** One training example: a value for each data input of the model graph, without the batch axis. */
export type Example = Readonly<Record<string, Float32Array>>;

export interface ModelSpec {
  readonly graph: Graph;
  readonly loss: Tensor;
  /** Outputs the trained model is exported with (the inference graph). */
  readonly outputs: Readonly<Record<string, Tensor>>;
}

export interface Dataset {
  readonly train: readonly Example[];
  /** Held out: never trained on; its loss drives early stopping and the best checkpoint. */
  readonly validation: readonly Example[];
}

export interface RecipeDefinition {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly defaultEpochs: number;
  readonly batchSize: number;
  /** Steps per session.run: more amortises the host-device copy of the weights on a GPU. */
  readonly stepsPerRun: number;
  readonly learningRate: number;
  /** Constant when absent. */
  readonly learningRateSchedule?: LearningRateSchedule;
  readonly optimizer?: Partial<AdamWOptions>;
  /** Epochs without a better validation loss before training stops early. */
  readonly patience: number;
  /** Builds the model and its loss for a batch of `batchSize` examples. */
  build(batchSize: number): ModelSpec;
  data(seed: number): Dataset | Promise<Dataset>;
}

const registry = new Map<string, RecipeDefinition>();

export function registerRecipe(recipe: RecipeDefinition): void {
  if (registry.has(recipe.name)) throw new Error(`recipe ${recipe.name} is registered twice`);
  registry.set(recipe.name, recipe);
}

export function findRecipe(name: string): RecipeDefinition | undefined {
  return registry.get(name);
}

export function listRecipes(): RecipeDefinition[] {
  return [...registry.values()];
}

/** The schedule of a recipe that a stage builds per training job over data it prepared itself. */
export interface RecipeSchedule {
  readonly batchSize: number;
  readonly stepsPerRun: number;
  readonly learningRate: number;
  readonly learningRateSchedule?: LearningRateSchedule;
  readonly weightDecay: number;
  readonly patience: number;
  readonly epochs: number;
}

/** A recipe over an already prepared dataset (not registered: the stage's job builds it with its creator's data). */
export function preparedRecipe(about: Pick<RecipeDefinition, 'name' | 'title' | 'description'>, schedule: RecipeSchedule, dataset: Dataset, build: RecipeDefinition['build']): RecipeDefinition {
  return {
    ...about,
    defaultEpochs: schedule.epochs,
    batchSize: schedule.batchSize,
    stepsPerRun: schedule.stepsPerRun,
    learningRate: schedule.learningRate,
    learningRateSchedule: schedule.learningRateSchedule,
    optimizer: { weightDecay: schedule.weightDecay },
    patience: schedule.patience,
    build,
    data: () => dataset,
  };
}
