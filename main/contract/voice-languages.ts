// The languages the voice model is tested to speak, with the eSpeak NG voice that reads each; shared by the studio and the UI.

export interface VoiceLanguage {
  tag: string;
  name: string;
  /** The eSpeak NG voice that reads it. */
  espeak: string;
  /** What the creator must write it in, where eSpeak NG needs it (Japanese kana, vocalised Arabic). */
  script?: string;
}

/** The languages tested to produce converted speech; any other eSpeak NG language also works, unmeasured. */
export const VOICE_LANGUAGES: readonly VoiceLanguage[] = [
  { tag: 'en', name: 'English', espeak: 'en-us' },
  { tag: 'es', name: 'Spanish', espeak: 'es' },
  { tag: 'fr', name: 'French', espeak: 'fr-fr' },
  { tag: 'de', name: 'German', espeak: 'de' },
  { tag: 'it', name: 'Italian', espeak: 'it' },
  { tag: 'pt', name: 'Portuguese', espeak: 'pt' },
  { tag: 'pt-BR', name: 'Portuguese (Brazil)', espeak: 'pt-br' },
  { tag: 'hi', name: 'Hindi', espeak: 'hi' },
  { tag: 'zh', name: 'Mandarin Chinese', espeak: 'cmn' },
  // eSpeak NG reads kanji as "Chinese letter": Japanese is written in kana.
  { tag: 'ja', name: 'Japanese', espeak: 'ja', script: 'kana' },
  // eSpeak NG guesses short vowels poorly: Arabic is written vocalised (with harakat).
  { tag: 'ar', name: 'Arabic', espeak: 'ar', script: 'vocalised' },
];
