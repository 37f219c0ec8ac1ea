/** What the elected process does when it gains or loses leadership. */
export interface LeadershipCallbacks {
  /** Called with the new fencing epoch; every mutating write must carry it. */
  onStartedLeading(epoch: number): void;
  /** Called when leadership is lost or given up; stop mutating at once. */
  onStoppedLeading(): void;
}

/**
 * Leader election with fencing (DESIGN §4): at most one operator mutates runtimes; a stale
 * leader's writes are refused because its epoch is no longer current.
 */
export interface LeaderElector {
  /** Campaigns in the background until stopped. */
  start(callbacks: LeadershipCallbacks): void;
  /** Gives leadership up (if held) and stops campaigning. */
  stop(): Promise<void>;
  isLeader(): boolean;
  /** The epoch held, or null when not leading. */
  epoch(): number | null;
}
