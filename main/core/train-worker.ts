// Entry of the training worker thread: registers the recipes, then serves one training run; training worker thread.
import { serveTrainingWorker } from './ml/train/worker.js';
import { registerRecipes } from './recipes.js';

registerRecipes();
void serveTrainingWorker();
