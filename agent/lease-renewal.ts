// When the poll renews the agent's lease (4.4). Renewing is a write (a WAL record and a commit
// flush), so the probe renews only once half the lease has passed since the last renewal and is
// read-only otherwise. The lease (2 * -t + -r) and the dead-agent rules are unchanged: the next
// poll comes at most -t later, so the lease is renewed by lease / 2 + -t at the latest, -r / 2
// before it runs out. While no other agent is registered nobody judges the lease, so it is not
// renewed at all; other agents count leases from their own registration at the earliest
// (sql/agents.ts), and an agent's arrival wakes us to renew (pga_jobagent_notify).

export class LeaseRenewal {
  /** performance.now() when the last renewal (or registration, which sets jagseen) was sent. */
  private renewedAt = -Infinity;
  /** The last probe saw no other agent registered (at start: until the first probe says). */
  alone = true;

  /** Whether this probe must renew a lease of `leaseSeconds`. */
  due(leaseSeconds: number, now = performance.now()): boolean {
    return now - this.renewedAt >= (leaseSeconds * 1000) / 2;
  }

  /** A renewal was sent at `sentAt`: counting from before the server's now() errs on the safe side. */
  renewed(sentAt: number): void {
    this.renewedAt = sentAt;
  }
}
