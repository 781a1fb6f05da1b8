// The graph under construction: static-shape tensors, nodes, layers, parameters, masks, constants and naming; main process and workers.

export type DType = 'float32' | 'int64' | 'bool';
export type Shape = readonly number[];

export interface Tensor {
  /** The ONNX value name; unique within the graph. */
  readonly name: string;
  readonly shape: Shape;
  readonly dtype: DType;
}

export type Attr =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'ints'; readonly value: readonly number[] }
  | { readonly kind: 'float'; readonly value: number };

export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

/** Where a node was emitted: errors and value names carry it, so a failure names the layer. */
export interface Scope {
  readonly name: string;
  readonly kind: string;
  /** Prefix for the value names emitted in this scope. */
  readonly prefix: string;
}

export interface Node {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  readonly attrs: Readonly<Record<string, Attr>>;
  readonly scope: Scope;
}

export type ParamInit = { readonly kind: 'uniform'; readonly bound: number } | { readonly kind: 'constant'; readonly value: number };

export interface Param {
  readonly tensor: Tensor;
  readonly init: ParamInit;
  /** Whether AdamW's decoupled weight decay applies (weights yes; biases and norm gains no). */
  readonly decay: boolean;
  readonly layer: string;
}

/** A dropout mask: a graph input the trainer fills from (seed, step), holding 0 or 1/(1-rate). */
export interface Mask {
  readonly tensor: Tensor;
  readonly rate: number;
  readonly layer: string;
}

export interface Constant {
  readonly tensor: Tensor;
  readonly data: Float32Array | BigInt64Array;
}

/** One entry of the architecture description (see weights.ts for the hash). */
export interface LayerRecord {
  readonly name: string;
  readonly kind: string;
  readonly config: Json;
  /** The layers (or `input:<name>`) whose outputs this layer reads. */
  readonly inputs: readonly string[];
  readonly params: Readonly<Record<string, readonly number[]>>;
  /** Loss layers shape training only: they stay out of the architecture hash. */
  readonly role: 'model' | 'loss';
}

