import type { IncomingMessage } from 'node:http';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from '../config/index.ts';

/**
 * Abuse limits of one API process: failed authentications per client address, and
 * requests per API key. Counted in memory, so with N API processes a client may get up
 * to N times the configured rate; each process still protects itself.
 */
export class Throttle {
  readonly #failures: RateLimiterMemory;
  readonly #requests: RateLimiterMemory;
  readonly #maxFailures: number;
  readonly #proxyHops: number;

  constructor(limits: Config['limits'], trustProxyHops = 0) {
    this.#maxFailures = limits.authFailuresPerMinute;
    this.#proxyHops = trustProxyHops;
    this.#failures = new RateLimiterMemory({ points: limits.authFailuresPerMinute, duration: 60 });
    this.#requests = new RateLimiterMemory({ points: limits.keyRequestsPerSecond, duration: 1 });
  }

  /**
   * The client's address: the peer's, or behind `trustProxyHops` reverse proxies the
   * X-Forwarded-For entry the outermost trusted proxy saw (entries further left are the
   * client's own claims and could be forged).
   */
  addressOf(req: IncomingMessage | undefined): string {
    const peer = req?.socket.remoteAddress ?? 'unknown';
    if (this.#proxyHops === 0 || !req) return peer;
    const header = req.headers['x-forwarded-for'];
    const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean);
    return forwarded.at(-this.#proxyHops) ?? forwarded[0] ?? peer;
  }

  /** Seconds until `address` may try a key again; 0 when it may now. */
  async authBlockedFor(address: string): Promise<number> {
    const state = await this.#failures.get(address);
    return state && state.consumedPoints >= this.#maxFailures ? seconds(state.msBeforeNext) : 0;
  }

  async authFailed(address: string): Promise<void> {
    await this.#failures.consume(address).catch(() => undefined);
  }

  /** Counts one request of the key; seconds to wait when it is over its rate, else 0. */
  async keyRequest(keyId: string): Promise<number> {
    try {
      await this.#requests.consume(keyId);
      return 0;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return seconds(rejection.msBeforeNext);
      throw rejection;
    }
  }
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
