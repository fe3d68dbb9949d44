// Worker thread entry: owns one ONNX Runtime session. session.run() holds its
// thread for the whole inference, so it runs here and never on the event loop.
import { parentPort, workerData } from 'node:worker_threads';
import ort from 'onnxruntime-node';
import { transferListOf, type FromWorker, type ToWorker, type WorkerConfig } from './protocol.js';
import { isTensorType, type OutputTensor, type TensorInfo, type TypedArray } from './tensor.js';

const port = parentPort;
if (port === null) throw new Error('onnx-runner worker.js must run in a worker thread');
const config = workerData as WorkerConfig;

function post(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(message, transfer);
}

function describe(
  values: readonly ort.InferenceSession.ValueMetadata[],
  side: string,
): TensorInfo[] {
  return values.map((value) => {
    if (!value.isTensor) throw new Error(`${side} "${value.name}" is not a tensor`);
    if (!isTensorType(value.type)) {
      throw new Error(
        `${side} "${value.name}" has element type ${value.type}, which is not supported`,
      );
    }
    return { name: value.name, type: value.type, dims: [...value.shape] };
  });
}

async function load(): Promise<ort.InferenceSession | undefined> {
  try {
    const session = await ort.InferenceSession.create(config.path, {
      intraOpNumThreads: config.intraOpThreads,
      interOpNumThreads: config.interOpThreads,
      executionMode: config.interOpThreads > 1 ? 'parallel' : 'sequential',
      graphOptimizationLevel: 'all',
    });
    post({
      kind: 'ready',
      inputs: describe(session.inputMetadata, 'input'),
      outputs: describe(session.outputMetadata, 'output'),
    });
    return session;
  } catch (err) {
    post({ kind: 'load_failed', message: err instanceof Error ? err.message : String(err) });
    port?.close();
    return undefined;
  }
}

async function run(session: ort.InferenceSession, id: number, feeds: Record<string, OutputTensor>) {
  try {
    const tensors: Record<string, ort.Tensor> = {};
    for (const [name, feed] of Object.entries(feeds)) {
      tensors[name] = new ort.Tensor(feed.type, feed.data, feed.dims);
    }
    const result = await session.run(tensors);
    const outputs: Record<string, OutputTensor> = {};
    for (const [name, tensor] of Object.entries(result)) {
      const type = tensor.type;
      if (!isTensorType(type)) throw new Error(`output "${name}" has unsupported type ${type}`);
      outputs[name] = { type, data: tensor.data as TypedArray, dims: [...tensor.dims] };
    }
    post({ kind: 'result', id, outputs }, transferListOf(Object.values(outputs)));
  } catch (err) {
    post({ kind: 'run_failed', id, message: err instanceof Error ? err.message : String(err) });
  }
}

const session = await load();
if (session !== undefined) {
  let running = 0;
  let closing = false;
  const release = () => void session.release().finally(() => port.close());
  port.on('message', (message: ToWorker) => {
    switch (message.kind) {
      case 'run':
        running++;
        void run(session, message.id, message.feeds).finally(() => {
          if (--running === 0 && closing) release();
        });
        return;
      case 'close':
        // Release the native session before the thread ends, so a swap frees the old model.
        closing = true;
        if (running === 0) release();
        return;
      case 'exit':
        process.exit(1);
    }
  });
}
