// The process port: who we are and whether another process is alive (for stale-lock detection).

import os from 'node:os';

export interface ProcessPort {
  pid: number;
  hostname: string;
  isAlive(pid: number): boolean;
}

export const nodeProcessPort: ProcessPort = {
  pid: process.pid,
  hostname: os.hostname(),
  isAlive(pid) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (err) {
      // EPERM: it exists but belongs to someone else.
      return (err as { code?: string }).code === 'EPERM';
    }
  },
};
