// Blocked-content check: red-team scripts in many languages and obfuscations are refused with the right category and segment, look-alike neutral scripts pass, owner terms work everywhere; test process.
import { describe, expect, it } from 'vitest';
import { type ContentMatch, describeMatch, findBlockedContent } from '../../../main/core/compose/content/check.js';
import { CONTENT_CATEGORIES, type ContentCategory } from '../../../main/core/twin/rules/schema.js';

const ALL = CONTENT_CATEGORIES;

interface RedTeam {
  category: ContentCategory;
  language: string;
  /** The sentence; `phrase` is the part of it that breaks the rules, which the obfuscations disguise. */
  text: string;
  phrase: string;
  /** The phrase counts before a capitalised name only, a cue that text all in capitals loses. */
  beforeName?: true;
}

const RED_TEAM: RedTeam[] = [
  { category: 'violence', language: 'en', text: 'Listen carefully: I will kill you if you come back.', phrase: 'kill you' },
  { category: 'violence', language: 'en', text: 'Tomorrow we bomb the station at noon.', phrase: 'bomb the' },
  { category: 'violence', language: 'es', text: 'Si vuelves, voy a matarte.', phrase: 'matarte' },
  { category: 'violence', language: 'fr', text: 'Écoute bien, je vais te tuer demain.', phrase: 'je vais te tuer' },
  { category: 'violence', language: 'de', text: 'Hör zu, ich bringe dich um.', phrase: 'ich bringe dich um' },
  { category: 'violence', language: 'pt-BR', text: 'Se você voltar, vou te matar.', phrase: 'vou te matar' },
  { category: 'violence', language: 'it', text: 'Se torni, ti ammazzo.', phrase: 'ti ammazzo' },
  { category: 'violence', language: 'ru', text: 'Слушай, я тебя убью.', phrase: 'я тебя убью' },
  { category: 'violence', language: 'zh', text: '听着，我要杀了你。', phrase: '杀了你' },
  { category: 'violence', language: 'ja', text: 'お前を殺すぞ。', phrase: '殺すぞ' },
  { category: 'violence', language: 'hi', text: 'सुन लो, मैं तुम्हें मार डालूंगा।', phrase: 'मार डालूंगा' },
  { category: 'violence', language: 'ar', text: 'اسمع، سأقتلك غدا.', phrase: 'سأقتلك' },
  { category: 'political', language: 'en', text: 'So please vote for me on Tuesday.', phrase: 'vote for me' },
  { category: 'political', language: 'en', text: 'On Tuesday, vote for Smith and the future.', phrase: 'vote for', beforeName: true },
  { category: 'political', language: 'en', text: 'It is time to re-elect the governor.', phrase: 're-elect' },
  { category: 'political', language: 'es', text: 'Este domingo, vota por nuestro candidato.', phrase: 'vota por nuestro candidato' },
  { category: 'political', language: 'fr', text: 'Dimanche, votez pour moi.', phrase: 'votez pour moi' },
  { category: 'political', language: 'de', text: 'Am Sonntag gilt: wählt die Grünen!', phrase: 'wählt die Grünen' },
  { category: 'political', language: 'pt', text: 'No domingo, vote em mim.', phrase: 'vote em mim' },
  { category: 'political', language: 'it', text: 'Domenica votate per me.', phrase: 'votate per me' },
  { category: 'political', language: 'ru', text: 'Голосуйте за меня в воскресенье.', phrase: 'Голосуйте за меня' },
  { category: 'political', language: 'zh-CN', text: '请大家投我一票。', phrase: '投我一票' },
  { category: 'political', language: 'hi', text: 'कृपया मुझे वोट दें।', phrase: 'मुझे वोट दें' },
  { category: 'political', language: 'ar', text: 'صوتوا لي يوم الأحد.', phrase: 'صوتوا لي' },
  { category: 'sexual', language: 'en', text: 'Come on, send nudes tonight.', phrase: 'send nudes' },
  { category: 'sexual', language: 'es', text: 'Te lo digo: quiero follarte.', phrase: 'quiero follarte' },
  { category: 'sexual', language: 'fr', text: 'Allez, envoie-moi des nudes.', phrase: 'envoie-moi des nudes' },
  { category: 'sexual', language: 'de', text: 'Komm, lass uns ficken.', phrase: 'lass uns ficken' },
  { category: 'sexual', language: 'ru', text: 'Давай трахнемся сегодня.', phrase: 'Давай трахнемся' },
  { category: 'sexual', language: 'zh', text: '我们去做爱吧。', phrase: '做爱' },
  { category: 'sexual', language: 'ja', text: '今夜セックスしよう。', phrase: 'セックスしよう' },
  { category: 'hate', language: 'en', text: 'Let me be clear: immigrants are vermin.', phrase: 'immigrants are vermin' },
  { category: 'hate', language: 'es', text: 'Lo digo claro: los inmigrantes son ratas.', phrase: 'inmigrantes son ratas' },
  { category: 'hate', language: 'fr', text: 'Je le dis: les migrants sont des cafards.', phrase: 'migrants sont des cafards' },
  { category: 'hate', language: 'de', text: 'Und dann riefen sie: Ausländer raus!', phrase: 'Ausländer raus' },
  { category: 'hate', language: 'pt', text: 'Ele disse que os refugiados são ratos.', phrase: 'refugiados são ratos' },
  { category: 'hate', language: 'it', text: 'Dicono che gli immigrati sono parassiti.', phrase: 'immigrati sono parassiti' },
  { category: 'hate', language: 'ru', text: 'Он кричал: смерть евреям!', phrase: 'смерть евреям' },
  { category: 'hate', language: 'zh', text: '他说难民都是畜生。', phrase: '难民都是畜生' },
  { category: 'hate', language: 'ar', text: 'كانوا يهتفون الموت لليهود', phrase: 'الموت لليهود' },
  { category: 'hate', language: 'hi', text: 'वह चिल्लाया मुसलमानों को मार डालो', phrase: 'मुसलमानों को मार डालो' },
  { category: 'impersonation', language: 'en', text: 'Hi everyone, I am not an AI and this is really me.', phrase: 'I am not an AI' },
  { category: 'impersonation', language: 'en', text: 'Good evening. This is the real Taylor Swift speaking.', phrase: 'This is the real', beforeName: true },
  { category: 'impersonation', language: 'es', text: 'Tranquilos: esto no es un deepfake.', phrase: 'esto no es un deepfake' },
  { category: 'impersonation', language: 'fr', text: 'Rassurez-vous, je ne suis pas une IA.', phrase: 'je ne suis pas une IA' },
  { category: 'impersonation', language: 'de', text: 'Keine Sorge, ich bin keine KI.', phrase: 'ich bin keine KI' },
  { category: 'impersonation', language: 'ru', text: 'Не волнуйтесь, я не ИИ.', phrase: 'я не ИИ' },
  { category: 'impersonation', language: 'zh', text: '放心，我不是AI。', phrase: '我不是AI' },
  { category: 'impersonation', language: 'ja', text: '安心してください、私はAIではありません。', phrase: '私はAIではありません' },
  { category: 'medical-advice', language: 'en', text: 'Trust me, you should stop taking your medication today.', phrase: 'stop taking your medication' },
  { category: 'medical-advice', language: 'en', text: 'Use this tea instead of seeing a doctor.', phrase: 'instead of seeing a doctor' },
  { category: 'medical-advice', language: 'es', text: 'Créeme, deja de tomar tus medicamentos.', phrase: 'deja de tomar tus medicamentos' },
  { category: 'medical-advice', language: 'fr', text: 'Croyez-moi, arrêtez de prendre vos médicaments.', phrase: 'arrêtez de prendre vos médicaments' },
  { category: 'medical-advice', language: 'de', text: 'Glauben Sie mir, setzen Sie Ihre Medikamente ab.', phrase: 'setzen Sie Ihre Medikamente ab' },
  { category: 'medical-advice', language: 'ru', text: 'Поверьте, перестаньте принимать лекарства.', phrase: 'перестаньте принимать лекарства' },
  { category: 'medical-advice', language: 'zh', text: '相信我，你可以停止服药。', phrase: '停止服药' },
  { category: 'medical-advice', language: 'hi', text: 'मेरी बात मानो, दवा लेना बंद करो।', phrase: 'दवा लेना बंद करो' },
  { category: 'financial-advice', language: 'en', text: 'Guaranteed returns if you buy this stock now.', phrase: 'buy this stock' },
  { category: 'financial-advice', language: 'en', text: 'Trust me, crypto will 10x this year.', phrase: 'crypto will 10x' },
  { category: 'financial-advice', language: 'es', text: 'Hazme caso e invierte tus ahorros aquí.', phrase: 'invierte tus ahorros' },
  { category: 'financial-advice', language: 'fr', text: 'Écoutez-moi, rendement garanti avec nous.', phrase: 'rendement garanti' },
  { category: 'financial-advice', language: 'de', text: 'Hört zu und kauft diese Aktie sofort.', phrase: 'kauft diese Aktie' },
  { category: 'financial-advice', language: 'ru', text: 'Это гарантированная доходность для всех.', phrase: 'гарантированная доходность' },
  { category: 'financial-advice', language: 'zh', text: '这个项目稳赚不赔。', phrase: '稳赚不赔' },
  { category: 'financial-advice', language: 'ja', text: 'この投資は絶対に儲かる。', phrase: '絶対に儲かる' },
];

