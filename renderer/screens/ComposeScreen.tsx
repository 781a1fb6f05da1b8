// Compose screen: what this stage does and what it needs first; renderer.
import { UpcomingStage } from './UpcomingStage.js';

export function ComposeScreen() {
  return (
    <UpcomingStage title="Compose" emptyTitle="Nothing to render yet" lede="Write a script in any language and render a talking video of yourself, marked as AI-generated with a verifiable receipt.">
      Rendering needs trained models and a licence to use them. Composition is not in this build yet.
    </UpcomingStage>
  );
}
