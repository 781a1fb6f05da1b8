// Channel code of the audio watermark: CRC-16 over the 64-bit mark, then a K=7 rate-1/2 convolutional code with a soft-decision Viterbi decoder (pure; render workers and CLI).

const MARK_BYTES = 8;
const MARK_BITS = MARK_BYTES * 8;
const CRC_BITS = 16;
/** Mark, then its CRC: what the convolutional code carries. */
const INFO_BITS = MARK_BITS + CRC_BITS;
/** Constraint length of the code (the NASA/Voyager K=7 code, generators 171 and 133 octal). */
const CONSTRAINT = 7;
const GENERATORS = [0o171, 0o133] as const;
const STATES = 1 << (CONSTRAINT - 1);
/** Zero tail after the information so the decoder ends in state 0: the last bits are as well protected as the rest. */
const TAIL_BITS = CONSTRAINT - 1;
export const CODED_BITS = (INFO_BITS + TAIL_BITS) * GENERATORS.length;

function parity(value: number): number {
  let v = value;
  v ^= v >> 4;
  v ^= v >> 2;
  v ^= v >> 1;
  return v & 1;
}

/** CRC-16/CCITT-FALSE (polynomial 0x1021, initial 0xFFFF) of the bytes. */
function crc16(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** The mark's bits then its CRC's, most significant first. */
export function infoBits(mark: Uint8Array): Uint8Array {
  if (mark.length !== MARK_BYTES) throw new RangeError(`A watermark mark is ${MARK_BYTES} bytes, got ${mark.length}.`);
  const bits = new Uint8Array(INFO_BITS);
  for (let i = 0; i < MARK_BITS; i++) bits[i] = (mark[i >> 3]! >> (7 - (i & 7))) & 1;
  const crc = crc16(mark);
  for (let i = 0; i < CRC_BITS; i++) bits[MARK_BITS + i] = (crc >> (CRC_BITS - 1 - i)) & 1;
  return bits;
}

/** The mark encoded by infoBits, or null when its CRC does not match. */
export function markOf(bits: Uint8Array): Uint8Array | null {
  const mark = new Uint8Array(MARK_BYTES);
  for (let i = 0; i < MARK_BITS; i++) mark[i >> 3]! |= bits[i]! << (7 - (i & 7));
  let crc = 0;
  for (let i = 0; i < CRC_BITS; i++) crc = (crc << 1) | bits[MARK_BITS + i]!;
  return crc === crc16(mark) ? mark : null;
}

/** Convolutional encoding of the information bits plus the zero tail: CODED_BITS bits. */
export function convolve(info: Uint8Array): Uint8Array {
  const out = new Uint8Array((info.length + TAIL_BITS) * GENERATORS.length);
  let register = 0;
  for (let t = 0; t < info.length + TAIL_BITS; t++) {
    register = ((register << 1) | (t < info.length ? info[t]! : 0)) & ((1 << CONSTRAINT) - 1);
    for (let g = 0; g < GENERATORS.length; g++) out[t * GENERATORS.length + g] = parity(register & GENERATORS[g]!);
  }
  return out;
}

/**
 * Maximum-likelihood information bits for soft coded values (positive means a 1 is likelier, the magnitude how much): the
 * path through the trellis whose outputs correlate best with `soft`, ending in state 0.
 */
export function viterbi(soft: Float64Array, infoLength = INFO_BITS): Uint8Array {
  const steps = infoLength + TAIL_BITS;
  let metric = new Float64Array(STATES).fill(-Infinity);
  let next = new Float64Array(STATES);
  metric[0] = 0;
  // survivors[t * STATES + s]: the state before s on the best path into s at step t.
  const survivors = new Uint8Array(steps * STATES);
  for (let t = 0; t < steps; t++) {
    const y0 = soft[2 * t] ?? 0;
    const y1 = soft[2 * t + 1] ?? 0;
    next.fill(-Infinity);
    // In the tail only a 0 enters the register.
    const inputs = t < infoLength ? 2 : 1;
    for (let s = 0; s < STATES; s++) {
      const m = metric[s]!;
      if (m === -Infinity) continue;
      for (let bit = 0; bit < inputs; bit++) {
        const register = (s << 1) | bit;
        const to = register & (STATES - 1);
        const gain = (parity(register & GENERATORS[0]) ? y0 : -y0) + (parity(register & GENERATORS[1]) ? y1 : -y1);
        if (m + gain > next[to]!) {
          next[to] = m + gain;
          survivors[t * STATES + to] = s;
        }
      }
    }
    [metric, next] = [next, metric];
  }
  const bits = new Uint8Array(infoLength);
  let state = 0;
  for (let t = steps - 1; t >= 0; t--) {
    if (t < infoLength) bits[t] = state & 1;
    state = survivors[t * STATES + state]!;
  }
  return bits;
}
