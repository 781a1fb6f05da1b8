// Blocked-content lexicon: hate (dehumanising a group, calls to kill or expel it, and a modest list of unambiguous slurs), in every language we write (pure; main process and CLI).
import { type CategoryLexicon, fill } from './types.js';

/*
 * Most entries pair a group of people with a dehumanising predicate or a call to harm it: the predicate alone is
 * harmless ("ticks are parasites"), and so is the group alone. Only present-tense assertions and calls are listed, so
 * a history lesson ("propaganda called them vermin", "the Nazis wanted to exterminate the Jews") passes. Slurs are
 * kept to words with no everyday sense (not "faggot", a British dish, nor "chink", as in "a chink in the armour").
 * Colour words are not groups here where they also name wines or chess pieces ("the whites are inferior to the reds").
 */

const EN_GROUPS = [
  'jews',
  'muslims',
  'christians',
  'catholics',
  'hindus',
  'sikhs',
  'blacks',
  'black people',
  'white people',
  'gays',
  'gay people',
  'homosexuals',
  'lesbians',
  'trans people',
  'immigrants',
  'migrants',
  'refugees',
  'arabs',
  'mexicans',
  'latinos',
  'asians',
  'chinese people',
  'africans',
  'indians',
  'gypsies',
  'roma',
  'women',
  'disabled people',
].map((g) => ({ g }));

const EN_TEMPLATES = [
  '{g} are vermin',
  '{g} are rats',
  '{g} are animals',
  '{g} are cockroaches',
  '{g} are parasites',
  '{g} are subhuman',
  '{g} are not human',
  '{g} are a disease',
  '{g} are a plague',
  '{g} are inferior',
  '{g} should be exterminated',
  '{g} should be wiped out',
  '{g} should be gassed',
  '{g} must die',
  '{g} should die',
  '{g} deserve to die',
  'kill all {g}',
  'kill all the {g}',
  'death to {g}',
  'death to all {g}',
  'death to the {g}',
  'gas the {g}',
  'we must exterminate the {g}',
  'we should exterminate the {g}',
  'get rid of all {g}',
  'i hate {g}',
  'i hate all {g}',
];

/** Noun, article, and the "all" that agrees with it. */
const ES_GROUPS = [
  ['judíos', 'los', 'todos'],
  ['musulmanes', 'los', 'todos'],
  ['cristianos', 'los', 'todos'],
  ['negros', 'los', 'todos'],
  ['gays', 'los', 'todos'],
  ['homosexuales', 'los', 'todos'],
  ['lesbianas', 'las', 'todas'],
  ['personas trans', 'las', 'todas'],
  ['inmigrantes', 'los', 'todos'],
  ['migrantes', 'los', 'todos'],
  ['refugiados', 'los', 'todos'],
  ['árabes', 'los', 'todos'],
  ['moros', 'los', 'todos'],
  ['gitanos', 'los', 'todos'],
  ['mexicanos', 'los', 'todos'],
  ['chinos', 'los', 'todos'],
  ['latinos', 'los', 'todos'],
  ['indígenas', 'los', 'todos'],
  ['mujeres', 'las', 'todas'],
].map(([n, a, t]) => ({ n: n!, a: a!, t: t! }));

const ES_TEMPLATES = [
  '{n} son ratas',
  '{n} son animales',
  '{n} son cucarachas',
  '{n} son parásitos',
  '{n} son una plaga',
  '{n} son basura',
  '{n} son infrahumanos',
  '{n} no son humanos',
  '{n} son inferiores',
  '{n} deberían morir',
  '{n} deben morir',
  '{n} merecen morir',
  'muerte a {a} {n}',
  'matar a {t} {a} {n}',
  'hay que matar a {a} {n}',
  'hay que exterminar a {a} {n}',
  'odio a {a} {n}',
];

/** Noun and the "all" that agrees with it. */
const FR_GROUPS = [
  ['juifs', 'tous'],
  ['musulmans', 'tous'],
  ['chrétiens', 'tous'],
  ['noirs', 'tous'],
  ['arabes', 'tous'],
  ['gays', 'tous'],
  ['homosexuels', 'tous'],
  ['lesbiennes', 'toutes'],
  ['trans', 'tous'],
  ['immigrés', 'tous'],
  ['migrants', 'tous'],
  ['réfugiés', 'tous'],
  ['roms', 'tous'],
  ['gitans', 'tous'],
  ['asiatiques', 'tous'],
  ['africains', 'tous'],
  ['femmes', 'toutes'],
].map(([n, t]) => ({ n: n!, t: t! }));

