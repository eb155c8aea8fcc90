import { readFileSync } from "node:fs";

/**
 * What tells one process from a later one that got the same pid. On Linux: the boot id and
 * the process's start time in clock ticks since boot; elsewhere nothing (pid only).
 */
export interface ProcessIdentity {
  bootId?: string;
  startTicks?: string;
}

/** The operating-system reads a liveness check needs; tests pass their own. */
export interface ProcessProbe {
  /** `process.kill(pid, 0)`: ESRCH means gone; EPERM means it exists but belongs to another user. */
  exists(pid: number): boolean;
  bootId(): string | undefined;
  startTicks(pid: number): string | undefined;
}

/** The probe for this machine. */
export const systemProbe: ProcessProbe = {
  exists(pid) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (err) {
      // EPERM: alive, owned by someone else. Anything but ESRCH: assume alive (never steal).
      return (err as NodeJS.ErrnoException).code !== "ESRCH";
    }
  },
  bootId: () => readTrimmed("/proc/sys/kernel/random/boot_id"),
  startTicks(pid) {
    const stat = readTrimmed(`/proc/${pid}/stat`);
    if (!stat) return undefined;
    // `pid (comm) state …`: comm may hold spaces and parentheses; field 22 is starttime.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  },
};

/** This process's identity, recorded beside its pid. */
export function ownIdentity(probe: ProcessProbe = systemProbe): ProcessIdentity {
  return { bootId: probe.bootId(), startTicks: probe.startTicks(process.pid) };
}

/** Why a recorded process is no longer the one that wrote the record, or null while it runs. */
export type GoneReason = "exited" | "rebooted" | "pid reused";

/**
 * Whether the process recorded as `pid` + `identity` still runs. Only a positive answer
 * (ESRCH, another boot, another start time) counts as gone: when in doubt it is alive.
 */
export function goneReason(
  pid: number,
  identity: ProcessIdentity,
  probe: ProcessProbe = systemProbe,
): GoneReason | null {
  const bootId = probe.bootId();
  if (identity.bootId && bootId && identity.bootId !== bootId) return "rebooted";
  if (!probe.exists(pid)) return "exited";
  const ticks = probe.startTicks(pid);
  if (identity.startTicks && ticks && identity.startTicks !== ticks) return "pid reused";
  return null;
}

function readTrimmed(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}
