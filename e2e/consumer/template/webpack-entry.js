// Bundled by webpack with its defaults (no config file): @conclave/mesh must need no polyfills or aliases.
import { joinRoom } from '@conclave/mesh';

globalThis.conclaveJoinRoom = joinRoom;
