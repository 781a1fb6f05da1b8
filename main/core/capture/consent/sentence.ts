// The consent take's sentence (pure; main process): a random sentence the app chooses, read on camera,
// and decoys of the same template with other random words for the speech check.
import { randomInt } from 'node:crypto';
import { mulberry32 } from '../../platform/seeded-random.js';

/** A source of random integers in [0, maxExclusive); default crypto.randomInt. Inject a seeded one in tests. */
export type Rng = (maxExclusive: number) => number;

export const CONSENT_LANGUAGES = ['en', 'es', 'fr', 'de', 'hi', 'zh', 'ja'] as const;
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

export interface ConsentWordLists {
  weekdays: readonly string[];
  adjectives: readonly string[];
  nouns: readonly string[];
  numbers: readonly string[];
}

interface Template extends ConsentWordLists {
  compose: (w: ConsentWords) => string;
}

// Adjectives are chosen to need no gender agreement (es, fr, hi: none ending in -ā) and are read as a list of
// words (de). The speaker's gender changes no word either (hi: सहमत हूँ, not देता/देती हूँ). Japanese is in kana
// only: eSpeak NG reads kanji as "Chinese letter", and the matcher compares the reading with eSpeak's. Its random
// words are spaced, as kana-only text is, so they read as words rather than one run of kana.
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
  hi: {
    weekdays: ['सोमवार', 'मंगलवार', 'बुधवार', 'गुरुवार', 'शुक्रवार', 'शनिवार', 'रविवार'],
    adjectives: ['लाल', 'सफ़ेद', 'सुंदर', 'शांत', 'तेज़', 'गुलाबी', 'भारी', 'जंगली', 'नरम', 'कोमल', 'प्राचीन', 'बहादुर', 'मज़बूत', 'बैंगनी', 'नारंगी', 'रेशमी'],
    nouns: ['नदी', 'बगीचा', 'खिड़की', 'पहाड़', 'पेंसिल', 'बाघ', 'कंबल', 'टापू', 'किताब', 'तितली', 'हाथी', 'चाँद', 'सितारा', 'मोर', 'पतंग', 'गुब्बारा'],
    numbers: ['तीन', 'चार', 'पाँच', 'छह', 'सात', 'आठ', 'नौ', 'दस', 'ग्यारह', 'पंद्रह', 'बीस', 'चालीस', 'पचास', 'अस्सी', 'नब्बे', 'सौ'],
    compose: (w) => `मैं, इस कैमरे पर मौजूद व्यक्ति, ${w.weekday} को अपनी डिजिटल छवि बनाने के लिए सहमत हूँ, इन शब्दों के साथ: ${w.adjective} ${w.noun} ${w.number}।`,
  },
  zh: {
    weekdays: ['星期一', '星期二', '星期三', '星期四', '星期五', '星期六', '星期日'],
    adjectives: ['绿色', '安静', '金黄', '明亮', '温柔', '快乐', '古老', '好奇', '沉重', '勇敢', '美丽', '神秘', '可爱', '粉红', '新鲜', '巨大'],
    nouns: ['河流', '花园', '窗户', '灯笼', '高山', '铅笔', '港口', '小提琴', '老虎', '毯子', '火箭', '草地', '自行车', '月亮', '茶壶', '海豚'],
    numbers: ['三', '四', '五', '六', '七', '八', '九', '十一', '十二', '十五', '二十', '三十', '四十', '五十', '九十', '一百'],
    compose: (w) => `我，出现在这台摄像机画面中的本人，同意在${w.weekday}创建我的数字形象，所用的词语是：${w.adjective}、${w.noun}、${w.number}。`,
  },
  ja: {
    weekdays: ['げつようび', 'かようび', 'すいようび', 'もくようび', 'きんようび', 'どようび', 'にちようび'],
    adjectives: ['あかい', 'しろい', 'ちいさい', 'おおきい', 'あたらしい', 'ふるい', 'はやい', 'やさしい', 'つめたい', 'うつくしい', 'やわらかい', 'おもい', 'ながい', 'かわいい', 'すずしい', 'するどい'],
    nouns: ['さくら', 'ちょうちん', 'やま', 'えんぴつ', 'みなと', 'バイオリン', 'とら', 'もうふ', 'ロケット', 'じてんしゃ', 'きゅうす', 'イルカ', 'まど', 'ほし', 'かがみ', 'たまご'],
    numbers: ['さん', 'よん', 'ろく', 'なな', 'はち', 'きゅう', 'じゅういち', 'じゅうに', 'じゅうご', 'にじゅう', 'さんじゅう', 'よんじゅう', 'ごじゅう', 'きゅうじゅう', 'ひゃく', 'せん'],
    compose: (w) => `わたし、このカメラにうつっているほんにんは、${w.weekday}に「${w.adjective} ${w.noun} ${w.number}」ということばで、じぶんのデジタルのぶんしんをつくることにどういします。`,
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

/** The words a sentence in `language` is drawn from, one list per slot. */
export function consentWordLists(language: string): ConsentWordLists {
  const { weekdays, adjectives, nouns, numbers } = template(language);
  return { weekdays, adjectives, nouns, numbers };
}

/** A random consent sentence in `language` (one of CONSENT_LANGUAGES). */
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
  const unit = mulberry32(seed);
  return (maxExclusive: number) => {
    if (!Number.isInteger(maxExclusive) || maxExclusive < 1) throw new Error(`rng bound must be a positive integer, got ${maxExclusive}`);
    return Math.floor(unit() * maxExclusive);
  };
}
