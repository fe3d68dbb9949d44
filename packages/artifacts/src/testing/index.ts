export { TINY_ARTIFACTS_DIR, tinyArtifacts } from './tiny.js';
export { writeTestArtifacts, type TestArtifactsSpec } from './write-artifacts.js';