const FR_TEMPLATES = [
  '{n} sont des rats',
  '{n} sont des animaux',
  '{n} sont des cafards',
  '{n} sont des parasites',
  '{n} sont des sous-hommes',
  '{n} sont une vermine',
  '{n} ne sont pas humains',
  '{n} sont inférieurs',
  '{n} doivent mourir',
  '{n} méritent de mourir',
  'mort aux {n}',
  'tuez {t} les {n}',
  'il faut tuer les {n}',
  'il faut exterminer les {n}',
  'je hais les {n}',
  'dehors les {n}',
];

/** Plural noun as subject or object, and in the dative ("Tod den Muslimen"). */
const DE_GROUPS = [
  ['juden', 'juden'],
  ['muslime', 'muslimen'],
  ['christen', 'christen'],
  ['schwarze', 'schwarzen'],
  ['schwarzen', 'schwarzen'],
  ['araber', 'arabern'],
  ['türken', 'türken'],
  ['asiaten', 'asiaten'],
  ['afrikaner', 'afrikanern'],
  ['schwule', 'schwulen'],
  ['homosexuelle', 'homosexuellen'],
  ['lesben', 'lesben'],
  ['ausländer', 'ausländern'],
  ['migranten', 'migranten'],
  ['flüchtlinge', 'flüchtlingen'],
  ['roma', 'roma'],
  ['sinti', 'sinti'],
  ['frauen', 'frauen'],
].map(([n, d]) => ({ n: n!, d: d! }));

const DE_TEMPLATES = [
  '{n} sind ratten',
  '{n} sind ungeziefer',
  '{n} sind tiere',
  '{n} sind parasiten',
  '{n} sind untermenschen',
  '{n} sind keine menschen',
  '{n} sind minderwertig',
  '{n} sind eine plage',
  '{n} müssen sterben',
  '{n} sollen sterben',
  'ich hasse {n}',
  'ich hasse alle {n}',
  'tötet alle {n}',
  'vergast die {n}',
  'man muss die {n} ausrotten',
  'wir müssen die {n} ausrotten',
  'tod den {d}',
];

/** "Out with them", only for the groups the slogan has been shouted at ("Frauen raus" is also a feminist "women, get out there"). */
const DE_EXPELLED = ['ausländer', 'juden', 'türken', 'flüchtlinge', 'migranten', 'kanaken'];

/** Noun, article, "to the" and the "all" that agrees with it. */
const PT_GROUPS = [
  ['judeus', 'os', 'aos', 'todos'],
  ['muçulmanos', 'os', 'aos', 'todos'],
  ['cristãos', 'os', 'aos', 'todos'],
  ['negros', 'os', 'aos', 'todos'],
  ['gays', 'os', 'aos', 'todos'],
  ['homossexuais', 'os', 'aos', 'todos'],
  ['lésbicas', 'as', 'às', 'todas'],
  ['pessoas trans', 'as', 'às', 'todas'],
  ['imigrantes', 'os', 'aos', 'todos'],
  ['refugiados', 'os', 'aos', 'todos'],
  ['árabes', 'os', 'aos', 'todos'],
  ['ciganos', 'os', 'aos', 'todos'],
  ['nordestinos', 'os', 'aos', 'todos'],
  ['índios', 'os', 'aos', 'todos'],
  ['asiáticos', 'os', 'aos', 'todos'],
  ['africanos', 'os', 'aos', 'todos'],
  ['mulheres', 'as', 'às', 'todas'],
].map(([n, a, to, t]) => ({ n: n!, a: a!, to: to!, t: t! }));

const PT_TEMPLATES = [
  '{n} são ratos',
  '{n} são animais',
  '{n} são baratas',
  '{n} são parasitas',
  '{n} são uma praga',
  '{n} são lixo',
  '{n} são sub-humanos',
  '{n} não são humanos',
  '{n} são inferiores',
  '{n} devem morrer',
  '{n} merecem morrer',
  'morte {to} {n}',
  'matem {t} {a} {n}',
  'temos que matar {a} {n}',
  'temos que exterminar {a} {n}',
  'odeio {a} {n}',
  'odeio {n}',
];

