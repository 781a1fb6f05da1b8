// eSpeak NG child process: compiles the GPL-3.0 espeak-ng WASM build once and runs one espeak-ng command per IPC request; started by EspeakRunner (espeak.ts), never imported by the studio.
//
// Plain ESM with only Node built-ins and the espeak-ng package, so it starts under plain `node` (no tsx) in development and can be
// copied next to a bundle as it is. argv[2] (optional): the folder holding espeak-ng.js and espeak-ng.wasm (the unpacked copy in a
// packaged app); without it the package is resolved from node_modules.
//
// Protocol (fork with serialization 'advanced'):
//   child → parent  { type: 'ready', pid, compileMs }            once the wasm is compiled
//                   { type: 'fatal', error }                     the wasm could not be loaded (the child then exits)
//   parent → child  { type: 'run', id, args, input, outputs }    args: espeak-ng argv (without the program name); input: text written
//                                                                to /in.txt; outputs: in-memory files to read back afterwards
//   child → parent  { type: 'started', id }                        when it begins the run (a crash before this retries it safely)
//   child → parent  { type: 'result', id, exitStatus, stdout, stderr, files, ms }  or  { type: 'result', id, error }
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

function espeakDir() {
  const given = process.argv[2];
  if (given) return given;
  return dirname(createRequire(import.meta.url).resolve('espeak-ng'));
}

function send(message) {
  if (process.send) process.send(message);
}

const EXIT_NOTE = /^program exited \(with status: (\d+)\)/;

let factory;
let wasmModule;

async function load() {
  const dir = espeakDir();
  const started = performance.now();
  wasmModule = await WebAssembly.compile(readFileSync(join(dir, 'espeak-ng.wasm')));
  factory = (await import(pathToFileURL(join(dir, 'espeak-ng.js')).href)).default;
  return performance.now() - started;
}

/** One espeak-ng command in a fresh instance of the compiled module (main() keeps global state, so an instance serves one call). */
async function runOnce(args, input, outputs) {
  const stdout = [];
  const stderr = [];
  let failure;
  let failInstantiate;
  const instantiateFailed = new Promise((_, reject) => {
    failInstantiate = reject;
  });
  process.exitCode = 0;
  const module = await Promise.race([
    factory({
      arguments: args,
      print: (line) => stdout.push(line),
      printErr: (line) => stderr.push(line),
      onAbort: (what) => {
        failure ??= new Error(`espeak-ng aborted: ${String(what)}`);
      },
      preRun: [
        (mod) => {
          mod.FS.writeFile('/in.txt', input ?? '');
        },
      ],
      instantiateWasm: (imports, receiveInstance) => {
        WebAssembly.instantiate(wasmModule, imports).then(
          (instance) => {
            try {
              receiveInstance(instance); // runs main() synchronously
            } catch (error) {
              failure ??= error;
            }
          },
          (error) => failInstantiate(error),
        );
        return {};
      },
    }),
    instantiateFailed,
  ]);
  // Emscripten's quit_ records main's status in process.exitCode; keep it and reset ours.
  let exitStatus = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  if (failure) throw failure;
  const messages = [];
  for (const line of stderr) {
    const note = EXIT_NOTE.exec(line);
    if (note) exitStatus = Number(note[1]);
    else messages.push(line);
  }
  const files = {};
  for (const path of outputs ?? []) {
    try {
      files[path] = module.FS.readFile(path);
    } catch {
      // not written by this command
    }
  }
  return { exitStatus, stdout, stderr: messages, files };
}

let chain = Promise.resolve();

function onMessage(message) {
  if (!message || message.type !== 'run') return;
  chain = chain.then(async () => {
    send({ type: 'started', id: message.id });
    const started = performance.now();
    try {
      const result = await runOnce(message.args, message.input, message.outputs);
      send({ type: 'result', id: message.id, ...result, ms: performance.now() - started });
    } catch (error) {
      send({ type: 'result', id: message.id, error: error instanceof Error ? error.message : String(error) });
    }
  });
}

process.on('message', onMessage);
// The parent went away: nothing left to serve.
process.on('disconnect', () => process.exit(0));

try {
  const compileMs = await load();
  send({ type: 'ready', pid: process.pid, compileMs });
} catch (error) {
  send({ type: 'fatal', error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}
