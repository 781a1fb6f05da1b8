// Licenses screen: what this stage does and what it needs first; renderer.
import { UpcomingStage } from './UpcomingStage.js';

export function LicensesScreen() {
  return (
    <UpcomingStage title="Licenses" emptyTitle="Nothing to license yet" lede="Mint your twin (only hashes and signatures go on-chain), set fees and grant licences under your rules.">
      Licensing needs a sealed twin. Minting and licences are not in this build yet.
    </UpcomingStage>
  );
}