/** Noun, article, "to the" and the "all" that agrees with it. */
const IT_GROUPS = [
  ['ebrei', 'gli', 'agli', 'tutti'],
  ['musulmani', 'i', 'ai', 'tutti'],
  ['cristiani', 'i', 'ai', 'tutti'],
  ['neri', 'i', 'ai', 'tutti'],
  ['gay', 'i', 'ai', 'tutti'],
  ['omosessuali', 'gli', 'agli', 'tutti'],
  ['lesbiche', 'le', 'alle', 'tutte'],
  ['immigrati', 'gli', 'agli', 'tutti'],
  ['migranti', 'i', 'ai', 'tutti'],
  ['profughi', 'i', 'ai', 'tutti'],
  ['arabi', 'gli', 'agli', 'tutti'],
  ['zingari', 'gli', 'agli', 'tutti'],
  ['rom', 'i', 'ai', 'tutti'],
  ['africani', 'gli', 'agli', 'tutti'],
  ['cinesi', 'i', 'ai', 'tutti'],
  ['meridionali', 'i', 'ai', 'tutti'],
  ['donne', 'le', 'alle', 'tutte'],
].map(([n, a, to, t]) => ({ n: n!, a: a!, to: to!, t: t! }));

const IT_TEMPLATES = [
  '{n} sono topi',
  '{n} sono ratti',
  '{n} sono animali',
  '{n} sono scarafaggi',
  '{n} sono parassiti',
  '{n} sono una piaga',
  '{n} sono feccia',
  '{n} sono subumani',
  '{n} non sono umani',
  '{n} sono inferiori',
  '{n} devono morire',
  '{n} meritano di morire',
  'morte {to} {n}',
  'ammazzate {t} {a} {n}',
  'uccidete {t} {a} {n}',
  'odio {a} {n}',
  'bisogna sterminare {a} {n}',
];

/** Nominative, dative and accusative plural. */
const RU_GROUPS = [
  ['евреи', 'евреям', 'евреев'],
  ['мусульмане', 'мусульманам', 'мусульман'],
  ['христиане', 'христианам', 'христиан'],
  ['чёрные', 'чёрным', 'чёрных'],
  ['геи', 'геям', 'геев'],
  ['мигранты', 'мигрантам', 'мигрантов'],
  ['цыгане', 'цыганам', 'цыган'],
  ['кавказцы', 'кавказцам', 'кавказцев'],
  ['таджики', 'таджикам', 'таджиков'],
  ['украинцы', 'украинцам', 'украинцев'],
  ['русские', 'русским', 'русских'],
  ['азиаты', 'азиатам', 'азиатов'],
  ['арабы', 'арабам', 'арабов'],
  ['женщины', 'женщинам', 'женщин'],
].map(([n, d, a]) => ({ n: n!, d: d!, a: a! }));

const RU_TEMPLATES = [
  '{n} это крысы',
  '{n} это животные',
  '{n} это паразиты',
  '{n} не люди',
  '{n} недочеловеки',
  '{n} должны умереть',
  '{n} заслуживают смерти',
  'смерть {d}',
  'убивайте {a}',
  'убить всех {a}',
  'я ненавижу {a}',
  'бей {a}',
];

const ZH_GROUPS = ['犹太人', '穆斯林', '黑人', '白人', '同性恋', '移民', '难民', '女人', '外国人', '日本人', '中国人', '基督徒', '印度人'].map((g) => ({ g }));
const ZH_TEMPLATES = ['{g}都是畜生', '{g}是畜生', '{g}都是害虫', '{g}是害虫', '{g}都是蟑螂', '{g}都该死', '{g}应该去死', '杀光{g}', '{g}滚出去', '我恨{g}'];

const JA_GROUPS = ['ユダヤ人', 'イスラム教徒', '黒人', '朝鮮人', '韓国人', '中国人', '外国人', '移民', '難民', '同性愛者', '女性', '在日'].map((g) => ({ g }));
const JA_TEMPLATES = ['{g}はゴキブリ', '{g}は害虫', '{g}は死ね', '{g}を殺せ', '{g}を叩き出せ', '{g}は出て行け', '{g}は人間じゃない', '{g}は劣等'];

