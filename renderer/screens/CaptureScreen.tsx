// Capture screen: tabs for voice recording, face recording, import and the consent take; renderer.
import { useState } from 'react';
import { ConsentTab } from './capture/ConsentTab.js';
import { FaceTab } from './capture/FaceTab.js';
import { ImportTab } from './capture/ImportTab.js';
import { InterruptedRecordings } from './capture/InterruptedRecordings.js';
import { VoiceTab } from './capture/VoiceTab.js';
import { ScreenHeader } from './ScreenHeader.js';

const TABS = [
  { id: 'voice', label: 'Voice' },
  { id: 'face', label: 'Face' },
  { id: 'import', label: 'Import' },
  { id: 'consent', label: 'Consent' },
] as const;
type TabId = (typeof TABS)[number]['id'];

export function CaptureScreen() {
  const [tab, setTab] = useState<TabId>('voice');
  // Recovered takes appear in the tabs' lists: remount them to read the store again.
  const [generation, setGeneration] = useState(0);
  return (
    <>
      <ScreenHeader title="Capture">Record your voice and face, or import recordings you already have. Everything stays on this computer.</ScreenHeader>
      <InterruptedRecordings onRecovered={() => setGeneration((g) => g + 1)} />
      <div className="tabs" role="tablist" aria-label="What to capture">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`panel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => setTab(t.id)}
            onKeyDown={(e) => {
              if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
              e.stopPropagation();
              const next = TABS[(TABS.findIndex((x) => x.id === tab) + (e.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length]!;
              setTab(next.id);
              document.getElementById(`tab-${next.id}`)?.focus();
            }}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} key={generation}>
        {tab === 'voice' ? <VoiceTab /> : null}
        {tab === 'import' ? <ImportTab /> : null}
        {tab === 'face' ? <FaceTab /> : null}
        {tab === 'consent' ? <ConsentTab /> : null}
      </div>
    </>
  );
}
