export {
  FLEET,
  fleetPorts,
  freePort,
  SERVING_DEFAULTS,
  type FleetPorts,
  type Service,
} from './ports.js';
export { spawnLogged, stopped, waitReady } from './process.js';
