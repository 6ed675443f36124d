export * from './fence-devices.js';
export * from './fencer.js';
export * from './rgmanager.js';
export * from './disk.js';