/** Direct and oblique plural (the form before को). */
const HI_GROUPS = [
  ['मुसलमान', 'मुसलमानों'],
  ['मुस्लिम', 'मुस्लिमों'],
  ['हिंदू', 'हिंदुओं'],
  ['ईसाई', 'ईसाइयों'],
  ['दलित', 'दलितों'],
  ['सिख', 'सिखों'],
  ['यहूदी', 'यहूदियों'],
  ['पाकिस्तानी', 'पाकिस्तानियों'],
  ['बिहारी', 'बिहारियों'],
  ['औरतें', 'औरतों'],
  ['समलैंगिक', 'समलैंगिकों'],
].map(([d, o]) => ({ d: d!, o: o! }));

const HI_TEMPLATES = [
  '{d} कीड़े हैं',
  '{d} कीड़े मकोड़े हैं',
  '{d} जानवर हैं',
  '{d} इंसान नहीं हैं',
  '{d} गद्दार हैं',
  '{o} को मार डालो',
  'सब {o} को मार डालो',
  '{o} को देश से निकालो',
  '{o} को खत्म करो',
  '{o} का सफाया करो',
];

/** The group with its article, and "to the group" (ل + ال is written لل). */
const AR_GROUPS = ['اليهود', 'المسلمين', 'المسيحيين', 'السود', 'المثليين', 'المهاجرين', 'اللاجئين', 'الشيعة', 'النساء', 'الأجانب', 'العرب'].map((g) => ({
  g,
  l: `لل${g.slice(2)}`,
}));

const AR_TEMPLATES = ['{g} حشرات', '{g} خنازير', '{g} قردة وخنازير', '{g} ليسوا بشرا', '{g} يجب أن يموتوا', 'الموت {l}', 'اقتلوا {g}', 'أبيدوا {g}', 'أكره {g}'];

export const hate: CategoryLexicon = {
  en: [
    ...fill(EN_TEMPLATES, EN_GROUPS),
    'nigger',
    'niggers',
    'sand nigger',
    'kike',
    'kikes',
    'wetback',
    'wetbacks',
    'raghead',
    'ragheads',
    'towelhead',
    'towelheads',
    'gook',
    'gooks',
    'spics',
    'beaner',
    'beaners',
    'subhumans',
    'race traitor',
    'race traitors',
    'white genocide',
    'zionist occupied government',
    'the jews control',
    'jews control the',
    'are an inferior race',
    'go back to your country',
    'go back to where you came from',
    'go back to africa',
  ],
  es: [...fill(ES_TEMPLATES, ES_GROUPS), 'sudaca', 'sudacas', 'maricón', 'maricones', 'negrata', 'negratas', 'moro de mierda', 'vuelve a tu país', 'volved a vuestro país', 'raza inferior'],
  fr: [...fill(FR_TEMPLATES, FR_GROUPS), 'bougnoule', 'bougnoules', 'youpin', 'youpins', 'sale nègre', 'sale juif', 'sale pédé', 'retourne dans ton pays', 'race inférieure'],
  de: [
    ...fill(DE_TEMPLATES, DE_GROUPS),
    ...DE_EXPELLED.map((group) => `${group} raus`),
    'kanake',
    'kanaken',
    'neger',
    'judensau',
    'schwuchtel',
    'schwuchteln',
    'geh zurück in dein land',
  ],
  pt: [...fill(PT_TEMPLATES, PT_GROUPS), 'viado', 'viados', 'volta pro seu país', 'volte para o seu país', 'raça inferior'],
  it: [...fill(IT_TEMPLATES, IT_GROUPS), 'frocio', 'froci', 'terrone', 'terroni', 'negro di merda', 'zingaro di merda', 'torna al tuo paese', 'razza inferiore'],
  zh: [...fill(ZH_TEMPLATES, ZH_GROUPS), '黑鬼', '支那人', '支那猪', '小日本', '日本鬼子', '死基佬'],
  ja: [...fill(JA_TEMPLATES, JA_GROUPS), '支那人', 'シナ人', 'ホモ野郎', 'ニガー'],
  hi: [...fill(HI_TEMPLATES, HI_GROUPS), 'कटुआ', 'कटुए'],
  ar: fill(AR_TEMPLATES, AR_GROUPS),
  ru: [
    ...fill(RU_TEMPLATES, RU_GROUPS),
    'жиды',
    'жидов',
    'хачи',
    'хачей',
    'пидоры',
    'пидор',
    'пидорас',
    'хохлы',
    'хохлов',
    'черножопые',
  ],
};
