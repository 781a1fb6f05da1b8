// The catalogue of training recipes, imported by the studio and by the training worker so both know the same names; main process and training worker.
import { registerRecipe } from './ml/train/recipe.js';
import { toyDenoise, toyRegression } from './ml/train/toy-recipes.js';

let registered = false;

export function registerRecipes(): void {
  if (registered) return;
  registered = true;
  registerRecipe(toyRegression);
  registerRecipe(toyDenoise);
}
