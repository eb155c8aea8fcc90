/** Exit codes shared by every command (see cli.md "Everywhere"). */
export const EXIT = {
  ok: 0,
  problemFound: 1,
  usage: 2,
  config: 3,
  network: 4,
  remoteApi: 5,
  internal: 70,
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
