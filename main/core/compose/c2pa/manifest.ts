// C2PA: what a rendered video's manifest says, and reading the studio's render assertion back (main process and render workers).

/** What the studio records about a render, carried in the `org.likeness-studio.render` assertion. */
export interface RenderProvenance {
  title: string;
  /** sha256:… digest of the twin's manifest. */
  twin: string;
  /** 0x… licence id, or 'owner' when the creator renders their own twin. */
  licence: string;
  /** 0x… ledger receipt id. */
  receiptId: string;
  /** The ledger receipt as a JSON object. */
  receipt: unknown;
  receiptSignature: string;
  /** 16 hex characters: the audio watermark. */
  mark: string;
  language: string[];
  createdAt: string;
}

export const RENDER_ASSERTION = 'org.likeness-studio.render';
/** Kept in step with package.json by the unit test; the bundled main process cannot read it by a relative path from here. */
export const CLAIM_GENERATOR = { name: 'Likeness Studio', version: '0.1.0' } as const;
const TRAINED_ALGORITHMIC_MEDIA = 'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia';
/** IPTC source types that mean a trained model made (all or part of) the media. */
export const AI_SOURCE_TYPES: ReadonlySet<string> = new Set([
  TRAINED_ALGORITHMIC_MEDIA,
  'http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia',
]);

const HEX = /^0x[0-9a-fA-F]+$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The reasons `value` is not a RenderProvenance; empty when it is one. */
export function renderProblems(value: unknown): string[] {
  if (!isRecord(value)) return ['the render assertion is not an object'];
  const problems: string[] = [];
  for (const key of ['title', 'twin', 'licence', 'receiptId', 'receiptSignature', 'mark', 'createdAt'] as const) {
    if (typeof value[key] !== 'string') problems.push(`${key} is not a string`);
  }
  const text = (key: string) => (typeof value[key] === 'string' ? value[key] : '');
  if (!text('twin').startsWith('sha256:')) problems.push('twin is not a sha256: digest');
  if (text('licence') !== 'owner' && !HEX.test(text('licence'))) problems.push("licence is neither 0x… nor 'owner'");
  if (!HEX.test(text('receiptId'))) problems.push('receiptId is not 0x…');
  if (!/^[0-9a-fA-F]{16}$/.test(text('mark'))) problems.push('mark is not 16 hex characters');
  if (!isRecord(value.receipt)) problems.push('receipt is not a JSON object');
  if (!Array.isArray(value.language) || !value.language.every((l) => typeof l === 'string')) problems.push('language is not a list of strings');
  return problems;
}

/** Only the RenderProvenance fields, so nothing else a file carries is passed on as if the studio had written it. */
export function pickRender(value: unknown): RenderProvenance | undefined {
  if (!isRecord(value) || renderProblems(value).length > 0) return undefined;
  const v = value as unknown as RenderProvenance;
  return {
    title: v.title,
    twin: v.twin,
    licence: v.licence,
    receiptId: v.receiptId,
    receipt: v.receipt,
    receiptSignature: v.receiptSignature,
    mark: v.mark,
    language: [...v.language],
    createdAt: v.createdAt,
  };
}

/** The c2pa-rs ManifestDefinition JSON: created by the studio, made by a trained model, with the render record. */
export function manifestDefinition(render: RenderProvenance): string {
  const problems = renderProblems(render);
  if (problems.length > 0) throw new TypeError(`Cannot sign this render: ${problems.join('; ')}.`);
  return JSON.stringify({
    claim_generator_info: [CLAIM_GENERATOR],
    title: render.title,
    assertions: [
      {
        label: 'c2pa.actions',
        data: { actions: [{ action: 'c2pa.created', digitalSourceType: TRAINED_ALGORITHMIC_MEDIA }] },
        created: true,
      },
      { label: RENDER_ASSERTION, data: pickRender(render), created: true },
    ],
  });
}
