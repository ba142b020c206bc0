// When the poll renews the agent's lease (4.4). Renewing is a write (a WAL record and a commit
// flush), so the probe renews only once half the lease has passed since the last renewal and is
// read-only otherwise. The lease (2 * -t + -r) and the dead-agent rules are unchanged: the next
// poll comes at most -t later, so the lease is renewed by lease / 2 + -t at the latest, -r / 2
// before it runs out.

export class LeaseRenewal {
  /** performance.now() when the last renewal (or registration, which sets jagseen) was sent. */
  private renewedAt = -Infinity;

  /** Whether this probe must renew a lease of `leaseSeconds`. */
  due(leaseSeconds: number, now = performance.now()): boolean {
    return now - this.renewedAt >= (leaseSeconds * 1000) / 2;
  }

  /** A renewal was sent at `sentAt`: counting from before the server's now() errs on the safe side. */
  renewed(sentAt: number): void {
    this.renewedAt = sentAt;
  }
}