const NEUTRAL_OPENING = { language: 'en', text: 'Welcome back to the channel, everyone.' };

/** The script: a harmless opening, then the segment under test (so the match must name segment 1). */
function check(text: string, language: string, categories: readonly ContentCategory[] = ALL, terms: readonly string[] = []): ContentMatch[] {
  return findBlockedContent([NEUTRAL_OPENING, { language, text }], categories, terms);
}

const LATIN = /^(?:en|es|fr|de|pt|it)\b/u;

function graphemes(text: string): string[] {
  return [...new Intl.Segmenter('und', { granularity: 'grapheme' }).segment(text)].map((g) => g.segment);
}

/** Ways a writer disguises a phrase; each applies to the phrase only, the rest of the sentence stays as it was. */
const OBFUSCATIONS: Record<string, (phrase: string, language: string, beforeName: boolean) => string | null> = {
  'upper case': (p, _, beforeName) => (beforeName ? null : p.toUpperCase()),
  'zero-width characters': (p) => [...p].join('\u200B'),
  // Devanagari spelt out syllable by syllable is not joined: its one-syllable words ("है", "तो", "भी") would be too.
  'letters spelt out with spaces': (p, lang) => (lang === 'hi' ? null : graphemes(p.replace(/[\s-]+/gu, '')).join(' ')),
  'letters spelt out with dots': (p, lang) => (LATIN.test(lang) ? p.replace(/[^\s-]{3,}/gu, (w) => [...w].join('.')) : null),
  'digits for letters': (p, lang) => (LATIN.test(lang) ? p.replace(/[aeios]/gu, (c) => ({ a: '4', e: '3', i: '1', o: '0', s: '5' })[c]!) : null),
  'symbols for letters': (p, lang) => (LATIN.test(lang) ? p.replace(/a/u, '@').replace(/s/u, '$') : null),
  'added accents': (p, lang) =>
    LATIN.test(lang) ? p.replace(/[aeioucn]/gu, (c) => ({ a: 'à', e: 'ê', i: 'ï', o: 'ô', u: 'ù', c: 'ç', n: 'ñ' })[c]!) : lang === 'ar' ? [...p].join('\u064E') : null,
  'look-alike letters': (p, lang) =>
    LATIN.test(lang)
      ? p.replace(/[aeocp]/gu, (c) => ({ a: 'а', e: 'е', o: 'о', c: 'с', p: 'р' })[c]!)
      : lang === 'ru'
        ? p.replace(/[аеос]/gu, (c) => ({ а: 'a', е: 'e', о: 'o', с: 'c' })[c]!)
        : null,
  'repeated letters': (p, lang) => (LATIN.test(lang) || lang === 'ru' ? p.replace(/[aeiouаеиоу]/gu, (c) => c.repeat(3)) : null),
};

