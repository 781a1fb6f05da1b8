// Little-endian views of typed arrays, the byte order of ONNX raw_data and safetensors; main process and workers.

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function requireLittleEndian(): void {
  // Every supported desktop (x86-64, arm64) is little-endian; byte-swapping code would never run.
  if (!LITTLE_ENDIAN) throw new Error('big-endian hosts are not supported');
}

/** The element bytes of `data`, without copying. */
export function littleEndianBytes(data: Float32Array | BigInt64Array): Uint8Array {
  requireLittleEndian();
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Float32 values from little-endian bytes, copied into a fresh aligned buffer. */
export function float32FromLittleEndian(bytes: Uint8Array): Float32Array {
  requireLittleEndian();
  return new Float32Array(bytes.slice().buffer);
}
