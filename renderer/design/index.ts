// The design system's public parts, used by every screen; renderer.
export { Button } from './Button.js';
export { EmptyState } from './EmptyState.js';
export { ErrorBanner } from './ErrorBanner.js';
export { formatBytes, formatEta } from './format.js';
export { JobCard } from './JobCard.js';
export { LevelMeter } from './LevelMeter.js';
export { LossPlot } from './LossPlot.js';
export { ProgressBar } from './ProgressBar.js';
export { ToastProvider, useToast } from './Toast.js';
export { Waveform, peaksOf } from './Waveform.js';