describe('refusing scripts that break a blocked category', () => {
  /** Whether `check` finds `category` in segment 1 at the place of `phrase` in `text`. */
  function foundAt(category: ContentCategory, language: string, text: string, phrase: string): boolean {
    const start = text.indexOf(phrase);
    const end = start + phrase.length;
    return check(text, language).some((m) => {
      const at = text.indexOf(m.found);
      return m.category === category && m.segment === 1 && m.language === language && at < end && at + m.found.length > start;
    });
  }

  it.each(RED_TEAM)('finds $category in $language: "$text"', ({ category, language, text, phrase }) => {
    expect(text).toContain(phrase);
    expect(foundAt(category, language, text, phrase)).toBe(true);
  });

  for (const [name, obfuscate] of Object.entries(OBFUSCATIONS)) {
    const cases = RED_TEAM.flatMap((c) => {
      const disguised = obfuscate(c.phrase, c.language, c.beforeName ?? false);
      return disguised === null || disguised === c.phrase ? [] : [{ ...c, disguised }];
    });
    it(`sees through ${name} (${cases.length} scripts)`, () => {
      for (const { category, language, disguised, text, phrase } of cases) {
        expect(foundAt(category, language, text.replace(phrase, disguised), disguised), `${category} in ${language}: ${text.replace(phrase, disguised)}`).toBe(true);
      }
    });
  }

  it('quotes what the script says, disguise and all', () => {
    expect(check('I will K.I.L.L Y0U tomorrow', 'en')).toEqual([{ segment: 1, category: 'violence', term: 'kill you', found: 'K.I.L.L Y0U', language: 'en' }]);
    expect(check('Quiero m4t\u200Barte.', 'es-MX')).toEqual([{ segment: 1, category: 'violence', term: 'matarte', found: 'm4t\u200Barte', language: 'es-MX' }]);
    expect(check('我要殺了你', 'zh-Hant')).toEqual([{ segment: 1, category: 'violence', term: '我要杀了', found: '我要殺了', language: 'zh-Hant' }]);
  });

  it('writes a message a creator can act on', () => {
    const [violent] = check('No dudaré en matarte.', 'es');
    expect(describeMatch({ ...violent!, segment: 2 })).toBe(`segment 2 (es): "matarte" is violence content, blocked by the twin's rules`);
    const [medical] = check('Stop taking your\nmedication.', 'en');
    expect(describeMatch(medical!)).toBe(`segment 1 (en): "Stop taking your medication" is medical advice content, blocked by the twin's rules`);
    const [term] = check('Brought to you by ACME.', 'en', [], ['acme']);
    expect(describeMatch(term!)).toBe('segment 1 (en): contains the blocked term "acme"');
  });
});

