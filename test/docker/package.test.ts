/**
 * Issue 12's check, Docker half: in the scratch project that installed the
 * packed package offline (test/package/pack.test-utils.ts), a vitest suite
 * starts a two-node keepalived cluster through vrrp-lab/testcontainers — the
 * node image built from the installed package — kills the master, waits for
 * the backup, and checks with `docker ps -a` / `docker network ls` that the
 * run left nothing behind.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { writeConsumerFiles } from '../package/consumer-files.test-utils.js';
import { consumerVitest, packedConsumer, removeConsumer } from '../package/pack.test-utils.js';
import { skipReason } from './docker-test-utils.js';

describe.skipIf(skipReason !== undefined)('the packed package on Docker', () => {
  afterAll(removeConsumer);
  it('a two-node cluster through vrrp-lab/testcontainers: master killed, backup takes over, nothing left', { timeout: 1_200_000 }, async () => {
    const consumer = await packedConsumer();
    writeConsumerFiles(consumer.dir);
    const { status, output } = consumerVitest(consumer, ['tests/docker.test.ts']);
    expect(output).toMatch(/Tests\s+1 passed/);
    expect(status).toBe(0);
  });
});
