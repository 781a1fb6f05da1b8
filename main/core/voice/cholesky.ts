// Cholesky factorisation and solve of symmetric positive definite systems, for the voice model's least-squares fits (training workers). No I/O.

/** In-place Cholesky factorisation of the symmetric d × d matrix `a` (row-major): its lower triangle becomes L, a = L·Lᵀ. */
export function cholesky(a: Float64Array, d: number): void {
  for (let j = 0; j < d; j++) {
    let diag = a[j * d + j]!;
    for (let k = 0; k < j; k++) diag -= a[j * d + k]! * a[j * d + k]!;
    if (!(diag > 0)) throw new Error('the inputs are collinear (too few pairs for their size?); give more pairs or a ridge');
    const l = Math.sqrt(diag);
    a[j * d + j] = l;
    for (let i = j + 1; i < d; i++) {
      let s = a[i * d + j]!;
      for (let k = 0; k < j; k++) s -= a[i * d + k]! * a[j * d + k]!;
      a[i * d + j] = s / l;
    }
  }
}

/** Solves L·Lᵀ·x = b in place for the factor of `cholesky`. */
export function choleskySolve(l: Float64Array, d: number, b: Float64Array): void {
  for (let i = 0; i < d; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * d + k]! * b[k]!;
    b[i] = s / l[i * d + i]!;
  }
  for (let i = d - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < d; k++) s -= l[k * d + i]! * b[k]!;
    b[i] = s / l[i * d + i]!;
  }
}
