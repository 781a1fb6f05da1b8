// The consent take's sentence (pure; main process): a random sentence the app chooses, read on camera,
// and decoys of the same template with other random words for the speech check.
import { randomInt } from 'node:crypto';

/** A source of random integers in [0, maxExclusive); default crypto.randomInt. Inject a seeded one in tests. */
export type Rng = (maxExclusive: number) => number;

export const CONSENT_LANGUAGES = ['en', 'es', 'fr', 'de'] as const;
export type ConsentLanguage = (typeof CONSENT_LANGUAGES)[number];

export interface ConsentWords {
  weekday: string;
  adjective: string;
  noun: string;
  number: string;
}

export interface ConsentSentence {
  language: ConsentLanguage;
  text: string;
  words: ConsentWords;
}

interface Template {
  weekdays: readonly string[];
  adjectives: readonly string[];
  nouns: readonly string[];
  numbers: readonly string[];
  compose: (w: ConsentWords) => string;
}

// Adjectives are chosen to need no gender agreement (es, fr) and are read as a list of words (de).
const TEMPLATES: Record<ConsentLanguage, Template> = {
  en: {
    weekdays: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'],
    adjectives: ['green', 'quiet', 'golden', 'bright', 'gentle', 'purple', 'rapid', 'silver', 'wooden', 'frozen', 'little', 'ancient', 'curious', 'sunny', 'heavy', 'careful'],
    nouns: ['river', 'garden', 'window', 'lantern', 'mountain', 'pencil', 'harbor', 'violin', 'tiger', 'blanket', 'rocket', 'meadow', 'bicycle', 'island', 'teapot', 'dolphin'],
    numbers: ['three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'eleven', 'twelve', 'thirteen', 'fifteen', 'twenty', 'thirty', 'forty', 'fifty', 'ninety'],
    compose: (w) => `I, the person on this camera, agree to create my likeness on ${w.weekday} with the words ${w.adjective} ${w.noun} ${w.number}.`,
  },
  es: {
    weekdays: ['lunes', 'martes', 'miércoles', 'jueves', 'viernes', 'sábado', 'domingo'],
    adjectives: ['verde', 'azul', 'grande', 'alegre', 'dulce', 'libre', 'suave', 'fuerte', 'amable', 'enorme', 'brillante', 'valiente', 'humilde', 'gris', 'feliz', 'triste'],
    nouns: ['río', 'jardín', 'ventana', 'montaña', 'lápiz', 'puerto', 'violín', 'tigre', 'manta', 'cohete', 'isla', 'tetera', 'delfín', 'bosque', 'camino', 'estrella'],
    numbers: ['tres', 'cuatro', 'cinco', 'seis', 'siete', 'ocho', 'nueve', 'once', 'doce', 'trece', 'quince', 'veinte', 'treinta', 'cuarenta', 'cincuenta', 'noventa'],
    compose: (w) => `Yo, la persona ante esta cámara, acepto crear mi imagen digital el ${w.weekday} con las palabras ${w.noun} ${w.adjective} ${w.number}.`,
  },
  fr: {
    weekdays: ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'],
    adjectives: ['rouge', 'jaune', 'rapide', 'calme', 'large', 'sage', 'jeune', 'magique', 'simple', 'tranquille', 'fragile', 'célèbre', 'aimable', 'énorme', 'rose', 'drôle'],
    nouns: ['rivière', 'jardin', 'fenêtre', 'montagne', 'crayon', 'port', 'violon', 'tigre', 'couverture', 'fusée', 'île', 'théière', 'dauphin', 'forêt', 'chemin', 'étoile'],
    numbers: ['trois', 'quatre', 'cinq', 'six', 'sept', 'huit', 'neuf', 'onze', 'douze', 'treize', 'quinze', 'vingt', 'trente', 'quarante', 'cinquante', 'soixante'],
    compose: (w) => `Moi, la personne devant cette caméra, j'accepte de créer mon double numérique le ${w.weekday} avec les mots ${w.noun} ${w.adjective} ${w.number}.`,
  },
  de: {
    weekdays: ['Montag', 'Dienstag', 'Mittwoch', 'Donnerstag', 'Freitag', 'Samstag', 'Sonntag'],
    adjectives: ['grün', 'leise', 'golden', 'hell', 'sanft', 'lila', 'schnell', 'silbern', 'hölzern', 'klein', 'uralt', 'neugierig', 'sonnig', 'schwer', 'vorsichtig', 'fröhlich'],
    nouns: ['Fluss', 'Garten', 'Fenster', 'Laterne', 'Berg', 'Bleistift', 'Hafen', 'Geige', 'Tiger', 'Decke', 'Rakete', 'Wiese', 'Fahrrad', 'Insel', 'Teekanne', 'Delfin'],
    numbers: ['drei', 'vier', 'fünf', 'sechs', 'sieben', 'acht', 'neun', 'elf', 'zwölf', 'dreizehn', 'fünfzehn', 'zwanzig', 'dreißig', 'vierzig', 'fünfzig', 'neunzig'],
    compose: (w) => `Ich, die Person vor dieser Kamera, stimme zu, am ${w.weekday} mein digitales Abbild zu erstellen, mit den Worten ${w.adjective} ${w.noun} ${w.number}.`,
  },
};

const SLOTS = ['weekday', 'adjective', 'noun', 'number'] as const;
const LISTS = { weekday: 'weekdays', adjective: 'adjectives', noun: 'nouns', number: 'numbers' } as const;

export function isConsentLanguage(tag: string): tag is ConsentLanguage {
  return (CONSENT_LANGUAGES as readonly string[]).includes(tag);
}

function template(language: string): Template {
  if (!isConsentLanguage(language)) throw new Error(`No consent sentence for language "${language}"; available: ${CONSENT_LANGUAGES.join(', ')}`);
  return TEMPLATES[language];
}

function pick(list: readonly string[], rng: Rng, avoid?: string): string {
  const choices = avoid === undefined ? list : list.filter((w) => w !== avoid);
  const index = rng(choices.length);
  const word = choices[index];
  if (!Number.isInteger(index) || word === undefined) throw new Error(`rng returned ${index}, outside [0, ${choices.length})`);
  return word;
}

function build(language: ConsentLanguage, words: ConsentWords): ConsentSentence {
  return { language, text: TEMPLATES[language].compose(words), words };
}

/** A random consent sentence in `language` (en, es, fr, de). */
export function composeSentence(language: string, rng: Rng = randomInt): ConsentSentence {
  const t = template(language);
  const words = Object.fromEntries(SLOTS.map((slot) => [slot, pick(t[LISTS[slot]], rng)])) as unknown as ConsentWords;
  return build(language as ConsentLanguage, words);
}

/**
 * `count` decoys: sentences of the same template with other random words, all distinct. When `sentence`
 * is given, every decoy differs from it in every word slot, so no decoy shares a chosen word with it.
 */
export function decoys(language: string, count: number, rng: Rng = randomInt, sentence?: ConsentSentence): ConsentSentence[] {
  const t = template(language);
  if (!Number.isInteger(count) || count < 0) throw new Error(`decoy count must be a non-negative integer, got ${count}`);
  if (sentence && sentence.language !== language) throw new Error(`the sentence is in "${sentence.language}", the decoys in "${language}"`);
  const out: ConsentSentence[] = [];
  const seen = new Set<string>(sentence ? [sentence.text] : []);
  for (let tries = 0; out.length < count; tries++) {
    if (tries > count * 100) throw new Error(`could not draw ${count} distinct decoys`);
    const words = Object.fromEntries(SLOTS.map((slot) => [slot, pick(t[LISTS[slot]], rng, sentence?.words[slot])])) as unknown as ConsentWords;
    const decoy = build(language as ConsentLanguage, words);
    if (seen.has(decoy.text)) continue;
    seen.add(decoy.text);
    out.push(decoy);
  }
  return out;
}

/** A deterministic Rng for tests and reproducible draws (mulberry32). */
export function seededRng(seed: number): Rng {
  let state = seed >>> 0;
  return (maxExclusive: number) => {
    if (!Number.isInteger(maxExclusive) || maxExclusive < 1) throw new Error(`rng bound must be a positive integer, got ${maxExclusive}`);
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const unit = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return Math.floor(unit * maxExclusive);
  };
}
