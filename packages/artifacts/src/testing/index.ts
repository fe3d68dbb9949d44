export { TINY_ARTIFACTS_DIR, tinyArtifacts, type TinyOptions } from './tiny.js';
export { writeTestArtifacts, type TestArtifactsSpec } from './write-artifacts.js';
