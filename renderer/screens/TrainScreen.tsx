// Train screen: what this stage does and what it needs first; renderer.
import { UpcomingStage } from './UpcomingStage.js';

export function TrainScreen() {
  return (
    <UpcomingStage title="Train" emptyTitle="Nothing to train yet" lede="Train your personal voice and face models on this computer, on its GPU when it has one.">
      Training needs takes from Capture. The voice and face training stages are not in this build yet.
    </UpcomingStage>
  );
}
