// Build errors name the layer: shape mismatches, ops without a gradient, misuse of the builder.
import { describe, expect, it } from 'vitest';
import * as nn from '../../../main/core/ml/graph/index.js';
import { ops } from '../../../main/core/ml/graph/index.js';

describe('graph builder errors', () => {
  it('names the layer when the channel count does not match', () => {
    const g = new nn.Graph();
    const x = g.input('x', [2, 3, 16, 16]);
    const h = nn.conv2d(g, x, { name: 'enc1', inChannels: 3, outChannels: 16, kernel: 3, padding: 1 });
    expect(() => nn.conv2d(g, h, { name: 'enc2', inChannels: 32, outChannels: 64, kernel: 3 })).toThrow("layer 'enc2' (Conv2d): input has 16 channels, expected 32");
  });

  it('names the layer for wrong features, ranks, residual shapes and loss shapes', () => {
    const g = new nn.Graph();
    const x = g.input('x', [4, 10]);
    const t = g.input('t', [4, 3]);
    expect(() => nn.linear(g, x, { name: 'fc', inFeatures: 12, outFeatures: 3 })).toThrow("layer 'fc' (Linear): input [4, 10] has 10 features, expected 12");
    expect(() => nn.conv1d(g, x, { name: 'c1', inChannels: 4, outChannels: 2, kernel: 3 })).toThrow("layer 'c1' (Conv1d): input [4, 10] should have rank 3");
    const y = nn.linear(g, x, { name: 'head', inFeatures: 10, outFeatures: 2 });
    expect(() => nn.residual(g, x, y, { name: 'skip' })).toThrow("layer 'skip' (Residual): branch [4, 2] does not match the skip [4, 10]");
    expect(() => nn.l2Loss(g, y, t, { name: 'mse' })).toThrow("layer 'mse' (L2Loss): prediction [4, 2] and target [4, 3] differ");
  });

  it('names the layer whose op has no gradient rule', () => {
    const g = new nn.Graph();
    const x = g.input('x', [4, 3]);
    const t = g.input('t', [4, 2]);
    const h = nn.linear(g, x, { name: 'fc', inFeatures: 3, outFeatures: 2 });
    const q = g.layer('Quantize', 'quant', {}, [h], () => ops.sign(g, h));
    const loss = nn.l2Loss(g, q, t);
    expect(() => nn.buildTrainStep(g, { loss })).toThrow("layer 'quant' (Quantize): op Sign has no gradient rule");
  });

  it('reports a kernel larger than the input, and ops or parameters outside a layer', () => {
    const g = new nn.Graph();
    const x = g.input('x', [1, 1, 4, 4]);
    expect(() => nn.conv2d(g, x, { name: 'big', inChannels: 1, outChannels: 1, kernel: 5 })).toThrow("layer 'big' (Conv2d): Conv: input [1, 1, 4, 4] is too small for kernel [5, 5]");
    expect(() => ops.relu(g, x)).toThrow('graph: op Relu must be emitted inside a layer');
    expect(() => g.param('w', [2], { kind: 'constant', value: 0 }, false)).toThrow("graph: parameter 'w' must belong to a layer");
  });

  it('refuses duplicate names and reserved input names', () => {
    const g = new nn.Graph();
    const x = g.input('x', [2, 4]);
    nn.linear(g, x, { name: 'fc', inFeatures: 4, outFeatures: 4 });
    expect(() => nn.linear(g, x, { name: 'fc', inFeatures: 4, outFeatures: 4 })).toThrow("layer 'fc' (Linear): the name is already used");
    expect(() => g.input('x', [2, 4])).toThrow("graph: input name 'x' is already used");
    expect(() => g.input('lr', [1])).toThrow("graph: input name 'lr' is reserved");
  });
});