/** Names the train-step and gradient graphs use for their own inputs and outputs. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(['lr', 'step', 'loss', 'grad_norm']);
const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

export function sizeOf(shape: Shape): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

interface LayerFrame {
  readonly scope: Scope;
  readonly params: Record<string, readonly number[]>;
}

export class Graph {
  readonly nodes: Node[] = [];
  readonly inputs: Tensor[] = [];
  readonly params: Param[] = [];
  readonly masks: Mask[] = [];
  readonly constants = new Map<string, Constant>();
  readonly layers: LayerRecord[] = [];
  private readonly producers = new Map<string, string>();
  private readonly kindCounters = new Map<string, number>();
  private readonly constantKeys = new Map<string, Tensor>();
  private readonly stack: LayerFrame[] = [];
  private counter = 0;

  /** A copy that can grow (gradients, optimiser) without touching this graph; nodes and tensors are shared, they are immutable. */
  fork(): Graph {
    const g = new Graph();
    g.nodes.push(...this.nodes);
    g.inputs.push(...this.inputs);
    g.params.push(...this.params);
    g.masks.push(...this.masks);
    g.layers.push(...this.layers);
    for (const [k, v] of this.constants) g.constants.set(k, v);
    for (const [k, v] of this.producers) g.producers.set(k, v);
    for (const [k, v] of this.kindCounters) g.kindCounters.set(k, v);
    for (const [k, v] of this.constantKeys) g.constantKeys.set(k, v);
    g.counter = this.counter;
    return g;
  }

  get scope(): Scope | undefined {
    return this.stack.at(-1)?.scope;
  }

  /** Throws an error that names the current layer. */
  fail(message: string): never {
    const scope = this.scope;
    throw new Error(scope ? `layer '${scope.name}' (${scope.kind}): ${message}` : `graph: ${message}`);
  }

  /** A float32 data input (features, targets) with a static shape, batch included. */
  input(name: string, shape: Shape): Tensor {
    if (this.scope) this.fail(`inputs are declared outside layers ('${name}')`);
    this.checkName(name, 'input');
    this.checkShape(shape, `input '${name}'`);
    const t: Tensor = { name, shape: [...shape], dtype: 'float32' };
    this.inputs.push(t);
    this.producers.set(name, `input:${name}`);
    return t;
  }

  /**
   * Runs `body` as a named layer: its nodes, parameters and errors carry the name, and the layer
   * joins the architecture description.
   */
  layer<T>(kind: string, name: string | undefined, config: Json, inputs: readonly Tensor[], body: () => T, role: 'model' | 'loss' = 'model'): T {
    const layerName = name ?? this.autoName(kind);
    const scope: Scope = { name: layerName, kind, prefix: layerName };
    if (!NAME_PATTERN.test(layerName)) throw new Error(`layer '${layerName}' (${kind}): names use letters, digits, '_', '.', '-'`);
    const taken = [...this.layers.map((l) => l.name), ...this.stack.map((f) => f.scope.name), ...this.inputs.map((i) => i.name)];
    if (taken.includes(layerName)) {
      throw new Error(`layer '${layerName}' (${kind}): the name is already used`);
    }
    const frame: LayerFrame = { scope, params: {} };
    const sources = inputs.map((t) => this.producers.get(t.name) ?? 'constant');
    const sizes = [this.nodes.length, this.params.length, this.masks.length, this.layers.length] as const;
    this.stack.push(frame);
    try {
      const result = body();
      this.layers.push({ name: layerName, kind, config, inputs: sources, params: frame.params, role });
      return result;
    } catch (error) {
      // A failed layer leaves nothing behind, so the graph stays usable after a caught error.
      this.nodes.length = sizes[0];
      this.params.length = sizes[1];
      this.masks.length = sizes[2];
      this.layers.length = sizes[3];
      throw error;
    } finally {
      this.stack.pop();
    }
  }

  /** Runs `body` with nodes attributed to `scope`, for code that is not a layer (gradients, optimiser). */
  within<T>(scope: Scope, body: () => T): T {
    this.stack.push({ scope, params: {} });
    try {
      return body();
    } finally {
      this.stack.pop();
    }
  }

  param(localName: string, shape: Shape, init: ParamInit, decay: boolean): Tensor {
    const frame = this.stack.at(-1);
    if (!frame) return this.fail(`parameter '${localName}' must belong to a layer`);
    const name = `${frame.scope.name}.${localName}`;
    this.checkShape(shape, `parameter '${name}'`);
    if (this.inputs.some((i) => i.name === name) || this.params.some((p) => p.tensor.name === name)) this.fail(`parameter '${name}' is already defined`);
    const t: Tensor = { name, shape: [...shape], dtype: 'float32' };
    this.params.push({ tensor: t, init, decay, layer: frame.scope.name });
    frame.params[localName] = [...shape];
    this.producers.set(name, frame.scope.name);
    return t;
  }

  mask(shape: Shape, rate: number): Tensor {
    const frame = this.stack.at(-1);
    if (!frame) return this.fail('a dropout mask must belong to a layer');
    const t: Tensor = { name: `mask/${frame.scope.name}`, shape: [...shape], dtype: 'float32' };
    if (this.masks.some((m) => m.tensor.name === t.name)) this.fail('a layer holds at most one dropout mask');
    this.masks.push({ tensor: t, rate, layer: frame.scope.name });
    return t;
  }

  /** A float32 constant; scalars and small vectors are shared between uses. */
  constant(values: readonly number[] | Float32Array, shape: Shape): Tensor {
    const data = Float32Array.from(values);
    return this.addConstant(data, shape, 'float32', data.length <= 16 ? `f:${formatShape(shape)}:${data.join(',')}` : undefined);
  }

  scalar(value: number): Tensor {
    return this.constant([value], []);
  }

  /** A 1-D int64 constant, as shape, axes and pads inputs need. */
  int64s(values: readonly number[]): Tensor {
    return this.addConstant(BigInt64Array.from(values, (v) => BigInt(v)), [values.length], 'int64', `i:${values.join(',')}`);
  }

  /** Appends a node; ops.ts has already checked the inputs and inferred the output shape. */
  emit(op: string, inputs: readonly Tensor[], shape: Shape, dtype: DType, attrs: Readonly<Record<string, Attr>> = {}): Tensor {
    const scope = this.scope;
    if (!scope) return this.fail(`op ${op} must be emitted inside a layer`);
    const output: Tensor = { name: `${scope.prefix}/${op}_${this.counter++}`, shape: [...shape], dtype };
    this.nodes.push({ op, inputs, output, attrs, scope });
    this.producers.set(output.name, scope.name);
    return output;
  }

  private addConstant(data: Float32Array | BigInt64Array, shape: Shape, dtype: DType, key: string | undefined): Tensor {
    const known = key === undefined ? undefined : this.constantKeys.get(key);
    if (known) return known;
    if (sizeOf(shape) !== data.length) this.fail(`constant of shape ${formatShape(shape)} needs ${sizeOf(shape)} values, got ${data.length}`);
    const tensor: Tensor = { name: `const/${this.counter++}`, shape: [...shape], dtype };
    this.constants.set(tensor.name, { tensor, data });
    if (key !== undefined) this.constantKeys.set(key, tensor);
    return tensor;
  }

  private autoName(kind: string): string {
    const base = kind.toLowerCase();
    let n = this.kindCounters.get(base) ?? 0;
    let name: string;
    do name = `${base}${++n}`;
    while (this.layers.some((l) => l.name === name));
    this.kindCounters.set(base, n);
    return name;
  }

  private checkName(name: string, what: string): void {
    if (!NAME_PATTERN.test(name)) this.fail(`${what} name '${name}' must use letters, digits, '_', '.', '-'`);
    if (RESERVED_NAMES.has(name)) this.fail(`${what} name '${name}' is reserved for the train-step graph`);
    const taken = [...this.inputs.map((i) => i.name), ...this.layers.map((l) => l.name), ...this.params.map((p) => p.tensor.name)];
    if (taken.includes(name)) this.fail(`${what} name '${name}' is already used`);
  }

  private checkShape(shape: Shape, what: string): void {
    if (!shape.every((d) => Number.isInteger(d) && d > 0)) this.fail(`${what} needs a static shape of positive integers, got ${formatShape(shape)}`);
  }
}
