// Twin screen: what this stage does and what it needs first; renderer.
import { UpcomingStage } from './UpcomingStage.js';

export function TwinScreen() {
  return (
    <UpcomingStage title="Twin" emptyTitle="No twin yet" lede="Seal your models, consent take and rules in an encrypted, signed twin container that only you hold the keys to.">
      Packaging a twin needs trained models. The twin container is not in this build yet.
    </UpcomingStage>
  );
}
