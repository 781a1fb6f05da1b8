// Subtitles from timed text: WebVTT and SubRip (SRT), the two formats players and upload sites read (pure; main process, workers and CLI).

export interface Cue {
  text: string;
  startSeconds: number;
  endSeconds: number;
}

function stamp(seconds: number, fractionSeparator: '.' | ','): string {
  const ms = Math.max(0, Math.round(seconds * 1000));
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}${fractionSeparator}${String(ms % 1000).padStart(3, '0')}`;
}

// A cue's text may not hold "-->" (it would read as a timing line) nor a blank line (it would end the cue).
function cueText(text: string): string {
  return text.replace(/-->/g, '->').replace(/\n\s*\n/g, '\n').trim();
}

/** WebVTT (W3C): numbered cues, HH:MM:SS.mmm. */
export function webVtt(cues: readonly Cue[]): string {
  return ['WEBVTT', '', ...cues.flatMap((c, i) => [String(i + 1), `${stamp(c.startSeconds, '.')} --> ${stamp(c.endSeconds, '.')}`, cueText(c.text), ''])].join('\n');
}

/** SubRip: numbered cues, HH:MM:SS,mmm, CRLF line ends as most players expect. */
export function srt(cues: readonly Cue[]): string {
  return cues.map((c, i) => [String(i + 1), `${stamp(c.startSeconds, ',')} --> ${stamp(c.endSeconds, ',')}`, cueText(c.text), ''].join('\r\n')).join('\r\n');
}