describe('passing scripts that only look like blocked content', () => {
  const NEUTRAL: [string, string][] = [
    ['en', 'This killer app will blow you away.'],
    ['en', 'We shot the film in Spain last summer, and we shoot them on film.'],
    ['en', 'I will shoot them an email and shoot them down if the ideas are weak.'],
    ['en', 'The evening ended with the vote of thanks.'],
    ['en', 'Take your time, there is no rush.'],
    ['en', 'A healthy diet and sleep make a difference; ask your doctor before any change.'],
    ['en', 'Enjoy our bank holiday weekend.'],
    ['en', 'Beat the eggs, then kill the heat and let the sauce rest.'],
    ['en', 'Boil the stock to kill bacteria; this stock will keep for a week.'],
    ['en', 'Today we discuss the election of the new class representative.'],
    ['en', 'In 1860 Lincoln won the election, and the war that followed killed hundreds of thousands.'],
    ['en', 'Nazi propaganda called the Jews vermin; historians study how that language led to murder.'],
    ['en', 'This is the real deal, and this is the real reason it works.'],
    ['en', 'Vote for your favourite recipe in the comments.'],
    ['en', 'The President signed the treaty in 1972.'],
    ['en', 'Ticks are parasites, and rats are animals that carry them.'],
    ['en', 'Skill yourself up: this workshop teaches you to kill time productively.'],
    ['en', 'I will hurt my back if I lift this box.'],
    ['en', 'She bombed the exam, but she will bomb the test less next time.'],
    ['en', 'The 455 bus leaves at 10:15; the class is in room 3B.'],
    ['en', 'This is your bank account overview in the app.'],
    ['en', 'Our mission is to help researchers cure cancer one day.'],
    ['en', 'Interest is calculated monthly on your savings account.'],
    ['en', 'The whites are inferior to the reds in this tasting.'],
    ['es', 'Vota por tu receta favorita en los comentarios.'],
    ['es', 'Rodamos la película en Madrid y matamos el tiempo jugando a las cartas.'],
    ['es', 'La elección del nuevo delegado de clase es mañana.'],
    ['es', 'Bate los huevos y apaga el fuego.'],
    ['fr', 'On baisse les prix et on coupe le feu sous la poêle.'],
    ['fr', "L'élection du délégué de classe aura lieu demain."],
    ['fr', 'La salle arabe du musée est fermée; tirez sur la corde doucement.'],
    ['fr', 'Prenez votre temps, et demandez à votre médecin.'],
    ['de', 'Wählen Sie die richtige Größe und nehmen Sie sich Zeit.'],
    ['de', 'Die Wahl des Klassensprechers findet morgen statt.'],
    ['de', 'Schlagen Sie die Eier auf und nehmen Sie den Topf vom Herd.'],
    ['de', 'Im Jahr 1945 endete der Krieg, und viele Tote wurden begraben.'],
    ['de', 'Ich bringe dich um 8 Uhr zum Bahnhof, und ich bringe dich um halb neun zurück.'],
    ['pt', 'Vote na sua receita favorita nos comentários.'],
    ['pt', 'Não tem como perder o ônibus se você sair cedo.'],
    ['it', 'Scopare il pavimento prima di cena, e il dosaggio di farina è importante.'],
    ['it', 'I bianchi sono inferiori ai rossi in questa degustazione.'],
    ['ru', 'Чёрные крысы живут в подвалах; онколог лечит рак.'],
    ['ru', 'Сегодня мы выбираем старосту класса.'],
    ['zh', '今天我们学习这座老桥是怎样建成的。印度支那的历史很长。'],
    ['zh', '请在评论区投票选出你最喜欢的菜谱。'],
    ['ja', 'フェラーリの新車が発表されました。死ねないほど忙しい。'],
    ['ja', '土人形を作りましょう。'],
    ['hi', 'यह भी तो है कि आज मौसम अच्छा है।'],
    ['ar', 'نيك كيج ممثل مشهور، والطبيب يعالج السرطان.'],
  ];

  it.each(NEUTRAL)('passes %s: "%s"', (language, text) => {
    expect(check(text, language)).toEqual([]);
  });
});

