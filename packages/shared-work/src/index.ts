export type * from './room-core';
