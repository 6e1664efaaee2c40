import { jest } from '@jest/globals';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describeWith } from './services.js';

// A suite whose service is away skips with a line saying so, unless CI requires its services.

const NOTHING_THERE = { name: 'Nothing', host: '127.0.0.1', port: 1 };

// CI runs this with TEST_REQUIRE_SERVICES=1; each test sets what it is about.
const required = process.env.TEST_REQUIRE_SERVICES;
beforeEach(() => delete process.env.TEST_REQUIRE_SERVICES);
afterAll(() => (required === undefined ? delete process.env.TEST_REQUIRE_SERVICES : (process.env.TEST_REQUIRE_SERVICES = required)));

test('a service that answers: the suite runs', async () => {
  const listening = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => listening.once('listening', resolve));
  const { port } = listening.address() as AddressInfo;
  try {
    expect(await describeWith(import.meta.url, { name: 'Something', host: '127.0.0.1', port })).toBe(describe);
  } finally {
    listening.close();
  }
});

test('a service that does not: the suite skips, and says which and why', async () => {
  const written: string[] = [];
  const write = jest.spyOn(process.stderr, 'write').mockImplementation((text) => Boolean(written.push(String(text))));
  try {
    expect(await describeWith(import.meta.url, NOTHING_THERE)).toBe(describe.skip);
  } finally {
    write.mockRestore();
  }
  expect(written.join('')).toMatch(/SKIPPED services\.spec\.ts: no Nothing on 127\.0\.0\.1:1\. CI sets TEST_REQUIRE_SERVICES=1/);
});

test('TEST_REQUIRE_SERVICES=1: the suite runs, and fails on what is missing', async () => {
  process.env.TEST_REQUIRE_SERVICES = '1';
  expect(await describeWith(import.meta.url, NOTHING_THERE)).toBe(describe);
});