describe('what is checked', () => {
  it('reports only the categories the rules block', () => {
    const text = 'Vote for me, and stop taking your medication.';
    expect(check(text, 'en', ['political']).map((m) => m.category)).toEqual(['political']);
    expect(check(text, 'en', ['medical-advice']).map((m) => m.category)).toEqual(['medical-advice']);
    expect(check(text, 'en', [])).toEqual([]);
    expect(check(text, 'en', ['sexual', 'hate'])).toEqual([]);
  });

  it("uses the lists of each segment's own language, plus the list for every language", () => {
    expect(check('voy a matarte', 'en')).toEqual([]);
    expect(check('voy a matarte', 'es-419').map((m) => m.category)).toEqual(['violence']);
    expect(check('check out my p0rn stash', 'ko').map((m) => m.category)).toEqual(['sexual']);
    expect(check('kill you', 'x-klingon')).toEqual([]);
  });

  it('matches owner terms in every language, Chinese without spaces included', () => {
    const terms = ['acme', '赌博', 'crypto giveaway'];
    const segments = [
      { language: 'fr', text: 'Merci à ACMÉ pour ce cadeau.' },
      { language: 'zh', text: '我们从来不谈赌博的事情。' },
      { language: 'ja', text: '今日はa.c.m.eの話です' },
      { language: 'en', text: 'Join our Crypto\nGiveaway now' },
      { language: 'en', text: 'acmeville is a town, not a brand' },
    ];
    expect(findBlockedContent(segments, [], terms)).toEqual([
      { segment: 0, category: 'term', term: 'acme', found: 'ACMÉ', language: 'fr' },
      { segment: 1, category: 'term', term: '赌博', found: '赌博', language: 'zh' },
      { segment: 2, category: 'term', term: 'acme', found: 'a.c.m.e', language: 'ja' },
      { segment: 3, category: 'term', term: 'crypto giveaway', found: 'Crypto\nGiveaway', language: 'en' },
    ]);
  });

  it('orders matches by segment, then position, and reports overlapping ones of a category once', () => {
    const segments = [
      { language: 'en', text: 'Send nudes. Then vote for me. I will kill you, kill you all, and kill them all.' },
      { language: 'de', text: 'Ich bringe dich um.' },
      { language: 'en', text: 'Nothing to see here.' },
    ];
    const matches = findBlockedContent(segments, ALL, ['nudes']);
    expect(matches.map((m) => [m.segment, m.category, m.found])).toEqual([
      [0, 'sexual', 'Send nudes'],
      [0, 'term', 'nudes'],
      [0, 'political', 'vote for me'],
      [0, 'violence', 'kill you'],
      [0, 'violence', 'kill you'],
      [0, 'violence', 'kill them all'],
      [1, 'violence', 'Ich bringe dich um'],
    ]);
    expect(findBlockedContent(segments, ALL, ['nudes'])).toEqual(matches);
  });

  it('checks a one-hour script quickly', () => {
    const sentences = [
      'Today we will learn how the old bridge was built and why the river floods every spring.',
      'Hoy aprenderemos cómo se construyó el viejo puente y por qué el río se desborda cada primavera.',
      "Aujourd'hui nous verrons comment le vieux pont a été construit.",
      'Heute lernen wir, wie die alte Brücke gebaut wurde.',
    ];
    const languages = ['en', 'es', 'fr', 'de'];
    const segments = Array.from({ length: 700 }, (_, i) => ({ language: languages[i % 4]!, text: sentences[i % 4]! }));
    segments[699] = { language: 'en', text: 'And finally, vote for me.' };
    const words = segments.reduce((n, s) => n + s.text.split(/\s+/u).length, 0);
    expect(words).toBeGreaterThan(9000);
    const started = performance.now();
    const matches = findBlockedContent(segments, ALL, ['acme', '赌博']);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(matches).toEqual([expect.objectContaining({ segment: 699, category: 'political' })]);
  });
});
