// What happens in the agent, as typed events: the seam for metrics and notifications. The job
// runner emits the run and step events, the service connection the others. A listener that
// throws is its own problem: it never breaks a run or the loop.
import { Status } from './status';

export interface AgentEventMap {
  /** Jobs the poll claimed, before their runs start. */
  claimed: { jobs: { jobId: number; jobName: string; lateSeconds?: number }[] };
  runStarted: { jobId: number; jobName: string; runId: number };
  stepFinished: {
    jobId: number;
    runId: number;
    stepId: number;
    stepName: string;
    kind: string;
    status: Status;
    result: number;
    seconds: number;
    sqlstate?: string;
  };
  /** recorded: false when the end could not be written for the run (its job was lost or deleted). */
  runFinished: {
    jobId: number;
    jobName: string;
    runId: number | null;
    status: Status;
    seconds: number;
    recorded: boolean;
  };
  /** Dead agents cleared by a sweep, with how many of their runs were recorded aborted. */
  swept: { agents: { pid: number; station: string; runs: number; jobs: number }[] };
  connectionLost: { error: string };
  connectionRegained: { agentPid: number; previousPid: number | null };
}

export type AgentEventName = keyof AgentEventMap;
type Listener<K extends AgentEventName> = (event: AgentEventMap[K]) => void;

export class AgentEvents {
  private readonly listeners = new Map<AgentEventName, Set<Listener<never>>>();

  /** Adds a listener; returns a function that removes it. */
  on<K extends AgentEventName>(name: K, listener: Listener<K>): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  emit<K extends AgentEventName>(name: K, event: AgentEventMap[K]): void {
    for (const listener of this.listeners.get(name) ?? []) {
      try {
        (listener as Listener<K>)(event);
      } catch {
        // A metrics or notification hook must not break the agent.
      }
    }
  }
}
