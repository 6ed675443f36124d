/** The simulator's DirectorPort: the IPVS model behind keepalived's port (src/ipvs/director-port.ts). */
export { ipvsDirectorFactory } from '../../ipvs/director-port.js';
