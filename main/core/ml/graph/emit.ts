// Turns a built graph into ONNX model bytes: prunes to the requested outputs, names them, embeds constants; main process and workers.
import { formatShape, sizeOf } from './builder.js';
import type { Attr, DType, Graph, Node, Tensor } from './builder.js';
import { littleEndianBytes } from './bytes.js';
import { encodeModel, OnnxDataType } from './onnx-proto.js';
import type { OnnxAttribute, OnnxNode, OnnxTensor, OnnxValueInfo } from './onnx-proto.js';

export const OPSET_VERSION = 17;
export const IR_VERSION = 8;

export interface EmitRequest {
  readonly name: string;
  /** Graph inputs, in order. */
  readonly inputs: readonly Tensor[];
  /** Graph outputs as [public name, tensor], in order. */
  readonly outputs: readonly (readonly [string, Tensor])[];
  /** Values embedded as initializers (weights of a self-contained inference model). */
  readonly initializers?: ReadonlyMap<string, Float32Array>;
  /** Inference: dropout (a Mul by a mask) becomes Identity, so no mask is needed. */
  readonly dropoutAsIdentity?: boolean;
  /** Declare only the inputs the outputs depend on (an inference model needs no targets). */
  readonly pruneInputs?: boolean;
  readonly metadata?: Readonly<Record<string, string>>;
}

const ELEM_TYPE: Readonly<Record<DType, OnnxValueInfo['elemType']>> = { float32: OnnxDataType.float, int64: OnnxDataType.int64, bool: OnnxDataType.bool };

function toOnnxAttribute(name: string, a: Attr): OnnxAttribute {
  switch (a.kind) {
    case 'int':
      return { name, type: 'int', value: a.value };
    case 'ints':
      return { name, type: 'ints', value: a.value };
    case 'float':
      return { name, type: 'float', value: a.value };
  }
}

function dropoutToIdentity(masks: ReadonlySet<string>, n: Node): Node {
  const [a, b] = n.inputs;
  if (n.op !== 'Mul' || !a || !b) return n;
  if (masks.has(b.name)) return { ...n, op: 'Identity', inputs: [a], attrs: {} };
  if (masks.has(a.name)) return { ...n, op: 'Identity', inputs: [b], attrs: {} };
  return n;
}

/** The nodes `outputs` depend on, in emission order. */
export function nodesFor(nodes: readonly Node[], outputs: readonly Tensor[]): Node[] {
  const wanted = new Set(outputs.map((t) => t.name));
  const kept: Node[] = [];
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i];
    if (!n || !wanted.has(n.output.name)) continue;
    kept.push(n);
    for (const x of n.inputs) wanted.add(x.name);
  }
  return kept.reverse();
}

function valueInfo(name: string, t: Tensor): OnnxValueInfo {
  return { name, elemType: ELEM_TYPE[t.dtype], dims: t.shape };
}

export interface EmittedModel {
  readonly bytes: Uint8Array;
  /** The declared inputs, in order (fewer than requested with `pruneInputs`). */
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
}

export function emitModel(g: Graph, req: EmitRequest): EmittedModel {
  const names = [...req.inputs.map((t) => t.name), ...req.outputs.map(([name]) => name)];
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate !== undefined) throw new Error(`graph: '${duplicate}' names two graph inputs or outputs`);
  const masks = new Set(g.masks.map((m) => m.tensor.name));
  const nodes = nodesFor(
    req.dropoutAsIdentity ? g.nodes.map((n) => dropoutToIdentity(masks, n)) : g.nodes,
    req.outputs.map(([, t]) => t),
  );
  const read = new Set([...nodes.flatMap((n) => n.inputs.map((t) => t.name)), ...req.outputs.map(([, t]) => t.name)]);
  const inputs = req.pruneInputs ? req.inputs.filter((t) => read.has(t.name)) : req.inputs;
  const initializers = req.initializers ?? new Map<string, Float32Array>();
  const declared = new Set(inputs.map((t) => t.name));
  const available = new Set([...declared, ...nodes.map((n) => n.output.name)]);
  const usedConstants = new Map<string, OnnxTensor>();
  const usedWeights = new Map<string, OnnxTensor>();
  const provide = (t: Tensor): void => {
    if (available.has(t.name) || usedConstants.has(t.name) || usedWeights.has(t.name)) return;
    const c = g.constants.get(t.name);
    const w = initializers.get(t.name);
    if (c) {
      usedConstants.set(t.name, { name: t.name, dataType: ELEM_TYPE[t.dtype], dims: t.shape, raw: littleEndianBytes(c.data) });
    } else if (w) {
      if (w.length !== sizeOf(t.shape)) throw new Error(`graph: weight '${t.name}' has ${w.length} values, shape ${formatShape(t.shape)} needs ${sizeOf(t.shape)}`);
      usedWeights.set(t.name, { name: t.name, dataType: OnnxDataType.float, dims: t.shape, raw: littleEndianBytes(w) });
    } else {
      throw new Error(`graph: '${t.name}' is needed for the requested outputs but is neither an input nor a weight`);
    }
  };
  for (const n of nodes) n.inputs.forEach(provide);
  for (const [, t] of req.outputs) provide(t);

  // Outputs take their public names by renaming the producing node; a value that is not
  // produced here (an input, a constant) or is exported twice goes through an Identity.
  const produced = new Set(nodes.map((n) => n.output.name));
  const rename = new Map<string, string>();
  const identities: OnnxNode[] = [];
  for (const [name, t] of req.outputs) {
    if (name === t.name) continue;
    if (produced.has(t.name) && !rename.has(t.name)) rename.set(t.name, name);
    else identities.push({ name: `output/${name}`, opType: 'Identity', inputs: [rename.get(t.name) ?? t.name], outputs: [name], attributes: [] });
  }
  const named = (t: Tensor): string => rename.get(t.name) ?? t.name;
  const onnxNodes: OnnxNode[] = nodes.map((n) => ({
    name: n.output.name,
    opType: n.op,
    inputs: n.inputs.map(named),
    outputs: [named(n.output)],
    attributes: Object.entries(n.attrs).map(([k, a]) => toOnnxAttribute(k, a)),
  }));

  const bytes = encodeModel({
    irVersion: IR_VERSION,
    opsetVersion: OPSET_VERSION,
    producerName: 'likeness-studio',
    producerVersion: '1',
    metadata: req.metadata ?? {},
    graph: {
      name: req.name,
      nodes: [...onnxNodes, ...identities],
      inputs: inputs.map((t) => valueInfo(t.name, t)),
      outputs: req.outputs.map(([name, t]) => valueInfo(name, t)),
      initializers: [...usedWeights.values(), ...usedConstants.values()],
    },
  });
  return { bytes, inputNames: inputs.map((t) => t.name), outputNames: req.outputs.map(([name]) => name) };
}
